"""F5 tests what the screen shows, and every way out asks before typed input is lost: found by a
person trying the wizard (F5 reported a pass for the stored secret while another was typed; the
command palette's Quit left without the question ctrl+q asks)."""

from __future__ import annotations

import inspect

from textual.widgets import Input

from tests.tui_helpers import next_step, s2s_opens_at_credentials, settle
from wizard.core.secret_store import MemoryBackend, SecretStore
from wizard.tui.app import WizardApp
from wizard.tui.screens import ConfirmQuit


def make_app(sandbox, backend=None) -> WizardApp:
    return WizardApp(sandbox=sandbox,
                     secrets=SecretStore("launch-wizard-sandbox", backend or MemoryBackend()))


async def opened_at_credentials(sandbox) -> WizardApp:
    """A wizard that opens at the credentials step: the integration made as `at_credentials`
    makes it by pressing Create."""
    backend = MemoryBackend()
    await s2s_opens_at_credentials(sandbox, backend)
    return make_app(sandbox, backend)


async def at_credentials(app, pilot) -> None:
    await settle(app, pilot)
    app.screen.query_one("#create-integration").press()
    await settle(app, pilot)
    await next_step(app, pilot)
    assert app.current == "credentials"


async def test_f5_tests_the_secret_typed_not_the_one_stored(sandbox):
    app = await opened_at_credentials(sandbox)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.current == "credentials"
        name = app.state.profile.name
        stored = app.state.secrets.get(name, "client_secret")
        assert stored
        secret = app.screen.query_one("#client-secret", Input)
        secret.focus()
        secret.value = "p8e-typed-just-now"
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot, 4)
        assert app.current == "test"
        assert app.state.secrets.get(name, "client_secret") == "p8e-typed-just-now"
        assert app.state.profile.last_failure  # the typed secret was tried, and IMS refused it
        assert not app.unsaved


async def test_f5_with_a_typed_value_that_is_refused_stays_on_the_step(sandbox):
    app = await opened_at_credentials(sandbox)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.current == "credentials"
        client_id = app.screen.query_one("#client-id", Input)
        client_id.value = ""
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot, 4)
        assert app.current == "credentials" and app.focused is client_id


async def test_the_palettes_quit_asks_like_ctrl_q(sandbox):
    app = await opened_at_credentials(sandbox)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.current == "credentials"
        client_id = app.screen.query_one("#client-id", Input)
        client_id.value += "X"
        await settle(app, pilot)
        assert app.unsaved
        quit_ = next(c for c in app.get_system_commands(app.screen) if c.title == "Quit")
        answer = quit_.callback()
        if inspect.isawaitable(answer):
            await answer
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmQuit) and app.is_running


async def test_what_the_toasts_tell_a_shell_to_run_names_this_profile(sandbox):
    app = await opened_at_credentials(sandbox)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.current == "credentials"
        said = app.wizard.for_scripts(" run `{}`")
        assert said.endswith(" token --profile sandbox`")  # the sandbox's profile, not 'default'
        app.state.use_memory()  # secrets for this session only: no shell finds them
        assert app.wizard.for_scripts(" run `{}`") == ""


async def test_a_secret_shown_is_hidden_again_when_the_step_is_left(sandbox):
    from textual.widgets import Switch

    app = await opened_at_credentials(sandbox)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.current == "credentials"
        app.screen.query_one("#reveal-secret", Switch).value = True
        await settle(app, pilot)
        assert not app.screen.query_one("#client-secret", Input).password
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        await next_step(app, pilot)
        assert app.current == "credentials"
        assert app.screen.query_one("#client-secret", Input).password  # typed text shows as dots


async def test_a_passing_test_clears_the_problem_notice_it_had(sandbox):
    from wizard.tui.widgets import Notice, NoticeKind

    app = make_app(sandbox)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")  # no integration yet: no token to copy
        await settle(app, pilot, 3)
        notice = app.screen.query_one(Notice)
        assert notice.kind == NoticeKind.PROBLEM and notice.has_class("-shown")
        await at_credentials(app, pilot)
        await next_step(app, pilot)
        assert app.current == "test"
        await pilot.press("f5")
        await settle(app, pilot, 4)
        assert app.state.profile.last_test
        assert notice.kind is None and not notice.has_class("-shown")
