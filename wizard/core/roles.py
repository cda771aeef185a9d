"""The seed's role/permission matrix, with each role's legacy metascope and today's rights.

Adobe's guide lists six roles and seven permissions. Integrations made before 2019-09 carry
the role as a metascope (`ent_reactor_<role>_sdk`); newer ones use `ent_reactor_sdk` and get
their rights from Admin Console product profiles, named by the identifiers below.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from wizard.core.errors import ConfigError

PERMISSIONS: tuple[str, ...] = (
    "Develop",
    "Approve",
    "Publish",
    "Manage Properties",
    "Manage Extensions",
    "Manage Environments",
    "Develop Extensions",
)

# The product-profile right that corresponds to each permission (what `meta.rights` shows).
RIGHTS: dict[str, str] = {
    "Develop": "develop",
    "Approve": "approve",
    "Publish": "publish",
    "Manage Properties": "manage_properties",
    "Manage Extensions": "manage_extensions",
    "Manage Environments": "manage_environments",
    "Develop Extensions": "develop_extensions",
}



class Grant(StrEnum):
    """Where an Admin Console product profile grants a right: on the company (Company Rights), or
    on each property the profile names (Property Rights)."""

    COMPANY = "company"
    PROPERTY = "property"


GRANTED_ON: dict[str, Grant] = {
    "Develop": Grant.PROPERTY,
    "Approve": Grant.PROPERTY,
    "Publish": Grant.PROPERTY,
    "Manage Properties": Grant.COMPANY,
    "Manage Extensions": Grant.PROPERTY,
    "Manage Environments": Grant.PROPERTY,
    "Develop Extensions": Grant.COMPANY,
}
COMPANY_RIGHTS: tuple[str, ...] = tuple(RIGHTS[p] for p in PERMISSIONS
                                        if GRANTED_ON[p] is Grant.COMPANY)
PROPERTY_RIGHTS: tuple[str, ...] = tuple(RIGHTS[p] for p in PERMISSIONS
                                         if GRANTED_ON[p] is Grant.PROPERTY)
_PERMISSION_BY_RIGHT = {r: p for p, r in RIGHTS.items()}

DEFAULT_METASCOPE = "ent_reactor_sdk"


class UnknownPermission(ConfigError):
    """A permission name that is neither the seed's nor the API's."""


@dataclass(frozen=True)
class Role:
    name: str
    description: str
    metascope: str
    permissions: frozenset[str]

    @property
    def rights(self) -> list[str]:
        return [RIGHTS[p] for p in PERMISSIONS if p in self.permissions]


ROLES: tuple[Role, ...] = (
    Role("Admin", "can do everything", "ent_reactor_admin_sdk", frozenset(PERMISSIONS)),
    Role(
        "IT Admin",
        "can publish and manage properties, extensions, and environments",
        "ent_reactor_it_admin_sdk",
        frozenset({"Publish", "Manage Properties", "Manage Extensions", "Manage Environments"}),
    ),
    Role("Developer", "can only modify existing entities", "ent_reactor_developer_sdk",
         frozenset({"Develop"})),
    Role("Approver", "can only modify and approve changes", "ent_reactor_approver_sdk",
         frozenset({"Develop", "Approve"})),
    Role(
        "Publisher",
        "can modify entities, approve changes, and publish changes to production environments",
        "ent_reactor_publisher_sdk",
        frozenset({"Develop", "Approve", "Publish"}),
    ),
    Role(
        "Extension Developer",
        "can make changes and create new private and public extensions",
        "ent_reactor_extension_developer_sdk",
        frozenset({"Develop", "Develop Extensions"}),
    ),
)

ROLE_NAMES: tuple[str, ...] = tuple(r.name for r in ROLES)
LEGACY_METASCOPES: tuple[str, ...] = tuple(r.metascope for r in ROLES)


def _key(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


_ROLE_BY_KEY = {_key(r.name): r for r in ROLES}
_PERMISSION_BY_KEY = {_key(p): p for p in PERMISSIONS} | {_key(r): p for p, r in RIGHTS.items()}


def role(name: str) -> Role:
    """The role called `name`, forgiving case, spaces, dashes and underscores."""
    found = _ROLE_BY_KEY.get(_key(name))
    if found is None:
        raise ConfigError(f"unknown role {name!r}", "choose one of: " + ", ".join(ROLE_NAMES))
    return found


def permission(name: str) -> str:
    """The permission called `name` as the seed writes it ("Manage Extensions") or as the API
    does (manage_extensions), forgiving case, spaces, dashes and underscores."""
    found = _PERMISSION_BY_KEY.get(_key(name))
    if found is None:
        raise UnknownPermission(f"unknown permission {name!r}", "choose from: " + ", ".join(
            f"{p} ({RIGHTS[p]})" for p in PERMISSIONS))
    return found


def permission_of_right(right: str) -> str | None:
    """The seed's permission for a right of `meta.rights`; None for one the seed has no name for."""
    return _PERMISSION_BY_RIGHT.get(right)


def acts_as(held: Iterable[str]) -> list[str]:
    """The roles a credential holding the permissions `held` does the work of: each role whose
    permissions are all held, less any that another such role contains (Publisher, not also
    Approver and Developer). Several when none contains the others; none when not even Develop."""
    have = set(held)
    fitting = [r for r in ROLES if r.permissions <= have]
    return [r.name for r in fitting if not any(r.permissions < o.permissions for o in fitting)]


def role_for_metascope(metascope: str) -> Role | None:
    return next((r for r in ROLES if r.metascope == metascope), None)


def permissions_of(role_name: str) -> list[str]:
    granted = role(role_name).permissions
    return [p for p in PERMISSIONS if p in granted]


def roles_granting(permission_name: str) -> list[str]:
    wanted = permission(permission_name)
    return [r.name for r in ROLES if wanted in r.permissions]


def least_privileged(permission_names: list[str] | tuple[str, ...]) -> list[str]:
    """The roles with the fewest permissions that still grant all of `permission_names`."""
    wanted = {permission(p) for p in permission_names}
    fitting = [r for r in ROLES if wanted <= r.permissions]
    if not fitting:
        return []
    fewest = min(len(r.permissions) for r in fitting)
    return [r.name for r in fitting if len(r.permissions) == fewest]


def matrix() -> dict[str, list[str]]:
    return {r.name: permissions_of(r.name) for r in ROLES}
