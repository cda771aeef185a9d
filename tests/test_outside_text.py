"""Text from other people never drives the terminal, and a secret put in the wrong place is
described, never echoed: each test is the attack.

Someone in the company names a property `\\x1b]52;c;...\\x07` (under tmux's `set-clipboard on`
that writes the user's clipboard), a server's error carries a C1 CSI or a bidi override, an
imported file's names carry them: what the command line prints and the wizard draws shows them
escaped (`\\x1b`), never raw."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO, clean_env, configure_s2s, run_main
from tests.test_sandbox_contract import reactor_headers, s2s_token
from wizard.core.errors import ConfigError
from wizard.core.profile import ProfileStore, validate_field
from wizard.core.safe_text import character_name, describe_secret, invisible_character, terminal_safe
from wizard.tui.flow import PROGRESS_KEY

CLIPBOARD = "\x1b]52;c;aGk=\x07"  # OSC 52: "put 'hi' on the clipboard"
HOSTILE = f"Shop {CLIPBOARD} \x9b2J \u202egnp.exe"  # + a C1 CSI (clear screen), a bidi override
SHOWN = "Shop \\x1b]52;c;aGk=\\x07 \\x9b2J \\u202egnp.exe"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def assert_no_raw(text: str) -> None:
    assert not [ch for ch in RAW if ch in text], repr(text)


# --- the one function -----------------------------------------------------------------------

@pytest.mark.parametrize("raw, shown", [
    ("\x00", "\\x00"), ("\x07", "\\x07"), ("\x08", "\\x08"), ("\x1b", "\\x1b"), ("\x1f", "\\x1f"),
    ("\r", "\\x0d"),  # a carriage return rewrites the line it is on
    ("\x0b", "\\x0b"), ("\x0c", "\\x0c"),
    ("\x7f", "\\x7f"),  # DEL
    ("\x80", "\\x80"), ("\x9b", "\\x9b"), ("\x9d", "\\x9d"), ("\x9f", "\\x9f"),  # C1
    ("\u202a", "\\u202a"), ("\u202e", "\\u202e"), ("\u2066", "\\u2066"), ("\u2069", "\\u2069"),
    ("\udcff", "\\udcff"),  # a file name's byte that was not UTF-8
])
def test_every_character_a_terminal_obeys_is_shown_escaped(raw, shown):
    assert terminal_safe(f"a{raw}b") == f"a{shown}b"


def test_ordinary_text_is_unchanged():
    text = ("Marketing site (web)\tcafé, Ærø, naïve, ß; emoji 🚀👍🏽👨‍👩‍👧; 中文 日本語 한국어; "
            "עברית العربية; C:\\Users\\me; ~/keys/private.key\nsecond line … “quotes” — ✓ ✗ ●")
    assert terminal_safe(text) == text
    assert terminal_safe("") == ""


def test_the_attack_is_shown_not_obeyed():
    assert terminal_safe(HOSTILE) == SHOWN


def test_json_escapes_keep_the_document_valid_json():
    document = {"name": HOSTILE + "\x7f", "nested": ["\x85", "ok"]}
    for text in (json.dumps(document, indent=2, ensure_ascii=False), json.dumps(document)):
        safe = terminal_safe(text, json=True)
        assert_no_raw(safe)
        assert "\x7f" not in safe and "\x85" not in safe
        assert json.loads(safe) == document  # the same data, escaped as JSON escapes


def test_invisible_characters_are_found_by_their_category():
    assert invisible_character("plain-ID_1.x") is None
    assert invisible_character("café 🚀 中文") is None
    for ch in ("\x1b", "\t", "\x9b", "\u200b", "\ufeff", "\u202e", "\u2066", "\u00ad"):
        assert invisible_character(f"ab{ch}c") == ch
    assert character_name("\u043e") == "'о' (U+043E CYRILLIC SMALL LETTER O)"
    assert character_name("\x1b") == "'\\x1b' (U+001B)"
    assert character_name("\u200b") == "'\\u200b' (U+200B ZERO WIDTH SPACE)"


@pytest.mark.parametrize("value, described", [
    ("p8e-Hq2n7SECRETSECRETSECRET", "looks like a client secret (p8e-...)"),
    ("-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU", "looks like a PEM certificate"),
    ("  -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg", "looks like a PEM private key"),
    ("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJTRUNSRVQifQ.c2lnbmF0dXJl", "looks like an access token (eyJ...)"),
    ("~/keys/privat.key", "looks like a file path (17 characters)"),
    ("0123456789abcdef0123456789abcdef", "is text of 32 characters"),
])
def test_a_secret_is_described_by_its_kind_never_shown(value, described):
    assert describe_secret(value) == described
    secret_part = value.strip()[4:]  # past any prefix every value of the kind shares
    assert secret_part not in describe_secret(value)


# --- profile fields refuse control characters on input ----------------------------------------

@pytest.mark.parametrize("name, value", [
    ("org_id", f"AB{CLIPBOARD}@AdobeOrg"),
    ("client_id", "abc\x9bdef"),
    ("client_id", "\ufeffabcdef"),  # a byte order mark pasted with it
    ("technical_account_id", "AB\u200b@techacct.adobe.com"),
    ("scopes", ["AdobeID", "openid\x1b[2J"]),
    ("private_key_path", "keys/\u202eyek.pem"),
    ("certificate_path", "cert\x07.pem"),
    ("certificate_path", "key\x00.pem"),
    ("name", "work\x1b"),
])
def test_a_profile_field_refuses_control_characters(name, value):
    with pytest.raises(ConfigError, match="contains the control character") as refused:
        validate_field(name, value)
    assert_no_raw(refused.value.cause)
    assert "U+" in refused.value.cause  # says which character, as a person can check it


def test_a_look_alike_profile_name_is_refused_and_its_letter_named():
    for look_alike in ("wоrk", "ѕandbox", "café", "ｗork"):  # Cyrillic o, Cyrillic s, é, fullwidth w
        with pytest.raises(ConfigError, match="plain ASCII") as refused:
            validate_field("name", look_alike)
        assert "(U+" in refused.value.cause
    with pytest.raises(ConfigError, match="CYRILLIC SMALL LETTER O"):
        validate_field("name", "wоrk")
    assert validate_field("name", "work-2.ci_x") == "work-2.ci_x"


def test_cli_refuses_a_look_alike_profile_and_saves_nothing(tmp_path):
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path))
    assert run_main("configure", "--profile", "work", "--client-id", "a", env=env).returncode == 0
    before = (tmp_path / "config.toml").read_bytes()
    refused = run_main("configure", "--profile", "wоrk", "--client-id", "b", env=env)
    assert refused.returncode == 2
    assert "error: profile name must be plain ASCII" in refused.stderr
    assert "U+043E CYRILLIC SMALL LETTER O" in refused.stderr and "Traceback" not in refused.stderr
    assert (tmp_path / "config.toml").read_bytes() == before


# --- the command line -------------------------------------------------------------------------

def name_a_property(sb, name: str) -> None:
    """Someone in the company (another integration) renames its first property to `name`."""
    integ, token = s2s_token(sb)
    headers = reactor_headers(integ, token)
    company = httpx.get(f"{sb.reactor_url}/companies", headers=headers).json()["data"][0]["id"]
    first = httpx.get(f"{sb.reactor_url}/companies/{company}/properties",
                      headers=headers).json()["data"][0]
    renamed = httpx.patch(f"{sb.reactor_url}/properties/{first['id']}", headers=headers,
                          content=json.dumps({"data": {"id": first["id"], "type": "properties",
                                                       "attributes": {"name": name}}}))
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["data"]["attributes"]["name"] == name


def fault(sb, **spec) -> None:
    assert httpx.post(f"{sb.console_url}/faults", json=spec).status_code == 201


@pytest.fixture
def cli(fresh_sandbox, tmp_path):
    """A sandbox of its own and a profile configured for it through the command line: its env."""
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "config"))
    configure_s2s(fresh_sandbox, env, run=run_main)
    return fresh_sandbox, env


def test_a_property_name_from_someone_else_is_printed_escaped_by_test(cli):
    sb, env = cli
    name_a_property(sb, HOSTILE)
    tested = run_main("test", env=env)
    assert tested.returncode == 0, tested.stderr
    assert_no_raw(tested.stdout + tested.stderr)
    assert SHOWN in tested.stdout  # still there to read, as escapes


def test_an_ims_error_description_is_printed_escaped(cli):
    sb, env = cli
    fault(sb, path="/ims/token/v3", status=400,
          body={"error": "invalid_client", "error_description": HOSTILE})
    refused = run_main("token", "--refresh", env=env)
    assert refused.returncode == 3
    assert_no_raw(refused.stdout + refused.stderr)
    assert f"error: IMS refused (invalid_client): {SHOWN}" in refused.stderr


def test_a_launch_api_detail_is_printed_escaped_by_api(cli):
    sb, env = cli
    fault(sb, path="/reactor/companies", status=403,
          body={"errors": [{"status": "403", "code": "forbidden", "title": "Forbidden",
                            "detail": HOSTILE}]}, content_type="application/vnd.api+json")
    refused = run_main("api", "/companies", env=env)
    assert refused.returncode == 3
    assert_no_raw(refused.stderr)
    assert SHOWN in refused.stderr


def test_an_imported_files_names_are_printed_escaped(tmp_path):
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "config"))
    org = "0123456789ABCDEF01234567@AdobeOrg"

    def credential(name: str, kind: str) -> dict:
        return {"id": name, "name": name, "integration_type": kind,
                "oauth_server_to_server": {"client_id": "cid", "client_secrets": ["p8e-x"],
                                           "scopes": ["AdobeID"]}}

    download = {"project": {"org": {"ims_org_id": org}, "workspace": {"details": {"credentials": [
        credential(HOSTILE, "oauth_server_to_server"), credential(f"other {CLIPBOARD}", "apikey")]}}}}
    assert run_main("configure", "--insecure-storage", env=env).returncode == 0  # no keyring here
    imported = run_main("import", "-", input=json.dumps(download), env=env)
    assert imported.returncode == 0, imported.stderr
    assert_no_raw(imported.stdout + imported.stderr)
    assert SHOWN in imported.stdout and "other \\x1b]52;c;aGk=\\x07 (apikey" in imported.stdout

    download["project"]["org"]["ims_org_id"] = f"{CLIPBOARD}@AdobeOrg"  # a value: refused
    refused = run_main("import", "-", input=json.dumps(download), env=env)
    assert refused.returncode == 2
    assert_no_raw(refused.stderr)
    assert "contains the control character '\\x1b'" in refused.stderr


def test_status_prints_a_hand_edited_config_escaped(tmp_path):
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "config.toml").write_text(
        '[profiles.default]\norg_id = "AB\\u001b]52;c;aGk=\\u0007\\u009b2J@AdobeOrg"\n')
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(folder))
    for args in (("status",), ("status", "--json")):
        shown = run_main(*args, env=env)
        assert shown.returncode == 2
        assert_no_raw(shown.stdout + shown.stderr)
        assert "AB\\x1b]52;c;aGk=\\x07\\x9b2J@AdobeOrg" in shown.stderr


def test_inspect_shows_a_received_certificates_subject_escaped(tmp_path):
    """A certificate someone sent: its subject is theirs to choose."""
    from wizard.core.keys import cert_pem, generate_key, make_certificate

    path = tmp_path / "sent.crt"
    path.write_text(cert_pem(make_certificate(generate_key(), 30, HOSTILE + "\x7f")))
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path))
    shown = run_main("inspect", str(path), env=env)
    assert shown.returncode == 0, shown.stderr
    assert_no_raw(shown.stdout)
    assert "\x7f" not in shown.stdout
    assert "\\x1b]52\\;c\\;aGk=\\x07 \\x9b2J \\u202egnp.exe\\x7f" in shown.stdout
    as_json = run_main("inspect", str(path), "--json", env=env)
    assert as_json.returncode == 0, as_json.stderr
    assert_no_raw(as_json.stdout)
    assert "\x7f" not in as_json.stdout
    assert json.loads(as_json.stdout)["certificate"]["subject"].endswith("gnp.exe\x7f")  # still JSON


def test_api_on_a_terminal_shows_json_escaped_and_in_a_pipe_as_sent(cli):
    sb, env = cli
    name_a_property(sb, HOSTILE + "\x7f")
    piped = run_main("api", "/companies/{company}/properties", env=env)
    assert piped.returncode == 0, piped.stderr
    assert json.loads(piped.stdout)["data"][0]["attributes"]["name"] == HOSTILE + "\x7f"  # data
    screen = on_a_terminal([sys.executable, "-m", "wizard", "api", "/companies/{company}/properties"],
                           env, until=b"\n}\r\n")  # the document's last line
    text = screen.decode()
    text = text[text.index("\n{") + 1:].replace("\r\n", "\n")  # after the plaintext warning
    for ch in ("\x9b", "\u202e", "\x7f"):  # what json.dumps leaves raw
        assert ch not in text
    assert "\\u009b2J" in text and "\\u202egnp.exe\\u007f" in text
    assert json.loads(text)["data"][0]["attributes"]["name"] == HOSTILE + "\x7f"


def on_a_terminal(argv: list[str], env: dict[str, str], until: bytes, keys: list[tuple[bytes, bytes]] = (),
                  timeout: float = 60, size: tuple[int, int] = (40, 120)) -> bytes:
    """What `argv` writes to a real terminal (a pty), read until `until` shows; each (wait for, send)
    in `keys` types `send` once `wait for` has shown. The process is ended after."""
    import fcntl
    import struct
    import termios

    main, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", size[0], size[1], 0, 0))
    child = subprocess.Popen(argv, stdin=terminal, stdout=terminal, stderr=terminal, cwd=REPO,
                             close_fds=True, env={**env, "TERM": "xterm-256color"},
                             start_new_session=True)
    os.close(terminal)
    output, pending = b"", list(keys)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if pending and pending[0][0] in output:
                os.write(main, pending.pop(0)[1])
            if not pending and until in output:
                break
            ready, _, _ = select.select([main], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(main, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
        else:
            pytest.fail(f"{until!r} never showed; the terminal got {output[-2000:]!r}")
    finally:
        if child.poll() is None:
            child.terminate()
        child.wait(10)
        os.close(main)
    return output


# --- a secret put in the wrong variable --------------------------------------------------------

def test_a_client_secret_in_the_private_key_variable_is_never_echoed(tmp_path):
    secret = "p8e-Hq2n7Kd9LeakedIfPrinted-4711"
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path), LAUNCH_WIZARD_AUTH_TYPE="jwt",
                    LAUNCH_WIZARD_ORG_ID="0123456789ABCDEF01234567@AdobeOrg",
                    LAUNCH_WIZARD_CLIENT_ID="cid", LAUNCH_WIZARD_CLIENT_SECRET="p8e-other",
                    LAUNCH_WIZARD_TECHNICAL_ACCOUNT_ID="0123456789ABCDEF01234567@techacct.adobe.com",
                    LAUNCH_WIZARD_PRIVATE_KEY=secret,
                    PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    for args in (("token",), ("token", "--json"), ("status",), ("status", "--json"), ("test",)):
        ran = run_main(*args, env=env)
        assert ran.returncode == 2, (args, ran.stderr)
        assert "Hq2n7" not in ran.stdout + ran.stderr, args
        # status shows it among the profile's problems; the others stop at it
        said = ran.stdout if args[0] == "status" else ran.stderr
        assert "LAUNCH_WIZARD_PRIVATE_KEY is neither a private key nor the path of a file: it looks " \
               "like a client secret (p8e-...)" in said, args


def test_a_token_in_the_private_key_variable_is_named_not_shown(tmp_path):
    token = "eyJhbGciOiJSUzI1NiJ9.eyJTRUNSRVQiOiJ0b2tlbiJ9.c2lnbmF0dXJlLWxlYWtlZA"
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path), LAUNCH_WIZARD_AUTH_TYPE="jwt",
                    LAUNCH_WIZARD_PRIVATE_KEY=token,
                    PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    ran = run_main("status", env=env)
    assert ran.returncode == 2 and "looks like an access token (eyJ...)" in ran.stdout
    assert "eyJTRUNSRVQi" not in ran.stdout + ran.stderr


# --- the wizard -------------------------------------------------------------------------------

def wizard_profile(sb, env: dict[str, str]) -> None:
    """The CLI's profile, marked as far as the Test step, so the wizard opens there."""
    store = ProfileStore(Path(env["LAUNCH_WIZARD_CONFIG_DIR"]) / "config.toml")
    store.update("default", {}, records={PROGRESS_KEY: ["organization", "credentials"]})


