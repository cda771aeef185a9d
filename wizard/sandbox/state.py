"""What the sandbox knows: its organization, integrations, certificates, clock and faults."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.core.errors import ConfigError
from wizard.core.files import parse_json, read_limited
from wizard.core.profile import DEFAULT_SCOPES, IMS_PRODUCTION
from wizard.core.roles import DEFAULT_METASCOPE, PROPERTY_RIGHTS, RIGHTS, Role, role
from wizard.core.vocabulary import AuthType

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

PRODUCTION_IMS = IMS_PRODUCTION
S2S_SCOPES = list(DEFAULT_SCOPES)  # data shared with the client, as the role table is
JWT_TOKEN_LIFETIME_MS = 86_399_999
S2S_TOKEN_LIFETIME_S = 86_399
MAX_STATE_BYTES = 16 << 20  # --state: integrations and properties, a few hundred bytes each
MAX_SECRETS = 2  # client secrets per credential, as Adobe's console allows


class ConsoleRefusal(ValueError):
    """A console request the sandbox refuses; the message is the reason shown to the caller."""


@dataclass
class Certificate:
    pem: str
    fingerprint_sha1: str
    not_after: str  # ISO 8601, UTC

    def expired(self, now: float) -> bool:
        return dt.datetime.fromisoformat(self.not_after).timestamp() <= now

    def public_key(self):
        from cryptography import x509

        return x509.load_pem_x509_certificate(self.pem.encode()).public_key()


@dataclass
class Integration:
    name: str
    auth_type: str
    org_id: str
    client_id: str
    client_secret: str
    technical_account_id: str
    technical_account_email: str
    metascopes: list[str]
    scopes: list[str]
    rights: list[str]
    role: str = ""
    certificates: dict[str, Certificate] = field(default_factory=dict)
    # every client secret the console holds: client_secret is the first (the console can hold
    # several while one is rotated); and whether a JWT integration was migrated, which adds an
    # OAuth Server-to-Server credential with the same client ID
    extra_secrets: list[str] = field(default_factory=list)
    migrated: bool = False
    # the property rights on each property a product profile names (by property ID), in place of
    # the property rights of `rights`, which hold on every other property
    property_rights: dict[str, list[str]] = field(default_factory=dict)
    # when each client secret (by secret_id) was made and last got a token: I/O Management shows them
    secrets_created: dict[str, float] = field(default_factory=dict)
    secrets_used: dict[str, float] = field(default_factory=dict)

    @property
    def secrets(self) -> list[str]:
        return [self.client_secret, *self.extra_secrets]

    def rights_on(self, property_id: str) -> list[str]:
        """The rights the integration holds on one property (what its `meta.rights` shows)."""
        if property_id in self.property_rights:
            return list(self.property_rights[property_id])
        return [r for r in self.rights if r in PROPERTY_RIGHTS]

    def sees(self, property_id: str) -> bool:
        """Whether the property is listed to the integration: a product profile gives it a right
        there, or it manages the company's properties (a right on the company alone, such as
        develop_extensions, shows none)."""
        return "manage_properties" in self.rights or bool(self.rights_on(property_id))

    @property
    def grants(self) -> list[str]:
        """The credential types that may ask for a token."""
        return [self.auth_type, *([AuthType.OAUTH_S2S] if self.migrated else [])]

    def public(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("certificates")
        for private in ("extra_secrets", "secrets_created", "secrets_used"):
            data.pop(private)
        data["client_secrets"] = [{"id": secret_id(s), "secret": s} for s in self.secrets]
        return data


def secret_id(secret: str) -> str:
    import hashlib  # hashlib and json load where used: the sandbox wizard's first frame needs neither

    return hashlib.sha1(secret.encode()).hexdigest()[:12]


def read_certificate(pem: object, now: float) -> Certificate:
    """Check an uploaded certificate as Adobe's console does (own parsing, not the client's)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    if not isinstance(pem, str) or "-----BEGIN CERTIFICATE-----" not in pem:
        raise ConsoleRefusal("not a PEM certificate (expected '-----BEGIN CERTIFICATE-----')")
    try:
        cert = x509.load_pem_x509_certificate(pem.strip().encode())
    except ValueError:
        raise ConsoleRefusal("the certificate cannot be decoded (truncated or altered PEM)") from None
    public = cert.public_key()
    if not isinstance(public, rsa.RSAPublicKey):
        raise ConsoleRefusal("the certificate's key is not RSA; Adobe needs RSA")
    if public.key_size < 2048:
        raise ConsoleRefusal(f"the certificate's key is {public.key_size} bits; Adobe needs at least 2048")
    not_after = cert.not_valid_after_utc
    if not_after.timestamp() <= now:
        raise ConsoleRefusal(f"the certificate expired on {not_after:%Y-%m-%d}")
    import hashlib

    der = cert.public_bytes(serialization.Encoding.DER)
    return Certificate(cert.public_bytes(serialization.Encoding.PEM).decode(),
                       hashlib.sha1(der).hexdigest(), not_after.isoformat())


