"""What every step view shares: access to the state, fields with errors, saving on accept."""

from __future__ import annotations

from typing import ClassVar

from textual.containers import VerticalScroll
from textual.widgets import Input

from wizard.core.errors import WizardError
from wizard.tui.state import WizardState
from wizard.tui.widgets import Field


class Step(VerticalScroll):
    key: ClassVar[str]

    DEFAULT_CSS = "Step { padding: 0 1; }"

    @property
    def state(self) -> WizardState:
        return self.app.state

    def on_show_step(self) -> None:
        """Called each time the step is shown: fill the fields from the state."""

    def first_focus(self) -> str | None:
        """The control a keyboard user starts at on this step."""
        return None

    async def accept(self) -> bool:
        """Next was pressed: validate and save; False keeps the user here."""
        return True

    def bring_into_view(self, selector: str) -> None:
        """A result that just appeared may be below the fold: scroll to it once laid out."""
        widget = self.query_one(selector)
        self.call_after_refresh(widget.scroll_visible, animate=False)

    def reveal_first_error(self) -> None:
        """After a refused Next, bring the first message into view: it may be below the fold."""
        for widget in self.query(".-invalid, .-error"):
            if widget.display:
                self.call_after_refresh(widget.scroll_visible, animate=False)
                return

    # helpers ---------------------------------------------------------------------------------
    def field_of(self, control_id: str) -> Field:
        node = self.query_one(f"#{control_id}")
        while not isinstance(node, Field):
            node = node.parent
        return node

    def value(self, control_id: str) -> str:
        return self.query_one(f"#{control_id}", Input).value

    def save_field(self, control_id: str, profile_field: str, *, required: str = "") -> bool:
        """Validate one input into the profile; show the engine's message beside it."""
        value = self.value(control_id)
        field = self.field_of(control_id)
        if required and not value.strip():
            field.show_error(f"{required} is required")
            return False
        try:
            self.state.update(**{profile_field: value})
        except WizardError as exc:
            field.show_error(str(exc))
            return False
        field.show_error(None)
        self.app.mark_unsaved(control_id, False)
        return True

    def fail(self, exc: WizardError, control_id: str | None = None) -> None:
        if control_id:
            self.field_of(control_id).show_error(str(exc))
        else:
            self.app.notify(str(exc), title="Not saved", severity="error", timeout=8)
