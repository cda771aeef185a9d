"""The sandbox's Reactor (Launch) API: the gateway's checks, then JSON:API bodies like Adobe's."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wizard.core.files import parse_json
from wizard.core.vocabulary import AuthType
from wizard.sandbox import filters
from wizard.sandbox.state import (
    Integration,
    InvalidAttribute,
    Property,
    SandboxState,
    company_id,
    iso,
)

JSONAPI = "application/vnd.api+json"
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 25, 100
ACTIVATION_DTM = "Activation-DTM"  # the fixed API key Adobe's own Reactor clients send with S2S
# what the properties list filters on (Adobe's reference for the endpoint), and how a value is read
PROPERTY_FILTERS: dict[str, Callable[[str], Any]] = {
    "name": str, "platform": str, "enabled": filters.boolean,
    "created_at": filters.instant, "updated_at": filters.instant}


def jsonapi(body: dict, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status, media_type=JSONAPI)


def jsonapi_error(status: int, code: str, title: str, detail: str,
                  source: dict[str, str] | None = None) -> JSONResponse:
    request_id = hashlib.sha1(f"{code}{detail}".encode()).hexdigest()[:16]
    error: dict[str, Any] = {"status": str(status), "code": code, "title": title, "detail": detail,
                             "meta": {"request_id": request_id}}
    if source:
        error["source"] = source
    return jsonapi({"errors": [error]}, status)


def _gateway(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error_code": code, "message": message}, status)


def token_owner(state: SandboxState, authorization: str) -> tuple[Integration, str] | None:
    """The integration an access token belongs to and how it was granted, if the token is the
    sandbox's and still valid."""
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
    return integration, str(claims.get("grant", ""))


def _authorize(request: Request) -> Integration | JSONResponse:
    """The headers of the contract, checked in the gateway's order. x-gw-ims-org-id may be left
    out, as Adobe's own Reactor Postman collection and uploader do (the token names the
    organization); one that is sent must be the token's."""
    state: SandboxState = request.app.state.sandbox
    owner = token_owner(state, request.headers.get("authorization", ""))
    if owner is None:
        return _gateway(401, "401013", "Oauth token is not valid")
    integration, grant = owner
    api_key = request.headers.get("x-api-key", "")
    if api_key != integration.client_id and not (api_key == ACTIVATION_DTM and grant == AuthType.OAUTH_S2S):
        return _gateway(403, "403003", "Api Key is invalid")
    if request.headers.get("x-gw-ims-org-id", integration.org_id) != integration.org_id:
        return jsonapi_error(403, "invalid-org", "Invalid organization",
                             "The x-gw-ims-org-id header does not match the token's organization.")
    accept = request.headers.get("accept", "")
    if JSONAPI not in accept or "revision=1" not in accept.replace(" ", ""):
        return jsonapi_error(406, "not-acceptable", "Not acceptable",
                             f"Accept must be {JSONAPI};revision=1")
    return integration


def _company(request: Request, integration: Integration) -> dict[str, Any]:
    base, company = request.app.state.base_url + "/reactor", company_id(integration.org_id)
    stamp = iso(request.app.state.started_at)
    rights = list(integration.rights)
    return {
        "id": company, "type": "companies",
        "attributes": {"name": "Sandbox Company", "org_id": integration.org_id,
                       "token": hashlib.sha1(company.encode()).hexdigest()[:12],
                       "created_at": stamp, "updated_at": stamp},
        "links": {"self": f"{base}/companies/{company}",
                  "properties": f"{base}/companies/{company}/properties"},
        "meta": {"rights": rights, "platform_rights": {"web": rights, "mobile": rights}},
    }


async def companies(request: Request) -> JSONResponse:
    found = _authorize(request)
    if isinstance(found, JSONResponse):
        return found
    return jsonapi({"data": [_company(request, found)], "meta": {"pagination": _pagination(1, 1, 1)}})


def _unseen(request: Request, integration: Integration) -> JSONResponse | None:
    """Why the token may not see the company in the path: 404 when the sandbox has no such
    company, 403 when it belongs to another organization; None when it is the token's own."""
    wanted = request.path_params["company_id"]
    if wanted == company_id(integration.org_id):
        return None
    state: SandboxState = request.app.state.sandbox
    if wanted in state.companies():
        return jsonapi_error(403, "not-authorized", "Forbidden",
                             "This integration is not authorized for this company.")
    return _missing(request)


async def one_company(request: Request) -> JSONResponse:
    found = _authorize(request)
    if isinstance(found, JSONResponse):
        return found
    return _unseen(request, found) or jsonapi({"data": _company(request, found)})


def _pagination(number: int, size: int, total: int) -> dict[str, int | None]:
    pages = math.ceil(total / size)
    return {"current_page": number, "next_page": number + 1 if number < pages else None,
            "prev_page": number - 1 if 1 < number <= pages + 1 else None,
            "total_pages": pages, "total_count": total}


