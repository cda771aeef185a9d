"""Credential files of other tools: what the Developer Console downloads, aio-cli contexts, and our
own exports, read into a profile and secrets; and a profile written back out for them.

Adobe publishes no schema for the downloads: the shapes here are what files in the wild look like
(flat upper-case keys for one credential; `project.workspace.details.credentials[]` for a whole
workspace). Keys of the flat shapes are read in any case.
"""

from __future__ import annotations

import json
import os
import shlex
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from wizard.core.errors import ConfigError
from wizard.core.files import json_fault, parse_json, read_limited
from wizard.core.profile import (
    DEFAULT_SCOPES,
    ENDPOINTS,
    ENV_PREFIX,
    ENV_SECRETS,
    EXPORTED_FIELDS,
    LABELS,
    Profile,
    client_secret,
)
from wizard.core.vocabulary import AuthType, SecretKind, Subject

# What an export writes where a secret would be, without --with-secrets. Import treats it as
# absent: a placeholder must never become a stored secret.
PLACEHOLDER = "<not exported"
FORMAT = "launch-wizard profile"  # marks our own JSON export
S2S_TYPES = ("oauth_server_to_server", "oauth_server_to_server_migrate")


class FormatError(ConfigError):
    """The file is not a credential launch-wizard can use (its cause says what was found)."""


class Origin(StrEnum):
    """Where the text of an import came from, as its messages name it."""

    FILE = "the file"
    PASTED = "the pasted text"
    TYPED = "the typed text"


@dataclass
class Imported:
    """A credential read from a file: profile fields, secrets, and what the file said besides."""

    source: str  # what kind of file it was, in words, with its article ("an aio-cli context")
    fields: dict[str, Any]  # profile fields (auth_type, org_id, client_id, ...)
    secrets: dict[SecretKind, str] = field(default_factory=dict)
    certificates: dict[str, str] = field(default_factory=dict)  # SHA-1 fingerprint -> expiry
    skipped: list[str] = field(default_factory=list)  # credentials in the file not used
    name: str = ""  # the credential's name, when the file gives one


def read_text(path: str | os.PathLike[str], expected: str) -> str:
    """The text of the file at `path`; a ConfigError naming what is wrong otherwise, with
    `expected` (what the file should be, e.g. "the JSON file the Developer Console downloaded")
    in its fix."""
    where = Path(path).expanduser()
    return decode_text(read_limited(where, expected=expected), str(where), expected)


