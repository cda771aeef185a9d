"""Traps a newcomer met walking the wizard with the keyboard only, in tmux at 80x24, in sandbox
mode: each test starts at the step concerned and asserts what the screen then shows (and, where
a command says the same thing, what the command says)."""

from __future__ import annotations

import pytest
from textual import events

from tests.conftest import clean_env, run_main
from tests.test_tui import SMALL, driving, make_app
from tests.tui_helpers import notifications, s2s_opens_at_credentials, settle
from wizard.core.secret_store import MemoryBackend


@pytest.fixture
def backend():
    return MemoryBackend(limit=1000)


# --- text that is not JSON: where it goes wrong, in our words, not the parser's -------------------
# (pasted in the wizard: tests/test_wizard_traps_b.py)

@pytest.mark.parametrize(("content", "said"), [
    ("hello", "the file is not JSON: it does not start as JSON does (line 1, column 1)"),
    ('{\n  "CLIENT_ID": "c",\n', "the file is not JSON: it ends before the JSON is complete "
                                 "(line 3, column 1)"),
    ('{\n  "CLIENT_ID" "c"\n}', "the file is not JSON: it goes wrong at line 2, column 15"),
], ids=["not-json", "cut-short", "broken"])
def test_import_on_the_command_line_says_where_the_json_goes_wrong(tmp_path, content, said):
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "config"))
    (tmp_path / "download.json").write_text(content)
    done = run_main("import", str(tmp_path / "download.json"), env=env)
    assert done.returncode == 2
    assert f"error: {said}" in done.stderr
    assert "Expecting" not in done.stderr and "char " not in done.stderr


# --- the client secret recovered from the sandbox: "run the test again" only after a test ----------

async def _credentials_accepted(sandbox, tested: bool) -> None:
    """Credentials accepted in an earlier session, its secret in a store since gone; `tested`: a
    test passed then, against that session's sandbox, which listened on another port (a sandbox
    takes a new one each run)."""
    from tests.tui_helpers import _sandbox_state

    gone = MemoryBackend(limit=1000)
    await s2s_opens_at_credentials(sandbox, gone)
    state = _sandbox_state(sandbox, gone)
    state.mark_done("credentials")
    if tested:
        state.mark_done("test")
        state.update(ims_url="http://127.0.0.1:9", reactor_url="http://127.0.0.1:9/reactor",
                     last_test={"at": "2026-12-01T10:00:00Z", "companies": 1, "properties": 3})


@pytest.mark.parametrize("tested", [False, True], ids=["never-tested", "tested-before"])
async def test_a_recovered_secret_says_run_the_test_again_only_after_a_test(sandbox, backend,
                                                                            tested):
    """No test had ever run, and the notice said "the last test result no longer holds", then
    "Recovered the client secret from the sandbox: run the test again"."""
    from tests.tui_helpers import region_text

    await _credentials_accepted(sandbox, tested)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        notice = region_text(app, "#notice")
        assert "The client secret of profile 'sandbox' is gone from" in notice
        assert ("the last test result no longer holds" in notice) is tested
        assert app.focused is not None and app.focused.id == "notice-recover"
        await pilot.press("enter")
        await settle(app, pilot, 3)
        again = " again" if tested else ""
        assert f"Recovered the client secret from the sandbox: run the test{again} (F5)." \
            in region_text(app, "#notice")


# --- Migrate in the sandbox: no console a person could open --------------------------------------

async def test_migrating_in_the_sandbox_names_no_console_to_delete_the_jwt_credential_in(
        sandbox, backend, keypair):
    """"Delete the JWT credential in the console once nothing uses it": the sandbox has no console
    a person can open; it migrated by itself and keeps the JWT credential beside the new one."""
    from tests.test_tui import press
    from tests.tui_helpers import jwt_opens_at, next_step

    await jwt_opens_at("credentials", sandbox, backend, keypair)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await press(app, pilot, "#use-generated")
        await next_step(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot, 4)
        await next_step(app, pilot)
        assert app.current == "done"
        await press(app, pilot, "#migrate")
        await settle(app, pilot, 3)
        assert app.state.profile.auth_type == "oauth-s2s"
        said = str(app.screen.query_one("#migrate-result").render())
        assert said.startswith("✓ Migrated")
        assert "The sandbox keeps the JWT credential beside the new one, unused: nothing to " \
               "delete." in said
        assert "console" not in said


# --- a paste into a one-line field: the value without the blank lines around it ------------------

