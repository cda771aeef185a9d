"""Test: one click runs the engine's own stages (sign the JWT, exchange it or ask with client
credentials, GET /companies, each company's properties); then the token, masked, to copy."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, TypeVar, assert_never

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Label, Static, Switch

from wizard.core.console import Capability
from wizard.core.errors import SecretStoreError, WizardError
from wizard.core.ims import JWT_HEADER
from wizard.core.profile import Profile
from wizard.core.reactor import NO_PROPERTY, Properties, curl_command, failed
from wizard.core.tokens import TokenResult
from wizard.core.vocabulary import Subject
from wizard.core.wording import Mask, mask, more, plural, sentence
from wizard.flows import credential_test
from wizard.flows.credential_test import (
    CompaniesListed,
    Event,
    Failed,
    Passed,
    PropertiesListed,
    Report,
    Signed,
    Started,
    TokenIssued,
)
from wizard.flows.credential_test import Stage as TestStage
from wizard.flows.rights import acts_as_seen
from wizard.tui.flow import StepId
from wizard.tui.shell import command_name
from wizard.tui.steps.base import RunTest, Step, TestPassed
from wizard.tui.toggle import Toggle
from wizard.tui.widgets import Plain, once_laid_out

T = TypeVar("T")

PENDING, RUNNING, PASSED, FAILED = "·", "…", "✓", "✗"
JWT_ABOUT = ("What the console's Generate JWT and its sample cURL did, in one click: sign a JWT, "
             "exchange it for an access token, call the Launch API with it.")
S2S_ABOUT = ("One click asks IMS for an access token with the client ID and secret (client "
             "credentials), then calls the Launch API with it.")


def claims_text(claims: Mapping[str, Any]) -> str:
    """The JWT's header and claims on a few lines (the signature never)."""
    scopes = [key.rsplit("/s/", 1)[1] for key in claims if "/s/" in key]
    left = int(claims["exp"]) - int(time.time())
    return (f"header {json.dumps(JWT_HEADER)}, metascope {', '.join(scopes)}\n"
            f"iss {claims['iss']}, sub {claims['sub']}\naud {claims['aud']}, exp in {left} s")


def properties_text(survey: list[Properties]) -> str:
    """Per company: how many properties, and the first few with the rights on each."""
    if not any(found.total for found in survey):
        return sentence(NO_PROPERTY)
    lines = []
    for found in survey:
        lines.append(f"{found.company.name}: {plural(found.total, 'property', 'properties')}")
        lines += [f"  {p.name} ({p.platform})  rights: {', '.join(p.rights) or 'none'}"
                  for p in found.first]
        if rest := more(found.total, len(found.first)):
            lines.append(f"  {rest}")
    return "\n".join([*lines, f"The credential {acts_as_seen(survey)}."])


