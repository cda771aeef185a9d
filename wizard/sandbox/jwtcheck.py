"""The sandbox's own reading of a client's JWT: base64url, JSON, RS256, with no client code.

Deliberately independent of `wizard.core.ims` and of PyJWT, so one bug cannot pass on both sides.
"""

from __future__ import annotations

import base64
import binascii
import re

from wizard.core.files import parse_json


class BadJWT(ValueError):
    pass


_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def _b64url(part: str) -> bytes:
    """RFC 7515 base64url: that alphabet only, no padding (stricter than the clients it checks)."""
    if not _BASE64URL.fullmatch(part) or len(part) % 4 == 1:
        raise BadJWT("not base64url without padding")
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise BadJWT("not base64url") from None


def parse(token: str) -> tuple[dict, dict, bytes, bytes]:
    """(header, claims, signing input, signature) of a compact JWS, or BadJWT."""
    parts = token.split(".")
    if len(parts) != 3 or not all(parts[:2]):
        raise BadJWT("not three parts")
    try:
        header = parse_json(_b64url(parts[0]))
        claims = parse_json(_b64url(parts[1]))
    except (ValueError, UnicodeDecodeError):
        raise BadJWT("not JSON") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise BadJWT("not JSON objects")
    return header, claims, f"{parts[0]}.{parts[1]}".encode(), _b64url(parts[2])


def signed_by(public_key, signing_input: bytes, signature: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    try:
        public_key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False
