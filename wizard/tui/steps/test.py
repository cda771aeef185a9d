"""Test: one click runs the engine's own stages (sign the JWT, exchange it or ask with client
credentials, GET /companies, each company's properties); then the token, masked, to copy."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Label, Static, Switch

from wizard.core.errors import SecretStoreError, WizardError
from wizard.core.ims import JWT_HEADER
from wizard.core.profile import Profile, plural
from wizard.core.reactor import NO_PROPERTY, Properties, Reactor, curl_command, failed, remembered
from wizard.core.tokens import TokenResult, drop_refused, get_token
from wizard.tui.shell import command_name
from wizard.tui.state import TestResult
from wizard.tui.steps.base import Step
from wizard.tui.widgets import Plain, Toggle

PENDING, RUNNING, PASSED, FAILED = "·", "…", "✓", "✗"
JWT_ABOUT = ("What the console's Generate JWT and its sample cURL did, in one click: sign a JWT, "
             "exchange it for an access token, call the Launch API with it.")
S2S_ABOUT = ("One click asks IMS for an access token with the client ID and secret (client "
             "credentials), then calls the Launch API with it.")


def masked(token: str) -> str:
    return f"{token[:6]}{'•' * 24}{token[-4:]}" if len(token) > 16 else "•" * 8


def claims_text(claims: dict) -> str:
    """The JWT's header and claims on a few lines (the signature never)."""
    scopes = [key.rsplit("/s/", 1)[1] for key in claims if "/s/" in key]
    left = int(claims["exp"]) - int(time.time())
    return (f"header {json.dumps(JWT_HEADER)}, metascope {', '.join(scopes)}\n"
            f"iss {claims['iss']}, sub {claims['sub']}\naud {claims['aud']}, exp in {left} s")