class Stage(Vertical):
    DEFAULT_CSS = """
    Stage { height: auto; }
    Stage .stage-detail { color: $text-muted; padding-left: 2; }
    Stage.-failed .stage-detail { color: $error; }
    """

    def __init__(self, title: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.title = title

    def compose(self) -> ComposeResult:
        yield Static(f"{PENDING} {self.title}", classes="stage-title", markup=False)
        yield Plain("", classes="stage-detail")

    def set(self, mark: str, detail: str = "") -> None:
        self.query_one(".stage-title", Static).update(f"{mark} {self.title}")
        self.query_one(".stage-detail", Static).update(detail)
        self.query_one(".stage-detail").display = bool(detail)
        self.set_class(mark == FAILED, "-failed")


class TestStep(Step):
    key = "test"

    def compose(self) -> ComposeResult:
        yield Static("", id="test-about", classes="note")
        yield Button("Run the test (F5)", id="run-test", variant="primary", compact=True)
        yield Stage("Sign the JWT (RS256)", id="stage-jwt")
        yield Stage("", id="stage-token")
        yield Stage("Call the Launch API: GET /companies", id="stage-companies")
        yield Stage("See what it can reach: each company's properties", id="stage-properties")
        with Vertical(id="token-panel"):
            yield Label(Content.from_markup("[b]Access token[/b]"))
            yield Plain("", id="token-value")
            with Horizontal(classes="row"):
                yield Toggle("revealed", "hidden", id="reveal-token")
                yield Plain("", id="token-expiry")
            with Horizontal(classes="row"):
                yield Button("Copy token (F3)", id="copy-token", compact=True)
                yield Button("Copy cURL", id="copy-curl", compact=True)
            yield Plain("", id="curl")

    def on_mount(self) -> None:
        self.query_one("#token-panel").display = False
        for stage in self.query(Stage):
            stage.set(PENDING)
        self.set_interval(1, self._tick)

    def on_show_step(self) -> None:
        jwt = self.state.profile.is_jwt
        about = self.query_one("#test-about", Static)
        about.update(JWT_ABOUT if jwt else S2S_ABOUT)
        about.remove_class("-error")
        self.query_one("#stage-jwt").display = jwt
        token_stage = self.query_one("#stage-token", Stage)
        token_stage.title = ("Exchange it for an access token" if jwt
                             else "Request an access token (client credentials)")
        if self.state.last_test is None:
            for stage in self.query(Stage):
                stage.set(PENDING)  # nothing shown may outlive the credential it was made with
        self._show_token()

    def default_focus(self) -> str:
        return "#run-test"

    @on(Button.Pressed, "#run-test")
    @on(RunTest)
    def start(self) -> None:
        self.run_test()

    @on(Button.Pressed, "#copy-token")
    async def _copy_token(self) -> None:
        await self.run_action("app.copy_token")  # what F3 does

    @on(Button.Pressed, "#copy-curl")
    def _copy_curl(self) -> None:
        state = self.state
        what = "the cURL command (the token comes from `launch-wizard headers`, not the text)"
        if state.memory_only:
            what += ": it works in a shell once the profile's secrets are saved"
        self.post_message(self.Copy(curl_command(state.profile.reactor_url, state.profile.name,
                                                 command_name()), what))

    @on(Switch.Changed, "#reveal-token")
    def _reveal(self) -> None:
        self._show_token()

    @work(exclusive=True, group="test", exit_on_error=False)
    async def run_test(self) -> None:
        state = self.state
        profile = state.profile
        button = self.query_one("#run-test", Button)
        button.disabled = True
        state.forget_test()
        state.unmark(("test",))
        self._show_token()
        for stage in self.query(Stage):
            stage.set(PENDING)
        first = self.stage_of(TestStage.SIGN if profile.is_jwt else TestStage.TOKEN)
        first.set(RUNNING)
        painter = _Painter(self, profile)
        try:
            await state.ensure_store()
            passed = await in_thread(partial(credential_test.check, profile, state.secrets,
                                             secrets=state.base.secrets()), painter)
        except WizardError as exc:
            if painter.failed is None:  # before the test began (the store could not be reached)
                first.set(FAILED, self.explain(exc))
            if isinstance(exc, SecretStoreError):
                self.post_message(self.Problem(exc))  # the app offers the ways out
            else:
                self._test_failed(exc, painter.failed or first)
        else:
            self._test_passed(passed)
        finally:
            button.disabled = False
            self.post_message(self.Changed())

    def stage_of(self, stage: TestStage) -> Stage:
        return self.query_one(f"#stage-{_IDS[stage]}", Stage)

    def _test_failed(self, exc: WizardError, stage: Stage) -> None:
        """`stage` failed (and is shown so): brought into view, the failure recorded, and a lost
        client secret offered for recovery."""
        state = self.state
        self.bring_into_view(stage)
        with contextlib.suppress(WizardError):  # the test's own error is the news
            state.update(**failed(stage.title, exc))
        if exc.subject == Subject.CLIENT_SECRET and state.console.offers(Capability.RECOVER_SECRET):
            self.post_message(self.Problem(exc))  # the app offers to recover it

    def _test_passed(self, passed: Passed) -> None:
        state = self.state
        self.stage_of(TestStage.PROPERTIES).set(PASSED, properties_text(passed.survey))
        state.test_passed(passed)
        self.post_message(TestPassed())
        self._show_token()
        # the pass/fail lines stay in view (on a short screen the token panel is below them)
        once_laid_out(self, partial(self.scroll_to_widget, self.query_one("#run-test"), top=True,
                                    animate=False))

    def _show_token(self) -> None:
        token = self.state.last_token
        panel = self.query_one("#token-panel")
        panel.display = token is not None
        if token is None:
            return
        reveal = self.query_one("#reveal-token", Switch).value
        shown = token.access_token if reveal else mask(token.access_token, Mask.WIZARD)
        value = self.query_one("#token-value", Static)
        value.update(shown)
        # Laid out again once the frame is drawn: a layout pass that runs between the update and
        # the widget's own (the expiry ticking, the switch's label) can keep the old height, and
        # the revealed token then shows one line of its twelve until the next change.
        self.call_after_refresh(value.refresh, layout=True)
        profile = self.state.profile
        self.query_one("#curl", Static).update(curl_command(profile.reactor_url, profile.name,
                                                            command_name()))
        self._tick()

    def _tick(self) -> None:
        """The countdown, while this step shows (shown again, it is brought up to date)."""
        token = self.state.last_token if self.is_mounted and self.display else None
        if token is None:
            return
        left = int(token.seconds_left())
        text = (f"expires in {left // 3600:02d}:{left % 3600 // 60:02d}:{left % 60:02d}"
                if left > 0 else "expired: run the test again")
        self.query_one("#token-expiry", Static).update(text)

    async def accept(self) -> bool:
        if StepId.TEST in self.state.progress.done:
            return True
        about = self.query_one("#test-about", Static)
        about.update(self._why_not_passed())
        about.add_class("-error")
        return False

    def _why_not_passed(self) -> str:
        if self.state.profile.last_failure:
            return ("✗ The test failed: it has to pass to finish. Fix what it says below, then run "
                    "it again (F5).")
        return "✗ Run the test first (F5): it has to pass to finish."


_IDS = {TestStage.SIGN: "jwt", TestStage.TOKEN: "token", TestStage.COMPANIES: "companies",
        TestStage.PROPERTIES: "properties"}


class _Painter:
    """The credential test's events painted on the Test step's stages (on the UI thread)."""

    def __init__(self, step: TestStep, profile: Profile) -> None:
        self.step = step
        self.profile = profile
        self.failed: Stage | None = None  # the stage shown failed

    def __call__(self, event: Event) -> None:
        step = self.step
        match event:
            case Started(stage=stage):
                step.stage_of(stage).set(RUNNING)
            case Signed(claims=claims):
                step.stage_of(TestStage.SIGN).set(PASSED, claims_text(claims))
            case TokenIssued(result=result):
                self._token(result)
            case CompaniesListed(companies=companies):
                lines = [f"{c.name} ({c.id})  rights: {', '.join(c.rights) or 'none'}"
                         for c in companies]
                step.stage_of(TestStage.COMPANIES).set(PASSED, "\n".join(lines) or "no companies")
                step.stage_of(TestStage.PROPERTIES).set(RUNNING)
            case PropertiesListed():
                pass  # all of them are shown together, once the last is in
            case Failed(stage=stage, error=error):
                self.failed = step.stage_of(stage)
                self.failed.set(FAILED, step.explain(error))
            case _:
                assert_never(event)

    def _token(self, result: TokenResult) -> None:
        """The JWT and token stages passed: what was signed, where the token came from, how long
        it lasts."""
        step, profile = self.step, self.profile
        step.state.token_issued(result)
        jwt = step.stage_of(TestStage.SIGN)
        if result.claims is not None:
            jwt.set(PASSED, claims_text(result.claims))
        elif profile.is_jwt:  # another process refreshed it while this one waited: no JWT here
            jwt.set(PASSED, "not needed: a token obtained a moment ago was used")
        left = result.token.seconds_left()
        step.stage_of(TestStage.TOKEN).set(
            PASSED, f"from {profile.ims_url}, valid {int(left // 3600)} h {int(left % 3600 // 60)} min"
            + "".join(f"\n{n}" for n in result.notes))


async def in_thread(flow: Callable[[Report], T], paint: Report) -> T:
    """`flow` run in a thread, its events painted on the UI thread in the order they came, all of
    them before its result (or error) is back."""
    loop = asyncio.get_running_loop()
    events: asyncio.Queue[Event | None] = asyncio.Queue()

    def report(event: Event) -> None:
        loop.call_soon_threadsafe(events.put_nowait, event)

    def run() -> T:
        try:
            return flow(report)
        finally:
            loop.call_soon_threadsafe(events.put_nowait, None)

    job = asyncio.ensure_future(asyncio.to_thread(run))
    try:
        while (event := await events.get()) is not None:
            paint(event)
    except BaseException:
        job.add_done_callback(lambda done: done.cancelled() or done.exception())  # not the news
        raise
    return await job
