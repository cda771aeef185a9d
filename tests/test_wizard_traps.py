"""Traps a person met walking the wizard with the keyboard: each test walks into one the way
they did and asserts what the screen then shows."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox

from tests.test_tui import SMALL, driving, make_app, press
from tests.tui_helpers import (
    jwt_opens_at,
    next_step,
    notifications,
    region_text,
    s2s_opens_at,
    s2s_opens_at_credentials,
    screen_text,
    settle,
    type_into,
)
from wizard.core.secret_store import MemoryBackend, SecretStore


@pytest.fixture
def backend():
    return MemoryBackend(limit=1000)


# --- a result belongs to the action that made it: a newer action or a fix clears it --------------

async def test_creating_the_integration_clears_the_failed_import_above_it(sandbox, backend, tmp_path):
    (tmp_path / "bad.json").write_text('{"API_KEY": "k", "ORG_ID": "A@AdobeOrg"}')
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await press(app, pilot, "#import-open")
        await type_into(pilot, "#import-path", str(tmp_path / "bad.json"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert "API key credential cannot get an access token" in screen_text(app)
        await press(app, pilot, "#create-integration")
        assert "✓ Created" in region_text(app, "#main")
        assert "API key credential" not in str(app.screen.query_one("#import-result").render())


async def test_ticking_the_box_answers_the_reminder_to_tick_it(sandbox, backend, keypair):
    await jwt_opens_at("upload", sandbox, backend, keypair)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        assert app.current == "upload"
        await next_step(app, pilot)  # not uploaded yet: refused, with a reminder
        assert app.current == "upload"
        assert "then tick 'I have uploaded it'" in screen_text(app)
        app.screen.query_one("#uploaded", Checkbox).focus()
        await pilot.press("space")
        await settle(app, pilot)
        assert app.screen.query_one("#uploaded", Checkbox).value
        assert "then tick" not in screen_text(app)


async def test_a_recovered_secret_clears_the_fields_required_message(sandbox, backend):
    await s2s_opens_at("test", sandbox, backend)  # credentials accepted: the profile is whole
    SecretStore("launch-wizard-sandbox", backend).delete("sandbox", "client_secret")
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await settle(app, pilot, 3)
        assert app.current == "credentials"
        assert "Recover it from the sandbox" in region_text(app, "#notice")
        await next_step(app, pilot)
        assert "Client secret is required" in screen_text(app)
        await press(app, pilot, "#notice-recover")
        await settle(app, pilot, 3)
        assert app.state.has_secret("client_secret")
        if app.current != "credentials":
            await pilot.press("ctrl+b")
            await settle(app, pilot, 3)
        assert app.current == "credentials"
        assert "Client secret is required" not in screen_text(app)


# --- nothing typed is dropped silently ------------------------------------------------------------

async def test_next_imports_the_path_typed_in_the_import_field(sandbox, backend, tmp_path):
    import json

    from wizard.core.console import SandboxConsole

    made = SandboxConsole(sandbox.console_url).create("typed", "oauth-s2s").value
    (tmp_path / "cred.json").write_text(json.dumps({
        "ORG_ID": made.org_id, "CLIENT_ID": made.client_id, "CLIENT_SECRETS": [made.client_secret],
        "SCOPES": made.scopes, "TECHNICAL_ACCOUNT_ID": made.technical_account_id}))
    (tmp_path / "bad.json").write_text('{"API_KEY": "k", "ORG_ID": "A@AdobeOrg"}')
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await press(app, pilot, "#import-open")
        await type_into(pilot, "#import-path", str(tmp_path / "bad.json"))
        await next_step(app, pilot)  # Next with a path typed: imported, its failure shown
        assert app.current == "organization"
        assert "API key credential cannot get an access token" in screen_text(app)
        app.screen.query_one("#import-path").value = ""
        await type_into(pilot, "#import-path", str(tmp_path / "cred.json"))
        await next_step(app, pilot)
        await settle(app, pilot, 3)
        assert app.state.profile.client_id == made.client_id
        assert app.current == "test"
        assert "✓ Imported from" in region_text(app, "#notice")


def _download(sandbox, name: str) -> tuple[object, str]:
    """An integration made in the sandbox, and the JSON the console would download for it."""
    import json

    from wizard.core.console import SandboxConsole

    made = SandboxConsole(sandbox.console_url).create(name, "oauth-s2s").value
    return made, json.dumps({
        "ORG_ID": made.org_id, "CLIENT_ID": made.client_id, "CLIENT_SECRETS": [made.client_secret],
        "SCOPES": made.scopes, "TECHNICAL_ACCOUNT_ID": made.technical_account_id})


async def test_typing_into_the_import_box_keeps_the_text_and_next_imports_it(sandbox, backend):
    from wizard.tui.paste_area import PasteArea

    made, download = _download(sandbox, "typed-box")
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await press(app, pilot, "#import-open")
        box = app.screen.query_one("#import-text", PasteArea)
        box.focus()
        for char in download[:3]:  # typed, key by key: no key is a paste of its own
            await pilot.press(char)
        await settle(app, pilot)
        assert box.text == download[:3]
        assert "not JSON" not in screen_text(app)
        assert "Next (ctrl+n) imports what you typed" in screen_text(app)
        box.insert(download[3:])  # the rest, typed as well
        await settle(app, pilot)
        assert box.text == download and app.state.profile.client_id != made.client_id
        await next_step(app, pilot)
        await settle(app, pilot, 3)
        assert app.state.profile.client_id == made.client_id
        assert app.current == "test"
        assert "✓ Imported from" in region_text(app, "#notice")
        assert made.client_secret not in screen_text(app)
        assert box.text == ""  # the secret left the screen with the import


async def test_typed_text_that_is_not_a_download_stays_for_the_user_to_correct(sandbox, backend):
    from wizard.tui.paste_area import PasteArea

    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await press(app, pilot, "#import-open")
        box = app.screen.query_one("#import-text", PasteArea)
        box.focus()
        box.insert('{"CLIENT_ID": ')
        await settle(app, pilot)
        await next_step(app, pilot)
        assert app.current == "organization"
        assert "not JSON" in screen_text(app)
        assert box.text == '{"CLIENT_ID": '  # nothing typed is lost


async def test_a_paste_into_the_import_box_imports_at_once_and_leaves_the_box(sandbox, backend):
    from textual import events

    from wizard.tui.paste_area import PasteArea

    made, download = _download(sandbox, "pasted-box")
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await press(app, pilot, "#import-open")
        box = app.screen.query_one("#import-text", PasteArea)
        box.focus()
        box.post_message(events.Paste(download))
        await settle(app, pilot, 3)
        assert box.text == ""
        assert app.state.profile.client_id == made.client_id, screen_text(app)
        assert app.current == "test"


# --- a fix line says how to reach its step ------------------------------------------------------

async def _a_key_ims_refuses_at_test(sandbox, backend, keypair, other_keypair) -> None:
    """The JWT flow done up to Test, with a key other than the uploaded certificate's: IMS refuses
    the signature (fixed at step 4, Upload)."""
    from pathlib import Path

    from wizard.tui.state import WizardState

    await jwt_opens_at("credentials", sandbox, backend, keypair)
    state = WizardState.open(None, sandbox, SecretStore("launch-wizard-sandbox", backend))
    await state.put_secret("private_key", Path(other_keypair.key_path).read_text())
    state.mark_done("credentials")


async def _through_the_palette(app, pilot, entry: str) -> None:
    """ctrl+p, the entry's name typed, Enter: as a person picks a step there."""
    from wizard.tui.bindings import PALETTE

    await pilot.press(PALETTE)
    await settle(app, pilot)
    for char in entry:
        await pilot.press("space" if char == " " else char)
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)


