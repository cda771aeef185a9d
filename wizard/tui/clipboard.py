"""What a copy can honestly claim: OSC 52 sent to the terminal (which may or may not keep it),
and the native clipboard tool, when there is one, run off the UI thread.

Inside tmux, an application's OSC 52 reaches the clipboard only with `set-clipboard on`; without
it, nothing lands and the user must be told how else to get the text.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Collection, Mapping
from dataclasses import dataclass

# The first of these that is installed (and fits the session) gets the text too.
_TOOLS = (
    ("pbcopy",),
    ("wl-copy",),
    ("xclip", "-selection", "clipboard"),
    ("xsel", "--clipboard", "--input"),
    ("clip.exe",),
)
TOOL_TIMEOUT_S = 3.0
# All a tool gets of the environment: what it needs to find the clipboard, and nothing else (the
# environment may hold LAUNCH_WIZARD_CLIENT_SECRET and other people's secrets; a tool, or whatever
# stands in for it on PATH, has no business with them).
TOOL_ENVIRONMENT = (
    "PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE",  # every tool; the locale sets the text's encoding
    "DISPLAY", "XAUTHORITY",  # xclip, xsel
    "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS",  # wl-copy
    "TMUX", "TMUX_TMPDIR",  # tmux, to find its server
    "TMPDIR", "__CF_USER_TEXT_ENCODING",  # pbcopy (macOS)
    "SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "COMSPEC", "PATHEXT", "TEMP", "TMP",  # clip.exe
    "USERPROFILE", "WSL_INTEROP", "WSL_DISTRO_NAME", "WSLENV",  # (and from WSL)
)


def tool_environment(environ: Mapping[str, str]) -> dict[str, str]:
    return {name: environ[name] for name in TOOL_ENVIRONMENT if name in environ}


def native_tool(environ: Mapping[str, str] = os.environ) -> tuple[str, ...] | None:
    for tool in _TOOLS:
        if not shutil.which(tool[0], path=environ.get("PATH")):
            continue
        if tool[0] == "wl-copy" and not environ.get("WAYLAND_DISPLAY"):
            continue
        if tool[0] in ("xclip", "xsel") and not environ.get("DISPLAY"):
            continue
        if tool[0] == "pbcopy" and sys.platform != "darwin":
            continue
        return tool
    return None


def tmux_blocks_osc52(environ: Mapping[str, str] = os.environ) -> bool:
    """Inside tmux, whether tmux drops an application's OSC 52 (set-clipboard is not `on`)."""
    if not environ.get("TMUX"):
        return False
    try:
        done = subprocess.run(["tmux", "show-options", "-gv", "set-clipboard"], capture_output=True,
                              text=True, timeout=TOOL_TIMEOUT_S, env=tool_environment(environ), check=False)
    except (OSError, subprocess.SubprocessError):
        return True  # cannot ask: do not claim it arrived
    return done.stdout.strip() != "on"


@dataclass(frozen=True)
class Delivery:
    """Where a copied text went, as far as this process can know."""

    tool: str = ""  # the native tool that took it
    tool_failed: str = ""  # the native tool that was tried and failed
    osc52_blocked: bool = False  # inside tmux without set-clipboard on

    @property
    def landed(self) -> bool | None:
        """True: on the clipboard; False: certainly not; None: up to the terminal (OSC 52)."""
        if self.tool:
            return True
        return False if self.osc52_blocked else None

    def message(self, what: str) -> str:
        if self.tool:
            via = "" if self.osc52_blocked else "sent to the terminal (OSC 52) and "
            return f"{what.capitalize()}: {via}copied by {self.tool}."
        failed = f" ({self.tool_failed} failed)" if self.tool_failed else ""
        if self.osc52_blocked:
            return (f"{what.capitalize()} did not reach the clipboard{failed}: tmux drops OSC 52 "
                    "unless `set -g set-clipboard on` is in its configuration.")
        return (f"{what.capitalize()}: sent to the terminal (OSC 52){failed}; most terminals put "
                "it on the clipboard, some only once it is allowed in their settings.")


def deliver(text: str, environ: Mapping[str, str] = os.environ) -> Delivery:
    """Give `text` to the native clipboard tool and check tmux (blocking: run it in a thread)."""
    blocked = tmux_blocks_osc52(environ)
    tool = native_tool(environ)
    if tool is None:
        return Delivery(osc52_blocked=blocked)
    try:
        subprocess.run(tool, input=text.encode(), timeout=TOOL_TIMEOUT_S, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=tool_environment(environ))
    except (OSError, subprocess.SubprocessError):
        return Delivery(tool_failed=tool[0], osc52_blocked=blocked)
    return Delivery(tool=tool[0], osc52_blocked=blocked)


@dataclass(frozen=True)
class Cleared:
    """What clearing the clipboard reached, and what may still hold a copied token."""

    delivery: Delivery  # the empty text, sent as a copy is
    tmux_buffers: int = 0  # tmux paste buffers deleted because they held a copied token
    tmux_failed: bool = False  # tmux could not be asked or did not delete

    def message(self) -> str:
        done = []
        if self.delivery.tool:
            done.append(f"the clipboard ({self.delivery.tool} now holds nothing)")
        if not self.delivery.osc52_blocked:
            done.append("the terminal's clipboard, if it takes an empty copy (OSC 52)")
        if self.tmux_buffers:
            done.append(f"{self.tmux_buffers} tmux paste buffer{'s' * (self.tmux_buffers > 1)} "
                        "that held the token")
        still = []
        if self.tmux_failed:
            still.append("tmux's paste buffers (`tmux list-buffers`, then `tmux delete-buffer -b NAME`)")
        if self.delivery.tool_failed:
            still.append(f"the clipboard ({self.delivery.tool_failed} failed)")
        still.append("a clipboard manager's history, and wherever it was pasted")
        cleared = "Cleared: " + "; ".join(done) + "." if done else "Nothing could be cleared here."
        return f"{cleared} May still hold the token: {'; '.join(still)}."


def _tmux(args: list[str], environ: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=TOOL_TIMEOUT_S,
                          env=tool_environment(environ), check=True)


def clear(tokens: Collection[str], environ: Mapping[str, str] = os.environ) -> Cleared:
    """Empty the clipboard, and inside tmux delete the paste buffers holding one of `tokens`
    (tmux keeps each OSC 52 copy as a buffer: an empty copy does not replace it). Blocking."""
    delivery = deliver("", environ)
    if not environ.get("TMUX"):
        return Cleared(delivery)
    deleted = 0
    try:
        for name in _tmux(["list-buffers", "-F", "#{buffer_name}"], environ).stdout.split():
            held = _tmux(["show-buffer", "-b", name], environ).stdout
            if any(token and token in held for token in tokens):
                _tmux(["delete-buffer", "-b", name], environ)
                deleted += 1
    except (OSError, subprocess.SubprocessError):
        return Cleared(delivery, tmux_buffers=deleted, tmux_failed=True)
    return Cleared(delivery, tmux_buffers=deleted)