def decode_text(data: bytes, name: str, expected: str) -> str:
    """`data` as text: UTF-8, with the byte-order mark some Windows editors write."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{name} is not text (not UTF-8)", f"give {expected}") from None


def read_credentials(text: str, credential: str = "", origin: Origin = Origin.FILE) -> Imported:
    """The credential in a downloaded or exported file; FormatError says what is wrong with it.

    `credential` picks one by name in a workspace download that holds several."""
    fix = _give_download(origin)
    try:
        data = parse_json(text)
    except ValueError as exc:
        raise FormatError(f"{origin} is not JSON: {json_fault(exc)}", fix) from None
    if not isinstance(data, dict):
        raise FormatError(f"{origin} holds a JSON {type(data).__name__}, not an object", fix)
    imported = _credential_in(data, credential, origin)
    secret = imported.secrets.get(SecretKind.CLIENT_SECRET)
    if secret is not None:  # held to the rule a typed or piped one is
        try:
            imported.secrets[SecretKind.CLIENT_SECRET] = client_secret(
                secret, f"the client secret in {origin}")
        except ConfigError as exc:
            raise FormatError(exc.cause, fix) from None
    return imported


def _credential_in(data: dict[str, Any], credential: str, origin: Origin) -> Imported:
    if data.get("format") == FORMAT:
        return _ours(data)
    if isinstance(data.get("project"), dict):
        return _workspace(data["project"], credential)
    flat = {str(k).lower(): v for k, v in data.items()}
    if "ims_org_id" in flat:
        return _aio(flat)
    if any(k in flat for k in REDIRECT_KEYS):
        raise _signs_users_in(flat)
    if "public_keys_with_expiry" in flat or ("api_key" in flat and "client_secret" in flat):
        return _jwt_download(flat)
    if "client_id" in flat and _first_secret(flat) and "org_id" in flat:
        return _s2s_download(flat)
    raise _unknown(flat, origin)


def _give_download(origin: Origin) -> str:
    if origin is Origin.FILE:
        return "give the JSON file the Developer Console downloaded (Download JSON)"
    return ("paste the whole JSON file the Developer Console downloaded (Download JSON), or give "
            "its path")


EXPECTED = ("an OAuth Server-to-Server or Service Account (JWT) credential downloaded from the "
            "Developer Console, a project/workspace download, an aio-cli context, or a "
            "launch-wizard export")


# Keys only the credentials that sign people in (Web App, Single-Page App, Native App) have.
REDIRECT_KEYS = ("redirect_uri", "default_redirect_uri", "redirect_uri_pattern")
NEEDS_S2S = ("Launch needs an OAuth Server-to-Server credential: add one to the project in the "
             "Developer Console and download that one")


def _signs_users_in(flat: dict[str, Any]) -> FormatError:
    """A credential that gets a token only for a person who signs in: named by its type."""
    uris = [u for k in REDIRECT_KEYS for u in _listed(flat.get(k))]
    scheme = urlsplit(str(uris[0])).scheme if uris else ""
    if _first_secret(flat):
        kind = "an OAuth Web App credential"
    elif scheme and scheme not in ("http", "https"):
        kind = "an OAuth Native App credential"
    else:
        kind = "an OAuth Single-Page App (or Native App) credential"
    return FormatError(f"this is {kind}: it has a redirect URI and no technical account, so it "
                       "gets tokens only for a person who signs in, never for a script",
                       NEEDS_S2S)


def _unknown(flat: dict[str, Any], origin: Origin) -> FormatError:
    keys = ", ".join(sorted(flat)[:8]) + (", ..." if len(flat) > 8 else "")
    if ("api_key" in flat or "client_id" in flat) and not _first_secret(flat):
        return FormatError("this credential has no client secret: an API key credential cannot get "
                           "an access token", "add an OAuth Server-to-Server credential to the "
                           "project in the Developer Console and download that one")
    return FormatError(f"{origin}'s shape is unknown (keys: {keys or 'none'})", f"give {EXPECTED}")


# --- the shapes ---------------------------------------------------------------------------------

def _s2s_download(flat: dict[str, Any], where: str = "Developer Console download") -> Imported:
    return Imported(f"an OAuth Server-to-Server credential ({where})", {
        "auth_type": AuthType.OAUTH_S2S, "org_id": flat.get("org_id"), "client_id": flat.get("client_id"),
        "technical_account_id": flat.get("technical_account_id") or "",
        "technical_account_email": flat.get("technical_account_email") or "",
        "scopes": _scopes(flat.get("scopes")),
    }, _secrets({SecretKind.CLIENT_SECRET: _first_secret(flat)}))


def _jwt_download(flat: dict[str, Any], where: str = "Developer Console download") -> Imported:
    keys = flat.get("public_keys_with_expiry")
    certificates = ({str(k).lower(): str(v) for k, v in keys.items()} if isinstance(keys, dict)
                    else {})
    return Imported(f"a Service Account (JWT) credential ({where})", {
        "auth_type": AuthType.JWT, "org_id": flat.get("org_id"),
        "client_id": flat.get("api_key") or flat.get("client_id"),
        "technical_account_id": flat.get("technical_account_id") or "",
        "technical_account_email": flat.get("technical_account_email") or "",
        "metascopes": _names(flat.get("metascopes", flat.get("meta_scopes")), "metascopes"),
    }, _secrets({SecretKind.CLIENT_SECRET: _first_secret(flat)}), certificates)


def _aio(flat: dict[str, Any]) -> Imported:
    jwt = "private_key" in flat or "meta_scopes" in flat
    fields: dict[str, Any] = {
        "auth_type": AuthType.JWT if jwt else AuthType.OAUTH_S2S, "org_id": flat.get("ims_org_id"),
        "client_id": flat.get("client_id"),
        # `techacct`: what older aio-cli contexts call it
        "technical_account_id": flat.get("technical_account_id") or flat.get("techacct") or "",
        "technical_account_email": flat.get("technical_account_email") or "",
    }
    if jwt:
        fields["metascopes"] = _names(flat.get("meta_scopes"), "meta_scopes")
    else:
        fields["scopes"] = _scopes(flat.get("scopes"))
    secrets = _secrets({SecretKind.CLIENT_SECRET: _first_secret(flat),
                        SecretKind.PRIVATE_KEY: flat.get("private_key"),
                        SecretKind.KEY_PASSPHRASE: flat.get("passphrase")})
    return Imported(f"an aio-cli context ({'JWT' if jwt else 'OAuth Server-to-Server'})", fields,
                    secrets)


def _listed(value: object) -> list[object]:
    return value if isinstance(value, list) else [value] if value else []


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _workspace(project: dict[str, Any], wanted: str) -> Imported:
    org = _object(project.get("org"))
    details = _object(_object(project.get("workspace")).get("details"))
    usable, skipped = _usable_credentials(details.get("credentials"))
    rank, name, c = _chosen_credential(usable, skipped, wanted)
    skipped += [f"{n} (also usable: --credential {n!r} picks it)" for _, n, _ in usable if n != name]
    where = "project/workspace download"
    section = {str(k).lower(): v for k, v in c["oauth_server_to_server" if rank == 0 else "jwt"].items()}
    section["org_id"] = org.get("ims_org_id")  # the project's, for every credential in it
    imported = (_s2s_download if rank == 0 else _jwt_download)(section, where)
    imported.skipped, imported.name = skipped, name
    return imported


_Usable = tuple[int, str, dict[str, Any]]  # rank (0: Server-to-Server, 1: JWT), name, credential


def _usable_credentials(listed: object) -> tuple[list[_Usable], list[str]]:
    """The workspace's credentials usable here, Server-to-Server first; and why each other one is not."""
    credentials = [c for c in listed if isinstance(c, dict)] if isinstance(listed, list) else []
    usable: list[_Usable] = []
    skipped: list[str] = []
    for c in credentials:
        kind = str(c.get("integration_type", "")).lower()
        name = str(c.get("name") or c.get("id") or "unnamed")
        if kind in S2S_TYPES and isinstance(c.get("oauth_server_to_server"), dict):
            usable.append((0, name, c))
        elif kind in ("service", "jwt") and isinstance(c.get("jwt"), dict):
            usable.append((1, name, c))
        else:
            skipped.append(f"{name} ({kind or 'no type'}: not usable here)")
    usable.sort(key=lambda u: u[0])
    return usable, skipped


