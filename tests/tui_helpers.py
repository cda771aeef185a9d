"""Driving the wizard in tests: wait for workers, read what the screen shows."""

from __future__ import annotations

import html
import re

CELL_W, ROW_H, FIRST_Y = 12.2, 24.4, 20.0  # how Textual's SVG screenshots place characters


async def settle(app, pilot, rounds: int = 2) -> None:
    for _ in range(rounds):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def screen_rows(app) -> list[str]:
    """The terminal's rows right now, as text, each character in its column."""
    svg = app.export_screenshot()
    width, height = app.size
    grid = [[" "] * width for _ in range(height)]
    body = svg[re.search(r'clip-path="url\(#terminal-[\w-]*clip-terminal\)"', svg).start():]
    for match in re.finditer(r'<text [^>]*x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', body, re.DOTALL):
        col = round(float(match.group(1)) / CELL_W)
        row = round((float(match.group(2)) - FIRST_Y) / ROW_H)
        text = html.unescape(re.sub(r"<[^>]+>", "", match.group(3))).replace("\xa0", " ")
        if 0 <= row < height:
            for i, ch in enumerate(text.rstrip("\n")):
                if 0 <= col + i < width:
                    grid[row][col + i] = ch
    return ["".join(r).rstrip() for r in grid]


def screen_text(app) -> str:
    """Everything on screen as one line of words: phrases wrapped across rows still match.

    The step list and the step beside it are read one after the other, not row by row."""
    rows = screen_rows(app)
    columns = []
    sidebar = app.screen.query("#steps")
    if sidebar and sidebar.first().display and sidebar.first().region.width:
        region = sidebar.first().region
        body = range(region.y, region.bottom)
        rows_out = [r for i, r in enumerate(rows) if i < region.y]
        columns = [[r[:region.right] for i, r in enumerate(rows) if i in body],
                   [r[region.right:] for i, r in enumerate(rows) if i in body]]
        rows = rows_out + [line for column in columns for line in column] + rows[region.bottom:]
    return _flat(rows)


def region_text(app, selector: str) -> str:
    """What one widget's part of the screen shows (e.g. "#main": the step, not the step list)."""
    region = app.screen.query_one(selector).region
    return _flat([r[region.x:region.right] for r in screen_rows(app)[region.y:region.bottom]])


def _flat(rows: list[str]) -> str:
    """Rows as one line of words, without the frames' vertical borders."""
    return re.sub(r"\s+", " ", re.sub(r"[│▎▊▌▐]", " ", " ".join(rows))).strip()


async def type_into(pilot, selector: str, text: str) -> None:
    widget = pilot.app.screen.query_one(selector)
    widget.value = text
    await pilot.pause()


async def next_step(app, pilot) -> None:
    await pilot.press("ctrl+n")
    await settle(app, pilot)


def toasts(app) -> list[str]:
    """What each notification (toast) now on screen shows, its title then its message."""
    return [toast.render().plain for toast in app.screen.query("Toast")]


def notifications(app) -> str:
    """What the notifications (toasts) now on screen show, one after the other."""
    return " ".join(toasts(app))
