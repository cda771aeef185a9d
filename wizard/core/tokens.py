""""Give me a valid token": the cache (10-minute margin), the exchange, metascope discovery."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, assert_never

from wizard.core.errors import (
    ConfigError,
    IMSError,
    NetworkError,
    ReactorError,
    ScopeRefused,
    SecretStoreError,
    SignatureMismatch,
    WizardError,
)
from wizard.core.ims import Token, client_credentials, exchange_jwt, jwt_claims, sign_jwt
from wizard.core.locks import held, lock_file
from wizard.core.profile import ENV_PREFIX, Profile, cache_dir, config_dir
from wizard.core.secret_source import Found, Origin, SecretLocation, SecretSource
from wizard.core.secret_store import FileBackend, KeyringTimeout, SecretStore
from wizard.core.vocabulary import SecretKind, Subject

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

MARGIN_S = 600  # a cached token is reused while more than this is left
EXCHANGE_WAIT_S = 90.0  # for the lock a parallel caller holds through its exchange (and retries)
NO_TOKEN_CACHE = ENV_PREFIX + "NO_TOKEN_CACHE"  # set (not 0): no token file without a keyring
TOKEN_FILE = "tokens.json"
SANDBOX_CONNECT_S = 1.0  # a sandbox on this machine answers a connect at once, or refuses it


@dataclass
class TokenResult:
    token: Token
    source: str  # "cache" or "exchange"
    profile: Profile  # with the metascope learned by discovery, if any
    profile_changed: bool = False
    notes: list[str] = field(default_factory=list)
    claims: dict[str, Any] | None = None  # the JWT's claims, when one was signed
    cache: SecretStore | None = None  # where the token is cached, if it is


def source(store: SecretStore, given: Mapping[SecretKind, str] | None = None) -> SecretSource:
    """The secrets a command finds: `given` ones, then this process's environment (the CI path),
    then `store`, then the key file."""
    return SecretSource(store, given or {}, environ=os.environ)


def locate_secret(profile: Profile, store: SecretStore, kind: SecretKind) -> SecretLocation:
    """Where a secret is as a command finds it, for `status` (see `source`)."""
    return source(store).locate(profile, kind)


def signing_key(profile: Profile, secrets: SecretSource) -> tuple[RSAPrivateKey, str]:
    """The RSA private key for the JWT and a note on where it came from."""
    from wizard.core.keys import load_private_key

    found = secrets.find(profile, SecretKind.PRIVATE_KEY)
    if found is None:
        raise ConfigError(f"profile {profile.name!r} has no private key",
                          "run `launch-wizard configure --private-key FILE` or set "
                          "LAUNCH_WIZARD_PRIVATE_KEY (PEM text or a path)", subject=Subject.PRIVATE_KEY)
    key = load_private_key(found.value, secrets.get(profile, SecretKind.KEY_PASSPHRASE, optional=True))
    return key, _signed_with(found)


def _signed_with(found: Found) -> str:
    """Where the signing key came from, as the note on a refused signature says it."""
    match found.origin:
        case Origin.GIVEN:
            return "the new key"
        case Origin.ENVIRONMENT:
            return f"the environment ({found.where})"
        case Origin.STORE | Origin.FILE:
            return found.where
        case _:
            assert_never(found.origin)


def key_note(profile: Profile, key: RSAPrivateKey, where: str) -> str:
    """What to compare in the console when IMS cannot match the signature."""
    from wizard.core.errors import KeyFileError
    from wizard.core.keys import cert_info, certificate_file, key_matches

    note = f"the JWT was signed with the private key from {where}"
    if not profile.certificate_path:
        return note
    try:
        cert = certificate_file(profile.certificate_path)
    except KeyFileError as exc:
        return f"{note}; the certificate {profile.certificate_path} cannot be read ({exc.cause})"
    info = cert_info(cert)
    note += (f"; its certificate {profile.certificate_path} has SHA-1 fingerprint {info.sha1} "
             "(compare it with the console's list)")
    if info.expired:
        note += f" and expired on {info.not_after:%Y-%m-%d}"
    if not key_matches(key, cert):
        note += "; this key does NOT match that certificate"
    return note


def credential_of(profile: Profile) -> str:
    """What a cached token was made for: the credential, the scopes it was asked with, the IMS
    that issued it and the Launch API it is sent to. Another of any of them must not get it."""
    scopes = profile.metascopes if profile.is_jwt else profile.scopes
    parts = [profile.auth_type, profile.org_id, profile.client_id, profile.technical_account_id,
             profile.ims_url, profile.reactor_url, sorted(scopes)]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:24]


def cached(profile: Profile, store: SecretStore, now: float | None = None) -> Token | None:
    """The cached token if it was made for this profile's credential and hosts (see
    `credential_of`) and has > 10 min left. One made for anything else is deleted: a profile
    pointed at another host never carries it there."""
    raw = store.get(profile.name, "token")
    if not raw:
        return None
    try:
        record = json.loads(raw)
        token = Token(str(record["access_token"]), float(record["expires_at"]))
        if record.get("credential") != credential_of(profile):
            raise ValueError("made for another credential or host")
    except (ValueError, KeyError, TypeError, AttributeError):
        store.delete(profile.name, "token")
        return None
    return token if token.seconds_left(now) > MARGIN_S else None


def remember(profile: Profile, store: SecretStore, token: Token) -> None:
    store.set(profile.name, "token", json.dumps({
        "access_token": token.access_token, "expires_at": token.expires_at,
        "credential": credential_of(profile),
    }))


def metascope_candidates(profile: Profile) -> list[list[str]]:
    """The configured metascopes, or Adobe's discovery order: the new one, then the legacy roles."""
    from wizard.core.roles import DEFAULT_METASCOPE, LEGACY_METASCOPES, role

    if profile.metascopes:
        return [list(profile.metascopes)]
    order = [DEFAULT_METASCOPE]
    if profile.role:
        order.append(role(profile.role).metascope)
    order += [m for m in LEGACY_METASCOPES if m not in order]
    return [[m] for m in order]


