"""Adobe's own Node clients in tests: installed once with npm into pytest's cache folder
(git-ignored), by one test worker at a time."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from wizard.core.locks import beside, held


def unavailable(reason: str, required_by: str) -> None:
    """Skip on a machine without Node or npm, but never in CI, which installs both (.ci/run sets
    `required_by`, e.g. REQUIRE_NEWMAN=1; CI services set CI)."""
    required = [name for name in (required_by, "CI") if os.environ.get(name)]
    if required:
        pytest.fail(f"{required[0]} is set but {reason}")
    pytest.skip(reason)


def npm_installed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                  spec: str, installed: str, required_by: str) -> Path:
    """The path `installed` (relative to the install folder) once `npm install spec` made it."""
    name = spec.rsplit("@", 1)[0].rsplit("/", 1)[-1]
    if shutil.which("node") is None:
        unavailable(f"Node.js is not installed (node not on PATH): {name} needs it", required_by)
    try:
        folder = request.config.cache.mkdir(name)
    except AttributeError:  # the cache plugin is off
        folder = tmp_path_factory.mktemp(name)
    target = folder / installed
    with held(beside(folder), f"the npm install of {name}", wait=600):  # one worker installs
        if target.exists():
            return target
        npm = shutil.which("npm")
        if npm is None:
            unavailable(f"npm is not on PATH to install {name}", required_by)
        done = subprocess.run([npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund",
                               "--loglevel=error", spec], capture_output=True, text=True, timeout=600)
        if done.returncode != 0 or not target.exists():
            unavailable(f"`npm install {spec}` failed: {done.stderr.strip()[-500:]}", required_by)
        return target
