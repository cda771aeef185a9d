"""A direct, lighter road to the freedesktop Secret Service (gnome-keyring, KWallet's bridge).

`keyring` reaches the same service, but importing it and discovering its backends costs
about 150 ms per process, and it opens a new D-Bus connection and encryption session for every
call. `launch-wizard token` runs before every API call in a script, so on Linux it talks to
the service with `secretstorage` itself: one connection, one session. Entries are written
exactly as keyring's SecretService backend writes them, so either can read the other's.
Used only when the user has not configured keyring (PYTHON_KEYRING_BACKEND, keyringrc.cfg).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from jeepney import Message  # type: ignore[import-untyped]
    from secretstorage import Collection
    from secretstorage.dhcrypto import Session

T = TypeVar("T")
IS_LOCKED = "org.freedesktop.Secret.Error.IsLocked"

APPLICATION = "Python keyring library"  # what keyring's backend stamps on its items


def applies(environ: Mapping[str, str] = os.environ) -> bool:
    """True where keyring itself would pick the Secret Service: a desktop-bus system, keyring
    not configured by the user, and not KDE (where keyring prefers KWallet)."""
    if not sys.platform.startswith(("linux", "freebsd")):
        return False
    if environ.get("PYTHON_KEYRING_BACKEND"):
        return False
    if "KDE" in environ.get("XDG_CURRENT_DESKTOP", "").upper().split(":"):
        return False
    config_home = Path(environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    if (config_home / "python_keyring" / "keyringrc.cfg").exists():
        return False
    runtime_bus = Path(environ.get("XDG_RUNTIME_DIR", "/nonexistent")) / "bus"
    return bool(environ.get("DBUS_SESSION_BUS_ADDRESS")) or runtime_bus.exists()


class Unavailable(RuntimeError):
    pass


class SecretServiceBackend:
    """Few waits on the service: the searches for several entries are sent together, then one
    call reads all their secrets; the collection is checked unlocked once, and an item found
    locked since then is unlocked and asked again."""

    name = "SecretService"

    def __init__(self) -> None:
        import secretstorage
        from secretstorage.exceptions import SecretStorageException

        try:
            self._bus = secretstorage.dbus_init()
            if not secretstorage.check_service_availability(self._bus):
                raise Unavailable("no Secret Service is running or activatable on the bus")
            self._collection = secretstorage.get_default_collection(self._bus)
        except (SecretStorageException, OSError) as exc:  # OSError: no socket at that address
            raise Unavailable(str(exc) or type(exc).__name__) from None
        self._checked_unlocked = False

    def _unlocked(self) -> Collection:
        collection = self._collection
        if not self._checked_unlocked:
            if collection.is_locked():
                collection.unlock()  # may show the desktop's unlock prompt
                if collection.is_locked():
                    raise PermissionError("the keyring is locked (the unlock prompt was dismissed)")
            self._checked_unlocked = True
        if collection.session is None:  # one encryption session for every item, not one each
            from secretstorage.util import open_session

            collection.session = open_session(self._bus)
        return collection

    def _search(self, service: str, user: str) -> list[str]:
        return self._search_all(service, [user])[0]

    def _search_all(self, service: str, users: list[str]) -> list[list[str]]:
        """The paths of each entry's items, all asked at once (secretstorage's search would also
        ask each item its label: one more round trip each)."""
        from jeepney import new_method_call
        from secretstorage.defines import SS_PREFIX
        from secretstorage.util import DBusAddressWrapper

        collection = self._unlocked()
        target = DBusAddressWrapper(collection.collection_path, SS_PREFIX + "Collection", self._bus)
        return [list(paths) for (paths,) in self._pipelined([
            new_method_call(target, "SearchItems", "a{ss}", ({"username": user, "service": service},))
            for user in users])]

    def _pipelined(self, calls: list[Message]) -> list[tuple[Any, ...]]:
        """The answers to `calls`, all sent before the first answer is read: one wait for all."""
        from jeepney import HeaderFields, MessageType
        from jeepney.wrappers import DBusErrorResponse  # type: ignore[import-untyped]

        serials = []
        for call in calls:
            serials.append(next(self._bus.outgoing_serial))
            self._bus.send(call, serial=serials[-1])
        replies: dict[int, Message] = {}
        while len(replies) < len(serials):
            reply = self._bus.receive()
            if (serial := reply.header.fields.get(HeaderFields.reply_serial)) in serials:
                replies[serial] = reply  # anything else is a signal no one here listens to
        for reply in replies.values():
            if reply.header.message_type == MessageType.error:
                raise DBusErrorResponse(reply)
        return [replies[serial].body for serial in serials]

    def _retrying_locked(self, call: Callable[[], T]) -> T:
        """`call`, again after unlocking if the keyring was locked since it was checked."""
        from jeepney.wrappers import DBusErrorResponse
        from secretstorage.exceptions import LockedException

        try:
            return call()
        except LockedException:
            pass
        except DBusErrorResponse as exc:
            if exc.name != IS_LOCKED:
                raise
        self._checked_unlocked = False
        self._collection.unlock()
        return call()

    def get_password(self, service: str, user: str) -> str | None:
        return self.get_passwords(service, [user])[0]

    def get_passwords(self, service: str, users: list[str]) -> list[str | None]:
        """The values of several entries of `service`: one search each, one read for them all."""
        found = dict(zip(users, self._search_all(service, users), strict=True))
        paths = [paths[0] for paths in found.values() if paths]
        secrets = self._retrying_locked(lambda: self._secrets(paths)) if paths else {}
        return [secrets[found[user][0]] if found[user] else None for user in users]

    def _secrets(self, paths: list[str]) -> dict[str, str]:
        from secretstorage.defines import SS_PATH, SS_PREFIX
        from secretstorage.util import DBusAddressWrapper

        session = self._unlocked().session
        assert session is not None
        service = DBusAddressWrapper(SS_PATH, SS_PREFIX + "Service", self._bus)
        (secrets,) = service.call("GetSecrets", "aoo", paths, session.object_path)
        if len(secrets) < len(set(paths)):  # the service leaves out the secrets of locked items
            from secretstorage.exceptions import LockedException

            raise LockedException("an item is locked")
        return {path: _decrypted(session, secret).decode("utf-8") for path, secret in secrets.items()}

    def set_password(self, service: str, user: str, value: str) -> None:
        from secretstorage.defines import SS_PREFIX
        from secretstorage.util import DBusAddressWrapper, format_secret

        collection = self._unlocked()
        session = collection.session
        assert session is not None
        properties = {
            SS_PREFIX + "Item.Label": ("s", f"Password for '{user}' on '{service}'"),
            SS_PREFIX + "Item.Attributes": ("a{ss}", {"username": user, "service": service,
                                                      "application": APPLICATION}),
        }
        target = DBusAddressWrapper(collection.collection_path, SS_PREFIX + "Collection", self._bus)
        item, prompt = self._retrying_locked(lambda: target.call(
            "CreateItem", "a{sv}(oayays)b", properties,
            format_secret(session, value.encode("utf-8"), "text/plain"), True))
        if len(item) <= 1:  # "/": the service asks the person first
            self._prompt(prompt, "saving")

    def delete_password(self, service: str, user: str) -> None:
        self.delete_passwords(service, [user])

    def delete_passwords(self, service: str, users: list[str]) -> None:
        """Several entries of `service` deleted: one search each, one delete each, all at once."""
        from jeepney import new_method_call
        from secretstorage.defines import SS_PREFIX
        from secretstorage.util import DBusAddressWrapper

        items = [DBusAddressWrapper(paths[0], SS_PREFIX + "Item", self._bus)
                 for paths in self._search_all(service, users) if paths]
        prompts = self._retrying_locked(
            lambda: self._pipelined([new_method_call(item, "Delete") for item in items]))
        for (prompt,) in prompts:
            if prompt != "/":
                self._prompt(prompt, "deleting")

    def _prompt(self, prompt: str, what: str) -> None:
        from secretstorage.util import exec_prompt

        dismissed, _ = exec_prompt(self._bus, prompt)
        if dismissed:
            raise PermissionError(f"{what} the entry was refused (the prompt was dismissed)")


def _decrypted(session: Session, secret: tuple[str, bytes, bytes, str]) -> bytes:
    """A secret as the service sent it in `session` (as secretstorage's Item.get_secret reads it)."""
    _, iv, value, _ = secret
    if not session.encrypted:
        return bytes(value)
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    assert session.aes_key is not None
    decryptor = Cipher(algorithms.AES(session.aes_key), modes.CBC(bytes(iv))).decryptor()
    padded = decryptor.update(bytes(value)) + decryptor.finalize()
    return padded[:-padded[-1]]
