"""The wizard's own flow, in one place: its steps and their order for each credential type,
their titles, which steps a changed value makes stale, where each error is fixed, and the
progress record (the steps done) that says where a resumed wizard opens.

Plain data and functions (no Textual): `WizardState` and the remedies use it as the screens do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from wizard.core.profile import STALE_AFTER as _STALE
from wizard.core.profile import WIZARD_FIX as _FIXES
from wizard.core.profile import Profile, ProfileStore, name_list
from wizard.core.vocabulary import AuthType, Subject


class StepId(StrEnum):
    ORGANIZATION = "organization"
    ROLE = "role"
    KEYS = "keys"
    UPLOAD = "upload"
    CREDENTIALS = "credentials"
    TEST = "test"
    DONE = "done"


S = StepId
# JWT chooses the role before the integration is created (in the console's form, as in Adobe's
# guide); OAuth Server-to-Server has no role (its rights come from product profiles) and no key or
# certificate.
JWT_FLOW = (S.ORGANIZATION, S.ROLE, S.KEYS, S.UPLOAD, S.CREDENTIALS, S.TEST, S.DONE)
S2S_FLOW = (S.ORGANIZATION, S.CREDENTIALS, S.TEST, S.DONE)

TITLES = {
    S.ORGANIZATION: "Organization and integration",
    S.ROLE: "Role",
    S.KEYS: "Key and certificate",
    S.UPLOAD: "Upload the certificate",
    S.CREDENTIALS: "Credentials and private key",
    S.TEST: "Test",
    S.DONE: "Done",
}
S2S_TITLES = {S.CREDENTIALS: "Credentials"}  # where the OAuth Server-to-Server flow names it otherwise

# A change to one of these values (profile fields and secrets) makes what these steps found out
# stale: their mark goes. Each field and secret declares it (core/profile.py).
STALE_AFTER: dict[str, tuple[StepId, ...]] = {
    subject: tuple(StepId(step) for step in steps) for subject, steps in _STALE.items()}

# error subject -> the step where it is corrected, and what to do there: a field's or a secret's
# declared with it (core/profile.py), then what is not a field
FIXED_AT: dict[str, tuple[StepId, str]] = {
    **{subject: (StepId(step), what) for subject, (step, what) in _FIXES.items()},
    Subject.RIGHTS: (S.ROLE, "choose a role that grants it"),
    Subject.CERTIFICATE: (S.UPLOAD, "upload the certificate made with this key"),
    Subject.INTEGRATION: (S.ROLE, "create the integration"),  # the sandbox creates it with the role
    Subject.PROFILE: (S.CREDENTIALS, "check the values"),
}


def steps_for(auth_type: AuthType) -> tuple[StepId, ...]:
    return JWT_FLOW if auth_type == AuthType.JWT else S2S_FLOW


def title(step: str, auth_type: AuthType) -> str:
    step = StepId(step)
    return S2S_TITLES.get(step, TITLES[step]) if auth_type == AuthType.OAUTH_S2S else TITLES[step]


def stale_after(changed: Iterable[str]) -> set[StepId]:
    """The steps whose mark goes when these values change."""
    return {step for name in changed for step in STALE_AFTER.get(name, ())}


# Where the record is saved: beside the profile's fields, in its table of the profiles file, as
# the list every earlier version kept there as a field (so it reads a newer file, and a newer one
# an older's, unchanged).
PROGRESS_KEY = "steps_done"


def saved_steps(value: object) -> list[str]:
    """The steps a saved record names ([] when none is saved)."""
    return [] if value is None else name_list("steps done")(value)


@dataclass(frozen=True)
class Progress:
    """The wizard's progress record: which steps of this credential type's flow are done.

    Saved as it goes, beside the profile (`PROGRESS_KEY`), so a resumed wizard opens where it
    stopped; `WizardState` saves it with the profile changes that make steps stale."""

    auth_type: AuthType
    done: tuple[StepId, ...] = ()

    @classmethod
    def of(cls, auth_type: AuthType, steps_done: Iterable[str]) -> Progress:
        """The record as saved; names no flow knows are ignored."""
        saved = set(steps_done)
        return cls(auth_type, tuple(s for s in JWT_FLOW if s in saved))

    @classmethod
    def load(cls, profiles: ProfileStore, profile: Profile) -> Progress:
        """`profile`'s record as saved beside it; ConfigError if it is not a list of names."""
        return cls.of(profile.auth_type, profiles.record(profile.name, PROGRESS_KEY, saved_steps))

    def saved(self) -> list[str]:
        """The record as it is saved."""
        return [str(step) for step in self.done]

    @property
    def steps(self) -> tuple[StepId, ...]:
        return steps_for(self.auth_type)

    def next_step(self) -> StepId:
        """The first step not done yet (where a resumed wizard opens)."""
        return next((s for s in self.steps if s not in self.done), self.steps[-1])

    def marked(self, *steps: str) -> Progress:
        return Progress.of(self.auth_type, [*self.done, *steps])

    def without(self, steps: Iterable[str]) -> Progress:
        gone = set(steps)
        return Progress(self.auth_type, tuple(s for s in self.done if s not in gone))

    def number(self, step: str) -> int:
        return self.steps.index(StepId(step)) + 1
