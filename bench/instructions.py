"""The instructions a program executes until its first meaningful frame, counted by valgrind:
the same figure run after run, however busy the machine (CPU and wall time on a shared machine
move by a tenth or more between runs, as much as a change worth keeping).

`python -m bench.instructions [ARGS...]` runs `launch-wizard ARGS` and the bare app once each
under valgrind (`--tool=cachegrind --cache-sim=no`, about 20 times slower) in a 120x40
pseudo-terminal; each ends itself as it hands the frame holding its marker to the terminal.
Needs valgrind. The ratio is not the wall-time ratio `bench.run` checks (the interpreter's own
start weighs more here), but a change that cuts instructions cuts CPU time alike.
"""

from __future__ import annotations

import compileall
import os
import pty
import re
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import bare_app  # noqa: E402 - needs the path above when run as a script
from bench.run import WIZARD_MARKER  # noqa: E402

ENDS_AT_FRAME = """
import os, runpy, sys
marker, program = sys.argv[1], sys.argv[2]
from textual.drivers.linux_driver import LinuxDriver
write = LinuxDriver.write
def watched(self, data):
    if marker in data:
        os._exit(0)  # the frame is out: nothing after it is counted
    write(self, data)
LinuxDriver.write = watched
if program == "wizard":
    from wizard.cli import main
    main(sys.argv[3:])
else:
    runpy.run_path(program, run_name="__main__")
"""


def instructions(marker: str, program: str, args: list[str], env: dict[str, str]) -> int:
    """Instructions of one run, to the frame holding `marker`."""
    with tempfile.TemporaryDirectory(prefix="launch-wizard-instr-") as folder:
        log = Path(folder) / "valgrind.log"
        cmd = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
               f"--log-file={log}", sys.executable, "-c", ENDS_AT_FRAME, marker, program, *args]
        pid, fd = pty.fork()
        if pid == 0:  # the child: a 120x40 terminal, then the program
            os.environ.clear()
            os.environ.update(env, TERM="xterm-256color", COLUMNS="120", LINES="40")
            os.execvp(cmd[0], cmd)
        while True:  # the terminal is read until the program has gone
            try:
                if not os.read(fd, 65536):
                    break
            except OSError:
                break
        os.waitpid(pid, 0)
        os.close(fd)
        found = re.search(r"I\s+refs:\s+([\d,]+)", log.read_text())
        if found is None:
            raise RuntimeError(f"valgrind counted nothing: {log.read_text()[-500:]}")
        return int(found.group(1).replace(",", ""))


def main(argv: list[str]) -> int:
    compileall.compile_dir(str(REPO / "wizard"), quiet=1)  # as `bench.run` does, and installs do
    with tempfile.TemporaryDirectory(prefix="launch-wizard-instr-") as root:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LAUNCH_WIZARD_")}
        env.update(LAUNCH_WIZARD_CONFIG_DIR=str(Path(root) / "config"), PYTHONHASHSEED="0",
                   PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
        mine = instructions(WIZARD_MARKER, "wizard", argv, env)
        base = instructions(bare_app.MARKER, bare_app.__file__, [], env)
    print(f"instructions  wizard {' '.join(argv) or '(plain)':12} {mine / 1e6:7.1f} M  "
          f"bare {base / 1e6:7.1f} M  ratio {mine / base:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
