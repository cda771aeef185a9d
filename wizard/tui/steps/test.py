"""Step 6: one click runs the checklist (JWT, exchange, GET /companies); then copy the token."""

from __future__ import annotations

import json

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static, Switch

from wizard.core.errors import WizardError
from wizard.core.ims import JWT_HEADER, jwt_claims
from wizard.core.reactor import curl_command, get_companies
from wizard.core.tokens import get_token, metascope_candidates, signing_key
from wizard.tui.clipboard import copy
from wizard.tui.steps.base import Step

PENDING, RUNNING, PASSED, FAILED = "·", "…", "✓", "✗"


def masked(token: str) -> str:
    return f"{token[:6]}{'•' * 24}{token[-4:]}" if len(token) > 16 else "•" * 8


class Stage(Vertical):
    DEFAULT_CSS = """
    Stage { height: auto; }
    Stage .stage-detail { color: $text-muted; padding-left: 4; }
    Stage.-failed .stage-detail { color: $error; }
    """

    def __init__(self, title: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.title = title

    def compose(self) -> ComposeResult:
        yield Static(f"{PENDING} {self.title}", classes="stage-title")
        yield Static("", classes="stage-detail")

    def set(self, mark: str, detail: str = "") -> None:
        self.query_one(".stage-title", Static).update(f"{mark} {self.title}")
        self.query_one(".stage-detail", Static).update(detail)
        self.set_class(mark == FAILED, "-failed")


class TestStep(Step):
    key = "test"

    def compose(self) -> ComposeResult:
        yield Label("", classes="step-title")
        yield Static("One click does what the console's Generate JWT and sample cURL do: "
                     "get an access token, then call the Launch API with it.")
        yield Button("Run the test (F5)", id="run-test", variant="primary")
        yield Stage("Build and sign the JWT", id="stage-jwt")
        yield Stage("Exchange it for an access token", id="stage-token")
        yield Stage("Call the Launch API: GET /companies", id="stage-companies")
        with Vertical(id="token-panel"):
            yield Label("[b]Access token[/b]")
            yield Static("", id="token-value")
            with Horizontal(classes="row"):
                yield Switch(id="reveal-token")
                yield Label("reveal")
                yield Static("", id="token-expiry")
            with Horizontal(classes="row"):
                yield Button("Copy token (F3)", id="copy-token")
                yield Button("Copy cURL", id="copy-curl")
            yield Static("", id="curl")

    def on_mount(self) -> None:
        self.passed = False
        self.query_one("#token-panel").display = False
        self.set_interval(1, self._tick)

    def on_show_step(self) -> None:
        jwt = self.state.profile.is_jwt
        self.query_one("#stage-jwt").display = jwt
        if self.state.last_token is not None:
            self._show_token()

    def first_focus(self) -> str:
        return "#run-test"

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "run-test":
            self.start()
        elif event.button.id == "copy-token":
            self.app.action_copy_token()
        elif event.button.id == "copy-curl":
            self.copy_curl()

    def on_switch_changed(self, event: Switch.Changed) -> None:
        if event.switch.id == "reveal-token":
            self._show_token()

    def start(self) -> None:
        self.query_one("#run-test", Button).disabled = True
        self.query_one("#token-panel").display = False  # shown again when this run passes
        self.passed = False
        for stage in self.query(Stage):
            stage.set(PENDING)
        self.run_test(*(self.query_one(f"#stage-{n}", Stage) for n in ("jwt", "token", "companies")))

    @work(thread=True, exclusive=True, group="test")
    def run_test(self, jwt_stage: Stage, token_stage: Stage, companies_stage: Stage) -> None:
        state = self.state
        profile = state.profile
        call = self.app.call_from_thread
        current = jwt_stage if profile.is_jwt else token_stage
        try:
            state.check_store()
            if profile.is_jwt:
                call(jwt_stage.set, RUNNING)
                profile.require_ready()
                signing_key(profile, state.secrets)  # a bad key fails here, at its own stage
                claims = jwt_claims(org_id=profile.org_id, technical_account_id=profile.technical_account_id,
                                    client_id=profile.client_id, ims_url=profile.ims_url,
                                    metascopes=metascope_candidates(profile)[0])
                call(jwt_stage.set, PASSED, self._jwt_text(claims))
            current = token_stage
            call(token_stage.set, RUNNING)
            result = get_token(profile, state.secrets, refresh=True)
            if result.profile_changed:
                state.update(metascopes=result.profile.metascopes)
            if result.claims is not None:
                call(jwt_stage.set, PASSED, self._jwt_text(result.claims))
            state.last_token = result.token
            call(token_stage.set, PASSED, f"from {profile.ims_url}, valid "
                 f"{int(result.token.seconds_left() // 3600)} h "
                 f"{int(result.token.seconds_left() % 3600 // 60)} min"
                 + "".join(f"\n{n}" for n in result.notes))
            current = companies_stage
            call(companies_stage.set, RUNNING)
            companies = get_companies(profile.reactor_url, result.token.access_token,
                                      profile.client_id, profile.org_id)
            lines = [f"{c.name} ({c.id})  rights: {', '.join(c.rights) or 'none'}" for c in companies]
            call(companies_stage.set, PASSED, "\n".join(lines) or "no companies")
            state.mark_done("test")
            self.passed = True
        except WizardError as exc:
            call(current.set, FAILED, f"{exc.cause}\nfix: {exc.fix}" if exc.fix else exc.cause)
        finally:
            call(self._finished)

    @staticmethod
    def _jwt_text(claims: dict) -> str:
        return (f"header {json.dumps(JWT_HEADER)}\n"
                f"claims {json.dumps(claims, indent=1)}")

    def _finished(self) -> None:
        self.query_one("#run-test", Button).disabled = False
        self.app.refresh_steps()
        if self.passed:
            self._show_token()
            self.bring_into_view("#token-panel")
        else:
            failed = self.query(".-failed")
            if failed:
                self.call_after_refresh(failed.first().scroll_visible, animate=False)

    def _show_token(self) -> None:
        token = self.state.last_token
        self.query_one("#token-panel").display = True
        reveal = self.query_one("#reveal-token", Switch).value
        self.query_one("#token-value", Static).update(token.access_token if reveal
                                                      else masked(token.access_token))
        profile = self.state.profile
        shown = token.access_token if reveal else masked(token.access_token)
        self.query_one("#curl", Static).update(
            curl_command(profile.reactor_url, shown, profile.client_id, profile.org_id))
        self._tick()

    def _tick(self) -> None:
        token = self.state.last_token if self.is_mounted else None
        if token is None:
            return
        left = int(token.seconds_left())
        text = (f"expires in {left // 3600:02d}:{left % 3600 // 60:02d}:{left % 60:02d}"
                if left > 0 else "[red]expired: run the test again[/]")
        self.query_one("#token-expiry", Static).update(text)

    def copy_curl(self) -> None:
        token, profile = self.state.last_token, self.state.profile
        if token is None:
            return
        how = copy(self.app, curl_command(profile.reactor_url, token.access_token,
                                          profile.client_id, profile.org_id))
        self.app.notify(f"Copied the cURL command (with the real token) {how}.")

    async def accept(self) -> bool:
        if "test" in self.state.profile.steps_done:
            return True
        self.app.notify("Run the test first (F5); it has to pass to finish.", severity="warning")
        return False
