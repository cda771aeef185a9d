"""The Developer Console as the wizard sees it: a person (real Adobe) or an HTTP API (sandbox).

Screens and commands ask a `Console`; only this seam knows which one they have.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wizard.core.errors import RefusedError
from wizard.core.http import json_object, request
from wizard.core.vocabulary import Subject

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


class ConsoleRefused(RefusedError):
    pass


class ManualConsole:
    """Real Adobe: the person follows the steps and types the values back."""

    automatic = False

    def organization(self) -> str | None:
        return None

    def create_integration(self, name: str, auth_type: str, role: str = "") -> Credentials | None:
        return None

    def integration(self, client_id: str) -> Credentials | None:
        return None

    def upload_certificate(self, client_id: str, pem: str) -> Uploaded | None:
        return None

    def remove_certificate(self, client_id: str, fingerprint_sha1: str) -> bool:
        return False

    def migrate(self, client_id: str) -> bool:
        return False

    def add_secret(self, client_id: str) -> tuple[str, str] | None:
        return None

    def secret_ids(self, client_id: str) -> dict[str, str]:
        return {}

    def remove_secret(self, client_id: str, secret_id: str) -> bool:
        return False


class SandboxConsole:
    """The sandbox's console API: one click does what a person does in the web console."""

    automatic = True

    def __init__(self, console_url: str) -> None:
        self.console_url = console_url.rstrip("/")

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

    def organization(self) -> str:
        found = self._call("GET", "/organization") or {}
        return str(found.get("org_id", ""))

    def create_integration(self, name: str, auth_type: str, role: str = "",
                           scopes: list[str] | None = None) -> Credentials:
        body: dict[str, Any] = {"name": name, "auth_type": auth_type,
                                **({"role": role} if role else {}), **({"scopes": scopes} if scopes else {})}
        return _credentials(self._call("POST", "/integrations", body) or {})

    def credential_page(self, client_id: str) -> str:
        """The credential page's URL, which holds its console IDs (the I/O Management API's)."""
        return str((self._call("GET", f"/integrations/{client_id}") or {}).get("credential_page", ""))

    def integration(self, client_id: str) -> Credentials | None:
        """The integration as the sandbox keeps it (secret included), or None if it has none."""
        found = self._call("GET", f"/integrations/{client_id}")
        return _credentials(found) if found is not None else None

    def upload_certificate(self, client_id: str, pem: str) -> Uploaded:
        made = self._call("POST", f"/integrations/{client_id}/certificates", {"certificate": pem})
        if made is None:
            raise ConsoleRefused(f"the sandbox has no integration with client ID {client_id}",
                                 "create the integration again", status=404, subject=Subject.CLIENT_ID)
        return Uploaded(made["fingerprint_sha1"], made["not_after"])

    def remove_certificate(self, client_id: str, fingerprint_sha1: str) -> bool:
        """Whether the certificate was there to delete."""
        path = f"/integrations/{client_id}/certificates/{fingerprint_sha1}"
        return self._call("DELETE", path) is not None

    def migrate(self, client_id: str) -> bool:
        """The console's "Migrate to OAuth Server-to-Server" button."""
        return self._call("POST", f"/integrations/{client_id}/migrate") is not None

    def add_secret(self, client_id: str) -> tuple[str, str] | None:
        """A new client secret beside the old one: (its id, the secret)."""
        made = self._call("POST", f"/integrations/{client_id}/secrets")
        return (str(made["id"]), str(made["secret"])) if made else None

    def secret_ids(self, client_id: str) -> dict[str, str]:
        """The integration's client secrets, by value: their ids."""
        found = self._call("GET", f"/integrations/{client_id}") or {}
        return {str(s["secret"]): str(s["id"]) for s in found.get("client_secrets", [])}

    def remove_secret(self, client_id: str, secret_id: str) -> bool:
        """Whether the secret was there to delete."""
        return self._call("DELETE", f"/integrations/{client_id}/secrets/{secret_id}") is not None


def _credentials(made: dict[str, Any]) -> Credentials:
    return Credentials(made["org_id"], made["client_id"], made["client_secret"],
                       made["technical_account_id"], made["technical_account_email"],
                       made["metascopes"], made["scopes"])
