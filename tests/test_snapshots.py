"""Every screen of the wizard, at 80x24 and 120x40, compared with tests/snapshots/.

The tour runs once per size; each screen is its own test, so one screen that differs names
itself and the others are still compared. Values that differ from run to run (ports, IDs,
fingerprints, dates, timers, temp paths) are normalised first, so a snapshot changes only when a
screen changes. After a deliberate change:
`make test PYTEST_ARGS="tests/test_snapshots.py --snapshot-update"`, then look at the SVGs.
"""

import asyncio
import difflib
import fcntl
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest

from tests.tour import normalise, repeatable_sandbox, tour

SNAPSHOTS = Path(__file__).parent / "snapshots"
SIZES = [(80, 24), (120, 40)]
EXPECTED = ["01-organization", "02-organization-error", "03-role", "04-role-created", "05-keys",
            "06-keys-generated", "07-upload", "08-credentials", "09-credentials-errors",
            "10-credentials-filled", "11-test-passed", "12-test-token-revealed", "13-done",
            "14-help", "15-role-lookup", "16-done-light", "17-test-failed", "18-s2s-created",
            "19-s2s-credentials", "20-s2s-test-passed", "21-no-keyring",
            "22-import-refused"]


@dataclass
class Tour:
    """What one tour at one size showed: each screen's normalised SVG, in the order shot."""

    size: tuple[int, int]
    shots: dict[str, str] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    stopped: str | None = None  # why the tour ended before its last screen

    def path(self, name: str) -> Path:
        return SNAPSHOTS / f"{name}-{self.size[0]}x{self.size[1]}.svg"


@pytest.fixture(scope="module", params=SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def toured(request, tmp_path_factory) -> Tour:
    """The tour at one size, once for all its screens' tests, and once per run whichever worker
    asks first: the others read what it saw (pytest-xdist's recipe for a once-only fixture)."""
    size = request.param
    if not os.environ.get("PYTEST_XDIST_WORKER"):  # one process (-n 0, or without xdist)
        return _take(size)
    shared = tmp_path_factory.getbasetemp().parent / f"tour-{size[0]}x{size[1]}.json"
    with open(f"{shared}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if shared.exists():
            kept = json.loads(shared.read_text())
            return Tour(size, kept["shots"], kept["order"], kept["stopped"])
        seen = _take(size)
        shared.write_text(json.dumps(asdict(seen)))
        return seen


def _take(size: tuple[int, int]) -> Tour:
    seen = Tour(size)

    def shoot(name: str, svg: str) -> None:
        seen.shots[name] = normalise(svg)
        seen.order.append(name)

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LAUNCH_WIZARD_CONFIG_DIR", "")  # restored after; the tour sets its own
        with repeatable_sandbox(size) as sandbox:
            try:
                asyncio.run(tour(sandbox, seen.size, shoot))
            except Exception as exc:  # noqa: BLE001 - the screens shot so far are still compared
                seen.stopped = f"{type(exc).__name__}: {exc}"
    return seen


def test_the_tour_shows_every_screen_once(toured):
    assert toured.stopped is None, toured.stopped
    assert toured.order == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_screen_matches_its_snapshot(toured, name, request):
    if name not in toured.shots:
        pytest.fail(f"the tour stopped before {name}: {toured.stopped}")
    got, path = toured.shots[name], toured.path(name)
    if request.config.getoption("--snapshot-update"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(got)
        return
    assert path.exists(), f"{path.name}: no snapshot (run with --snapshot-update)"
    want = path.read_text()
    if got != want:
        failed = SNAPSHOTS / "__failed__"
        failed.mkdir(exist_ok=True)
        (failed / path.name).write_text(got)
        diff = "".join(line[:300] + ("…\n" if len(line) > 300 else "") for line in list(
            difflib.unified_diff(want.splitlines(True), got.splitlines(True), n=0))[:12])
        pytest.fail(f"{path.name} differs (new one in {failed.name}/):\n{diff}")


def test_snapshots_hold_no_secret():
    """Stored screens never show a token, a client secret or a private key."""
    for path in SNAPSHOTS.glob("*.svg"):
        text = path.read_text()
        assert "p8e-" not in text, path.name  # sandbox client secrets start so
        assert "PRIVATE&#160;KEY" not in text and "MII" not in text.replace("MIIB", ""), path.name
        assert "eyJ" not in text, path.name  # a real token (JWT) never; the revealed one is a stand-in
