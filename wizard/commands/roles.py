"""roles: the seed's role/permission table, and "which role do I need?" (the answer first)."""

from __future__ import annotations

import json
from argparse import Namespace
from typing import TYPE_CHECKING

from wizard.core.roles import PERMISSIONS, RIGHTS, ROLES, least_privileged, matrix, permission

if TYPE_CHECKING:
    from rich.console import Console


def roles(args: Namespace) -> int:
    wanted = list(dict.fromkeys(permission(p) for p in args.can or []))
    best = least_privileged(wanted) if wanted else []
    if args.json:
        body: dict[str, object] = {
            "matrix": matrix(),
            "roles": {r.name: {"description": r.description, "metascope": r.metascope,
                               "rights": r.rights} for r in ROLES},
        }
        if wanted:
            body["can"] = {"permissions": wanted, "least_privileged": best}
        print(json.dumps(body, indent=2))
        return 0
    import sys

    from rich.console import Console

    # a terminal's width cuts the table to fit; a pipe or a file gets it whole
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 1000)
    if wanted:
        console.print(f"to {', '.join(wanted)}: [bold green]{' or '.join(best)}[/bold green] "
                      f"(product-profile rights: {', '.join(RIGHTS[p] for p in wanted)})")
        if not args.table:
            return 0
        console.print()
    _table(console, best, wanted)
    return 0


def _table(console: Console, best: list[str], wanted: list[str]) -> None:
    from rich.table import Table

    table = Table(title="Launch roles and permissions", title_justify="left")
    table.add_column("Permission")
    for r in ROLES:
        table.add_column(r.name, justify="center", style="bold green" if r.name in best else None)
    for p in PERMISSIONS:
        table.add_row(p, *("X" if p in r.permissions else "" for r in ROLES),
                      style="bold" if p in wanted else None)
    console.print(table)
    for r in ROLES:
        console.print(f"[bold]{r.name}[/bold] {r.description}  [dim]metascope {r.metascope}[/dim]")
