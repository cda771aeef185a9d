"""Rotating an OAuth Server-to-Server client secret where the credential's secrets can be managed:
Adobe's I/O Management API (or the sandbox's), else the sandbox console's buttons.

The order is Adobe's: list, add, keep the new secret (in the secret store, beside the old one),
prove it (a fresh token with it and the Launch API's companies), switch the profile to it, and
only then delete the old one. Until the switch the old secret stays the one stored: a failure at
any point after the add leaves it stored and working, and says where the new one is. A new secret
that could not be proved stays stored beside the old one, and the next rotation tries it again
before it adds another (a credential holds two at most).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, assert_never

from wizard.core.errors import ConfigError, RefusedError, ScopeRefused, SecretStoreError, WizardError
from wizard.core.io_management import (
    CREDENTIAL_PAGE,
    IO_MANAGEMENT_API,
    MAX_SECRETS,
    IOManagement,
    NewSecret,
    NotPermitted,
    SecretInfo,
    base_url,
    missing_scopes,
)
from wizard.core.profile import Profile
from wizard.core.vocabulary import SecretKind
from wizard.core.wording import plural
from wizard.flows.credential_test import trial

if TYPE_CHECKING:
    from wizard.core.console import Answer, Console
    from wizard.core.secret_source import SecretSource
    from wizard.core.secret_store import SecretStore

PENDING = "new_client_secret"  # the new secret's entry in the store until it is switched to
ADD_API_STEP = (f"in the Developer Console, open the credential's project and Add API: "
                f"{IO_MANAGEMENT_API} (under Adobe Services), for this OAuth Server-to-Server "
                "credential")
MANUAL = ("or by hand: in the Developer Console, add a client secret to the credential, then pipe "
          "it in: `... | launch-wizard rotate-secret --client-secret-stdin`")


class Secrets(Protocol):
    """Where a credential's client secrets are listed, added and deleted."""

    where: str

    def secrets(self) -> list[SecretInfo]: ...
    def add(self) -> NewSecret: ...
    def delete(self, uuid: str) -> None: ...


T = TypeVar("T")


class ConsoleSecrets:
    """The console's own buttons (the sandbox's), as a `Secrets` (its ids stand for uuids; no
    times): for a console that offers to manage the secrets itself."""

    where = "the sandbox's console"

    def __init__(self, console: Console, client_id: str, why: tuple[str, ...] = ()) -> None:
        self.console, self.client_id = console, client_id
        self.why = why  # why not through the I/O Management API

    def secrets(self) -> list[SecretInfo]:
        return [SecretInfo(i, None, None) for i in _done(self.console.secret_ids(self.client_id))]

    def add(self) -> NewSecret:
        return _done(self.console.add_secret(self.client_id))

    def delete(self, uuid: str) -> None:
        _done(self.console.remove_secret(self.client_id, uuid))


def _done(answer: Answer[T]) -> T:
    """What the console did: one that leaves the secrets to a person is never asked (`secrets_at`)."""
    from wizard.core.console import PersonDoes

    if isinstance(answer, PersonDoes):
        raise ConfigError("the console leaves a credential's client secrets to a person",
                          "; ".join(answer.instructions) + f"; {MANUAL}")
    return answer.value


# --- the events a rotation reports, in order --------------------------------------------------

@dataclass(frozen=True)
class Listed:
    secrets: tuple[SecretInfo, ...]
    where: str


@dataclass(frozen=True)
class Added:
    uuid: str
    where: str


@dataclass(frozen=True)
class Resumed:
    """A new secret kept by an earlier rotation that stopped is tried instead of adding one."""

    uuid: str


@dataclass(frozen=True)
class Kept:
    """The new secret is in the secret store, beside the old one."""

    where: str


@dataclass(frozen=True)
class Proved:
    companies: tuple[str, ...]


@dataclass(frozen=True)
class Switched:
    where: str


@dataclass(frozen=True)
class OldDeleted:
    uuid: str
    where: str


@dataclass(frozen=True)
class OldLeft:
    """The old secret is left for other consumers (`keep_old`)."""

    uuid: str
    last_used_at: float | None


@dataclass(frozen=True)
class NotSwitched:
    """A failure after the add: the old secret is still the one stored; where the new one is."""

    uuid: str
    kept: str  # "": not stored anywhere
    rolled_back: bool = False  # deleted again (it could be neither stored nor shown)


RotationEvent = Listed | Added | Resumed | Kept | Proved | Switched | OldDeleted | OldLeft | NotSwitched
OnEvent = Callable[[RotationEvent], None]
# Saves the switch: (profile, secrets, changed fields) -> where the secrets went.
Save = Callable[[Profile, Mapping[SecretKind, str], Mapping[str, Any]], str]


