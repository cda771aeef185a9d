"""The footer is rebuilt only when the keys it shows change, and then shows the change."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.pilot import Pilot
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from wizard.tui.widgets import SteadyFooter


class Loud(Input):
    """A field with a key of its own, shown in the footer while it has the keyboard."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("f6", "shout", "Shout")]

    def action_shout(self) -> None:
        self.value = self.value.upper()


class Fields(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f5", "bell", "Test")]

    def compose(self) -> ComposeResult:
        yield Input(id="a")
        yield Input(id="b")
        yield Loud(id="loud")
        yield SteadyFooter()


async def shown(app: App[None], pilot: Pilot[None], *expected: str) -> list[FooterKey]:
    """The footer's keys once they read `expected` (it is rebuilt after a refresh)."""
    for _ in range(50):
        await pilot.pause()
        keys = list(app.query(FooterKey))
        if [key.description for key in keys] == list(expected):
            return keys
    raise AssertionError(f"the footer shows {[key.description for key in app.query(FooterKey)]}")


async def test_a_focus_change_that_shows_the_same_keys_builds_nothing_new():
    app = Fields()
    async with app.run_test() as pilot:
        before = await shown(app, pilot, "Test", "palette")
        await pilot.press("tab")  # from one plain field to the other
        assert app.focused is not None and app.focused.id == "b"
        await shown(app, pilot, "Test", "palette")
        assert list(app.query(FooterKey)) == before and all(key.is_attached for key in before)


async def test_a_focus_change_that_shows_other_keys_shows_them():
    app = Fields()
    async with app.run_test() as pilot:
        await shown(app, pilot, "Test", "palette")
        await pilot.press("tab", "tab")
        assert app.focused is not None and app.focused.id == "loud"
        await shown(app, pilot, "Shout", "Test", "palette")
        await pilot.press("tab")
        await shown(app, pilot, "Test", "palette")