def exchange(profile: Profile, store: SecretStore,
             on_signed: Callable[[dict[str, Any]], None] | None = None,
             given: Mapping[SecretKind, str] | None = None, *,
             secrets: SecretSource | None = None) -> TokenResult:
    """A fresh token from IMS (no cache involved). `on_signed` sees the claims of each JWT signed;
    the secrets come from `secrets`, by default a command's `source` (`given` ones, new ones being
    tried, first)."""
    profile.require_ready()
    secrets = secrets or source(store, given)
    client_secret = secrets.get(profile, SecretKind.CLIENT_SECRET)
    if not client_secret:
        raise ConfigError(f"profile {profile.name!r} has no client secret",
                          "run `launch-wizard configure --client-secret-stdin` or set "
                          "LAUNCH_WIZARD_CLIENT_SECRET", subject=Subject.CLIENT_SECRET)
    if not profile.is_jwt:
        token = client_credentials(profile.ims_url, profile.client_id, client_secret, profile.scopes)
        return TokenResult(token, "exchange", profile)

    key, where = signing_key(profile, secrets)
    candidates = metascope_candidates(profile)
    discovering = len(candidates) > 1
    for metascopes in candidates:
        claims = jwt_claims(org_id=profile.org_id, technical_account_id=profile.technical_account_id,
                            client_id=profile.client_id, ims_url=profile.ims_url,
                            metascopes=metascopes)
        signed = sign_jwt(claims, key)
        if on_signed is not None:
            on_signed(claims)
        try:
            token = exchange_jwt(profile.ims_url, profile.client_id, client_secret, signed)
        except ScopeRefused:
            if discovering:
                continue
            raise
        except SignatureMismatch as exc:
            raise SignatureMismatch(exc.cause, f"{exc.fix}; {key_note(profile, key, where)}",
                                    code=exc.code, status=exc.status, subject=exc.subject) from None
        if discovering:
            learned = replace(profile, metascopes=metascopes)
            return TokenResult(token, "exchange", learned, True,
                               [f"metascope {metascopes[0]} works: saved in the profile"], claims)
        return TokenResult(token, "exchange", profile, claims=claims)
    tried = ", ".join(c[0] for c in candidates)
    raise ScopeRefused(f"IMS accepted none of the Launch metascopes ({tried})",
                       "add the Experience Platform Launch API to the integration in the Developer "
                       "Console, or set the metascope it shows with --metascope",
                       code="invalid_scope", status=400, subject=Subject.METASCOPES)


