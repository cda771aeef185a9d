"""A repaint Textual 8.2 forgets, made here until Textual makes it.

The compositor keeps a map of where every widget is drawn. A scroll, or an update to a widget
that is not on screen (a hidden step's countdown), marks that map stale; the next lookup of a
widget's region rebuilds it from the widgets as they are now, and only a layout compares the map
with the one before to repaint what changed. When a widget is removed between the two (a toast
that expires: its removal looks up its container's region first), the rebuild forgets the
removed widget and the layout then finds nothing changed: the toast stays on the terminal until
something else repaints that area (a key press, a countdown beneath it).

The fix: the rebuild marks for repainting what it finds gone or moved, as a layout does."""

from __future__ import annotations

from textual._compositor import Compositor, CompositorMap


def apply() -> None:
    """Wrap the compositor's rebuild of its map (once; a Textual without it is left as it is)."""
    rebuild = getattr(Compositor, "full_map", None)
    rebuild_map = rebuild.fget if isinstance(rebuild, property) else None
    if rebuild_map is None or getattr(rebuild_map, "marks_changes", False):
        return

    def full_map(self: Compositor) -> CompositorMap:
        # read with getattr: a Textual that renamed them gets its own rebuild, unchanged
        stale = getattr(self, "_full_map_invalidated", False)
        before = getattr(self, "_full_map", None) if stale else None
        after: CompositorMap = rebuild_map(self)
        dirty = getattr(self, "_dirty_regions", None)
        if before is not None and after is not before and isinstance(dirty, set):
            changed = (geometry.clip.intersection(geometry.region)
                       for _, geometry in before.items() ^ after.items())
            dirty.update(region for region in changed if region)
        return after

    full_map.marks_changes = True  # type: ignore[attr-defined]
    Compositor.full_map = property(full_map)  # type: ignore[method-assign, assignment]
