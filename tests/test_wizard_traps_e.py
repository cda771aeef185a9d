"""Traps a newcomer met walking the wizard with the keyboard only, in tmux at 80x24 and 120x40,
in the sandbox and against no real Adobe: each test starts at the step concerned and asserts
what the screen (or the keyboard) then does."""

from __future__ import annotations

import pytest

from tests.test_tui import SMALL, driving, make_app
from tests.tui_helpers import next_step, s2s_opens_at_credentials, screen_text, settle, type_into
from wizard.core.secret_store import MemoryBackend


@pytest.fixture
def backend():
    return MemoryBackend(limit=1000)


# --- a refused client secret takes the keyboard, as every other refused field does ----------------

@pytest.mark.parametrize("from_where", ["#next", "#scopes"], ids=["next-button", "enter-in-scopes"])
async def test_a_refused_client_secret_takes_the_keyboard(sandbox, backend, from_where):
    """The secret with a space was refused, yet the keyboard stayed where Next was asked: on the
    Next button a paste of the secret went nowhere; in Scopes it went into the scopes."""
    await s2s_opens_at_credentials(sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await type_into(pilot, "#client-secret", "p8e-abc def")
        await settle(app, pilot)  # what typing changed is heard before the Enter (a person is slower)
        app.screen.query_one(from_where).focus()
        await settle(app, pilot)
        if from_where == "#next":
            await next_step(app, pilot)
        else:
            await pilot.press("enter")  # Enter in a Credentials field does what Next does
            await settle(app, pilot)
        assert app.current == "credentials"
        assert "Client secret must not contain spaces or line breaks" in screen_text(app)
        assert app.focused is not None and app.focused.id == "client-secret"


# --- no keyring, a profile reopened: its secrets were the last session's -------------------------

async def _reopened_without_a_keyring(pilot, app) -> None:
    """A profile whose credentials were accepted and tested in a session that kept its secrets in
    memory (no keyring), opened again: where this session's secrets go is asked first."""
    from tests.test_tui import press
    from tests.tui_helpers import region_text, settle

    assert app.screen.query("#notice-memory"), region_text(app, "#notice")
    await press(app, pilot, "#notice-memory")
    await settle(app, pilot, 3)


async def test_answering_the_store_question_on_reopening_says_what_the_last_session_lost():
    """Reopened on Adobe with no keyring: answered, the question said "press Next again" (no Next
    had been pressed) and nothing said the client secret was gone; F5 then failed."""
    from tests.test_tui import Broken
    from tests.tui_helpers import region_text
    from wizard.core.secret_store import SecretStore
    from wizard.tui.app import WizardApp
    from wizard.tui.state import WizardState

    store = SecretStore(backend=Broken())
    state = WizardState.open(secrets=store)
    state.save_progress(state.progress.marked("organization", "credentials"),
                        org_id="ABC@AdobeOrg", client_id="abc")
    app = WizardApp(secrets=store)
    async with driving(app, size=SMALL) as pilot:
        await _reopened_without_a_keyring(pilot, app)
        notice = region_text(app, "#notice")
        assert "press Next again" not in notice
        assert ("The client secret of profile 'default' is not in this session's memory (no "
                "keyring was usable). Enter it again at step 2, Credentials.") in notice
        assert app.current == "credentials"
        assert app.focused is not None and app.focused.id == "client-secret"


async def test_a_sandbox_secret_the_last_session_kept_in_memory_is_said_missing_in_plain_words(
        sandbox):
    """"The client secret of profile 'sandbox' is gone from memory: this session only (no keyring
    was usable): the last test result no longer holds": this session lost nothing, and three
    colons in a row left a reader to work out which was the reason."""
    from tests.test_tui import Broken
    from tests.test_wizard_traps_d import _credentials_accepted
    from tests.tui_helpers import region_text

    await _credentials_accepted(sandbox, tested=True)
    app = make_app(sandbox, Broken())
    async with driving(app, size=SMALL):
        notice = region_text(app, "#notice")
        assert ("The client secret of profile 'sandbox' is not in this session's memory (no "
                "keyring was usable): the last test result no longer holds. The sandbox still has "
                "the integration.") in notice
        assert "this session only" not in notice
        assert app.focused is not None and app.focused.id == "notice-recover"


# --- F1 and F2 from a dialog: the footer under it names them, and they answer --------------------

@pytest.mark.parametrize(("first", "then", "opens"), [
    ("f1", "f2", "RolesScreen"), ("f2", "f1", "HelpScreen")], ids=["help-then-roles", "roles-then-help"])
async def test_f1_and_f2_answer_from_a_dialog(sandbox, backend, first, then, opens):
    """With the help open, the footer under it said "f2 Roles", and F2 did nothing: a dialog is a
    modal screen, which takes no key bound on the app."""
    from tests.tui_helpers import settle

    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await pilot.press(first)
        await settle(app, pilot)
        below = type(app.screen)
        await pilot.press(then)
        await settle(app, pilot)
        assert type(app.screen).__name__ == opens
        await pilot.press("escape")  # back to the dialog it was opened from
        await settle(app, pilot)
        assert type(app.screen) is below


async def test_f1_answers_from_the_quit_question(sandbox, backend):
    from tests.tui_helpers import settle
    from wizard.tui.screens import ConfirmQuit, HelpScreen

    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await type_into(pilot, "#org-id", "ABC@AdobeOrg")
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmQuit)
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmQuit)  # the question is still asked


