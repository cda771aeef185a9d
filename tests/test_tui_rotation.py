"""The Done step offers the rotation where the I/O Management API can do it, and runs it."""

from __future__ import annotations

from tests.io_management_helpers import SCOPES, held, integration, works
from tests.test_tui import driving
from tests.tui_helpers import screen_text, settle
from wizard.core.profile import ProfileStore
from wizard.core.secret_store import MemoryBackend, SecretStore
from wizard.tui.app import WizardApp
from wizard.tui.state import WizardState


def ready_app(sandbox, made, **changes) -> WizardApp:
    store = SecretStore("launch-wizard-sandbox", MemoryBackend(limit=1000))
    state = WizardState.open(sandbox=sandbox, secrets=store)
    fields = {"org_id": made.org_id, "client_id": made.client_id, "scopes": SCOPES,
              "credential_id": made.page}
    state.save_progress(state.progress.marked("organization", "credentials", "test"), **(fields | changes))
    store.set(state.profile.name, "client_secret", made.client_secret)
    return WizardApp(sandbox=sandbox, secrets=store)


async def test_done_rotates_the_secret_through_the_io_management_api(sandbox):
    made = integration(sandbox)
    app = ready_app(sandbox, made)
    async with driving(app) as pilot:
        await app.show_step("done")
        await settle(app, pilot)
        assert app.screen.query_one("#rotate-panel").display
        app.screen.query_one("#rotate-secret").press()
        await settle(app, pilot, 3)
        text = screen_text(app)
        assert "added a client secret through the sandbox's I/O Management API" in text
        assert "deleted the old client secret" in text
        new = app.state.secrets.get(app.state.profile.name, "client_secret")
        assert new != made.client_secret and works(sandbox, made, new) and new not in text
        assert app.state.session["client_secret"] == new
    assert not works(sandbox, made, made.client_secret)
    assert len(held(sandbox, made, new)) == 1
    assert ProfileStore().load("sandbox").last_test  # the proof is the new last test


async def test_done_offers_no_rotation_without_the_console_id(sandbox):
    made = integration(sandbox)
    app = ready_app(sandbox, made, credential_id="")
    async with driving(app) as pilot:
        await app.show_step("done")
        await settle(app, pilot)
        assert not app.screen.query_one("#rotate-panel").display


async def test_done_rotates_with_the_wizards_secret_never_the_environments(sandbox, monkeypatch):
    """A client secret in the environment belongs to commands; the wizard's rotation gets its
    I/O Management token with the stored one (a wrong one in the environment changes nothing)."""
    made = integration(sandbox)
    monkeypatch.setenv("LAUNCH_WIZARD_CLIENT_SECRET", "p8e-not-this-one")
    app = ready_app(sandbox, made)
    async with driving(app) as pilot:
        await app.show_step("done")
        await settle(app, pilot)
        app.screen.query_one("#rotate-secret").press()
        await settle(app, pilot, 3)
        assert "deleted the old client secret" in screen_text(app)
    assert not works(sandbox, made, made.client_secret)