def _page(request: Request) -> tuple[int, int] | JSONResponse:
    """page[number] and page[size] as Adobe reads them: whole numbers, size 1 to 100."""
    values = {}
    for name, default, most in (("number", 1, None), ("size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)):
        raw = request.query_params.get(f"page[{name}]", str(default))
        value = int(raw) if raw.isdigit() else 0
        if value < 1 or (most is not None and value > most):
            limit = f"from 1 to {most}" if most else "1 or more"
            return jsonapi_error(400, "invalid-parameter", "Invalid parameter",
                                 f"page[{name}] must be a whole number {limit}, not {raw!r}",
                                 source={"parameter": f"page[{name}]"})
        values[name] = value
    return values["number"], values["size"]


def _property(request: Request, made: Property, integration: Integration) -> dict[str, Any]:
    base = request.app.state.base_url + "/reactor"
    return {
        "id": made.id, "type": "properties", "attributes": made.attributes(),
        "relationships": {"company": {"data": {"id": made.company_id, "type": "companies"},
                                      "links": {"related": f"{base}/properties/{made.id}/company"}}},
        "links": {"self": f"{base}/properties/{made.id}",
                  "company": f"{base}/companies/{made.company_id}"},
        "meta": {"rights": integration.rights_on(made.id)},
    }


async def _document(request: Request) -> dict[str, Any] | JSONResponse:
    """The JSON:API document a write sends: the right media type, JSON, a `properties` resource."""
    if request.headers.get("content-type", "").split(";")[0].strip() != JSONAPI:
        return jsonapi_error(415, "unsupported-media-type", "Unsupported media type",
                             f"Content-Type must be {JSONAPI}")
    try:
        body = parse_json(await request.body())
    except ValueError:
        return jsonapi_error(400, "invalid-json", "Invalid JSON", "The request body is not JSON.")
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        return jsonapi_error(400, "invalid-document", "Invalid document",
                             "The body must be a JSON:API document with a 'data' object.",
                             source={"pointer": "/data"})
    if data.get("type") != "properties":
        return jsonapi_error(409, "type-mismatch", "Conflict",
                             "data.type must be 'properties' here.", source={"pointer": "/data/type"})
    return data


def _invalid(exc: InvalidAttribute) -> JSONResponse:
    return jsonapi_error(422, "invalid-attribute", "Invalid attribute", exc.detail,
                         source={"pointer": exc.pointer})


def _not_authorized(right: str) -> JSONResponse:
    return jsonapi_error(403, "not-authorized", "Forbidden",
                         f"This integration lacks the {right} right.")


async def company_properties(request: Request) -> JSONResponse:
    found = _authorize(request)
    if isinstance(found, JSONResponse):
        return found
    refused = _unseen(request, found)
    if refused is not None:
        return refused
    state: SandboxState = request.app.state.sandbox
    company = request.path_params["company_id"]
    if request.method == "POST":
        return await _create(request, found, state, company)
    page = _page(request)
    if isinstance(page, JSONResponse):
        return page
    number, size = page
    wanted = filters.parse(request.query_params.multi_items(), PROPERTY_FILTERS)
    seen = [p for p in state.properties_of(company) if found.sees(p.id)]
    listed = filters.keep(seen, wanted, getattr)
    shown = listed[(number - 1) * size: number * size]
    return jsonapi({"data": [_property(request, p, found) for p in shown],
                    "meta": {"pagination": _pagination(number, size, len(listed))}})


async def _create(request: Request, integration: Integration, state: SandboxState,
                  company: str) -> JSONResponse:
    if "manage_properties" not in integration.rights:
        return _not_authorized("manage_properties")
    data = await _document(request)
    if isinstance(data, JSONResponse):
        return data
    try:
        made = state.add_property(company, data.get("attributes"))
    except InvalidAttribute as exc:
        return _invalid(exc)
    return jsonapi({"data": _property(request, made, integration)}, 201)


async def one_property(request: Request) -> Response:
    found = _authorize(request)
    if isinstance(found, JSONResponse):
        return found
    state: SandboxState = request.app.state.sandbox
    made = state.properties.get(request.path_params["property_id"])
    if made is None or made.company_id != company_id(found.org_id) or not found.sees(made.id):
        return _missing(request)
    if request.method == "GET":
        return jsonapi({"data": _property(request, made, found)})
    if "manage_properties" not in found.rights:
        return _not_authorized("manage_properties")
    if request.method == "DELETE":
        state.delete_property(made.id)
        return Response(status_code=204)
    data = await _document(request)
    if isinstance(data, JSONResponse):
        return data
    if data.get("id") != made.id:
        return jsonapi_error(409, "id-mismatch", "Conflict", "data.id must be the property's ID.",
                             source={"pointer": "/data/id"})
    try:
        made = state.update_property(made.id, data.get("attributes", {}))
    except InvalidAttribute as exc:
        return _invalid(exc)
    return jsonapi({"data": _property(request, made, found)})


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


def _missing(request: Request) -> JSONResponse:
    return jsonapi_error(404, "not-found", "Record not found",
                         f"No route or record at {request.url.path}")


async def not_found(request: Request) -> JSONResponse:
    return _missing(request)


routes = [
    Route("/companies", companies, methods=["GET"]),
    Route("/companies/{company_id}", one_company, methods=["GET"]),
    Route("/companies/{company_id}/properties", company_properties, methods=["GET", "POST"]),
    Route("/properties/{property_id}", one_property, methods=["GET", "PATCH", "DELETE"]),
    Route("/profile", profile, methods=["GET"]),
    Route("/{rest:path}", not_found, methods=["GET", "POST", "PATCH", "DELETE", "PUT"]),
]