PLATFORMS = ("web", "mobile", "edge")
SEED_PROPERTIES: tuple[tuple[str, str, list[str]], ...] = (
    ("Marketing site", "web", ["example.com", "www.example.com"]),
    ("Support portal", "web", ["support.example.com"]),
    ("Mobile app", "mobile", []))


def iso(seconds: float) -> str:
    """A time as the Launch API writes it: ISO 8601, UTC, milliseconds."""
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def company_id(org_id: str) -> str:
    """Each organization has one company in the sandbox; its ID follows from the organization."""
    import hashlib

    return "CO" + hashlib.sha1(org_id.encode()).hexdigest()[:32]


@dataclass
class Property:
    """A Launch property, with the attributes Adobe's API returns."""

    id: str
    company_id: str
    name: str
    platform: str
    domains: list[str]
    created_at: str
    updated_at: str
    token: str
    development: bool = False
    enabled: bool = True
    undefined_vars_return_empty: bool = False
    rule_component_sequencing_enabled: bool = False

    def attributes(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("id", "company_id"):
            data.pop(key)
        return data


class InvalidAttribute(ValueError):
    """A property's attribute is missing or wrong: the JSON pointer says which."""

    def __init__(self, pointer: str, detail: str) -> None:
        super().__init__(detail)
        self.pointer, self.detail = pointer, detail


@dataclass
class Fault:
    path: str
    status: int | None = None
    body: object = None
    delay_s: float = 0.0
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = ""


class SandboxState:
    """Thread-safe: the HTTP server and in-process callers (tests, the wizard) share it."""

    def __init__(self, state_file: Path | None = None, seed: int | None = None) -> None:
        self.lock = threading.RLock()
        self.state_file = state_file
        # a seed makes every ID repeatable (screenshots, snapshots); never for real use
        self._random = random.Random(seed) if seed is not None else random.SystemRandom()
        self.org_id = f"{self._hex(12).upper()}@AdobeOrg"
        self.integrations: dict[str, Integration] = {}
        self.properties: dict[str, Property] = {}
        self.seeded: set[str] = set()  # companies that got their first properties
        self.clock_offset_s = 0.0
        self.faults: list[Fault] = []
        self.tokens_issued: Counter[str] = Counter()  # access tokens minted, by client ID
        self._signing_key: RSAPrivateKey | None = None
        if state_file and state_file.exists():
            self._load(state_file)

    def _hex(self, nbytes: int) -> str:
        return f"{self._random.getrandbits(8 * nbytes):0{2 * nbytes}x}"

    # --- time ------------------------------------------------------------------------------
    def now(self) -> float:
        return time.time() + self.clock_offset_s

    # --- the key that signs the sandbox's own access tokens --------------------------------
    @property
    def signing_key(self) -> RSAPrivateKey:
        with self.lock:
            if self._signing_key is None:
                from cryptography.hazmat.primitives.asymmetric import rsa

                self._signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return self._signing_key

    # --- integrations ------------------------------------------------------------------------
    def create_integration(self, spec: dict) -> Integration:
        name = spec.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConsoleRefusal("'name' is required: a descriptive name for the integration")
        auth_type = spec.get("auth_type")
        if auth_type not in tuple(AuthType):
            raise ConsoleRefusal("'auth_type' must be 'jwt' or 'oauth-s2s'")
        found = _role(spec)
        metascopes, scopes, rights = _access(spec, auth_type, found)
        role_name = found.name if found else ""
        with self.lock:
            per_property = self._property_rights(spec.get("property_rights"))
        integration = Integration(
            name=name.strip(), auth_type=auth_type, org_id=self.org_id,
            client_id=self._hex(16), client_secret=f"p8e-{self._hex(18)}",
            technical_account_id=f"{self._hex(12).upper()}@techacct.adobe.com",
            technical_account_email=f"{self._hex(16)}@techacct.adobe.com",
            metascopes=metascopes, scopes=scopes, rights=rights, role=role_name,
            property_rights=per_property,
        )
        integration.secrets_created[secret_id(integration.client_secret)] = self.now()
        with self.lock:
            self.integrations[integration.client_id] = integration
            self._save()
        return integration

    def _property_rights(self, given: object) -> dict[str, list[str]]:
        """A spec's `property_rights` ({property ID or name: [property rights]}), keyed by the
        properties' IDs: a product profile names properties that exist."""
        if given is None:
            return {}
        if not isinstance(given, dict):
            raise ConsoleRefusal("'property_rights' must map a property's ID or name to its rights")
        known = self.properties_of(company_id(self.org_id))
        return {_property_named(known, str(name)).id: _rights_on_property(str(name), rights)
                for name, rights in given.items()}

    def get(self, client_id: str) -> Integration | None:
        with self.lock:
            return self.integrations.get(client_id)

    def delete(self, client_id: str) -> bool:
        with self.lock:
            found = self.integrations.pop(client_id, None) is not None
            self._save()
            return found

    def add_certificate(self, client_id: str, pem: object) -> tuple[Certificate, bool]:
        cert = read_certificate(pem, self.now())
        with self.lock:
            integration = self.integrations[client_id]
            added = cert.fingerprint_sha1 not in integration.certificates
            integration.certificates.setdefault(cert.fingerprint_sha1, cert)
            self._save()
        return cert, added

    def add_secret(self, client_id: str) -> str:
        with self.lock:
            integration = self.integrations[client_id]
            if len(integration.secrets) >= MAX_SECRETS:
                raise ConsoleRefusal(f"a credential holds at most {MAX_SECRETS} client secrets: "
                                     "delete one first")
            secret = f"p8e-{self._hex(18)}"
            integration.extra_secrets.append(secret)
            integration.secrets_created[secret_id(secret)] = self.now()
            self._save()
            return secret

    def secret_used(self, client_id: str, secret: str) -> None:
        """A token was just given for `secret` (its last use moves)."""
        with self.lock:
            self.integrations[client_id].secrets_used[secret_id(secret)] = self.now()
            self._save()

    def remove_secret(self, client_id: str, wanted: str) -> bool:
        """Delete the secret whose id is `wanted`; the last one cannot go (as in the console)."""
        with self.lock:
            integration = self.integrations[client_id]
            left = [s for s in integration.secrets if secret_id(s) != wanted]
            if len(left) == len(integration.secrets):
                return False
            if not left:
                raise ConsoleRefusal("an integration keeps at least one client secret")
            integration.client_secret, integration.extra_secrets = left[0], left[1:]
            integration.secrets_created.pop(wanted, None)
            integration.secrets_used.pop(wanted, None)
            self._save()
            return True

    def migrate(self, client_id: str) -> Integration:
        """The console's migration: a JWT integration gets an OAuth Server-to-Server credential
        with the same client ID, technical account and scopes; both work until JWT is deleted."""
        with self.lock:
            integration = self.integrations[client_id]
            if integration.auth_type != AuthType.JWT:
                raise ConsoleRefusal("only a JWT (service account) integration can be migrated")
            integration.migrated = True
            integration.scopes = integration.scopes or list(S2S_SCOPES)
            self._save()
            return integration

    def remove_certificate(self, client_id: str, fingerprint: str) -> bool:
        with self.lock:
            found = self.integrations[client_id].certificates.pop(fingerprint.lower(), None)
            self._save()
            return found is not None

    # --- properties (the Launch API beyond /companies) -------------------------------------
    def _stamp(self) -> str:
        return iso(self.now())

    def companies(self) -> set[str]:
        """Every company the sandbox knows: its organizations' and those with properties."""
        with self.lock:
            return ({company_id(i.org_id) for i in self.integrations.values()}
                    | self.seeded | {p.company_id for p in self.properties.values()})

    def properties_of(self, company: str) -> list[Property]:
        """The company's properties, oldest first; a new company gets a few, so it is not empty."""
        with self.lock:
            if company not in self.seeded:
                self.seeded.add(company)
                made = self._stamp()  # one instant for all: they are made together
                for name, platform, domains in SEED_PROPERTIES:
                    self._add(company, {"name": name, "platform": platform, "domains": domains},
                              made)
            return [p for p in self.properties.values() if p.company_id == company]

    def add_property(self, company: str, attributes: object) -> Property:
        self.properties_of(company)  # seeded first, so the new one comes last
        with self.lock:
            return self._add(company, attributes)

    def _add(self, company: str, attributes: object, stamp: str = "") -> Property:
        values = _property_attributes(attributes, creating=True)
        stamp = stamp or self._stamp()
        made = Property(id="PR" + self._hex(16), company_id=company, created_at=stamp,
                        updated_at=stamp, token=self._hex(16), **values)
        self.properties[made.id] = made
        self._save()
        return made

    def update_property(self, property_id: str, attributes: object) -> Property:
        with self.lock:
            found = self.properties[property_id]
            for key, value in _property_attributes(attributes, creating=False).items():
                setattr(found, key, value)
            # a change always shows, even within the millisecond of the last one
            last = dt.datetime.fromisoformat(found.updated_at).timestamp()
            found.updated_at = iso(max(self.now(), last + 0.001))
            self._save()
            return found

    def delete_property(self, property_id: str) -> None:
        with self.lock:
            del self.properties[property_id]
            self._save()

    # --- faults (test hooks) -----------------------------------------------------------------
    def add_fault(self, spec: dict) -> Fault:
        path = spec.get("path")
        if not isinstance(path, str) or not path.startswith("/"):
            raise ConsoleRefusal("'path' is required and must start with '/'")
        status = spec.get("status")
        if status is not None and not _number_in(status, 100, 599, whole=True):
            raise ConsoleRefusal("'status' must be an HTTP status code")
        delay = spec.get("delay_s", 0)
        if not _number_in(delay, 0, 120):
            raise ConsoleRefusal("'delay_s' must be 0 to 120 seconds")
        times = spec.get("times", 1)
        if not _number_in(times, 1, None, whole=True):
            raise ConsoleRefusal("'times' must be a positive integer")
        headers = spec.get("headers") or {}
        if not isinstance(headers, dict):
            raise ConsoleRefusal("'headers' must be an object")
        if status is None and spec.get("body") is not None:
            raise ConsoleRefusal("a fault with a 'body' needs a 'status'")
        fault = Fault(path.rstrip("/") or "/", status, spec.get("body"), float(delay), times,
                      {str(k): str(v) for k, v in headers.items()}, str(spec.get("content_type", "")))
        with self.lock:
            self.faults.append(fault)
        return fault

    def take_fault(self, path: str) -> Fault | None:
        path = path.rstrip("/") or "/"
        with self.lock:
            for fault in self.faults:
                if fault.path == path:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    # --- persistence (--state FILE) ----------------------------------------------------------
    def _save(self) -> None:
        if not self.state_file:
            return
        import json

        from wizard.core.files import write_atomically

        data = {"org_id": self.org_id,
                "integrations": [asdict(i) for i in self.integrations.values()],
                "properties": [asdict(p) for p in self.properties.values()],
                "seeded": sorted(self.seeded)}
        write_atomically(self.state_file, json.dumps(data, indent=1).encode(), 0o600)

    def _load(self, path: Path) -> None:
        try:
            data = parse_json(read_limited(path, expected="a sandbox state file",
                                           limit=MAX_STATE_BYTES).decode("utf-8"))
            self.org_id = data["org_id"]
            for raw in data["integrations"]:
                raw["certificates"] = {fp: Certificate(**c) for fp, c in raw["certificates"].items()}
                integration = Integration(**raw)
                self.integrations[integration.client_id] = integration
            for raw in data.get("properties", []):
                made = Property(**raw)
                self.properties[made.id] = made
            self.seeded = set(data.get("seeded", []))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(f"the sandbox state file {path} cannot be read ({exc})",
                              "move it aside (the sandbox then starts afresh)") from None


def _number_in(value: object, least: float, most: float | None, *, whole: bool = False) -> bool:
    """Whether a JSON value is a number (an integer when `whole`; never true or false) in range."""
    kinds = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds):
        return False
    return least <= value and (most is None or value <= most)


