"""The command line's help and its argument errors, as they were recorded (tests/data/help): the
parser is built from each command's registration, and how it is built must not change what a
user reads. Compared character for character with the spaces and line breaks left out: where
argparse wraps and how far it indents is its own and changes between Python versions (3.13 indents
the command list two columns more). After a deliberate change of wording, record them again with
`python -m tests.test_cli_help`."""

import re
import sys
from pathlib import Path

import pytest

from tests.conftest import clean_env, run_main
from wizard.cli import COMMANDS

RECORDED = Path(__file__).parent / "data" / "help"
# argument errors: each a wrong use argparse itself refuses (exit 2, the error/fix pair)
BAD = [
    ["--no-such-option"],
    ["no-such-command"],
    ["configure", "--auth", "saml"],
    ["configure", "--org-id"],
    ["export"],
    ["export", "--format", "xml"],
    ["inspect"],
    ["keygen", "--bits", "many"],
    ["api", "/companies", "-X", "TRACE"],
    ["roles", "--can"],
    ["sandbox", "--port", "x"],
    ["token", "extra"],
    ["headers", "--json"],
]


def _env(tmp_path: Path) -> dict[str, str]:
    return clean_env(COLUMNS="100", LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"))


def _seen(argv: list[str], env: dict[str, str]) -> str:
    done = run_main(*argv, env=env)
    return f"exit {done.returncode}\n--- stdout\n{done.stdout}--- stderr\n{done.stderr}"


def _read(text: str) -> str:
    """What a user reads, without argparse's layout: its spacing, and whether a short option
    repeats the metavar its long form shows (`-X METHOD, --method METHOD` before 3.13)."""
    return "".join(re.sub(r"(?m)(\s-\w) \S+, --", r"\1, --", text).split())


def _helps() -> list[tuple[str, list[str]]]:
    return [("launch-wizard", ["--help"]), *((name, [name, "--help"]) for name in COMMANDS)]


def test_every_command_has_its_help_recorded():
    assert {path.stem for path in RECORDED.glob("*.txt")} - {"errors"} == {n for n, _ in _helps()}


@pytest.mark.parametrize(("name", "argv"), _helps(), ids=[n for n, _ in _helps()])
def test_help_reads_as_recorded(name, argv, tmp_path):
    assert _read(_seen(argv, _env(tmp_path))) == _read((RECORDED / f"{name}.txt").read_text())


def _errors(env: dict[str, str]) -> str:
    return "".join(f"=== {' '.join(argv)}\n{_seen(argv, env)}" for argv in BAD)


def test_argument_errors_read_as_recorded(tmp_path):
    assert _read(_errors(_env(tmp_path))) == _read((RECORDED / "errors.txt").read_text())


def _record(folder: Path) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        env = _env(Path(tmp))
        for name, argv in _helps():
            (folder / f"{name}.txt").write_text(_seen(argv, env))
        (folder / "errors.txt").write_text(_errors(env))


if __name__ == "__main__":
    _record(Path(sys.argv[1]) if len(sys.argv) > 1 else RECORDED)
