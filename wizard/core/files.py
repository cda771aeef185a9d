"""The rules for every file the tool reads from outside or creates, in one place.

Reading: a size limit checked before reading, regular files only, opened without blocking (a
named pipe or a device is refused at once, never waited on or streamed for ever).
Creating: exclusively and without following a link (`O_CREAT|O_EXCL|O_NOFOLLOW`), 0600 unless
asked, in folders made 0700; replacing a file goes through a temp file of our own that no exit
path leaves behind, except the kill no process survives (the next write clears those).
JSON from outside is parsed with its nesting bounded.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path
from typing import IO, Any

from wizard.core.errors import ConfigError, WizardError

PathLike = str | os.PathLike[str]

# Keys, certificates, the console's downloads and request bodies are a few KB each.
MAX_FILE_BYTES = 1 << 20
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_KINDS = ((stat.S_ISFIFO, "named pipe"), (stat.S_ISCHR, "device"), (stat.S_ISBLK, "device"),
          (stat.S_ISSOCK, "socket"))


def _size(limit: int) -> str:
    return f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit >> 10} KiB"


def _kind(mode: int) -> str:
    return next((kind for test, kind in _KINDS if test(mode)), "special file")


# --- reading ------------------------------------------------------------------------------------

def read_limited(path: PathLike, *, name: str = "file", expected: str = "the file",
                 error: type[WizardError] = ConfigError, limit: int = MAX_FILE_BYTES,
                 if_missing: bytes | None = None) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them; otherwise `error` naming
    what is wrong. `name` says what the file is in a cause ("private key file"), `expected` what
    to give instead in a fix ("the private key file"); `if_missing`, if given, stands for a file
    that does not exist."""
    where = Path(path).expanduser()
    try:
        fd = os.open(where, os.O_RDONLY | _NONBLOCK | _CLOEXEC)
    except FileNotFoundError:
        if if_missing is not None:
            return if_missing
        raise error(f"{name} not found: {where}", f"check the path of {expected}") from None
    except IsADirectoryError:
        raise error(f"{where} is a folder, not a file", f"give {expected} inside it") from None
    except PermissionError:
        raise error(f"cannot read {where}: permission denied",
                    "run as the file's owner or fix its permissions") from None
    except OSError as exc:  # ENXIO: a socket; ELOOP, ENOTDIR, ...
        raise error(f"cannot read {where}: {exc.strerror or exc}",
                    f"give the path of {expected}") from None
    try:
        info = os.fstat(fd)
        mode = info.st_mode
        if stat.S_ISDIR(mode):
            raise error(f"{where} is a folder, not a file", f"give {expected} inside it")
        if not stat.S_ISREG(mode):
            raise error(f"{where} is a {_kind(mode)}, not a file: it is not read",
                        "save it to a regular file and give that file's path")
        if info.st_size > limit:
            raise _too_large(error, str(where), expected, limit)
        chunks, got = [], 0
        while got <= limit:  # the file may grow while it is read: never more than limit + 1
            chunk = os.read(fd, limit + 1 - got)
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    except OSError as exc:
        raise error(f"cannot read {where}: {exc.strerror or exc}",
                    "check the file and its permissions") from None
    finally:
        os.close(fd)
    if got > limit:
        raise _too_large(error, str(where), expected, limit)
    return b"".join(chunks)


def read_stream(stream: IO[bytes], *, name: str = "standard input", expected: str = "the file",
                error: type[WizardError] = ConfigError, limit: int = MAX_FILE_BYTES) -> bytes:
    """At most `limit` bytes of a stream (standard input) up to its end; `error` if it holds
    more (an endless stream is refused as soon as it passes the limit)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large(error, name, expected, limit)
    return data


def _too_large(error: type[WizardError], where: str, expected: str, limit: int) -> WizardError:
    return error(f"{where} holds more than {_size(limit)}: too much for {expected}",
                 f"check that it is {expected}")


def read_private(path: Path, limit: int) -> bytes | None:
    """The bytes of `path` if it is a regular file of this user's that no one else may write,
    not reached through a link, of at most `limit` bytes; None for anything else and for a file
    that cannot be read. For what the tool keeps for itself alone (a cache)."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # no owner to check against: nothing is trusted
        return None
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if (not stat.S_ISREG(info.st_mode) or info.st_uid != getuid()
                or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH) or info.st_size > limit):
            return None
        data = os.read(fd, limit + 1)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


class NestedTooDeep(ValueError):
    """JSON nested deeper than the parser goes: refused as malformed JSON is."""


