"""What happens to a credential after it works: Adobe's migration from JWT to OAuth
Server-to-Server, and the rotation of certificates and client secrets.

Each change is tried before it is made: the new credential gets a token and the Launch API
answers with it, and only then does the caller switch. The steps a person takes in the Developer
Console are the console's (`ManualConsole` asks nothing; `SandboxConsole` presses the buttons).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wizard.core.errors import ConfigError
from wizard.core.profile import DEFAULT_SCOPES, Profile

if TYPE_CHECKING:
    from wizard.core.console import ManualConsole, SandboxConsole
    from wizard.core.ims import Token
    from wizard.core.reactor import Company, Properties
    from wizard.core.secret_store import SecretStore

CERT_WARN_DAYS = 30  # Adobe mailed weekly reminders from 30 days before a certificate expired


@dataclass(frozen=True)
class Trial:
    """A credential that was just shown to work."""

    profile: Profile  # with the metascope learned, if one was
    token: Token
    survey: list[Properties]  # each company the token sees, with its properties

    @property
    def companies(self) -> list[Company]:
        return [seen.company for seen in self.survey]


def trial(profile: Profile, store: SecretStore, given: Mapping[str, str] | None = None) -> Trial:
    """A fresh token (never the cache), then the companies and properties it sees, with `given`
    secrets over the stored."""
    from wizard.core.reactor import Reactor
    from wizard.core.tokens import exchange

    result = exchange(profile, store, given=given)
    return Trial(result.profile, result.token, Reactor.of(profile, result.token.access_token).survey())


def server_to_server(profile: Profile, scopes: list[str] | None = None) -> Profile:
    """A JWT profile as the console's migration turns it: the same client ID, organization and
    technical account; the credential's scopes (Adobe's Launch list unless given)."""
    if not profile.is_jwt:
        raise ConfigError(f"profile {profile.name!r} is already OAuth Server-to-Server",
                          "nothing to migrate; `launch-wizard test` checks it")
    return profile.with_changes(auth_type="oauth-s2s", scopes=scopes or list(DEFAULT_SCOPES))


# The secrets only a JWT credential uses, and the one command that removes them once unused.
JWT_ONLY_SECRETS = ("private_key", "key_passphrase")
FORGET_KEY = "launch-wizard migrate --forget-key --profile {profile}"


def unused_secrets(profile: Profile, store: SecretStore) -> dict[str, str]:
    """The secrets stored for `profile` that its flow does not use (a JWT private key left after
    a migration or an import), each with where it is; none if the store cannot be asked."""
    from wizard.core.errors import SecretStoreError

    if profile.is_jwt:
        return {}
    try:
        return {kind: store.describe() for kind in JWT_ONLY_SECRETS
                if store.get(profile.name, kind) is not None}
    except SecretStoreError:
        return {}  # `status` says why the store cannot be asked


def forget_unused(profile: Profile, store: SecretStore) -> list[str]:
    """Delete the secrets `profile` no longer uses; the kinds deleted."""
    gone = list(unused_secrets(profile, store))
    for kind in gone:
        store.delete(profile.name, kind)
    return gone


def console_for(profile: Profile) -> ManualConsole | SandboxConsole:
    """Where the console is chosen now (kept here for the commands that import it from here)."""
    from wizard.core.console import console_for as chosen

    return chosen(profile)
