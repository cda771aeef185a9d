"""How long a terminal program takes to draw something meaningful, as a person sees it.

`python bench/first_paint.py MARKER CMD...` runs CMD in a 120x40 pseudo-terminal and exits 0
once MARKER (plain text, escape sequences aside) has been drawn; the program is then ended. It
prints the seconds from start to that frame and the program's peak memory (KiB). `make bench`
times this whole process, as a person would time a command, and reads the two figures."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import Callable

ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[\]P_^][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.")
TIMEOUT_S = 30.0


def first_paint(cmd: list[str], marker: str, env: dict[str, str],
                size: tuple[int, int] = (120, 40),
                on_shown: Callable[[int], object] | None = None) -> tuple[float, int]:
    """Seconds from start until `marker` shows, and the program's peak memory (KiB); `on_shown` is
    given the program's pid once the marker shows, before the program is ended."""
    columns, rows = size
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: a terminal of the given size, then the program
        os.environ.clear()
        os.environ.update(env, TERM="xterm-256color", COLUMNS=str(columns), LINES=str(rows))
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        os.execvp(cmd[0], cmd)
    wanted, seen, elapsed = marker.encode(), b"", None
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen = (seen + chunk)[-200_000:]
        if wanted in ANSI.sub(b"", seen):
            elapsed = time.perf_counter() - started
            if on_shown is not None:
                on_shown(pid)
            break
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    _, _, usage = os.wait4(pid, 0)
    os.close(fd)
    if elapsed is None:
        raise RuntimeError(f"{' '.join(cmd)} never drew {marker!r}: {ANSI.sub(b'', seen)[-300:]!r}")
    return elapsed, usage.ru_maxrss


if __name__ == "__main__":
    elapsed, peak = first_paint(sys.argv[2:], sys.argv[1], dict(os.environ))
    print(f"{elapsed:.6f} {peak}")
