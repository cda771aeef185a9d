"""WizardApp: what is app-wide: opening the wizard (its state, and the sandbox's lifetime), the
clipboard, the theme, help, the role lookup and quitting. The wizard itself is a screen over the
open state (`wizard.tui.wizard_screen`).
"""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from wizard.core.errors import WizardError
from wizard.core.safe_text import terminal_safe
from wizard.tui import textual_fixes
from wizard.tui.bindings import BINDINGS, key
from wizard.tui.state import WizardState
from wizard.tui.steps.base import Step
from wizard.tui.widgets import Notice, NoticeKind, SteadyFooter
from wizard.tui.wizard_screen import SANDBOX_BANNER, SANDBOX_STARTING, WizardScreen

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual.notifications import SeverityLevel

    from wizard.core.profile import ProfileStore
    from wizard.core.secret_store import SecretStore
    from wizard.sandbox import Sandbox
    from wizard.tui.parsed_css import ParsedCss

textual_fixes.apply()

CLEAR_OFFER_AFTER_S = 60.0  # then offer to clear a token that is still on the clipboard


class CannotOpen(Screen[None]):
    """What shows when the state cannot be opened: why, and how to fix it."""

    def __init__(self, exc: BaseException) -> None:
        super().__init__()
        self.exc = exc

    def compose(self) -> ComposeResult:
        yield Notice(id="notice")
        yield SteadyFooter()

    def on_mount(self) -> None:
        gc.enable()  # off while starting (`wizard.cli`)
        exc = self.exc
        cause = exc.cause if isinstance(exc, WizardError) else str(exc)
        fix = exc.fix if isinstance(exc, WizardError) else ""
        self.query_one(Notice).show(
            NoticeKind.OPEN, f"Cannot open the wizard: {cause}" + (f"\nfix: {fix}" if fix else ""))