def _chosen_credential(usable: list[_Usable], skipped: list[str], wanted: str) -> _Usable:
    """The credential named `wanted`, or the first usable one when none is named."""
    if not usable:
        found = "; ".join(skipped) or "no credentials"
        raise FormatError(f"the workspace has no OAuth Server-to-Server or JWT credential ({found})",
                          "add an OAuth Server-to-Server credential to the workspace in the "
                          "Developer Console, then download the project again")
    chosen = next((u for u in usable if u[1] == wanted), None) if wanted else usable[0]
    if chosen is None:
        names = ", ".join(u[1] for u in usable)
        raise FormatError(f"the workspace has no usable credential named {wanted!r} "
                          f"(usable: {names})", "give --credential one of those names")
    return chosen


def _ours(data: dict[str, Any]) -> Imported:
    fields: dict[str, Any] = {k: data[k] for k in EXPORTED_FIELDS if k in data}
    secrets = _object(data.get("secrets"))
    return Imported("a launch-wizard export", fields,
                    _secrets({k: secrets.get(k) for k in SecretKind}))


# --- values -----------------------------------------------------------------------------------

def _first_secret(flat: dict[str, Any]) -> str | None:
    """Readers in the wild accept client_secrets[0], client_secret or secret."""
    secrets = flat.get("client_secrets")
    if isinstance(secrets, list) and secrets:
        return str(secrets[0])
    for key in ("client_secret", "secret"):
        if isinstance(flat.get(key), str) and flat[key]:
            return str(flat[key])
    return None


def _secrets(values: Mapping[SecretKind, object]) -> dict[SecretKind, str]:
    return {k: v for k, v in values.items()
            if isinstance(v, str) and v.strip() and not v.startswith(PLACEHOLDER)}


