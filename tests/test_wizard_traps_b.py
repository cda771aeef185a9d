"""Traps a person met walking the wizard with the keyboard (paste boxes and fields, steps 1 to 3)
and in the headless commands: each test walks into one the way they did and asserts what the
screen, or the command's output, then shows."""

from __future__ import annotations

import json
import shutil

import pytest
from textual import events

from tests.conftest import clean_env
from tests.test_e2e_tmux import Terminal
from tests.test_tui import SMALL, driving, make_app
from tests.tui_helpers import next_step, s2s_opens_at_credentials, screen_text, settle
from wizard.core.secret_store import MemoryBackend


@pytest.fixture
def backend():
    return MemoryBackend(limit=1000)


# --- a control character in a paste: kept in its place, shown, and named by the check -----------

def _driver_parser():
    """The parser the terminal driver reads its input with, as the wizard sets it up (the test's
    own setting is undone after it)."""
    from textual.drivers import linux_driver

    from wizard.tui.terminal_input import keep_escapes_in_pastes

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(linux_driver, "XTermParser", linux_driver.XTermParser)
        keep_escapes_in_pastes()
        return linux_driver.XTermParser()


@pytest.mark.parametrize("chunks", [
    ["\x1b[200~AAA\x1bxBBB\x1b[201~"],
    list("\x1b[200~AAA\x1bxBBB\x1b[201~"),  # one character a read: markers split across reads
    ["\x1b[2", "00~AAA\x1b", "xBBB\x1b[20", "1~"],
], ids=["one-read", "a-character-a-read", "split-markers"])
def test_an_escape_inside_a_paste_arrives_in_the_paste_in_its_place(chunks):
    parser = _driver_parser()
    events_read = [event for chunk in chunks for event in parser.feed(chunk)]
    assert [(type(e).__name__, getattr(e, "text", None)) for e in events_read] == [
        ("Paste", "AAA\x1bxBBB")]  # not the keys "^xBBB" and then a paste of "AAA"


def test_an_escape_sequence_in_a_long_paste_is_not_typed_as_keys():
    pasted = "\x1b[31m" + "y" * 40 + "\x1b[0m"  # longer than the parser's search for a sequence
    parser = _driver_parser()
    read = list(parser.feed(f"\x1b[200~{pasted}\x1b[201~q"))
    assert [type(e).__name__ for e in read] == ["Paste", "Key"]
    assert read[0].text == pasted and read[1].key == "q"


def test_keys_outside_a_paste_are_read_as_before():
    parser = _driver_parser()
    keys = [e.key for e in parser.feed("a\x1b[Ab")]
    assert keys == ["a", "up", "b"]
    assert [e.key for e in parser.feed("\x1b")] == []  # a lone ESC: the escape key, once it is
    assert [e.key for e in parser.feed("")] == ["escape"]  # known to be alone (the input's end)


@pytest.mark.parametrize(("pasted", "stand_in", "code"), [
    ("AAA\x1bxBBB", "AAA␛xBBB", "U+001B"),
    ("AAA\x07xBBB", "AAA␇xBBB", "U+0007"),  # Rich's Text drops a BEL: it was shown as "AAAxBBB"
], ids=["esc", "bel"])
async def test_a_control_character_pasted_into_a_field_is_shown_and_named(sandbox, backend,
                                                                          pasted, stand_in, code):
    await s2s_opens_at_credentials(sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        entry = app.screen.query_one("#client-id")
        entry.focus()
        entry.value = ""
        entry.post_message(events.Paste(pasted))
        await settle(app, pilot)
        assert entry.value == pasted
        assert stand_in in screen_text(app)
        # the terminal's cursor after the last character shown (its stand-in takes a cell)
        assert entry.cursor_screen_offset.x - entry.content_region.x == len(stand_in) + 1
        await next_step(app, pilot)
        assert app.current == "credentials"
        shown = screen_text(app)
        escape = ascii(pasted[3])[1:-1]
        assert f"client ID (API key) contains the control character '{escape}' ({code})" in shown


@pytest.fixture
def small_terminal(secret_service, tmp_path):
    if not shutil.which("tmux"):
        pytest.skip("tmux is not installed")
    term = Terminal(clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "config"),
                              TERM="xterm-256color", **secret_service.env), 80, 24)
    yield term
    term.close()


