"""Locks between processes: an OS file lock in a file beside what it guards.

Several launch-wizard processes may run at once (two shells, a script's parallel `token` calls,
the wizard and the command line). Each read-modify-write of a shared file, and each token
exchange, holds one of these locks: for milliseconds, or for the exchange's round trip.

The lock belongs to the open file, not to the process, so two threads of one process that each
take it also wait for each other. Closing the file releases it, even when the process is killed.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from wizard.core.errors import WizardError

WAIT_S = 30.0  # longer than a token exchange's retries; a hang past it is a stuck process


class LockError(WizardError):
    """A lock file cannot be opened (a permission, a symlink in its place)."""


class LockTimeout(LockError):
    """Another process held the lock for longer than we wait."""


def lock_file(folder: Path, *key: str) -> Path:
    """The lock file for `key` (e.g. a keyring service and a profile) in `folder`: a name safe on
    every file system, whatever characters the key holds."""
    import hashlib  # loaded where used: the wizard's first frame takes no lock

    digest = hashlib.sha256("\0".join(key).encode()).hexdigest()[:24]
    return folder / f"{digest}.lock"


def beside(path: Path) -> Path:
    """The lock file that guards `path`."""
    return path.with_name(f"{path.name}.lock")


@contextlib.contextmanager
def held(path: Path, what: str, wait: float = WAIT_S) -> Iterator[None]:
    """Hold the lock `path` (created, mode 0600) for the block; `what` is guarded, in words.

    Raises LockTimeout after `wait` seconds rather than hang."""
    fd = _open(path, what)
    try:
        _acquire(fd, path, what, wait)
        try:
            yield
        finally:
            _release(fd)
    finally:
        os.close(fd)


def _open(path: Path, what: str) -> int:
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        for folder in reversed([f for f in (path.parent, *path.parent.parents) if not f.is_dir()]):
            folder.mkdir(mode=0o700, exist_ok=True)  # each folder made here is private
        return os.open(path, flags, 0o600)
    except OSError as exc:
        raise LockError(f"cannot open the lock file {path} for {what}: {exc.strerror or exc}",
                        f"check that you own {path.parent} and that {path.name} is a plain file"
                        ) from None


def _acquire(fd: int, path: Path, what: str, wait: float) -> None:
    deadline = time.monotonic() + wait
    pause = 0.001
    while not _try_lock(fd):
        if time.monotonic() >= deadline:
            raise LockTimeout(f"another launch-wizard process kept {what} locked for more than "
                              f"{wait:g} s ({path})",
                              "wait for the other launch-wizard command to finish, or stop it; "
                              "then run this one again")
        time.sleep(pause)
        pause = min(pause * 2, 0.02)


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _release(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _release(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
