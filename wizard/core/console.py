"""The Developer Console as the wizard sees it: a person (real Adobe) or an HTTP API (sandbox).

Screens and commands ask a `Console`; only this seam knows which one they have.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard.core.errors import RefusedError
from wizard.core.http import json_object, request

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

    def create_integration(self, name: str, auth_type: str, role: str = "") -> Credentials | None:
        return None

    def upload_certificate(self, client_id: str, pem: str) -> Uploaded | None:
        return None


class SandboxConsole:
    """The sandbox's console API: one click does what a person does in the web console."""

    automatic = True

    def __init__(self, console_url: str) -> None:
        self.console_url = console_url.rstrip("/")

    def _post(self, path: str, body: dict) -> dict:
        response = request("POST", f"{self.console_url}{path}", json=body)
        answer = json_object(response, "the sandbox console")
        if response.status_code not in (200, 201):
            raise ConsoleRefused(f"the sandbox console refused: {answer.get('message', answer)}",
                                 "correct the request and try again", status=response.status_code)
        return answer

    def create_integration(self, name: str, auth_type: str, role: str = "") -> Credentials:
        body = {"name": name, "auth_type": auth_type, **({"role": role} if role else {})}
        made = self._post("/integrations", body)
        return Credentials(made["org_id"], made["client_id"], made["client_secret"],
                           made["technical_account_id"], made["technical_account_email"],
                           made["metascopes"], made["scopes"])

    def upload_certificate(self, client_id: str, pem: str) -> Uploaded:
        made = self._post(f"/integrations/{client_id}/certificates", {"certificate": pem})
        return Uploaded(made["fingerprint_sha1"], made["not_after"])
