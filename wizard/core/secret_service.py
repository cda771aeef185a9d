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
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from secretstorage import Collection, Item

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
        if not self._checked_unlocked:
            if self._collection.is_locked():
                self._collection.unlock()  # may show the desktop's unlock prompt
                if self._collection.is_locked():
                    raise PermissionError("the keyring is locked (the unlock prompt was dismissed)")
            self._checked_unlocked = True
        return self._collection

    def _items(self, service: str, user: str) -> list[Item]:
        collection = self._unlocked()
        if collection.session is None:  # one encryption session for every item, not one each
            from secretstorage.util import open_session

            collection.session = open_session(self._bus)
        return list(collection.search_items({"username": user, "service": service}))

    def get_password(self, service: str, user: str) -> str | None:
        for item in self._items(service, user):
            if item.is_locked():
                item.unlock()
            secret: bytes = item.get_secret()
            return secret.decode("utf-8")
        return None

    def set_password(self, service: str, user: str, value: str) -> None:
        self._items(service, user)  # opens the shared session
        self._unlocked().create_item(
            f"Password for '{user}' on '{service}'",
            {"username": user, "service": service, "application": APPLICATION},
            value.encode("utf-8"), replace=True)

    def delete_password(self, service: str, user: str) -> None:
        for item in self._items(service, user):
            item.delete()
            return
