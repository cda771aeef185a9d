"""Each command registers its options and its handler together (wizard/cli.py): the parser lists
exactly the registered commands, a parsed command line carries its own command's handler, and no
command's module is imported until that command runs."""

import pytest

from tests.conftest import clean_env
from tests.test_import_hygiene import loaded_after
from wizard.cli import COMMANDS, build_parser

REQUIRED = {"inspect": ["key.pem"], "import": ["file.json"], "export": ["--format", "env"],
            "api": ["/companies"], "can": ["publish"]}


def test_the_parser_offers_the_registered_commands_in_order():
    subcommands = build_parser()._subparsers._group_actions[0].choices
    assert list(subcommands) == list(COMMANDS)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_command_line_carries_its_own_commands_handler(name):
    args = build_parser().parse_args([name, *REQUIRED.get(name, [])])
    assert args.command == name
    assert args.run.__qualname__ == f"{COMMANDS[name].arguments.__name__}.<locals>.run"


def test_building_the_parser_imports_no_command():
    modules = loaded_after("from wizard.cli import build_parser\nbuild_parser().parse_args(['api', '/x'])",
                           env=clean_env())
    assert not [m for m in modules if m.startswith("wizard.commands")]
    assert not {m.split(".")[0] for m in modules} & {"textual", "rich", "httpx", "jwt"}
