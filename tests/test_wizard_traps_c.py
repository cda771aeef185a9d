"""Traps a newcomer met walking the wizard with the keyboard only, in a real terminal: each test
starts at the step concerned and asserts what the screen then shows."""

from __future__ import annotations

import pytest

from tests.test_tui import SMALL, driving, make_app
from tests.tui_helpers import next_step, region_text, s2s_opens_at, s2s_opens_at_credentials, settle
from wizard.core.secret_store import MemoryBackend


@pytest.fixture
def backend():
    return MemoryBackend(limit=1000)


# --- a sandbox's client secret lost before Credentials was accepted: offered back, not asked for ---

async def test_a_lost_sandbox_secret_at_credentials_is_offered_back(sandbox, backend):
    """Create, Next, quit with no keyring, open again: the secret the sandbox made (and never
    showed) is gone. The field asked for it "from the console's Credentials page", and Next only
    said it was required: nothing on screen could be typed there."""
    from textual.widgets import Input

    await s2s_opens_at_credentials(sandbox, MemoryBackend(limit=1000))  # a store since gone
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        assert app.current == "credentials"
        placeholder = app.screen.query_one("#client-secret", Input).placeholder
        assert "console" not in placeholder and "sandbox" in placeholder
        await next_step(app, pilot)
        assert app.current == "credentials"
        notice = region_text(app, "#notice")
        assert "the sandbox still has the one it made" in notice
        assert "Recover it from the sandbox" in notice
        assert app.focused is not None and app.focused.id == "notice-recover"
        await pilot.press("enter")
        await settle(app, pilot, 3)
        assert app.current == "test"
        await pilot.press("f5")
        await settle(app, pilot, 4)
        assert "✓ Request an access token" in region_text(app, "#main")


# --- a client secret pasted with control characters: refused at Next, not sent to IMS -------------

