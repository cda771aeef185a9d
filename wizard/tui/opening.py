"""Where the wizard opens a saved profile: without a record of its steps (one made on the command
line), at the first step whose fields are not filled, and why; with one, where the record says,
counting the steps the palette jumped over whose fields were filled since.

Plain data and functions (no Textual), as flow.py."""

from __future__ import annotations

import contextlib
from itertools import takewhile

from wizard.core.errors import WizardError
from wizard.core.profile import Profile, ProfileStore
from wizard.tui.flow import PROGRESS_KEY, Progress, StepId, title


def filled_steps(profile: Profile) -> list[StepId]:
    """The steps of `profile`'s flow, from the first, whose fields it has filled."""
    # a client ID means the integration exists in the console: made with its role and, for JWT,
    # after its certificate was uploaded (steps that leave no field of their own)
    made = bool(profile.client_id)
    filled = {StepId.ORGANIZATION: bool(profile.org_id), StepId.ROLE: made, StepId.KEYS: made,
              StepId.UPLOAD: made, StepId.CREDENTIALS: not profile.missing_for_token(),
              StepId.TEST: bool(profile.last_test), StepId.DONE: False}
    return list(takewhile(filled.__getitem__, Progress(profile.auth_type).steps))


def opening(profiles: ProfileStore, profile: Profile) -> tuple[Progress, str]:
    """The progress the wizard opens saved `profile` with, and why when no record says ("");
    what its fields fill is saved as its record from then on."""
    recorded = profiles.record(profile.name, PROGRESS_KEY, lambda saved: saved is not None)
    if recorded or not profiles.exists(profile.name):
        return _with_skipped(Progress.load(profiles, profile), profile), ""
    progress = Progress.of(profile.auth_type, filled_steps(profile))
    if not progress.done:
        return progress, ""  # step 1, as for a new profile: nothing to explain
    with contextlib.suppress(WizardError):  # a file that cannot be written now still opens
        profiles.update(profile.name, {}, records={PROGRESS_KEY: progress.saved()})
    step = progress.next_step()
    because = {StepId.DONE: "every field is filled and its last test passed",
               StepId.TEST: "every field is filled, and no test has passed yet"}.get(
        step, "the first step whose fields are not filled")
    return progress, (f"This profile has no record of the wizard's steps (it was made on the "
                      f"command line): it opens at step {progress.number(step)}, "
                      f"{title(step, profile.auth_type)}: {because}.")


def _with_skipped(progress: Progress, profile: Profile) -> Progress:
    """`progress` with the steps before its first one done that the palette jumped over and
    whose fields are filled since: a finished profile does not reopen at step 1."""
    if not progress.done:
        return progress
    first = progress.steps.index(progress.done[0])
    skipped = [s for s in filled_steps(profile) if progress.steps.index(s) < first]
    return progress.marked(*skipped) if skipped else progress
