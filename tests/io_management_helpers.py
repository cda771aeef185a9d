"""Integrations in the sandbox that may manage their own client secrets (the I/O Management API
added to the project, its scopes on the credential), and the calls a test makes about them."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from tests import sandbox_http
from wizard.sandbox.io_management import IO_MANAGEMENT_SCOPES
from wizard.sandbox.state import S2S_SCOPES

SCOPES = [*S2S_SCOPES, *(s for s in IO_MANAGEMENT_SCOPES if s not in S2S_SCOPES)]


@dataclass(frozen=True)
class Made:
    org_id: str
    client_id: str
    client_secret: str
    page: str  # the credential page's URL, where the console shows its IDs

    @property
    def ids(self) -> tuple[str, str]:
        """(the console's organization number, the credential's number)."""
        parts = urlsplit(self.page).path.split("/")
        return parts[3], parts[6]


def integration(sandbox, *, scopes: list[str] | None = None, name: str = "rotating") -> Made:
    made = sandbox_http.post(f"{sandbox.console_url}/integrations", json={
        "name": name, "auth_type": "oauth-s2s", "scopes": scopes or SCOPES}).json()
    page = sandbox_http.get(f"{sandbox.console_url}/integrations/{made['client_id']}").json()
    return Made(made["org_id"], made["client_id"], made["client_secret"], page["credential_page"])


def secrets_url(sandbox, made: Made) -> str:
    org, credential = made.ids
    return f"{sandbox.base_url}/console/organizations/{org}/credentials/{credential}/secrets"


def token(sandbox, made: Made, secret: str | None = None, scopes: list[str] | None = None) -> httpx.Response:
    return sandbox_http.post(f"{sandbox.ims_url}/ims/token/v3", data={
        "grant_type": "client_credentials", "client_id": made.client_id,
        "client_secret": secret or made.client_secret, "scope": ",".join(scopes or SCOPES)})


def headers(sandbox, made: Made, secret: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(sandbox, made, secret).json()['access_token']}",
            "x-api-key": made.client_id}


def works(sandbox, made: Made, secret: str) -> bool:
    """Whether `secret` still gets a token from the sandbox's IMS."""
    return token(sandbox, made, secret).status_code == 200


def held(sandbox, made: Made, secret: str | None = None) -> list[dict]:
    """The credential's secrets as the sandbox lists them (asked with `secret`, else the first)."""
    listed = sandbox_http.get(secrets_url(sandbox, made), headers=headers(sandbox, made, secret))
    return listed.json()["client_secrets"]


def fault(sandbox, path: str, status: int, times: int = 1, body: object = None) -> None:
    made = sandbox_http.post(f"{sandbox.console_url}/faults", json={
        "path": path, "status": status, "times": times, "body": body})
    assert made.status_code == 201, made.text
