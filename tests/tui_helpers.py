"""Driving the wizard in tests: wait for workers, read what the screen shows."""

from __future__ import annotations

import html
import re


async def settle(app, pilot, rounds: int = 2) -> None:
    for _ in range(rounds):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app) -> str:
    """Everything the terminal shows right now, as text (from the SVG screenshot)."""
    svg = app.export_screenshot()
    lines = []
    for match in re.finditer(r'<text [^>]*>(.*?)</text>', svg, re.S):
        lines.append(html.unescape(re.sub(r"<[^>]+>", "", match.group(1))))
    return "".join(lines).replace("\xa0", " ")


async def type_into(pilot, selector: str, text: str) -> None:
    widget = pilot.app.screen.query_one(selector)
    widget.value = text
    await pilot.pause()


async def next_step(app, pilot) -> None:
    await pilot.press("ctrl+n")
    await settle(app, pilot)