def in_words(event: RotationEvent, ok: str = "✓") -> str:
    """The line that reports `event` (`ok`: the mark of a step done)."""
    match event:
        case Listed(secrets, _):
            ages = "; ".join(f"{s.uuid}: {last_use(s.last_used_at)}" for s in secrets
                             if s.last_used_at is not None or s.created_at is not None)
            return (f"{plural(len(secrets), 'client secret', 'client secrets')} on the credential"
                    + (f" ({ages})" if ages else ""))
        case Added(uuid, where):
            return f"{ok} added a client secret through {where} ({uuid})"
        case Resumed(uuid):
            return f"{ok} trying the new client secret kept by the last rotation ({uuid})"
        case Kept(where):
            return f"{ok} kept it in {where}, beside the old one, until it is proved"
        case Proved(companies):
            return (f"{ok} tried: a token from IMS with it, and the Launch API answers "
                    f"({', '.join(companies) or 'no company'})")
        case Switched(where):
            return f"{ok} the new client secret replaced the old one in {where}"
        case OldDeleted(uuid, where):
            return f"{ok} deleted the old client secret through {where} ({uuid})"
        case OldLeft(uuid, last_used_at):
            return (f"the old client secret {uuid} stays ({last_use(last_used_at)}): delete it in "
                    "the console once nothing uses it any more")
        case NotSwitched():
            return _not_switched(event)
        case _:
            assert_never(event)


def _not_switched(event: NotSwitched) -> str:
    if event.rolled_back:
        return (f"the new client secret ({event.uuid}) could be neither stored nor shown here: it "
                "was deleted again; the old one is still the one stored")
    if event.kept:
        return f"the new client secret ({event.uuid}) is kept: {event.kept}"
    return (f"the new client secret ({event.uuid}) could be neither kept nor deleted: delete it "
            "in the Developer Console")


# --- where the secrets can be managed ----------------------------------------------------------

@dataclass(frozen=True)
class Unavailable:
    """Why the secrets cannot be managed from here, and the steps that would make it possible."""

    reasons: tuple[str, ...]
    steps: tuple[str, ...]


def steps_for(profile: Profile) -> tuple[str, ...]:
    """What the person does so that `rotate-secret` can manage the secrets itself."""
    scopes = list(profile.scopes) + missing_scopes(profile)
    flags = " ".join(f"--scope {s}" for s in scopes)
    return (ADD_API_STEP,
            f"give the profile its scopes: `launch-wizard configure --profile {profile.name} {flags}`",
            f"give the profile the credential's console ID, from the credential page's URL "
            f"({CREDENTIAL_PAGE}): `launch-wizard configure --profile {profile.name} "
            "--credential-id URL`")


def secrets_at(profile: Profile, store: SecretStore, console: Console | None = None,
               secrets: SecretSource | None = None) -> Secrets | Unavailable:
    """The I/O Management API when the profile can use it (a console ID, the scopes, and the API
    accepts the token, got with `secrets`: by default as a command finds them); else the
    console's buttons, where it offers to manage the secrets itself (the sandbox's); else why not."""
    reasons = []
    base = base_url(profile)
    if not profile.credential_id:
        reasons.append("the profile does not know the credential's console ID")
    if missing_scopes(profile):
        reasons.append(f"its token would lack the {IO_MANAGEMENT_API} scopes "
                       f"{', '.join(missing_scopes(profile))}")
    if base is None:
        reasons.append(f"its IMS ({profile.ims_url}) is not Adobe's")
    if not reasons and base is not None:
        try:
            api = io_management(profile, store, base, secrets)
            api.secrets()  # the API accepts the token: it has the scopes and the project the API
            return api
        except (NotPermitted, ScopeRefused) as exc:  # IMS refuses scopes the credential lacks
            reasons.append(exc.cause)
    from wizard.core.console import Capability

    if console is not None and console.offers(Capability.MANAGE_SECRETS):
        return ConsoleSecrets(console, profile.client_id, tuple(reasons))
    return Unavailable(tuple(reasons), steps_for(profile))


def io_management(profile: Profile, store: SecretStore, base: str,
                  secrets: SecretSource | None = None) -> IOManagement:
    from wizard.core.tokens import get_token

    token = get_token(profile, store, secrets=secrets).token.access_token
    return IOManagement(base, profile.credential_id, profile.client_id, token)


# --- the rotation ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rotation:
    profile: Profile
    store: SecretStore
    save: Save
    on_event: OnEvent
    reveal: Callable[[NewSecret], bool]  # shows a secret once, where only a person sees it


def rotate(job: Rotation, at: Secrets, *, keep_old: bool = False) -> Profile:
    """Add (or resume), keep, prove, switch, then delete the old secret; the profile switched."""
    listed = at.secrets()
    job.on_event(Listed(tuple(listed), at.where))
    new = _pending(job)
    if new is not None and new.uuid in {s.uuid for s in listed}:
        job.on_event(Resumed(new.uuid))
    else:
        new = _add(job, at, listed)
    old = [s for s in listed if s.uuid != new.uuid]
    switched = _prove_and_switch(job, new)
    for secret in old:
        if keep_old:
            job.on_event(OldLeft(secret.uuid, secret.last_used_at))
            continue
        try:
            at.delete(secret.uuid)
        except WizardError as exc:
            raise type(exc)(f"switched to the new client secret, but the old one ({secret.uuid}) "
                            f"was not deleted: {exc.cause}",
                            "it still works: delete it in the Developer Console once nothing "
                            "uses it", subject=exc.subject) from None
        job.on_event(OldDeleted(secret.uuid, at.where))
    return switched