async def test_a_client_secret_with_a_control_character_is_refused_at_next(sandbox, backend):
    """A paste from a terminal brought an ESC sequence and a BEL with it: the field showed ␛ and
    ␇, Next saved it, and only the test later said IMS refused the secret."""
    from tests.tui_helpers import screen_text, type_into

    await s2s_opens_at_credentials(sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        kept = await app.state.secret("client_secret")
        await type_into(pilot, "#client-secret", "p8e-abc\x1b[31mred\x07")
        await next_step(app, pilot)
        assert app.current == "credentials"
        assert "Client secret contains the control character '\\x1b' (U+001B)" in screen_text(app)
        assert await app.state.secret("client_secret") == kept  # the saved one is untouched
        await type_into(pilot, "#client-secret", f" {kept} ")  # copied with the spaces beside it
        await next_step(app, pilot)
        assert app.current == "test"
        assert await app.state.secret("client_secret") == kept


# --- the help says where secrets are kept: with no keyring, quitting forgets them ------------------

async def test_the_help_says_secrets_are_forgotten_on_quit_when_no_keyring_keeps_them(sandbox):
    """F1 said "secrets to the keyring ... Quit any time and reopen to resume" while they were
    only in memory: quit, reopen, and the client secret was gone."""
    from tests.test_tui import Broken
    from tests.tui_helpers import screen_text
    from wizard.core.secret_store import SecretStore
    from wizard.tui.app import WizardApp

    await s2s_opens_at_credentials(sandbox, MemoryBackend(limit=1000))
    app = WizardApp(sandbox=sandbox, secrets=SecretStore("launch-wizard-sandbox", Broken()))
    async with driving(app, size=SMALL) as pilot:
        assert app.state.memory_only
        await pilot.press("f1")
        await settle(app, pilot)
        shown = screen_text(app)
        assert "secrets to the keyring" not in shown
        assert "secrets stay in memory for this session only" in shown
        assert "quitting forgets them" in shown


async def test_the_help_says_secrets_go_to_the_keyring_when_one_keeps_them(sandbox, backend):
    from tests.tui_helpers import screen_text

    await s2s_opens_at_credentials(sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await pilot.press("f1")
        await settle(app, pilot)
        assert "secrets to the keyring" in screen_text(app)


# --- step 1's console steps for JWT: one sentence is one numbered step ------------------------------

async def test_the_jwt_console_steps_number_whole_steps_in_the_wizards_order(sandbox, backend):
    """One sentence was cut in two numbered steps ("8. and choose its role, before Create
    Integration."), and it put the certificate before the role, as the wizard's steps do not."""
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await pilot.click("#auth-jwt")
        await settle(app, pilot)
        steps = str(app.screen.query_one("#console-steps").render()).splitlines()
        assert all(line.split(". ", 1)[1][0].isupper() for line in steps), steps
        assert steps[6].startswith("7. Choose Service Account (JWT)")
        assert steps[6].index("role") < steps[6].index("certificate")


# --- the console's JSON pasted into the import's path field (which has the focus) ------------------

@pytest.mark.parametrize("indent", [None, 2], ids=["one-line", "pretty"])
async def test_the_downloaded_json_pasted_into_the_path_field_is_imported(sandbox, backend, indent):
    """Opening the import puts the keyboard in the path field: the JSON pasted there was taken as a
    path ("file not found: {...}"), or cut to its first line, "{"."""
    import json

    from textual import events

    from tests.test_tui import press
    from tests.test_wizard_traps import _download
    from tests.tui_helpers import notifications

    made, download = _download(sandbox, "pasted-path")
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL, notifications=True) as pilot:
        await press(app, pilot, "#import-open")
        entry = app.focused
        assert entry is not None and entry.id == "import-path"
        entry.post_message(events.Paste(json.dumps(json.loads(download), indent=indent)))
        await settle(app, pilot, 3)
        assert app.state.profile.client_id == made.client_id
        assert app.current == "test"
        assert "only the first line" not in notifications(app)


# --- Next on Test after the test failed: it ran; what is left is to fix what it said ---------------

async def test_next_after_a_failed_test_does_not_say_to_run_it_first(sandbox, backend):
    """F5 ran and failed; Next then said "Run the test first (F5)", as if it had never run."""
    from wizard.core.secret_store import SecretStore

    await s2s_opens_at("test", sandbox, backend)
    SecretStore("launch-wizard-sandbox", backend).set("sandbox", "client_secret", "p8e-wrong")
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        assert app.current == "test"
        await pilot.press("f5")
        await settle(app, pilot, 4)
        await next_step(app, pilot)
        assert app.current == "test"
        shown = region_text(app, "#main")
        assert "Run the test first" not in shown
        assert "✗ The test failed: it has to pass to finish. Fix what it says below, then run it " \
               "again (F5)." in shown


# --- the Role step before anything is created: nothing is said to be chosen -------------------------

async def test_the_role_step_claims_no_choice_before_the_integration_is_created(sandbox, backend):
    """"Chosen: no legacy role" showed before anything was chosen, under "Least-privileged role
    for Publish: Publisher": a newcomer could not tell which one Create would use."""
    from tests.test_tui import press
    from tests.tui_helpers import jwt_opens_at

    await jwt_opens_at("role", sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        assert app.current == "role"
        chosen = app.screen.query_one("#chosen-role")
        assert str(chosen.render()) == "Integration: not created yet"
        await press(app, pilot, "#no-role")
        assert str(chosen.render()).startswith("Chosen: no legacy role")


async def test_creating_again_before_any_upload_does_not_say_upload_it_again(sandbox, backend):
    """Create, then Create again at once: the question said the certificate "must be uploaded to it
    again", though none had been made or uploaded."""
    from tests.test_tui import press
    from tests.tui_helpers import jwt_opens_at

    await jwt_opens_at("keys", sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        assert app.current == "role"
        await press(app, pilot, "#choose-role")
        shown = str(app.screen.query_one("#chosen-role").render())
        assert "The profile has an integration already (" in shown and "made with Publisher)" in shown
        assert "It gets a new client ID and client secret." in shown
        assert "again" not in shown


async def test_the_quit_question_says_secrets_kept_in_memory_are_forgotten(sandbox):
    """"Everything accepted so far is saved" while the accepted client secret was in memory only."""
    from tests.test_tui import Broken
    from tests.tui_helpers import screen_text, type_into
    from wizard.core.secret_store import SecretStore
    from wizard.tui.app import WizardApp

    await s2s_opens_at_credentials(sandbox, MemoryBackend(limit=1000))
    app = WizardApp(sandbox=sandbox, secrets=SecretStore("launch-wizard-sandbox", Broken()))
    async with driving(app, size=SMALL) as pilot:
        assert app.state.memory_only
        await type_into(pilot, "#scopes", "openid")
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        shown = screen_text(app)
        assert "Not saved yet: Scopes" in shown
        assert "the secrets only until you quit (no keyring was usable)" in shown


# --- Finish on Done: what now ----------------------------------------------------------------------

async def test_finish_says_how_to_leave_and_that_the_sandbox_stops_with_the_wizard(sandbox, backend):
    """Finish said "All steps done." and stayed: nothing said how to leave, nor that the sandbox's
    tokens stop working once the wizard (and its sandbox) is closed."""
    from tests.tui_helpers import notifications

    await s2s_opens_at("done", sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL, notifications=True) as pilot:
        assert app.current == "done"
        await next_step(app, pilot)  # Finish
        shown = notifications(app)
        assert "All steps done." in shown
        assert "ctrl+q quits; the sandbox stops with the wizard." in shown


# --- a switch's words do not move the field beside it ----------------------------------------------

async def test_revealing_the_secret_does_not_resize_its_field(sandbox, backend):
    """"hidden" and "shown" differ by a letter: the secret's field grew a column when shown."""
    await s2s_opens_at_credentials(sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        field = app.screen.query_one("#client-secret")
        before = field.region
        app.screen.query_one("#reveal-secret").toggle()
        await settle(app, pilot)
        assert "shown" in region_text(app, "#main")
        assert field.region == before


# --- Enter in a Credentials field: it goes on (as on step 1), or says what is missing --------------

async def test_enter_in_a_credentials_field_goes_on_or_says_what_is_missing(sandbox, backend):
    """Enter in a filled or an empty field did nothing at all: no step, no word."""
    await s2s_opens_at_credentials(sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        client_id = app.screen.query_one("#client-id")
        kept = client_id.value
        client_id.value = ""
        client_id.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.current == "credentials"
        assert "is required" in region_text(app, "#main")
        assert app.focused is client_id
        client_id.value = kept
        app.screen.query_one("#scopes").focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.current == "test"


# --- a paste no field takes is said, not dropped -----------------------------------------------------

async def test_a_paste_while_a_button_has_the_keyboard_is_said_not_dropped(sandbox, backend):
    """With the keyboard on a button (nothing shows which, to a newcomer), a paste vanished."""
    from textual import events

    from tests.tui_helpers import notifications

    await s2s_opens_at_credentials(sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL, notifications=True) as pilot:
        app.screen.query_one("#back").focus()
        app.post_message(events.Paste("p8e-pasted-secret"))  # as the terminal's paste arrives
        await settle(app, pilot)
        shown = notifications(app)
        assert "The paste went nowhere" in shown and "Tab to the field" in shown
        assert "p8e-pasted-secret" not in shown  # it may be a secret: never shown
        app.screen.query_one("#client-secret").focus()
        app.post_message(events.Paste("p8e-pasted-secret"))
        await settle(app, pilot)
        assert app.screen.query_one("#client-secret").value == "p8e-pasted-secret"
        assert notifications(app).count("The paste went nowhere") == 1  # a field took this one


async def test_a_paste_into_a_box_is_not_said_to_go_nowhere(sandbox, backend, keypair):
    from textual import events

    from tests.tui_helpers import jwt_opens_at, notifications

    await jwt_opens_at("credentials", sandbox, backend, keypair)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL, notifications=True) as pilot:
        app.screen.query_one("#key-text").focus()
        app.post_message(events.Paste(keypair.key_path.read_text()))
        await settle(app, pilot, 3)
        assert "matches the certificate" in region_text(app, "#main")
        assert "The paste went nowhere" not in notifications(app)
