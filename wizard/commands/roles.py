"""roles: the seed's role/permission table, and "which role do I need?"."""

from __future__ import annotations

import json

from wizard.core.roles import PERMISSIONS, ROLES, least_privileged, matrix, permission


def roles(args) -> int:
    wanted = [permission(p) for p in args.can] if args.can else []
    best = least_privileged(wanted) if wanted else []
    if args.json:
        body = {
            "matrix": matrix(),
            "roles": {r.name: {"description": r.description, "metascope": r.metascope,
                               "rights": r.rights} for r in ROLES},
        }
        if wanted:
            body["can"] = {"permissions": wanted, "least_privileged": best}
        print(json.dumps(body, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Launch roles and permissions", title_justify="left")
    table.add_column("Permission")
    for r in ROLES:
        table.add_column(r.name, justify="center",
                         style="bold green" if r.name in best else None)
    for p in PERMISSIONS:
        table.add_row(p, *("X" if p in r.permissions else "" for r in ROLES),
                      style="bold" if p in wanted else None)
    console = Console()
    console.print(table)
    for r in ROLES:
        console.print(f"[bold]{r.name}[/bold] {r.description}  [dim]metascope {r.metascope}[/dim]",
                      highlight=False)
    if wanted:
        answer = " or ".join(best)
        console.print(f"\nto {', '.join(wanted)}: [bold green]{answer}[/bold green] "
                      f"(product-profile rights: {', '.join(_rights(wanted))})", highlight=False)
    return 0


def _rights(wanted: list[str]) -> list[str]:
    from wizard.core.roles import RIGHTS

    return [RIGHTS[p] for p in wanted]
