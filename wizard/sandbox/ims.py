"""The sandbox's IMS: the JWT exchange and client credentials, with Adobe's exact error bodies."""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from wizard.core.vocabulary import AuthType
from wizard.sandbox.jwtcheck import BadJWT, parse, signed_by
from wizard.sandbox.state import (
    JWT_TOKEN_LIFETIME_MS,
    PRODUCTION_IMS,
    S2S_TOKEN_LIFETIME_S,
    Integration,
    SandboxState,
)

UNDECODABLE = "JWT token is incorrectly formatted, and can not be decoded."
NO_BINDING = "Could not match JWT signature to any of the bindings"
NOT_SUBSET = "The metascopes in the JWT are not a subset of the metascopes in the binding."


class Refusal(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.response = JSONResponse({"error": error, "error_description": description}, status)


async def _parameters(request: Request) -> dict[str, str]:
    """The form's fields, over those in the query string (Adobe's Postman sample sends them there)."""
    form = await request.form()
    query = dict(request.query_params)
    return query | {k: v for k, v in form.items() if isinstance(v, str)}


def _client(state: SandboxState, params: dict[str, str], auth_type: str) -> Integration:
    client_id = params.get("client_id", "")
    integration = state.get(client_id)
    if integration is None:
        raise Refusal(400, "invalid_client", "invalid client_id parameter")
    given = params.get("client_secret", "")
    if not any(secrets.compare_digest(given.encode(), s.encode()) for s in integration.secrets):
        raise Refusal(401, "invalid_client", "invalid client_secret parameter")
    if auth_type not in integration.grants:
        raise Refusal(400, "unauthorized_client",
                      f"this client is an {integration.auth_type} credential and cannot use this grant")
    return integration


def access_token(state: SandboxState, integration, lifetime_ms: int, scope: str, grant: str) -> str:
    """An access token shaped like Adobe's: itself a JWT the sandbox signs. `grant` (the sandbox's
    own claim) records how it was asked for: the Reactor gateway treats S2S tokens apart."""
    import jwt

    now_ms = int(state.now() * 1000)
    claims = {
        "id": secrets.token_hex(8), "type": "access_token", "as": "ims-na1",
        "client_id": integration.client_id, "user_id": integration.technical_account_id,
        "org": integration.org_id, "scope": scope,
        "created_at": str(now_ms), "expires_in": str(lifetime_ms), "grant": grant,
    }
    headers = {"x5u": "ims_na1-key-at-1.cer", "kid": "ims_na1-key-at-1", "itt": "at"}
    with state.lock:
        state.tokens_issued[integration.client_id] += 1
    return jwt.encode(claims, state.signing_key, algorithm="RS256", headers=headers)


def check_jwt(state: SandboxState, integration, token: str, own_base: str) -> list[str]:
    """The metascopes of a client's JWT after every check Adobe makes, or a Refusal.

    Each rule and its source: "docs" is Adobe's Service Account (JWT) authentication guide on
    developer.adobe.com (claims, errors), "libs" Adobe's own clients (@adobe/jwt-auth,
    @adobe/aio-lib-ims-jwt), which sign with RS256 and set exp to now + 300 s.
    - not a compact JWS of base64url JSON: 400 invalid_token, "incorrectly formatted" (docs);
    - `alg` other than RS256: 400 invalid_token (libs; the description is the sandbox's own);
    - `exp` not an integer, or already past: 400 invalid_token, "incorrectly formatted" (docs).
      No upper bound: Adobe documents none, and its Postman JWT sample sets now + 87,000 s;
    - `aud` other than `<IMS base>/c/<client_id>`: 400 invalid_client (docs);
    - `iss` or `sub` malformed or not the integration's: 400 bad_request (docs);
    - not signed by a certificate the integration holds and that has not expired: 400
      invalid_token, "Could not match JWT signature to any of the bindings" (docs);
    - no metascope, or one the integration lacks: 400 invalid_scope, "not a subset" (docs).
    """
    try:
        header, claims, signing_input, signature = parse(token)
    except BadJWT:
        raise Refusal(400, "invalid_token", UNDECODABLE) from None
    if header.get("alg") != "RS256":
        raise Refusal(400, "invalid_token", f"Unsupported JWT signing algorithm {header.get('alg')!r}")
    now = state.now()
    exp = claims.get("exp")
    if not isinstance(exp, int) or isinstance(exp, bool) or exp <= now:
        raise Refusal(400, "invalid_token", UNDECODABLE)
    bases = (own_base, PRODUCTION_IMS)
    _check_names(claims, integration, bases)
    bindings = [c for c in integration.certificates.values() if not c.expired(now)]
    if not any(signed_by(c.public_key(), signing_input, signature) for c in bindings):
        raise Refusal(400, "invalid_token", NO_BINDING)
    return _metascopes(claims, integration, bases)


def _metascopes(claims: dict, integration: Integration, bases: tuple[str, ...]) -> list[str]:
    """The JWT's metascope claims: at least one, and only those the integration holds."""
    metascopes = [key.rsplit("/s/", 1)[1] for key, value in claims.items()
                  if value is True and any(key.startswith(f"{b}/s/") for b in bases)]
    if not metascopes or not set(metascopes) <= set(integration.metascopes):
        raise Refusal(400, "invalid_scope", NOT_SUBSET)
    return metascopes


def _check_names(claims: dict, integration: Integration, bases: tuple[str, ...]) -> None:
    """aud, iss and sub must name this integration, its organization and its technical account."""
    if claims.get("aud") not in [f"{b}/c/{integration.client_id}" for b in bases]:
        raise Refusal(400, "invalid_client", "aud does not match the client_id")
    iss, sub = claims.get("iss"), claims.get("sub")
    if not isinstance(iss, str) or not iss.endswith("@AdobeOrg") or iss != integration.org_id:
        raise Refusal(400, "bad_request", "invalid iss: not the integration's organization")
    if not isinstance(sub, str) or not sub.endswith("@techacct.adobe.com") \
            or sub != integration.technical_account_id:
        raise Refusal(400, "bad_request", "invalid sub: not the integration's technical account")


async def exchange_jwt(request: Request) -> JSONResponse:
    state: SandboxState = request.app.state.sandbox
    try:
        params = await _parameters(request)
        integration = _client(state, params, AuthType.JWT)
        metascopes = check_jwt(state, integration, params.get("jwt_token", ""),
                               request.app.state.base_url)
    except Refusal as refusal:
        return refusal.response
    token = access_token(state, integration, JWT_TOKEN_LIFETIME_MS, ",".join(metascopes), AuthType.JWT)
    return JSONResponse({"token_type": "bearer", "access_token": token,
                         "expires_in": JWT_TOKEN_LIFETIME_MS})


async def client_credentials(request: Request) -> JSONResponse:
    state: SandboxState = request.app.state.sandbox
    try:
        params = await _parameters(request)
        if params.get("grant_type") != "client_credentials":
            raise Refusal(400, "unsupported_grant_type", "grant_type must be client_credentials")
        integration = _client(state, params, AuthType.OAUTH_S2S)
        asked = [s.strip() for s in params.get("scope", "").split(",") if s.strip()]
        if not set(asked) <= set(integration.scopes):
            extra = sorted(set(asked) - set(integration.scopes))
            raise Refusal(400, "invalid_scope", f"invalid scope {','.join(extra)}")
    except Refusal as refusal:
        return refusal.response
    state.secret_used(integration.client_id, params["client_secret"])  # I/O Management shows it
    scope = ",".join(asked or integration.scopes)
    token = access_token(state, integration, S2S_TOKEN_LIFETIME_S * 1000, scope, AuthType.OAUTH_S2S)
    return JSONResponse({"access_token": token, "token_type": "bearer",
                         "expires_in": S2S_TOKEN_LIFETIME_S})


routes = [
    Route("/ims/exchange/jwt", exchange_jwt, methods=["POST"]),
    Route("/ims/exchange/jwt/", exchange_jwt, methods=["POST"]),
    *[Route(f"/ims/token/{v}", client_credentials, methods=["POST"]) for v in ("v2", "v3", "v4")],
]
