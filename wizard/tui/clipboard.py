"""Copy that works in every common terminal: OSC 52 (Textual) plus the native clipboard tool."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

# The first of these that is installed (and fits the session) gets the text too.
_TOOLS = (
    ("pbcopy",),
    ("wl-copy",),
    ("xclip", "-selection", "clipboard"),
    ("xsel", "--clipboard", "--input"),
    ("clip.exe",),
)


def native_tool() -> tuple[str, ...] | None:
    for tool in _TOOLS:
        if not shutil.which(tool[0]):
            continue
        if tool[0] == "wl-copy" and not os.environ.get("WAYLAND_DISPLAY"):
            continue
        if tool[0] in ("xclip", "xsel") and not os.environ.get("DISPLAY"):
            continue
        if tool[0] == "pbcopy" and sys.platform != "darwin":
            continue
        return tool
    return None


def copy(app, text: str) -> str:
    """Put `text` on the clipboard; returns how, for the notification (never the text)."""
    app.copy_to_clipboard(text)  # OSC 52: terminals that support it, and over SSH
    tool = native_tool()
    if tool is None:
        return "via the terminal (OSC 52)"
    try:
        subprocess.run(tool, input=text.encode(), timeout=3, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return "via the terminal (OSC 52)"
    return f"via the terminal and {tool[0]}"
