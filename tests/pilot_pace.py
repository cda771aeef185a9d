"""Textual's pace for apps driven in-process by Pilot, set for tests (conftest.py applies it).

- After each key and each `pilot.pause()`, Pilot waits until the process looks idle: it samples
  CPU time over 20 ms slices and stops at a slice that used under 1/20 of it. The same test over
  5 ms slices answers as soon, with the same share: Pilot tests spend a third less time waiting.
- A headless app sends nothing to a terminal, yet Textual composes every frame's update before
  dropping it. Tests read the screen with `export_screenshot`, which draws the whole screen anew,
  so the partial updates nobody receives are skipped (about a seventh of a Pilot test's CPU).

Both reach into Textual's private parts: `apply()` checks they are there, so a Textual release
that moves them fails loudly here instead of silently slowing every test down.
"""

from __future__ import annotations

from textual import _wait
from textual._compositor import Compositor

SLICE = 0.005  # seconds; Textual's own is 1/50
TEXTUAL_RENDER_UPDATE = Compositor.render_update  # for a test that reads what a terminal receives


def apply() -> None:
    missing = [name for name in ("SLEEP_GRANULARITY", "SLEEP_IDLE") if not hasattr(_wait, name)]
    if missing or not hasattr(Compositor, "render_update"):
        raise RuntimeError(f"Textual no longer has {missing or 'Compositor.render_update'}: "
                           "tests/pilot_pace.py needs updating for this Textual")
    _wait.SLEEP_GRANULARITY = SLICE
    _wait.SLEEP_IDLE = SLICE / 20
    render_update = Compositor.render_update

    def full_updates_only(self: Compositor, full: bool = False, screen_stack=None,
                          simplify: bool = False):
        if full:
            return render_update(self, full, screen_stack, simplify)
        self._dirty_regions.clear()  # as the partial update would have: nothing left to draw
        return None

    Compositor.render_update = full_updates_only  # type: ignore[method-assign]
