"""The wizard driven with Pilot against the real sandbox: both flows, resume, every validation
message, and each trap a person walked into (focus, copy, stale results, markup, threads)."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import httpx
import pytest
from textual.widgets import Checkbox, DataTable, Input, Static, TextArea

from tests.tui_helpers import (
    jwt_opens_at,
    next_step,
    notifications,
    region_text,
    s2s_opens_at,
    s2s_opens_at_credentials,
    screen_rows,
    screen_text,
    settle,
    type_into,
)
from wizard.core.console import Capability, SandboxConsole
from wizard.core.profile import ProfileStore
from wizard.core.secret_store import MemoryBackend, SecretStore
from wizard.tui.app import WizardApp
from wizard.tui.flow import Progress
from wizard.tui.screens import ConfirmQuit, HelpScreen, RolesScreen
from wizard.tui.state import WizardState

SIZE = (120, 40)
SMALL = (80, 24)


@pytest.fixture
def backend():
    return MemoryBackend(limit=1000)


def make_app(sandbox, backend, **kw) -> WizardApp:
    return WizardApp(sandbox=sandbox, secrets=SecretStore("launch-wizard-sandbox", backend), **kw)


@contextlib.asynccontextmanager
async def driving(app: WizardApp, size=SIZE, notifications: bool = False, unexpected: int = 0):
    """Run the app; at the end, no bug may have been swallowed by the worker error handler."""
    async with app.run_test(size=size, notifications=notifications) as pilot:
        await settle(app, pilot)
        yield pilot
        assert len(app.unexpected) == unexpected, app.unexpected


async def press(app, pilot, selector: str) -> None:
    app.screen.query_one(selector).press()
    await settle(app, pilot)


async def jwt_to_credentials(app, pilot, role_permission: str = "publish") -> None:
    """The JWT flow up to the credentials step, the way a person clicks through it."""
    assert app.current == "organization"
    await pilot.click("#auth-jwt")
    await settle(app, pilot)
    assert app.screen.query_one("#org-id", Input).value.endswith("@AdobeOrg")  # the sandbox's org
    await next_step(app, pilot)
    assert app.current == "role" and not app.state.profile.client_id  # created with the role
    app.screen.query_one(f"#perm-{role_permission}", Checkbox).value = True
    await settle(app, pilot)
    await press(app, pilot, "#choose-role")
    assert app.state.profile.client_id and "Created" in screen_text(app)
    await next_step(app, pilot)
    assert app.current == "keys"
    await press(app, pilot, "#generate-button")
    assert "SHA-1 fingerprint" in screen_text(app)
    await next_step(app, pilot)
    assert app.current == "upload"
    await press(app, pilot, "#upload-sandbox")
    assert "the same fingerprint as yours" in screen_text(app)
    await next_step(app, pilot)
    assert app.current == "credentials"


async def s2s_to_test(app, pilot) -> None:
    await press(app, pilot, "#create-integration")
    await next_step(app, pilot)
    assert app.current == "credentials"
    await next_step(app, pilot)
    assert app.current == "test"


# --- both flows ---------------------------------------------------------------------------------

async def test_jwt_flow_from_empty_profile_to_copied_token(sandbox, backend, monkeypatch):
    from wizard.tui import clipboard

    delivered = []
    monkeypatch.setattr(clipboard, "deliver", lambda text: delivered.append(
        (text, threading.current_thread() is threading.main_thread())) or clipboard.Delivery())
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        await jwt_to_credentials(app, pilot)
        await press(app, pilot, "#use-generated")
        assert "matches the certificate from step 3 (Key and certificate)" in screen_text(app)
        await next_step(app, pilot)
        assert app.current == "test"
        await pilot.press("f5")
        await settle(app, pilot, 4)
        text = screen_text(app)
        assert "Sandbox Company" in text and '"alg": "RS256"' in text
        assert "rights: develop, approve, publish" in text  # the role chosen before creation
        assert "Sandbox Company: 3 properties" in text and "Marketing site (web)" in text
        token = app.state.last_token.access_token
        await pilot.press("f3")
        await settle(app, pilot)
        await press(app, pilot, "#copy-token")
        await press(app, pilot, "#copy-curl")
        from wizard.tui.shell import command_name

        assert app.clipboard.startswith(f"{command_name()} headers --profile ")
        assert "| curl -sS -H @- " in app.clipboard and token not in app.clipboard
        assert [d[0] for d in delivered[:2]] == [token, token]  # F3 and the button: one path
        assert delivered and not any(on_ui for _, on_ui in delivered)  # the tool ran off the UI thread
        await next_step(app, pilot)
        assert app.current == "done"
        text = screen_text(app)
        assert "it sees 1 company, 3 properties" in text
        assert "Sandbox Company: Marketing site, Support portal, Mobile app" in text
    saved = ProfileStore().load("sandbox")
    assert saved.last_test["properties"] == 3 and saved.company_id.startswith("CO")
    assert saved.auth_type == "jwt" and saved.metascopes == ["ent_reactor_publisher_sdk"]
    assert Progress.load(ProfileStore(), saved).saved() == [
        "organization", "role", "keys", "upload", "credentials", "test"]
    assert saved.keyring_service == "launch-wizard-sandbox"
    store = SecretStore("launch-wizard-sandbox", backend)
    assert store.get("sandbox", "client_secret") and "PRIVATE KEY" in store.get("sandbox", "private_key")


async def test_s2s_flow_speaks_its_own_language(sandbox, backend):
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert not app.screen.query_one("#create-integration").disabled
        await press(app, pilot, "#create-integration")
        await next_step(app, pilot)
        assert app.current == "credentials"  # no role, key or certificate step
        text = screen_text(app)
        assert "2. Credentials step 2 of 4" in text and "private key" not in text.lower()
        assert "product profiles" in text and "Role" not in app.screen.query_one("#steps").render().plain
        assert "AdobeID" in app.screen.query_one("#scopes", Input).value
        made = SandboxConsole(sandbox.console_url).look_up(app.state.profile.client_id).value
        assert made is not None  # the console page's technical account, filled by Create
        assert app.screen.query_one("#tech-id", Input).value == made.technical_account_id
        assert app.screen.query_one("#tech-email", Input).value == made.technical_account_email
        await type_into(pilot, "#tech-email", "me@example.com")
        await next_step(app, pilot)
        assert app.current == "credentials" and app.focused.id == "tech-email"
        assert "email must end in @techacct.adobe.com" in screen_text(app)
        await type_into(pilot, "#tech-email", made.technical_account_email)
        await next_step(app, pilot)
        await press(app, pilot, "#run-test")
        await settle(app, pilot, 2)
        text = screen_text(app)
        assert "Request an access token (client credentials)" in text and "Sandbox Company" in text
        assert "JWT" not in text


async def test_the_engine_signs_once_per_exchange_and_the_screen_shows_those_claims(
        sandbox, backend, keypair, monkeypatch):
    from wizard.core import tokens

    signed, exchanged = [], []
    real_sign, real_exchange = tokens.sign_jwt, tokens.exchange_jwt
    monkeypatch.setattr(tokens, "sign_jwt",
                        lambda claims, key: signed.append(claims) or real_sign(claims, key))
    monkeypatch.setattr(tokens, "exchange_jwt", lambda *a: exchanged.append(a) or real_exchange(*a))
    await jwt_opens_at("test", sandbox, backend, keypair)
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "test"
        await pilot.press("f5")
        await settle(app, pilot, 4)
        assert len(signed) == len(exchanged) == 2  # ent_reactor_sdk refused, then the role's
        sign = region_text(app, "#stage-jwt")  # the Sign stage's own lines, the last JWT's claims
        assert "metascope ent_reactor_publisher_sdk" in sign
        assert f"iss {signed[-1]['iss']}, sub {signed[-1]['sub']}" in sign


async def test_a_token_another_process_just_refreshed_leaves_no_stage_running(
        sandbox, backend, keypair, monkeypatch):
    """Parallel refreshes make one exchange: the test may get a token another process fetched
    while it waited for the lock, with no JWT of its own signed."""
    from wizard.flows import credential_test as test_step

    real = test_step.get_token

    def refreshed_elsewhere(profile, store, **kwargs):
        result = real(profile, store, **kwargs)
        result.claims, result.source = None, "cache"
        return result

    monkeypatch.setattr(test_step, "get_token", refreshed_elsewhere)
    await jwt_opens_at("test", sandbox, backend, keypair)
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "test"
        await pilot.press("f5")
        await settle(app, pilot, 4)
        assert "a token obtained a moment ago was used" in screen_text(app)
        assert "Sandbox Company: 3 properties" in screen_text(app)
        assert "✓ Sign the JWT (RS256)" in screen_text(app)


# --- markup, crashes, threads ------------------------------------------------------------------

async def test_typed_text_is_never_markup(sandbox, backend, tmp_path):
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        await type_into(pilot, "#org-id", "[/bold] x")
        await next_step(app, pilot)
        assert app.is_running and app.current == "organization"
        assert "'[/bold] x'" in screen_text(app)
        await type_into(pilot, "#org-id", "[red]12345")
        await next_step(app, pilot)
        assert "'[red]12345'" in screen_text(app)


async def test_paths_and_server_answers_are_shown_as_text(fresh_sandbox, backend, keypair, tmp_path):
    await jwt_opens_at("credentials", fresh_sandbox, backend, keypair)
    app = make_app(fresh_sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "credentials"
        folder = tmp_path / "[old]"
        folder.mkdir()
        await type_into(pilot, "#key-file", str(folder / "private.key"))
        app.screen.query_one("#key-file").focus()
        await pilot.press("enter")  # Enter in the path field loads, as the button does
        await settle(app, pilot)
        status = str(app.screen.query_one("#key-status", Static).render())  # the screen may
        assert f"private key file not found: {folder}/private.key" in status  # cut a long path
        await press(app, pilot, "#use-generated")
        await next_step(app, pilot)
        httpx.post(f"{fresh_sandbox.console_url}/faults", json={
            "path": "/ims/exchange/jwt", "status": 400,
            "body": {"error": "invalid_client", "error_description": "[b]bold[/b] and [red]"}})
        await pilot.press("f5")
        await settle(app, pilot, 4)
        assert "[b]bold[/b] and [red]" in screen_text(app)


async def test_an_unexpected_error_in_a_worker_is_shown_not_fatal(sandbox, backend, monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("boom [x]")

    monkeypatch.setattr(SandboxConsole, "create", broken)
    app = make_app(sandbox, backend)
    async with driving(app, unexpected=1) as pilot:
        await type_into(pilot, "#org-id", "ABC@AdobeOrg")
        await press(app, pilot, "#create-integration")
        assert app.is_running
        assert "Something went wrong inside launch-wizard (RuntimeError: boom [x])" in screen_text(app)
        assert app.screen.query_one("#org-id", Input).value == "ABC@AdobeOrg"


async def test_the_ui_thread_alone_changes_the_state(sandbox, backend, monkeypatch):
    threads = set()
    real_update = WizardState.update

    def update(self, **changes):
        threads.add(threading.current_thread() is threading.main_thread())
        return real_update(self, **changes)

    monkeypatch.setattr(WizardState, "update", update)
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        await jwt_to_credentials(app, pilot)
        await press(app, pilot, "#use-generated")
        await next_step(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot, 4)
        assert "test" in app.state.progress.done
    assert threads == {True}


def test_concurrent_profile_saves_from_threads_all_land(tmp_path):
    """The probe from the field: 600 concurrent saves once failed 148 times."""
    from concurrent.futures import ThreadPoolExecutor

    from wizard.core.profile import Profile

    store = ProfileStore(tmp_path / "config.toml")

    def save(i: int) -> None:
        store.save(Profile(name=f"p{i % 12}", org_id=f"{i}@AdobeOrg"))

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(save, range(600)))
    assert len(store.names()) == 12
    assert not list(tmp_path.glob(".config.toml.*.tmp"))


def test_a_crash_shows_no_local_variables_and_exits_non_zero(tmp_path):
    """Textual prints crashes with every frame's locals; ours must not, and the exit code says it."""
    import os
    import pty
    import subprocess
    import sys

    from tests.conftest import REPO, clean_env

    code = """
import sys
import wizard.tui.app as a
class Crashing(a.WizardApp):
    def action_help(self):
        client_secret = "p8e-Sentinel-Secret-4711"
        raise RuntimeError("boom")
    def on_ready(self):
        self.set_timer(0.5, self.action_help)
a.WizardApp = Crashing
sys.exit(a.run())
"""
    main, terminal = pty.openpty()  # a terminal for the app, without forking this test's threads
    child = subprocess.Popen([sys.executable, "-c", code], stdin=terminal, stdout=terminal,
                             stderr=terminal, cwd=REPO, close_fds=True,
                             env=clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path)))
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(main)
    text = output.decode(errors="replace")
    assert child.wait(30) == 1
    assert "RuntimeError" in text and "boom" in text
    assert "p8e-Sentinel-Secret-4711" not in text


