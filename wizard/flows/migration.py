"""Adobe's migration of a JWT credential to OAuth Server-to-Server, as the Developer Console does
it: the same client ID, organization and technical account, the credential's scopes instead of
a signed JWT. The console's Migrate button is pressed (the sandbox's here, Adobe's by a person),
then the migrated credential is tried (`credential_test.trial`); only then does the caller switch
the profile to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wizard.core.errors import ConfigError
from wizard.core.profile import DEFAULT_SCOPES, Profile
from wizard.core.vocabulary import AuthType

if TYPE_CHECKING:
    from wizard.core.console import Answer, Console

TECHNICAL_ACCOUNT = ("technical_account_id", "technical_account_email")


def server_to_server(profile: Profile, scopes: list[str] | None = None) -> Profile:
    """A JWT profile as the console's migration turns it: the same client ID, organization and
    technical account; the credential's scopes (Adobe's Launch list unless given)."""
    if not profile.is_jwt:
        raise ConfigError(f"profile {profile.name!r} is already OAuth Server-to-Server",
                          "nothing to migrate; `launch-wizard test` checks it")
    return profile.with_changes(auth_type=AuthType.OAUTH_S2S, scopes=scopes or list(DEFAULT_SCOPES))


def the_jwt_credential(migrated_by_console: bool) -> str:
    """What becomes of the JWT credential once migrated: a console that migrates by itself (the
    sandbox's) keeps it beside the new one, unused; in Adobe's, the person deletes it."""
    if migrated_by_console:
        return "the sandbox keeps the JWT credential beside the new one, unused: nothing to delete"
    return "delete the JWT credential in the console once nothing uses it"


def press_migrate(console: Console, jwt: Profile, s2s: Profile) -> Answer[Profile]:
    """The console's Migrate pressed, where the console presses it itself (the sandbox's): `s2s`
    with the technical account its page shows, where it had none. Where a person presses it
    (Adobe's console), the steps."""
    from wizard.core.console import Done, PersonDoes

    pressed = console.press_migrate(jwt.client_id)
    if isinstance(pressed, PersonDoes):
        return pressed
    shown = console.look_up(jwt.client_id)  # its page shows the technical account
    if not isinstance(shown, Done) or shown.value is None:
        return Done(s2s)
    return Done(s2s.with_changes(**{name: getattr(shown.value, name) for name in TECHNICAL_ACCOUNT
                                    if not getattr(s2s, name)}))