def _names(value: object, key: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise FormatError(f"{key} must be a list of names or one comma-separated text, "
                      f"not {type(value).__name__}", f"correct {key} and import it again")


def _scopes(value: object) -> list[str]:
    return _names(value, "scopes") or list(DEFAULT_SCOPES)


def profile_from(imported: Imported, base: Profile, origin: Origin = Origin.FILE) -> Profile:
    """`base` with the imported fields, each validated (ConfigError names the bad one)."""
    fields = {k: v for k, v in imported.fields.items() if v is not None}
    if not fields.get("org_id"):
        raise FormatError(f"{origin} has no organization ID", "download the credential again, or "
                          "give the organization ID with `launch-wizard configure --org-id`")
    if not fields.get("client_id"):
        raise FormatError(f"{origin} has no client ID (API key)",
                          "download the credential again from the Developer Console")
    try:
        return base.with_changes(**fields)
    except ConfigError as exc:
        raise FormatError(f"{origin}'s {exc.cause}", exc.fix, subject=exc.subject) from None


def moved_endpoints(before: Profile, after: Profile) -> dict[str, str]:
    """The endpoints an import would point the profile at anew: {field: URL}. A new profile's
    `before` has Adobe's production hosts, so a file that sets any other host is counted too:
    either way the stored client secret and the cached token would go where the file says."""
    return {name: getattr(after, name) for name in ENDPOINTS
            if getattr(after, name) != getattr(before, name)}


# --- writing ------------------------------------------------------------------------------------

def placeholder(what: str) -> str:
    return f"{PLACEHOLDER}: {what} (launch-wizard export --with-secrets, or the Developer Console)>"


def to_env(profile: Profile, secrets: Mapping[SecretKind, str]) -> str:
    """LAUNCH_WIZARD_* lines: sourced where no keyring is, `launch-wizard token` works."""
    values = {"auth_type": profile.auth_type, "org_id": profile.org_id,
              "client_id": profile.client_id, "ims_url": profile.ims_url,
              "reactor_url": profile.reactor_url}
    if profile.is_jwt:
        values["technical_account_id"] = profile.technical_account_id
        if profile.metascopes:
            values["metascopes"] = ",".join(profile.metascopes)
    else:
        values["scopes"] = ",".join(profile.scopes)
    lines = [f"# launch-wizard profile {profile.name!r}: `set -a; . FILE; set +a` exports it",
             *(f"{ENV_PREFIX}{k.upper()}={shlex.quote(v)}" for k, v in values.items())]
    for kind in profile.needed_secrets(optional=True):
        var = ENV_SECRETS[kind]
        if kind in secrets:
            value = secrets[kind].replace("\n", "\\n")  # one line; PEM keys are read back either way
            lines.append(f"{var}={shlex.quote(value)}")
        elif kind in profile.needed_secrets():
            lines.append(f"# {var}=  ({placeholder(kind.replace('_', ' '))[1:-1]})")
    return "\n".join(lines) + "\n"


def to_postman(profile: Profile, secrets: Mapping[SecretKind, str], access_token: str = "") -> str:
    """A Postman environment with the variable names of Adobe's own collections."""
    values: list[tuple[str, str, bool]] = [
        ("API_KEY", profile.client_id, False),
        ("CLIENT_SECRET", secrets.get(SecretKind.CLIENT_SECRET, placeholder("client secret")), True),
        ("IMS_ORG", profile.org_id, False),
        ("IMS", urlsplit(profile.ims_url).netloc, False),  # a bare host, as Adobe's samples use
        ("HOST", profile.reactor_url, False),
    ]
    if profile.is_jwt:
        values += [("TECHNICAL_ACCOUNT_ID", profile.technical_account_id, False),
                   ("META_SCOPE", ",".join(profile.metascopes) or "ent_reactor_sdk", False),
                   ("PRIVATE_KEY", secrets.get(SecretKind.PRIVATE_KEY, placeholder("private key")), True)]
    else:
        values += [("SCOPES", ",".join(profile.scopes), False)]
        if profile.technical_account_id:
            values.append(("TECHNICAL_ACCOUNT_ID", profile.technical_account_id, False))
    if access_token:
        values.append(("ACCESS_TOKEN", access_token, True))
    if profile.company_id:
        values.append(("COMPANY_ID", profile.company_id, False))
    return json.dumps({
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"launch-wizard:{profile.name}:{profile.client_id}")),
        "name": f"launch-wizard {profile.name}",
        "values": [{"key": k, "value": v, "type": "secret" if secret else "default", "enabled": True}
                   for k, v, secret in values],
        "_postman_variable_scope": "environment",
    }, indent=2) + "\n"