@pytest.mark.parametrize("pasted", ["\nX", "\n\nX\n", "  \r\nX\r\n  \r\n"],
                         ids=["break-before", "breaks-around", "blank-lines-around"])
async def test_a_paste_with_blank_lines_around_the_value_takes_the_value(sandbox, backend, pasted):
    """"\\nX" pasted into an empty one-line field took nothing (the first line, empty), and said
    "only the first line of the paste was kept, 1 more line left out"."""
    from tests.tui_helpers import notifications

    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL, notifications=True) as pilot:
        field = app.screen.query_one("#org-id")
        field.focus()
        await pilot.pause()
        assert field.value == ""
        field.post_message(events.Paste(pasted.replace("X", "0123456789ABCDEF01234567@AdobeOrg")))
        await settle(app, pilot)
        assert field.value == "0123456789ABCDEF01234567@AdobeOrg"
        assert "Pasted one line" not in notifications(app)  # nothing was left out


# --- a paste into a one-line field that holds a value: it replaces it, one line or several -------

@pytest.mark.parametrize("pasted", ["new-client-id", "new-client-id\nsecond line\n"],
                         ids=["one-line", "several-lines"])
async def test_a_paste_into_a_filled_field_replaces_its_value(sandbox, backend, pasted):
    """A paste of several lines into a field holding a value was joined to it ("oldnew")."""
    await s2s_opens_at_credentials(sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        field = app.screen.query_one("#client-id")
        assert field.value  # the sandbox's client ID
        field.focus()
        await pilot.pause()
        field.post_message(events.Paste(pasted))
        await settle(app, pilot)
        assert field.value == "new-client-id"


async def test_after_typing_a_paste_goes_in_at_the_cursor_and_ctrl_v_follows_the_same_rules(
        sandbox, backend):
    """Replacing on every paste lost what was typed: Scopes holds Adobe's list, a "," typed at
    its end and a scope pasted left only that scope. And ctrl+v (the app's own clipboard, after
    Copy token) went in at the cursor, line breaks and all, whatever the field held."""
    await s2s_opens_at_credentials(sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL, notifications=True) as pilot:
        scopes = app.screen.query_one("#scopes")
        listed = scopes.value
        scopes.focus()
        await pilot.pause()
        scopes.cursor_position = len(listed)
        await pilot.press("comma")
        scopes.post_message(events.Paste("read_organizations\n"))
        await settle(app, pilot)
        assert scopes.value == f"{listed},read_organizations"

        client_id = app.screen.query_one("#client-id")
        client_id.focus()
        await pilot.pause()
        app.copy_to_clipboard("\nnew-client-id\nsecond line")
        await pilot.press("ctrl+v")
        await settle(app, pilot)
        assert client_id.value == "new-client-id"  # the sandbox's replaced, the first line kept
        assert "1 more line left out" in notifications(app)


# --- the focused button stands out in a 256-colour terminal, in either theme ---------------------

def _luminance(color) -> float:
    """WCAG's relative luminance of `color` as a 256-colour terminal draws it."""
    from rich.color import ColorSystem

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = color.downgrade(ColorSystem.EIGHT_BIT).get_truecolor()
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def _face(button) -> list[float]:
    """The luminance of the background of each cell the button draws (its label's too: a reversed
    cell shows its foreground as background)."""
    from textual.geometry import Region

    shown = []
    for strip in button.render_lines(Region(0, 0, *button.region.size)):
        for segment in strip:
            style = segment.style
            shown += [_luminance(style.color if style.reverse else style.bgcolor)] * len(segment.text)
    return shown


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("selector", ["#back", "#next"], ids=["button", "primary-button"])
async def test_the_focused_button_stands_out_in_256_colours(sandbox, backend, theme, selector):
    """In tmux (256 colours) only the focused button's label turned, a strip a few cells wide: the
    rest of its face moved a shade (235 for 234), and it looked like the other buttons."""
    await s2s_opens_at_credentials(sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        app.theme = theme
        await settle(app, pilot)
        button = app.screen.query_one(selector)
        assert not button.has_focus
        unfocused = _face(button)
        button.focus()
        await settle(app, pilot)
        focused = _face(button)
        assert len(focused) == button.region.width * button.region.height
        # every cell changes, by 2:1 at least: with the label alone reversed, the rest of the face
        # stayed as it was or moved a shade (1.13:1)
        contrast = [(max(a, b) + 0.05) / (min(a, b) + 0.05)
                    for a, b in zip(focused, unfocused, strict=True)]
        assert min(contrast) >= 2, contrast