async def test_a_fix_two_steps_back_names_the_way_there_and_the_way_works(sandbox, backend, keypair,
                                                                          other_keypair):
    from wizard.tui.app import WizardApp
    from wizard.tui.bindings import PALETTE

    await _a_key_ims_refuses_at_test(sandbox, backend, keypair, other_keypair)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        assert app.current == "test"
        await pilot.press("f5")
        await settle(app, pilot, 4)
        text = screen_text(app)
        assert "at step 4, Upload the certificate" in text
        assert "goes back" not in text  # step 4 is two steps back from step 6
        assert f'{PALETTE}, then "Step 4"; or ctrl+b 2 times' in text
        assert WizardApp.COMMAND_PALETTE_BINDING == PALETTE
        await _through_the_palette(app, pilot, "Step 4")
        assert app.current == "upload"


async def test_a_fix_steps_ahead_names_the_way_there_as_one_behind_does(sandbox, backend, keypair,
                                                                        other_keypair):
    from wizard.tui.bindings import PALETTE, key

    await _a_key_ims_refuses_at_test(sandbox, backend, keypair, other_keypair)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await _through_the_palette(app, pilot, "Step 1")
        assert app.current == "organization"
        await pilot.press(key("copy-token").lower())  # a token from step 1: IMS refuses the key
        await settle(app, pilot, 4)
        text = screen_text(app)
        assert "at step 4, Upload the certificate" in text
        assert f'{PALETTE}, then "Step 4"; or {key("next")} 3 times' in text
        assert f"({key('next')})" not in text
        await _through_the_palette(app, pilot, "Step 4")
        assert app.current == "upload"