def token_file(profile: Profile) -> SecretStore | None:
    """Where tokens are cached when no keyring can keep them (the CI path): a 0600 file in the
    user's cache folder (0700), so a job's many calls make one exchange; None if NO_TOKEN_CACHE
    is set. Its records are bound as the keyring's are (`credential_of`)."""
    if os.environ.get(NO_TOKEN_CACHE, "").strip() not in ("", "0"):
        return None
    return SecretStore(profile.keyring_service, FileBackend(cache_dir() / TOKEN_FILE))


@dataclass(frozen=True)
class TokenCache:
    """Where the profile's token is cached and what it holds: the secret store, else the token
    file; `store` None (and `why`) when it is cached nowhere."""

    store: SecretStore | None
    token: Token | None
    why: str = ""
    token_file: bool = False  # the store is the token file
    slow: bool = False  # the keyring did not answer in time: worth asking again
    version: str | None = None  # for a refresh, the entry's version instead of its token

    def describe(self) -> str:
        """Where the token is cached, in words (when it is cached somewhere)."""
        if self.store is None:
            return f"not cached ({self.why})"
        if self.token_file:
            return f"file {self.store.plaintext_file} (no keyring)"
        return self.store.describe()


def token_cache(profile: Profile, store: SecretStore, *, refresh: bool = False) -> TokenCache:
    """What the cache holds; for a refresh, which never takes the token cached before it, only
    the entry's version (one read), to tell later whether a parallel caller has cached one."""
    def look(cache: SecretStore, is_file: bool = False) -> TokenCache:
        if refresh:
            return TokenCache(cache, None, token_file=is_file,
                              version=cache.version(profile.name, "token"))
        return TokenCache(cache, cached(profile, cache), token_file=is_file)

    try:
        return look(store)
    except KeyringTimeout as exc:  # slow is not missing: no token goes to a file for that
        return TokenCache(None, None, exc.cause, slow=True)
    except SecretStoreError as exc:
        why = exc.cause
    file = token_file(profile)
    if file is None:
        return TokenCache(None, None, f"{why}; {NO_TOKEN_CACHE} is set")
    try:
        return look(file, is_file=True)
    except SecretStoreError as exc:  # a damaged token file costs an exchange, not the call
        return TokenCache(None, None, f"{why}; the token file cannot be used: {exc.cause}")


def get_token(profile: Profile, store: SecretStore, *, refresh: bool = False,
              on_signed: Callable[[dict[str, Any]], None] | None = None,
              secrets: SecretSource | None = None) -> TokenResult:
    """A token with more than 10 minutes left: from the cache, else from IMS (then cached);
    `refresh`: a new one, never the one cached before this call.

    Callers that need an exchange wait on one lock per profile and look again once they hold it:
    of many parallel callers, one asks IMS and the others take what it cached (Adobe throttles
    integrations that ask for too many tokens). Without a usable store (the CI path, secrets in
    the environment) the token file is the cache; without that, nothing is cached or locked, and
    one note says so. A credential IMS refuses loses its cached token at once. The secrets for an
    exchange come from `secrets` (by default, as a command finds them: `source`)."""
    _sandbox_serves(profile)
    cache = token_cache(profile, store, refresh=refresh)
    if cache.store is None and not cache.slow:
        result = exchange(profile, store, on_signed, secrets=secrets)
        result.notes.insert(0, f"note: the token is not cached ({cache.why})")
        return result
    if cache.token:
        return TokenResult(cache.token, "cache", profile, cache=cache.store)
    with _exchanging(profile, store):
        if cache.slow:  # by now the keyring may answer, and hold what another caller got
            cache = token_cache(profile, store)
            found = cache.token
        else:
            found = _cached_since(profile, cache, refresh)
        if found:  # another caller got one while this one waited: as new as a refresh asks for
            return TokenResult(found, "cache", profile, cache=cache.store)
        result = _exchange_into(profile, store, cache, on_signed, secrets)
    return result


def sandbox_stopped(profile: Profile) -> bool:
    """Whether `profile` is a sandbox's whose sandbox does not serve: its tokens work only there,
    while it runs (the wizard's, while the wizard is open)."""
    return _stopped_sandbox_port(profile) is not None


