"""Driving the wizard in tests: wait for workers, read what the screen shows."""

from __future__ import annotations

import html
import re

from rich.cells import cell_len

# A character run in Textual's SVG screenshot: where it starts (x), how wide it is drawn
# (textLength, for its cells), the row it is clipped to, and its text.
_RUN = re.compile(r'<text [^>]*?x="([\d.]+)"[^>]*?textLength="([\d.]+)"[^>]*?'
                  r'clip-path="url\(#terminal-[\w-]*?line-(\d+)\)"[^>]*>(.*?)</text>', re.DOTALL)


async def settle(app, pilot, rounds: int = 2) -> None:
    for _ in range(rounds):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def screen_rows(app) -> list[str]:
    """The terminal's rows right now, as text, each character in its column (the column from the
    run's own width per cell, the row from the line it is clipped to: no font metrics assumed)."""
    width, height = app.size
    grid = [[" "] * width for _ in range(height)]
    for x, length, line, content in _RUN.findall(app.export_screenshot()):
        text = html.unescape(re.sub(r"<[^>]+>", "", content)).replace("\xa0", " ").rstrip("\n")
        cells = cell_len(text)
        if not cells:
            continue
        col, row = round(float(x) * cells / float(length)), int(line)
        if 0 <= row < height:
            for i, ch in enumerate(text):
                if 0 <= col + i < width:
                    grid[row][col + i] = ch
    return ["".join(r).rstrip() for r in grid]


def screen_text(app) -> str:
    """Everything on screen as one line of words: phrases wrapped across rows still match.

    The step list and the step beside it are read one after the other, not row by row."""
    rows = screen_rows(app)
    columns = []
    sidebar = app.screen.query("#steps")
    if sidebar and sidebar.first().display and sidebar.first().region.width:
        region = sidebar.first().region
        body = range(region.y, region.bottom)
        rows_out = [r for i, r in enumerate(rows) if i < region.y]
        columns = [[r[:region.right] for i, r in enumerate(rows) if i in body],
                   [r[region.right:] for i, r in enumerate(rows) if i in body]]
        rows = rows_out + [line for column in columns for line in column] + rows[region.bottom:]
    return _flat(rows)


def region_text(app, selector: str) -> str:
    """What one widget's part of the screen shows (e.g. "#main": the step, not the step list)."""
    region = app.screen.query_one(selector).region
    return _flat([r[region.x:region.right] for r in screen_rows(app)[region.y:region.bottom]])


def _flat(rows: list[str]) -> str:
    """Rows as one line of words, without the frames' vertical borders."""
    return re.sub(r"\s+", " ", re.sub(r"[│▎▊▌▐]", " ", " ".join(rows))).strip()


async def type_into(pilot, selector: str, text: str) -> None:
    widget = pilot.app.screen.query_one(selector)
    widget.value = text
    await pilot.pause()


async def next_step(app, pilot) -> None:
    await pilot.press("ctrl+n")
    await settle(app, pilot)


def toasts(app) -> list[str]:
    """What each notification (toast) now on screen shows, its title then its message."""
    return [toast.render().plain for toast in app.screen.query("Toast")]


def notifications(app) -> str:
    """What the notifications (toasts) now on screen show, one after the other."""
    return " ".join(toasts(app))


# --- seeded states: where a test about a later step starts ------------------------------------

def _sandbox_state(sandbox, backend):
    """The state the wizard in sandbox mode opens, with its secrets in `backend`."""
    from wizard.core.secret_store import SecretStore
    from wizard.tui.state import WizardState

    return WizardState.open(None, sandbox, SecretStore("launch-wizard-sandbox", backend))


async def generate_and_go_on(app, pilot) -> None:
    """Generate on the Key step and press Next: the wizard is at Upload, with the new pair."""
    app.screen.query_one("#generate-button").press()
    await settle(app, pilot)
    await next_step(app, pilot)
    assert app.current == "upload"


async def jwt_opens_at(step: str, sandbox, backend, keypair=None, role: str = "Publisher") -> None:
    """What clicking through the JWT flow up to `step` ("role", "keys", "upload", "credentials",
    "test" or "done") leaves (as test_tui's `jwt_to_credentials` does, which its full-flow test
    keeps), made with the calls those steps make: a wizard opened next starts at `step`. The key
    pair is the session's, copied where the Key step writes; at "test" the Credentials step took
    the generated key, and at "done" the Test step's check passed."""
    import shutil
    from pathlib import Path

    from wizard.core.console import Done
    from wizard.core.profile import config_dir

    state = _sandbox_state(sandbox, backend)
    state.update(auth_type="jwt")
    found = state.console.find_organization()
    assert isinstance(found, Done)
    state.update(org_id=found.value)
    state.mark_done("organization")
    if step == "role":  # no integration made yet
        return
    state.update(role=role)
    assert isinstance(await state.create_integration(role), Done)
    state.mark_done("role")
    if step == "keys":
        return
    assert keypair is not None
    folder = config_dir() / "keys" / state.profile.name
    folder.mkdir(parents=True)
    key = Path(shutil.copy(keypair.key_path, folder))
    key.chmod(0o600)
    cert = Path(shutil.copy(keypair.cert_path, folder))
    state.update(private_key_path=str(key), certificate_path=str(cert))
    state.mark_done("keys")
    if step == "upload":
        return
    assert isinstance(state.console.upload(state.profile.client_id, cert.read_text()), Done)
    state.mark_done("upload")
    if step == "credentials":
        return
    await state.put_secret("private_key", key.read_text())  # "Use the generated key", then Next
    state.mark_done("credentials")
    if step == "test":
        return
    assert step == "done"
    await _test_passed(state)


async def s2s_opens_at(step: str, sandbox, backend) -> None:
    """What pressing Create on the organization step and going on up to `step` ("credentials",
    "test" or "done") leaves (as test_tui's `s2s_to_test` does, which its controls test keeps),
    made with the calls those steps make: the fields the sandbox filled in accepted as they
    are, and at "done" the Test step's check passed."""
    from wizard.core.console import Done

    state = _sandbox_state(sandbox, backend)
    assert isinstance(await state.create_integration(), Done)
    state.mark_done("organization")
    if step == "credentials":
        return
    state.mark_done("credentials")
    if step == "test":
        return
    assert step == "done"
    await _test_passed(state)


async def s2s_opens_at_credentials(sandbox, backend) -> None:
    await s2s_opens_at("credentials", sandbox, backend)


async def _test_passed(state) -> None:
    """The Test step's check (the call F5 makes) passed, recorded as that step records it (the
    metascope IMS took included)."""
    import asyncio

    from wizard.flows import credential_test

    issued = []
    passed = await asyncio.to_thread(
        credential_test.check, state.profile, state.secrets,
        lambda event: isinstance(event, credential_test.TokenIssued) and issued.append(event.result),
        secrets=state.base.secrets())
    for result in issued:
        state.token_issued(result)
    state.test_passed(passed)
