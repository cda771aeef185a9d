"""Step 4: the seed's role/permission table; choose the integration's role."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Label, Static

from wizard.tui.steps.base import Step
from wizard.tui.role_table import RoleTable


class RoleStep(Step):
    key = "role"

    def compose(self) -> ComposeResult:
        yield Label("", classes="step-title")
        yield Static("Integrations made before 2019-09 carry a role (a legacy metascope); newer ones "
                     "get rights from Admin Console product profiles. Choosing a role here tells "
                     "the wizard which metascope to try first.")
        yield RoleTable()
        with Horizontal(classes="row"):
            yield Button("Choose the highlighted role", id="choose-role", variant="primary")
            yield Button("No legacy role", id="no-role")
        yield Static("", id="chosen-role")

    def first_focus(self) -> str:
        return "#role-table"

    def on_show_step(self) -> None:
        self._show(self.state.profile.role)

    def _show(self, role: str) -> None:
        self.query_one("#chosen-role", Static).update(
            f"Chosen: [b]{role}[/b]" if role else "Chosen: no legacy role (rights from product profiles)")

    def on_role_table_chosen(self, event: RoleTable.Chosen) -> None:
        self.state.update(role=event.role)
        self._show(event.role)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "choose-role":
            role = self.query_one(RoleTable).highlighted()
            if role:
                self.state.update(role=role)
                self._show(role)
        elif event.button.id == "no-role":
            self.state.update(role="")
            self._show("")
