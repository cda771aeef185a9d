"""The shared state model: a `Profile`, its field validation, and profiles on disk (TOML).

A profile never holds a secret: client secrets, private keys, passphrases and tokens live in
the secret store (`secret_store.py`) or come from the environment.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from copy import copy
from dataclasses import dataclass, field, fields, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar, assert_never
from urllib.parse import urlsplit

from wizard.core.errors import ConfigError
from wizard.core.files import read_limited, write_atomically
from wizard.core.locks import beside, held
from wizard.core.safe_text import character_name, invisible_character, terminal_safe
from wizard.core.vocabulary import AuthType, SecretKind, Subject

Validator = Callable[[object], Any]
T = TypeVar("T")

IMS_PRODUCTION = "https://ims-na1.adobelogin.com"
REACTOR_PRODUCTION = "https://reactor.adobe.io"
AUTH_TYPES = tuple(AuthType)
STORAGES = ("keyring", "file")
# The scopes Adobe's own Launch uploader asks for with OAuth Server-to-Server.
DEFAULT_SCOPES = (
    "AdobeID",
    "openid",
    "read_organizations",
    "additional_info.job_function",
    "additional_info.projectedProductContext",
    "additional_info.roles",
)
ENV_PREFIX = "LAUNCH_WIZARD_"
DEFAULT_PROFILE = "default"
KEYRING_SERVICE = "launch-wizard"


# last_test: when the last passing test ran (ISO 8601, UTC) and how much it saw.
LAST_TEST = {"at": str, "companies": int, "properties": int}
# last_failure: when a test failed after it (none if the last test passed), at which stage, the
# error's cause as it was (outside text: shown escaped) and its exit code (3 refused, 4 network).
LAST_FAILURE = {"at": str, "stage": str, "cause": str, "exit_code": int}
TEST_RECORD = ("company_id", "last_test", "last_failure")  # what a test writes




# --- validation: one function per kind of value, one clear message per problem -------------

def _hidden_fault(label: str, text: str, shown: str) -> str | None:
    """Why `text` cannot be used, if it holds a control or invisible formatting character (an
    escape sequence a terminal would obey, a zero-width space, a bidi override); `shown`: the
    text as the message quotes it, or nothing (a secret)."""
    ch = invisible_character(text)
    return None if ch is None else f"{label} contains the control character {character_name(ch)}{shown}"


# Adobe's client secrets have about 40 characters; an access token pasted in their place, a
# thousand (its length is checked here: a secret is no profile field, bounded with the others)
SECRET_LONGEST = 256


def _too_long(label: str, length: int, longest: int) -> str:
    return f"{label} too long: {length} characters, the limit is {longest}"


def token_fault(label: str, text: str, *, secret: bool = False) -> str | None:
    """Why `text` is not one token as Adobe issues them (a control or invisible character, a
    space or a line break; a secret far too long), or None; a secret's own text is never quoted."""
    if secret and len(text) > SECRET_LONGEST:
        return _too_long(label, len(text), SECRET_LONGEST)
    shown = "" if secret else f": '{terminal_safe(text)}'"
    fault = _hidden_fault(label, text, shown)
    if fault is None and any(ch.isspace() for ch in text):
        fault = f"{label} must not contain spaces or line breaks{shown}"
    return fault


SECRET_AGAIN = "copy it again from the Developer Console and give it alone, on one line"


def client_secret(text: str, label: str = "client secret", fix: str = SECRET_AGAIN) -> str:
    """`text` without the blanks a copy takes around it, refused unless it is one token (the
    wizard's rule for a client secret); the message never quotes it."""
    text = text.strip()
    fault = token_fault(label, text, secret=True)
    if fault is not None:
        raise ConfigError(fault, fix, subject=Subject.CLIENT_SECRET)
    return text


def _visible(label: str, text: str, fix: str) -> str:
    """`text`, refused if it holds a control or invisible formatting character."""
    fault = _hidden_fault(label, text, f": '{terminal_safe(text)}'")
    if fault is not None:
        raise ConfigError(fault, fix)
    return text


def _single_token(label: str, value: object,
                  fix: str = "copy the value again from the Developer Console") -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{label} must be text, not {type(value).__name__}",
                          "write it in quotes, as text")
    text = value.strip()
    fault = token_fault(label, text)
    if fault is not None:
        raise ConfigError(fault, fix)
    return text


