"""The wizard driven with Pilot against the real sandbox: flows, resume, validation, secrecy."""

import pytest
from textual.widgets import Checkbox, DataTable, Input, TextArea

from tests.tui_helpers import next_step, screen_text, settle, type_into
from wizard.core.profile import ProfileStore
from wizard.core.secret_store import MemoryBackend, SecretStore
from wizard.tui.app import WizardApp
from wizard.tui.screens import ConfirmQuit, HelpScreen, RolesScreen

SIZE = (120, 40)


@pytest.fixture
def backend():
    return MemoryBackend(limit=1000)


def make_app(sandbox, backend, **kw):
    return WizardApp(sandbox=sandbox, secrets=SecretStore("launch-wizard-sandbox", backend), **kw)


async def jwt_to_credentials(app, pilot):
    """Steps 1 to 4 of the JWT flow, the way a person clicks through them."""
    await settle(app, pilot)
    assert app.current == "organization"
    await pilot.click("#auth-jwt")
    await pilot.click("#create-integration")
    await settle(app, pilot)
    assert app.screen.query_one("#org-id", Input).value.endswith("@AdobeOrg")
    await next_step(app, pilot)
    assert app.current == "keys"
    await pilot.click("#generate-button")
    await settle(app, pilot)
    assert "SHA-1 fingerprint" in screen_text(app)
    await next_step(app, pilot)
    assert app.current == "upload"
    await pilot.click("#upload-sandbox")
    await settle(app, pilot)
    assert "the same fingerprint as yours" in screen_text(app)
    await next_step(app, pilot)
    assert app.current == "role"
    await next_step(app, pilot)
    assert app.current == "credentials"


async def test_jwt_flow_from_empty_profile_to_copied_token(sandbox, backend):
    app = make_app(sandbox, backend)
    async with app.run_test(size=SIZE) as pilot:
        await jwt_to_credentials(app, pilot)
        await pilot.click("#use-generated")
        await settle(app, pilot)
        assert "matches the certificate from step 2" in screen_text(app)
        await next_step(app, pilot)
        assert app.current == "test"
        await pilot.press("f5")
        await settle(app, pilot, 4)
        text = screen_text(app)
        assert "Sandbox Company" in text and '"alg": "RS256"' in text
        token = app.state.last_token.access_token
        await pilot.press("f3")
        await settle(app, pilot)
        assert app.clipboard == token
        await next_step(app, pilot)
        assert app.current == "done"
        assert "The integration works" in screen_text(app)
    saved = ProfileStore().load("sandbox")
    assert saved.auth_type == "jwt" and saved.metascopes == ["ent_reactor_sdk"]
    assert saved.steps_done == ["organization", "keys", "upload", "role", "credentials", "test"]
    store = SecretStore("launch-wizard-sandbox", backend)
    assert store.get("sandbox", "client_secret") and "PRIVATE KEY" in store.get("sandbox", "private_key")