def _role(spec: dict) -> Role | None:
    """The legacy role a console spec names, if any."""
    if not spec.get("role"):
        return None
    try:
        return role(str(spec["role"]))
    except ConfigError as exc:
        raise ConsoleRefusal(exc.cause) from None


def _access(spec: dict, auth_type: str, found: Role | None) -> tuple[list[str], list[str], list[str]]:
    """(metascopes, scopes, rights) of a new integration: JWT ones carry metascopes (a legacy
    role's, else the current one), S2S ones scopes; rights are the spec's (an empty list: none),
    else the role's, else all of them."""
    metascopes = []
    if auth_type == AuthType.JWT:
        metascopes = _names(spec, "metascopes") or [found.metascope if found else DEFAULT_METASCOPE]
    scopes = _names(spec, "scopes") or (list(S2S_SCOPES) if auth_type == AuthType.OAUTH_S2S else [])
    rights = (_names(spec, "rights") if spec.get("rights") is not None
              else found.rights if found else list(RIGHTS.values()))
    unknown = [r for r in rights if r not in RIGHTS.values()]
    if unknown:
        raise ConsoleRefusal(f"unknown rights {unknown}; known: {sorted(RIGHTS.values())}")
    return metascopes, scopes, rights


def _property_named(known: list[Property], name: str) -> Property:
    """The property whose ID, else whose name, is `name` (one only)."""
    by_id = [p for p in known if p.id == name]
    by_name = [p for p in known if p.name == name]
    if len(by_id or by_name) != 1:
        what = "several properties are" if len(by_name) > 1 else "no property is"
        raise ConsoleRefusal(f"{what} called {name!r} in 'property_rights'; known: "
                             f"{sorted(p.name for p in known)} (or give an ID)")
    return (by_id or by_name)[0]


