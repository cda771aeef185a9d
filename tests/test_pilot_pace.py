"""The pace tests drive apps at (tests/pilot_pace.py) leaves what a test reads true."""

from textual.app import App, ComposeResult
from textual.widgets import Static

from tests.tui_helpers import screen_rows


class _Shows(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("first", id="text")


async def test_a_screen_read_shows_what_changed_since_the_last_frame():
    """Frames nobody receives are skipped: a read draws the screen as it is now."""
    app = _Shows()
    async with app.run_test(size=(40, 5)) as pilot:
        assert screen_rows(app)[0] == "first"
        app.query_one("#text", Static).update("second")
        await pilot.pause()
        assert screen_rows(app)[0] == "second"
        app.query_one("#text", Static).update("third, " * 10)
        await pilot.pause()
        rows = screen_rows(app)
        assert rows[1] and " ".join(rows).split() == ["third,"] * 10  # laid out on two rows
