"""Traps a person met walking the Role, Upload and Done steps (and migrating) with the keyboard:
each test starts at the step concerned and asserts what the screen then shows."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tests.terminal_replay import Terminal
from tests.test_tui import SMALL, driving, make_app
from tests.tui_helpers import s2s_opens_at, screen_text, settle
from wizard.core.secret_store import MemoryBackend, SecretStore


@pytest.fixture
def backend():
    return MemoryBackend(limit=1000)


# --- a toast leaves the terminal when it expires ---------------------------------------------------

async def test_an_expired_toast_leaves_the_terminal_though_nothing_else_changes(sandbox, backend,
                                                                              monkeypatch):
    """The Test step's countdown goes on while Done shows: a change off screen, after which
    Textual forgot to repaint where the toast had been until a key was pressed."""
    from textual.widgets._toast import Toast

    from wizard.tui import clipboard

    monkeypatch.setattr(clipboard, "deliver", lambda text: clipboard.Delivery())
    await s2s_opens_at("test", sandbox, backend)
    app = make_app(sandbox, backend)
    terminal = Terminal(app, SMALL, monkeypatch)
    async with driving(app, size=SMALL, notifications=True) as pilot:
        await pilot.press("f5")
        await settle(app, pilot, 4)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert app.current == "done"
        await pilot.press("f3")
        await settle(app, pilot, 3)
        assert "Copied" in terminal.text()
        # a change off screen (the Test step's countdown made one each second)
        app.screen.view("test").query_one("#token-expiry", Static).update("expires in 1 s")
        await settle(app, pilot)
        app.screen.query_one(Toast)._expire()  # what its timer calls
        await settle(app, pilot)
        assert "Copied" not in screen_text(app)
        assert "Copied" not in terminal.text()
        assert "Done step 4 of 4" in terminal.text()


async def test_the_countdown_waits_while_another_step_shows(sandbox, backend):
    """No layout each second for a step nobody sees; shown again, it is up to date."""
    await s2s_opens_at("test", sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await pilot.press("f5")
        await settle(app, pilot, 4)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        expiry = app.screen.view("test").query_one("#token-expiry", Static)
        expiry.update("sentinel")
        app.screen.view("test")._tick()  # what its countdown does each second
        assert str(expiry.render()) == "sentinel"
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        assert app.current == "test" and str(expiry.render()).startswith("expires in ")


async def test_a_replacement_that_fails_keeps_the_role_of_the_integration_there_is(
        fresh_sandbox, backend):
    """The role is the integration's: saved only once the new one is made."""
    import httpx

    from tests.test_tui import press
    from tests.tui_helpers import jwt_opens_at, region_text

    await jwt_opens_at("keys", fresh_sandbox, backend)
    app = make_app(fresh_sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        assert app.current == "role"
        first = app.state.profile.client_id
        httpx.post(f"{fresh_sandbox.console_url}/faults",
                   json={"path": "/console/integrations", "status": 500})
        await press(app, pilot, "#no-role")
        await pilot.press("tab", "enter")  # Replace it
        await settle(app, pilot, 3)
        assert "✗ " in region_text(app, "#main")
        assert (app.state.profile.client_id, app.state.profile.role) == (first, "Publisher")


# --- Create on the Role step twice: asked, keeping first; Upload then says what is true ------------

async def test_creating_again_asks_before_replacing_and_upload_then_says_it_is_needed(
        sandbox, backend, keypair):
    from textual.widgets import Checkbox

    from tests.test_tui import press
    from tests.tui_helpers import jwt_opens_at, next_step, region_text

    await jwt_opens_at("upload", sandbox, backend, keypair)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        assert app.current == "upload"
        await press(app, pilot, "#upload-sandbox")
        assert "✓ Uploaded" in region_text(app, "#main")
        first = app.state.profile.client_id
        await pilot.press("ctrl+b", "ctrl+b")
        await settle(app, pilot)
        assert app.current == "role"

        await press(app, pilot, "#choose-role")  # Create again
        shown = region_text(app, "#main")
        assert f"The profile has an integration already ({first}, made with Publisher)" in shown
        assert "uploaded to it again at step 4 (Upload the certificate)" in shown
        assert app.state.profile.client_id == first  # nothing replaced without a word
        assert app.focused.id == "keep-integration"  # keeping it is the first answer
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.state.profile.client_id == first
        assert "✓ Kept the integration made before: ctrl+n goes on" in region_text(app, "#main")
        assert app.focused.id == "next"
        await pilot.press("enter")
        await settle(app, pilot)
        await next_step(app, pilot)
        assert app.current == "upload"  # as it was left: uploaded, and ticked
        assert app.screen.query_one("#uploaded", Checkbox).value
        assert "✓ Uploaded" in region_text(app, "#main")
        await pilot.press("ctrl+b", "ctrl+b")
        await settle(app, pilot)

        await press(app, pilot, "#choose-role")
        await pilot.press("tab", "enter")  # Replace it
        await settle(app, pilot, 3)
        assert app.state.profile.client_id not in ("", first)
        assert "✓ Created" in region_text(app, "#main")
        assert app.focused.id == "next"  # the buttons were disabled while it worked
        await pilot.press("enter")
        await settle(app, pilot)
        await next_step(app, pilot)
        assert app.current == "upload"
        assert not app.screen.query_one("#uploaded", Checkbox).value
        shown = region_text(app, "#main")
        assert "✓ Uploaded" not in shown
        assert "The certificate went to the integration made before" in shown
        assert f"({first}); the one made since has none yet: upload it again" in shown


# --- Upload with no integration made: the fix is at the Role step, and the way there is said -------

async def test_an_upload_with_no_integration_made_points_at_the_role_step(sandbox, backend):
    from tests.test_tui import press
    from tests.test_wizard_traps import _through_the_palette
    from tests.tui_helpers import generate_and_go_on, jwt_opens_at, region_text
    from wizard.tui.bindings import PALETTE, key

    await jwt_opens_at("role", sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        assert app.current == "role"
        await _through_the_palette(app, pilot, "Step 3")  # past Role: nothing created
        assert app.current == "keys" and not app.state.profile.client_id
        await generate_and_go_on(app, pilot)
        await press(app, pilot, "#upload-sandbox")
        shown = region_text(app, "#main")
        assert "no integration was created yet" in shown
        assert "client ID" not in shown
        assert f"fix: create the integration at step 2, Role ({PALETTE}, then \"Step 2\"; or " \
               f"{key('back')} 2 times)" in shown
        await _through_the_palette(app, pilot, "Step 2")
        assert app.current == "role"



# --- Migrate with no keyring: where the key really is, no stale note above, the focus goes on ------

async def test_migrating_without_a_keyring_says_where_the_key_is_and_the_keyboard_goes_on(
        sandbox, keypair):
    from tests.test_tui import Broken, press
    from tests.tui_helpers import jwt_opens_at, next_step, region_text, type_into
    from wizard.core.console import SandboxConsole
    from wizard.tui.app import WizardApp
    from wizard.tui.steps.done import MIGRATE_NOTE

    await jwt_opens_at("credentials", sandbox, MemoryBackend(limit=1000), keypair)
    app = WizardApp(sandbox=sandbox, secrets=SecretStore("launch-wizard-sandbox", Broken()))
    async with driving(app, size=SMALL) as pilot:
        assert app.current == "credentials" and app.state.memory_only  # no keyring: memory
        made = SandboxConsole(sandbox.console_url).look_up(app.state.profile.client_id).value
        await type_into(pilot, "#client-secret", made.client_secret)
        await press(app, pilot, "#use-generated")
        await next_step(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot, 4)
        await next_step(app, pilot)
        assert app.current == "done" and MIGRATE_NOTE[:30] in region_text(app, "#main")
        key_file = app.state.profile.private_key_path
        app.screen.query_one("#migrate").focus()
        await pilot.press("enter")
        await settle(app, pilot, 4)
        assert app.state.profile.auth_type == "oauth-s2s"
        shown = region_text(app, "#main")
        assert "keyring;" not in shown and "stays in the keyring" not in shown
        assert "The JWT private key stays in memory for this session and in its file" in shown
        assert key_file.rsplit("/", 1)[-1] in shown
        assert MIGRATE_NOTE[:30] not in shown  # the offer is gone: only what came of it
        assert app.focused is not None and app.focused.id == "next"  # Finish: Enter works


async def test_after_an_upload_enter_goes_on_and_leaves_the_box_ticked(sandbox, backend, keypair):
    """The upload ticks the box itself; the keyboard went to the box, and the next Enter (Next,
    as after Generate) unticked it."""
    from textual.widgets import Checkbox

    from tests.tui_helpers import jwt_opens_at

    await jwt_opens_at("upload", sandbox, backend, keypair)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        assert app.current == "upload"
        app.screen.query_one("#upload-sandbox").focus()
        await pilot.press("enter")
        await settle(app, pilot, 3)
        assert app.focused is not None and app.focused.id == "next"
        assert app.screen.query_one("#uploaded", Checkbox).value
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.current == "credentials"
