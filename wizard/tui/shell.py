"""Commands as the user's shell will run them: this launch-wizard, by name or by its path."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path


def command_name(argv0: str | None = None, executable: str | None = None,
                 path: str | None = None) -> str:
    """How a shell reaches this very launch-wizard: its name if PATH finds it, else its full path
    (`make run` installs it into a virtual environment that is not on PATH)."""
    argv0 = sys.argv[0] if argv0 is None else argv0
    executable = sys.executable if executable is None else executable
    running = argv0 if Path(argv0).name.startswith("launch-wizard") and os.path.isfile(argv0) else None
    own = running or shutil.which("launch-wizard", path=str(Path(executable).parent))
    if own is None:
        return "launch-wizard"  # not installed as a script: the name is all there is to say
    found = shutil.which("launch-wizard", path=path)
    if found is not None and os.path.samefile(found, own):
        return "launch-wizard"
    return shlex.quote(os.path.abspath(own))


def shell_command(command: str, profile: str) -> str:
    """`command` for this profile as the user's shell runs it: `launch-wizard token --profile x`."""
    from wizard.core.profile import DEFAULT_PROFILE

    flag = "" if profile == DEFAULT_PROFILE else f" --profile {shlex.quote(profile)}"
    return f"{command_name()} {command}{flag}"