def _with_suffix(label: str, suffix: str, example: str) -> Validator:
    def check(value: object) -> str:
        text = _single_token(label, value)
        if text.lower().endswith(suffix.lower()):
            text = text[: -len(suffix)] + suffix  # as the console spells it
        if text and not text.endswith(suffix):
            raise ConfigError(f"{label} must end in {suffix}: {text!r}",
                              f"copy it from the Developer Console, e.g. {example}")
        if text == suffix:
            raise ConfigError(f"{label} is only {suffix!r}", f"the ID comes before it, e.g. {example}")
        return text
    return check


ORG_ID_EXAMPLE = "0123456789ABCDEF01234567@AdobeOrg"
_ORG_ID_SHAPE = re.compile(r"[0-9A-Fa-f]{24}@AdobeOrg")
_org_id_text = _with_suffix("organization ID", "@AdobeOrg", ORG_ID_EXAMPLE)


def _org_id(value: object) -> str:
    """An organization ID; Adobe's shape (24 hexadecimal characters) in the console's upper case."""
    text: str = _org_id_text(value)
    return text[:24].upper() + text[24:] if _ORG_ID_SHAPE.fullmatch(text) else text


def org_id_warning(org_id: str) -> str:
    """Why a (valid) organization ID looks wrong, or "": Adobe issues 24 hexadecimal characters
    before @AdobeOrg, but never promised that shape, so another one is warned about, not refused."""
    if not org_id or _ORG_ID_SHAPE.fullmatch(org_id):
        return ""
    return (f"the organization ID {terminal_safe(org_id)!r} is not 24 hexadecimal characters before "
            f"@AdobeOrg, as Adobe's are (e.g. {ORG_ID_EXAMPLE}): check that it was copied whole")


def _one_of(label: str, choices: tuple[str, ...]) -> Validator:
    """One of `choices`, in any case: the choice itself (an enum's member for an enum's)."""
    def check(value: object) -> str:
        text = _single_token(label, value).lower()
        chosen = next((choice for choice in choices if choice == text), None)
        if chosen is None:
            raise ConfigError(f"{label} must be one of {', '.join(choices)}, not {value!r}",
                              f"use {' or '.join(choices)}")
        return chosen
    return check


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# Where each endpoint is Adobe's own: credentials sent anywhere else (but this machine) are
# named in a warning every time they are used, as `gh` does for a host it does not know.
ENDPOINTS = ("ims_url", "reactor_url")
ADOBE_ENDPOINTS = dict(zip(ENDPOINTS, (IMS_PRODUCTION, REACTOR_PRODUCTION), strict=True))


def is_adobe_or_loopback(name: str, url: str) -> bool:
    """Whether the endpoint `name` ("ims_url" or "reactor_url") at `url` is Adobe's production
    host for it (over https, default port) or this machine."""
    parts, home = urlsplit(url), urlsplit(ADOBE_ENDPOINTS[name])
    if is_loopback(parts.hostname or ""):
        return True
    return (parts.scheme, parts.hostname, parts.port or 443) == ("https", home.hostname, 443)


def foreign_endpoints(profile: Profile) -> dict[str, str]:
    """The profile's endpoints that are neither Adobe's production hosts nor this machine."""
    return {name: getattr(profile, name) for name in ADOBE_ENDPOINTS
            if not is_adobe_or_loopback(name, getattr(profile, name))}


def endpoint_warnings(profile: Profile, source: Callable[[str], str]) -> list[str]:
    """One line per foreign endpoint; `source(name)` says where its value was set."""
    return [f"profile {profile.name!r} sends its credentials to {url} ({LABELS[name]}), which is "
            f"not Adobe's production host ({source(name)})"
            for name, url in foreign_endpoints(profile).items()]


URL_FIX = ("give the whole address, starting with https:// (http:// only to this machine, e.g. "
           "the sandbox), e.g. {example}")


def _host_ok(host: str) -> bool:
    """A DNS name (dot-separated labels of letters, digits, '-' or '_') or an IP address."""
    if ":" in host:  # urlsplit found it in brackets: it must be an IPv6 address
        try:
            return ipaddress.ip_address(host.split("%", 1)[0]).version == 6
        except ValueError:
            return False
    return all(label and all(ch.isalnum() or ch in "-_" for ch in label)
               for label in host.removesuffix(".").split("."))


