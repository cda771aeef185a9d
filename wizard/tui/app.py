"""WizardApp: the step list, the current step, Next/Back, the one notice, and the global keys.

The app talks to a step through the `Step` API and hears from it through `Step` messages.
"""

from __future__ import annotations

import asyncio
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, assert_never

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, ContentSwitcher, Footer, Label, Static
from textual.worker import Worker, WorkerState

from wizard.core.console import Capability, Done, PersonDoes
from wizard.core.errors import SecretStoreError, WizardError
from wizard.core.safe_text import terminal_safe
from wizard.core.wording import credential_type
from wizard.tui.bindings import BINDINGS, key
from wizard.tui.flow import StepId, title
from wizard.tui.state import WizardState
from wizard.tui.steps import view_class
from wizard.tui.steps.base import RunTest, Step, TestPassed
from wizard.tui.widgets import Notice, NoticeAction, NoticeKind, StepList, once_laid_out

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual.notifications import SeverityLevel

    from wizard.core.profile import ProfileStore
    from wizard.core.secret_store import SecretStore
    from wizard.sandbox import Sandbox

SANDBOX_BANNER = "SANDBOX · simulated Adobe on this machine: no account needed, nothing leaves it"
CLEAR_OFFER_AFTER_S = 60.0  # then offer to clear a token that is still on the clipboard
TOKEN_MARGIN_S = 600  # a token with less left than this is not worth copying


class NextAsked(Message):
    """Next, sent through the focused widget so that it arrives behind the keys typed before it:
    a priority key runs as soon as the app reads it, while those keys still travel (focused
    widget, its parents, the app, where their bindings run)."""


