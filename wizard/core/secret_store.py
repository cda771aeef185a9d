"""Secrets in the OS keyring, behind a timeout, read back after every write.

Rules (see DESIGN.md): the `fail` and `null` backends are refused; values are stored
single-line (base64) because gnome-keyring without a password loses its collection on a
newline; values are chunked so no entry exceeds 1000 characters (Windows Credential Manager);
a chunked write goes to a new generation and only then is the head switched, so a failure half
way leaves the old value readable; writers of one entry take turns (a lock file per entry), so
each removes the generation it replaced and none is left behind. A plaintext file is used only
when the user asks for it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol, TypeVar

from wizard.core.errors import SecretStoreError
from wizard.core.files import parse_json, read_limited, write_atomically
from wizard.core.locks import WAIT_S, LockError, beside, held, lock_file
from wizard.core.profile import KEYRING_SERVICE, config_dir
from wizard.core.vocabulary import SecretKind

T = TypeVar("T")
SERVICE = KEYRING_SERVICE
SANDBOX_SERVICE = "launch-wizard-sandbox"
SANDBOX_PROFILE = "sandbox"  # the profile `launch-wizard --sandbox` opens unless told another
KINDS = (*SecretKind, "token")
CHUNK_SIZE = 1000
TIMEOUT_S = 10.0

_SINGLE = "v1:"
_CHUNKED = "v1chunks:"

NO_KEYRING_ALTERNATIVES = (
    "set LAUNCH_WIZARD_CLIENT_SECRET and LAUNCH_WIZARD_PRIVATE_KEY in the environment, or opt in "
    "to a plaintext file with `launch-wizard configure --insecure-storage`"
)
NO_KEYRING_FIX = "start and unlock a Secret Service (e.g. gnome-keyring), or " + NO_KEYRING_ALTERNATIVES


class KeyringTimeout(SecretStoreError):
    """The keyring did not answer in time (its call may still be running in its thread)."""


class MemoryBackend:
    """Keeps secrets in this process only (the sandbox's throwaway secrets, the demo, tests).

    `limit` makes it refuse values longer than that, as Windows Credential Manager does."""

    name = "memory (this process only)"

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, user: str) -> str | None:
        return self.values.get((service, user))

    def set_password(self, service: str, user: str, value: str) -> None:
        if self.limit is not None and len(value) > self.limit:
            raise SecretStoreError(f"value of {len(value)} characters is over this store's "
                                   f"limit of {self.limit}")
        self.values[(service, user)] = value

    def delete_password(self, service: str, user: str) -> None:
        self.values.pop((service, user), None)


class FileBackend:
    """The explicit plaintext fallback: a JSON file, mode 0600, written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = f"plaintext file {path}"

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            data = parse_json(read_limited(self.path, expected="the secrets file", error=SecretStoreError,
                                           if_missing=b"{}").decode("utf-8"))
        except (OSError, ValueError) as exc:
            raise SecretStoreError(f"cannot read the secrets file {self.path} ({exc})",
                                   "repair it or move it aside and enter the secrets again") from None
        if not (isinstance(data, dict) and all(
                isinstance(entries, dict) and all(isinstance(v, str) for v in entries.values())
                for entries in data.values())):
            raise SecretStoreError(f"the secrets file {self.path} is not what launch-wizard writes",
                                   "move it aside and enter the secrets again")
        return data

    def _save(self, data: dict[str, dict[str, str]]) -> None:
        import json  # hashlib, json and secrets load where used: the first frame needs none

        write_atomically(self.path, json.dumps(data, indent=1, sort_keys=True).encode(), 0o600)

    def get_password(self, service: str, user: str) -> str | None:
        return self._load().get(service, {}).get(user)

    def set_password(self, service: str, user: str, value: str) -> None:
        with self._locked():
            data = self._load()
            data.setdefault(service, {})[user] = value
            self._save(data)

    def delete_password(self, service: str, user: str) -> None:
        with self._locked():
            data = self._load()
            if data.get(service, {}).pop(user, None) is not None:
                self._save(data)

    def _locked(self) -> AbstractContextManager[None]:
        """Each write reads the whole file and writes it back: one process at a time."""
        return held(beside(self.path), f"the secrets file {self.path}")


class Backend(Protocol):
    """What the store needs of a keyring (keyring's backends, ours, and the test doubles)."""

    def get_password(self, service: str, user: str) -> str | None: ...

    def set_password(self, service: str, user: str, value: str) -> None: ...

    def delete_password(self, service: str, user: str) -> None: ...


def _system_keyring() -> Backend:
    """The OS keyring backend, refusing the ones that store nothing."""
    from wizard.core import secret_service

    if secret_service.applies():
        try:
            return secret_service.SecretServiceBackend()
        except (secret_service.Unavailable, ImportError):
            pass  # let keyring look for another backend, and explain if there is none
    import keyring
    from keyring.backends import chainer, fail, null

    backend = keyring.get_keyring()
    label = f"{type(backend).__module__}.{type(backend).__qualname__}"
    if isinstance(backend, fail.Keyring) or (
        isinstance(backend, chainer.ChainerBackend) and not backend.backends
    ):
        raise SecretStoreError(f"no usable keyring was found ({label})", NO_KEYRING_FIX)
    if isinstance(backend, null.Keyring):
        raise SecretStoreError(f"the keyring backend is {label}, which silently stores nothing",
                               NO_KEYRING_FIX)
    return backend


def _with_timeout(fn: Callable[[], T], timeout: float, what: str) -> T:
    """Run `fn` in a daemon thread: a hung Secret Service must not hang us, nor our exit."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised below, in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True, name="secret-store")
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise KeyringTimeout(f"the keyring did not answer within {timeout:g} s ({what})",
                             "unlock the keyring, or check that its service is running; or "
                             + NO_KEYRING_ALTERNATIVES)
    error = box.get("error")
    if isinstance(error, SecretStoreError):
        raise error
    if error is not None:
        raise SecretStoreError(f"the keyring failed ({what}): {type(error).__name__}: {error}",
                               "unlock the keyring, or " + NO_KEYRING_FIX) from None
    value: T = box["value"]
    return value


def _read_all(backend: Backend, service: str, users: list[str]) -> list[str | None]:
    """Several entries' values: at once where the backend can (the Secret Service's)."""
    many = getattr(backend, "get_passwords", None)
    if many is None:
        return [backend.get_password(service, user) for user in users]
    values: list[str | None] = many(service, users)
    return values


def _encode(value: str) -> str:
    return base64.b64encode(value.encode()).decode()


def _digest(value: str) -> str:
    import hashlib

    return hashlib.sha256(value.encode()).hexdigest()[:16]


class SecretStore:
    """One keyring service; entries are named `<profile>:<kind>`."""

    def __init__(self, service: str = SERVICE, backend: Backend | None = None,
                 timeout: float = TIMEOUT_S) -> None:
        self.service = service
        self._backend = backend
        self._found = backend is None  # the backend is ours to find (and to drop)
        self._unusable: SecretStoreError | None = None  # why finding it failed, once and for all
        self.timeout = timeout

    @property
    def backend(self) -> Backend:
        if self._backend is None:
            if self._unusable is not None:
                raise self._unusable
            try:
                self._backend = self._timed(_system_keyring, "finding the keyring")
            except KeyringTimeout:
                raise  # a slow keyring may answer next time
            except SecretStoreError as exc:
                self._unusable = exc
                raise
        return self._backend

    @property
    def found(self) -> bool:
        """Whether the backend is at hand (asking for it may mean finding the keyring: slow)."""
        return self._backend is not None

    @property
    def plaintext_file(self) -> Path | None:
        """The plaintext file the secrets are in, when the user chose one (never discovers)."""
        return self._backend.path if isinstance(self._backend, FileBackend) else None

    def describe(self) -> str:
        backend = self.backend
        if isinstance(backend, (FileBackend, MemoryBackend)):
            return backend.name
        return f"keyring ({getattr(backend, 'name', type(backend).__name__)}, service {self.service})"

    def _timed(self, fn: Callable[[], T], what: str) -> T:
        try:
            return _with_timeout(fn, self.timeout, what)
        except KeyringTimeout:
            # the hung call still holds the connection, which is not thread-safe: next time,
            # start from a new one
            if self._found:
                self._backend = None
            raise

    def _get(self, user: str, what: str = "") -> str | None:
        backend = self.backend
        return self._timed(lambda: backend.get_password(self.service, user), what or f"reading {user}")

    def _get_many(self, users: list[str], what: str) -> list[str | None]:
        """Several entries under one timeout."""
        backend = self.backend
        return self._timed(lambda: _read_all(backend, self.service, users), what)

    def _delete(self, user: str, what: str = "") -> None:
        backend = self.backend
        self._timed(lambda: backend.delete_password(self.service, user), what or f"deleting {user}")

    def _write(self, values: dict[str, str]) -> None:
        """Each entry set, then all read back, under one timeout (not one per call)."""
        backend = self.backend

        def save() -> list[str | None]:
            for user, value in values.items():
                backend.set_password(self.service, user, value)
            return _read_all(backend, self.service, list(values))

        kept = self._timed(save, f"saving {', '.join(values)}")
        for (user, value), read in zip(values.items(), kept, strict=True):
            if read != value:
                raise SecretStoreError(f"the keyring did not keep {user} (read back differs)",
                                       NO_KEYRING_FIX)

    def get(self, profile: str, kind: str) -> str | None:
        user = f"{profile}:{kind}"
        head = self._get(user)
        for _ in range(3):
            if head is None:
                return None
            try:
                return self._value(user, head)
            except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
                problem = exc
            again = self._get(user)
            if again == head:
                break
            head = again  # a writer replaced the value while it was read (and its chunks went)
        raise SecretStoreError(f"the stored {kind} of profile {profile!r} is damaged ({problem})",
                               "enter it again (the wizard or `launch-wizard configure`)")

    def version(self, profile: str, kind: str) -> str | None:
        """A mark of what the entry holds, other after each write (a digest of its head, which
        holds the value or its chunks' generation): one read, whatever the value's size."""
        head = self._get(f"{profile}:{kind}")
        return None if head is None else _digest(head)

    def _value(self, user: str, head: str) -> str:
        if head.startswith(_SINGLE):
            return base64.b64decode(head[len(_SINGLE):], validate=True).decode()
        if head.startswith(_CHUNKED):
            generation, count, digest = head[len(_CHUNKED):].split(":")
            parts = self._get_many([f"{user}#{generation}.{i}" for i in range(int(count))],
                                   f"reading {user}")
            if None in parts:
                raise ValueError("a chunk is missing")
            value = base64.b64decode("".join(p for p in parts if p), validate=True).decode()
            if _digest(value) != digest:
                raise ValueError("checksum differs")
            return value
        return head  # set by hand, e.g. with `keyring set launch-wizard <profile>:<kind>`

    def set(self, profile: str, kind: str, value: str) -> None:
        user = f"{profile}:{kind}"
        with self._entry_locked(user):
            self._set_entry(user, value)

    def _set_entry(self, user: str, value: str) -> None:
        encoded = _encode(value)
        old_head = self._get(user)  # its chunks go after
        if len(_SINGLE) + len(encoded) <= CHUNK_SIZE:
            self._write({user: _SINGLE + encoded})
            self._drop_chunks(user, old_head)
            return
        import secrets

        generation = secrets.token_hex(4)
        chunks = [encoded[i:i + CHUNK_SIZE] for i in range(0, len(encoded), CHUNK_SIZE)]
        try:
            self._write({f"{user}#{generation}.{i}": chunk for i, chunk in enumerate(chunks)})
        except SecretStoreError:
            self._drop_chunks(user, f"{_CHUNKED}{generation}:{len(chunks)}:-")
            raise
        self._write({user: f"{_CHUNKED}{generation}:{len(chunks)}:{_digest(value)}"})
        self._drop_chunks(user, old_head)

    @property
    def in_memory(self) -> bool:
        """Whether it keeps secrets in this process's memory, which no other process sees."""
        return isinstance(self._backend, MemoryBackend)

    def locked(self, key: str, what: str, wait: float = WAIT_S) -> AbstractContextManager[None]:
        """A lock that processes using this store share, on `key` (an entry, a token's refresh);
        none for a store in this process's memory."""
        backend = self._backend
        if self.in_memory:
            return contextlib.nullcontext()
        folder = backend.path.parent if isinstance(backend, FileBackend) else config_dir()
        return held(lock_file(folder / "locks", self.service, key), what, wait)

    @contextlib.contextmanager
    def _entry_locked(self, user: str) -> Iterator[None]:
        """Writers of one entry one at a time: each removes the chunks of the head it replaced,
        so no chunk set outlives its generation, and a read-back sees its own write."""
        with contextlib.ExitStack() as stack:
            try:
                stack.enter_context(self.locked(user, f"the secret {user}"))
            except LockError as exc:
                raise SecretStoreError(exc.cause, exc.fix) from None
            yield

    def _drop_chunks(self, user: str, head: str | None) -> None:
        """Best effort: leftover chunks are harmless, a failure here must not fail the write."""
        if not head or not head.startswith(_CHUNKED):
            return
        try:
            generation, count, _ = head[len(_CHUNKED):].split(":")
            users = [f"{user}#{generation}.{i}" for i in range(int(count))]
        except ValueError:
            return  # a damaged head names no chunks

        def drop(backend: Backend) -> None:
            many = getattr(backend, "delete_passwords", None)
            if many is not None:
                many(self.service, users)
                return
            for chunk in users:
                with contextlib.suppress(Exception):  # the others still go
                    backend.delete_password(self.service, chunk)

        with contextlib.suppress(SecretStoreError):
            backend = self.backend
            self._timed(lambda: drop(backend), "tidying")

    def delete(self, profile: str, kind: str) -> None:
        user = f"{profile}:{kind}"
        with self._entry_locked(user):
            head = self._get(user)
            if head is None:
                return
            try:
                self._delete(user)
            except SecretStoreError:
                if self._get(user) is not None:
                    raise
            self._drop_chunks(user, head)


def store_for(storage: str, service: str = SERVICE, config_folder: Path | None = None,
              timeout: float = TIMEOUT_S) -> SecretStore:
    """The store a profile's `storage` setting names ("keyring" or "file")."""
    if storage == "file":
        folder = config_folder or config_dir()
        return SecretStore(service, FileBackend(folder / "secrets.json"), timeout)
    return SecretStore(service, None, timeout)


PLAINTEXT_WARNING = ("warning: secrets are stored in a plaintext file (--insecure-storage); "
                     "anyone who can read {path} can use them")
