"""No dependency is installed, or allowed, at a version with a published advisory.

`tests/data/advisories.json` holds the advisories known for what launch-wizard installs (the
PyPA advisory database's PYSEC entries, then later ones from public CVE records)."""

import json
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
ADVISORIES = json.loads((ROOT / "tests" / "data" / "advisories.json").read_text())["advisories"]


def _name(name: str) -> str:
    return name.lower().replace("_", "-")


def _affected(advisory: dict, version: Version) -> bool:
    fixed = advisory["fixed"]
    return Version(advisory["introduced"]) <= version and (fixed is None or version < Version(fixed))


def test_no_installed_package_is_at_an_affected_version():
    installed = {_name(d.metadata["Name"]): Version(d.version) for d in metadata.distributions()}
    hits = [(a["package"], str(installed[a["package"]]), a["id"]) for a in ADVISORIES
            if a["package"] in installed and _affected(a, installed[a["package"]])]
    assert hits == []


def test_every_floor_is_above_the_last_fixed_advisory():
    """What a fresh install may pick is safe too, not only what is installed here."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    floors = {}
    for line in project["dependencies"]:
        requirement = Requirement(line)
        lows = [Version(s.version) for s in requirement.specifier if s.operator == ">="]
        floors[_name(requirement.name)] = max(lows) if lows else Version("0")
    assert {"cryptography", "starlette", "pyjwt", "h11", "idna", "certifi"} <= set(floors)
    unsafe = [(a["package"], str(floors[a["package"]]), a["id"]) for a in ADVISORIES
              if a["package"] in floors and _affected(a, floors[a["package"]])]
    assert unsafe == []
