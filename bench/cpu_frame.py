"""The CPU a program spends until its first meaningful frame, steadier than wall time on a
shared machine.

`python -m bench.cpu_frame [--pairs N] [--profile FILE] [ARGS...]` runs `launch-wizard ARGS`
and the bare app alternately, each in a 120x40 pseudo-terminal, unchanged. Once the marker shows,
the CPU time of all the program's threads (user + system, imports included) is read from /proc
(Linux), before it is ended. With --profile, one run of the wizard under cProfile, from start to
the driver's write of that frame, is saved to FILE instead (the profiler's own cost included).
"""

from __future__ import annotations

import compileall
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import bare_app, first_paint  # noqa: E402 - needs the path above when run as a script
from bench.run import WIZARD_MARKER  # noqa: E402

PROFILED = """
import cProfile, sys
marker, profile = sys.argv[1], sys.argv[2]
prof = cProfile.Profile()
prof.enable()
from textual.drivers.linux_driver import LinuxDriver
write = LinuxDriver.write
told = []
def watched(self, data):
    if marker in data and not told:
        told.append(True)  # told before the frame goes out: the runner ends us once it shows
        prof.disable()
        prof.dump_stats(profile)
    write(self, data)
LinuxDriver.write = watched
from wizard.cli import main
main(sys.argv[3:])
"""


def cpu_seconds(pid: int) -> float:
    """CPU time so far of all the threads of process `pid`, from the scheduler's own count."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, IndexError, ValueError):
            continue  # a thread that just ended
    return total / 1e9


def cpu_once(marker: str, cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds at the frame, wall seconds to it) of one run."""
    cpu: list[float] = []
    wall, _ = first_paint.first_paint(cmd, marker, env, on_shown=lambda pid: cpu.append(
        cpu_seconds(pid)))
    return cpu[0], wall


def main(argv: list[str]) -> int:
    n = 9
    profile = ""
    if "--pairs" in argv:
        i = argv.index("--pairs")
        n = int(argv[i + 1])
        del argv[i:i + 2]
    if "--profile" in argv:
        i = argv.index("--profile")
        profile = argv[i + 1]
        del argv[i:i + 2]
    compileall.compile_dir(str(REPO / "wizard"), quiet=1)  # as `bench.run` does, and installs do
    root = Path(tempfile.mkdtemp(prefix="launch-wizard-cpu-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAUNCH_WIZARD_")}
    env.update(LAUNCH_WIZARD_CONFIG_DIR=str(root / "config"),
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    if profile:
        cmd = [sys.executable, "-c", PROFILED, WIZARD_MARKER, profile, *argv]
        wall, _ = first_paint.first_paint(cmd, WIZARD_MARKER, env)
        print(f"profiled: {wall * 1000:.0f} ms wall -> {profile}")
        return 0
    wizard = [str(Path(sys.executable).parent / "launch-wizard"), *argv]
    bare = [sys.executable, bare_app.__file__]
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    for i in range(n):
        runs = [(ours, WIZARD_MARKER, wizard), (theirs, bare_app.MARKER, bare)]
        for results, marker, cmd in runs if i % 2 == 0 else reversed(runs):
            results.append(cpu_once(marker, cmd, env))
            time.sleep(0.05)
    for name, k in (("CPU", 0), ("wall", 1)):
        mine = statistics.median(r[k] for r in ours)
        base = statistics.median(r[k] for r in theirs)
        print(f"{name:5} wizard {' '.join(argv) or '(plain)':12} {mine * 1000:6.0f} ms  "
              f"bare {base * 1000:6.0f} ms  ratio {mine / base:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