# aio-lib-ims knows two IMS hosts, by the context's `env`: prod (the default) and stage.
IMS_STAGE = "https://ims-na1-stg1.adobelogin.com"


class AioContextError(ConfigError):
    """aio-lib-ims would refuse the context: a field it requires is empty."""


def to_aio(profile: Profile, secrets: Mapping[SecretKind, str]) -> str:
    """An aio-cli context: `aio config:set ims.contexts.<name> FILE --file --json`.

    aio-lib-ims uses a context only when every key its plugin requires is non-empty (Server-to-
    Server: client_id, client_secrets, technical_account_email, technical_account_id, scopes,
    ims_org_id; JWT: client_id, client_secret, technical_account_id, meta_scopes, ims_org_id,
    private_key) and reads a private_key that is not a PEM as a file path: so a context with an
    empty field or a placeholder secret is refused here, not written."""
    _check_aio(profile, secrets)
    context: dict[str, Any] = {"client_id": profile.client_id, "ims_org_id": profile.org_id,
                               "technical_account_id": profile.technical_account_id,
                               "technical_account_email": profile.technical_account_email}
    if profile.is_jwt:
        context |= {"client_secret": secrets[SecretKind.CLIENT_SECRET],
                    "meta_scopes": list(profile.metascopes) or ["ent_reactor_sdk"],
                    "private_key": secrets[SecretKind.PRIVATE_KEY]}
        if SecretKind.KEY_PASSPHRASE in secrets:
            context["passphrase"] = secrets[SecretKind.KEY_PASSPHRASE]
    else:
        context |= {"client_secrets": [secrets[SecretKind.CLIENT_SECRET]], "scopes": list(profile.scopes)}
    if profile.ims_url == IMS_STAGE:
        context["env"] = "stage"  # aio-lib-ims's other IMS
    return json.dumps(context, indent=2) + "\n"


def _check_aio(profile: Profile, secrets: Mapping[SecretKind, str]) -> None:
    """AioContextError for a field aio-lib-ims requires that is empty, or a secret not given."""
    context_kind = "a JWT" if profile.is_jwt else "an OAuth Server-to-Server"
    fields = ["org_id", "client_id", "technical_account_id",
              *([] if profile.is_jwt else ["technical_account_email"])]
    missing = [name for name in fields if not getattr(profile, name)]
    if missing:
        labels = [LABELS[name] for name in missing]
        raise AioContextError(
            f"aio-cli refuses {context_kind} context without its "
            + " and ".join([", ".join(labels[:-1]), labels[-1]] if len(labels) > 1 else labels),
            "the Developer Console shows them on the credential's page (Credential details): "
            f"`launch-wizard configure --profile {profile.name} "
            + " ".join(f"--{name.replace('_', '-')} ..." for name in missing) + "`, then export again",
            subject=Subject(missing[0]))
    absent = [secret.replace("_", " ") for secret in profile.needed_secrets() if secret not in secrets]
    if absent:
        raise AioContextError(
            f"an aio-cli context holds the {' and the '.join(absent)}: aio-cli reads them from "
            "it (a placeholder would be sent as the secret, or opened as a key file)",
            "add --with-secrets (with --out FILE, created 0600)")


def to_json(profile: Profile, secrets: Mapping[SecretKind, str]) -> str:
    """The profile as JSON (and its secrets, only when given)."""
    body: dict[str, Any] = {"format": FORMAT, "name": profile.name}
    body |= {k: getattr(profile, k) for k in EXPORTED_FIELDS}
    if secrets:
        body["secrets"] = {k: v for k, v in secrets.items() if k in profile.needed_secrets(optional=True)}
    return json.dumps(body, indent=2) + "\n"


WRITERS = {"env": to_env, "aio": to_aio, "json": to_json}
