"""No function grows past 15 paths through it: radon's cyclomatic count, which (unlike ruff's C901)
counts each `and` and `or` too. A function over it is split into ones whose names say what they do."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from radon.complexity import cc_visit
from radon.visitors import Class, Function

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 15


def _functions(blocks: Iterable[Function | Class]) -> Iterator[Function]:
    """Every function: module-level ones, methods, those nested in them, those of nested classes."""
    for block in blocks:
        if isinstance(block, Class):
            yield from _functions([*block.methods, *block.inner_classes])
        else:
            yield block
            yield from _functions(block.closures)


def _over_limit(source: str) -> list[tuple[str, int, int]]:
    # radon lists a class's methods twice (by themselves and in their class): each counts once
    found = {(f.fullname, f.lineno, f.complexity) for f in _functions(cc_visit(source))}
    return sorted(f for f in found if f[2] > LIMIT)


def test_no_function_is_more_complex_than_the_limit() -> None:
    files = sorted(p for folder in ("wizard", "bench") for p in (ROOT / folder).rglob("*.py"))
    assert len(files) > 40  # the walk found the code
    over = [f"{path.relative_to(ROOT)}:{line} {name}: {count}"
            for path in files for name, line, count in _over_limit(path.read_text(encoding="utf-8"))]
    assert not over, f"over {LIMIT} by radon's count (split them):\n" + "\n".join(over)


def test_the_count_sees_methods_closures_and_boolean_operators() -> None:
    conditions = " and ".join(f"x{i}" for i in range(LIMIT))  # one `if` and 14 `and`s
    source = (f"class C:\n    def method(self):\n        if {conditions}:\n            return 1\n"
              f"def outer():\n    def inner():\n        if {conditions}:\n            return 1\n")
    assert [(name, count) for name, _, count in _over_limit(source)] == [
        ("C.method", LIMIT + 1), ("inner", LIMIT + 1)]