def _url(label: str, example: str) -> Validator:
    """A base URL: http(s), a host, perhaps a port (1-65535) and a path; nothing else.

    User names, passwords, queries and fragments have no place in a base URL (a password would
    end up in messages; a query breaks every path put after it)."""
    def check(value: object) -> str:
        text = _single_token(label, value).rstrip("/")
        fix = URL_FIX.format(example=example)
        shown = re.sub(r"//[^/?#]*@", "//…@", text)  # a password in it is not repeated

        def bad(why: str) -> ConfigError:
            return ConfigError(f"{label} {shown!r} {why}", fix)

        if not text.isprintable():  # an escape sequence would act on the terminal it is shown on
            raise bad("holds a control character")
        try:
            parts = urlsplit(text)
            host = parts.hostname
        except ValueError:
            raise bad("cannot be read as a URL: look for an unclosed [ ], an IPv4 address in [ ], "
                      "or a character that only looks like / : or @") from None
        if parts.scheme not in ("http", "https") or not host:
            raise ConfigError(f"{label} must be a URL such as {example}, not {shown!r}", fix)
        if "@" in parts.netloc:
            raise bad("holds a user name or password: they do not belong in a base URL")
        if parts.query or parts.fragment or text.endswith(("?", "#")):
            raise bad("has a query or fragment (? or #): a base URL has neither")
        if not _host_ok(host):
            raise bad(f"has a host name that cannot be used ({host!r})")
        port = _bad_port(parts.netloc)
        if port is not None:
            raise bad(f"has the port {port!r}: a port is a number from 1 to 65535")
        if parts.scheme == "http" and not is_loopback(host):
            raise ConfigError(
                f"{label} {text!r} would send secrets in clear text to {host}",
                "use https:// (plain http:// is allowed only to this machine, e.g. the sandbox)",
            )
        return text
    return check


def _bad_port(netloc: str) -> str | None:
    """The port `netloc` gives when it is not one from 1 to 65535; None when it is, or none is given."""
    after_host = netloc.rpartition("]")[2]  # past an IPv6 address's ":"s
    if ":" not in after_host:
        return None
    port = after_host.partition(":")[2]
    return None if port.isascii() and port.isdigit() and 0 < int(port) < 65536 else port


def name_list(label: str, *, required: str = "") -> Validator:
    """A list of names (or one comma-separated string); `required`: the fix when it is empty."""
    def check(value: object) -> list[str]:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)):
            raise ConfigError(f"{label} must be a list, not {type(value).__name__}",
                              'write it as a list of texts, e.g. ["a", "b"]')
        names = [v for v in (_single_token(label, i) for i in items) if v]
        if required and not names:
            raise ConfigError(f"{label} cannot be empty", required)
        return names
    return check


def _role(value: object) -> str:
    from wizard.core.roles import role

    if not isinstance(value, str):
        raise ConfigError(f"role must be text, not {type(value).__name__}",
                          "write it in quotes, e.g. \"Publisher\"")
    return role(value.strip()).name if value.strip() else ""


def _path(label: str) -> Validator:
    def check(value: object) -> str:
        if not isinstance(value, (str, os.PathLike)):
            raise ConfigError(f"{label} must be a file path, not {type(value).__name__}",
                              "write it in quotes, as text")
        text = _visible(label, str(value).strip(), "give a plain file path")
        try:
            return str(Path(text).expanduser().resolve()) if text else ""
        except (OSError, RuntimeError, ValueError) as exc:  # e.g. ~nobody, a symlink loop
            raise ConfigError(f"{label} '{terminal_safe(text)}' cannot be used: "
                              f"{terminal_safe(str(exc))}", "give the file's full path") from None
    return check


_NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def _name(value: object) -> str:
    """Plain ASCII only: a name that looks like another (a Cyrillic 'о' for 'o') is refused."""
    fix = "choose a name such as work, ci or sandbox"
    text = _single_token("profile name", value, fix)
    wrong = next((ch for ch in text if ch not in _NAME_CHARACTERS), None)
    if not text or wrong is not None:
        which = f": '{terminal_safe(text)}' has {character_name(wrong)}" if wrong is not None else ", not ''"
        raise ConfigError(f"profile name must be plain ASCII letters, digits, '-', '_' or '.'{which}",
                          fix)
    return text


