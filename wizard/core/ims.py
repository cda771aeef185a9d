"""Adobe IMS: JWT claims and signing, the JWT exchange, client credentials, errors -> advice."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wizard.core.errors import IMSError, ScopeRefused, SignatureMismatch
from wizard.core.http import json_object, request, retry_after
from wizard.core.vocabulary import Subject

MAX_ANSWER_BYTES = 1 << 20  # a token answer is a few KB

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from httpx import Response

JWT_LIFETIME_S = 300  # what Adobe's own libraries use
SIGNATURE_MISMATCH = "Could not match JWT signature to any of the bindings"


@dataclass(frozen=True)
class Token:
    access_token: str
    expires_at: float  # epoch seconds
    token_type: str = "bearer"

    def seconds_left(self, now: float | None = None) -> float:
        return self.expires_at - (time.time() if now is None else now)


def jwt_claims(*, org_id: str, technical_account_id: str, client_id: str, ims_url: str,
               metascopes: list[str], now: float | None = None) -> dict[str, Any]:
    base = ims_url.rstrip("/")
    claims = {
        "exp": int(now if now is not None else time.time()) + JWT_LIFETIME_S,
        "iss": org_id,
        "sub": technical_account_id,
        "aud": f"{base}/c/{client_id}",
    }
    claims.update({f"{base}/s/{m}": True for m in metascopes})
    return claims


JWT_HEADER = {"alg": "RS256", "typ": "JWT"}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign_jwt(claims: dict[str, Any], private_key: RSAPrivateKey) -> str:
    """Compact RS256 JWS. Written out (not PyJWT) because PyJWT's import costs ~30 ms, a tenth
    of `launch-wizard token --refresh`; the tests check it with PyJWT and the sandbox with
    its own reader."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    def part(value: dict[str, Any]) -> str:
        return _b64url(json.dumps(value, separators=(",", ":")).encode())

    signing_input = f"{part(JWT_HEADER)}.{part(claims)}"
    signature = private_key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{_b64url(signature)}"


def exchange_jwt(ims_url: str, client_id: str, client_secret: str, jwt_token: str) -> Token:
    """POST /ims/exchange/jwt; `expires_in` is in MILLISECONDS here."""
    response = request("POST", f"{ims_url.rstrip('/')}/ims/exchange/jwt", data={
        "client_id": client_id, "client_secret": client_secret, "jwt_token": jwt_token,
    }, limit=MAX_ANSWER_BYTES)
    body = _answer(response, "the JWT exchange")
    return _token(body, divisor=1000.0)


def client_credentials(ims_url: str, client_id: str, client_secret: str,
                       scopes: list[str]) -> Token:
    """POST /ims/token/v3 (OAuth Server-to-Server); `expires_in` is in SECONDS here."""
    response = request("POST", f"{ims_url.rstrip('/')}/ims/token/v3", data={
        "grant_type": "client_credentials", "client_id": client_id,
        "client_secret": client_secret, "scope": ",".join(scopes),
    }, limit=MAX_ANSWER_BYTES)
    try:
        body = _answer(response, "the token request")
    except ScopeRefused as exc:  # scopes here, not the JWT's metascopes
        raise ScopeRefused(exc.cause, "the credential does not have these scopes: give the ones its "
                                      "page in the Developer Console lists (`launch-wizard configure "
                                      "--scope`), or leave them out for Adobe's Launch list",
                           code=exc.code, status=exc.status, subject=Subject.SCOPES) from None
    return _token(body, divisor=1.0)


def _answer(response: Response, what: str) -> dict[str, Any]:
    if response.status_code == 429:
        raise IMSError("IMS is throttling this integration (HTTP 429)",
                       f"{retry_after(response)}; cache tokens (`launch-wizard token` does)",
                       code="429", status=429, subject=Subject.THROTTLED)
    body = json_object(response, what)
    if response.status_code != 200 or "error" in body:
        raise ims_error(response.status_code, body)
    return body


def _token(body: dict[str, Any], divisor: float) -> Token:
    access_token, expires_in = body.get("access_token"), body.get("expires_in")
    if not isinstance(access_token, str) or not access_token:
        raise IMSError("IMS answered without an access token", "try again; if it persists, "
                       "check the IMS URL", code="no_token", status=200)
    if isinstance(expires_in, bool) or not isinstance(expires_in, (int, float)) or expires_in <= 0:
        raise IMSError(f"IMS answered with an unusable expires_in ({expires_in!r})",
                       "check the IMS URL", code="bad_expiry", status=200)
    return Token(access_token, time.time() + expires_in / divisor,
                 str(body.get("token_type") or "bearer"))


def ims_error(status: int, body: dict[str, Any]) -> IMSError:
    """The typed error for an IMS refusal, with a fix in plain words for each common failure."""
    code = str(body.get("error") or body.get("error_code") or f"HTTP {status}")
    description = str(body.get("error_description") or body.get("message") or "no description")
    cause = f"IMS refused ({code}): {description}"
    if code == "invalid_signature" or (code == "invalid_token" and SIGNATURE_MISMATCH in description):
        fix = ("the private key does not belong to any certificate uploaded for this integration, "
               "or that certificate expired: upload the certificate made with this key "
               "(or use the key of the uploaded certificate)")
        return SignatureMismatch(cause, fix, code=code, status=status, subject=Subject.CERTIFICATE)
    if code == "invalid_scope":
        return ScopeRefused(cause, "the integration does not have these metascopes: clear them "
                                   "(`launch-wizard configure --metascope ''`) so the right one is "
                                   "found, or set the one the Developer Console shows",
                            code=code, status=status, subject=Subject.METASCOPES)
    fix, subject = _ADVICE.get(code, _ADVICE["?"])
    if code == "invalid_client" and status == 401:  # 400: unknown client; 401: wrong secret
        fix, subject = ("the client secret is wrong: copy it again from the Developer Console and "
                        "run `launch-wizard configure --client-secret-stdin`", Subject.CLIENT_SECRET)
    return IMSError(cause, fix, code=code, status=status, subject=subject)


_ADVICE = {
    "invalid_client": ("IMS does not know this client ID (API key), or the JWT's audience names "
                       "another one: check the client ID and the IMS URL", Subject.CLIENT_ID),
    "invalid_token": ("the JWT could not be read or has expired: check this computer's clock, "
                      "then try again", Subject.CLOCK),
    "bad_request": ("the organization ID or technical account ID is malformed or does not belong "
                    "to this integration: copy both again from the Developer Console",
                    Subject.TECHNICAL_ACCOUNT_ID),
    "unauthorized_client": ("this credential cannot use this grant: check the credential type "
                            "(JWT or OAuth Server-to-Server)", Subject.AUTH_TYPE),
    "invalid_grant": ("this credential cannot use this grant: check the credential type "
                      "(JWT or OAuth Server-to-Server)", Subject.AUTH_TYPE),
    "?": ("check the profile with `launch-wizard status`; if it looks right, try again later",
          Subject.PROFILE),
}
