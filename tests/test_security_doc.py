"""SECURITY.md names the tests that keep each promise: each named test must exist."""

from __future__ import annotations

import re

from tests.conftest import REPO


def named_tests(text: str) -> list[tuple[str, str]]:
    """(file, test) for each `tests/file.py::name` and each `::name` that follows one."""
    found, current = [], ""
    for path, name in re.findall(r"`(tests/[\w/]+\.py)?::(\w+)`", text):
        current = path or current
        found.append((current, name))
    return found


def test_every_test_security_md_names_exists():
    named = named_tests((REPO / "SECURITY.md").read_text(encoding="utf-8"))
    assert len(named) > 60
    missing = [f"{path}::{name}" for path, name in named
               if not re.search(rf"^(async )?def {name}\(", (REPO / path).read_text(encoding="utf-8"),
                                re.MULTILINE)]
    assert not missing, missing


def test_every_test_file_security_md_names_exists():
    text = (REPO / "SECURITY.md").read_text(encoding="utf-8")
    files = set(re.findall(r"`(tests/[\w/]+\.py)", text))
    assert files and all((REPO / f).is_file() for f in files), files