# --- the sandbox's tested integration is not dropped by an arrow and Enter on the type -----------

async def _tested_s2s_back_at_the_type(app, pilot) -> str:
    """A sandbox S2S integration created and tested, then step 1 again with the keyboard on the
    credential type; its client ID."""
    from tests.tui_helpers import settle

    app.screen.query_one("#create-integration").focus()
    await pilot.press("enter")
    await settle(app, pilot, 3)
    await next_step(app, pilot)
    await next_step(app, pilot)
    await pilot.press("f5")
    await settle(app, pilot, 4)
    assert app.state.tested
    await app.screen.show_step("organization")
    await settle(app, pilot)
    app.screen.query_one("#auth-type").focus()
    await pilot.pause()
    return app.state.profile.client_id


async def test_choosing_the_other_type_asks_before_leaving_a_tested_integration(sandbox, backend):
    """Down and Enter on the credential type, only to see the JWT flow, silently emptied the client
    ID, dropped the client secret and every step's mark: the tested integration was gone, and
    choosing OAuth Server-to-Server again did not bring it back."""
    from tests.tui_helpers import region_text, settle

    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        client_id = await _tested_s2s_back_at_the_type(app, pilot)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert app.state.profile.client_id == client_id and app.state.tested  # nothing dropped
        question = region_text(app, "#switch-type")
        assert f"Switch to JWT service account? This profile's OAuth Server-to-Server " \
               f"integration ({client_id})" in question
        assert app.focused is not None and app.focused.id == "switch-keep"
        await pilot.press("enter")  # Keep
        await settle(app, pilot)
        assert not app.screen.query_one("#switch-type").display
        assert app.state.profile.auth_type == "oauth-s2s" and app.state.tested
        assert app.screen.query_one("#auth-oauth-s2s").value
        await pilot.press("down", "enter")
        await settle(app, pilot)
        await next_step(app, pilot)  # the question is answered first
        assert app.current == "organization" and app.focused.id == "switch-keep"
        await pilot.press("tab", "enter")  # the user's yes: now it switches
        await settle(app, pilot)
        assert app.state.profile.auth_type == "jwt" and app.state.profile.client_id == ""
        assert app.screen.query_one("#auth-jwt").value


# --- an access token pasted where the client secret goes: refused, not saved -----------------------

TOKEN_LIKE = "eyJhbGciOiJSUzI1NiJ9." + "A" * 900 + "." + "B" * 300  # one token, about 1200 long


async def test_an_access_token_pasted_as_the_client_secret_is_refused_at_next(sandbox, backend):
    """An access token (a thousand characters, no space) pasted into Client secret was saved, and
    only the test said IMS refused the secret; a 5000-character client ID is refused at Next."""
    await s2s_opens_at_credentials(sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        kept = await app.state.secret("client_secret")
        await type_into(pilot, "#client-secret", TOKEN_LIKE)
        await next_step(app, pilot)
        assert app.current == "credentials"
        shown = screen_text(app)
        assert f"Client secret too long: {len(TOKEN_LIKE)} characters, the limit is 256" in shown
        assert "AAAA" not in shown  # never quoted
        assert await app.state.secret("client_secret") == kept


def test_configure_refuses_a_client_secret_far_too_long(tmp_path):
    from tests.conftest import clean_env, run_main

    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "config"))
    done = run_main("configure", "--client-id", "abc", "--client-secret-stdin",
                    "--insecure-storage", env=env, input=TOKEN_LIKE + "\n")
    assert done.returncode == 2
    assert f"client secret too long: {len(TOKEN_LIKE)} characters, the limit is 256" in done.stderr
    assert "AAAA" not in done.stderr


# --- a client secret typed for an integration the sandbox has since replaced ------------------------

