"""The baseline for start-up: a bare Textual app with one Static, running until it is ended."""

from textual.app import App, ComposeResult
from textual.widgets import Static

MARKER = "hello from a bare app"


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Static(MARKER)


if __name__ == "__main__":
    Bare().run()