def _stopped_sandbox_port(profile: Profile) -> int | None:
    """The port of `profile`'s sandbox when it is a sandbox's whose sandbox does not serve, else
    None. A connect on this machine, answered or refused at once; other profiles are not asked
    (their cached token needs no network)."""
    from wizard.core.secret_store import SANDBOX_SERVICE

    if profile.keyring_service != SANDBOX_SERVICE:  # the usual case: nothing more is loaded
        return None
    import socket
    from urllib.parse import urlsplit

    from wizard.core.profile import is_loopback

    url = urlsplit(profile.ims_url)
    if not is_loopback(url.hostname or ""):
        return None
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname, port), timeout=SANDBOX_CONNECT_S).close()
    except OSError:
        return port
    return None


def _sandbox_serves(profile: Profile) -> None:
    """A NetworkError with the way to start it, where the profile's sandbox does not serve:
    rather than a cached token nothing takes."""
    from wizard.core.secret_store import SANDBOX_PROFILE

    port = _stopped_sandbox_port(profile)
    if port is None:
        return
    cause = (f"the sandbox at {profile.ims_url.rstrip('/')} is not running: the tokens of profile "
             f"{profile.name!r} work only there, while it runs")
    if profile.name == SANDBOX_PROFILE:  # the wizard's own
        raise NetworkError(cause, "open `launch-wizard --sandbox` (its sandbox serves while the "
                                  "wizard is open) and run this again meanwhile")
    raise NetworkError(cause, f"start the sandbox it was made with again (`launch-wizard sandbox "
                              f"--port {port}`, with the --state FILE it had, if any), or open "
                              f"`launch-wizard --sandbox --profile {profile.name}`, which makes "
                              "its integration again in the wizard's sandbox")


def _cached_since(profile: Profile, cache: TokenCache, refresh: bool) -> Token | None:
    """A token cached by another caller since `cache` was looked at (for a refresh: only if the
    entry was written since, so not the one cached before)."""
    if cache.store is None:
        return None
    if refresh and cache.store.version(profile.name, "token") == cache.version:
        return None
    return cached(profile, cache.store)


def _exchange_into(profile: Profile, store: SecretStore, cache: TokenCache,
                   on_signed: Callable[[dict[str, Any]], None] | None,
                   secrets: SecretSource | None) -> TokenResult:
    """A token from IMS, cached where `cache` says; a credential IMS refuses loses its cached
    token at once (throttling is not a refusal)."""
    try:
        result = exchange(profile, store, on_signed, secrets=secrets)
    except IMSError as exc:
        if exc.subject != "throttled" and cache.store is not None:
            with contextlib.suppress(SecretStoreError):
                cache.store.delete(profile.name, "token")
        raise
    if cache.store is None:
        result.notes.insert(0, f"note: the token is not cached ({cache.why})")
        return result
    try:
        remember(result.profile, cache.store, result.token)
        result.cache = cache.store
    except SecretStoreError as exc:
        result.notes.insert(0, f"note: the token is not cached ({exc.cause})")
    return result


def drop_refused(profile: Profile, result: TokenResult, error: WizardError) -> None:
    """A token the Launch API refused (401) leaves its cache at once: the next call gets a new
    one instead of the same refusal."""
    if isinstance(error, ReactorError) and error.status == 401 and result.cache is not None:
        with contextlib.suppress(WizardError):  # the refusal is the news, not the cache
            forget(profile, result.cache)


def forget(profile: Profile, store: SecretStore) -> None:
    """Drop the cached token (its credential is being replaced), after an exchange in flight in
    another process, which would otherwise cache a token of the old credential just after."""
    with _exchanging(profile, store):
        store.delete(profile.name, "token")


def _exchanging(profile: Profile, store: SecretStore) -> AbstractContextManager[None]:
    """The one lock per profile that a token exchange holds, whichever store caches the token (a
    caller whose keyring is slow waits on the same lock as the others); none for secrets kept in
    this process's memory, which no other process shares."""
    if store.in_memory:
        return contextlib.nullcontext()
    return held(lock_file(config_dir() / "locks", profile.keyring_service,
                          f"{profile.name}:token exchange"),
                f"the token of profile {profile.name!r}", EXCHANGE_WAIT_S)


