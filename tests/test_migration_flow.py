"""The migration as one flow: the profile the console's Migrate makes, the sandbox's button pressed
(with the technical account its page shows), Adobe's left to a person, then the trial."""

import pytest

from tests.conftest import jwt_profile
from wizard.core.console import MIGRATE_STEPS, Done, ManualConsole, PersonDoes, SandboxConsole
from wizard.core.errors import ConfigError, IMSError
from wizard.core.profile import DEFAULT_SCOPES
from wizard.flows import credential_test
from wizard.flows.migration import press_migrate, server_to_server


def test_the_migrated_profile_keeps_the_credential_and_takes_scopes(jwt_setup):
    _, jwt, _ = jwt_setup
    s2s = server_to_server(jwt)
    assert s2s.auth_type == "oauth-s2s" and s2s.scopes == list(DEFAULT_SCOPES)
    assert (s2s.client_id, s2s.org_id, s2s.technical_account_id) == (
        jwt.client_id, jwt.org_id, jwt.technical_account_id)
    assert server_to_server(jwt, ["openid"]).scopes == ["openid"]
    with pytest.raises(ConfigError, match="already OAuth Server-to-Server"):
        server_to_server(s2s)


def test_the_sandboxs_button_is_pressed_then_the_new_credential_works(sandbox, memory_store):
    console = SandboxConsole(sandbox.console_url)
    creds = console.create("to-migrate", "jwt").value
    jwt = jwt_profile(sandbox, creds, technical_account_id="")
    memory_store.set(jwt.name, "client_secret", creds.client_secret)
    s2s = server_to_server(jwt)
    with pytest.raises(IMSError):  # not migrated yet: IMS knows no such OAuth credential
        credential_test.trial(s2s, memory_store)
    pressed = press_migrate(console, jwt, s2s)
    assert isinstance(pressed, Done) and pressed.value.technical_account_id == creds.technical_account_id
    passed = credential_test.trial(pressed.value, memory_store)
    assert passed.companies and passed.profile.auth_type == "oauth-s2s"
    assert memory_store.get(jwt.name, "token") is None  # tried, not yet switched to: nothing cached


def test_adobes_button_is_a_persons(jwt_setup):
    _, jwt, _ = jwt_setup
    assert press_migrate(ManualConsole(), jwt, server_to_server(jwt)) == PersonDoes(MIGRATE_STEPS)
