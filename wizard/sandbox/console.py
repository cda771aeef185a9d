"""The sandbox's Developer Console API: what a person does in Adobe's web console, plus test hooks."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wizard.core.files import parse_json
from wizard.sandbox.io_management import credential_page
from wizard.sandbox.state import ConsoleRefusal, SandboxState, secret_id


def _refuse(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": "invalid_request", "message": message}, status)


async def _json(request: Request) -> dict:
    try:
        body = parse_json(await request.body())
    except ValueError:
        raise ConsoleRefusal("the body must be JSON") from None
    if not isinstance(body, dict):
        raise ConsoleRefusal("the body must be a JSON object")
    return body


def _state(request: Request) -> SandboxState:
    return request.app.state.sandbox


def _integration(request: Request):
    client_id = request.path_params["client_id"]
    found = _state(request).get(client_id)
    if found is None:
        raise LookupError(f"no integration with client ID {client_id}")
    return found


def _handles(handler):
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except ConsoleRefusal as exc:
            return _refuse(400, str(exc))
        except LookupError as exc:
            return _refuse(404, str(exc.args[0]))
    return wrapped


@_handles
async def create_integration(request: Request) -> Response:
    integration = _state(request).create_integration(await _json(request))
    return JSONResponse(integration.public(), 201)


@_handles
async def integration(request: Request) -> Response:
    found = _integration(request)
    if request.method == "DELETE":
        _state(request).delete(found.client_id)
        return Response(status_code=204)
    body = found.public()
    body["certificates"] = [{"fingerprint_sha1": c.fingerprint_sha1, "not_after": c.not_after}
                            for c in found.certificates.values()]
    body["credential_page"] = credential_page(request.app.state.base_url, found)  # its IDs
    return JSONResponse(body)


@_handles
async def certificates(request: Request) -> Response:
    found = _integration(request)
    if request.method == "GET":
        return JSONResponse({"certificates": [
            {"fingerprint_sha1": c.fingerprint_sha1, "not_after": c.not_after}
            for c in found.certificates.values()]})
    body = await _json(request)
    cert, added = _state(request).add_certificate(found.client_id, body.get("certificate"))
    return JSONResponse({"fingerprint_sha1": cert.fingerprint_sha1, "not_after": cert.not_after},
                        201 if added else 200)


@_handles
async def certificate(request: Request) -> Response:
    found = _integration(request)
    if not _state(request).remove_certificate(found.client_id, request.path_params["fingerprint"]):
        raise LookupError(f"no certificate {request.path_params['fingerprint']} on this integration")
    return Response(status_code=204)


@_handles
async def migrate(request: Request) -> Response:
    """The console's "Migrate to OAuth Server-to-Server" button."""
    found = _integration(request)
    return JSONResponse(_state(request).migrate(found.client_id).public())


@_handles
async def client_secrets(request: Request) -> Response:
    """Add a client secret (the console's "Generate client secret")."""
    found = _integration(request)
    secret = _state(request).add_secret(found.client_id)
    return JSONResponse({"id": secret_id(secret), "secret": secret}, 201)


@_handles
async def client_secret(request: Request) -> Response:
    found = _integration(request)
    if not _state(request).remove_secret(found.client_id, request.path_params["secret_id"]):
        raise LookupError(f"no client secret {request.path_params['secret_id']} on this integration")
    return Response(status_code=204)


@_handles
async def organization(request: Request) -> Response:
    return JSONResponse({"org_id": _state(request).org_id, "name": "Sandbox Organization"})


@_handles
async def faults(request: Request) -> Response:
    fault = _state(request).add_fault(await _json(request))
    return JSONResponse({"path": fault.path, "times": fault.times}, 201)


@_handles
async def clock(request: Request) -> Response:
    state = _state(request)
    offset = (await _json(request)).get("offset_s")
    if isinstance(offset, bool) or not isinstance(offset, (int, float)):
        raise ConsoleRefusal("'offset_s' must be a number of seconds")
    state.clock_offset_s = float(offset)
    return JSONResponse({"offset_s": state.clock_offset_s, "now": state.now()})


routes = [
    Route("/organization", organization, methods=["GET"]),
    Route("/integrations", create_integration, methods=["POST"]),
    Route("/integrations/{client_id}", integration, methods=["GET", "DELETE"]),
    Route("/integrations/{client_id}/certificates", certificates, methods=["GET", "POST"]),
    Route("/integrations/{client_id}/certificates/{fingerprint}", certificate, methods=["DELETE"]),
    Route("/integrations/{client_id}/migrate", migrate, methods=["POST"]),
    Route("/integrations/{client_id}/secrets", client_secrets, methods=["POST"]),
    Route("/integrations/{client_id}/secrets/{secret_id}", client_secret, methods=["DELETE"]),
    Route("/faults", faults, methods=["POST"]),
    Route("/clock", clock, methods=["POST"]),
]