def _rights_on_property(name: str, rights: object) -> list[str]:
    if not isinstance(rights, list) or not all(isinstance(r, str) for r in rights):
        raise ConsoleRefusal(f"'property_rights' of {name!r} must be a list of rights")
    wrong = [r for r in rights if r not in PROPERTY_RIGHTS]
    if wrong:
        raise ConsoleRefusal(f"{wrong} are not property rights (those go in 'rights'); property "
                             f"rights: {list(PROPERTY_RIGHTS)}")
    return list(dict.fromkeys(rights))


def _names(spec: dict, key: str) -> list[str]:
    value = spec.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConsoleRefusal(f"'{key}' must be a list of strings")
    return [v.strip() for v in value if v.strip()]


def _property_attributes(attributes: object, *, creating: bool) -> dict[str, Any]:
    """The attributes a client sent, checked as Adobe checks them (422s name the pointer)."""
    if not isinstance(attributes, dict):
        raise InvalidAttribute("/data/attributes", "attributes must be an object")
    values: dict[str, Any] = {}
    if creating or "name" in attributes:
        values["name"] = _name(attributes.get("name"))
    if creating or "platform" in attributes:
        values["platform"] = _platform(attributes.get("platform"))
    if creating or "domains" in attributes:
        values["domains"] = _domains(attributes.get("domains", []),
                                     required=creating and values.get("platform") == "web")
    for flag in ("development", "enabled", "undefined_vars_return_empty",
                 "rule_component_sequencing_enabled"):
        if flag in attributes:
            if not isinstance(attributes[flag], bool):
                raise InvalidAttribute(f"/data/attributes/{flag}", f"{flag} must be true or false")
            values[flag] = attributes[flag]
    return values


def _name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidAttribute("/data/attributes/name", "Name can't be blank")
    return name.strip()


def _platform(platform: object) -> str:
    if platform not in PLATFORMS:
        raise InvalidAttribute("/data/attributes/platform",
                               f"Platform must be one of {', '.join(PLATFORMS)}")
    return str(platform)


def _domains(domains: object, *, required: bool) -> list[str]:
    """A property's domains; a web property is made with at least one."""
    if not isinstance(domains, list) or not all(isinstance(d, str) and d for d in domains):
        raise InvalidAttribute("/data/attributes/domains", "Domains must be a list of domains")
    if required and not domains:
        raise InvalidAttribute("/data/attributes/domains", "Domains can't be blank for web")
    return list(domains)
