"""Done: what is stored where, the certificate's expiry, and commands that work as written."""

from __future__ import annotations

import asyncio
import shlex
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Button, Static

from wizard.core.errors import WizardError
from wizard.core.keys import cert_info, certificate_file
from wizard.core.profile import DEFAULT_PROFILE, seen
from wizard.core.reactor import Properties, remembered
from wizard.tui.rotation_panel import RotationPanel
from wizard.tui.shell import command_name
from wizard.tui.state import TestResult
from wizard.tui.steps.base import Step
from wizard.tui.widgets import Plain

MIGRATE_NOTE = ("Adobe ended JWT credentials in 2025 and converts those left to OAuth "
                "Server-to-Server. Migrating keeps the client ID, organization and technical "
                "account; the new credential is tried before the profile switches.")


def _names(properties: Properties) -> str:
    names = ", ".join(p.name for p in properties.first) or "no property"
    more = properties.total - len(properties.first)
    return f"{names} and {more} more" if more > 0 else names


class DoneStep(Step):
    key = "done"

    def __init__(self, *children: Widget, **kwargs: Any) -> None:
        super().__init__(*children, **kwargs)
        self.summary: list[str] = []  # the lines shown, before the certificate's is known

    def compose(self) -> ComposeResult:
        yield Plain("", id="summary")
        yield Plain("", id="next-commands")
        with Vertical(id="migrate-panel"):
            yield Static(MIGRATE_NOTE, classes="note")
            yield Button("Migrate to OAuth Server-to-Server", id="migrate")
            yield Plain("", id="migrate-result")
        yield RotationPanel()

    def on_show_step(self) -> None:
        state, profile = self.state, self.state.profile
        if "test" not in profile.steps_done:
            verdict = f"The test has not passed yet: {self.step_ref('test')} runs it (F5)."
        elif not profile.last_test:
            verdict = "✓ The test passed in an earlier session (F5 runs it again)."
        else:
            at = profile.last_test["at"].replace("T", " ").removesuffix("Z")
            verdict = f"✓ The integration works: it sees {seen(profile.last_test)}."
            if state.last_test is not None:
                verdict += "".join(f"\n  {found.company.name}: {_names(found)}"
                                   for found in state.last_test.survey)
            verdict += f"\n  tested {at} UTC"
        lines = [verdict, "",
                 f"profile        {profile.name} in {state.profiles.path}",
                 f"secrets        {state.storage_description()}"]
        self.summary = lines
        self.query_one("#summary", Static).update("\n".join(lines))
        self.query_one("#next-commands", Static).update(self._commands())
        self.query_one("#migrate-panel").display = profile.is_jwt or self.migrated
        self.query_one("#migrate").display = profile.is_jwt
        self.query_one(RotationPanel).show_for(state)
        if profile.is_jwt and profile.certificate_path:
            self.show_certificate()

    @work(exclusive=True, group="certificate", exit_on_error=False)
    async def show_certificate(self) -> None:
        path = self.state.profile.certificate_path
        try:
            info = cert_info(await asyncio.to_thread(certificate_file, path))
        except WizardError as exc:
            line = f"certificate    {exc.cause}"
        else:
            line = (f"certificate    expires {info.not_after:%Y-%m-%d} ({info.days_left} days "
                    "left): make and upload a new one before then")
        self.query_one("#summary", Static).update("\n".join([*self.summary, line]))

    def _commands(self) -> str:
        state, profile = self.state, self.state.profile
        if state.memory_only:
            return ("\nThe secrets were kept for this session only, so `launch-wizard` commands "
                    "cannot find them. To use them from scripts, open the wizard where a keyring "
                    "works, or choose the plaintext file when it asks.")
        flag = "" if profile.name == DEFAULT_PROFILE else f" --profile {shlex.quote(profile.name)}"
        exe = command_name()
        again = ("the test again (while this wizard runs: the sandbox lives in it)"
                 if state.sandbox is not None else "the test again")
        # each command alone on its line, so that it is copied whole
        lines = ["", f"Next, in a shell: a token for scripts (cached 24 h), where everything is, "
                     f"and {again}:",
                 *(f"    {exe} {command}{flag}" for command in ("token", "status", "test"))]
        if exe != "launch-wizard":
            activate = Path(shlex.split(exe)[0]).with_name("activate")
            if activate.is_file():
                lines += ["launch-wizard is not on PATH, so it is named in full; in a shell, this "
                          "puts it on PATH:", f"    . {shlex.quote(str(activate))}"]
            else:
                lines.append("launch-wizard is not on PATH, so it is named in full; the README "
                             "says how to put it on PATH.")
        return "\n".join(lines)

    @on(Button.Pressed, "#migrate")
    def _migrate(self, event: Button.Pressed) -> None:
        if self.state.console.automatic or self.console_step_done:
            self.migrate()
            return
        self.console_step_done = True  # the next press says the person did it
        event.button.label = "Done in the console: try it and switch"
        self.query_one("#migrate-result", Static).update(
            "In the Developer Console, open the credential and press \"Migrate to OAuth "
            "Server-to-Server\" (it keeps the client ID and adds the new credential beside JWT). "
            "Then press the button again: the wizard tries the new credential before it switches.")

    console_step_done = False
    migrated = False  # in this session: the panel then says so

    @work(exclusive=True, group="migrate", exit_on_error=False)
    async def migrate(self) -> None:
        from wizard.core.lifecycle import server_to_server, trial

        state = self.state
        result_line = self.query_one("#migrate-result", Static)
        button = self.query_one("#migrate", Button)
        button.disabled = True
        result_line.update("Trying OAuth Server-to-Server…")
        s2s = server_to_server(state.profile)
        try:
            await state.ensure_store()
            if state.console.automatic:
                await asyncio.to_thread(state.console.migrate, s2s.client_id)
            tried = await asyncio.to_thread(trial, s2s, state.secrets)
        except WizardError as exc:
            self.show_failure(result_line, exc, "Nothing changed: the profile still uses JWT.")
            return
        finally:
            button.disabled = False
        state.update(auth_type="oauth-s2s", scopes=s2s.scopes)
        state.update(steps_done=[s for s in state.steps if s != "done"], **remembered(tried.survey))
        state.last_token = tried.token
        state.last_test = TestResult(tried.token, tried.survey)
        result_line.remove_class("-error")
        self.migrated = True
        self.on_show_step()
        result_line.update("✓ Migrated: the profile uses OAuth Server-to-Server now, with the same "
                           "client ID. The JWT key stays in the keyring; delete the JWT credential "
                           "in the console once nothing uses it.")
        self.post_message(self.Changed())