def properties_text(survey: list[Properties]) -> str:
    """Per company: how many properties, and the first few with the rights on each."""
    if not any(found.total for found in survey):
        return NO_PROPERTY[0].upper() + NO_PROPERTY[1:] + "."
    lines = []
    for found in survey:
        lines.append(f"{found.company.name}: {plural(found.total, 'property', 'properties')}")
        lines += [f"  {p.name} ({p.platform})  rights: {', '.join(p.rights) or 'none'}"
                  for p in found.first]
        if found.total > len(found.first):
            lines.append(f"  and {found.total - len(found.first)} more")
    return "\n".join(lines)


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

    class Signed(Message):
        """The engine signed a JWT (sent from the worker's thread)."""

        def __init__(self, claims: dict) -> None:
            super().__init__()
            self.claims = claims

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

    running = False

    @on(Signed)
    def _signed(self, event: Signed) -> None:
        if self.running:  # a late message must not overwrite how the run ended
            self.query_one("#stage-jwt", Stage).set(PASSED, claims_text(event.claims))
            self.query_one("#stage-token", Stage).set(RUNNING)

    @work(exclusive=True, group="test", exit_on_error=False)
    async def run_test(self) -> None:
        state = self.state
        profile = state.profile
        button = self.query_one("#run-test", Button)
        jwt, token_stage, companies_stage, properties_stage = (
            self.query_one(f"#stage-{n}", Stage) for n in ("jwt", "token", "companies", "properties"))
        button.disabled = True
        self.running = True
        state.forget_test()
        state.unmark(("test",))
        self._show_token()
        for stage in (jwt, token_stage, companies_stage, properties_stage):
            stage.set(PENDING)
        signed: list[dict] = []  # what the engine signed, seen from its thread

        def on_signed(claims: dict) -> None:
            signed.append(claims)
            self.post_message(self.Signed(claims))

        current = jwt if profile.is_jwt else token_stage
        current.set(RUNNING)
        result = None
        try:
            await state.ensure_store()
            result = await asyncio.to_thread(get_token, profile, state.secrets, refresh=True,
                                             on_signed=on_signed, secrets=state.base.secrets())
            current = token_stage
            self._token_passed(profile, result, jwt, token_stage)
            current = companies_stage
            companies_stage.set(RUNNING)
            reactor = Reactor.of(profile, result.token.access_token)
            companies = await asyncio.to_thread(reactor.companies)
            lines = [f"{c.name} ({c.id})  rights: {', '.join(c.rights) or 'none'}" for c in companies]
            companies_stage.set(PASSED, "\n".join(lines) or "no companies")
            current = properties_stage
            properties_stage.set(RUNNING)
            survey = [await asyncio.to_thread(reactor.properties, c) for c in companies]
        except SecretStoreError as exc:
            current.set(FAILED, self.explain(exc))
            self.post_message(self.Problem(exc))
        except WizardError as exc:
            if current is jwt and signed:  # signed, then refused: the exchange failed
                jwt.set(PASSED, claims_text(signed[-1]))
                current = token_stage
            await self._test_failed(exc, current, profile, result)
        else:
            properties_stage.set(PASSED, properties_text(survey))
            self._test_passed(result, survey)
        finally:
            self.running = False
            button.disabled = False
            self.post_message(self.Changed())

    def _token_passed(self, profile: Profile, result: TokenResult, jwt: Stage, token_stage: Stage) -> None:
        """The JWT and token stages passed: what was signed, where the token came from, how long
        it lasts."""
        if result.profile_changed:
            self.state.update(metascopes=result.profile.metascopes)
        if result.claims is not None:
            jwt.set(PASSED, claims_text(result.claims))
        elif profile.is_jwt:  # another process refreshed it while this one waited: no JWT here
            jwt.set(PASSED, "not needed: a token obtained a moment ago was used")
        left = result.token.seconds_left()
        token_stage.set(PASSED, f"from {profile.ims_url}, valid {int(left // 3600)} h "
                                f"{int(left % 3600 // 60)} min" + "".join(f"\n{n}" for n in result.notes))

    async def _test_failed(self, exc: WizardError, stage: Stage, profile: Profile,
                           result: TokenResult | None) -> None:
        """`stage` failed: shown, a refused token dropped, the failure recorded, and a lost client
        secret offered for recovery."""
        state = self.state
        stage.set(FAILED, self.explain(exc))
        self.bring_into_view(stage)
        if result is not None:
            await asyncio.to_thread(drop_refused, profile, result, exc)
        with contextlib.suppress(WizardError):  # the test's own error is the news
            state.update(**failed(stage.title, exc))
        if exc.subject == "client_secret" and state.console.automatic:
            self.post_message(self.Problem(exc))  # the app offers to recover it

    def _test_passed(self, result: TokenResult, survey: list[Properties]) -> None:
        state = self.state
        state.last_token = result.token
        state.last_test = TestResult(result.token, survey)
        state.update(**remembered(survey))
        state.mark_done("test")
        self._show_token()
        # the pass/fail lines stay in view (on a short screen the token panel is below them)
        self.call_after_refresh(self.scroll_to_widget, self.query_one("#run-test"), top=True,
                                animate=False)

    def _show_token(self) -> None:
        token = self.state.last_token
        panel = self.query_one("#token-panel")
        panel.display = token is not None
        if token is None:
            return
        reveal = self.query_one("#reveal-token", Switch).value
        shown = token.access_token if reveal else masked(token.access_token)
        self.query_one("#token-value", Static).update(shown)
        profile = self.state.profile
        self.query_one("#curl", Static).update(curl_command(profile.reactor_url, profile.name,
                                                            command_name()))
        self._tick()

    def _tick(self) -> None:
        token = self.state.last_token if self.is_mounted else None
        if token is None:
            return
        left = int(token.seconds_left())
        text = (f"expires in {left // 3600:02d}:{left % 3600 // 60:02d}:{left % 60:02d}"
                if left > 0 else "expired: run the test again")
        self.query_one("#token-expiry", Static).update(text)

    async def accept(self) -> bool:
        if "test" in self.state.profile.steps_done:
            return True
        about = self.query_one("#test-about", Static)
        about.update("✗ Run the test first (F5): it has to pass to finish.")
        about.add_class("-error")
        return False
