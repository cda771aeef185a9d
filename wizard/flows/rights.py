"""Can this credential do it? The rights a Launch credential holds on each property it sees, read
from `meta.rights` of its company and of each property (every page), put against the seed's
roles: which of the asked rights it holds there, which it lacks, which role it acts as, and what
to change in the Admin Console for each right it lacks."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import assert_never

from wizard.core import roles
from wizard.core.errors import ConfigError
from wizard.core.reactor import NO_PROPERTY, Company, Properties, Property, Reactor
from wizard.core.roles import Grant

NAMED = 3  # the properties a sentence names before "and N more"
PROFILE = ("in the Admin Console, under Adobe Experience Platform Data Collection, in a product "
           "profile the credential is on")


@dataclass(frozen=True)
class PropertiesRead:
    """A page of a company's properties was read: `read` of `total` so far."""

    company: Company
    read: int
    total: int


@dataclass(frozen=True)
class PropertyRights:
    """What the credential holds on one property: its company's rights and the property's own."""

    property: Property
    held: tuple[str, ...]  # the seed's permissions, in the seed's order
    lacks: tuple[str, ...]  # the asked permissions it does not hold here
    acts_as: tuple[str, ...]  # the seed's roles it does the work of here


@dataclass(frozen=True)
class CompanyRights:
    company: Company
    held: tuple[str, ...]  # the company-wide permissions held
    properties: tuple[PropertyRights, ...]
    lacks: tuple[str, ...]  # asked permissions held nowhere, where the token sees no property


@dataclass(frozen=True)
class Change:
    """What to change for one permission the credential lacks: where it is granted, on which
    properties (none for a company-wide right), and the Admin Console step."""

    permission: str
    company: Company
    properties: tuple[Property, ...]
    fix: str

    @property
    def grant(self) -> Grant:
        return roles.GRANTED_ON[self.permission]

    @property
    def right(self) -> str:
        return roles.RIGHTS[self.permission]


@dataclass(frozen=True)
class RightsReport:
    asked: tuple[str, ...]
    companies: tuple[CompanyRights, ...]

    @property
    def complete(self) -> bool:
        """Every asked right is held everywhere it was asked about (and there was somewhere)."""
        return bool(self.companies) and not any(
            c.lacks or any(p.lacks for p in c.properties) for c in self.companies)

    def changes(self) -> list[Change]:
        """For each lacking permission of each company, what to change."""
        return [change for company in self.companies for change in _changes(company, self.asked)]


def asked_permissions(names: Iterable[str]) -> tuple[str, ...]:
    """The seed's names of the permissions asked for (by the seed's name or the API's), once
    each; an UnknownPermission (with the valid names) for one that is neither."""
    return tuple(dict.fromkeys(roles.permission(name) for name in names))


def check_rights(reactor: Reactor, asked: Sequence[str], wanted: str | None = None,
                 on_event: Callable[[PropertiesRead], None] | None = None) -> RightsReport:
    """The rights report for every property the token sees, or for the one whose ID or name is
    `wanted` (a ConfigError if it sees none such, or several of that name)."""
    permissions = asked_permissions(asked)
    seen = [(company, _every_property(reactor, company, on_event))
            for company in reactor.companies()]
    if wanted is not None:
        company, found = _find(seen, wanted)
        seen = [(company, [found])]
    return RightsReport(permissions, tuple(_company_rights(company, found, permissions)
                                           for company, found in seen))


def _every_property(reactor: Reactor, company: Company,
                    on_event: Callable[[PropertiesRead], None] | None) -> list[Property]:
    found: dict[str, Property] = {}  # by ID: a property that moves between pages counts once
    for page in reactor.property_pages(company):
        found.update((p.id, p) for p in page.first)
        if on_event is not None:
            on_event(PropertiesRead(company, len(found), page.total))
        if not page.first:
            break
    return list(found.values())


def _find(seen: list[tuple[Company, list[Property]]], wanted: str) -> tuple[Company, Property]:
    """The property whose ID is `wanted`, else whose name is (exactly, else in any case)."""
    every = [(company, p) for company, found in seen for p in found]
    tests: list[Callable[[Property], bool]] = [
        lambda p: p.id == wanted, lambda p: p.name == wanted,
        lambda p: p.name.casefold() == wanted.strip().casefold()]
    for same in tests:
        matching = [(company, p) for company, p in every if same(p)]
        if len(matching) == 1:
            return matching[0]
        if matching:
            raise ConfigError(f"{len(matching)} properties are called {wanted!r}",
                              "name it by its ID: " + ", ".join(p.id for _, p in matching))
    names = sorted({p.name for _, p in every}, key=str.casefold)
    raise ConfigError(f"no property {wanted!r} among the {len(every)} this credential sees",
                      ("give one of: " + _some(names, ", ") + " (or an ID)") if names else NO_PROPERTY)