def test_a_fix_one_step_ahead_says_next_goes_there():
    from wizard.core.ims import ims_error
    from wizard.tui import remedy
    from wizard.tui.bindings import key
    from wizard.tui.flow import S2S_FLOW

    error = ims_error(401, {"error": "invalid_client", "error_description": "invalid client_secret"})
    assert remedy.fix(error, S2S_FLOW, "oauth-s2s", "organization") == (
        f"enter the client secret again at step 2, Credentials ({key('next')} goes on)")


# --- at 80x24 a toast never covers a field's error -------------------------------------------------

async def test_a_toast_does_not_cover_the_error_of_the_field_it_was_about(sandbox, backend):
    from textual import events

    from tests.tui_helpers import toasts

    await s2s_opens_at_credentials(sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL, notifications=True) as pilot:
        entry = app.screen.query_one("#client-id")  # the top field: the toasts' corner
        entry.focus()
        entry.value = ""
        entry.post_message(events.Paste("id with a \x01 in it\nsecond line\n"))
        await settle(app, pilot)
        assert any("only the first line of the paste was kept" in t for t in toasts(app))
        await next_step(app, pilot)
        field = app.screen.view("credentials").field_of("client-id")
        assert field.invalid and app.current == "credentials"
        error = field.query_one(".field-error")
        assert error.region.height
        for toast in app.screen.query("Toast"):
            assert not toast.region.overlaps(error.region), toast.render().plain
        shown = screen_text(app)
        assert "client ID (API key) contains the control character" in shown
        assert "fix: copy the value again from the Developer Console" in shown


async def test_a_field_error_keeps_the_toasts_that_do_not_cover_it(sandbox, backend, monkeypatch):
    from tests.tui_helpers import toasts
    from wizard.tui import clipboard

    monkeypatch.setattr(clipboard, "deliver", lambda text: clipboard.Delivery())
    await s2s_opens_at_credentials(sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL, notifications=True) as pilot:
        await pilot.press("f3")
        await settle(app, pilot, 3)
        assert any(t.startswith("Copied") for t in toasts(app))
        await type_into(pilot, "#tech-id", "not-an-account")
        await next_step(app, pilot)
        field = app.screen.view("credentials").field_of("tech-id")
        assert field.invalid and app.current == "credentials"
        error = field.query_one(".field-error")
        assert error.region.height
        assert any(t.startswith("Copied") for t in toasts(app))  # beside the error, not on it
        for toast in app.screen.query("Toast"):
            assert not toast.region.overlaps(error.region), toast.render().plain


# --- F2 at 80x24: the banner, the footer and Close stay on screen -----------------------------------

