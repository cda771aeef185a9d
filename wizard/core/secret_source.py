"""Where a profile's secret is found, in one order for every caller: a secret given for this call
(a new one being tried) > the environment (LAUNCH_WIZARD_CLIENT_SECRET, ...) > the secret store >
the profile's key file (the private key only).

The environment is passed in, never read behind the caller's back. Its secrets go with its
LAUNCH_WIZARD_<FIELD> variables: a command applies both over the profile it runs on, whatever that
profile's name (`--profile` or LAUNCH_WIZARD_PROFILE), so a job's variables describe one credential
whole. The wizard works on the saved profile, with no LAUNCH_WIZARD_* field over it, and so takes
none of the environment's secrets either: what it tests is what it shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import assert_never

from wizard.core.errors import ConfigError, KeyFileError, SecretStoreError
from wizard.core.profile import ENV_SECRETS, Profile
from wizard.core.secret_store import SecretStore
from wizard.core.vocabulary import SecretKind, Subject


class Origin(StrEnum):
    """Where a secret was found, first to last in the order they are asked."""

    GIVEN = "given"
    ENVIRONMENT = "environment"
    STORE = "store"
    FILE = "file"


@dataclass(frozen=True)
class Found:
    """A secret and where it came from: `where` names the variable, the store or the file
    (empty for a given secret); never the value."""

    kind: SecretKind
    origin: Origin
    where: str
    value: str = field(repr=False)


@dataclass(frozen=True)
class SecretLocation:
    """Where a secret is, for `status`: never the value."""

    kind: SecretKind
    where: str  # in words: "environment (LAUNCH_WIZARD_CLIENT_SECRET)", "keyring (...)", "not set"
    found: bool
    unreachable: str = ""  # why the store could not be asked, if it could not
    unusable: str = ""  # why the secret found cannot be used (a variable's bad value), if so


def from_environment(kind: SecretKind, environ: Mapping[str, str]) -> str | None:
    """A secret given in `environ` (the CI path); LAUNCH_WIZARD_PRIVATE_KEY may be a path."""
    var = ENV_SECRETS.get(kind)
    value = environ.get(var, "") if var else ""
    if not var or not value.strip():
        return None
    if kind == SecretKind.CLIENT_SECRET:
        return _client_secret(var, value)
    if kind == SecretKind.PRIVATE_KEY and "-----BEGIN" not in value:
        path = Path(value.strip()).expanduser()
        if path.is_file():
            from wizard.core.keys import read_file

            return read_file(path, "private key")
        if len(value.strip()) < 1024:  # a path: an RSA key, even without its markers, is longer
            from wizard.core.safe_text import describe_secret

            # never the value: it may be another secret put here by mistake
            raise KeyFileError(f"{var} is neither a private key nor the path of a file: it "
                               f"{describe_secret(value)}",
                               f"set {var} to the key's PEM text or to the path of its file",
                               subject=Subject.PRIVATE_KEY)
    return value


def _client_secret(var: str, value: str) -> str:
    """The environment's client secret, held to the rule a typed or piped one is."""
    from wizard.core.profile import client_secret

    try:
        return client_secret(value)
    except ConfigError as exc:
        raise ConfigError(f"{var}: {exc.cause}", f"set {var} to the client secret alone, copied "
                          "again from the Developer Console", subject=exc.subject) from None


@dataclass(frozen=True)
class SecretSource:
    """The one order a secret is looked for in (see the module's docstring). `environ` is the
    environment whose LAUNCH_WIZARD_* secrets count ({} for none)."""

    store: SecretStore
    given: Mapping[SecretKind, str] = field(default_factory=dict, repr=False)
    environ: Mapping[str, str] = field(default_factory=dict, repr=False)

    def find(self, profile: Profile, kind: SecretKind) -> Found | None:
        """The secret from the first place that holds it, or None. A store that cannot be asked
        raises its SecretStoreError, unless the profile's key file holds the secret."""
        return self._find(profile, kind, read=True)

    def _find(self, profile: Profile, kind: SecretKind, *, read: bool) -> Found | None:
        if self.given.get(kind):
            return Found(kind, Origin.GIVEN, "", self.given[kind])
        value = from_environment(kind, self.environ)
        if value:
            return Found(kind, Origin.ENVIRONMENT, ENV_SECRETS[kind], value)
        key_file = profile.private_key_path if kind == SecretKind.PRIVATE_KEY else ""
        try:
            value = self.store.get(profile.name, kind)
        except SecretStoreError:
            if not key_file:
                raise
        else:
            if value:
                return Found(kind, Origin.STORE, self.store.describe(), value)
        if not key_file:
            return None
        from wizard.core.keys import read_file

        return Found(kind, Origin.FILE, key_file, read_file(key_file, "private key") if read else "")

    def get(self, profile: Profile, kind: SecretKind, *, optional: bool = False) -> str | None:
        """The secret's value, or None. An `optional` secret (the key's passphrase) is simply
        absent when the store cannot be asked: the CI path has no keyring, and the key says if it
        needs a passphrase."""
        try:
            found = self.find(profile, kind)
        except SecretStoreError:
            if optional:
                return None
            raise
        return found.value if found is not None else None

    def locate(self, profile: Profile, kind: SecretKind) -> SecretLocation:
        """Where the secret is, in the same order; the key file is named, not read."""
        try:
            found = self._find(profile, kind, read=False)
        except SecretStoreError as exc:
            return SecretLocation(kind, f"unknown: {exc.cause}", False, exc.cause)
        except (ConfigError, KeyFileError) as exc:  # found, and refused: `status` says so beside the rest
            return SecretLocation(kind, f"unusable: {exc.cause}", False, unusable=exc.cause)
        if found is None:
            return SecretLocation(kind, "not set", False)
        return SecretLocation(kind, describe(found), True)


def describe(found: Found) -> str:
    """Where a secret was found, in words."""
    match found.origin:
        case Origin.GIVEN:
            return "given"
        case Origin.ENVIRONMENT:
            return f"environment ({found.where})"
        case Origin.STORE:
            return found.where
        case Origin.FILE:
            return f"file {found.where}"
        case _:
            assert_never(found.origin)
