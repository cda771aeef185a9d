"""A tour of every screen of the wizard against the sandbox, shot as SVG at each stop.

Used by the snapshot tests (normalised, compared) and by `make screenshots` (written to
screenshots/). Run directly: `python -m tests.tour OUT_DIR [--size 120x40]`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from textual.widgets import Checkbox, Input, RadioButton, TextArea

from tests.tui_helpers import settle
from wizard.core.ims import Token
from wizard.core.secret_store import MemoryBackend, SecretStore
from wizard.tui.app import WizardApp

if TYPE_CHECKING:
    from wizard.sandbox import Sandbox

STAND_IN_TOKEN = "stand-in." + "revealed-token-of-the-usual-length." * 24 + "end"

# What varies from run to run and is not part of how a screen looks.
_VARIABLE = [
    (re.compile(r"(127\.0\.0\.1|localhost):\d+"), r"\1:PORT"),
    (re.compile(r"\bCO[0-9a-f]{32}\b"), "CO-COMPANY-ID"),
    (re.compile(r"\b[0-9A-F]{24}(?=@(AdobeOrg|techacct))"), "ID-ID-ID-ID-ID-ID-ID-ID-"),
    (re.compile(r"\b[0-9a-f]{40}\b"), "SHA-1"),
    (re.compile(r"\b[0-9a-f]{32}\b"), "CLIENT-ID"),
    (re.compile(r"\d{4}-\d{2}-\d{2}"), "YYYY-MM-DD"),
    (re.compile(r"\d+(&#160;|\s)days(&#160;|\s)left"), r"N\1days\2left"),
    (re.compile(r"\d{2}:\d{2}:\d{2}"), "HH:MM:SS"),
    (re.compile(r"\b1\d{9}\b"), "EPOCH"),
    (re.compile(r"\d+(&#160;|\s)h(&#160;|\s)\d+(&#160;|\s)min"), r"H\1h\2M\3min"),
    (re.compile(r"eyJ[\w-]{3}•+[\w-]{4}"), "TOKEN"),
    (re.compile(r"exp(&#160;|\s)in(&#160;|\s)\d+"), r"exp\1in\2N"),
    (re.compile(r"/tmp/[^\s<&\"']*"), "/TMP"),
]


def normalise(svg: str) -> str:
    svg = re.sub(r"terminal-\d+", "terminal", svg)  # Rich names its classes after a content hash
    for pattern, replacement in _VARIABLE:
        svg = pattern.sub(replacement, svg)
    return svg


async def _press(app, pilot, selector: str) -> None:
    _steady(app)
    app.screen.query_one(selector).press()
    await settle(app, pilot)


async def _keys(app, pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(app, pilot)


def _steady(app) -> None:
    """No blinking cursor, no button flash: what a screenshot catches must not depend on timing."""
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    for button in app.screen.query("Button"):
        button.active_effect_duration = 0
        button.remove_class("-active")


async def _still(app, pilot, title: str, rounds: int = 20) -> str:
    """The screen as an SVG once two looks in a row see the same (scroll bars included): on a busy
    machine a layout (a long token wrapped, a scroll asked for after a refresh) can land a frame
    late."""
    before = None
    for _ in range(rounds):
        now = app.export_screenshot(title=title)
        if now == before:
            return now
        before = now
        await pilot.pause(0.05)
        await settle(app, pilot)
    return app.export_screenshot(title=title)


async def _until(app, pilot, selector: str, text: str, rounds: int = 100) -> None:
    """Until the widget at `selector` shows `text`: a worker's result that changes the layout must
    land before the next press scrolls, or on a busy machine the scroll is made and then undone."""
    for _ in range(rounds):
        if text in str(app.screen.query_one(selector).render()):
            return
        await pilot.pause(0.05)
        await settle(app, pilot)
    raise AssertionError(f"{selector} never showed {text!r}")


class _Broken(MemoryBackend):
    """A keyring that is there but does not work (locked, no daemon...)."""

    def get_password(self, service, user):
        raise RuntimeError("the keyring is locked")


async def tour(sandbox, size: tuple[int, int], shoot: Callable[[str, str], None],
               title: Callable[[str], str] = str) -> list[str]:
    """Drive the JWT flow (and its failures), the S2S flow and a keyring problem through every
    screen; at each stop, hand `shoot` the screen's name and its SVG (titled `title(name)`)."""
    shots: list[str] = []

    async def visit(app: WizardApp, script) -> None:
        app.animation_level = "none"  # a screenshot must not catch a scroll half way
        async with app.run_test(size=size) as pilot:

            async def snap(name: str) -> None:
                _steady(app)
                await settle(app, pilot)
                shoot(name, await _still(app, pilot, title(name)))
                shots.append(name)

            await settle(app, pilot)
            await script(app, pilot, snap)
            assert app.unexpected == [], app.unexpected

    async def jwt(app, pilot, snap) -> None:
        await snap("01-organization")
        app.screen.query_one("#auth-jwt", RadioButton).value = True
        await settle(app, pilot)
        app.screen.query_one("#org-id", Input).value = "not-an-org"
        await _keys(app, pilot, "ctrl+n")
        await snap("02-organization-error")
        app.screen.query_one("#org-id", Input).value = app.state.profile.org_id
        await _keys(app, pilot, "ctrl+n")
        await snap("03-role")
        app.screen.query_one("#perm-publish", Checkbox).value = True
        await settle(app, pilot)
        await _press(app, pilot, "#choose-role")
        await snap("04-role-created")
        await _keys(app, pilot, "ctrl+n")
        await snap("05-keys")
        await _press(app, pilot, "#generate-button")
        await snap("06-keys-generated")
        await _keys(app, pilot, "ctrl+n")
        await _until(app, pilot, "#fingerprint", "SHA-1 fingerprint")
        await _press(app, pilot, "#upload-sandbox")
        # where a finished upload leaves the step (the result, and the box it ticked, below it),
        # whatever order a busy machine ran the focus move and the scroll to the result in
        app.screen.query_one("UploadStep").scroll_to_widget(
            app.screen.query_one("#uploaded"), animate=False, immediate=True)
        await snap("07-upload")
        await _keys(app, pilot, "ctrl+n")
        await snap("08-credentials")
        app.screen.query_one("#tech-id", Input).value = "wrong"
        app.screen.query_one("#key-text", TextArea).load_text("-----BEGIN CERTIFICATE-----\nMIIB")
        await settle(app, pilot)
        await _keys(app, pilot, "ctrl+n")
        await snap("09-credentials-errors")
        app.screen.query_one("#tech-id", Input).value = app.state.profile.technical_account_id
        await _press(app, pilot, "#use-generated")
        await snap("10-credentials-filled")
        await _keys(app, pilot, "ctrl+n")
        await _keys(app, pilot, "f5")
        await settle(app, pilot, 4)
        await snap("11-test-passed")
        # Revealed, the real token would differ every run: show a stand-in of the same shape.
        real = app.state.last_token
        app.state.last_token = Token(STAND_IN_TOKEN, real.expires_at)
        app.screen.query_one("#reveal-token").value = True
        await settle(app, pilot)
        # where the Test step puts a passed run, whatever order a busy machine ran the callbacks in
        step = app.screen.query_one("TestStep")
        step.scroll_to_widget(app.screen.query_one("#run-test"), top=True, animate=False,
                              immediate=True)
        await snap("12-test-token-revealed")
        app.screen.query_one("#reveal-token").value = False
        app.state.last_token = real
        await _keys(app, pilot, "ctrl+n")
        await snap("13-done")
        await _keys(app, pilot, "f1")
        await snap("14-help")
        await _keys(app, pilot, "escape", "f2")
        await snap("15-role-lookup")
        await _keys(app, pilot, "escape", "ctrl+l")
        await snap("16-done-light")
        await _keys(app, pilot, "ctrl+l", "ctrl+b")
        await app.state.put_secret("client_secret", "wrong-secret")
        await _keys(app, pilot, "f5")
        await settle(app, pilot, 4)
        await snap("17-test-failed")

    async def s2s(app, pilot, snap) -> None:
        await _press(app, pilot, "#create-integration")
        await snap("18-s2s-created")
        await _keys(app, pilot, "ctrl+n")
        await snap("19-s2s-credentials")
        await _keys(app, pilot, "ctrl+n", "f5")
        await settle(app, pilot, 4)
        await snap("20-s2s-test-passed")

    async def no_keyring(app, pilot, snap) -> None:
        app.screen.query_one("#org-id", Input).value = "0123456789ABCDEF01234567@AdobeOrg"
        await _keys(app, pilot, "ctrl+n")
        app.screen.query_one("#client-secret", Input).value = "typed-secret"
        await _keys(app, pilot, "ctrl+n")  # a secret to save: where it goes is asked now
        await snap("21-no-keyring")

    async def importing(app, pilot, snap) -> None:
        await _press(app, pilot, "#import-open")
        app.screen.query_one("#import-text", TextArea).load_text('{"API_KEY": "k", "ORG_ID": "x"}')
        await settle(app, pilot)
        await snap("22-import-refused")

    store = SecretStore("launch-wizard-sandbox", MemoryBackend())
    await visit(WizardApp(sandbox=sandbox, secrets=store), jwt)
    await visit(WizardApp(profile="s2s", sandbox=sandbox, secrets=store), s2s)
    await visit(WizardApp(profile="real", secrets=SecretStore(backend=_Broken())), no_keyring)
    await visit(WizardApp(profile="importing", secrets=SecretStore(backend=MemoryBackend())),
                importing)
    return shots


