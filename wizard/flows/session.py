"""The session: a profile loaded with the warnings it carries, its secrets found in one order, new
credentials saved, an access token got, and what was learned remembered.

Both front doors work through it: the command line prints its events (`on_event`), the wizard's
state is built on it. It prints nothing and raises the typed errors of `wizard.core.errors`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.core.errors import SecretStoreError
from wizard.core.profile import (
    ENV_PREFIX,
    SEEN_WITH,
    Profile,
    ProfileStore,
    apply_environment,
    endpoint_warnings,
)
from wizard.core.secret_store import SecretStore, store_for
from wizard.core.vocabulary import SecretKind

if TYPE_CHECKING:
    from wizard.core.secret_source import SecretSource
    from wizard.core.tokens import TokenResult


@dataclass(frozen=True)
class EndpointWarning:
    """A host the profile sends credentials to that is neither Adobe's nor this machine's."""

    text: str  # "the IMS URL ... (set by LAUNCH_WIZARD_IMS_URL)"


@dataclass(frozen=True)
class PlaintextStorage:
    """The secrets are in a plaintext file (the user opted in): said each time it is opened."""

    path: Path


@dataclass(frozen=True)
class TokenNote:
    """Something worth knowing about the token just got ("note: the token is not cached (...)",
    "metascope ... works: saved in the profile")."""

    text: str


Event = EndpointWarning | PlaintextStorage | TokenNote
Listener = Callable[[Event], None]


def _ignore(event: Event) -> None:
    """The listener of a caller that shows no event."""


def open_store(profile: Profile, on_event: Listener = _ignore) -> SecretStore:
    """The secret store the profile's `storage` names (a plaintext file is reported)."""
    store = store_for(profile.storage, profile.keyring_service)
    if store.plaintext_file is not None:
        on_event(PlaintextStorage(store.plaintext_file))
    return store


@dataclass
class Session:
    """What a front door works on: the profile, where profiles are saved, the secret store (opened
    at first need, once), and the environment whose LAUNCH_WIZARD_* secrets count."""

    profile: Profile
    profiles: ProfileStore
    on_event: Listener = _ignore
    environ: Mapping[str, str] = field(default_factory=dict, repr=False)
    _store: SecretStore | None = field(default=None, repr=False)

    @classmethod
    def load(cls, name: str, on_event: Listener = _ignore, environ: Mapping[str, str] | None = None,
             profiles: ProfileStore | None = None) -> Session:
        """The profile `name` with the LAUNCH_WIZARD_* variables of `environ` (this process's by
        default) over it; a warning for each endpoint that is not Adobe's (nor this machine),
        every time."""
        environ = os.environ if environ is None else environ
        profiles = profiles or ProfileStore()
        profile = apply_environment(profiles.load(name), environ)

        def source(name: str) -> str:
            var = ENV_PREFIX + name.upper()
            return f"set by {var}" if environ.get(var, "").strip() else f"set in {profiles.path}"

        for line in endpoint_warnings(profile, source):
            on_event(EndpointWarning(line))
        return cls(profile, profiles, on_event, environ)

    @property
    def store(self) -> SecretStore:
        if self._store is None:
            self._store = open_store(self.profile, self.on_event)
        return self._store

    @store.setter
    def store(self, store: SecretStore) -> None:
        self._store = store

    def secrets(self, given: Mapping[SecretKind, str] | None = None) -> SecretSource:
        """Where this session finds a secret: `given` ones first, then its environment's, then its
        store's, then the key file."""
        from wizard.core.secret_source import SecretSource  # not needed for the wizard's first frame

        return SecretSource(self.store, given or {}, self.environ)

    def save_credentials(self, profile: Profile, secrets: Mapping[SecretKind, str],
                         changes: Mapping[str, object]) -> str:
        """Secrets first, then `changes` to the saved `profile` (only those fields: another process
        may be changing others). If the store refuses a secret, the ones written this time are put
        back as they were and the profile is not changed. Where the secrets went, in words."""
        where = ""
        if secrets:  # given no secret, no keyring is needed
            store = open_store(profile, self.on_event)  # `profile` may choose another storage
            _store_all(store, profile.name, secrets)
            from wizard.core.tokens import forget

            forget(profile, store)  # made with the old credential
            where = store.describe()
        self.profiles.update(profile.name, changes)
        return where

    def access_token(self, refresh: bool = False,
                     on_signed: Callable[[dict[str, Any]], None] | None = None) -> TokenResult:
        """A token, from the cache unless `refresh`: its notes reported, a metascope it learned
        remembered."""
        from wizard.core.tokens import get_token

        result = get_token(self.profile, self.store, refresh=refresh, on_signed=on_signed,
                           secrets=self.secrets())
        for note in result.notes:
            self.on_event(TokenNote(note))
        if result.profile_changed:
            self.remember(result.profile, {"metascopes": result.profile.metascopes})
        return result

    def remember(self, used: Profile, changes: Mapping[str, Any]) -> Profile | None:
        """Keep `changes` in the saved profile, if it is the one `used` (LAUNCH_WIZARD_* variables
        may have pointed this session at another credential, or another process changed it
        meanwhile: then nothing is kept, and None comes back)."""
        return self.profiles.update(used.name, changes, expect={f: getattr(used, f) for f in SEEN_WITH})


def _store_all(store: SecretStore, name: str, secrets: Mapping[SecretKind, str]) -> None:
    """Each secret into `store`; if one is refused, those written are put back as they were."""
    before = {kind: store.get(name, kind) for kind in secrets}
    try:
        for kind, value in secrets.items():
            store.set(name, kind, value)
    except SecretStoreError:
        for kind, old in before.items():
            with contextlib.suppress(SecretStoreError):  # best effort: the first error is the news
                if old is None:
                    store.delete(name, kind)
                else:
                    store.set(name, kind, old)
        raise