def _record(name: str, schema: dict[str, type]) -> Validator:
    """A table of exactly `schema`'s keys and types (numbers not negative), or {}."""
    def check(value: object) -> dict[str, Any]:
        if value == {}:
            return {}
        if not isinstance(value, dict) or set(value) != set(schema) or not all(
                type(value[k]) is kind and (kind is str or value[k] >= 0)
                for k, kind in schema.items()):
            raise ConfigError(f"{LABELS[name]} must be a table of {', '.join(schema)}, "
                              f"not {terminal_safe(repr(value))}",
                              f"delete the {name} line: `launch-wizard test` writes it again")
        return dict(value)
    return check


def _credential_id(value: object) -> str:
    from wizard.core.io_management import credential_id

    return credential_id(value)


# --- each field, declared once: every table below is derived from these declarations ---------

SETTING = "launch-wizard"  # the key of a Profile field's metadata


@dataclass(frozen=True)
class Option:
    """A `configure` option that sets the field."""

    flag: str
    help: str
    metavar: str | None = None
    choices: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Setting:
    """What the rest of the program knows about one profile field."""

    label: str  # in messages and tables
    validate: Validator
    env: bool = True  # may come from LAUNCH_WIZARD_<FIELD>
    env_help: str = ""  # its line in `--help`'s environment list ("": "every other profile field")
    seen_with: bool = False  # what the last test saw (company, last_test) was seen with its value
    stale: tuple[str, ...] = ()  # the wizard steps whose mark goes when it changes
    wizard_fix: tuple[str, str] | None = None  # the wizard step where it is corrected, what to do
    credential: bool = False  # part of a credential as the console gives it (an import)
    exported: bool = False  # written by `export --format json` and read back by `import`
    option: Option | None = None
    # the most characters its text may have (a list's: as comma-separated text; None: not text),
    # by default far past any ID Adobe issues (a client ID has 32 characters, an org ID 33)
    longest: int | None = 256


# Bounds far past any real value, yet bounds: a whole page pasted is refused, not saved and echoed.
URL_LONGEST = 2048
LIST_LONGEST = 2048
PATH_LONGEST = 4096  # Linux's PATH_MAX


def _field(default: object, label: str, check: Callable[[str], Validator], **more: Any) -> Any:
    """A Profile field: its default, its label, and the validator `check(label)` (after the
    length check, so that no message repeats a value far too long); `more`: the rest of its
    `Setting`."""
    setting = Setting(label, check(label), **more)
    if setting.longest is not None:
        setting = replace(setting, validate=_bounded(label, setting.longest, setting.validate))
    metadata = {SETTING: setting}
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: copy(default), metadata=metadata)
    return field(default=default, metadata=metadata)


def _bounded(label: str, longest: int, validator: Validator) -> Validator:
    """`validator`, for a value of at most `longest` characters (blanks around it not counted)."""
    def check(value: object) -> Any:
        text = _as_text(value)
        if text is not None and len(text) > longest:
            raise ConfigError(f"{_too_long(label, len(text), longest)} "
                              f"(it starts '{terminal_safe(text[:12])}…')",
                              "give the value alone: a paste may have brought more with it")
        return validator(value)
    return check


def _as_text(value: object) -> str | None:
    """`value` as the text whose length counts: a list's as comma-separated text; None when it
    is neither text nor a list of texts (its validator names its type)."""
    if isinstance(value, (str, os.PathLike)):
        return str(value).strip()
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return ",".join(item.strip() for item in value)
    return None


def _as_is(validator: Validator) -> Callable[[str], Validator]:
    """`validator`, which names its value itself."""
    return lambda label: validator


def _token(label: str) -> Validator:
    return lambda value: _single_token(label, value)


def _token_or(default: str) -> Callable[[str], Validator]:
    """One token, or `default` when empty."""
    return lambda label: lambda value: _single_token(label, value) or default


_TECHACCT = "@techacct.adobe.com"
_AFTER_TEST = ("test",)
_AFTER_CREDENTIAL = ("upload", "credentials", "test")
_KEY_AGAIN = ("credentials", "paste or load the private key again")


