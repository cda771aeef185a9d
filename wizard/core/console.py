"""The Developer Console as the wizard sees it: a person (real Adobe) or an HTTP API (sandbox).

Screens and commands ask a `Console`: each operation answers `Done(value)` when the console did
it, or `PersonDoes(instructions)` when a person does it in Adobe's web console, and the caller
renders whichever comes back. Before offering to do something, a caller asks for a named
`Capability`, never which console it has. `console_for` is the one place that chooses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeAlias, TypeVar

from wizard.core.errors import RefusedError, WizardError
from wizard.core.http import json_object, request
from wizard.core.vocabulary import AuthType, Subject

if TYPE_CHECKING:
    from wizard.core.io_management import NewSecret
    from wizard.core.profile import Profile

CONSOLE_URL = "https://developer.adobe.com/console"

# The seed's console steps, as a checklist the wizard shows.
CREATE_STEPS = (
    f"Open the Adobe Developer Console ({CONSOLE_URL}).",
    "Select the right organization in the drop-down at the top.",
    "Create a new project, then Add API (the old console called this New Integration).",
    "Choose Access an API.",
    "Under Adobe Experience Platform, select Experience Platform Launch API.",
    "Give it a descriptive name and a detailed description.",
)
UPLOAD_STEPS = (
    "Open the integration's credential in the Developer Console.",
    "Drag and drop the certificate file (or select it) to upload it.",
    "More than one certificate may be added: keep the old one until the new one works.",
    "Compare the fingerprint the console shows with the one here.",
)


@dataclass(frozen=True)
class Credentials:
    """What a person copies from the console's credential page."""

    org_id: str
    client_id: str
    client_secret: str
    technical_account_id: str = ""
    technical_account_email: str = ""
    metascopes: list[str] = field(default_factory=list)
    scopes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Uploaded:
    fingerprint_sha1: str
    not_after: str


MIGRATE_STEPS = (
    "In the Developer Console, open the credential and press \"Migrate to OAuth Server-to-Server\" "
    "(it keeps the client ID and adds the new credential beside JWT).",
)
ORGANIZATION_STEPS = CREATE_STEPS[:2]
LOOK_UP_STEPS = ("Open the integration's credential page in the Developer Console.",)
REMOVE_CERTIFICATE_STEPS = (
    "Open the integration's credential in the Developer Console.",
    "Delete the old certificate (compare its fingerprint): Adobe's expiry mails stop only then.",
)
SECRETS_STEPS = (
    "Open the credential in the Developer Console.",
    "Its client secrets are listed, added (two at most) and deleted there; a new one is shown once.",
)

T = TypeVar("T")


@dataclass(frozen=True)
class Done(Generic[T]):
    """The console did it: here is what it shows."""

    value: T


@dataclass(frozen=True)
class PersonDoes:
    """A person does it in the web console, following these steps, and types back what it shows."""

    instructions: tuple[str, ...]


Answer: TypeAlias = Done[T] | PersonDoes


class Capability(StrEnum):
    """What a console can do by itself (asked before a screen or command offers to do it)."""

    FIND_ORGANIZATION = "find-organization"
    CREATE_INTEGRATION = "create-integration"  # so a new credential type is a new integration
    UPLOAD_CERTIFICATE = "upload-certificate"
    MIGRATE = "migrate"
    RECOVER_SECRET = "recover-secret"  # give back a client secret it made and never showed
    MANAGE_SECRETS = "manage-secrets"  # list, add and delete a credential's client secrets


class Console(Protocol):
    """The seam the wizard's screens ask: they render the answer, never test which console."""

    def offers(self, capability: Capability) -> bool: ...

    def find_organization(self) -> Answer[str]: ...

    def create(self, name: str, auth_type: AuthType, role: str = "") -> Answer[Credentials]: ...

    def look_up(self, client_id: str) -> Answer[Credentials | None]: ...

    def upload(self, client_id: str, pem: str) -> Answer[Uploaded]: ...

    def remove_certificate(self, client_id: str, fingerprint_sha1: str) -> Answer[None]: ...

    def press_migrate(self, client_id: str) -> Answer[None]: ...

    def secret_ids(self, client_id: str) -> Answer[list[str]]: ...

    def add_secret(self, client_id: str) -> Answer[NewSecret]: ...

    def remove_secret(self, client_id: str, secret_id: str) -> Answer[None]: ...


class ConsoleRefused(RefusedError):
    pass


class ManualConsole:
    """Real Adobe: the person follows the steps and types the values back."""

    def offers(self, capability: Capability) -> bool:
        return False

    def find_organization(self) -> Answer[str]:
        return PersonDoes(ORGANIZATION_STEPS)

    def create(self, name: str, auth_type: AuthType, role: str = "") -> Answer[Credentials]:
        return PersonDoes(CREATE_STEPS)

    def look_up(self, client_id: str) -> Answer[Credentials | None]:
        return PersonDoes(LOOK_UP_STEPS)

    def upload(self, client_id: str, pem: str) -> Answer[Uploaded]:
        return PersonDoes(UPLOAD_STEPS)

    def remove_certificate(self, client_id: str, fingerprint_sha1: str) -> Answer[None]:
        return PersonDoes(REMOVE_CERTIFICATE_STEPS)

    def press_migrate(self, client_id: str) -> Answer[None]:
        return PersonDoes(MIGRATE_STEPS)

    def secret_ids(self, client_id: str) -> Answer[list[str]]:
        return PersonDoes(SECRETS_STEPS)

    def add_secret(self, client_id: str) -> Answer[NewSecret]:
        return PersonDoes(SECRETS_STEPS)

    def remove_secret(self, client_id: str, secret_id: str) -> Answer[None]:
        return PersonDoes(SECRETS_STEPS)