# --- focus -----------------------------------------------------------------------------------

async def test_coming_back_focuses_without_selecting_so_a_key_does_not_wipe(sandbox, backend):
    await s2s_opens_at_credentials(sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "credentials"
        await next_step(app, pilot)
        assert app.current == "test"
        client_id = app.state.profile.client_id
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        assert app.current == "credentials" and app.focused.id == "client-id"
        await pilot.press("x")
        assert app.screen.query_one("#client-id", Input).value == client_id + "x"


async def test_going_back_and_forth_keeps_what_was_typed_and_not_saved(sandbox, backend):
    await s2s_opens_at_credentials(sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "credentials"
        await next_step(app, pilot)
        assert app.current == "test"
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        await type_into(pilot, "#client-id", "typed-not-saved")
        app.screen.query_one("#step-credentials").report_dirty(
            "client-id", app.state.profile.client_id)
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        await next_step(app, pilot)
        assert app.current == "credentials"
        assert app.screen.query_one("#client-id", Input).value == "typed-not-saved"
        assert "Client ID (API key)" in app.unsaved


async def test_after_a_refused_next_the_field_in_error_has_focus(sandbox, backend, keypair):
    await jwt_opens_at("credentials", sandbox, backend, keypair)
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "credentials"
        await type_into(pilot, "#tech-id", "not-an-account")
        await next_step(app, pilot)
        assert app.current == "credentials" and app.focused.id == "tech-id"
        assert "technical account ID must end in @techacct.adobe.com" in screen_text(app)


async def test_enter_in_path_fields_does_what_the_button_does(sandbox, backend, keypair, other_keypair):
    await jwt_opens_at("keys", sandbox, backend, role="")  # no role
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "keys"
        app.screen.query_one("#out-dir", Input).focus()
        await pilot.press("enter")
        await settle(app, pilot, 3)
        assert "SHA-1 fingerprint" in screen_text(app)  # Enter generated the pair
        app.screen.query_one("#source-existing").value = True
        await settle(app, pilot)
        await type_into(pilot, "#key-path", str(keypair.key_path))
        await type_into(pilot, "#cert-path", str(other_keypair.cert_path))
        app.screen.query_one("#cert-path", Input).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert "this certificate was not made with that key" in screen_text(app)


# --- honest copy ------------------------------------------------------------------------------

async def test_copy_inside_tmux_without_set_clipboard_says_nothing_landed(sandbox, backend,
                                                                          tmp_path, monkeypatch):
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "tmux").write_text("#!/bin/sh\necho off\n")
    (fake / "tmux").chmod(0o755)
    monkeypatch.setenv("PATH", str(fake))
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    await s2s_opens_at("test", sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, notifications=True) as pilot:
        assert app.current == "test"
        await pilot.press("f5")
        await settle(app, pilot, 3)
        await pilot.press("f3")
        await settle(app, pilot)
        text = notifications(app)
        assert "did not reach the clipboard" in text and "set-clipboard on" in text
        assert "reveal" in text and "launch-wizard token" in text


async def test_a_copied_token_is_offered_to_be_cleared(sandbox, backend, monkeypatch):
    import wizard.tui.app as app_module
    from wizard.tui import clipboard

    monkeypatch.setattr(app_module, "CLEAR_OFFER_AFTER_S", 0.3)
    monkeypatch.setattr(clipboard, "deliver", lambda text, environ=None: clipboard.Delivery())
    monkeypatch.delenv("TMUX", raising=False)
    await s2s_opens_at("test", sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, notifications=True) as pilot:
        assert app.current == "test"
        await pilot.press("f5")
        await settle(app, pilot, 3)
        await pilot.press("f3")
        await settle(app, pilot)
        assert app.clipboard == app.state.last_token.access_token
        await pilot.pause(0.6)
        assert "ctrl+k clears it" in notifications(app)
        await pilot.press("ctrl+k")
        await settle(app, pilot)
        assert app.clipboard == ""
        said = notifications(app)
        assert "Cleared: the terminal's clipboard, if it takes an empty copy (OSC 52)" in said
        assert "May still hold the token: a clipboard manager's history" in said
        assert "(now empty)" not in said


# --- resume tells the truth -------------------------------------------------------------------

async def _passed_s2s(sandbox, backend) -> str:
    """An S2S profile whose test passed: its client ID."""
    await s2s_opens_at("done", sandbox, backend)
    saved = ProfileStore().load("sandbox")
    assert "test" in Progress.load(ProfileStore(), saved).done
    return saved.client_id


async def test_resume_with_the_secret_gone_recovers_it_from_the_sandbox(sandbox, backend):
    await _passed_s2s(sandbox, backend)
    backend.values.clear()  # the keyring lost it (or it was memory only)
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "The client secret of profile 'sandbox' is gone" in text
        assert app.current == "credentials" and "test" not in app.state.progress.done
        assert app.focused is not None and app.focused.id == "notice-recover"  # keyboard: Enter
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Recovered the client secret" in screen_text(app)
        assert app.current == "test"
        await pilot.press("f5")
        await settle(app, pilot, 3)
        assert "Sandbox Company" in screen_text(app)


async def test_resume_when_the_sandbox_forgot_the_integration_creates_it_again(sandbox, backend):
    client_id = await _passed_s2s(sandbox, backend)
    httpx.delete(f"{sandbox.console_url}/integrations/{client_id}")
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        await settle(app, pilot)
        assert "The sandbox no longer knows the integration" in screen_text(app)
        await press(app, pilot, "#notice-recreate")
        await settle(app, pilot)
        assert app.state.profile.client_id != client_id
        assert app.current == "credentials"
        await next_step(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot, 3)
        assert "Sandbox Company" in screen_text(app)


async def test_resume_on_real_adobe_with_the_secret_gone_says_where_to_enter_it(backend):
    store = SecretStore(backend=backend)
    state = WizardState.open(secrets=store)
    state.save_progress(state.progress.marked("organization", "credentials", "test"),
                        org_id="ABC@AdobeOrg", client_id="abc")
    app = WizardApp(secrets=store)
    async with driving(app) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "The client secret of profile 'default' is not in" in text
        assert "Enter it again at step 2, Credentials" in text
        assert app.current == "credentials" and app.focused.id == "client-secret"
        await press(app, pilot, "#notice-go-credentials")
        await app.show_step("done")
        await settle(app, pilot)
        assert "works" not in screen_text(app) and "has not passed yet" in screen_text(app)


class Broken(MemoryBackend):
    def get_password(self, service, user):
        raise RuntimeError("locked")


async def test_no_keyring_on_real_adobe_offers_the_session_or_a_plaintext_file(tmp_path):
    app = WizardApp(secrets=SecretStore(backend=Broken()))
    async with driving(app, notifications=True) as pilot:
        await type_into(pilot, "#org-id", "ABC@AdobeOrg")
        await next_step(app, pilot)
        text = screen_text(app)
        assert "The keyring failed (reading" in text and "RuntimeError: locked" in text
        assert "keyring: the keyring" not in text  # the cause is said once, as a sentence
        assert not app.screen.query("Toast")  # one notice, not a stack of toasts over the form
        await type_into(pilot, "#client-id", "abc")
        await type_into(pilot, "#client-secret", "s3cret")
        await next_step(app, pilot)
        assert app.current == "credentials"  # nothing pretended saved, nothing lost
        assert app.screen.query_one("#client-secret", Input).value == "s3cret"
        await press(app, pilot, "#notice-memory")
        await next_step(app, pilot)
        assert app.current == "test" and app.state.memory_only
        await app.show_step("done")
        await settle(app, pilot)
        text = screen_text(app)
        assert "kept for this session only" in text and "launch-wizard token" not in text


async def test_no_keyring_plaintext_choice_writes_a_0600_file(isolated_config):
    app = WizardApp(secrets=SecretStore(backend=Broken()))
    async with driving(app) as pilot:
        await type_into(pilot, "#org-id", "ABC@AdobeOrg")
        await next_step(app, pilot)
        await type_into(pilot, "#client-id", "abc")
        await type_into(pilot, "#client-secret", "s3cret")
        await next_step(app, pilot)  # a secret to save: where it goes is asked now
        await press(app, pilot, "#notice-plaintext")
        await next_step(app, pilot)
        assert app.current == "test"
    secrets = isolated_config / "secrets.json"
    assert oct(secrets.stat().st_mode)[-3:] == "600"
    assert ProfileStore().load("default").storage == "file"
    assert SecretStore(backend=None).service == "launch-wizard"


async def test_sandbox_without_keyring_keeps_secrets_in_memory(sandbox):
    app = make_app(sandbox, Broken())
    async with driving(app) as pilot:
        await press(app, pilot, "#create-integration")
        assert app.state.memory_only
        assert "stay in memory for this session" in screen_text(app)
        assert await app.state.secret("client_secret")


# --- stale results ----------------------------------------------------------------------------

async def test_a_new_secret_clears_the_old_test_result(sandbox, backend):
    await s2s_opens_at("test", sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "test"
        await pilot.press("f5")
        await settle(app, pilot, 3)
        assert "✓ Call the Launch API" in screen_text(app)
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        await type_into(pilot, "#client-secret", "another-secret")
        await next_step(app, pilot)
        text = region_text(app, "#main")
        assert app.current == "test" and "✓" not in text and "Access token" not in text
        assert "test" not in app.state.progress.done and app.state.last_token is None


async def test_a_failed_pair_check_keeps_next_from_using_the_older_pair(sandbox, backend, keypair,
                                                                         other_keypair):
    await jwt_opens_at("keys", sandbox, backend, role="")  # no role
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "keys"
        await press(app, pilot, "#generate-button")
        generated = app.state.profile.private_key_path
        app.screen.query_one("#source-existing").value = True
        await settle(app, pilot)
        await type_into(pilot, "#key-path", str(keypair.key_path))
        await type_into(pilot, "#cert-path", str(other_keypair.cert_path))
        await press(app, pilot, "#check-button")
        await next_step(app, pilot)
        assert app.current == "keys" and app.state.profile.private_key_path == generated
        assert "SHA-1 fingerprint" not in screen_text(app)  # no older pair's verdict beside it
        await type_into(pilot, "#cert-path", str(keypair.cert_path))
        await next_step(app, pilot)  # Next checks what is on screen, then goes on
        assert app.current == "upload" and app.state.profile.private_key_path == str(keypair.key_path)


async def test_a_partial_key_paste_leaves_the_screen_and_stops_next(sandbox, backend, keypair):
    await jwt_opens_at("test", sandbox, backend, keypair)  # a key is stored
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "test"
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        key_text = Path(app.state.profile.private_key_path).read_text()
        app.screen.query_one("#key-text", TextArea).load_text(key_text[:300])
        await settle(app, pilot)
        assert app.screen.query_one("#key-text", TextArea).text == ""
        assert key_text.splitlines()[1][:20] not in screen_text(app)
        await next_step(app, pilot)
        assert app.current == "credentials"
        assert "the PEM is truncated" in screen_text(app)


# --- validation --------------------------------------------------------------------------------

async def test_credentials_validation_messages(sandbox, backend, keypair, other_keypair):
    from cryptography.hazmat.primitives import serialization

    await jwt_opens_at("credentials", sandbox, backend, keypair)
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "credentials"
        step = app.screen.query_one("#step-credentials")
        await type_into(pilot, "#client-id", "")
        await type_into(pilot, "#tech-id", "not-an-account")
        await next_step(app, pilot)
        assert app.current == "credentials"
        text = screen_text(app)
        assert "Client ID (API key) is required" in text
        assert "technical account ID must end in @techacct.adobe.com" in text
        await type_into(pilot, "#client-id", "abc def")
        await next_step(app, pilot)
        assert "must not contain spaces" in screen_text(app)
        await type_into(pilot, "#client-id", "abc")
        await type_into(pilot, "#tech-id", "ABC@techacct.adobe.com")
        await next_step(app, pilot)
        assert app.current == "credentials"
        assert "paste the private key, load its file, or use the generated one" in screen_text(app)

        async def paste(text):
            app.screen.query_one("#key-text", TextArea).load_text(text)
            await settle(app, pilot)
            return screen_text(app)

        assert "this is not a PEM private key" in await paste("hello, not a key")
        assert "this is a certificate, not a private key" in await paste(
            other_keypair.cert_path.read_text())
        assert "does not match the certificate from step 3 (Key and certificate)" in await paste(
            other_keypair.key_path.read_text())
        from wizard.core.keys import load_private_key

        key = load_private_key(Path(app.state.profile.private_key_path).read_text())
        locked = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.BestAvailableEncryption(b"pass-1234")).decode()
        assert "needs its passphrase" in await paste(locked)
        assert step.field_of("passphrase").display and app.focused.id == "passphrase"
        await type_into(pilot, "#passphrase", "wrong")
        await settle(app, pilot)
        assert "wrong passphrase" in screen_text(app)
        await type_into(pilot, "#passphrase", "pass-1234")
        await settle(app, pilot)
        assert "matches the certificate from step 3" in screen_text(app)
        assert app.screen.query_one("#tech-id", Input).value == "ABC@techacct.adobe.com"


async def test_bad_org_id_keeps_the_user_on_the_step(sandbox, backend):
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        await type_into(pilot, "#org-id", "12345")
        await next_step(app, pilot)
        assert app.current == "organization" and app.focused.id == "org-id"
        assert "organization ID must end in @AdobeOrg" in screen_text(app)
        await type_into(pilot, "#org-id", "")
        await next_step(app, pilot)
        assert "Organization ID is required" in screen_text(app)
        await type_into(pilot, "#org-id", " ABC123@AdobeOrg ")
        await next_step(app, pilot)
        assert app.current == "credentials" and app.state.profile.org_id == "ABC123@AdobeOrg"


async def test_role_filter_and_choice_on_real_adobe(backend):
    app = WizardApp(secrets=SecretStore(backend=backend))
    async with driving(app) as pilot:
        await pilot.click("#auth-jwt")
        await type_into(pilot, "#org-id", "ABC@AdobeOrg")
        await next_step(app, pilot)
        assert app.current == "role"
        table = app.screen.query_one("#role-table", DataTable)
        assert table.row_count == 6
        app.screen.query_one("#perm-publish", Checkbox).value = True
        await settle(app, pilot)
        assert [str(k.value) for k in table.rows] == ["Publisher"]
        assert "Least-privileged role for Publish: Publisher" in screen_text(app)
        assert any("▐X▌ Publish" in row for row in screen_rows(app))  # ticked reads as text
        assert any("▐ ▌ Develop" in row for row in screen_rows(app))
        app.screen.query_one("#perm-develop_extensions", Checkbox).value = True
        await settle(app, pilot)
        assert [str(k.value) for k in table.rows] == ["Admin"]
        await press(app, pilot, "#choose-role")
        assert app.state.profile.role == "Admin" and ProfileStore().load("default").role == "Admin"
        await press(app, pilot, "#no-role")
        assert app.state.profile.role == ""
        await next_step(app, pilot)
        assert app.current == "keys"  # the real console: the role is chosen there


# --- legible, and fits ------------------------------------------------------------------------

async def test_controls_say_their_state_in_words(sandbox, backend):
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert "☐" not in screen_text(app) and "1. Open the Adobe Developer Console" in screen_text(app)
        assert any("▐●▌ OAuth Server-to-Server" in r for r in screen_rows(app))
        assert any("▐ ▌ JWT service account" in r for r in screen_rows(app))
        await s2s_to_test(app, pilot)
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        assert "hidden" in screen_text(app)
        await pilot.click("#reveal-secret")
        await settle(app, pilot)
        assert "shown" in screen_text(app)


async def test_notifications_stay_clear_of_back_and_next(sandbox, backend):
    app = make_app(sandbox, backend)
    async with driving(app, notifications=True) as pilot:
        app.notify("a message long enough to need some room on the screen " * 2)
        await settle(app, pilot)
        toast = app.screen.query_one("Toast").region
        for button in ("#next", "#back"):
            assert not toast.overlaps(app.screen.query_one(button).region)


@pytest.mark.parametrize("size", [SMALL, SIZE], ids=["80x24", "120x40"])
async def test_the_role_table_fits_with_every_permission(backend, size):
    from wizard.tui.role_table import SHORT, SHORT_ROLE

    app = WizardApp(secrets=SecretStore(backend=backend))
    async with driving(app, size=size) as pilot:
        await pilot.press("f2")
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        rows = "\n".join(screen_rows(app))
        for label in [*SHORT.values(), "Admin", "IT Admin", "Developer", "Approver", "Publisher",
                      SHORT_ROLE["Extension Developer"]]:
            assert label in rows


async def test_80x24_sidebar_folds_and_every_footer_key_shows(sandbox, backend):
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        assert not app.screen.query_one("#steps").display or app.screen.query_one("#steps").region.width == 0
        footer = screen_rows(app)[-1]
        for binding in app.BINDINGS:
            if binding.show:
                assert f"{app.get_key_display(binding)} {binding.description}" in footer
        await pilot.press("f1")
        await settle(app, pilot)
        for _ in range(30):
            if app.focused is not None and app.focused.id == "help-close":
                break
            await pilot.press("tab")
        close = app.screen.query_one("#help-close")
        assert app.focused is close and close.region.bottom <= SMALL[1]
    big = make_app(sandbox, backend, profile="wide")
    async with driving(big, size=SIZE):
        assert big.screen.query_one("#steps").region.width > 0


async def test_80x24_key_fields_are_usable_and_test_results_stay_in_view(sandbox, backend, keypair):
    await jwt_opens_at("credentials", sandbox, backend, keypair)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        assert app.current == "credentials"
        assert app.screen.query_one("#key-file").region.width >= 20
        await press(app, pilot, "#use-generated")
        await next_step(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot, 4)
        rows = "\n".join(screen_rows(app))
        for line in ("✓ Sign the JWT", "✓ Exchange it for an access token", "✓ Call the Launch API",
                     "✓ See what it can reach"):
            assert line in rows


# --- the rest of the app ------------------------------------------------------------------------

async def test_theme_help_roles_and_palette_commands(sandbox, backend):
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+l")
        assert app.theme == "textual-light"
        await pilot.press("ctrl+l")
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for binding in app.BINDINGS:  # the help is built from the bindings
            assert binding.key in text and binding.tooltip in text
        await pilot.press("escape")
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, RolesScreen)
        assert app.screen.query_one(DataTable).row_count == 6
        await pilot.press("ctrl+n")  # step keys wait while a dialog is open
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.current == "organization"
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in ("Step 1: Organization and integration", "Role lookup",
                       "Test the integration", "Copy token", "Clear clipboard", "Light/dark theme",
                       "Help"):
            assert wanted in titles


