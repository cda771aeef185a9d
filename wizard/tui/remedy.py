"""Errors as the wizard shows them: the engine's cause, and a fix that points at the wizard's own
step (the engine's `fix` is written for the command line)."""

from __future__ import annotations

from wizard.core.errors import WizardError
from wizard.core.vocabulary import AuthType, Subject
from wizard.tui.bindings import PALETTE, key
from wizard.tui.flow import FIXED_AT, title

_ELSEWHERE: dict[str, str] = {
    Subject.TOKEN: f"run the test again ({key('test')}) for a new token",
    Subject.RIGHTS: ("give the credential a product profile with that right in the Admin Console "
               "(OAuth Server-to-Server has no role)"),
    Subject.METASCOPES: "check that the credential has the Experience Platform Launch API",
    Subject.SECRET_STORE: "choose where secrets go in the notice above",
    Subject.CLOCK: f"check this computer's clock, then run the test again ({key('test')})",
    Subject.THROTTLED: f"wait a minute, then run the test again ({key('test')})",
    Subject.REQUEST: f"run the test again ({key('test')}); if it is refused again, please report it",
}


# subject -> the fix when the console is the sandbox, which can give back what it made
_SANDBOX: dict[str, str] = {
    Subject.CLIENT_SECRET: "press \"Recover it from the sandbox\" above (the sandbox never showed it)",
}


def fix(exc: WizardError, steps: tuple[str, ...], auth_type: AuthType, current: str,
        sandbox: bool = False) -> str:
    """Where, in this flow, the user corrects what `exc` is about; the engine's fix otherwise."""
    if sandbox and exc.subject in _SANDBOX:
        return _SANDBOX[exc.subject]
    where = FIXED_AT.get(exc.subject)
    if where is not None and where[0] in steps:
        step, what = where
        if step == current:
            return f"{what} here"
        number = steps.index(step) + 1
        return f"{what} at step {number}, {title(step, auth_type)} ({way(steps, current, number)})"
    return _ELSEWHERE.get(exc.subject) or exc.fix


def way(steps: tuple[str, ...], current: str, number: int) -> str:
    """The keys that lead from `current` to step `number`: back or on once, or the palette's
    entry for that step (or back or on as many times) when it is further away."""
    moves = steps.index(current) + 1 - number if current in steps else 0
    way, times = ("back", moves) if moves > 0 else ("next", -moves)
    if times == 1:
        return f"{key(way)} {'goes back' if way == 'back' else 'goes on'}"
    entry = f"{PALETTE}, then \"Step {number}\""
    return f"{entry}; or {key(way)} {times} times" if times else entry


def explain(exc: WizardError, steps: tuple[str, ...], auth_type: AuthType, current: str,
            sandbox: bool = False) -> str:
    """Two lines, as plain text: what went wrong, and the fix in the wizard's terms."""
    remedy = fix(exc, steps, auth_type, current, sandbox)
    return f"{exc.cause}\nfix: {remedy}" if remedy else exc.cause