@dataclass
class Profile:
    name: str = _field(DEFAULT_PROFILE, "profile name", _as_is(_name), env=False)
    auth_type: AuthType = _field(
        AuthType.OAUTH_S2S, "credential type", partial(_one_of, choices=AUTH_TYPES),
        env_help="jwt | oauth-s2s", seen_with=True, stale=("role", "keys", *_AFTER_CREDENTIAL),
        wizard_fix=("organization", "check the credential type"), credential=True, exported=True,
        option=Option("--auth", "credential type: oauth-s2s (Adobe today) or jwt (service account, "
                                "ended 2025)", choices=AUTH_TYPES))
    org_id: str = _field(
        "", "organization ID", _as_is(_org_id), env_help="organization ID (...@AdobeOrg)",
        seen_with=True, stale=_AFTER_TEST, wizard_fix=("organization", "correct the organization ID"),
        credential=True, exported=True, option=Option("--org-id", "organization ID, ...@AdobeOrg"))
    # Adobe's console also calls the client ID the "API key": the same value.
    client_id: str = _field(
        "", "client ID (API key)", _token,
        env_help="client ID, which the console also calls the API key", seen_with=True,
        stale=_AFTER_CREDENTIAL, wizard_fix=("credentials", "check the client ID (API key)"),
        credential=True, exported=True,
        option=Option("--client-id", "client ID; the console also calls it the API key (same value)"))
    technical_account_id: str = _field(
        "", "technical account ID",
        partial(_with_suffix, suffix=_TECHACCT, example=f"0123456789ABCDEF01234567{_TECHACCT}"),
        env_help=f"...{_TECHACCT} (JWT needs it)", stale=_AFTER_TEST,
        wizard_fix=("credentials", "check the technical account ID"), credential=True, exported=True,
        option=Option("--technical-account-id",
                      f"technical account ID, ...{_TECHACCT}, from the credential page "
                      "(JWT needs it for a token; aio-cli needs it for either type)"))
    technical_account_email: str = _field(
        "", "technical account email",
        partial(_with_suffix, suffix=_TECHACCT,
                example=f"0a1b2c3d-4e5f-6789-abcd-ef0123456789{_TECHACCT}"),
        wizard_fix=("credentials", "check the technical account ID"), credential=True, exported=True,
        option=Option("--technical-account-email",
                      f"technical account email, ...{_TECHACCT}, from the credential page "
                      "(aio-cli needs it for OAuth Server-to-Server)"))
    # the console's numbers "ORG/CREDENTIAL", for the I/O Management API
    credential_id: str = _field(
        "", "console credential ID", _as_is(_credential_id),
        option=Option("--credential-id", "(OAuth S2S) the credential page's URL (or ORG/CREDENTIAL "
                                         "from it): rotate-secret and status reach its secrets "
                                         "through the I/O Management API", metavar="URL"),
        longest=URL_LONGEST)
    role: str = _field(
        "", "role", _as_is(_role), stale=_AFTER_TEST,
        wizard_fix=("role", "choose the role the integration has"), exported=True,
        option=Option("--role", "legacy role (Admin, IT Admin, Developer, Approver, Publisher, "
                                "Extension Developer); see `launch-wizard roles`"))
    metascopes: list[str] = _field(
        [], "metascopes", name_list, env_help="comma-separated",
        wizard_fix=("role", "check the role (its metascope is tried first)"), credential=True,
        exported=True, option=Option("--metascope", "(JWT) metascope, repeatable; '' clears them so "
                                                    "the right one is discovered"),
        longest=LIST_LONGEST)
    scopes: list[str] = _field(
        list(DEFAULT_SCOPES), "scopes",
        partial(name_list, required="give each scope with --scope, or leave --scope out to keep "
                                    "Adobe's Launch list"),
        env_help="comma-separated", stale=_AFTER_TEST,
        wizard_fix=("credentials", "correct the Scopes field (the credential's console page lists "
                                   "its scopes)"),
        credential=True, exported=True,
        option=Option("--scope", "(OAuth S2S) scope, repeatable; default: Adobe's Launch list"),
        longest=LIST_LONGEST)
    private_key_path: str = _field(
        "", "private key path", _path, stale=_AFTER_CREDENTIAL, wizard_fix=_KEY_AGAIN,
        option=Option("--private-key", "(JWT) private key file: checked, then imported into the "
                                       "secret store", metavar="FILE"), longest=PATH_LONGEST)
    certificate_path: str = _field(
        "", "certificate path", _path, stale=_AFTER_CREDENTIAL,
        wizard_fix=("keys", "check the key and certificate"),
        option=Option("--certificate", "(JWT) the certificate uploaded to the console (for expiry "
                                       "warnings)", metavar="FILE"), longest=PATH_LONGEST)
    ims_url: str = _field(
        IMS_PRODUCTION, "IMS URL", partial(_url, example=IMS_PRODUCTION),
        env_help="other servers (e.g. the sandbox)", exported=True,
        option=Option("--ims-url", f"IMS base URL (default {IMS_PRODUCTION})"), longest=URL_LONGEST)
    reactor_url: str = _field(
        REACTOR_PRODUCTION, "Reactor URL", partial(_url, example=REACTOR_PRODUCTION),
        env_help="other servers (e.g. the sandbox)", seen_with=True, exported=True,
        option=Option("--reactor-url", f"Launch API base URL (default {REACTOR_PRODUCTION})"),
        longest=URL_LONGEST)
    # the first company the last test saw (the Launch API's CO...)
    company_id: str = _field("", "company ID", _token)
    # what it saw: see LAST_TEST
    last_test: dict[str, Any] = _field({}, "last test", _as_is(_record("last_test", LAST_TEST)),
                                       env=False, longest=None)
    # a later test that failed
    last_failure: dict[str, Any] = _field(
        {}, "last failed test", _as_is(_record("last_failure", LAST_FAILURE)), env=False,
        longest=None)
    storage: str = _field("keyring", "secret storage", partial(_one_of, choices=STORAGES))
    # the sandbox's profile keeps its secrets apart
    keyring_service: str = _field(KEYRING_SERVICE, "keyring service", _token_or(KEYRING_SERVICE))

    @property
    def is_jwt(self) -> bool:
        return self.auth_type == AuthType.JWT

    def needed_secrets(self, optional: bool = False) -> list[SecretKind]:
        """The secrets a token exchange needs; `optional`: with those it may need (a passphrase)."""
        match self.auth_type:
            case AuthType.JWT:
                return [SecretKind.CLIENT_SECRET, SecretKind.PRIVATE_KEY,
                        *([SecretKind.KEY_PASSPHRASE] if optional else [])]
            case AuthType.OAUTH_S2S:
                return [SecretKind.CLIENT_SECRET]
            case _:
                assert_never(self.auth_type)

    def with_changes(self, **changes: object) -> Profile:
        """A copy with `changes` applied, each validated; raises ConfigError on the first bad one.

        What the last test saw goes when the credential or the server it was seen with changes."""
        new = replace(self, **{k: validate_field(k, v) for k, v in changes.items()})
        if any(getattr(new, f) != getattr(self, f) for f in SEEN_WITH) \
                and not set(TEST_RECORD) & changes.keys():
            new.company_id, new.last_test, new.last_failure = "", {}, {}
        return new

    def changes_from(self, before: Profile) -> dict[str, Any]:
        """The fields whose value differs from `before`'s, with this profile's values: what to
        save when a profile was changed in several steps (`ProfileStore.update`)."""
        return {n: getattr(self, n) for n in FIELD_NAMES
                if n != "name" and getattr(self, n) != getattr(before, n)}

    def missing_for_token(self) -> list[str]:
        """Fields a token exchange needs that are still empty."""
        needed = ["org_id", "client_id"] + (["technical_account_id"] if self.is_jwt else [])
        return [n for n in needed if not getattr(self, n)]

    def require_ready(self) -> None:
        missing = self.missing_for_token()
        if missing:
            names = ", ".join(LABELS[m] for m in missing)
            flags = " ".join(f"--{m.replace('_', '-')} ..." for m in missing)
            raise ConfigError(
                f"profile {self.name!r} is missing: {names}",
                f"run `launch-wizard configure --profile {self.name} {flags}` or the wizard",
                subject=Subject(missing[0]),
            )


