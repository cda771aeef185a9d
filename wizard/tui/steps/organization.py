"""Step 1: choose the credential type, create the integration, enter the organization ID."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from wizard.core.console import CREATE_STEPS
from wizard.core.errors import WizardError
from wizard.tui.steps.base import Step
from wizard.tui.widgets import Field

JWT_NOTE = ("Adobe stopped issuing JWT credentials in June 2024 and ended them in 2025; "
            "the sandbox still teaches this flow, and integrations that still have JWT can use it.")


class OrganizationStep(Step):
    key = "organization"

    def compose(self) -> ComposeResult:
        yield Label("", classes="step-title")
        yield Label("Credential type")
        with RadioSet(id="auth-type"):
            yield RadioButton("OAuth Server-to-Server (recommended: works with Adobe today)",
                              id="auth-oauth-s2s")
            yield RadioButton("JWT service account (Adobe's original guide)", id="auth-jwt")
        yield Static(JWT_NOTE, id="jwt-note", classes="note")
        yield Label("\nIn the Adobe Developer Console:")
        yield Static("\n".join(f"☐ {s}" for s in CREATE_STEPS), id="console-steps")
        yield Button("Create the integration in the sandbox", id="create-integration",
                     variant="primary")
        yield Static("", id="created")
        yield Field("Organization ID", Input(placeholder="0123456789ABCDEF01234567@AdobeOrg",
                                             id="org-id"),
                    "Shown in the console as Organization ID; it ends in @AdobeOrg.")

    def on_mount(self) -> None:
        self.query_one("#create-integration").display = self.state.console.automatic

    def on_show_step(self) -> None:
        profile = self.state.profile
        self.query_one(f"#auth-{profile.auth_type}", RadioButton).value = True
        self.query_one("#jwt-note").display = profile.is_jwt
        self.query_one("#org-id", Input).value = profile.org_id

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        auth_type = (event.pressed.id or "").removeprefix("auth-")
        self.state.set_auth_type(auth_type)
        self.query_one("#jwt-note").display = auth_type == "jwt"
        self.app.refresh_steps()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "org-id":
            self.app.mark_unsaved("org-id", event.value != self.state.profile.org_id)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "create-integration":
            event.button.disabled = True
            self.query_one("#created", Static).update("Creating the integration…")
            self.create_integration()

    @work(thread=True, exclusive=True, group="console")
    def create_integration(self) -> None:
        state = self.state
        try:
            made = state.console.create_integration("launch-wizard", state.profile.auth_type,
                                                    state.profile.role)
            state.update(org_id=made.org_id, client_id=made.client_id,
                         technical_account_id=made.technical_account_id,
                         technical_account_email=made.technical_account_email, metascopes=[])
            state.put_secret("client_secret", made.client_secret)
        except WizardError as exc:
            self.app.call_from_thread(self._created, None, exc)
            return
        self.app.call_from_thread(self._created, made, None)

    def _created(self, made, error: WizardError | None) -> None:
        self.query_one("#create-integration", Button).disabled = False
        created = self.query_one("#created", Static)
        if error is not None:
            created.update(f"[red]✗ {error}[/]")
            self.bring_into_view("#created")
            return
        self.query_one("#org-id", Input).value = made.org_id
        lines = ["✓ Created. The console now shows what you would copy:",
                 f"  client ID (API key)  {made.client_id}",
                 f"  client secret        saved in {self.state.storage_description()}"]
        if made.technical_account_id and self.state.profile.is_jwt:
            lines.append(f"  technical account    {made.technical_account_id}")
        created.update("\n".join(lines))
        self.bring_into_view("#created")

    def first_focus(self) -> str:
        return "#auth-type"  # the top of the step, where the first choice is

    async def accept(self) -> bool:
        return self.save_field("org-id", "org_id", required="Organization ID")