class WizardApp(App[None]):
    CSS_PATH = Path(__file__).with_name("wizard.tcss")  # absolute: subclasses elsewhere find it
    TITLE = "launch-wizard"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012 - Textual's own
    BINDINGS: ClassVar[list[BindingType]] = BINDINGS  # the footer and the help are built from it

    current: var[str] = var("")  # the step shown

    def __init__(self, profile: str | None = None, sandbox: Sandbox | bool = False,
                 secrets: SecretStore | None = None, profiles: ProfileStore | None = None) -> None:
        """`sandbox`: False (real Adobe), True (start one in-process) or a running Sandbox."""
        super().__init__()
        self.profile_name = profile
        self.sandbox_request = sandbox
        self._secrets, self._profiles = secrets, profiles
        self._own_sandbox: Sandbox | None = None
        self.state: WizardState | None = None
        self._unsaved: dict[str, Step.Dirty] = {}  # by input id, in the order they were touched
        self.unexpected: list[BaseException] = []  # bugs shown instead of crashing (tests read it)
        self._token_on_clipboard = ""
        self._tokens_copied: list[str] = []
        self._open_error: BaseException | None = None
        self.theme = "textual-dark"

    def compose(self) -> ComposeResult:
        state = None
        if self.sandbox_request is not True:  # nothing slow to start: read the profile now,
            state = self._open_now()          # so the first frame already shows the first step
        first = state.progress.next_step() if state is not None else None
        if self.sandbox_request:
            yield Static(SANDBOX_BANNER, id="banner")
        with Horizontal(id="body"):
            yield StepList(id="steps")
            with Vertical(id="main"):
                yield Label("", id="step-title")
                yield Notice(id="notice")
                if self.sandbox_request is True:
                    from textual.widgets import LoadingIndicator

                    yield LoadingIndicator(id="loading")
                with ContentSwitcher(id="pages", initial=f"step-{first}" if first else None):
                    if state is not None and first:
                        yield view_class(first)(state, id=f"step-{first}")
                with Horizontal(id="nav"):
                    yield Static(f"{key('next')} next · {key('back')} back · {key('help')} help",
                                 id="nav-hint")
                    yield Button("Back", id="back")
                    yield Button("Next", id="next", variant="primary")
        yield Footer(compact=True)

    def _open_now(self) -> WizardState | None:
        """Open the state here (reading the profile is quick); None if it cannot be opened."""
        try:
            state = self._open()
        except (WizardError, ValueError, OSError) as exc:
            self._open_error = exc
            return None
        self._opened(state)
        return state

    def on_mount(self) -> None:
        if self.state is not None:
            self.call_later(self._begin)
        elif self.sandbox_request is True:
            self.query_one("#nav").display = False
            self.open_state()
        else:
            self._cannot_open(self._open_error)

    # --- opening ----------------------------------------------------------------------------
    @work(exclusive=True, group="open", exit_on_error=False)
    async def open_state(self) -> None:
        """Start the sandbox and read the profile, off the UI thread."""
        try:
            state = await asyncio.to_thread(self._open)
        except (WizardError, ValueError, OSError, RuntimeError) as exc:
            self.query_one("#loading").display = False
            self._cannot_open(exc)
            return
        self._opened(state)
        self.query_one("#loading").display = False
        self.query_one("#nav").display = True
        await self._begin()

    def _opened(self, state: WizardState) -> None:
        state.on_memory_fallback = self._memory_fallback
        self.state = state

    def _cannot_open(self, exc: BaseException | None) -> None:
        cause = exc.cause if isinstance(exc, WizardError) else str(exc)
        fix = exc.fix if isinstance(exc, WizardError) else ""
        self.query_one("#nav").display = False
        self.show_notice(NoticeKind.OPEN,
                         f"Cannot open the wizard: {cause}" + (f"\nfix: {fix}" if fix else ""))

    async def _begin(self) -> None:
        state = self.state
        assert state is not None
        await self.show_step(state.progress.next_step())
        self.warn_endpoints()
        if {StepId.CREDENTIALS, StepId.TEST} & set(state.progress.done):
            self.check_resume()

    def _open(self) -> WizardState:
        sandbox = self.sandbox_request
        if sandbox is True:
            from wizard.core.profile import config_dir
            from wizard.sandbox import Sandbox

            sandbox = self._own_sandbox = Sandbox(
                state_file=config_dir() / "sandbox-state.json").start()
        return WizardState.open(self.profile_name, sandbox or None, self._secrets, self._profiles)

    def warn_endpoints(self) -> None:
        """Name each host the profile sends credentials to that is neither Adobe's nor this
        machine's, whenever the profile is opened or an import changed it."""
        from wizard.core.profile import endpoint_warnings

        state = self.state
        assert state is not None
        hosts = endpoint_warnings(state.profile, lambda name: f"set in {state.profiles.path}")
        if hosts:
            self.show_notice(NoticeKind.ENDPOINTS, "\n".join(f"Warning: {line}" for line in hosts))

    @work(exclusive=True, group="resume", exit_on_error=False)
    async def check_resume(self) -> None:
        """A resumed profile claims steps as done: check that what they made is still there."""
        state = self.state
        assert state is not None
        resumed_at = self.current
        try:
            await state.ensure_store()
        except SecretStoreError as exc:
            self.store_problem(exc)
            return
        missing = state.missing_secrets()
        gone = False
        recoverable = state.console.offers(Capability.RECOVER_SECRET)
        if state.profile.client_id:
            try:
                found = await asyncio.to_thread(state.console.look_up, state.profile.client_id)
                gone = isinstance(found, Done) and found.value is None
            except WizardError as exc:
                self.show_notice(NoticeKind.RESUME,
                                 f"Cannot ask the sandbox about the integration: {exc.cause}")
                return
        if not (missing or gone):
            return
        state.unmark(("credentials", "test"))
        names = " and ".join(k.replace("_", " ") for k in missing)
        where = state.storage_description()
        if gone:
            text = (f"The sandbox no longer knows the integration {state.profile.client_id} "
                    "(its state was removed): this profile cannot work until it is created again.")
            actions: tuple[tuple[NoticeAction, str], ...] = (
                (NoticeAction.RECREATE, "Create the integration again"),)
        elif recoverable:
            text = (f"The {names} of profile {state.profile.name!r} is gone from {where}: the "
                    "last test result no longer holds. The sandbox still has the integration.")
            actions = ((NoticeAction.RECOVER, "Recover it from the sandbox"),
                       (NoticeAction.RECREATE, "Create the integration again"))
        else:
            step = state.number("credentials")
            text = (f"The {names} of profile {state.profile.name!r} is not in {where}: the last "
                    f"test result no longer holds. Enter it again at step {step}, Credentials.")
            actions = ((NoticeAction.GO_CREDENTIALS, "Go to Credentials"),)
        if self.current == resumed_at and self.current != state.progress.next_step():
            await self.show_step(state.progress.next_step())
        # after the step: in the sandbox a button is the way out, so the keyboard goes there; on
        # Adobe the way out is typing the secret, in the field that has the focus
        self.show_notice(NoticeKind.RESUME, text, actions, answer=recoverable)
        self.refresh_steps()

    # --- the notice -------------------------------------------------------------------------
    def show_notice(self, kind: NoticeKind, text: str,
                    actions: tuple[tuple[NoticeAction, str], ...] = (), info: bool = False,
                    answer: bool = False) -> None:
        """The notice; `answer`: the keyboard goes to its first action (a decision comes first)."""
        notice = self.query_one(Notice)
        notice.show(kind, text, actions, info)
        if answer and actions:
            notice.focus_answer()

    def store_problem(self, exc: SecretStoreError) -> None:
        """No usable keyring: offer the ways out, inside the wizard, once."""
        self.show_notice(NoticeKind.STORE, f"No usable keyring: {exc.cause}\nWhere should this session's "
                                  "secrets go?",
                         ((NoticeAction.MEMORY, "This session only"),
                          (NoticeAction.PLAINTEXT, "A plaintext file (0600)"),
                          (NoticeAction.RETRY, "Try the keyring again")), answer=True)

    def _memory_fallback(self, reason: str) -> None:
        self.show_notice(NoticeKind.STORE,
                         f"The sandbox's secrets stay in memory for this session: {reason}.",
                         info=True)
        self.refresh_steps()

    @on(Notice.Action)
    async def _notice_action(self, event: Notice.Action) -> None:
        state = self.state
        notice = self.query_one(Notice)
        if state is None:
            return
        match event.action:
            case NoticeAction.MEMORY:
                state.use_memory()
                notice.show(NoticeKind.STORE, "Secrets stay in memory for this session only: press "
                            "Next again. `launch-wizard` commands will not find them.", info=True)
            case NoticeAction.PLAINTEXT:
                state.use_plaintext_file()
                notice.show(NoticeKind.STORE, "Secrets go to a plaintext file, mode 0600, in the "
                            "config folder: press Next again.", info=True)
            case NoticeAction.RETRY:
                notice.clear(NoticeKind.STORE)
                state.store_ready = False
            case NoticeAction.GO_CREDENTIALS:
                notice.clear(NoticeKind.RESUME)
                await self.show_step("credentials")
            case NoticeAction.RECOVER | NoticeAction.RECREATE:
                self.repair_integration(event.action)
            case unknown:
                assert_never(unknown)
        self.refresh_steps()

    @work(exclusive=True, group="console", exit_on_error=False)
    async def repair_integration(self, how: NoticeAction) -> None:
        """Recover the client secret from the sandbox, or create the integration again."""
        state = self.state
        assert state is not None
        console, profile = state.console, state.profile
        try:
            if how == NoticeAction.RECOVER:
                found = await asyncio.to_thread(console.look_up, profile.client_id)
                made = found.value if isinstance(found, Done) else None
                if made is None:
                    raise WizardError("the sandbox no longer has this integration",
                                      "create the integration again")
                await state.adopt(made)
            else:
                answer = await state.create_integration(profile.role)
                if isinstance(answer, PersonDoes):
                    raise WizardError("only the sandbox's console creates integrations by itself",
                                      "create it in the Adobe Developer Console")
                made = answer.value
        except WizardError as exc:
            self.show_notice(NoticeKind.RESUME, f"{exc.cause}\nfix: {exc.fix}" if exc.fix else exc.cause)
            return
        if how == NoticeAction.RECOVER and not state.missing_secrets():
            state.mark_done("credentials")
        await self.show_step(state.progress.next_step())
        self.show_notice(
            NoticeKind.RESUME, "Recovered the client secret from the sandbox: run the test again "
                               f"({key('test')})."
            if how == NoticeAction.RECOVER else
            f"Created the integration again (client ID {made.client_id}): the steps that used the "
            "old one are open again.", info=True)

    # --- steps ------------------------------------------------------------------------------
    def view(self, step: str) -> Step:
        return self.query_one(f"#step-{step}", Step)

    async def show_step(self, step: str) -> None:
        state = self.state
        if state is None or step not in state.steps:
            return
        switcher = self.query_one("#pages", ContentSwitcher)
        if not switcher.query(f"#step-{step}"):
            await switcher.mount(view_class(step)(state, id=f"step-{step}"))  # built when first shown
        if step != self.current and (notice := self.query_one(Notice)).info:
            notice.clear()  # it was read on the step before
        self.current = step
        switcher.current = f"step-{step}"
        view = self.view(step)
        view.on_show_step()
        target = view.first_focus()
        if target is not None:
            target.focus(scroll_visible=False)
            once_laid_out(self, partial(target.scroll_visible, animate=False))
        else:
            self.set_focus(None)
            view.scroll_home(animate=False)
        self.refresh_steps()

    def refresh_steps(self) -> None:
        state = self.state
        if state is None:
            return
        profile, steps, done = state.profile, state.steps, state.progress.done
        auth = profile.auth_type
        if self.current not in steps:  # the flow changed under the current step
            return
        rows = [(n, title(s, auth), "current" if s == self.current
                 else "done" if s in done else "todo")
                for n, s in enumerate(steps, 1)]
        self.query_one(StepList).show(rows, profile.name, credential_type(auth), state.mode)
        number = steps.index(self.current) + 1
        self.query_one("#step-title", Label).update(Content.from_markup(
            "[b]$n. $t[/b] [dim]step $n of $all[/dim]", n=str(number), t=title(self.current, auth),
            all=str(len(steps))))
        self.query_one("#back", Button).disabled = number == 1
        self.query_one("#next", Button).label = "Finish" if number == len(steps) else "Next"

    def action_next_step(self) -> None:
        if self.state is not None and self.current:
            (self.focused or self.screen).post_message(NextAsked())

    @on(NextAsked)
    def _next_asked(self) -> None:
        if self.state is not None and self.current:
            self.advance()

    @work(exclusive=True, group="nav", exit_on_error=False)
    async def advance(self, then_test: bool = False) -> None:
        """Save the step (its checks first) and go on: to the next step, or, `then_test`, to the
        Test step, which runs the test with what was just saved."""
        state = self.state
        assert state is not None
        step = self.current
        view = self.view(step)
        try:
            accepted = await view.accept()
        except SecretStoreError as exc:
            self.store_problem(exc)
            return
        if not accepted:
            view.focus_first_invalid()
            return
        self._unsaved = {k: e for k, e in self._unsaved.items() if e.step != step}  # saved now
        state.mark_done(step)
        steps = state.steps
        if then_test:
            await self._test_now()
        elif step != steps[-1]:
            await self.show_step(steps[steps.index(step) + 1])
        else:
            self.refresh_steps()
            self.notify("All steps done." + self._for_scripts(" `{}` gives scripts a token."),
                        markup=False)

    def _for_scripts(self, sentence: str) -> str:
        """`sentence` with this profile's token command in it, where a shell would find the
        secrets ("" when they are kept for this session only)."""
        from wizard.tui.shell import shell_command

        state = self.state
        if state is None or state.memory_only:
            return ""
        return sentence.format(shell_command("token", state.profile.name))

    def action_previous_step(self) -> None:
        state = self.state
        if state is None or self.current not in state.steps:
            return
        index = state.steps.index(self.current)
        if index > 0:
            self.call_later(self.show_step, state.steps[index - 1])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Step keys do nothing while a dialog (help, roles, quit) is open."""
        step_keys = ("next_step", "previous_step", "copy_token", "run_test")
        return not (action in step_keys and isinstance(self.screen, ModalScreen))

    @on(Button.Pressed, "#nav Button")
    def _nav(self, event: Button.Pressed) -> None:
        (self.action_next_step if event.button.id == "next" else self.action_previous_step)()

    # --- what steps tell the app ------------------------------------------------------------
    @on(Step.Dirty)
    def _dirty(self, event: Step.Dirty) -> None:
        if event.dirty:
            self._unsaved[event.field_id] = event
        else:
            self._unsaved.pop(event.field_id, None)

    @property
    def unsaved(self) -> list[str]:
        """The labels of the fields holding something typed and not saved, in the order touched."""
        return [event.label for event in self._unsaved.values()]

    @on(Step.Changed)
    def _changed(self) -> None:
        self.refresh_steps()

    @on(TestPassed)
    def _test_passed(self) -> None:
        notice = self.query_one(Notice)
        notice.clear(NoticeKind.PROBLEM)
        if notice.info:  # "run the test again" and the like
            notice.clear()

    @on(Step.Next)
    def _next(self) -> None:
        self.action_next_step()

    @on(Step.Resume)
    async def _resume(self, event: Step.Resume) -> None:
        if self.state is not None:
            await self.show_step(self.state.progress.next_step())
            self.warn_endpoints()
            if event.summary:  # news from the step left behind: it stays until the user moves on
                self.show_notice(NoticeKind.IMPORT, event.summary, info=True)

    @on(Step.Problem)
    def _problem(self, event: Step.Problem) -> None:
        if isinstance(event.error, SecretStoreError):
            self.store_problem(event.error)
        elif not self.offer_recovery(event.error) and self.state is not None:
            self.show_notice(NoticeKind.PROBLEM, self.view(self.current).explain(event.error))

    def offer_recovery(self, exc: WizardError) -> bool:
        """A wrong client secret in the sandbox (typed over the one it made): offer its own back,
        as for a missing one. False if this is not that case."""
        state = self.state
        if state is None or exc.subject != "client_secret" \
                or not state.console.offers(Capability.RECOVER_SECRET) \
                or not state.profile.client_id:
            return False
        self.show_notice(NoticeKind.RESUME, f"{exc.cause}\nThe client secret saved for this profile is not "
                                   "the one the sandbox made, and the sandbox still has it.",
                         ((NoticeAction.RECOVER, "Recover it from the sandbox"),
                          (NoticeAction.RECREATE, "Create the integration again")), answer=True)
        self.call_after_refresh(self.view(self.current).keep_in_view)  # the failure stays in view
        return True

    @on(Step.Crashed)
    def _crashed(self, event: Step.Crashed) -> None:
        self.report_unexpected(event.error)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.report_unexpected(event.worker.error)

    def report_unexpected(self, error: BaseException) -> None:
        """A bug in a worker: say so and keep going; what was typed stays."""
        self.unexpected.append(error)
        self.show_notice(NoticeKind.UNEXPECTED, f"Something went wrong inside launch-wizard "
                                       f"({type(error).__name__}: {error}). What you entered is "
                                       "kept; please report this.")

    # --- unsaved input, quitting ------------------------------------------------------------
    def action_quit_wizard(self) -> None:
        from wizard.tui.screens import ConfirmQuit

        if not self.unsaved or isinstance(self.screen, ConfirmQuit):
            self.exit()
            return

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit()

        self.push_screen(ConfirmQuit(self.unsaved), answered)

    # --- global actions ---------------------------------------------------------------------
    def action_help(self) -> None:
        from wizard.tui.screens import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.BINDINGS))

    def action_roles(self) -> None:
        from wizard.tui.screens import RolesScreen

        if not isinstance(self.screen, RolesScreen):
            self.push_screen(RolesScreen())

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    async def action_run_test(self) -> None:
        if self.state is None or "test" not in self.state.steps:
            return
        if any(typed.step == self.current for typed in self._unsaved.values()):
            self.advance(then_test=True)  # the test is of what the screen shows: saved first
            return
        await self._test_now()

    async def _test_now(self) -> None:
        await self.show_step("test")
        self.view("test").post_message(RunTest())

    async def action_quit(self) -> None:
        """The palette's Quit asks as ctrl+q does when something typed is not saved."""
        self.action_quit_wizard()

    def action_copy_token(self) -> None:
        if self.state is not None:
            self.copy_token()

    @work(exclusive=True, group="copy-token", exit_on_error=False)
    async def copy_token(self) -> None:
        state = self.state
        assert state is not None
        token = state.last_token
        if token is None or token.seconds_left() < TOKEN_MARGIN_S:
            try:
                await state.ensure_store()
                result = await state.token()
            except SecretStoreError as exc:
                self.store_problem(exc)
                return
            except WizardError as exc:
                if not self.offer_recovery(exc):
                    self.show_notice(NoticeKind.PROBLEM,
                                     "No token to copy: " + self.view(self.current).explain(exc))
                return
            token = state.last_token = result.token
        hours = int(token.seconds_left() // 3600)
        self.copy_text(token.access_token, f"the access token (valid about {hours} h)", token=True)

    @on(Step.Copy)
    def _copy_asked(self, event: Step.Copy) -> None:
        self.copy_text(event.text, event.what, event.token)

    @work(group="copy", exit_on_error=False)
    async def copy_text(self, text: str, what: str, token: bool = False) -> None:
        """The one copy path: OSC 52 here, the native tool in a thread, an honest message."""
        from wizard.tui import clipboard

        self.copy_to_clipboard(text)
        delivery = await asyncio.to_thread(clipboard.deliver, text)
        message = delivery.message(what)
        if token and delivery.landed is False:
            message += (" To see it, reveal it on the Test step (its hidden/shown switch)"
                        + self._for_scripts(", or run `{}` in a shell") + ".")
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
        state = self.state
        if state is not None:
            for number, step in enumerate(state.steps, 1):
                name = title(step, state.profile.auth_type)
                yield SystemCommand(f"Step {number}: {name}", f"Go to step {number}",
                                    lambda step=step: self.call_later(self.show_step, step))
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
    app = WizardApp(profile=profile, sandbox=sandbox)
    app.run()
    return app.return_code or 0  # a crash exits non-zero