async def test_the_wizard_shows_a_hostile_property_name_escaped(fresh_sandbox, tmp_path):
    from textual.widgets import Static

    from tests.tui_helpers import s2s_opens_at, screen_text, settle, toasts
    from wizard.core.secret_store import MemoryBackend, SecretStore
    from wizard.tui.app import WizardApp
    from wizard.tui.widgets import Notice

    name_a_property(fresh_sandbox, HOSTILE)
    backend = MemoryBackend(limit=1000)
    await s2s_opens_at("test", fresh_sandbox, backend)
    app = WizardApp(sandbox=fresh_sandbox, secrets=SecretStore("launch-wizard-sandbox", backend))
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await settle(app, pilot)
        assert app.current == "test"
        await pilot.press("f5")
        await settle(app, pilot, 4)
        detail = app.screen.query_one("#stage-properties .stage-detail", Static)
        shown = str(detail.render())
        assert_no_raw(shown)
        assert SHOWN in shown
        assert SHOWN in screen_text(app)
        app.notify(f"a tool said: {HOSTILE}", title=CLIPBOARD)
        app.screen.query_one(Notice).show("problem", f"the server said: {HOSTILE}")
        await settle(app, pilot)
        assert_no_raw(app.screen.query_one("#notice-text", Static).render().plain)
        shown = toasts(app)
        assert shown and SHOWN in shown[-1] and "\x1b" not in shown[-1]
        assert len(app.unexpected) == 0


