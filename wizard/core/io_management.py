"""Adobe's I/O Management API for one credential's client secrets: list them (metadata and last
use, never a value), add one (the only answer that carries its value), delete one by uuid.

Its path names the credential by the console's numbers, read from the credential page's URL
(`.../console/projects/{org}/{project}/credentials/{credential}/details/...`): not the
`...@AdobeOrg` ID nor the client ID. The token must carry `IO_MANAGEMENT_SCOPES`, which the
credential has only once the project holds the "I/O Management API".

Every answer is outside text: bounded, parsed with the nesting limit, and each value checked for
the shape it must have before it is used (a uuid goes into a URL; a time is a number).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from wizard.core.errors import ConfigError, NetworkError, RefusedError
from wizard.core.http import json_object, request
from wizard.core.profile import IMS_PRODUCTION, Profile, is_loopback

if TYPE_CHECKING:
    import httpx

IO_MANAGEMENT_PRODUCTION = "https://api.adobe.io"
IO_MANAGEMENT_API = "I/O Management API"
# Adobe's guide: the scopes of the token that manages a credential's client secrets.
IO_MANAGEMENT_SCOPES = ("AdobeID", "openid", "read_organizations",
                        "additional_info.projectedProductContext", "additional_info.roles",
                        "adobeio_api", "read_client_secret", "manage_client_secrets")
MAX_SECRETS = 2  # per credential, Adobe's limit
MAX_ANSWER_BYTES = 64 << 10  # two secrets' metadata is well under 2 KB
MAX_MESSAGE = 200  # characters of a server's message repeated in an error
CREDENTIAL_PAGE = "https://developer.adobe.com/console/projects/ORG/PROJECT/credentials/CREDENTIAL/details/oauthservertoserver"
CREDENTIAL_FIX = ("give the credential page's URL from the Developer Console (it holds both "
                  "numbers: .../projects/ORG/PROJECT/credentials/CREDENTIAL/...), or ORG/CREDENTIAL")

_ID = r"[0-9A-Za-z]{1,40}"
_PAGE = re.compile(rf"/projects/({_ID})/{_ID}/credentials/({_ID})(?:/|$)")
_PAIR = re.compile(rf"({_ID})/({_ID})")
_UUID = re.compile(r"[0-9A-Za-z][0-9A-Za-z-]{0,63}")  # what Adobe's uuids are made of


def credential_id(value: object) -> str:
    """The profile field: "ORG/CREDENTIAL" (the console's numbers), from the credential page's URL
    or from the pair itself; "" clears it."""
    if not isinstance(value, str):
        raise ConfigError(f"console credential ID must be text, not {type(value).__name__}",
                          CREDENTIAL_FIX)
    text = value.strip()
    if not text:
        return ""
    if "://" in text:
        found = _PAGE.search(urlsplit(text).path) if text.isprintable() else None
    else:
        found = _PAIR.fullmatch(text)
    if found is None:
        from wizard.core.safe_text import terminal_safe

        raise ConfigError(f"console credential ID {terminal_safe(text[:120])!r} is neither a "
                          "credential page's URL nor ORG/CREDENTIAL", CREDENTIAL_FIX)
    return f"{found.group(1)}/{found.group(2)}"


def missing_scopes(profile: Profile) -> list[str]:
    """The I/O Management scopes the profile's token would not carry."""
    return [s for s in IO_MANAGEMENT_SCOPES if s not in profile.scopes]


def base_url(profile: Profile) -> str | None:
    """Where the API is for this profile: Adobe's when its IMS is Adobe's, the sandbox's (its
    own base) when IMS is on this machine; None for any other IMS (its token goes nowhere else)."""
    parts = urlsplit(profile.ims_url)
    if is_loopback(parts.hostname or ""):
        return profile.ims_url.rstrip("/")
    return IO_MANAGEMENT_PRODUCTION if profile.ims_url.rstrip("/") == IMS_PRODUCTION else None


@dataclass(frozen=True)
class SecretInfo:
    """One client secret as the API lists it: never its value. Times in epoch seconds."""

    uuid: str
    created_at: float | None
    last_used_at: float | None


@dataclass(frozen=True)
class NewSecret:
    """A secret just added: its value is shown by this answer only, and never by `repr`."""

    uuid: str
    value: str = field(repr=False)


class IOManagementRefused(RefusedError):
    """The I/O Management API said no (the secret limit, an unknown uuid...)."""


class NotPermitted(IOManagementRefused):
    """401/403: the token does not carry the scopes, or the project lacks the API."""


class IOManagement:
    """One credential's client secrets, asked with one access token."""

    def __init__(self, base: str, credential: str, client_id: str, access_token: str) -> None:
        org, number = credential.split("/")
        local = is_loopback(urlsplit(base).hostname or "")
        self.where = f"{'the sandbox' if local else 'Adobe'}'s {IO_MANAGEMENT_API}"
        self.url = f"{base.rstrip('/')}/console/organizations/{org}/credentials/{number}/secrets"
        self._headers = {"Authorization": f"Bearer {access_token}", "x-api-key": client_id}

    def _call(self, method: str, suffix: str = "") -> httpx.Response:
        response = request(method, self.url + suffix, headers=self._headers, limit=MAX_ANSWER_BYTES)
        if response.status_code < 400:
            return response
        said = _message(response)
        if response.status_code in (401, 403):
            raise NotPermitted(f"the {IO_MANAGEMENT_API} refused the token (HTTP "
                               f"{response.status_code}: {said})", "", status=response.status_code)
        raise IOManagementRefused(f"the {IO_MANAGEMENT_API} refused (HTTP {response.status_code}: "
                                  f"{said})", "check the console credential ID",
                                  status=response.status_code)

    def secrets(self) -> list[SecretInfo]:
        listed = json_object(self._call("GET"), f"the {IO_MANAGEMENT_API}").get("client_secrets")
        if not isinstance(listed, list) or len(listed) > 10 * MAX_SECRETS:
            raise _odd("its list of client secrets")
        return [_secret_info(item) for item in listed]

    def add(self) -> NewSecret:
        made = json_object(self._call("POST"), f"the {IO_MANAGEMENT_API}")
        value = made.get("client_secret")
        if not (isinstance(value, str) and 0 < len(value) <= 1024 and value.isprintable()
                and not any(ch.isspace() for ch in value)):
            raise _odd("the new client secret")
        return NewSecret(_uuid(made.get("uuid")), value)

    def delete(self, uuid: str) -> None:
        self._call("DELETE", f"/{_uuid(uuid)}")


def _odd(what: str) -> NetworkError:
    return NetworkError(f"the {IO_MANAGEMENT_API} answered something that is not {what}",
                        "check the URL: it should point at Adobe (or the sandbox)")


def _uuid(value: object) -> str:
    if not isinstance(value, str) or not _UUID.fullmatch(value):
        raise _odd("a client secret's uuid")
    return value


def _millis(value: object) -> float | None:
    """Epoch milliseconds, as a string (Adobe) or a number, in epoch seconds; None if absent."""
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    return int(text) / 1000 if text.isascii() and text.isdigit() and len(text) <= 15 else None


def _secret_info(item: object) -> SecretInfo:
    if not isinstance(item, dict):
        raise _odd("a client secret's description")
    usages = item.get("secret_usages")
    used = [_millis(u.get("last_used_at")) for u in usages if isinstance(u, dict)] \
        if isinstance(usages, list) else []
    last = max((u for u in used if u is not None), default=None)
    return SecretInfo(_uuid(item.get("uuid")), _millis(item.get("created_at")), last)


def _message(response: httpx.Response) -> str:
    """The server's own words, bounded (shown through terminal_safe, as every error is)."""
    try:
        answer = json_object(response, f"the {IO_MANAGEMENT_API}")
    except NetworkError:
        kind: str = response.headers.get("content-type", "no content type")
        return kind.split(";")[0][:MAX_MESSAGE]
    said = answer.get("message") or answer.get("error_description") or answer.get("error_code")
    text = str(said) if said is not None else "no message"
    return text[:MAX_MESSAGE] + ("…" if len(text) > MAX_MESSAGE else "")