@pytest.mark.parametrize("size", [SMALL, (120, 40)], ids=["80x24", "120x40"])
async def test_the_role_lookup_fits_with_its_close_and_the_banner_in_view(sandbox, backend, size):
    from tests.tui_helpers import screen_rows
    from wizard.tui.screens import RolesScreen

    app = make_app(sandbox, backend)
    async with driving(app, size=size) as pilot:
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, RolesScreen)
        rows = screen_rows(app)
        assert rows[0].lstrip().startswith("SANDBOX")  # the mode stays in view
        assert "Quit" in rows[-1] and "Help" in rows[-1]  # and so do the keys
        close = app.screen.query_one("#roles-close")
        assert app.screen.region.contains_region(close.region)  # not below the fold
        assert "Close" in rows[close.region.y]
        assert "F2 / escape" in rows[close.region.y]  # the keys that close it, said
        for _ in range(20):  # the keyboard reaches it
            if app.focused is close:
                break
            await pilot.press("tab")
        assert app.focused is close and app.screen.region.contains_region(close.region)
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, RolesScreen)


# --- no keyring: the question comes when a secret would be saved, once ------------------------------

async def test_without_a_keyring_the_store_question_comes_with_the_first_save(isolated_config):
    from textual.widgets import Input

    from tests.test_tui import Broken
    from wizard.tui.app import WizardApp

    app = WizardApp(secrets=SecretStore(backend=Broken()))
    async with driving(app, size=SMALL) as pilot:
        await type_into(pilot, "#org-id", "ABC@AdobeOrg")
        await next_step(app, pilot)
        assert app.current == "credentials"
        assert not app.screen.query("#notice-plaintext")  # nothing to save yet: nothing asked
        text = screen_text(app)
        assert "The keyring failed (reading" in text and "RuntimeError: locked" in text
        assert "keyring: the keyring" not in text  # the cause is said once, as a sentence
        assert "Next asks where" in text
        await type_into(pilot, "#client-id", "abc")
        await type_into(pilot, "#client-secret", "s3cret")
        await next_step(app, pilot)  # a secret to save: now the question
        assert app.current == "credentials"
        assert app.screen.query_one("#client-secret", Input).value == "s3cret"
        await press(app, pilot, "#notice-plaintext")
        assert "press Next again" in region_text(app, "#notice")  # true: Next was refused
        await next_step(app, pilot)
        assert app.current == "test"
    assert oct((isolated_config / "secrets.json").stat().st_mode)[-3:] == "600"


async def test_a_key_typed_into_the_private_key_box_stays_and_next_checks_it(sandbox, backend,
                                                                            keypair):
    from pathlib import Path

    from textual import events

    from wizard.tui.paste_area import PasteArea

    await jwt_opens_at("credentials", sandbox, backend, keypair)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        assert app.current == "credentials"
        box = app.screen.query_one("#key-text", PasteArea)
        box.focus()
        await pilot.press("x")  # a stray key: not a paste of a key
        await settle(app, pilot)
        assert box.text == "x"
        assert "not a PEM" not in screen_text(app)
        await next_step(app, pilot)  # Next checks what was typed: refused, and it stays
        assert app.current == "credentials"
        assert box.text == "x"
        box.load_text("")
        box.post_message(events.Paste(Path(keypair.key_path).read_text()))
        await settle(app, pilot, 3)
        assert box.text == ""  # a pasted key leaves the screen at once
        assert "✓ RSA" in screen_text(app)



async def test_a_paste_replaces_what_was_typed_and_typing_clears_an_old_verdict(sandbox, backend,
                                                                              keypair):
    from pathlib import Path

    from textual import events

    from wizard.tui.paste_area import PasteArea

    await jwt_opens_at("credentials", sandbox, backend, keypair)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        box = app.screen.query_one("#key-text", PasteArea)
        box.focus()
        await pilot.press("x")
        await next_step(app, pilot)  # refused: the verdict is about "x"
        status = app.screen.query_one("#key-status")
        assert status.has_class("-error")
        await pilot.press("y")  # the box now holds something else: that verdict is not about it
        await settle(app, pilot)
        assert not status.has_class("-error")
        assert "Next checks what is typed here." in str(status.render())
        box.post_message(events.Paste(Path(keypair.key_path).read_text()))  # into "xy"
        await settle(app, pilot, 3)
        assert box.text == ""
        assert "✓ RSA" in screen_text(app)  # the key alone, not "xy" joined to it