def test_an_escape_pasted_in_a_real_terminal_is_named_by_the_check(small_terminal, tmp_path):
    """The wiring: the wizard's own terminal driver reads the paste (tmux sends it bracketed)."""
    pasted = tmp_path / "pasted.txt"
    pasted.write_text("AAA\x1bxBBB")
    small_terminal.start()
    small_terminal.wait_for("Credential type")
    small_terminal.keys("Tab", "Tab", "Tab")  # past Import and Create, to the Organization ID
    small_terminal.paste(pasted)
    assert "AAA␛xBBB" in small_terminal.wait_for("AAA␛xBBB")
    small_terminal.keys("C-n")
    small_terminal.wait_for("organization ID contains the control character '\\x1b' (U+001B)")
    assert "^xBBB" not in small_terminal.screen()


# --- an import's messages name what was imported: a file, or text pasted or typed in the box ----

async def _import_box(app, pilot):
    from tests.test_tui import press
    from wizard.tui.paste_area import PasteArea

    await press(app, pilot, "#import-open")
    box = app.screen.query_one("#import-text", PasteArea)
    box.focus()
    return box


async def test_pasted_text_that_is_not_json_is_called_pasted_text_not_a_file(sandbox, backend):
    """Said of pasted text, and in our words: the parser's own were "(Expecting value: line 1
    column 1 (char 0))"."""
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        box = await _import_box(app, pilot)
        box.post_message(events.Paste("hello, not a download"))
        await settle(app, pilot, 3)
        shown = screen_text(app)
        assert "the pasted text is not JSON: it does not start as JSON does (line 1, column 1)" \
            in shown
        assert "the file is" not in shown
        assert "Expecting" not in shown and "char 0" not in shown
        assert "paste the whole JSON file the Developer Console downloaded" in shown


async def test_typed_text_without_an_org_id_is_called_typed_text(sandbox, backend):
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        box = await _import_box(app, pilot)
        box.insert('{"CLIENT_ID": "c", "CLIENT_SECRETS": ["s"], "ORG_ID": ""}')
        await next_step(app, pilot)
        assert app.current == "organization"
        shown = screen_text(app).lower()
        assert "the typed text has no organization id" in shown


async def test_a_file_that_is_not_json_is_still_called_the_file(sandbox, backend, tmp_path):
    (tmp_path / "download.json").write_text("hello")
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await _import_box(app, pilot)
        app.screen.query_one("#import-path").value = str(tmp_path / "download.json")
        app.screen.query_one("#import-path").focus()
        await pilot.press("enter")
        await settle(app, pilot, 3)
        assert "the file is not json" in screen_text(app).lower()


# --- the Key and certificate step: each note under the option it belongs to -----------------------

