"""can: whether the profile's credential holds the rights asked for, on each property it sees
(exit 0), or not (exit 3, with what to change), before a publish or an install finds out."""

from __future__ import annotations

import json
import textwrap
from argparse import Namespace
from typing import Any

from wizard.commands.output import FAIL, OK, say, warn
from wizard.commands.session import load
from wizard.core.errors import EXIT_OK, EXIT_REFUSED, ReactorError
from wizard.core.reactor import PAGE_SIZE, Reactor
from wizard.core.roles import GRANTED_ON, RIGHTS, Grant
from wizard.core.wording import plural
from wizard.flows.rights import (
    CompanyRights,
    PropertiesRead,
    RightsReport,
    acts_as_summary,
    asked_permissions,
    check_rights,
)
from wizard.flows.session import Session

WIDTH = 80


def can(args: Namespace) -> int:
    asked = asked_permissions(args.permissions)  # a wrong name costs no token
    context = load(args)
    context.profile.require_ready()
    report = _report(context, asked, args.property, quiet=args.json)
    if args.json:
        say(json.dumps(document(report), indent=2), json=True)
    else:
        _show(report)
    return EXIT_OK if report.complete else EXIT_REFUSED


def _report(context: Session, asked: tuple[str, ...], wanted: str | None,
            quiet: bool) -> RightsReport:
    """The report, with the cached token; once more with a new one if the API refuses it."""
    from wizard.core.tokens import drop_refused

    on_event = None if quiet else _progress
    result = context.access_token()
    try:
        return check_rights(Reactor.of(result.profile, result.token.access_token), asked, wanted,
                            on_event)
    except ReactorError as exc:
        drop_refused(result.profile, result, exc)
        if exc.status != 401 or result.source != "cache":
            raise
    result = context.access_token(refresh=True)  # revoked early, or a new sandbox
    return check_rights(Reactor.of(result.profile, result.token.access_token), asked, wanted,
                        on_event)


def _progress(event: PropertiesRead) -> None:
    if event.total > PAGE_SIZE:
        warn(f"reading the properties of {event.company.name}: {event.read} of {event.total}")


def _wrapped(text: str, indent: str, more: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=more,
                         break_long_words=False, break_on_hyphens=False)


def _show(report: RightsReport) -> None:
    asked = ", ".join(f"{p} ({RIGHTS[p]})" for p in report.asked)
    say(_wrapped(f"asked: {asked}", "", "  "))
    for company in report.companies:
        _show_company(company)
    if not report.companies:
        say(f"{FAIL} the token sees no company")
    say(_wrapped(acts_as_summary(report), "", "  "))
    changes = report.changes()
    if not changes:
        say(f"{OK} holds every right asked for, everywhere asked")
        return
    say(f"{FAIL} lacks some: what to change")
    for change in changes:
        where = "company-wide" if change.grant is Grant.COMPANY else "a property right"
        say(_wrapped(f"{change.permission} ({where}): {change.fix}", "  ", "    "))


def _show_company(company: CompanyRights) -> None:
    held = ", ".join(company.held) or "none"
    say(_wrapped(f"{company.company.name}: "
                 f"{plural(len(company.properties), 'property', 'properties')}; company-wide "
                 f"rights: {held}", "", "  "))
    for found in company.properties:
        p = found.property
        acting = " and ".join(found.acts_as) or "no role of the table"
        lacks = f"; lacks {', '.join(found.lacks)}" if found.lacks else ""
        say(_wrapped(f"{FAIL if found.lacks else OK} {p.name}: acts as {acting}{lacks}",
                     "  ", "      "))
    if company.lacks:
        say(_wrapped(f"{FAIL} lacks {', '.join(company.lacks)}: it sees no property", "  ",
                     "      "))


def document(report: RightsReport) -> dict[str, Any]:
    """The report as `--json` prints it: rights by the API's names, roles by the seed's."""
    def rights(permissions: tuple[str, ...] | list[str]) -> list[str]:
        return [RIGHTS[p] for p in permissions]

    return {
        "ok": report.complete,
        "asked": [{"permission": p, "right": RIGHTS[p], "granted_on": str(GRANTED_ON[p])}
                  for p in report.asked],
        "companies": [{
            "id": c.company.id, "name": c.company.name, "rights": c.company.rights,
            "held": rights(c.held), "lacks": rights(c.lacks),
            "properties": [{
                "id": p.property.id, "name": p.property.name, "platform": p.property.platform,
                "rights": p.property.rights, "held": rights(p.held), "acts_as": list(p.acts_as),
                "lacks": rights(p.lacks)} for p in c.properties],
        } for c in report.companies],
        "changes": [{"right": ch.right, "permission": ch.permission,
                     "granted_on": str(ch.grant), "company": ch.company.id,
                     "properties": [p.id for p in ch.properties], "fix": ch.fix}
                    for ch in report.changes()],
    }