def _permissions(rights: Iterable[str], grant: Grant | None = None) -> set[str]:
    """The seed's permissions among `rights` (the API's names; others are left out), only those
    granted as `grant` if given."""
    found = {roles.permission_of_right(r) for r in rights}
    return {p for p in found if p is not None and (grant is None or roles.GRANTED_ON[p] is grant)}


def held_on(company: Company, found: Property) -> tuple[str, ...]:
    """The seed's permissions the credential holds on a property: its company's company-wide
    rights and the property's own (a company's meta.rights may list property rights too: they
    hold on a property only where that property's meta.rights says so)."""
    return _ordered(_permissions(company.rights, Grant.COMPANY) | _permissions(found.rights))


def acts_as_on(company: Company, found: Property) -> tuple[str, ...]:
    """The seed's roles the credential acts as on a property (what the Test step can say)."""
    return tuple(roles.acts_as(held_on(company, found)))


def _company_rights(company: Company, found: list[Property],
                    asked: tuple[str, ...]) -> CompanyRights:
    on_company = _permissions(company.rights, Grant.COMPANY)
    properties = []
    for p in found:
        held = held_on(company, p)
        properties.append(PropertyRights(p, held, tuple(a for a in asked if a not in held),
                                         tuple(roles.acts_as(held))))
    lacks = () if found else tuple(a for a in asked if a not in on_company)
    return CompanyRights(company, _ordered(on_company), tuple(properties), lacks)


def _ordered(permissions: set[str] | frozenset[str]) -> tuple[str, ...]:
    return tuple(p for p in roles.PERMISSIONS if p in permissions)


def _changes(company: CompanyRights, asked: tuple[str, ...]) -> list[Change]:
    changes = []
    for permission in asked:
        lacking = [p.property for p in company.properties if permission in p.lacks]
        if not lacking and permission not in company.lacks:
            continue
        if roles.GRANTED_ON[permission] is Grant.COMPANY:
            lacking = []  # granted once, on the company, whichever property showed it missing
        changes.append(Change(permission, company.company, tuple(lacking),
                              fix(permission, [p.name for p in lacking])))
    return changes


def fix(permission: str, properties: Sequence[str]) -> str:
    """The Admin Console step that grants `permission` (on `properties`, for a property right;
    none: the credential sees no property yet)."""
    grant = roles.GRANTED_ON[permission]
    match grant:
        case Grant.COMPANY:
            return (f"{PROFILE}, tick {permission} under Company Rights (a company right: it "
                    "holds on every property)")
        case Grant.PROPERTY if properties:
            return (f"{PROFILE}, tick {permission} under Property Rights, with "
                    f"{_some(list(properties))} among its Properties")
        case Grant.PROPERTY:
            return (f"{PROFILE}, add the properties under Properties and tick {permission} under "
                    "Property Rights (this credential sees no property yet)")
        case _:
            assert_never(grant)


def _some(names: list[str], last: str = " and ") -> str:
    """A few names, then how many more: "A, B and C", "A, B, C and 4 more" (`last`: what comes
    before the last name when all are shown)."""
    if len(names) > NAMED:
        return f"{', '.join(names[:NAMED])} and {len(names) - NAMED} more"
    return last.join(filter(None, [", ".join(names[:-1]), *names[-1:]]))


def acts_as_summary(report: RightsReport) -> str:
    """'acts as Publisher on Blog, as Developer on Shop': the properties grouped by the roles the
    credential acts as there, a few names per group."""
    return _acts_as((p.acts_as, p.property.name)
                    for company in report.companies for p in company.properties)


def acts_as_seen(survey: Iterable[Properties]) -> str:
    """The same sentence for the properties a test listed (the first few of each company)."""
    return _acts_as((acts_as_on(found.company, p), p.name) for found in survey for p in found.first)


def acts_as_everywhere(survey: Iterable[Properties]) -> tuple[str, ...]:
    """The roles the credential acts as on every property a test listed, when they are the same
    on each; () when they differ or there is none."""
    acting = {acts_as_on(found.company, p) for found in survey for p in found.first}
    return acting.pop() if len(acting) == 1 else ()


def _acts_as(pairs: Iterable[tuple[tuple[str, ...], str]]) -> str:
    groups: dict[tuple[str, ...], list[str]] = {}
    for acting, name in pairs:
        groups.setdefault(acting, []).append(name)
    parts = [f"as {' and '.join(acting) or 'no role of the table'} on {_some(names)}"
             for acting, names in groups.items()]
    return ("acts " + ", ".join(parts)) if parts else "sees no property to act on"
