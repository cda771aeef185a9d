"""The Launch (Reactor) API call that proves an integration works: GET /companies."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wizard.core.errors import ReactorError
from wizard.core.http import json_object, request, retry_after

if TYPE_CHECKING:
    from httpx import Response

ACCEPT = "application/vnd.api+json;revision=1"


@dataclass(frozen=True)
class Company:
    id: str
    name: str
    org_id: str
    rights: list[str] = field(default_factory=list)


def headers(access_token: str, client_id: str, org_id: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {access_token}",
        "x-api-key": client_id,
        "x-gw-ims-org-id": org_id,
        "Accept": ACCEPT,
        "Content-Type": "application/vnd.api+json",
    }


def curl_command(reactor_url: str, access_token: str, client_id: str, org_id: str) -> str:
    """The seed's sample request: what the console's "Generate JWT" tab offers to copy."""
    lines = [f"curl '{reactor_url.rstrip('/')}/companies'"]
    lines += [f"  -H '{name}: {value}'" for name, value in headers(access_token, client_id, org_id).items()]
    return " \\\n".join(lines)


def get_companies(reactor_url: str, access_token: str, client_id: str, org_id: str) -> list[Company]:
    response = request("GET", f"{reactor_url.rstrip('/')}/companies",
                       headers=headers(access_token, client_id, org_id))
    return parse_companies(response)


def parse_companies(response: Response) -> list[Company]:
    """The companies in a GET /companies answer, or the Launch API's refusal as a ReactorError."""
    if response.status_code == 429:
        raise ReactorError("the Launch API is throttling this integration (HTTP 429)",
                           retry_after(response), code="429", status=429, subject="throttled")
    body = json_object(response, "the Launch API")
    if response.status_code != 200:
        raise reactor_error(response.status_code, body)
    data = body.get("data")
    if not isinstance(data, list):
        raise ReactorError("the Launch API answered without a list of companies",
                           "check the Reactor URL", code="bad_body", status=200)
    return [_company(item) for item in data if isinstance(item, dict)]


def _object(value: object) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one: a server's answer is not trusted."""
    return value if isinstance(value, dict) else {}


def _company(item: dict[str, Any]) -> Company:
    attributes, meta = _object(item.get("attributes")), _object(item.get("meta"))
    rights = meta.get("rights")
    return Company(str(item.get("id", "")), str(attributes.get("name", "")),
                   str(attributes.get("org_id", "")),
                   [str(r) for r in rights] if isinstance(rights, list) else [])


# code -> (fix, what the user corrects: see errors.SUBJECTS)
_ADVICE: dict[str, tuple[str, str]] = {
    # the gateway's codes
    "401013": ("the access token expired or was revoked: get a new one with "
               "`launch-wizard token --refresh`", "token"),
    "403003": ("the client ID (API key) is wrong or missing: it must be the integration's client ID",
               "client_id"),
    # Reactor's JSON:API codes
    "invalid-org": ("the organization ID does not match the token's organization: check --org-id",
                    "org_id"),
    "not-authorized": ("the integration lacks the right for this: give it a role or product "
                       "profile with that right (`launch-wizard roles`)", "rights"),
    "authentication-failure": ("the access token was not accepted: get a new one with "
                               "`launch-wizard token --refresh`", "token"),
    "oauth-token-invalid": ("the access token is not valid for the Launch API (expired, revoked, or "
                            "issued without the Launch API's scopes): get a new one with "
                            "`launch-wizard token --refresh`, and check that the credential has "
                            "the Experience Platform Launch API", "token"),
    "no-available-orgs": ("the credential's technical account belongs to no organization with "
                          "Launch (Tags): add the Experience Platform Launch API and a product "
                          "profile to the credential in the Developer Console", "rights"),
}


def reactor_error(status: int, body: dict[str, Any]) -> ReactorError:
    if "error_code" in body:  # the gateway's shape
        code = str(body["error_code"])
        text = str(body.get("message") or "no message")
    else:
        errors = body.get("errors")
        first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
        code = str(first.get("code") or f"HTTP {status}")
        text = str(first.get("detail") or first.get("title") or "no detail")
    if status == 404 and code not in _ADVICE:
        return ReactorError(f"the Launch API found no company for this organization ({text})",
                            "ask an admin to provision Launch (Tags) for the organization, or "
                            "check --org-id", code=code, status=status, subject="org_id")
    fix, subject = _ADVICE.get(code) or _fallback(status)
    return ReactorError(f"the Launch API refused ({code}): {text}", fix, code=code, status=status,
                        subject=subject)


def _fallback(status: int) -> tuple[str, str]:
    if status == 401:
        return "get a new token with `launch-wizard token --refresh`", "token"
    if status == 403:
        return "the integration is not allowed to do this: check its role or product profile", "rights"
    return "check `launch-wizard status`; if it looks right, try again later", "profile"