class SandboxConsole:
    """The sandbox's console API: one click does what a person does in the web console.

    Each `Console` operation answers `Done`, but where the sandbox holds nothing to act on and a
    person acts in the console that does."""

    def __init__(self, console_url: str) -> None:
        self.console_url = console_url.rstrip("/")

    def offers(self, capability: Capability) -> bool:
        return True

    def find_organization(self) -> Done[str]:
        found = self._call("GET", "/organization") or {}
        return Done(str(found.get("org_id", "")))

    def create(self, name: str, auth_type: AuthType, role: str = "",
               scopes: list[str] | None = None) -> Done[Credentials]:
        body: dict[str, Any] = {"name": name, "auth_type": auth_type,
                                **({"role": role} if role else {}), **({"scopes": scopes} if scopes else {})}
        return Done(_credentials(self._call("POST", "/integrations", body) or {}))

    def look_up(self, client_id: str) -> Done[Credentials | None]:
        """The integration as the sandbox keeps it (secret included), or None if it has none."""
        found = self._call("GET", f"/integrations/{client_id}")
        return Done(_credentials(found) if found is not None else None)

    def upload(self, client_id: str, pem: str) -> Done[Uploaded]:
        if not client_id:
            raise ConsoleRefused("no integration was created yet: the certificate has none to go to",
                                 "create the integration", subject=Subject.INTEGRATION)
        made = self._call("POST", f"/integrations/{client_id}/certificates", {"certificate": pem})
        if made is None:
            raise ConsoleRefused(f"the sandbox has no integration with client ID {client_id}",
                                 "create the integration again", status=404,
                                 subject=Subject.INTEGRATION)
        return Done(Uploaded(made["fingerprint_sha1"], made["not_after"]))

    def remove_certificate(self, client_id: str, fingerprint_sha1: str) -> Answer[None]:
        """Done once deleted; a certificate the sandbox does not hold is deleted where it is."""
        path = f"/integrations/{client_id}/certificates/{fingerprint_sha1}"
        return Done(None) if self._call("DELETE", path) is not None else PersonDoes(REMOVE_CERTIFICATE_STEPS)

    def press_migrate(self, client_id: str) -> Answer[None]:
        """The console's "Migrate to OAuth Server-to-Server" button; an integration the sandbox
        does not hold is migrated where it is."""
        pressed = self._call("POST", f"/integrations/{client_id}/migrate")
        return Done(None) if pressed is not None else PersonDoes(MIGRATE_STEPS)

    def secret_ids(self, client_id: str) -> Done[list[str]]:
        """The ids of the integration's client secrets (none if it has none)."""
        found = self._call("GET", f"/integrations/{client_id}") or {}
        return Done([str(s["id"]) for s in found.get("client_secrets", [])])

    def add_secret(self, client_id: str) -> Done[NewSecret]:
        """A new client secret beside the old one."""
        from wizard.core.io_management import NewSecret

        made = self._call("POST", f"/integrations/{client_id}/secrets")
        if not made:
            raise RefusedError("the sandbox's console has no such integration",
                               "create the integration again", status=404)
        return Done(NewSecret(str(made["id"]), str(made["secret"])))

    def remove_secret(self, client_id: str, secret_id: str) -> Done[None]:
        if self._call("DELETE", f"/integrations/{client_id}/secrets/{secret_id}") is None:
            raise RefusedError(f"the sandbox's console has no client secret {secret_id}", "", status=404)
        return Done(None)

    def _call(self, method: str, path: str,
              body: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """The console's JSON answer; None for 404 (nothing there); ConsoleRefused otherwise."""
        response = request(method, f"{self.console_url}{path}", json=body)
        if response.status_code == 404:
            return None
        if response.status_code == 204:
            return {}
        answer = json_object(response, "the sandbox console")
        if response.status_code not in (200, 201):
            raise ConsoleRefused(f"the sandbox console refused: {answer.get('message', answer)}",
                                 "correct the request and try again", status=response.status_code)
        return answer

    def credential_page(self, client_id: str) -> str:
        """The credential page's URL, which holds its console IDs (the I/O Management API's)."""
        return str((self._call("GET", f"/integrations/{client_id}") or {}).get("credential_page", ""))


def _credentials(made: dict[str, Any]) -> Credentials:
    return Credentials(made["org_id"], made["client_id"], made["client_secret"],
                       made["technical_account_id"], made["technical_account_email"],
                       made["metascopes"], made["scopes"])


def console_for(profile: Profile) -> Console:
    """The sandbox's console when the profile talks to a sandbox on this machine, else a person."""
    from urllib.parse import urlsplit

    from wizard.core.profile import is_loopback

    host = urlsplit(profile.ims_url).hostname or ""
    if is_loopback(host):
        console = SandboxConsole(f"{profile.ims_url.rstrip('/')}/console")
        try:
            if console.find_organization().value:
                return console
        except WizardError:
            pass  # another IMS-compatible server on this machine: its console is a person's
    return ManualConsole()