SETTINGS: dict[str, Setting] = {f.name: f.metadata[SETTING] for f in fields(Profile)}
FIELD_NAMES = tuple(SETTINGS)
LABELS = {name: s.label for name, s in SETTINGS.items()}
VALIDATORS = {name: s.validate for name, s in SETTINGS.items()}
LIST_FIELDS = tuple(name for name in FIELD_NAMES if isinstance(getattr(Profile(), name), list))
# What the company and last_test fields depend on.
SEEN_WITH = tuple(name for name, s in SETTINGS.items() if s.seen_with)
CREDENTIAL_FIELDS = tuple(name for name, s in SETTINGS.items() if s.credential)
EXPORTED_FIELDS = tuple(name for name, s in SETTINGS.items() if s.exported)
OPTIONS = {name: s.option for name, s in SETTINGS.items() if s.option is not None}


def validate_field(name: str, value: object) -> Any:
    if name not in VALIDATORS:
        raise ConfigError(f"unknown profile field {name!r}", "use one of " + ", ".join(VALIDATORS))
    return VALIDATORS[name](value)


# --- the secrets: never in a profile, but named, looked for and made stale alike ---------------

@dataclass(frozen=True)
class Secret:
    env_help: str  # its line in `--help`'s environment list
    after: str  # the field whose line it follows there
    stale: tuple[str, ...]  # the wizard steps whose mark goes when it changes
    wizard_fix: tuple[str, str]  # the wizard step where it is entered again, and what to do


