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

    def _console_creates(self) -> bool:
        """The role is part of the integration's form: a console that creates integrations by
        itself creates it when the role is chosen."""
        return self.state.console.offers(Capability.CREATE_INTEGRATION)

    def default_focus(self) -> str:
        return "#role-filter TickBox"  # "Which role do I need?" comes first, then the table

    def on_show_step(self) -> None:
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
        lines = [f"Chosen: {role}"]
        if self._console_creates():
            lines.append(f"Integration: {profile.client_id}" if profile.client_id
                         else "Integration: not created yet")
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
        self.state.update(role=role)
        if self._console_creates():
            self._show("Creating the integration…")
            self.create_integration(role)
        else:
            self._show()
        self.post_message(self.Changed())

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
        except WizardError as exc:
            self._show(f"✗ {self.explain(exc)}")
            return
        finally:
            for button in self.query(Button):
                button.disabled = False
        self._show(f"✓ Created. Client secret saved in {state.storage_description()}; "
                   f"the technical account is {made.technical_account_id}.")
        self.bring_into_view(self.query_one("#chosen-role"))
        self.post_message(self.Changed())

    async def accept(self) -> bool:
        if not self._console_creates() or self.state.profile.client_id:
            return True
        self._show("✗ Create the integration first: choose its role (or no legacy role).")
        self.query_one("#chosen-role").add_class("-error")
        return False