async def test_after_generating_a_pair_the_keyboard_goes_on_to_next(sandbox, backend):
    """Generate was disabled while it worked, which dropped the focus: Enter did nothing."""
    await jwt_opens_at("keys", sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        assert app.current == "keys"
        assert app.focused.id == "generate-button"
        await pilot.press("enter")
        await settle(app, pilot, 4)
        assert "SHA-1 fingerprint" in screen_text(app)
        assert app.focused is not None and app.focused.id == "next"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.current == "upload"

# --- a notice says what happened, not what happens in a neighbouring case ------------------------

async def test_copying_a_token_with_the_secret_gone_says_it_is_gone_not_wrong(sandbox, backend):
    await s2s_opens_at_credentials(sandbox, backend)
    app = make_app(sandbox, MemoryBackend())  # the keyring lost the secret since
    async with driving(app, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot, 3)
        assert "No token to copy: the notice above says why" in notifications(app)  # F3 answers
        app.clear_notifications()
        await settle(app, pilot)
        notice = region_text(app, "#notice")
        assert "has no client secret" in notice
        assert "not the one the sandbox made" not in notice  # nothing was saved to differ
        assert "No client secret is saved for this profile; the sandbox still has the one it " \
               "made." in notice
        await pilot.press("enter")  # the offer stands: recover it
        await settle(app, pilot, 3)
        assert "Recovered the client secret from the sandbox" in screen_text(app)


async def test_a_reopened_sandbox_wizard_saves_its_new_ports_at_once(sandbox, fresh_sandbox, backend):
    """The Done step's commands read the profile file: a sandbox listens on a new port each run."""
    from wizard.core.profile import ProfileStore
    from wizard.tui.state import WizardState

    store = SecretStore("launch-wizard-sandbox", backend)
    first = WizardState.open(None, sandbox, store)
    await first.create_integration()
    assert ProfileStore().load("sandbox").ims_url == sandbox.ims_url
    WizardState.open(None, fresh_sandbox, store)  # opening writes nothing: before the first frame
    assert ProfileStore().load("sandbox").ims_url == sandbox.ims_url
    app = make_app(fresh_sandbox, backend)  # the next run, on another port: nothing else done
    async with driving(app) as pilot:
        await settle(app, pilot)
    saved = ProfileStore().load("sandbox")
    assert (saved.ims_url, saved.reactor_url) == (fresh_sandbox.ims_url, fresh_sandbox.reactor_url)


async def test_done_says_a_test_that_failed_since_it_passed(sandbox, backend):
    """`launch-wizard test` failed after the wizard's test passed: Done leads with the failure."""
    from wizard.tui.state import WizardState

    state = WizardState.open(None, sandbox, SecretStore("launch-wizard-sandbox", backend))
    await state.create_integration()
    for step in ("organization", "credentials", "test"):
        state.mark_done(step)
    state.update(last_test={"at": "2026-01-01T00:00:00Z", "companies": 1, "properties": 3},
                 last_failure={"at": "2026-01-02T00:00:00Z", "stage": "exchange",
                               "cause": "IMS refused the client secret", "exit_code": 3})
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        await settle(app, pilot)
        assert app.current == "done"
        main = region_text(app, "#main")
        assert "✗ The last test failed (2026-01-02 00:00:00 UTC, at exchange): IMS refused the " \
               "client secret" in main
        assert "works" not in main.split("profile")[0]  # no pass said above it



async def test_done_without_a_keyring_in_the_sandbox_names_no_question_it_never_asks(sandbox,
                                                                                    backend):
    await s2s_opens_at("test", sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "test"
        await pilot.press("f5")
        await settle(app, pilot, 4)
        app.state.use_memory()  # as when the keyring fails in the sandbox: memory, unasked
        await next_step(app, pilot)
        assert app.current == "done"
        text = region_text(app, "#main")
        assert "kept for this session only" in text
        assert "open the wizard where a keyring works." in text
        assert "plaintext file when it asks" not in text