SECRETS = {
    SecretKind.CLIENT_SECRET: Secret("client secret", "client_id", _AFTER_TEST,
                                     ("credentials", "enter the client secret again")),
    SecretKind.PRIVATE_KEY: Secret("(JWT) PEM text or a path to the key file", "technical_account_id",
                                   _AFTER_TEST, _KEY_AGAIN),
    SecretKind.KEY_PASSPHRASE: Secret("(JWT) passphrase of an encrypted key", "technical_account_id",
                                      _AFTER_TEST, ("credentials", "type the key's passphrase again")),
}

# A change to one of these fields or secrets makes what these wizard steps found out stale.
STALE_AFTER: dict[str, tuple[str, ...]] = {
    **{name: s.stale for name, s in SETTINGS.items() if s.stale},
    **{kind: s.stale for kind, s in SECRETS.items()},
}
# subject -> (the wizard step where it is corrected, what to do there)
WIZARD_FIX: dict[str, tuple[str, str]] = {
    **{name: s.wizard_fix for name, s in SETTINGS.items() if s.wizard_fix is not None},
    **{kind: s.wizard_fix for kind, s in SECRETS.items()},
}


# --- the environment: every field can come from LAUNCH_WIZARD_<FIELD> (the CI path) ---------

ENV_FIELDS = {ENV_PREFIX + name.upper(): name for name, s in SETTINGS.items() if s.env}
# the private key: PEM text or a path to a PEM file
ENV_SECRETS: dict[SecretKind, str] = {kind: ENV_PREFIX + kind.upper() for kind in SecretKind}


def environment_help() -> list[tuple[str, str]]:
    """The variables `--help` describes, one row each (variable(s), what it holds): the fields
    with an `env_help`, those with the same text on one row, each followed by its secrets."""
    rows: list[tuple[list[str], str]] = []
    for var, name in ENV_FIELDS.items():
        text = SETTINGS[name].env_help
        if not text:
            continue
        if rows and rows[-1][1] == text:
            rows[-1][0].append(var)
        else:
            rows.append(([var], text))
        rows += [([ENV_SECRETS[kind]], s.env_help) for kind, s in SECRETS.items() if s.after == name]
    return [(", ".join(names), text) for names, text in rows]


def apply_environment(profile: Profile, environ: Mapping[str, str] | None = None) -> Profile:
    """`profile` with every LAUNCH_WIZARD_<FIELD> variable that is set applied over it."""
    environ = os.environ if environ is None else environ
    changes: dict[str, Any] = {}
    for var, name in ENV_FIELDS.items():
        if environ.get(var, "").strip():
            try:
                changes[name] = validate_field(name, environ[var])
            except ConfigError as exc:
                raise ConfigError(f"{var}: {exc.cause}", f"{exc.fix}; or unset {var}",
                                  subject=Subject(name)) from None
    return replace(profile, **changes)


# --- profiles on disk ------------------------------------------------------------------------

