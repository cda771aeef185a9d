"""WizardScreen: the wizard itself, over an open state: the step list, the current step,
Next/Back, the one notice.

The app opens with it as its first screen once the state is open, so everything here has a
state to work with. The screen talks to a step through the `Step` API and hears from it through
`Step` messages.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, assert_never

from textual import events, on, work
from textual.app import ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Button, ContentSwitcher, Input, Label, Static

from wizard.core.console import Capability, Done, PersonDoes
from wizard.core.errors import ConfigError, SecretStoreError, WizardError
from wizard.core.vocabulary import Subject
from wizard.core.wording import credential_type, sentence
from wizard.tui.bindings import key
from wizard.tui.flow import StepId, title
from wizard.tui.steps import view_class
from wizard.tui.steps.base import RunTest, Step, TestPassed
from wizard.tui.widgets import Notice, NoticeAction, NoticeKind, SteadyFooter, StepList, once_laid_out

if TYPE_CHECKING:
    from collections.abc import Iterable

    from wizard.tui.parsed_css import ParsedCss
    from wizard.tui.state import WizardState

SANDBOX_BANNER = "SANDBOX · simulated Adobe on this machine: no account needed, nothing leaves it"
SANDBOX_STARTING = "SANDBOX · starting the simulated Adobe on this machine…"
TOKEN_MARGIN_S = 600  # a token with less left than this is not worth copying


class NextAsked(Message):
    """Next, sent through the focused widget so that it arrives behind the keys typed before it:
    a priority key runs as soon as the app reads it, while those keys still travel (focused
    widget, its parents, the screen, the app, where their bindings run)."""


class WizardScreen(Screen[None]):
    """The wizard's steps over `state`; `banner`: the sandbox's line at the top, if any."""

    class Shown(Message):
        """The first step is on the terminal: what waited for the first frame may start."""

    AUTO_FOCUS = ""  # the step shown chooses where the keyboard starts (`Step.first_focus`)
    current: var[str] = var("")  # the step shown

    def __init__(self, state: WizardState, banner: str | None = None,
                 parsed_css: ParsedCss | None = None) -> None:
        """`parsed_css`: where the stylesheets parsed for the first frame are kept."""
        super().__init__()
        self.state = state
        self.banner = banner
        self.parsed_css = parsed_css
        self._unsaved: dict[str, Step.Dirty] = {}  # by input id, in the order they were touched
        self._resume_check_waits = False  # for the sandbox to serve
        self._store_asked_at_resume = False  # the store question came as a profile reopened
        self._store_again = ""  # what to do again once it is answered ("press Next again")
        self._resumed = False
        state.on_memory_fallback = self._memory_fallback

    def compose(self) -> ComposeResult:
        first = self.state.progress.next_step()
        if self.banner is not None:
            yield Static(self.banner, id="banner")
        with Horizontal(id="body"):
            yield StepList(id="steps")
            with Vertical(id="main"):
                yield Label("", id="step-title")
                yield Notice(id="notice")
                with ContentSwitcher(id="pages", initial=f"step-{first}"):
                    yield view_class(first)(self.state, id=f"step-{first}")  # the first frame's
                with Horizontal(id="nav"):
                    yield Static(f"{key('next')} next · {key('back')} back · {key('help')} help",
                                 id="nav-hint")
                    yield Button("Back", id="back")
                    yield Button("Next", id="next", variant="primary")
        yield SteadyFooter()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """The first resume does not restyle the whole screen: each widget was styled as it
        was mounted, under the width class already set, and restyled as its classes changed
        since; doing it all again cost about a tenth of the first frame's CPU. Later resumes
        (a dialog closed, the theme changed under it) do restyle, as Textual's does."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False
            if self.parsed_css is not None:  # the first frame is all styled: its CSS parsed
                self.parsed_css.save()

    async def on_mount(self) -> None:
        """The first step filled in before anything is measured: a Label updated between a
        layout and its own refresh would keep the size the layout gave its old text."""
        await self._begin()

    async def _begin(self) -> None:
        state = self.state
        await self.show_step(state.progress.next_step())
        if state.opened_why:
            self.show_notice(NoticeKind.RESUME, state.opened_why, info=True)
        self.warn_endpoints()
        if {StepId.CREDENTIALS, StepId.TEST} & set(state.progress.done):
            # what the sandbox made is asked about once it serves: nothing else starts beside it
            self._resume_check_waits = self.banner == SANDBOX_STARTING
            if not self._resume_check_waits:
                self.check_resume()
        # told once the frame with all this is out (a node of ours listens: the screen itself
        # already does, for its tooltips); at once, as a queued call let a second layout before
        # it was handled announce the frame twice
        self.screen_layout_refresh_signal.subscribe(self.query_one(StepList), self._drawn,
                                                    immediate=True)

    def _drawn(self, screen: Screen[None]) -> None:
        self.screen_layout_refresh_signal.unsubscribe(self.query_one(StepList))
        self.post_message(self.Shown())

    # --- the sandbox, started after the first frame --------------------------------------
    def sandbox_started(self) -> None:
        self.query_one("#banner", Static).update(SANDBOX_BANNER)
        self.state.sandbox_serves()
        if self._resume_check_waits:
            self._resume_check_waits = False
            self.check_resume()

    def sandbox_failed(self, reason: str, fix: str = "") -> None:
        """`fix`: what to do before starting it again, if anything."""
        self.query_one("#banner", Static).update("SANDBOX · the simulated Adobe did not start")
        first = f"{fix}, then " if fix else ""
        self.show_notice(NoticeKind.SANDBOX, f"The sandbox did not start: {reason}\nfix: {first}"
                         f"quit ({key('quit')}) and run `launch-wizard --sandbox` again; what you "
                         "entered so far is saved as you go")

    def warn_endpoints(self) -> None:
        """Name each host the profile sends credentials to that is neither Adobe's nor this
        machine's, whenever the profile is opened or an import changed it."""
        from wizard.core.profile import endpoint_warnings

        state = self.state
        hosts = endpoint_warnings(state.profile, lambda name: f"set in {state.profiles.path}")
        if hosts:
            self.show_notice(NoticeKind.ENDPOINTS, "\n".join(f"Warning: {line}" for line in hosts))

    @work(exclusive=True, group="resume", exit_on_error=False)
    async def check_resume(self) -> None:
        """A resumed profile claims steps as done: check that what they made is still there."""
        state = self.state
        resumed_at = self.current
        try:
            await state.ensure_store()
        except SecretStoreError as exc:
            self._store_asked_at_resume = True  # answered, the check goes on from here
            self.store_problem(exc, again="")
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
        # in memory, not "gone from memory: this session only (...)": this session lost nothing
        where = "this session's memory (no keyring was usable)" if state.memory_only \
            else state.storage_description()
        stale = ": the last test result no longer holds" if state.tested else ""
        if gone:
            text = (f"The sandbox no longer knows the integration {state.profile.client_id} "
                    "(its state was removed): this profile cannot work until it is created again.")
            actions: tuple[tuple[NoticeAction, str], ...] = (
                (NoticeAction.RECREATE, "Create the integration again"),)
        elif recoverable:
            text = (f"The {names} of profile {state.profile.name!r} "
                    f"is {'not in' if state.memory_only else 'gone from'} {where}{stale}. The "
                    "sandbox still has the integration.")
            actions = ((NoticeAction.RECOVER, "Recover it from the sandbox"),
                       (NoticeAction.RECREATE, "Create the integration again"))
        else:
            step = state.number("credentials")
            text = (f"The {names} of profile {state.profile.name!r} is not in {where}{stale}. "
                    f"Enter it again at step {step}, Credentials.")
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

    def store_problem(self, exc: SecretStoreError, again: str = "press Next again") -> None:
        """No usable keyring: offer the ways out, inside the wizard, once; `again`: what to do
        once one is chosen (what asked for a secret: Next, the test, the copy)."""
        self._store_again = again
        self.show_notice(NoticeKind.STORE, f"{sentence(exc.cause)}\nWhere should this session's "
                                           "secrets go?",
                         ((NoticeAction.MEMORY, "This session only"),
                          (NoticeAction.PLAINTEXT, "A plaintext file (0600)"),
                          (NoticeAction.RETRY, "Try the keyring again")), answer=True)

    def _memory_fallback(self, reason: str) -> None:
        self.show_notice(NoticeKind.STORE,
                         f"The sandbox's secrets stay in memory for this session: {reason}.",
                         info=True)
        self.refresh_steps()

    def _store_chosen(self, where: str, more: str = "") -> None:
        """Where secrets go, chosen: said, with what to do next. A question Next raised is
        answered by Next again; one raised as a profile reopened leads to the check it held up
        (a secret the last session kept may be gone), not to a Next nobody pressed."""
        again = f": {self._store_again}" if self._store_again else ""
        self.query_one(Notice).show(NoticeKind.STORE, f"{where}{again}.{more}", info=True)
        self._resume_after_store_answer()

    def _resume_after_store_answer(self) -> None:
        if self._store_asked_at_resume:
            self._store_asked_at_resume = False
            self.check_resume()

    @on(Notice.Action)
    async def _notice_action(self, event: Notice.Action) -> None:
        state = self.state
        notice = self.query_one(Notice)
        match event.action:
            case NoticeAction.MEMORY:
                state.use_memory()
                self._store_chosen("Secrets stay in memory for this session only",
                                   " `launch-wizard` commands will not find them.")
            case NoticeAction.PLAINTEXT:
                state.use_plaintext_file()
                self._store_chosen("Secrets go to a plaintext file, mode 0600, in the config "
                                   "folder")
            case NoticeAction.RETRY:
                notice.clear(NoticeKind.STORE)
                state.store_ready = False
                self._resume_after_store_answer()
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
        console, profile = state.console, state.profile
        ran = state.tested  # before the repair changes the profile
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
            NoticeKind.RESUME, "Recovered the client secret from the sandbox: run the test"
                               f"{' again' if ran else ''} ({key('test')})."
            if how == NoticeAction.RECOVER else
            f"Created the integration again (client ID {made.client_id}): the steps that used the "
            "old one are open again.", info=True)

    # --- steps ------------------------------------------------------------------------------
    def view(self, step: str) -> Step:
        return self.query_one(f"#step-{step}", Step)

    async def show_step(self, step: str) -> None:
        if step not in self.state.steps:
            return
        switcher = self.query_one("#pages", ContentSwitcher)
        if not switcher.query(f"#step-{step}"):
            await switcher.mount(view_class(step)(self.state, id=f"step-{step}"))  # built when first shown
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

    def step_commands(self) -> Iterable[SystemCommand]:
        """A palette entry for each step of the flow."""
        for number, step in enumerate(self.state.steps, 1):
            name = title(step, self.state.profile.auth_type)
            yield SystemCommand(f"Step {number}: {name}", f"Go to step {number}",
                                lambda step=step: self.call_later(self.show_step, step))

    # --- the step keys (the app's bindings land here) ------------------------------------
    def next_step(self) -> None:
        if self.current:
            (self.focused or self).post_message(NextAsked())

    @on(NextAsked)
    def _next_asked(self) -> None:
        if self.current:
            self.advance()

    @work(exclusive=True, group="nav", exit_on_error=False)
    async def advance(self, then_test: bool = False) -> None:
        """Save the step (its checks first) and go on: to the next step, or, `then_test`, to the
        Test step, which runs the test with what was just saved."""
        state = self.state
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
            self._say_finished()

    def _say_finished(self) -> None:
        """Finish: all done, and how to leave; or, reached through the palette with steps left
        undone, which one comes first and the way there (not "All steps done")."""
        from wizard.tui.remedy import way

        state = self.state
        undone = next((step for step in state.steps if step not in state.progress.done), None)
        if undone is not None:
            number = state.number(undone)
            self.app.notify(f"Step {number}, {title(undone, state.profile.auth_type)}, is not done "
                            f"yet ({way(state.steps, self.current, number)}).",
                            title="Not finished", severity="warning", markup=False)
            return
        leave = f" {key('quit')} quits" + ("; the sandbox stops with the wizard."
                                           if state.sandbox is not None else ".")
        self.app.notify("All steps done." + self.for_scripts(" `{}` gives scripts a token.")
                        + leave, markup=False)

    def for_scripts(self, sentence: str) -> str:
        """`sentence` with this profile's token command in it, where a shell would find the
        secrets ("" when they are kept for this session only)."""
        from wizard.tui.shell import shell_command

        if self.state.memory_only:
            return ""
        return sentence.format(shell_command("token", self.state.profile.name))

    def previous_step(self) -> None:
        steps = self.state.steps
        if self.current in steps and (index := steps.index(self.current)) > 0:
            self.call_later(self.show_step, steps[index - 1])

    async def run_test(self) -> None:
        if "test" not in self.state.steps:
            return
        if any(typed.step == self.current for typed in self._unsaved.values()):
            self.advance(then_test=True)  # the test is of what the screen shows: saved first
            return
        await self._test_now()

    async def _test_now(self) -> None:
        await self.show_step("test")
        self.view("test").post_message(RunTest())

    @on(Button.Pressed, "#nav Button")
    def _nav(self, event: Button.Pressed) -> None:
        (self.next_step if event.button.id == "next" else self.previous_step)()

    # --- what steps tell the screen ---------------------------------------------------------
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

    def on_paste(self, event: events.Paste) -> None:
        """A paste that no field took (the keyboard was on a button): said, not dropped. Never
        shown: it may be a secret."""
        from textual.widgets import TextArea  # loaded here: no box is on the first frame

        if event.text.strip() and not isinstance(self.focused, Input | TextArea):  # a box's own
            self.app.notify("The paste went nowhere: the keyboard is not in a field. Tab to the "
                            "field, then paste again.", title="Not pasted", severity="warning",
                            markup=False)

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
        self.next_step()

    @on(Step.Finished)
    def _finished(self) -> None:
        self.query_one("#next", Button).focus()

    @on(Step.Resume)
    async def _resume(self, event: Step.Resume) -> None:
        await self.show_step(self.state.progress.next_step())
        self.warn_endpoints()
        if event.summary:  # news from the step left behind: it stays until the user moves on
            self.show_notice(NoticeKind.IMPORT, event.summary, info=True)

    @on(Step.Problem)
    def _problem(self, event: Step.Problem) -> None:
        if isinstance(event.error, SecretStoreError):
            self.store_problem(event.error, again=f"run the test again ({key('test')})"
                               if self.current == StepId.TEST else "try again")
        elif not self.offer_recovery(event.error):
            self.show_notice(NoticeKind.PROBLEM, self.view(self.current).explain(event.error))

    def offer_recovery(self, exc: WizardError) -> bool:
        """A client secret in the sandbox that is missing or wrong (typed over the one it made):
        offer its own back. False if this is not that case."""
        state = self.state
        if exc.subject != Subject.CLIENT_SECRET \
                or not state.console.offers(Capability.RECOVER_SECRET) \
                or not state.profile.client_id:
            return False
        why = ("No client secret is saved for this profile; the sandbox still has the one it made."
               if isinstance(exc, ConfigError) else "The client secret saved for this profile is "
               "not the one the sandbox made, and the sandbox still has it.")
        self.show_notice(NoticeKind.RESUME, f"{exc.cause}\n{why}",
                         ((NoticeAction.RECOVER, "Recover it from the sandbox"),
                          (NoticeAction.RECREATE, "Create the integration again")), answer=True)
        self.call_after_refresh(self.view(self.current).keep_in_view)  # the failure stays in view
        return True

    # --- the token ----------------------------------------------------------------------------
    @work(exclusive=True, group="copy-token", exit_on_error=False)
    async def copy_token(self) -> None:
        state = self.state
        token = state.last_token
        if token is None or token.seconds_left() < TOKEN_MARGIN_S:
            try:
                await state.ensure_store()
                result = await state.token()
            except SecretStoreError as exc:
                self.store_problem(exc, again=f"press {key('copy-token')} again")
                return
            except WizardError as exc:
                if self.offer_recovery(exc):  # the notice may already say so: F3 still answers
                    self.app.notify("No token to copy: the notice above says why and offers the "
                                    "way out.", severity="warning")
                else:
                    self.show_notice(NoticeKind.PROBLEM,
                                     "No token to copy: " + self.view(self.current).explain(exc))
                return
            token = state.last_token = result.token
        hours = int(token.seconds_left() // 3600)
        # the clipboard is the app's: the message goes on up to it, as a step's own copy does
        self.post_message(Step.Copy(token.access_token, f"the access token (valid about {hours} h)",
                                    token=True))
