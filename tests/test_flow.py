"""The wizard's own flow: step order per credential type, titles, staleness, and the progress
record, saved beside the profile where every earlier version kept it (`steps_done`)."""

import itertools
import tomllib

import pytest

from tests.tui_helpers import screen_text, settle
from wizard.core.profile import ProfileStore
from wizard.core.secret_store import MemoryBackend, SecretStore
from wizard.tui.app import WizardApp
from wizard.tui.flow import JWT_FLOW, S2S_FLOW, Progress, StepId, stale_after, steps_for, title
from wizard.tui.state import WizardState

ORG = "0123456789ABCDEF01234567@AdobeOrg"
# the step names earlier versions saved, in their order for each credential type
JWT_STEPS = ("organization", "role", "keys", "upload", "credentials", "test", "done")
S2S_STEPS = ("organization", "credentials", "test", "done")


def test_each_credential_type_has_its_flow_as_the_profile_file_knows_it():
    assert steps_for("jwt") == JWT_FLOW == JWT_STEPS  # the names a saved `steps_done` uses
    assert steps_for("oauth-s2s") == S2S_FLOW == S2S_STEPS
    assert set(JWT_FLOW) == set(StepId)
    assert title("credentials", "jwt") == "Credentials and private key"
    assert title("credentials", "oauth-s2s") == "Credentials"
    assert title(StepId.ORGANIZATION, "oauth-s2s") == "Organization and integration"


@pytest.mark.parametrize("auth_type", ["jwt", "oauth-s2s"])
def test_a_saved_record_resumes_at_the_step_it_always_did(auth_type):
    """Every record an earlier version could save (any subset of steps): the same next step as
    those versions' own rule (the first of the flow's steps not done, else the last)."""
    steps = JWT_STEPS if auth_type == "jwt" else S2S_STEPS
    for size in range(len(JWT_STEPS) + 1):
        for done in itertools.combinations(JWT_STEPS, size):
            opened_at = next((s for s in steps if s not in done), steps[-1])
            assert Progress.of(auth_type, done).next_step() == opened_at, done


def test_the_record_keeps_the_flows_order_and_ignores_names_it_does_not_know():
    progress = Progress.of("jwt", ["test", "keys", "organization", "no-such-step"])
    assert progress.done == (StepId.ORGANIZATION, StepId.KEYS, StepId.TEST)
    assert progress.next_step() == StepId.ROLE
    assert progress.marked("role").next_step() == StepId.UPLOAD
    assert progress.without(["keys"]).done == (StepId.ORGANIZATION, StepId.TEST)
    assert Progress.of("oauth-s2s", ["organization", "credentials", "test", "done"]).next_step() \
        == StepId.DONE  # all done: the last step


def test_what_a_changed_value_makes_stale():
    assert stale_after(["client_id"]) == {StepId.UPLOAD, StepId.CREDENTIALS, StepId.TEST}
    assert stale_after(["client_secret"]) == {StepId.TEST}
    assert stale_after(["ims_url", "name"]) == set()


def test_progress_is_saved_as_it_goes_and_a_change_takes_back_what_it_made_stale(isolated_config):
    state = WizardState.open(secrets=SecretStore(backend=MemoryBackend()))
    state.update(auth_type="jwt", org_id=ORG)
    for step in ("organization", "role", "keys", "upload"):
        state.mark_done(step)
    saved = tomllib.loads((isolated_config / "config.toml").read_text())["profiles"]["default"]
    assert saved["steps_done"] == ["organization", "role", "keys", "upload"]
    state.update(client_id="another-client")
    assert state.progress.done == (StepId.ORGANIZATION, StepId.ROLE, StepId.KEYS)
    assert Progress.load(ProfileStore(), ProfileStore().load("default")).saved() == [
        "organization", "role", "keys"]
    assert state.progress.next_step() == StepId.UPLOAD


@pytest.mark.parametrize("auth_type, done, opens_at", [
    ("jwt", '["organization", "role", "keys"]', "upload"),
    ("oauth-s2s", '["organization"]', "credentials"),
    ("jwt", '["keys", "organization"]', "role"),
])
async def test_a_profile_saved_by_an_earlier_version_opens_where_it_stopped(
        isolated_config, auth_type, done, opens_at):
    isolated_config.mkdir(parents=True, exist_ok=True)
    (isolated_config / "config.toml").write_text(
        f'[profiles.default]\nauth_type = "{auth_type}"\norg_id = "{ORG}"\nsteps_done = {done}\n')
    app = WizardApp(secrets=SecretStore(backend=MemoryBackend()))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.current == opens_at
        assert app.screen.query_one(f"#step-{opens_at}").display
        shown = screen_text(app)
        assert "✓ 1. Organization" in shown
        number = steps_for(auth_type).index(StepId(opens_at)) + 1
        assert f"▶ {number}. {title(opens_at, auth_type)}" in shown
        assert app.unexpected == []


def test_a_step_knows_neither_the_app_nor_another_step():
    """Steps get their state when built and answer in messages: importing one loads no app."""
    import subprocess
    import sys

    code = ("import sys, wizard.tui.steps.base, wizard.tui.steps.organization; "
            "print(sorted(m for m in sys.modules if m.startswith('wizard.tui')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "wizard.tui.app" not in loaded.stdout and "wizard.tui.steps.test" not in loaded.stdout
    assert "wizard.tui.flow" in loaded.stdout


def test_sentences_name_the_keys_the_bindings_bind(monkeypatch):
    from textual.binding import Binding

    from wizard.core.ims import ims_error
    from wizard.tui import bindings, remedy

    assert [bindings.key(b.id).lower() for b in bindings.BINDINGS if isinstance(b, Binding) and b.id] \
        == [b.key for b in bindings.BINDINGS if isinstance(b, Binding) and b.id]
    assert (bindings.key("test"), bindings.key("back")) == ("F5", "ctrl+b")
    moved = [Binding("alt+left", "previous_step", "Back", id="back"),
             Binding("alt+right", "next_step", "Next", id="next")]
    monkeypatch.setattr(bindings, "BINDINGS", moved)
    error = ims_error(401, {"error": "invalid_client", "error_description": "invalid client_secret"})
    assert remedy.fix(error, JWT_FLOW, "jwt", "test").endswith("(alt+left goes back)")
    assert remedy.fix(error, JWT_FLOW, "jwt", "organization").endswith(
        f'({bindings.PALETTE}, then "Step 5"; or alt+right 4 times)')
    assert remedy.fix(error, JWT_FLOW, "jwt", "upload").endswith("(alt+right goes on)")