def parse_json(text: str | bytes) -> Any:
    """`json.loads` of outside text, where nesting too deep to parse is a ValueError
    (NestedTooDeep) like any other bad JSON, never a RecursionError."""
    import json  # json, secrets and glob load where used: the wizard's first frame needs none

    try:
        return json.loads(text)
    except RecursionError:
        raise NestedTooDeep("nested too deeply to be read") from None


# What a JSON document may begin with (after blanks): an object, a list, a string, a number,
# true, false or null.
JSON_STARTS = frozenset('{["-0123456789tfn')


def json_fault(exc: ValueError) -> str:
    """Where text that is not JSON goes wrong, in our words (the parser's are "Expecting value:
    line 1 column 1 (char 0)"): from the position it stopped at, never from its message."""
    import json

    if not isinstance(exc, json.JSONDecodeError):
        return str(exc)  # ours already (nested too deeply to be read)
    text, at = exc.doc, exc.pos
    where = f"line {exc.lineno}, column {exc.colno}"
    if not text.strip():
        return "it is empty"
    if at >= len(text.rstrip()):
        return f"it ends before the JSON is complete ({where})"
    if at == len(text) - len(text.lstrip()) and text[at] not in JSON_STARTS:
        return f"it does not start as JSON does ({where})"
    return f"it goes wrong at {where}"


# --- creating -----------------------------------------------------------------------------------

def make_folders(folder: Path) -> None:
    """`folder` and each missing parent, every one made here 0700 (umask aside); OSError if not."""
    missing: list[Path] = []
    for candidate in (folder, *folder.parents):
        if candidate.is_dir():
            break
        missing.append(candidate)
    for made in reversed(missing):
        try:
            os.mkdir(made, 0o700)
        except FileExistsError:
            if not made.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, "a file has that name", str(made)) from None
            continue  # made by another process meanwhile: its mode is its own
        os.chmod(made, 0o700)  # the umask may have taken bits from 0700


def create_new(path: Path, data: bytes, mode: int = 0o600, *,
               error: type[WizardError] = ConfigError) -> None:
    """Make `path` (and its folders) holding `data` with exactly `mode`: never over an existing
    file, never through a link; nothing is left at `path` if the write fails."""
    try:
        make_folders(path.parent)
    except OSError as exc:
        raise error(f"cannot create the folder {path.parent}: {exc.strerror or exc}",
                    "choose a folder you can write to") from None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, mode)
    except FileExistsError:
        link = path.is_symlink()
        raise error(f"{path} already exists{' (a link)' if link else ''}; refusing to overwrite it",
                    "choose another folder or file name, or move the old file aside") from None
    except OSError as exc:
        raise error(f"cannot create {path}: {exc.strerror or exc}",
                    "choose a folder you can write to") from None
    try:
        _fill(fd, data, mode)
    except BaseException as exc:
        _remove(path)
        if isinstance(exc, OSError):
            raise error(f"cannot write {path}: {exc.strerror or exc}",
                        "free some space or choose another folder") from None
        raise


def _fill(fd: int, data: bytes, mode: int) -> None:
    """Write all of `data` to the new file `fd` with exactly `mode`, to disk, and close it."""
    try:
        os.fchmod(fd, mode)
        _write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace `path` with `data` so that a crash leaves the old file or the new, never a mix.

    Safe from several threads and processes: each write has a temp file of its own, with a
    random name, created exclusively; OSError if it cannot be done."""
    make_folders(path.parent)
    fd, tmp = _temp_beside(path, mode)
    try:
        _fill(fd, data, mode)
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    _drop_orphans(path)


def _temp_beside(path: Path, mode: int) -> tuple[int, Path]:
    """A new temp file next to `path` (`.NAME.PID.RANDOM.tmp`); a name taken is drawn again."""
    import secrets

    for _ in range(16):
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC,
                           mode), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temp file name next to {path}")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _drop_orphans(path: Path) -> None:
    """Remove our own temp files left by writers that were killed mid-write (their process is
    gone). Anything else, a stranger's file, a folder, a name not ours, is left alone, and
    nothing here can fail the write that already succeeded."""
    import glob

    try:
        found = list(path.parent.glob(f".{glob.escape(path.name)}.*.tmp"))
    except OSError:
        return
    for orphan in found:
        try:
            pid = int(orphan.name.rsplit(".", 3)[-3])
            info = orphan.lstat()
            if pid <= 0 or not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
                continue
            try:
                os.kill(pid, 0)
                continue  # its writer is still at work
            except ProcessLookupError:
                pass
            orphan.unlink()
        except (ValueError, IndexError, OSError):
            continue
