"""The sandbox's I/O Management API: one credential's client secrets, in Adobe's shapes.

Adobe serves them at `https://api.adobe.io/console/organizations/{orgId}/credentials/{credentialId}/secrets`,
where both IDs are the console's numbers (from the credential page's URL); the sandbox serves the
same path under its own base. List (metadata and last use, never a value), add (201: the only
answer with the value; at most two per credential), delete by uuid (204). A token must carry the
I/O Management scopes (403 without them), with the credential's client ID as `x-api-key`.

The bodies of the 401 and 403 answers are the gateway's shape (`error_code`, `message`), as the
Reactor gateway answers; the wording of the missing-scope and two-secret answers is the sandbox's own.
"""

from __future__ import annotations

import hashlib
import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wizard.core.io_management import IO_MANAGEMENT_SCOPES  # data shared, as the role table is
from wizard.sandbox.state import ConsoleRefusal, Integration, SandboxState, secret_id


def _number(text: str, digits: int) -> str:
    """A console-style numeric ID that follows from `text` (stable across restarts)."""
    return str(int(hashlib.sha1(text.encode()).hexdigest(), 16) % 10 ** digits).rjust(digits, "1")


def console_org(org_id: str) -> str:
    """The organization's number in the console's URLs (not its ...@AdobeOrg ID)."""
    return _number(f"org:{org_id}", 6)


def credential_number(client_id: str) -> str:
    return _number(f"credential:{client_id}", 7)


def credential_page(base_url: str, integration: Integration) -> str:
    """The credential page's URL, shaped like the Developer Console's, with both IDs in it."""
    project = _number(f"project:{integration.client_id}", 13)
    return (f"{base_url}/console/projects/{console_org(integration.org_id)}/{project}/credentials/"
            f"{credential_number(integration.client_id)}/details/oauthservertoserver")


def secret_uuid(secret: str) -> str:
    return str(uuid.UUID(hex=hashlib.sha1(f"uuid:{secret}".encode()).hexdigest()[:32]))


def _gateway(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error_code": code, "message": message}, status)


def _authorize(request: Request) -> Integration | JSONResponse:
    """The credential in the path, once the token, API key, scopes and organization allow it."""
    from wizard.sandbox.reactor import token_owner

    state: SandboxState = request.app.state.sandbox
    authorization = request.headers.get("authorization", "")
    owner = token_owner(state, authorization)
    if owner is None:
        return _gateway(401, "401013", "Oauth token is not valid")
    caller = owner[0]
    if request.headers.get("x-api-key", "") != caller.client_id:
        return _gateway(403, "403003", "Api Key is invalid")
    missing = [s for s in IO_MANAGEMENT_SCOPES if s not in _scopes(authorization)]
    if missing:
        return _gateway(403, "403025", "the access token lacks the I/O Management scopes "
                                       f"{', '.join(missing)}")
    if request.path_params["org"] != console_org(caller.org_id):
        return _gateway(403, "403027", "the access token is not for this organization")
    wanted = request.path_params["credential"]
    with state.lock:
        found = next((i for i in state.integrations.values() if i.org_id == caller.org_id
                      and credential_number(i.client_id) == wanted), None)
    if found is None:
        return JSONResponse({"error_code": "404", "message": f"no credential {wanted}"}, 404)
    return found


def _scopes(authorization: str) -> set[str]:
    """The scopes of a token `token_owner` accepted (its signature is checked there)."""
    import jwt

    claims = jwt.decode(authorization.partition(" ")[2].strip(), options={"verify_signature": False})
    return {s.strip() for s in str(claims.get("scope", "")).split(",")}


def _millis(seconds: float) -> str:
    return str(int(seconds * 1000))


def _time_str(seconds: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _described(integration: Integration, secret: str, started_at: float) -> dict:
    key = secret_id(secret)
    created = integration.secrets_created.get(key, started_at)
    used = integration.secrets_used.get(key)
    return {"uuid": secret_uuid(secret), "created_at": _millis(created),
            "created_at_str": _time_str(created), "expires_at": "PERMANENT",
            "expires_at_str": "PERMANENT",
            "secret_usages": None if used is None else [
                {"last_used_at": _millis(used), "grant_type": "client_credentials"}]}


async def secrets(request: Request) -> Response:
    found = _authorize(request)
    if isinstance(found, JSONResponse):
        return found
    state: SandboxState = request.app.state.sandbox
    started = request.app.state.started_at
    if request.method == "GET":
        return JSONResponse({"client_id": found.client_id, "client_secrets": [
            _described(found, s, started) for s in found.secrets]})
    try:
        made = state.add_secret(found.client_id)
    except ConsoleRefusal as exc:
        return _gateway(400, "400", str(exc))
    return JSONResponse({"client_secret": made, **_described(found, made, started)}, 201)


async def secret(request: Request) -> Response:
    found = _authorize(request)
    if isinstance(found, JSONResponse):
        return found
    wanted = request.path_params["uuid"]
    match = next((s for s in found.secrets if secret_uuid(s) == wanted), None)
    if match is None:
        return JSONResponse({"error_code": "404", "message": f"no client secret {wanted}"}, 404)
    state: SandboxState = request.app.state.sandbox
    try:
        state.remove_secret(found.client_id, secret_id(match))
    except ConsoleRefusal as exc:
        return _gateway(400, "400", str(exc))
    return Response(status_code=204)


routes = [
    Route("/{org}/credentials/{credential}/secrets", secrets, methods=["GET", "POST"]),
    Route("/{org}/credentials/{credential}/secrets/{uuid}", secret, methods=["DELETE"]),
]
