"""The sandbox's Reactor (Launch) API: the gateway's checks, then JSON:API bodies like Adobe's."""

from __future__ import annotations

import datetime as dt
import hashlib

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from wizard.sandbox.state import Integration, SandboxState

JSONAPI = "application/vnd.api+json"


def jsonapi(body: dict, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status, media_type=JSONAPI)


def jsonapi_error(status: int, code: str, title: str, detail: str) -> JSONResponse:
    request_id = hashlib.sha1(f"{code}{detail}".encode()).hexdigest()[:16]
    return jsonapi({"errors": [{"status": str(status), "code": code, "title": title,
                                "detail": detail, "meta": {"request_id": request_id}}]}, status)


def _gateway(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error_code": code, "message": message}, status)


def token_owner(state: SandboxState, authorization: str) -> Integration | None:
    """The integration an access token belongs to, if the token is the sandbox's and still valid."""
    import jwt

    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        claims = jwt.decode(token.strip(), state.signing_key.public_key(), algorithms=["RS256"],
                            options={"verify_exp": False, "verify_aud": False})
        expires_at = (int(claims["created_at"]) + int(claims["expires_in"])) / 1000
    except (jwt.PyJWTError, KeyError, ValueError, TypeError):
        return None
    if expires_at <= state.now():
        return None
    integration = state.get(str(claims.get("client_id")))
    if integration is None or claims.get("org") != integration.org_id:
        return None
    return integration


def _authorize(request: Request) -> Integration | JSONResponse:
    """The five headers of the contract, checked in the gateway's order."""
    state: SandboxState = request.app.state.sandbox
    integration = token_owner(state, request.headers.get("authorization", ""))
    if integration is None:
        return _gateway(401, "401013", "Oauth token is not valid")
    if request.headers.get("x-api-key", "") != integration.client_id:
        return _gateway(403, "403003", "Api Key is invalid")
    if request.headers.get("x-gw-ims-org-id", "") != integration.org_id:
        return jsonapi_error(403, "invalid-org", "Invalid organization",
                             "The x-gw-ims-org-id header does not match the token's organization.")
    accept = request.headers.get("accept", "")
    if JSONAPI not in accept or "revision=1" not in accept.replace(" ", ""):
        return jsonapi_error(406, "not-acceptable", "Not acceptable",
                             f"Accept must be {JSONAPI};revision=1")
    return integration


def company_id(org_id: str) -> str:
    return "CO" + hashlib.sha1(org_id.encode()).hexdigest()[:32]


def _iso(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


async def companies(request: Request) -> JSONResponse:
    found = _authorize(request)
    if isinstance(found, JSONResponse):
        return found
    stamp = _iso(request.app.state.started_at)
    company = {
        "id": company_id(found.org_id), "type": "companies",
        "attributes": {"name": "Sandbox Company", "org_id": found.org_id,
                       "created_at": stamp, "updated_at": stamp},
        "links": {"self": f"{request.app.state.base_url}/reactor/companies/{company_id(found.org_id)}"},
        "meta": {"rights": list(found.rights)},
    }
    return jsonapi({"data": [company], "meta": {"pagination": {
        "current_page": 1, "next_page": None, "prev_page": None, "total_pages": 1, "total_count": 1}}})


async def profile(request: Request) -> JSONResponse:
    found = _authorize(request)
    if isinstance(found, JSONResponse):
        return found
    user_id = "UP" + hashlib.sha1(found.technical_account_id.encode()).hexdigest()[:32]
    return jsonapi({"data": {
        "id": user_id, "type": "users",
        "attributes": {"display_name": found.name, "email": found.technical_account_email,
                       "organizations": {found.org_id: {"org_name": "Sandbox Organization",
                                                       "rights": list(found.rights)}}},
    }})


async def not_found(request: Request) -> JSONResponse:
    return jsonapi_error(404, "not-found", "Record not found",
                         f"No route or record at {request.url.path}")


routes = [
    Route("/companies", companies, methods=["GET"]),
    Route("/profile", profile, methods=["GET"]),
    Route("/{rest:path}", not_found, methods=["GET", "POST", "PATCH", "DELETE", "PUT"]),
]