def test_the_wizard_never_writes_a_hostile_name_raw_to_a_real_terminal(cli):
    """The bytes the wizard writes to a pty while the Test step lists the property: Textual draws
    with escape sequences of its own, so the scan is for the payload that came from outside."""
    sb, env = cli
    name_a_property(sb, HOSTILE)
    wizard_profile(sb, env)
    screen = on_a_terminal([sys.executable, "-m", "wizard"], env,
                           keys=[(b"Run the test", b"\x1b[15~")],  # F5
                           until=b"gnp.exe", size=(50, 200))
    assert b"\x1b]52;c;" not in screen  # the clipboard was not written
    assert "\x9b".encode() not in screen and "\u202e".encode() not in screen
    assert b"\\x1b]52;c;aGk=\\x07" in screen and b"\\u202egnp.exe" in screen  # shown, escaped


async def test_a_pasted_value_shows_its_control_characters_and_is_refused(fresh_sandbox):
    """Someone sends a client ID with an escape sequence hidden in it; it is pasted."""
    from textual import events
    from textual.widgets import Input

    from tests.tui_helpers import s2s_opens_at_credentials, screen_text, settle
    from wizard.core.secret_store import MemoryBackend, SecretStore
    from wizard.tui.app import WizardApp

    backend = MemoryBackend(limit=1000)
    await s2s_opens_at_credentials(fresh_sandbox, backend)
    app = WizardApp(sandbox=fresh_sandbox, secrets=SecretStore("launch-wizard-sandbox", backend))
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        assert app.current == "credentials"
        field = app.screen.query_one("#client-id", Input)
        field.value = ""
        field.focus()
        field.post_message(events.Paste(f"abc{CLIPBOARD}\x9bdef\u202e"))
        await settle(app, pilot)
        assert field.value == f"abc{CLIPBOARD}\x9bdef\u202e"  # what was pasted, kept to refuse
        drawn = "".join(segment.text for segment in field.render_line(0))
        assert_no_raw(drawn)
        assert "abc␛]52;c;aGk=␇�def�" in drawn  # shown in place, each in its own (the BEL too)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert app.current == "credentials"  # refused
        text = screen_text(app)
        assert "contains the control character '\\x1b' (U+001B)" in text
        assert_no_raw(text)
        assert "\x1b" not in app.state.profile.client_id


