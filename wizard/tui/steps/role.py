"""The role (JWT): the seed's role/permission table. The role is part of the integration's form
in the console, so in the sandbox choosing it creates the integration, and /companies then shows
that role's rights."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Static

from wizard.core.console import Capability, PersonDoes
from wizard.core.errors import WizardError
from wizard.tui.bindings import key
from wizard.tui.flow import StepId
from wizard.tui.role_table import RoleTable
from wizard.tui.steps.base import Step
from wizard.tui.widgets import Plain

ABOUT = ("Integrations made before 2019-09 carry a role (a legacy metascope); newer ones get their "
         "rights from Admin Console product profiles. The wizard signs with ent_reactor_sdk, then "
         "the role chosen here.")
REAL = "In the Developer Console, choose the same role in the integration's form, then Create Integration."
SANDBOX = "In the sandbox, choosing the role creates the integration with it, as the console's form does."


class RoleStep(Step):
    key = "role"

    def compose(self) -> ComposeResult:
        yield Static(ABOUT, classes="note")
        yield Static("", id="role-how")
        yield RoleTable()
        with Horizontal(classes="row"):
            yield Button("", id="choose-role", variant="primary")
            yield Button("", id="no-role")
        yield Plain("", id="chosen-role")
        with Horizontal(classes="row", id="replace-ask"):
            yield Button("Keep it", id="keep-integration", variant="primary")
            yield Button("Replace it", id="replace-integration")

    _replacing: str | None = None  # the role a new integration is asked for, while asked

    def on_mount(self) -> None:
        self.query_one("#replace-ask").display = False

    def _console_creates(self) -> bool:
        """The role is part of the integration's form: a console that creates integrations by
        itself creates it when the role is chosen."""
        return self.state.console.offers(Capability.CREATE_INTEGRATION)

    def default_focus(self) -> str:
        return "#role-filter TickBox"  # "Which role do I need?" comes first, then the table

    def on_show_step(self) -> None:
        self._end_ask()  # a question left unanswered is not one asked now
        sandbox = self._console_creates()
        self.query_one("#role-how", Static).update(SANDBOX if sandbox else REAL)
        self.query_one("#choose-role", Button).label = (
            "Create the integration with this role" if sandbox else "Choose the highlighted role")
        self.query_one("#no-role", Button).label = (
            "Create it with no legacy role" if sandbox else "No legacy role")
        self._show()

    def _show(self, extra: str = "") -> None:
        profile = self.state.profile
        role = profile.role or "no legacy role (rights from product profiles)"
        if not self._console_creates():
            lines = [f"Chosen: {role}"]
        elif profile.client_id:
            lines = [f"Chosen: {role}", f"Integration: {profile.client_id}"]
        else:  # the sandbox's role is chosen by creating the integration with it: none yet
            lines = ["Integration: not created yet"]
        chosen = self.query_one("#chosen-role", Static)
        chosen.update("\n".join(lines) + (f"\n{extra}" if extra else ""))
        chosen.remove_class("-error")

    @on(RoleTable.Chosen)
    def _chosen_row(self, event: RoleTable.Chosen) -> None:
        self.choose(event.role)

    @on(Button.Pressed, "#choose-role")
    def _choose_highlighted(self) -> None:
        role = self.query_one(RoleTable).highlighted()
        if role:
            self.choose(role)

    @on(Button.Pressed, "#no-role")
    def _no_role(self) -> None:
        self.choose("")

    def choose(self, role: str) -> None:
        if not self._console_creates():
            self.state.update(role=role)
            self._show()
        elif self.state.profile.client_id:  # made already: another would replace it
            self._ask_replace(role)
            return
        else:
            self._create(role)
        self.post_message(self.Changed())

    def _create(self, role: str) -> None:
        self._show("Creating the integration…")
        self.create_integration(role)

    def _ask_replace(self, role: str) -> None:
        """Creating again replaces the integration (a new client ID, and the certificate
        uploaded to the old one left behind): asked, with keeping it first."""
        self._replacing = role
        was = self.state.profile.role or "no legacy role"
        wanted = f"the same role ({was})" if role == self.state.profile.role else (
            role or "no legacy role")
        upload = (f", and the certificate must be uploaded to it again at {self.step_ref('upload')}"
                  if StepId.KEYS in self.state.progress.done else "")  # a certificate exists
        self._show(f"The profile has an integration already ({self.state.profile.client_id}, "
                   f"made with {was}). Replace it with a new one with {wanted}? It gets a new "
                   f"client ID and client secret{upload}.")
        self.query_one("#replace-ask").display = True
        self.query_one("#keep-integration", Button).focus()
        self.bring_into_view(self.query_one("#replace-ask"))

    @on(Button.Pressed, "#keep-integration")
    def _keep(self) -> None:
        self._end_ask()
        self._show(f"✓ Kept the integration made before: {key('next')} goes on.")
        self.post_message(self.Finished())

    @on(Button.Pressed, "#replace-integration")
    def _replace(self) -> None:
        role = self._replacing
        self._end_ask()
        if role is not None:
            self._create(role)
            self.post_message(self.Changed())

    def _end_ask(self) -> None:
        self._replacing = None
        self.query_one("#replace-ask").display = False

    @work(exclusive=True, group="console", exit_on_error=False)
    async def create_integration(self, role: str) -> None:
        state = self.state
        for button in self.query(Button):
            button.disabled = True
        try:
            answer = await state.create_integration(role)
            if isinstance(answer, PersonDoes):
                return
            made = answer.value
        except WizardError as exc:  # the role stays that of the integration there is, if any
            self._show(f"✗ {self.explain(exc)}")
            return
        finally:
            for button in self.query(Button):
                button.disabled = False
        state.update(role=role)
        self._show(f"✓ Created. Client secret saved in {state.storage_description()}; "
                   f"the technical account is {made.technical_account_id}.")
        self.bring_into_view(self.query_one("#chosen-role"))
        self.post_message(self.Changed())
        self.post_message(self.Finished())  # the buttons were disabled: the focus had gone

    async def accept(self) -> bool:
        if not self._console_creates() or self.state.profile.client_id:
            return True
        self._show("✗ Create the integration first: choose its role (or no legacy role).")
        self.query_one("#chosen-role").add_class("-error")
        return False