async def test_role_lookup_needs_no_profile(backend):
    app = WizardApp(secrets=SecretStore(backend=backend))  # real-Adobe mode, nothing saved
    async with driving(app) as pilot:
        assert not app.state.console.offers(Capability.CREATE_INTEGRATION)
        assert not app.screen.query_one("#create-integration").display  # no sandbox button
        await pilot.press("f2")
        await settle(app, pilot)
        app.screen.query_one("#perm-develop", Checkbox).value = True
        await settle(app, pilot)
        assert "Least-privileged role for Develop: Developer" in screen_text(app)


async def test_quit_asks_naming_fields_as_the_screen_does(sandbox, backend):
    await s2s_opens_at("test", sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "test"
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        await pilot.press(*"XYZ")
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmQuit)
        assert "Not saved yet: Client ID (API key)" in screen_text(app)
        await pilot.click("#stay")
        await settle(app, pilot)
        assert app.is_running and app.screen.query_one("#client-id", Input).value.endswith("XYZ")
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        await pilot.click("#quit")
        await settle(app, pilot)
    assert not app.is_running


async def test_no_secret_on_screen_unless_revealed(sandbox, backend, keypair):
    await jwt_opens_at("credentials", sandbox, backend, keypair)
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "credentials"
        secret = await app.state.secret("client_secret")
        await type_into(pilot, "#client-secret", secret)
        key_text = Path(app.state.profile.private_key_path).read_text()
        app.screen.query_one("#key-text", TextArea).load_text(key_text)
        await settle(app, pilot)
        text = screen_text(app)
        assert secret not in text
        assert key_text.splitlines()[3] not in text  # the pasted key left the screen
        await pilot.click("#reveal-secret")
        await settle(app, pilot)
        assert secret in screen_text(app)  # the user asked to see it
        await pilot.click("#reveal-secret")
        await next_step(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot, 4)
        token = app.state.last_token.access_token
        text = screen_text(app)
        assert token[20:60] not in text and secret not in text
        await pilot.click("#reveal-token")
        await settle(app, pilot)
        assert token[:40] in screen_text(app).replace(" ", "")