def config_dir() -> Path:
    override = os.environ.get(ENV_PREFIX + "CONFIG_DIR", "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("launch-wizard", appauthor=False))


def cache_dir() -> Path:
    """Where a token is cached when no keyring can keep it (the CI path), and the wizard's
    parsed stylesheets."""
    override = os.environ.get(ENV_PREFIX + "CACHE_DIR", "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("launch-wizard", appauthor=False))




def _record_key(key: str) -> str:
    if key in FIELD_NAMES:
        raise ValueError(f"{key!r} is a profile field, not a record beside the fields")
    return key


REPAIR = "repair it or move it aside (nothing was changed); `launch-wizard configure` writes a new one"


class ProfileStore:
    """Named profiles in one TOML file (`config.toml`), written atomically, mode 0600.

    Beside its fields, a profile's table may hold a record a front door keeps about it (the
    wizard's progress): the store never reads it as a field, keeps it when others change the
    fields, writes it in the same locked write as the fields it goes with, and drops it with the
    profile."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "config.toml"

    def _read(self) -> dict[str, dict[str, Any]]:
        data = read_limited(self.path, expected="a profile file", if_missing=b"")
        if not data:  # no profile yet (a new user's first frame does without tomllib)
            return {}
        import tomllib

        try:
            document = tomllib.loads(data.decode("utf-8"))
        except UnicodeDecodeError:
            raise ConfigError(f"{self.path} is not text (it is not UTF-8)", REPAIR) from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{self.path} is not valid TOML ({exc})", REPAIR) from None
        profiles = document.get("profiles", {})
        if not isinstance(profiles, dict):
            raise ConfigError(f"{self.path}: [profiles] must be a table", REPAIR)
        for name, raw in profiles.items():
            if not isinstance(raw, dict):
                raise ConfigError(f"{self.path}: profile {name!r} must be a table", REPAIR)
        return profiles

    def names(self) -> list[str]:
        return sorted(self._read())

    def exists(self, name: str) -> bool:
        return name in self._read()

    def load(self, name: str = DEFAULT_PROFILE) -> Profile:
        """The saved profile `name`, or a new empty one if none is saved."""
        name = _name(name)
        return self._profile(name, self._read().get(name))

    def record(self, name: str, key: str, read: Callable[[object], T]) -> T:
        """The record kept under `key` beside profile `name`'s fields, as `read` makes it of the
        value saved (None when none is); `read` raises ConfigError for a value it cannot use."""
        name = _name(name)
        try:
            return read(self._read().get(name, {}).get(_record_key(key)))
        except ConfigError as exc:
            raise ConfigError(f"{self.path}, profile {name!r}: {exc.cause}",
                              f"correct {key} there, or {REPAIR}") from None

    def _profile(self, name: str, raw: dict[str, Any] | None) -> Profile:
        profile = Profile(name=name)
        for key, value in (raw or {}).items():
            if key not in FIELD_NAMES or key == "name":
                continue  # a record beside the fields, or a field a newer version wrote
            try:
                setattr(profile, key, validate_field(key, value))
            except ConfigError as exc:
                raise ConfigError(f"{self.path}, profile {name!r}: {exc.cause}",
                                  f"correct {key} there, or {REPAIR}") from None
        return profile

    def update(self, name: str, changes: Mapping[str, object],
               expect: Mapping[str, object] | None = None,
               records: Mapping[str, object] | None = None) -> Profile | None:
        """Change only these fields of profile `name` (made if new), each validated, and these
        records beside them, as one locked read-modify-write: another process's change to other
        fields, made meanwhile, stays. With `expect`, only if the profile is saved with those
        values (else None).

        Returns the profile as saved."""
        name = _name(name)
        with self._locked():
            profiles = self._read()
            current = self._profile(name, profiles.get(name))
            if expect is not None and (name not in profiles or any(
                    getattr(current, k) != v for k, v in expect.items())):
                return None
            new = current.with_changes(**changes)
            self._put(profiles, new, {_record_key(k): v for k, v in (records or {}).items()})
            return new

    def save(self, profile: Profile) -> None:
        """Every field of `profile`: for a profile made whole in one place (the demo). Anything
        that changes a profile a person or another process may also change uses `update`."""
        with self._locked():
            self._put(self._read(), profile)

    def delete(self, name: str) -> bool:
        with self._locked():
            profiles = self._read()
            if profiles.pop(name, None) is None:
                return False
            self._write(profiles)
            return True

    def _locked(self) -> AbstractContextManager[None]:
        return held(beside(self.path), f"the profiles file {self.path}")

    def _put(self, profiles: dict[str, dict[str, Any]], profile: Profile,
             records: Mapping[str, object] | None = None) -> None:
        """Write `profiles` with `profile` (and `records` beside it) in them; the other keys (its
        other records, those a newer version wrote) stay as they were."""
        fields = {n: getattr(profile, n) for n in FIELD_NAMES if n != "name"}
        profiles[_name(profile.name)] = profiles.get(profile.name, {}) | fields | dict(records or {})
        self._write(profiles)

    def _write(self, profiles: dict[str, dict[str, Any]]) -> None:
        import tomli_w

        write_atomically(self.path, tomli_w.dumps({"profiles": profiles}).encode())