async def test_s2s_flow_skips_keys_and_copies_curl(sandbox, backend):
    app = make_app(sandbox, backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.click("#create-integration")
        await settle(app, pilot)
        await next_step(app, pilot)
        assert app.current == "role"  # no key or certificate steps for S2S
        await next_step(app, pilot)
        assert app.current == "credentials"
        assert "AdobeID" in app.screen.query_one("#scopes", Input).value
        await next_step(app, pilot)
        await pilot.click("#run-test")
        await settle(app, pilot, 4)
        assert "Sandbox Company" in screen_text(app)
        await pilot.click("#copy-curl")
        await settle(app, pilot)
        assert app.clipboard.startswith("curl '") and app.state.last_token.access_token in app.clipboard
        assert "x-api-key" in app.clipboard


async def test_resume_after_quitting_mid_way(sandbox, backend):
    app = make_app(sandbox, backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.click("#auth-jwt")
        await pilot.click("#create-integration")
        await settle(app, pilot)
        await next_step(app, pilot)
        await pilot.click("#generate-button")
        await settle(app, pilot)
        org = app.state.profile.org_id
        await pilot.press("ctrl+q")
        await settle(app, pilot)
    assert not app.is_running
    again = make_app(sandbox, backend)
    async with again.run_test(size=SIZE) as pilot:
        await settle(again, pilot)
        assert again.current == "keys"  # the first step not accepted yet
        assert again.state.profile.org_id == org
        assert again.state.profile.private_key_path.endswith("private.key")
        await next_step(again, pilot)
        assert again.current == "upload"
        await pilot.press("ctrl+b")
        await settle(again, pilot)
        assert again.current == "keys"


async def test_credentials_validation_messages(sandbox, backend, other_keypair, tmp_path):
    from cryptography.hazmat.primitives import serialization

    app = make_app(sandbox, backend)
    async with app.run_test(size=SIZE) as pilot:
        await jwt_to_credentials(app, pilot)
        step = app.screen.query_one("#step-credentials")
        await type_into(pilot, "#client-id", "")
        await type_into(pilot, "#tech-id", "not-an-account")
        await next_step(app, pilot)
        assert app.current == "credentials"
        text = screen_text(app)
        assert "Client ID is required" in text
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
        assert "does not match the certificate from step 2" in await paste(
            other_keypair.key_path.read_text())
        encrypted = app.state.profile.private_key_path and open(
            app.state.profile.private_key_path).read()
        from wizard.core.keys import load_private_key

        key = load_private_key(encrypted)
        locked = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.BestAvailableEncryption(b"pass-1234")).decode()
        assert "needs its passphrase" in await paste(locked)
        assert step.field_of("passphrase").display
        await type_into(pilot, "#passphrase", "wrong")
        await settle(app, pilot)
        assert "wrong passphrase" in screen_text(app)
        await type_into(pilot, "#passphrase", "pass-1234")
        await settle(app, pilot)
        assert "matches the certificate from step 2" in screen_text(app)
        # nothing typed so far was lost on the way
        assert app.screen.query_one("#tech-id", Input).value == "ABC@techacct.adobe.com"


async def test_bad_org_id_keeps_the_user_on_the_step(sandbox, backend):
    app = make_app(sandbox, backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await type_into(pilot, "#org-id", "12345")
        await next_step(app, pilot)
        assert app.current == "organization"
        assert "organization ID must end in @AdobeOrg" in screen_text(app)
        await type_into(pilot, "#org-id", "")
        await next_step(app, pilot)
        assert "Organization ID is required" in screen_text(app)
        await type_into(pilot, "#org-id", " ABC123@AdobeOrg ")
        await next_step(app, pilot)
        assert app.current == "role" and app.state.profile.org_id == "ABC123@AdobeOrg"


async def test_role_filter_and_choice(sandbox, backend):
    app = make_app(sandbox, backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await app.show_step("role")
        await settle(app, pilot)
        table = app.screen.query_one("#role-table", DataTable)
        assert table.row_count == 6
        app.screen.query_one("#perm-publish", Checkbox).value = True
        await settle(app, pilot)
        assert [str(k.value) for k in table.rows] == ["Publisher"]
        assert "Least-privileged role for Publish: Publisher" in screen_text(app)
        app.screen.query_one("#perm-develop_extensions", Checkbox).value = True
        await settle(app, pilot)
        assert [str(k.value) for k in table.rows] == ["Admin"]
        await pilot.click("#choose-role")
        await settle(app, pilot)
        assert app.state.profile.role == "Admin" and ProfileStore().load("sandbox").role == "Admin"
        await pilot.click("#no-role")
        assert app.state.profile.role == ""


async def test_theme_help_roles_and_palette_commands(sandbox, backend):
    app = make_app(sandbox, backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+l")
        assert app.theme == "textual-light"
        await pilot.press("ctrl+l")
        assert app.theme == "textual-dark"
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen) and "ctrl+n" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, RolesScreen)
        assert app.screen.query_one(DataTable).row_count == 6
        await pilot.press("escape")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in ("Step 1: Organization and integration", "Role lookup",
                       "Test the integration", "Copy token", "Light/dark theme", "Help"):
            assert wanted in titles


async def test_role_lookup_needs_no_profile(backend):
    app = WizardApp(secrets=SecretStore(backend=backend))  # real-Adobe mode, nothing saved
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.state.console.automatic is False
        assert not app.screen.query_one("#create-integration").display  # no sandbox button
        await pilot.press("f2")
        await settle(app, pilot)
        app.screen.query_one("#perm-develop", Checkbox).value = True
        await settle(app, pilot)
        assert "Least-privileged role for Develop: Developer" in screen_text(app)


async def test_quit_asks_when_something_typed_is_unsaved(sandbox, backend):
    app = make_app(sandbox, backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.click("#org-id")
        await pilot.press(*"ABC")
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmQuit) and "org-id" in screen_text(app)
        await pilot.click("#stay")
        await settle(app, pilot)
        assert app.is_running and app.screen.query_one("#org-id", Input).value == "ABC"
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        await pilot.click("#quit")
        await settle(app, pilot)
    assert not app.is_running


async def test_no_secret_on_screen_unless_revealed(sandbox, backend):
    app = make_app(sandbox, backend)
    async with app.run_test(size=SIZE) as pilot:
        await jwt_to_credentials(app, pilot)
        secret = app.state.secret("client_secret")
        await type_into(pilot, "#client-secret", secret)
        key_text = open(app.state.profile.private_key_path).read()
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


async def test_sandbox_without_keyring_keeps_secrets_in_memory(sandbox):
    class Broken(MemoryBackend):
        def get_password(self, service, user):
            raise RuntimeError("no keyring here")

    app = make_app(sandbox, Broken())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.click("#create-integration")  # the first secret to keep
        await settle(app, pilot)
        assert app.state.memory_only
        assert "Secrets in memory" in screen_text(app)
        assert app.state.secret("client_secret")


async def test_wizard_on_real_adobe_with_unusable_keyring_says_so(backend):
    class Broken(MemoryBackend):
        def get_password(self, service, user):
            raise RuntimeError("locked")

    app = WizardApp(secrets=SecretStore(backend=Broken()))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await app.show_step("credentials")  # where the keyring is first needed
        await settle(app, pilot)
        assert not app.state.memory_only
        assert "the keyring failed" in screen_text(app) and "RuntimeError: locked" in screen_text(app)
        await type_into(pilot, "#client-id", "abc")
        await type_into(pilot, "#client-secret", "s3cret")
        await next_step(app, pilot)
        assert app.current == "credentials"  # nothing lost, nothing pretended saved
        assert app.screen.query_one("#client-secret", Input).value == "s3cret"


def test_a_crash_report_shows_no_local_variables(tmp_path):
    """Textual prints crashes with every frame's locals; ours must not (a local may be a secret)."""
    import subprocess
    import sys

    from tests.conftest import REPO, clean_env

    code = """
from wizard.tui.app import WizardApp
class Crashing(WizardApp):
    def action_help(self):
        client_secret = "p8e-Sentinel-Secret-4711"
        raise RuntimeError("boom")
async def auto(pilot):
    await pilot.pause()
    await pilot.press("f1")
    await pilot.pause()
Crashing().run(headless=True, auto_pilot=auto)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                          env=clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path)), timeout=60)
    output = done.stdout + done.stderr
    assert "RuntimeError" in output and "boom" in output
    assert "p8e-Sentinel-Secret-4711" not in output


async def test_a_server_fault_shows_at_its_stage_and_loses_nothing(fresh_sandbox, backend):
    import httpx

    app = make_app(fresh_sandbox, backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.click("#create-integration")
        await settle(app, pilot)
        org = app.state.profile.org_id
        httpx.post(f"{fresh_sandbox.console_url}/faults", json={
            "path": "/ims/token/v3", "status": 503, "body": "<html>down</html>"})
        await app.show_step("test")
        await pilot.press("f5")
        await settle(app, pilot, 4)
        text = screen_text(app)
        assert "✗ Exchange it for an access token" in text
        assert "failed on the server (HTTP 503, text/html)" in text and "fix:" in text
        assert app.state.profile.org_id == org and app.state.secret("client_secret")
        await pilot.press("f5")  # the fault was one-off: the retry by hand passes
        await settle(app, pilot, 4)
        assert "Sandbox Company" in screen_text(app)


async def test_a_hanging_keyring_leaves_the_wizard_responsive(sandbox):
    import threading

    release = threading.Event()

    class Hangs(MemoryBackend):
        def get_password(self, service, user):
            release.wait(10)

    app = WizardApp(sandbox=sandbox, secrets=SecretStore("launch-wizard-sandbox", Hangs(), timeout=1.5))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
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
