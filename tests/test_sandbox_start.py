"""`launch-wizard --sandbox` draws step 1 before its sandbox serves: what needs the sandbox waits
for it, and a sandbox that cannot start says so instead of leaving a request hanging."""

from __future__ import annotations

import threading

import httpx
import pytest
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


class _FailsToServe:
    """A server whose first imports met another thread's: it ends before it serves."""

    started = False

    def run(self, sockets):
        raise ImportError("cannot import name 'x' from partially initialized module 'h11'")


def test_a_server_that_ends_before_it_serves_is_started_once_more(monkeypatch):
    made = Sandbox._make_server
    servers = iter([_FailsToServe()])
    monkeypatch.setattr(Sandbox, "_make_server", lambda self: next(servers, None) or made(self))
    with Sandbox() as sb:
        assert httpx.get(f"{sb.console_url}/organization").status_code == 200


def test_a_server_that_ends_twice_says_why(monkeypatch):
    monkeypatch.setattr(Sandbox, "_make_server", lambda self: _FailsToServe())
    sb = Sandbox()
    with pytest.raises(RuntimeError, match=r"did not start \(ImportError: cannot import name 'x'"):
        sb.start()
    sb.close()


async def test_a_resumed_profile_is_checked_once_the_sandbox_serves(monkeypatch):
    """Nothing starts beside the sandbox's own start: the resume check waits for it to serve."""
    from wizard.core.profile import ProfileStore
    from wizard.tui.wizard_screen import WizardScreen

    ProfileStore().update("sandbox", {"auth_type": "oauth-s2s", "keyring_service": SANDBOX_SERVICE},
                          records={"steps_done": ["organization", "credentials"]})
    serving = threading.Event()
    start = Sandbox.start
    monkeypatch.setattr(Sandbox, "start", lambda self: serving.wait(30) and start(self))
    checked: list[str] = []
    monkeypatch.setattr(WizardScreen, "check_resume", lambda self: checked.append(self.banner))
    app = own_sandbox_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.current == "test" and shown(app, "#banner") == SANDBOX_STARTING
        assert checked == []  # still starting: not asked yet
        serving.set()
        await settle(app, pilot)
        assert checked == [SANDBOX_STARTING] and shown(app, "#banner") == SANDBOX_BANNER
