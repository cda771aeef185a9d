"""A switch that says its state in words beside it: in a module of its own, as no step on the
first frame has one (Textual's Switch then loads with the step that shows one)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static, Switch


class Toggle(Horizontal):
    """A switch that says its state in words beside it ("shown" / "hidden")."""

    DEFAULT_CSS = """
    Toggle { height: auto; width: auto; }
    Toggle > .toggle-state { width: auto; padding: 1 0 0 1; }
    """

    def __init__(self, on_text: str, off_text: str, *, id: str) -> None:
        super().__init__(classes="toggle")
        self.words = (off_text, on_text)
        self.switch_id = id

    def compose(self) -> ComposeResult:
        yield Switch(id=self.switch_id)
        state = Static(self.words[0], classes="toggle-state", markup=False)
        state.styles.width = 1 + max(map(len, self.words))  # either word: what is beside stays put
        yield state

    @on(Switch.Changed)
    def _say(self, event: Switch.Changed) -> None:
        self.query_one(".toggle-state", Static).update(self.words[event.value])