class WizardApp(App[None]):
    CSS_PATH = Path(__file__).with_name("wizard.tcss")  # absolute: subclasses elsewhere find it
    TITLE = "launch-wizard"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012 - Textual's own
    BINDINGS: ClassVar[list[BindingType]] = BINDINGS  # the footer and the help are built from it

    opened: WizardScreen | CannotOpen  # the first screen: the wizard, or why it cannot open

    def __init__(self, profile: str | None = None, sandbox: Sandbox | bool = False,
                 secrets: SecretStore | None = None, profiles: ProfileStore | None = None,
                 parsed_css: ParsedCss | None = None) -> None:
        """`sandbox`: False (real Adobe), True (start one in-process) or a running Sandbox;
        `parsed_css`: the stylesheets as a start before this one parsed them."""
        super().__init__()
        self.parsed_css = parsed_css
        if parsed_css is not None:
            parsed_css.serve(self.stylesheet)
        self.profile_name = profile
        self.sandbox_request = sandbox
        self._secrets, self._profiles = secrets, profiles
        self._own_sandbox: Sandbox | None = None
        self.unexpected: list[BaseException] = []  # bugs shown instead of crashing (tests read it)
        self._token_on_clipboard = ""
        self._tokens_copied: list[str] = []
        self.theme = "textual-dark"

    # --- opening ----------------------------------------------------------------------------
    def get_default_screen(self) -> Screen[None]:
        """The wizard is the app's first screen: nothing blank is drawn under it first. Its
        width class is set now, as Textual would at its first Resize: the first layout is then
        the right one (a layout at the wrong width costs a second one, and left the step's
        scrollbar drawn for the wrong height)."""
        self.opened = self._first_screen()
        width = self.size.width
        self.opened.add_class(next(name for least, name in sorted(self.HORIZONTAL_BREAKPOINTS,
                                                                  reverse=True) if width >= least))
        return self.opened

    @on(WizardScreen.Shown)
    def _shown(self) -> None:
        gc.enable()  # off while starting (`wizard.cli`)
        if not isinstance(self.opened, WizardScreen):
            return
        if self._own_sandbox is not None:
            self.start_sandbox(self._own_sandbox, self.opened)
        else:  # a sandbox given already serves (or none)
            self.opened.state.sandbox_serves()

    def _first_screen(self) -> WizardScreen | CannotOpen:
        """The wizard over the opened state, in the first frame: reading the profile is quick,
        and a sandbox of our own only takes its port here; it starts after the first frame."""
        try:
            state = self._open()
        except (WizardError, ValueError, OSError) as exc:
            if self._own_sandbox is not None:
                self._own_sandbox.close()
            return CannotOpen(exc)
        if self._own_sandbox is not None:
            return WizardScreen(state, SANDBOX_STARTING, self.parsed_css)
        return WizardScreen(state, SANDBOX_BANNER if state.sandbox is not None else None,
                            self.parsed_css)

    def _open(self) -> WizardState:
        sandbox = self.sandbox_request
        if sandbox is True:
            from wizard.core.profile import config_dir
            from wizard.sandbox import Sandbox

            # listening from here on: a request made before it serves waits in the port's queue
            sandbox = self._own_sandbox = Sandbox(state_file=config_dir() / "sandbox-state.json")
        return WizardState.open(self.profile_name, sandbox or None, self._secrets, self._profiles)

    @work(exclusive=True, group="sandbox", exit_on_error=False)
    async def start_sandbox(self, sandbox: Sandbox, wizard: WizardScreen) -> None:
        """Serve the sandbox, off the UI thread, once the first frame is out."""
        try:
            await asyncio.to_thread(sandbox.start)
        except (RuntimeError, OSError, WizardError) as exc:
            sandbox.close()  # what waits for it is refused at once, and says so
            if isinstance(exc, WizardError):  # its state file cannot be read
                wizard.sandbox_failed(exc.cause, exc.fix)
            else:
                wizard.sandbox_failed(str(exc))
            return
        except Exception:  # a bug, reported as bugs are; nothing waits on a port never served
            sandbox.close()  # (the app closing meanwhile cancels this: it stops the sandbox itself)
            wizard.sandbox_failed("an unexpected error")
            raise
        wizard.sandbox_started()

    @property
    def wizard(self) -> WizardScreen:
        """The wizard's screen, under any dialog (AttributeError if the wizard did not open)."""
        if not isinstance(self.opened, WizardScreen):
            raise AttributeError("the wizard did not open")
        return self.opened

    # what tests and the role lookup read, as the wizard's screen holds it
    @property
    def state(self) -> WizardState:
        return self.wizard.state

    @property
    def current(self) -> str:
        return self.wizard.current

    @property
    def unsaved(self) -> list[str]:
        """What is typed and not saved (nothing, where the wizard did not open)."""
        return self.opened.unsaved if isinstance(self.opened, WizardScreen) else []

    async def show_step(self, step: str) -> None:
        await self.wizard.show_step(step)

    # --- the step keys: the wizard's, when it is the screen shown ---------------------------
    def action_next_step(self) -> None:
        if isinstance(self.screen, WizardScreen):
            self.screen.next_step()

    def action_previous_step(self) -> None:
        if isinstance(self.screen, WizardScreen):
            self.screen.previous_step()

    async def action_run_test(self) -> None:
        if isinstance(self.screen, WizardScreen):
            await self.screen.run_test()

    def action_copy_token(self) -> None:
        if isinstance(self.screen, WizardScreen):
            self.screen.copy_token()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Step keys do nothing while a dialog (help, roles, quit) is open."""
        step_keys = ("next_step", "previous_step", "copy_token", "run_test")
        return not (action in step_keys and isinstance(self.screen, ModalScreen))

    # --- bugs -------------------------------------------------------------------------------
    @on(Step.Crashed)
    def _crashed(self, event: Step.Crashed) -> None:
        self.report_unexpected(event.error)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.report_unexpected(event.worker.error)

    def report_unexpected(self, error: BaseException) -> None:
        """A bug in a worker: say so and keep going; what was typed stays."""
        self.unexpected.append(error)
        self.opened.query_one(Notice).show(
            NoticeKind.UNEXPECTED, f"Something went wrong inside launch-wizard "
                                   f"({type(error).__name__}: {error}). What you entered is "
                                   "kept; please report this.")

    # --- unsaved input, quitting ------------------------------------------------------------
    def action_quit_wizard(self) -> None:
        from wizard.tui.screens import ConfirmQuit

        forgets = isinstance(self.opened, WizardScreen) and self.state.forgets_on_quit
        if not (self.unsaved or forgets) or isinstance(self.screen, ConfirmQuit):
            self.exit()
            return

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit()

        self.push_screen(ConfirmQuit(self.unsaved, self.memory_only), answered)

    @property
    def memory_only(self) -> bool:
        """Whether the secrets accepted are kept in memory only: quitting forgets them."""
        return isinstance(self.opened, WizardScreen) and self.state.memory_only

    # --- global actions ---------------------------------------------------------------------
    def action_help(self) -> None:
        from wizard.tui.screens import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.BINDINGS, self.memory_only))

    def action_roles(self) -> None:
        from wizard.tui.screens import RolesScreen

        if not isinstance(self.screen, RolesScreen):
            self.push_screen(RolesScreen())

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    async def action_quit(self) -> None:
        """The palette's Quit asks as ctrl+q does when something typed is not saved."""
        self.action_quit_wizard()

    @on(Step.Copy)
    def _copy_asked(self, event: Step.Copy) -> None:
        """A step's copy, or the wizard's token: a token that cannot be delivered can still be
        seen on the Test step, or fetched by the shell command that finds its secrets."""
        where = (" To see it, reveal it on the Test step (its hidden/shown switch)"
                 + self.wizard.for_scripts(", or run `{}` in a shell") + ".") if event.token else ""
        self.copy_text(event.text, event.what, event.token, where)

    @work(group="copy", exit_on_error=False)
    async def copy_text(self, text: str, what: str, token: bool = False,
                        if_not_landed: str = "") -> None:
        """The one copy path: OSC 52 here, the native tool in a thread, an honest message
        (`if_not_landed` added to it when the text could not be delivered)."""
        from wizard.tui import clipboard

        self.copy_to_clipboard(text)
        delivery = await asyncio.to_thread(clipboard.deliver, text)
        message = delivery.message(what)
        if delivery.landed is False:
            message += if_not_landed
        self.notify(message, title="Copied" if delivery.landed is not False else "Not copied",
                    severity="information" if delivery.landed is not False else "warning",
                    timeout=12, markup=False)
        if token:
            self._tokens_copied.append(text)  # ctrl+k looks for each in tmux's buffers
        if token and delivery.landed is not False:
            self._token_on_clipboard = text
            self.set_timer(CLEAR_OFFER_AFTER_S, self._offer_clear)

    def _offer_clear(self) -> None:
        if self._token_on_clipboard and self.clipboard == self._token_on_clipboard:
            self.notify(f"The access token may still be on the clipboard: {key('clear-clipboard')} "
                        "clears it.",
                        title="Clipboard", timeout=20, markup=False)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every toast: plain text (it may name a file or quote a tool's answer), with what a
        terminal would obey shown escaped."""
        super().notify(terminal_safe(message), title=terminal_safe(title), severity=severity,
                       timeout=timeout, markup=False)

    def action_clear_clipboard(self) -> None:
        self._token_on_clipboard = ""
        self.clear_clipboard()

    @work(group="copy", exit_on_error=False)
    async def clear_clipboard(self) -> None:
        """Empty the clipboard; say what was cleared and what may still hold a copied token."""
        from wizard.tui import clipboard

        self.copy_to_clipboard("")
        cleared = await asyncio.to_thread(clipboard.clear, set(self._tokens_copied))
        self.notify(cleared.message(), title="Clipboard", timeout=15, markup=False)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(self.opened, WizardScreen):
            yield from self.opened.step_commands()
        yield SystemCommand("Role lookup", "Which role grants which permission", self.action_roles)
        yield SystemCommand("Test the integration", "Token, GET /companies and what it can reach",
                            lambda: self.call_later(self.action_run_test))
        yield SystemCommand("Copy token", "Copy a valid access token", self.action_copy_token)
        yield SystemCommand("Clear clipboard", "Empty the clipboard after copying a token",
                            self.action_clear_clipboard)
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
    from wizard.tui.parsed_css import for_this_user

    try:  # Textual's private parser, where this Textual has it
        from wizard.tui.terminal_input import keep_escapes_in_pastes
    except ImportError:
        pass
    else:
        keep_escapes_in_pastes()
    parsed = for_this_user()
    app = WizardApp(profile=profile, sandbox=sandbox, parsed_css=parsed)
    app.run()
    parsed.save()  # what came after the first frame too: the footer's keys, later steps, dialogs
    return app.return_code or 0  # a crash exits non-zero
