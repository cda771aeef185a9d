"""What every step view shares: the typed messages it sends the app, fields with their errors,
focus where a person expects it, and saving on accept."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from wizard.core.console import Capability
from wizard.core.errors import WizardError
from wizard.tui.flow import title
from wizard.tui.state import WizardState
from wizard.tui.widgets import Field, once_laid_out

if TYPE_CHECKING:
    from textual.dom import DOMNode


@dataclass
class RunTest(Message):
    """The app asks the step that runs the test to run it (F5)."""

    bubble: ClassVar[bool] = False


@dataclass
class TestPassed(Message):
    """The test passed: a notice about a problem it had, or about running it again, is old news."""


def _typed_into(field: Field) -> Widget | None:
    """Where the keyboard goes to correct `field`: its control, or the first control in it that
    takes the keyboard (the client secret's input, beside its shown/hidden switch): a row of them
    cannot take it, and the keyboard then stayed on Next, where a paste went nowhere."""
    control = field.control
    if control.focusable:
        return control
    return next((widget for widget in control.query("*") if widget.focusable), None)


class Step(VerticalScroll, can_focus=False):
    """One step of the flow, built with the open state it reads and writes. The app calls the
    typed API below; the step answers in messages."""

    key: ClassVar[str]
    DEFAULT_CSS = "Step { padding: 0 1; }"

    def __init__(self, state: WizardState, *children: Widget, **kwargs: Any) -> None:
        super().__init__(*children, **kwargs)
        self.state = state
        self._filled: dict[str, str] = {}  # what each input was last filled with from the state

    # --- what a step tells the app ------------------------------------------------------
    @dataclass
    class Dirty(Message):
        """Something typed in the input `field_id` (shown as `label`) of `step` is (or no longer
        is) unsaved."""

        step: str
        field_id: str
        label: str
        dirty: bool

    @dataclass
    class Changed(Message):
        """The state changed in a way the app shows (the flow, a step's mark, the storage)."""

    @dataclass
    class Copy(Message):
        """Put `text` on the clipboard; `what` names it in the message; a token may be cleared."""

        text: str
        what: str
        token: bool = False

    @dataclass
    class Next(Message):
        """The user asked to go on (Enter in a step's last field): as Next."""

    @dataclass
    class Finished(Message):
        """The step's work is done (its button was disabled meanwhile, which dropped the focus):
        the keyboard goes on to Next."""

    @dataclass
    class Resume(Message):
        """Much was filled at once (an import): go to the first step still open, and keep
        `summary` (what was filled) in view there until the user moves on."""

        summary: str = ""

    @dataclass
    class Problem(Message):
        """An error that belongs to no field of this step (the app shows it once)."""

        error: WizardError

    @dataclass
    class Crashed(Message):
        """A worker of this step failed unexpectedly (a bug): shown, never fatal."""

        error: BaseException

    # --- what the app asks of a step -----------------------------------------------------

    def on_show_step(self) -> None:
        """Called each time the step is shown: fill the controls from the state."""

    def default_focus(self) -> str | None:
        """The control a keyboard user starts at when no field needs attention."""
        return None

    async def accept(self) -> bool:
        """Next was pressed: validate and save; False keeps the user here."""
        return True

    def first_focus(self) -> Widget | None:
        """The first field that is invalid or still empty, else the step's own start."""
        for field in self._fields():
            target = self.needs_attention(field)
            if target is not None:
                return target
        selector = self.default_focus()
        return self.query_one(selector) if selector else None

    def needs_attention(self, field: Field) -> Widget | None:
        """The control to focus if `field` is an input that is invalid or empty, else None."""
        control = field.control
        if isinstance(control, Input) and (field.invalid or not control.value):
            return control
        return None

    def focus_first_invalid(self) -> None:
        """After a refused Next: focus the field in error, or bring the first message into view."""
        for field in self._fields():
            if field.invalid:
                target = _typed_into(field)
                if target is not None:
                    target.focus(scroll_visible=False)
                once_laid_out(self, partial(field.scroll_visible, animate=False))
                return
        for widget in self.query(".-error"):
            if widget.display:
                once_laid_out(self, partial(widget.scroll_visible, animate=False))
                return

    # --- helpers --------------------------------------------------------------------------
    def bring_into_view(self, widget: Widget) -> None:
        """A result that just appeared may be below the fold: scroll to it once laid out."""
        self._in_view = widget
        once_laid_out(self, partial(widget.scroll_visible, animate=False))

    _in_view: Widget | None = None

    def keep_in_view(self) -> None:
        """The notice above took room: what was last brought into view stays in view."""
        if self._in_view is not None and self._in_view.is_attached:
            self.bring_into_view(self._in_view)

    def show_failure(self, result: Static, exc: WizardError, after: str = "") -> None:
        """What went wrong and its fix in the step's result line, marked as an error, in view."""
        result.update(f"✗ {self.explain(exc)}" + (f"\n{after}" if after else ""))
        result.add_class("-error")
        self.bring_into_view(result)

    def _fields(self) -> list[Field]:
        return [f for f in self.query(Field) if _shown(f, self)]

    def step_ref(self, step: str) -> str:
        """"step 3 (Key and certificate)", numbered as the flow on screen numbers it."""
        return f"step {self.state.number(step)} ({title(step, self.state.profile.auth_type)})"

    def explain(self, exc: WizardError) -> str:
        from wizard.tui import remedy

        return remedy.explain(exc, self.state.steps, self.state.profile.auth_type, self.key,
                              sandbox=self.state.console.offers(Capability.RECOVER_SECRET))

    def field_of(self, control_id: str) -> Field:
        node: DOMNode | None = self.query_one(f"#{control_id}")
        while not isinstance(node, Field):
            assert node is not None, control_id
            node = node.parent
        return node

    def value(self, control_id: str) -> str:
        return self.query_one(f"#{control_id}", Input).value

    def set_value(self, control_id: str, value: str, *, force: bool = False) -> None:
        """Fill an input from the state, unless the user typed something there that is not saved
        yet (it stays, unless `force`); the cursor goes to the end, nothing is selected."""
        control = self.query_one(f"#{control_id}", Input)
        if not force and control.value != self._filled.get(control_id, control.value):
            return
        self._filled[control_id] = value
        if control.value != value:
            control.value = value
            control.cursor_position = len(value)

    def save_field(self, control_id: str, profile_field: str, *, required: bool = False) -> bool:
        """Validate one input into the profile; show the engine's message beside it."""
        value = self.value(control_id)
        field = self.field_of(control_id)
        if required and not value.strip():
            field.show_error(f"{field.label} is required")
            return False
        try:
            self.state.update(**{profile_field: value})
        except WizardError as exc:
            field.show_error(str(exc))
            return False
        self._filled[control_id] = value
        field.show_error(None)
        self.mark_dirty(control_id, False)
        return True

    def report_dirty(self, control_id: str, saved: str) -> None:
        """Tell the app whether the input differs from what is saved."""
        self.mark_dirty(control_id, self.value(control_id) != saved)

    def mark_dirty(self, control_id: str, dirty: bool) -> None:
        """The input `control_id` holds (or no longer holds) something typed and not saved."""
        self.post_message(self.Dirty(self.key, control_id, self.field_of(control_id).label, dirty))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.post_message(self.Crashed(event.worker.error))


def _shown(widget: Widget, top: Widget) -> bool:
    """Displayed, and so are its ancestors up to `top`."""
    node: DOMNode | None = widget
    while isinstance(node, Widget) and node is not top:
        if not node.display:
            return False
        node = node.parent
    return True
