"""In the wizard, every fix points at the wizard's own step, never at a command to type."""

import itertools

import pytest

from wizard.core.errors import OTHER_SUBJECTS, SECRET_SUBJECTS
from wizard.core.ims import _ADVICE, ims_error
from wizard.core.profile import FIELD_NAMES
from wizard.core.reactor import _ADVICE as REACTOR_ADVICE
from wizard.core.reactor import reactor_error
from wizard.tui import remedy
from wizard.tui.flow import JWT_FLOW as JWT_STEPS
from wizard.tui.flow import S2S_FLOW as S2S_STEPS

FLOWS = [(JWT_STEPS, "jwt"), (S2S_STEPS, "oauth-s2s")]

IMS_ERRORS = [ims_error(status, {"error": code, "error_description": description})
              for status, code, description in itertools.product(
                  (400, 401, 403), [*_ADVICE, "invalid_scope", "invalid_signature", "mystery"],
                  ("invalid client_secret parameter",
                   "Could not match JWT signature to any of the bindings", "whatever"))]
REACTOR_ERRORS = [reactor_error(status, body) for status, body in itertools.product(
    (400, 401, 403, 404, 422, 500),
    [*({"error_code": c, "message": "m"} for c in REACTOR_ADVICE),
     *({"errors": [{"code": c, "detail": "d"}]} for c in REACTOR_ADVICE),
     {"errors": [{"code": "mystery"}]}, {}])]


@pytest.mark.parametrize("steps, auth_type", FLOWS, ids=["jwt", "s2s"])
def test_no_server_refusal_sends_the_wizard_user_to_the_command_line(steps, auth_type):
    for error in IMS_ERRORS + REACTOR_ERRORS:
        assert "launch-wizard" not in remedy.fix(error, steps, auth_type, "test"), error


def test_every_subject_an_error_can_name_is_known():
    known = set(FIELD_NAMES) | set(SECRET_SUBJECTS) | set(OTHER_SUBJECTS)
    for error in IMS_ERRORS + REACTOR_ERRORS:
        assert error.subject in known, error


def test_the_fix_names_the_step_as_the_flow_numbers_it():
    error = ims_error(401, {"error": "invalid_client", "error_description": "invalid client_secret"})
    assert remedy.fix(error, JWT_STEPS, "jwt", "test") == (
        "enter the client secret again at step 5, Credentials and private key (ctrl+b goes back)")
    assert remedy.fix(error, S2S_STEPS, "oauth-s2s", "test") == (
        "enter the client secret again at step 2, Credentials (ctrl+b goes back)")
    assert remedy.fix(error, S2S_STEPS, "oauth-s2s", "credentials") == "enter the client secret again here"


def test_in_the_sandbox_a_wrong_secret_is_recovered_not_typed():
    """The sandbox made the secret and never showed it: typing it again is no way out."""
    error = ims_error(401, {"error": "invalid_client", "error_description": "invalid client_secret"})
    for steps, auth_type in ((JWT_STEPS, "jwt"), (S2S_STEPS, "oauth-s2s")):
        fixed = remedy.fix(error, steps, auth_type, "test", sandbox=True)
        assert fixed == 'press "Recover it from the sandbox" above (the sandbox never showed it)'
    assert remedy.fix(error, S2S_STEPS, "oauth-s2s", "test", sandbox=False).startswith("enter")


def test_a_refused_scope_points_at_the_scopes_field_not_the_metascopes(sandbox):
    from wizard.core.console import SandboxConsole
    from wizard.core.errors import ScopeRefused
    from wizard.core.ims import client_credentials

    made = SandboxConsole(sandbox.console_url).create("scopes", "oauth-s2s").value
    with pytest.raises(ScopeRefused) as refused:
        client_credentials(sandbox.ims_url, made.client_id, made.client_secret, ["not_its_scope"])
    assert refused.value.subject == "scopes" and "metascope" not in refused.value.fix
    assert "--scope" in refused.value.fix  # the command line's way
    assert remedy.fix(refused.value, S2S_STEPS, "oauth-s2s", "test") == (
        "correct the Scopes field (the credential's console page lists its scopes) at step 2, "
        "Credentials (ctrl+b goes back)")
