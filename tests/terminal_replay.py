"""What a terminal shows: every update Textual writes, applied in order to a grid of cells.

A screenshot (`export_screenshot`, and the helpers in tui_helpers built on it) paints the whole
screen afresh from the widgets, so it cannot show an area the app forgot to repaint; a real terminal
keeps whatever was last written there. This replays the writes as the terminal receives them."""

from __future__ import annotations

import io

from rich.cells import cell_len
from rich.console import Console
from rich.segment import ControlType
from textual._compositor import Compositor, CompositorUpdate

from tests import pilot_pace


class Terminal:
    """Attach before the app runs (`Terminal(app, size, monkeypatch)`); read `text()` any time."""

    def __init__(self, app, size: tuple[int, int], monkeypatch) -> None:
        width, height = size
        self._cells = [[" "] * width for _ in range(height)]
        self._console = Console(width=width, height=height, file=io.StringIO(), color_system=None)
        # the partial updates tests skip (pilot_pace) are what a terminal receives
        monkeypatch.setattr(Compositor, "render_update", pilot_pace.TEXTUAL_RENDER_UPDATE)
        display = app._display  # headless: it writes nothing

        def written(screen, renderable) -> None:
            if isinstance(renderable, CompositorUpdate):
                self._apply(renderable)
            display(screen, renderable)

        monkeypatch.setattr(app, "_display", written)

    def _apply(self, update: CompositorUpdate) -> None:
        x = y = 0
        for segment in self._console.render(update):
            if segment.control:
                for code in segment.control:
                    if code[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = code[1], code[2]
                continue
            for char in segment.text:
                if char == "\n":
                    x, y = 0, y + 1
                elif 0 <= y < len(self._cells) and 0 <= x < len(self._cells[y]):
                    self._cells[y][x] = char
                x += cell_len(char)

    def rows(self) -> list[str]:
        return ["".join(row).rstrip() for row in self._cells]

    def text(self) -> str:
        """The rows as one line of words (a phrase wrapped across rows still matches)."""
        return " ".join(" ".join(self.rows()).split())