async def test_a_pasted_file_shows_its_control_characters_in_place():
    from textual.app import App

    from wizard.tui.paste_area import PasteArea

    class Pasting(App):
        def compose(self):
            yield PasteArea(id="box")

    app = Pasting()
    async with app.run_test(size=(80, 10)) as pilot:
        box = app.screen.query_one(PasteArea)
        box.load_text(f"-----BEGIN PRIVATE KEY-----\n{HOSTILE}\x7f\n")
        await pilot.pause()
        drawn = "".join(segment.text for segment in box.render_line(1))
        assert_no_raw(drawn)
        assert "\x7f" not in drawn and "Shop ␛]52;c;aGk=␇ �2J �gnp.exe␡" in drawn
        assert box.text.endswith(f"{HOSTILE}\x7f\n")  # the text itself is what was pasted


def test_a_client_secret_given_as_the_key_or_certificate_is_named_not_shown():
    from wizard.core.errors import KeyFileError
    from wizard.core.keys import load_certificate, load_private_key

    secret = "p8e-Hq2n7Kd9LeakedIfPrinted-4711"
    for load in (load_private_key, load_certificate):
        with pytest.raises(KeyFileError, match=r"it looks like a client secret \(p8e-\.\.\.\)") as refused:
            load(secret)
        assert "Hq2n7" not in refused.value.cause + refused.value.fix