async def test_a_secret_typed_for_the_replaced_integration_is_not_saved_for_the_new_one(
        sandbox, backend):
    """A secret typed at Credentials and left unsaved stayed in its field after the sandbox made a
    new integration (created again, or of the other type): Next saved it for the new one, and the
    test then failed on a secret nobody had typed for it."""
    from tests.tui_helpers import settle

    await s2s_opens_at_credentials(sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await type_into(pilot, "#client-secret", "p8e-typed-for-the-old-one")
        await type_into(pilot, "#tech-id", "not-an-account")
        await next_step(app, pilot)  # refused (the ID); the client ID is saved meanwhile
        await app.screen.show_step("organization")
        await app.screen.show_step("credentials")
        await settle(app, pilot)
        assert app.screen.query_one("#client-secret").value == "p8e-typed-for-the-old-one"  # kept
        await type_into(pilot, "#tech-id", "")
        await app.screen.show_step("organization")
        await settle(app, pilot)
        app.screen.query_one("#create-integration").focus()
        await pilot.press("enter")  # the sandbox makes a new integration
        await settle(app, pilot, 3)
        made = await app.state.secret("client_secret")
        await next_step(app, pilot)
        assert app.current == "credentials"
        assert app.screen.query_one("#client-secret").value == ""
        assert "was for the integration this profile no longer uses" in screen_text(app)
        await next_step(app, pilot)
        assert app.current == "test"
        assert await app.state.secret("client_secret") == made  # the new integration's own



# --- no keyring: a test's failure points at the wizard's question, not at the command line --------

async def test_f5_without_a_keyring_points_at_the_question_above_not_the_command_line():
    """F5 on a new profile with no keyring: the question above offered "This session only" and
    "A plaintext file", while the failed stage said to start a Secret Service, set
    LAUNCH_WIZARD_CLIENT_SECRET or run `launch-wizard configure --insecure-storage`."""
    from tests.test_tui import Broken
    from tests.tui_helpers import region_text, settle
    from wizard.core.secret_store import SecretStore
    from wizard.tui.app import WizardApp

    app = WizardApp(secrets=SecretStore(backend=Broken()))
    async with driving(app, size=SMALL) as pilot:
        await pilot.press("f5")
        await settle(app, pilot, 3)
        assert app.current == "test"
        assert app.screen.query("#notice-memory")
        stage = region_text(app, "#stage-token")
        assert "fix: choose where secrets go in the notice above" in stage
        assert "insecure-storage" not in stage and "LAUNCH_WIZARD_" not in stage


@pytest.mark.parametrize(("keys", "again"), [("f5", "run the test again (F5)"),
                                             ("f3", "press F3 again")], ids=["f5", "f3"])
async def test_the_store_answer_says_to_do_again_what_asked_not_next(keys, again):
    """Answered after F5 (or F3), the notice said "press Next again": no Next had been pressed,
    and Next on the Test step goes on to Done."""
    from tests.test_tui import Broken, press
    from tests.tui_helpers import region_text, settle
    from wizard.core.secret_store import SecretStore
    from wizard.tui.app import WizardApp

    app = WizardApp(secrets=SecretStore(backend=Broken()))
    async with driving(app, size=SMALL) as pilot:
        await pilot.press(keys)
        await settle(app, pilot, 3)
        await press(app, pilot, "#notice-memory")
        await settle(app, pilot)
        notice = region_text(app, "#notice")
        assert f"Secrets stay in memory for this session only: {again}." in notice
        assert "Next" not in notice


# --- Finish with steps left undone: which one, not "All steps done" -------------------------------

async def test_finish_with_steps_left_undone_names_the_first_not_all_steps_done(sandbox, backend):
    """Through the palette to Done on a new profile, Finish said "All steps done. ctrl+q quits":
    nothing had been entered, and the step list showed no step done."""
    from tests.tui_helpers import notifications, settle

    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL, notifications=True) as pilot:
        await app.screen.show_step("done")
        await settle(app, pilot)
        await next_step(app, pilot)  # Finish
        shown = notifications(app)
        assert "All steps done" not in shown
        assert ('Step 1, Organization and integration, is not done yet (ctrl+p, then "Step 1"; '
                "or ctrl+b 3 times).") in shown


# --- quitting with secrets held in memory only, which nothing can give back ------------------------

async def test_quitting_asks_before_forgetting_secrets_only_memory_holds():
    """With no keyring and nothing typed left unsaved, ctrl+q quit at once, and the secrets the
    person had given, kept in memory for the session, were gone for good (no sandbox to give them
    back)."""
    from wizard.core.secret_store import SecretStore
    from wizard.core.vocabulary import SecretKind
    from wizard.tui.app import WizardApp
    from wizard.tui.screens import ConfirmQuit

    app = WizardApp(sandbox=None, secrets=SecretStore("launch-wizard", MemoryBackend()),
                    profile="memory")
    async with driving(app) as pilot:
        app.state.use_memory()
        await app.state.put_secret(SecretKind.CLIENT_SECRET, "p8e-kept-in-memory-only")
        assert app.unsaved == []
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmQuit) and app.is_running
        said = " ".join(str(text.render()) for text in app.screen.query("Static"))
        assert "quitting forgets them" in said and "Not saved yet" not in said
        assert "p8e-kept" not in said
        await pilot.press("enter")  # Stay, the focused answer
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmQuit) and app.is_running