def config_dir(size: tuple[int, int]) -> Path:
    """The same path every run, one per size so that tours at two sizes run side by side; as long
    at every size (a path's length can move what follows it on the screen)."""
    return Path(tempfile.gettempdir()) / f"launch-wiz-{size[0]:03d}x{size[1]:03d}"


@contextlib.contextmanager
def repeatable_sandbox(size: tuple[int, int]) -> Iterator[Sandbox]:
    """A sandbox whose IDs are the same every run, in a config folder at a fixed path (paths show
    on the screens: the same path, the same layout). One tour at a time uses the folder."""
    import fcntl
    import shutil

    from wizard.sandbox import Sandbox
    from wizard.sandbox.state import SandboxState

    folder = config_dir(size)
    with open(f"{folder}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        shutil.rmtree(folder, ignore_errors=True)
        os.environ["LAUNCH_WIZARD_CONFIG_DIR"] = str(folder / "config")
        path = os.environ.get("PATH", "")
        # as installed: the shell finds launch-wizard by name (the Done step names it so)
        os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), path])
        try:
            with Sandbox(state=SandboxState(seed=2026)) as sandbox:
                yield sandbox
        finally:
            os.environ["PATH"] = path


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path("screenshots")
    out.mkdir(parents=True, exist_ok=True)
    size = (120, 40)
    if "--size" in argv:
        width, height = argv[argv.index("--size") + 1].split("x")
        size = (int(width), int(height))

    def shoot(name: str, svg: str) -> None:
        (out / f"{name}.svg").write_text(svg)

    with repeatable_sandbox(size) as sandbox:
        shots = asyncio.run(tour(sandbox, size, shoot, lambda name: f"launch-wizard · {name[3:]}"))
    print(f"{len(shots)} screenshots in {out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