def _pending(job: Rotation) -> NewSecret | None:
    """The new secret an earlier rotation kept, if one is stored."""
    try:
        raw = job.store.get(job.profile.name, PENDING)
        kept = json.loads(raw) if raw else None
        return NewSecret(str(kept["uuid"]), str(kept["client_secret"])) if kept else None
    except (ValueError, KeyError, TypeError):
        job.store.delete(job.profile.name, PENDING)  # damaged: a new secret is added instead
        return None


def _add(job: Rotation, at: Secrets, listed: list[SecretInfo]) -> NewSecret:
    """A new secret, kept in the store; if it cannot be kept, shown once or deleted again."""
    if len(listed) >= MAX_SECRETS:
        raise RefusedError(f"the credential already holds {len(listed)} client secrets, Adobe's "
                           f"limit: {_ages(listed)}",
                           "delete the one nothing uses in the Developer Console (compare their "
                           "last use), then rotate again")
    new = at.add()
    job.on_event(Added(new.uuid, at.where))
    try:
        job.store.set(job.profile.name, PENDING,
                      json.dumps({"uuid": new.uuid, "client_secret": new.value}))
    except SecretStoreError as exc:
        _not_kept(job, at, new)
        raise SecretStoreError(f"the new client secret could not be stored ({exc.cause}); the "
                               "old one is still the one stored and works", exc.fix) from None
    job.on_event(Kept(job.store.describe()))
    return new


def _not_kept(job: Rotation, at: Secrets, new: NewSecret) -> None:
    """A new secret the store refused: shown once to the person, else deleted again (a value
    nobody holds is of no use, and it would take one of the credential's two places)."""
    if job.reveal(new):
        job.on_event(NotSwitched(new.uuid, kept="shown once on the terminal"))
        return
    try:
        at.delete(new.uuid)
    except WizardError:
        job.on_event(NotSwitched(new.uuid, kept=""))
        return
    job.on_event(NotSwitched(new.uuid, kept="", rolled_back=True))


def _prove_and_switch(job: Rotation, new: NewSecret) -> Profile:
    from wizard.core.reactor import remembered

    given = {SecretKind.CLIENT_SECRET: new.value}
    try:
        result = trial(job.profile, job.store, given=given)
        job.on_event(Proved(tuple(c.name for c in result.companies)))
        switched = job.profile.with_changes(**remembered(result.survey))
        where = job.save(switched, given, switched.changes_from(job.profile))
    except WizardError as exc:
        job.on_event(NotSwitched(new.uuid, kept=f"{job.store.describe()} ({PENDING})"))
        raise type(exc)(f"{exc.cause} (tried before switching: the old secret is still the one "
                        "stored)", exc.fix, subject=exc.subject) from None
    job.store.delete(job.profile.name, PENDING)
    job.on_event(Switched(where))
    return switched


def _ages(listed: list[SecretInfo]) -> str:
    return "; ".join(f"{s.uuid} {last_use(s.last_used_at)}" for s in listed)


def last_use(at: float | None, now: float | None = None) -> str:
    """"last used 3 days ago", "never used"."""
    import time

    if at is None:
        return "never used"
    seconds = max(0, (time.time() if now is None else now) - at)
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            count = int(seconds // size)
            return f"last used {count} {unit}{'s' if count > 1 else ''} ago"
    return "last used just now"


def secrets_listed(profile: Profile, store: SecretStore) -> list[SecretInfo] | None:
    """The credential's client secrets, when they can be read without a new token (the console ID,
    the scopes and a cached token); None, quietly, when they cannot (`status` works offline)."""
    from wizard.core.tokens import cached

    base = base_url(profile)
    if not profile.credential_id or missing_scopes(profile) or base is None:
        return None
    try:
        token = cached(profile, store)
        if token is None:
            return None
        return IOManagement(base, profile.credential_id, profile.client_id,
                            token.access_token).secrets()
    except WizardError:
        return None


def needs_steps(unavailable: Unavailable, profile: Profile) -> ConfigError:
    """The error for a rotation that cannot be done from here: why, the steps, the manual path."""
    steps = "; ".join(f"{n}. {step}" for n, step in enumerate(unavailable.steps, 1))
    return ConfigError(f"profile {profile.name!r} cannot rotate its secret through the "
                       f"{IO_MANAGEMENT_API}: {'; '.join(unavailable.reasons)}",
                       f"{steps}; {MANUAL}")