async def test_the_openssl_hint_shows_only_under_generate(sandbox, backend):
    from textual.widgets import RadioButton

    from tests.tui_helpers import jwt_opens_at

    await jwt_opens_at("keys", sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:  # 120x40: the whole step in view
        assert app.current == "keys"
        assert "Same as: openssl req" in screen_text(app)
        app.screen.query_one("#source-existing", RadioButton).value = True
        await settle(app, pilot)
        assert "Check the pair" in screen_text(app)
        assert "openssl" not in screen_text(app)
        app.screen.query_one("#source-new", RadioButton).value = True
        await settle(app, pilot)
        assert "Same as: openssl req" in screen_text(app)


async def test_the_openssl_hint_follows_the_size_and_days_chosen(sandbox, backend):
    from textual.widgets import Select

    from tests.tui_helpers import jwt_opens_at, type_into

    await jwt_opens_at("keys", sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        assert "-days 365 -newkey rsa:2048" in screen_text(app)
        app.screen.query_one("#bits", Select).value = 4096
        await type_into(pilot, "#days", "30")
        await settle(app, pilot)
        assert "-days 30 -newkey rsa:4096" in screen_text(app)
        for typed, shown in (("999", "365"), ("0", "1")):  # what Generate would refuse: the nearest
            await type_into(pilot, "#days", typed)
            await settle(app, pilot)
            assert f"-days {shown} -newkey" in screen_text(app)


# --- a certificate made for 365 days has 365 days left -----------------------------------------------

def test_a_certificate_made_for_365_days_has_365_days_left(keypair):
    import datetime as dt

    from wizard.core.keys import cert_info, make_certificate

    made = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
    cert = make_certificate(keypair.key, days=365, now=made)  # any key: the dates are the subject
    left = {after: cert_info(cert, made + after).days_left for after in (
        dt.timedelta(seconds=1), dt.timedelta(days=1), dt.timedelta(days=364, hours=23),
        dt.timedelta(days=365, hours=1))}
    assert list(left.values()) == [365, 364, 1, -1]
    assert cert_info(cert, made + dt.timedelta(days=365, hours=1)).expired


async def test_the_key_step_says_365_days_left_for_a_pair_made_for_365_days(sandbox, backend):
    from tests.test_tui import press
    from tests.tui_helpers import jwt_opens_at

    await jwt_opens_at("keys", sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        await press(app, pilot, "#generate-button")
        await settle(app, pilot, 3)
        assert "(365 days left)" in screen_text(app)


# --- every timestamp a command prints has one format: ISO 8601, UTC, to the second, with a Z -------

_STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"


def _stamps(text: str) -> list[str]:
    """Every timestamp in `text`, with whatever follows its seconds (a Z, +00:00, .123Z)."""
    import re

    return re.findall(_STAMP + r"(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?", text)


def test_status_prints_every_timestamp_with_a_z(sandbox, tmp_path):
    from tests.conftest import clean_env, run_main
    from tests.io_management_helpers import integration
    from tests.test_rotation import configured

    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"))
    made = integration(sandbox)
    configured(sandbox, env, made, "--credential-id", made.page)
    assert run_main("test", env=env).returncode == 0
    text, raw = run_main("status", env=env).stdout, run_main("status", "--json", env=env).stdout
    assert '"created_at"' in raw and '"last_used_at"' in raw  # the client secrets are listed
    stamps = _stamps(text) + _stamps(raw)
    assert len(stamps) >= 5
    assert all(s.endswith("Z") and len(s) == len("2026-12-02T08:45:06Z") for s in stamps), stamps


def test_inspect_prints_the_certificate_dates_as_status_does(keypair, tmp_path):
    from tests.conftest import clean_env, run_main

    done = run_main("inspect", str(keypair.cert_path), "--json",
                    env=clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg")))
    stamps = _stamps(done.stdout)
    assert len(stamps) == 2 and all(s.endswith("Z") and len(s) == 20 for s in stamps), stamps


# --- a sandbox profile's token only while its sandbox serves --------------------------------------

def _token_then_stop(sandbox, env) -> str:
    """The profile's token, cached; then `sandbox` stopped. The token that was printed."""
    from tests.conftest import run_main

    first = run_main("token", env=env)
    assert first.returncode == 0, first.stderr
    sandbox.stop()
    return first.stdout.strip()


def test_token_refuses_a_sandbox_profiles_cached_token_once_its_sandbox_stopped(fresh_sandbox,
                                                                               tmp_path):
    from tests.conftest import clean_env, run_main

    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"))
    made = run_main("configure", "--sandbox", fresh_sandbox.base_url, "--insecure-storage", env=env)
    assert made.returncode == 0, made.stderr
    _token_then_stop(fresh_sandbox, env)
    for command in (["token"], ["token", "--json"], ["headers"]):
        done = run_main(*command, env=env)
        assert done.returncode == 4 and done.stdout == "", (command, done.stdout)
        assert f"error: the sandbox at {fresh_sandbox.base_url} is not running" in done.stderr
        # a profile made against a `launch-wizard sandbox`: that one again, on its port
        assert f"fix: start the sandbox it was made with again (`launch-wizard sandbox --port " \
               f"{fresh_sandbox.port}`" in done.stderr
        assert "`launch-wizard --sandbox --profile default`" in done.stderr
        assert "Traceback" not in done.stderr
    status = run_main("status", env=env)  # says the token is there, and that nothing takes it
    assert "token: cached in" in status.stdout
    assert "but its sandbox is not running" in status.stdout, status.stdout
    facts = json.loads(run_main("status", "--json", env=env).stdout)
    assert facts["token"]["cached"] and facts["token"]["sandbox_stopped"] is True


def test_token_gives_another_profiles_cached_token_without_asking_the_network(fresh_sandbox,
                                                                              tmp_path):
    """The path for Adobe: the cached token is printed with no call (nothing answers now)."""
    from tests.conftest import clean_env, run_main
    from tests.io_management_helpers import integration

    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"))
    made = integration(fresh_sandbox)
    run_main("configure", "--org-id", made.org_id, "--client-id", made.client_id,
             "--ims-url", fresh_sandbox.ims_url, "--reactor-url", fresh_sandbox.reactor_url,
             "--client-secret-stdin", "--insecure-storage", input=made.client_secret + "\n", env=env)
    token = _token_then_stop(fresh_sandbox, env)
    again = run_main("token", env=env)
    assert again.returncode == 0 and again.stdout.strip() == token, again.stderr


# --- the private key at 80 columns: its path field's placeholder whole, a pasted key taken -----

async def test_the_key_path_placeholder_fits_its_field_at_80_columns(sandbox, backend, keypair):
    from rich.cells import cell_len

    from tests.tui_helpers import jwt_opens_at

    await jwt_opens_at("credentials", sandbox, backend, keypair)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL):
        entry = app.screen.query_one("#key-file")
        assert entry.region.width and not entry.value
        assert cell_len(entry.placeholder) <= entry.content_region.width  # shown whole
        assert entry.placeholder in screen_text(app)


async def test_a_key_pasted_into_its_path_field_is_taken_as_the_key_with_no_toast(sandbox, backend,
                                                                                  keypair):
    from pathlib import Path

    from tests.tui_helpers import jwt_opens_at, toasts

    await jwt_opens_at("credentials", sandbox, backend, keypair)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL, notifications=True) as pilot:
        entry = app.screen.query_one("#key-file")
        entry.focus()
        key = Path(keypair.key_path).read_text()
        entry.post_message(events.Paste(key))
        await settle(app, pilot, 3)
        assert toasts(app) == []  # at 80 columns a toast covered the fields above
        assert entry.value == ""  # no line of the key stays on the screen
        assert "✓ RSA 2048 private key, matches the certificate" in screen_text(app)
        await next_step(app, pilot)
        assert app.current == "test"
        assert await app.state.secret("private_key") == key


def test_the_wizards_own_sandbox_profile_is_told_to_open_the_wizard_again():
    from wizard.core.errors import NetworkError
    from wizard.core.profile import Profile
    from wizard.core.secret_store import SANDBOX_PROFILE, SANDBOX_SERVICE, MemoryBackend, SecretStore
    from wizard.core.tokens import get_token
    from wizard.sandbox import Sandbox

    stopped = Sandbox()
    stopped.close()  # its port: nothing listens there now
    profile = Profile(name=SANDBOX_PROFILE, auth_type="oauth-s2s", ims_url=stopped.ims_url,
                      reactor_url=stopped.reactor_url, keyring_service=SANDBOX_SERVICE)
    with pytest.raises(NetworkError) as refused:
        get_token(profile, SecretStore(SANDBOX_SERVICE, MemoryBackend(limit=10)))
    assert refused.value.fix.startswith("open `launch-wizard --sandbox` (its sandbox serves")


async def test_a_click_after_a_pasted_control_character_lands_where_it_is_shown():
    """Each stand-in (␛) takes a cell: a click on the "B" shown after it puts the cursor there."""
    from textual.app import App, ComposeResult

    from wizard.tui.widgets import Entry

    class OneField(App[None]):
        def compose(self) -> ComposeResult:
            yield Entry("A\x1bBC", id="field")

    app = OneField()
    async with app.run_test(size=(40, 5)) as pilot:
        field = app.query_one(Entry)
        left = field.content_region.x - field.region.x
        await pilot.click("#field", offset=(left + 2, 1))  # the third cell: "A", "␛", then "B"
        assert field.value[field.cursor_position] == "B"
