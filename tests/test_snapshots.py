"""Every screen of the wizard, at 80x24 and 120x40, compared with tests/snapshots/.

Values that differ from run to run (ports, IDs, fingerprints, dates, timers, temp paths) are
normalised first, so a snapshot changes only when a screen changes. After a deliberate change:
`make test PYTEST_ARGS="tests/test_snapshots.py --snapshot-update"`, then look at the SVGs.
"""

import asyncio
import difflib
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


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_screen_matches_its_snapshot(size, request, monkeypatch):
    update = request.config.getoption("--snapshot-update")
    failed = SNAPSHOTS / "__failed__"
    mismatches = []

    def shoot(app, name: str) -> None:
        path = SNAPSHOTS / f"{name}-{size[0]}x{size[1]}.svg"
        got = normalise(app.export_screenshot(title=name))
        if update:
            path.parent.mkdir(exist_ok=True)
            path.write_text(got)
            return
        if not path.exists():
            mismatches.append(f"{path.name}: no snapshot (run with --snapshot-update)")
            return
        want = path.read_text()
        if got != want:
            failed.mkdir(exist_ok=True)
            (failed / path.name).write_text(got)
            diff = "".join(line[:300] + ("…\n" if len(line) > 300 else "") for line in list(
                difflib.unified_diff(want.splitlines(True), got.splitlines(True), n=0))[:12])
            mismatches.append(f"{path.name} differs (new one in {failed.name}/):\n{diff}")

    monkeypatch.setenv("LAUNCH_WIZARD_CONFIG_DIR", "")  # restored after; the tour sets its own
    with repeatable_sandbox() as sandbox:
        shots = asyncio.run(tour(sandbox, size, shoot))
    assert shots == EXPECTED
    assert not mismatches, "\n".join(mismatches)


def test_snapshots_hold_no_secret():
    """Stored screens never show a token, a client secret or a private key."""
    for path in SNAPSHOTS.glob("*.svg"):
        text = path.read_text()
        assert "p8e-" not in text, path.name  # sandbox client secrets start so
        assert "PRIVATE&#160;KEY" not in text and "MII" not in text.replace("MIIB", ""), path.name
        assert "eyJ" not in text, path.name  # a real token (JWT) never; the revealed one is a stand-in