async def test_a_server_fault_shows_at_its_stage_and_loses_nothing(fresh_sandbox, backend):
    await s2s_opens_at("test", fresh_sandbox, backend)
    app = make_app(fresh_sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "test"
        org = app.state.profile.org_id
        httpx.post(f"{fresh_sandbox.console_url}/faults", json={
            "path": "/ims/token/v3", "status": 503, "body": "<html>down</html>"})
        await pilot.press("f5")
        await settle(app, pilot, 4)
        text = screen_text(app)
        assert "✗ Request an access token" in text
        assert "failed on the server (HTTP 503, text/html)" in text and "fix:" in text
        assert app.state.profile.org_id == org and await app.state.secret("client_secret")
        await pilot.press("f5")  # the fault was one-off: the retry by hand passes
        await settle(app, pilot, 4)
        assert "Sandbox Company" in screen_text(app)


async def test_a_refused_properties_call_fails_its_own_stage(fresh_sandbox, backend):
    from wizard.sandbox.state import company_id

    await s2s_opens_at("test", fresh_sandbox, backend)
    app = make_app(fresh_sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "test"
        path = f"/reactor/companies/{company_id(app.state.profile.org_id)}/properties"
        httpx.post(f"{fresh_sandbox.console_url}/faults", json={
            "path": path, "status": 403, "content_type": "application/vnd.api+json",
            "body": {"errors": [{"status": "403", "code": "not-authorized", "detail": "Forbidden"}]}})
        await pilot.press("f5")
        await settle(app, pilot, 4)
        text = screen_text(app)
        assert "✓ Call the Launch API" in text and "✗ See what it can reach" in text
        assert "refused (not-authorized)" in text and "product profile" in text
        assert "test" not in app.state.progress.done and not app.state.profile.last_test


def test_the_properties_stage_counts_names_and_explains_an_empty_answer():
    from wizard.core.reactor import Company, Properties, Property
    from wizard.tui.steps.test import properties_text

    company = Company("CO1", "Acme", "O@AdobeOrg")
    first = [Property("PR1", "Site", "web", ["develop"]), Property("PR2", "App", "mobile", [])]
    text = properties_text([Properties(company, first, 40)])
    assert text.splitlines() == ["Acme: 40 properties", "  Site (web)  rights: develop",
                                 "  App (mobile)  rights: none", "  and 38 more",
                                 "The credential acts as Developer on Site, "
                                 "as no role of the table on App."]
    assert properties_text([Properties(company, [], 0)]).startswith("The token works but sees no")
    assert "product profile" in properties_text([])


async def test_a_wrong_secret_points_at_the_wizards_own_step(sandbox, backend):
    await s2s_opens_at("test", sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "test"
        await app.state.put_secret("client_secret", "wrong-secret")
        await pilot.press("f5")
        await settle(app, pilot, 3)
        text = screen_text(app)
        assert "invalid client_secret parameter" in text
        # the sandbox made the secret and never showed it: the way out is its button, not typing
        assert 'fix: press "Recover it from the sandbox" above' in text
        assert "Recover it from the sandbox" in region_text(app, "#notice")
        assert "launch-wizard" not in text.replace("launch-wizard ·", "")


async def test_a_hanging_keyring_leaves_the_wizard_responsive(sandbox):
    release = threading.Event()

    class Hangs(MemoryBackend):
        def get_password(self, service, user):
            release.wait(10)

    app = WizardApp(sandbox=sandbox, secrets=SecretStore("launch-wizard-sandbox", Hangs(), timeout=1.5))
    async with driving(app) as pilot:
        await app.show_step("credentials")  # looks up what is stored: the keyring hangs
        await pilot.pause(0.2)
        await pilot.press("ctrl+l")  # the UI answers meanwhile
        assert app.theme == "textual-light"
        await type_into(pilot, "#client-id", "still-typing")
        await settle(app, pilot)  # the lookup times out within its bound, then says so
        assert app.state.memory_only  # sandbox: falls back to memory, with a notice
        assert "did not answer within 1.5 s" in screen_text(app)
        assert app.screen.query_one("#client-id", Input).value == "still-typing"
        release.set()


async def test_a_new_profile_does_not_inherit_secrets_a_deleted_one_left(sandbox, backend):
    store = SecretStore("launch-wizard-sandbox", backend)
    store.set("sandbox", "client_secret", "left-by-a-deleted-profile")
    store.set("sandbox", "private_key", "-----BEGIN PRIVATE KEY-----\nold\n-----END PRIVATE KEY-----")
    app = make_app(sandbox, backend)  # no profile "sandbox" is saved
    async with driving(app) as pilot:
        await app.show_step("credentials")
        await settle(app, pilot)
        assert "saved: leave empty" not in screen_text(app)
        assert not app.state.has_secret("client_secret")
    assert store.get("sandbox", "client_secret") is None and store.get("sandbox", "private_key") is None


# --- credentials in and out ----------------------------------------------------------------------

async def test_importing_the_console_download_fills_everything_and_goes_on(sandbox, backend,
                                                                           tmp_path):
    import json

    made = SandboxConsole(sandbox.console_url).create("import", "oauth-s2s").value
    download = {"ORG_ID": made.org_id, "CLIENT_ID": made.client_id,
                "CLIENT_SECRETS": [made.client_secret], "SCOPES": made.scopes,
                "TECHNICAL_ACCOUNT_ID": made.technical_account_id,
                "TECHNICAL_ACCOUNT_EMAIL": made.technical_account_email}
    (tmp_path / "cred.json").write_text(json.dumps(download))
    (tmp_path / "bad.json").write_text('{"API_KEY": "k", "ORG_ID": "A@AdobeOrg"}')
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        await press(app, pilot, "#import-open")
        assert app.focused.id == "import-path"
        await type_into(pilot, "#import-path", str(tmp_path / "bad.json"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert "API key credential cannot get an access token" in screen_text(app)
        assert app.current == "organization"
        assert app.screen.query_one("#import-path", Input).value.endswith("bad.json")  # kept
        app.screen.query_one("#import-text", TextArea).load_text(json.dumps(download, indent=2))
        await settle(app, pilot, 3)
        assert app.screen.query_one("#import-text", TextArea).text == ""  # the paste left
        assert app.current == "test"  # organization and credentials are complete
        assert app.state.profile.client_id == made.client_id
        assert app.state.profile.technical_account_email == made.technical_account_email
        await pilot.pause(1.0)
        await settle(app, pilot)  # what was imported stays in view on the step it led to
        notice = region_text(app, "#notice")
        assert "✓ Imported from an OAuth Server-to-Server" in notice and made.client_id in notice
        await pilot.press("f5")
        await settle(app, pilot, 3)
        assert "Sandbox Company" in screen_text(app)


async def test_the_wizard_reads_a_download_as_import_does(sandbox, backend, tmp_path):
    """A binary file is named as not text (not as a key to convert); a byte-order mark is fine."""
    import json

    made = SandboxConsole(sandbox.console_url).create("bom", "oauth-s2s").value
    download = {"ORG_ID": made.org_id, "CLIENT_ID": made.client_id,
                "CLIENT_SECRETS": [made.client_secret], "SCOPES": made.scopes}
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00{")
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(download).encode())
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        await press(app, pilot, "#import-open")
        await type_into(pilot, "#import-path", str(tmp_path / "binary.json"))
        await pilot.press("enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "is not text (not UTF-8)" in text and "openssl" not in text
        app.screen.query_one("#import-path", Input).value = ""
        await type_into(pilot, "#import-path", str(tmp_path / "bom.json"))
        await pilot.press("enter")
        await settle(app, pilot, 3)
        assert app.state.profile.client_id == made.client_id


async def test_the_done_step_of_a_jwt_profile_migrates_it(sandbox, backend, keypair):
    await jwt_opens_at("done", sandbox, backend, keypair)
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "done" and "Migrate to OAuth Server-to-Server" in screen_text(app)
        client_id = app.state.profile.client_id
        await press(app, pilot, "#migrate")
        await settle(app, pilot, 3)
        assert app.state.profile.auth_type == "oauth-s2s"
        assert app.state.profile.client_id == client_id
        text = screen_text(app)
        assert "Migrated" in text and "step 4 of 4" in text and "works" in text
        assert app.state.progress.done == ("organization", "credentials", "test")
    assert ProfileStore().load("sandbox").auth_type == "oauth-s2s"


# --- what a person meets on the way: commands, news, focus, what is checked --------------------

def test_done_names_launch_wizard_in_full_when_path_does_not_find_this_one(tmp_path):
    from wizard.tui.shell import command_name

    venv, other = tmp_path / "my env" / "bin", tmp_path / "other"
    for folder in (venv, other):
        folder.mkdir(parents=True)
        (folder / "launch-wizard").write_text("#!/bin/sh\n")
        (folder / "launch-wizard").chmod(0o755)
    python = str(venv / "python")
    assert command_name("-m", python, path=str(tmp_path)) == f"'{venv}/launch-wizard'"  # quoted
    assert command_name("-m", python, path=str(other)) == f"'{venv}/launch-wizard'"  # another one
    assert command_name("-m", python, path=f"{other}:{venv}") == f"'{venv}/launch-wizard'"
    assert command_name("-m", python, path=f"{venv}:{other}") == "launch-wizard"
    assert command_name(str(other / "launch-wizard"), python, path=str(other)) == "launch-wizard"
    assert command_name("-m", str(tmp_path / "python"), path="") == "launch-wizard"  # no script


async def test_done_shows_commands_that_run_where_path_lacks_the_environment(sandbox, backend,
                                                                            monkeypatch):
    import os
    import sys

    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    await s2s_opens_at("test", sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "test"
        await pilot.press("f5")
        await settle(app, pilot, 3)
        exe = os.path.join(os.path.dirname(sys.executable), "launch-wizard")
        assert app.screen.query_one("#curl").render().plain.startswith(f"{exe} headers --profile")
        await next_step(app, pilot)
        assert app.current == "done"
        shown = app.screen.query_one("#next-commands").render().plain
    for command in ("token", "status", "test"):
        assert f"\n    {exe} {command} --profile sandbox\n" in shown + "\n"
    assert "launch-wizard is not on PATH, so it is named in full" in shown
    assert shown.endswith(f"\n    . {os.path.dirname(sys.executable)}/activate")  # alone: copied whole


async def test_a_wrong_secret_typed_over_the_sandboxs_is_recovered_from_it(sandbox, backend, keypair):
    await jwt_opens_at("credentials", sandbox, backend, keypair)
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "credentials"
        await type_into(pilot, "#client-secret", "p8e-typed-over-the-right-one")
        await press(app, pilot, "#use-generated")
        await next_step(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot, 4)
        text = screen_text(app)
        assert "enter the client secret again" not in text  # the sandbox never showed one
        assert 'press "Recover it from the sandbox" above' in text
        assert app.focused.id == "notice-recover"
        await pilot.press("enter")
        await settle(app, pilot, 3)
        assert "Recovered the client secret from the sandbox" in screen_text(app)
        await pilot.press("f5")
        await settle(app, pilot, 4)
        assert "test" in app.state.progress.done and "Sandbox Company" in screen_text(app)


async def test_the_quit_dialog_starts_on_stay_and_names_both_changed_paths(sandbox, backend, keypair):
    await jwt_opens_at("upload", sandbox, backend, keypair)  # a pair made and saved
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "upload"
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        assert app.current == "keys"
        await pilot.click("#source-existing")
        await settle(app, pilot)
        await type_into(pilot, "#key-path", "/elsewhere/private.key")
        await type_into(pilot, "#cert-path", "/elsewhere/adobe-io-public.crt")
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmQuit) and app.focused.id == "stay"
        assert "Not saved yet: Private key file, Certificate file" in screen_text(app)
        await pilot.press("enter")  # the safe answer
        await settle(app, pilot)
        assert app.is_running and not isinstance(app.screen, ConfirmQuit)
        assert app.screen.query_one("#cert-path", Input).value == "/elsewhere/adobe-io-public.crt"


async def test_focus_goes_on_after_create_and_starts_at_the_role_question(sandbox, backend):
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        app.screen.query_one("#create-integration").focus()
        await pilot.press("enter")
        await settle(app, pilot, 3)
        assert "Created." in screen_text(app)
        assert app.focused.id == "org-id"  # not back at the credential type
        await pilot.press("enter")  # Enter in the filled-in ID: Next
        await settle(app, pilot)
        assert app.current == "credentials"
    app = make_app(sandbox, backend, profile="jwt-focus")
    async with driving(app) as pilot:
        await pilot.click("#auth-jwt")
        await settle(app, pilot)
        await next_step(app, pilot)
        assert app.current == "role" and app.focused.id == "perm-develop"
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, RolesScreen) and app.focused.id == "perm-develop"
        assert app.focused.has_focus  # it shows: the focused box is drawn as focused


async def test_an_organization_id_of_another_shape_is_warned_about_and_hex_is_uppercased(
        sandbox, backend):
    app = make_app(sandbox, backend, profile="odd-org")
    async with driving(app) as pilot:
        await type_into(pilot, "#org-id", "0123456789abcdef0123456@adobeorg")  # 23 characters
        assert "Warning: the organization ID '0123456789abcdef0123456@AdobeOrg' is not 24 " \
               "hexadecimal characters" in screen_text(app)
        await next_step(app, pilot)
        assert app.current == "credentials"  # warned, not refused
        assert app.state.profile.org_id == "0123456789abcdef0123456@AdobeOrg"
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        await type_into(pilot, "#org-id", "0123456789abcdef01234567@adobeorg")
        assert "Warning" not in region_text(app, "#main")
        await next_step(app, pilot)
        assert app.state.profile.org_id == "0123456789ABCDEF01234567@AdobeOrg"
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        assert app.screen.query_one("#org-id", Input).value == "0123456789ABCDEF01234567@AdobeOrg"


async def test_a_paste_of_several_lines_into_a_one_line_field_says_what_was_kept(sandbox, backend):
    from textual import events

    app = make_app(sandbox, backend, profile="paste")
    async with driving(app, notifications=True) as pilot:
        field = app.screen.query_one("#org-id", Input)
        field.focus()
        await pilot.pause()
        field.post_message(events.Paste("0123456789ABCDEF01234567@AdobeOrg\nclient-id\nsecret\n"))
        await settle(app, pilot)
        assert field.value == "0123456789ABCDEF01234567@AdobeOrg"
        said = notifications(app)
        assert "only the first line of the paste was kept, 2 more lines left out" in said
        assert "secret" not in said.replace("Pasted one line", "")  # what was left out is not shown
        field.post_message(events.Paste("one line\n"))  # a trailing line break is no news
        await settle(app, pilot)
        assert notifications(app).count("Pasted one line") == 1


async def test_a_scope_the_credential_lacks_points_at_the_scopes_field(sandbox, backend):
    await s2s_opens_at_credentials(sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "credentials"
        await type_into(pilot, "#scopes", "openid,not_a_scope_of_it")
        await next_step(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot, 3)
        text = screen_text(app)
        assert "invalid scope not_a_scope_of_it" in text
        assert "fix: correct the Scopes field (the credential's console page lists its scopes) " \
               "at step 2, Credentials (ctrl+b goes back)" in text
        assert "metascope" not in text
