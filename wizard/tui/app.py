"""WizardApp: the step list, the current step, Next/Back, and the global keys and commands."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, ContentSwitcher, Footer, Label, LoadingIndicator, Static

from wizard.core.errors import WizardError
from wizard.tui.state import WizardState
from wizard.tui.steps import view_class
from wizard.tui.widgets import STEP_TITLES, StepList

SANDBOX_BANNER = "SANDBOX · simulated Adobe on this machine: no account needed, nothing leaves it"


class WizardApp(App):
    CSS_PATH = Path(__file__).with_name("wizard.tcss")  # absolute: subclasses elsewhere find it
    TITLE = "launch-wizard"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("ctrl+q", "quit_wizard", "Quit", priority=True, id="quit"),
        Binding("ctrl+n", "next", "Next", priority=True, id="next"),
        Binding("ctrl+b", "back", "Back", priority=True, id="back"),
        Binding("f1", "help", "Help", id="help"),
        Binding("f2", "roles", "Roles", id="roles"),
        Binding("f3", "copy_token", "Copy token", id="copy-token"),
        Binding("f5", "run_test", "Test", id="test"),
        Binding("ctrl+l", "toggle_theme", "Light/Dark", id="theme"),
    ]

    def __init__(self, profile: str | None = None, sandbox: object = False, secrets=None,
                 profiles=None) -> None:
        """`sandbox`: False (real Adobe), True (start one in-process) or a running Sandbox."""
        super().__init__()
        self.profile_name = profile
        self.sandbox_request = sandbox
        self._secrets, self._profiles = secrets, profiles
        self._own_sandbox = None
        self.state: WizardState | None = None
        self.unsaved: set[str] = set()
        self.current: str = ""
        self.theme = "textual-dark"

    def compose(self) -> ComposeResult:
        if self.sandbox_request:
            yield Static(SANDBOX_BANNER, id="banner")
        with Horizontal(id="body"):
            yield StepList(id="steps")
            with Vertical(id="main"):
                yield LoadingIndicator(id="loading")
                yield ContentSwitcher(id="pages")
                with Horizontal(id="nav"):
                    yield Static("", id="nav-hint")
                    yield Button("Back", id="back")
                    yield Button("Next", id="next", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#nav").display = False
        self.open_state()

    @work(thread=True, exclusive=True, group="open")
    def open_state(self) -> None:
        """Start the sandbox (if asked) and load the profile, off the UI thread."""
        sandbox = self.sandbox_request
        try:
            if sandbox is True:
                from wizard.core.profile import config_dir
                from wizard.sandbox import Sandbox

                sandbox = self._own_sandbox = Sandbox(
                    state_file=config_dir() / "sandbox-state.json").start()
            state = WizardState.open(self.profile_name, sandbox or None, self._secrets, self._profiles)
        except (WizardError, ValueError, OSError) as exc:
            self.call_from_thread(self._cannot_open, exc)
            return
        state.notice = self._notice_from_worker
        self.call_from_thread(self._opened, state)

    def _notice_from_worker(self, title: str, message: str) -> None:
        self.call_from_thread(self.notify, message, title=title, timeout=10)

    def _cannot_open(self, exc: Exception) -> None:
        self.query_one("#loading").display = False
        self.query_one("#nav-hint", Static).update(f"[red]{exc}[/]")
        self.query_one("#nav").display = True
        self.notify(str(exc), title="Cannot open the wizard", severity="error", timeout=30)

    def _opened(self, state: WizardState) -> None:
        self.state = state
        self.query_one("#loading").display = False
        self.query_one("#nav").display = True
        self.call_later(self.show_step, state.profile.next_step())

    # --- steps ----------------------------------------------------------------------------------
    async def show_step(self, step: str) -> None:
        if self.state is None or step not in self.state.profile.steps:
            return
        switcher = self.query_one("#pages", ContentSwitcher)
        if not switcher.query(f"#step-{step}"):
            await switcher.mount(view_class(step)(id=f"step-{step}"))  # built when first shown
        self.current = step
        self.query_one("#pages", ContentSwitcher).current = f"step-{step}"
        view = self.query_one(f"#step-{step}")
        number = self.state.profile.steps.index(step) + 1
        view.query_one(".step-title", Label).update(f"[b]{number}. {STEP_TITLES[step]}[/b]")
        view.on_show_step()
        target = view.first_focus()
        if target:
            control = view.query_one(target)
            control.focus(scroll_visible=False)
            self.call_after_refresh(control.scroll_visible, animate=False)  # once laid out
        steps = self.state.profile.steps
        self.query_one("#back", Button).disabled = step == steps[0]
        self.query_one("#next", Button).label = "Finish" if step == steps[-1] else "Next"
        self.refresh_steps()

    def refresh_steps(self) -> None:
        if self.state is None:
            return
        p = self.state.profile
        self.query_one(StepList).show(p.steps, p.steps_done, self.current, p.name, p.auth_type,
                                      self.state.mode)
        self.query_one("#nav-hint", Static).update("ctrl+n next · ctrl+b back · F1 help")

    def action_next(self) -> None:
        if self.state is not None and self.current:
            self.advance()

    @work(exclusive=True, group="nav")
    async def advance(self) -> None:
        step = self.current
        view = self.query_one(f"#step-{step}")
        if not await view.accept():
            view.reveal_first_error()
            return
        try:
            self.state.mark_done(step)
        except WizardError as exc:
            self.notify(str(exc), severity="error")
            return
        steps = self.state.profile.steps
        index = steps.index(step) if step in steps else 0
        if index + 1 < len(steps):
            await self.show_step(steps[index + 1])
        else:
            self.refresh_steps()
            self.notify("All steps done. `launch-wizard token` gives scripts a token.")

    def action_back(self) -> None:
        if self.state is None or not self.current:
            return
        steps = self.state.profile.steps
        index = steps.index(self.current) if self.current in steps else 0
        if index > 0:
            self.call_later(self.show_step, steps[index - 1])

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "next":
            self.action_next()
        elif event.button.id == "back":
            self.action_back()

    # --- unsaved input, quitting ----------------------------------------------------------------
    def mark_unsaved(self, what: str, unsaved: bool) -> None:
        (self.unsaved.add if unsaved else self.unsaved.discard)(what)

    def action_quit_wizard(self) -> None:
        if not self.unsaved:
            self.exit()
            return

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit()

        from wizard.tui.screens import ConfirmQuit

        self.push_screen(ConfirmQuit(sorted(self.unsaved)), answered)

    # --- global actions ----------------------------------------------------------------------------
    def action_help(self) -> None:
        from wizard.tui.screens import HelpScreen

        self.push_screen(HelpScreen())

    def action_roles(self) -> None:
        from wizard.tui.screens import RolesScreen

        self.push_screen(RolesScreen())

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    async def action_run_test(self) -> None:
        if self.state is None or "test" not in self.state.profile.steps:
            return
        await self.show_step("test")
        self.query_one("#step-test").start()

    def action_copy_token(self) -> None:
        if self.state is not None:
            self.copy_token()

    @work(thread=True, exclusive=True, group="copy")
    def copy_token(self) -> None:
        from wizard.core.tokens import get_token

        state = self.state
        token = state.last_token
        try:
            if token is None or token.seconds_left() < 600:
                state.check_store()
                token = get_token(state.profile, state.secrets).token
                state.last_token = token
        except WizardError as exc:
            self.call_from_thread(self.notify, str(exc), title="No token", severity="error",
                                  timeout=10)
            return
        self.call_from_thread(self._copy, token)

    def _copy(self, token) -> None:
        from wizard.tui.clipboard import copy

        how = copy(self, token.access_token)
        hours = int(token.seconds_left() // 3600)
        self.notify(f"Copied the access token {how}; it expires in about {hours} h.",
                    title="Token copied")

    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        if self.state is not None:
            for number, step in enumerate(self.state.profile.steps, 1):
                yield SystemCommand(f"Step {number}: {STEP_TITLES[step]}", f"Go to step {number}",
                                    lambda step=step: self.call_later(self.show_step, step))
        yield SystemCommand("Role lookup", "Which role grants which permission", self.action_roles)
        yield SystemCommand("Test the integration", "Token exchange + GET /companies",
                            lambda: self.call_later(self.action_run_test))
        yield SystemCommand("Copy token", "Copy a valid access token", self.action_copy_token)
        yield SystemCommand("Light/dark theme", "Switch between the light and dark theme",
                            self.action_toggle_theme)
        yield SystemCommand("Help", "Keys and how progress is saved", self.action_help)

    def _fatal_error(self) -> None:
        """A crash report without local variables: Textual's shows them, and one may be a secret."""
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        report = Traceback(show_locals=False, width=None)
        self._exit_renderables.append(Segments(self.console.render(report, self.console.options)))
        self._close_messages_no_wait()

    def on_unmount(self) -> None:
        if self._own_sandbox is not None:
            self._own_sandbox.stop()


def run(profile: str | None = None, sandbox: bool = False) -> int:
    WizardApp(profile=profile, sandbox=sandbox).run()
    return 0
