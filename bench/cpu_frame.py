"""The CPU a program spends until its first meaningful frame, steadier than wall time on a
shared machine.

`python -m bench.cpu_frame [--pairs N] [--profile FILE] [ARGS...]` runs `launch-wizard ARGS`
and the bare app alternately, each in a 120x40 pseudo-terminal. Inside each, the terminal
driver's writes are watched: at the first one that shows the marker, the process's CPU time
(user + system, imports included) is printed and it exits. With --profile, one run of the wizard
under cProfile, from start to that frame, is saved to FILE instead.
"""

from __future__ import annotations

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

CHILD = """
import os, sys, time
marker, target, profile = sys.argv[1], sys.argv[2], sys.argv[3]
if profile:
    import cProfile
    prof = cProfile.Profile()
    prof.enable()
from textual.drivers.linux_driver import LinuxDriver
write = LinuxDriver.write
told = []
def watched(self, data):
    if marker in data and not told:
        told.append(True)  # told before the frame goes out: the runner ends us once it shows
        cpu = time.process_time()
        if profile:
            prof.disable()
            prof.dump_stats(profile)
        os.write(int(os.environ["CPU_FD"]), f"{cpu:.6f}".encode())
    write(self, data)
LinuxDriver.write = watched
if target == "bare":
    import runpy
    runpy.run_path(sys.argv[4], run_name="__main__")
else:
    from wizard.cli import main
    main(sys.argv[4:])
"""


def cpu_once(marker: str, target: str, args: list[str], env: dict[str, str],
             profile: str = "") -> tuple[float, float]:
    """(CPU seconds at the frame, wall seconds to it) of one run."""
    read, write = os.pipe()
    os.set_inheritable(write, True)
    cmd = [sys.executable, "-c", CHILD, marker, target, profile, *args]
    wall, _ = first_paint.first_paint(cmd, marker, dict(env, CPU_FD=str(write)))
    os.close(write)
    cpu = float(os.read(read, 64) or b"nan")
    os.close(read)
    return cpu, wall


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
    root = Path(tempfile.mkdtemp(prefix="launch-wizard-cpu-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAUNCH_WIZARD_")}
    env.update(LAUNCH_WIZARD_CONFIG_DIR=str(root / "config"),
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    if profile:
        cpu, wall = cpu_once(WIZARD_MARKER, "wizard", argv, env, profile)
        print(f"profiled: {cpu * 1000:.0f} ms CPU, {wall * 1000:.0f} ms wall -> {profile}")
        return 0
    ours: list[tuple[float, float]] = []
    bare: list[tuple[float, float]] = []
    for i in range(n):
        runs = [(ours, WIZARD_MARKER, "wizard", argv), (bare, bare_app.MARKER, "bare",
                                                        [bare_app.__file__])]
        for results, marker, target, args in runs if i % 2 == 0 else reversed(runs):
            results.append(cpu_once(marker, target, args, env))
            time.sleep(0.05)
    for name, k in (("CPU", 0), ("wall", 1)):
        mine = statistics.median(r[k] for r in ours)
        theirs = statistics.median(r[k] for r in bare)
        print(f"{name:5} wizard {' '.join(argv) or '(plain)':12} {mine * 1000:6.0f} ms  "
              f"bare {theirs * 1000:6.0f} ms  ratio {mine / theirs:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
