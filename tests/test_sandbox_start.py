"""`launch-wizard --sandbox` draws step 1 before its sandbox serves: what needs the sandbox waits
for it, and a sandbox that cannot start says so instead of leaving a request hanging."""

from __future__ import annotations

import threading

from textual.widgets import Static

from tests.tui_helpers import settle
from wizard.core.secret_store import SANDBOX_SERVICE, MemoryBackend, SecretStore
from wizard.sandbox.server import Sandbox
from wizard.tui.app import WizardApp
from wizard.tui.wizard_screen import SANDBOX_BANNER, SANDBOX_STARTING


def own_sandbox_app() -> WizardApp:
    return WizardApp(sandbox=True, secrets=SecretStore(SANDBOX_SERVICE, MemoryBackend(limit=1000)))


def shown(app: WizardApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_create_pressed_while_the_sandbox_starts_waits_for_it(monkeypatch):
    serving = threading.Event()
    start = Sandbox.start
    monkeypatch.setattr(Sandbox, "start", lambda self: serving.wait(30) and start(self))
    app = own_sandbox_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.current == "organization" and shown(app, "#banner") == SANDBOX_STARTING
        app.screen.query_one("#create-integration").press()
        await pilot.pause()
        assert "Creating the integration" in shown(app, "#created")
        serving.set()
        await settle(app, pilot)
        assert "✓ Created." in shown(app, "#created") and app.state.profile.client_id
        assert shown(app, "#banner") == SANDBOX_BANNER
        assert not app.unexpected, app.unexpected


async def test_a_sandbox_that_cannot_start_says_so_and_refuses_what_needs_it(monkeypatch):
    def cannot(self: Sandbox) -> Sandbox:
        raise RuntimeError("the sandbox server did not start")

    monkeypatch.setattr(Sandbox, "start", cannot)
    app = own_sandbox_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        notice = shown(app, "#notice-text")
        assert "The sandbox did not start: the sandbox server did not start" in notice
        assert "launch-wizard --sandbox" in notice
        app.screen.query_one("#create-integration").press()
        await settle(app, pilot, rounds=4)
        assert shown(app, "#created").startswith("✗ ")  # refused at once: nothing serves the port
        assert not app.state.profile.client_id
        assert not app.unexpected, app.unexpected
