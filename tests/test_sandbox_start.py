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
        # the ports it serves on this run, saved once it serves
        assert ProfileStore().load("sandbox").ims_url == app.state.sandbox.ims_url


async def test_the_sandbox_is_started_once_however_often_the_first_frame_is_laid_out(monkeypatch):
    """A second layout before the first one's news is handled (keys pressed at once, a busy
    machine) announced the first frame twice, and two starts raced on one port."""
    from wizard.tui.wizard_screen import WizardScreen

    begin = WizardScreen._begin

    async def laid_out_twice(self: WizardScreen) -> None:
        await begin(self)
        self.screen_layout_refresh_signal.publish(self)
        self.screen_layout_refresh_signal.publish(self)

    monkeypatch.setattr(WizardScreen, "_begin", laid_out_twice)
    starts: list[int] = []
    start = WizardApp.start_sandbox
    monkeypatch.setattr(WizardApp, "start_sandbox",
                        lambda self, *args: starts.append(1) or start(self, *args))
    app = own_sandbox_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert shown(app, "#banner") == SANDBOX_BANNER
        assert starts == [1]
        assert not app.unexpected, app.unexpected


def test_starts_from_two_threads_serve_once(monkeypatch):
    threads: list[threading.Thread] = []
    spawn = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start",
                        lambda self: threads.append(self) or spawn(self))
    sb = Sandbox()
    try:
        both = [threading.Thread(target=sb.start) for _ in range(2)]
        for thread in both:
            spawn(thread)
        for thread in both:
            thread.join(30)
        assert [t.name for t in threads] == ["sandbox"]
        assert httpx.get(f"{sb.console_url}/organization").status_code == 200
    finally:
        sb.stop()


def test_a_stopped_sandbox_does_not_pass_for_one_that_serves():
    sb = Sandbox().start()
    sb.stop()
    with pytest.raises(RuntimeError, match="stopped before it started"):
        sb.start()


@pytest.mark.parametrize("damaged", ["{damaged", '{"org_id": "x", "integrations": [{"certificates": []}]}'])
async def test_a_damaged_sandbox_state_file_is_named_with_its_fix_and_the_wizard_still_opens(damaged):
    """The state file is read as the sandbox starts, after the first frame: not JSON, or JSON
    of another shape."""
    from wizard.core.profile import config_dir

    config_dir().mkdir(parents=True)
    (config_dir() / "sandbox-state.json").write_text(damaged)
    app = own_sandbox_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.current == "organization"
        notice = " ".join(shown(app, "#notice-text").split())
        assert "The sandbox did not start: the sandbox state file" in notice
        assert "cannot be read" in notice and "fix: move it aside" in notice
        assert shown(app, "#banner") == "SANDBOX · the simulated Adobe did not start"
        assert not app.unexpected, app.unexpected


def test_a_request_still_open_when_the_sandbox_stops_is_answered_and_no_traceback_shown(capfd):
    """A slow answer (a fault's delay) still open at the stop was reported by uvicorn as a crash
    of the application, with a traceback on the terminal: it is answered 503 instead."""
    from wizard.sandbox.state import SandboxState

    state = SandboxState()
    sandbox = Sandbox(state=state).start()
    httpx.post(f"{sandbox.console_url}/faults",
               json={"path": "/console/organization", "delay_s": 30}).raise_for_status()
    answers: list[int] = []
    slow = threading.Thread(target=lambda: answers.append(
        httpx.get(f"{sandbox.console_url}/organization", timeout=20).status_code))
    slow.start()
    for _ in range(1000):  # until the request took the fault: it is in, asleep
        if not state.faults or not slow.is_alive():
            break
        slow.join(0.01)
    assert not state.faults
    sandbox.stop()  # uvicorn waits 2 s for it, then cancels it
    slow.join(10)
    assert answers == [503]
    assert "Traceback" not in capfd.readouterr().err
