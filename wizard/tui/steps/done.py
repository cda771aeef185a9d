"""Done: what is stored where, the certificate's expiry, and commands that work as written."""

from __future__ import annotations

import asyncio
import shlex
from functools import partial
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import Button, Static

from wizard.core.console import MIGRATE_STEPS, Capability, Done
from wizard.core.errors import WizardError
from wizard.core.keys import cert_info, certificate_file
from wizard.core.reactor import Properties, remembered
from wizard.core.vocabulary import AuthType, SecretKind
from wizard.core.wording import more, seen, sentence
from wizard.flows.rights import acts_as_everywhere, acts_as_seen
from wizard.tui.bindings import key
from wizard.tui.flow import Progress, StepId
from wizard.tui.rotation_panel import RotationPanel
from wizard.tui.shell import command_name, shell_command
from wizard.tui.state import TestResult, WizardState
from wizard.tui.steps.base import Step
from wizard.tui.widgets import Plain

MIGRATE_NOTE = ("Adobe ended JWT credentials in 2025 and converts those left to OAuth "
                "Server-to-Server. Migrating keeps the client ID, organization and technical "
                "account; the new credential is tried before the profile switches.")


def _names(properties: Properties) -> str:
    names = ", ".join(p.name for p in properties.first) or "no property"
    rest = more(properties.total, len(properties.first))
    return f"{names} {rest}" if rest else names


def _utc(stamp: str) -> str:
    """A recorded time (ISO 8601, UTC) as the screen shows it: "2026-01-02 00:00:00"."""
    return stamp.replace("T", " ").removesuffix("Z")


def _where_the_key_stays(state: WizardState) -> str:
    """A sentence: where the JWT private key is kept, which migrating leaves as it is."""
    places = []
    if state.has_secret(SecretKind.PRIVATE_KEY):
        places.append("in memory for this session" if state.memory_only
                      else f"in the {state.storage_description()}")
    if state.profile.private_key_path:
        places.append(f"in its file {state.profile.private_key_path}")
    return f" The JWT private key stays {' and '.join(places)}." if places else ""


class DoneStep(Step):
    key = "done"

    def __init__(self, state: WizardState, *children: Widget, **kwargs: Any) -> None:
        super().__init__(state, *children, **kwargs)
        self.summary: list[str] = []  # the lines shown, before the certificate's is known

    def compose(self) -> ComposeResult:
        yield Plain("", id="summary")
        yield Plain("", id="next-commands")
        with Vertical(id="migrate-panel"):
            yield Static(MIGRATE_NOTE, classes="note")
            yield Button("Migrate to OAuth Server-to-Server", id="migrate")
            yield Plain("", id="migrate-result")
        yield RotationPanel(self.state)

    def on_show_step(self) -> None:
        state, profile = self.state, self.state.profile
        failure = profile.last_failure
        if StepId.TEST not in state.progress.done:
            verdict = f"The test has not passed yet: {self.step_ref('test')} runs it ({key('test')})."
        elif failure:  # a test run since (`launch-wizard test`) failed: that is the news
            verdict = (f"✗ The last test failed ({_utc(failure['at'])} UTC, at {failure['stage']}): "
                       f"{failure['cause']}\n  {key('test')} runs it again.")
        elif not profile.last_test:
            verdict = f"✓ The test passed in an earlier session ({key('test')} runs it again)."
        else:
            survey = state.last_test.survey if state.last_test is not None else []
            # the role it acts as: in the first line when it is one role everywhere
            role = " and ".join(acts_as_everywhere(survey))
            works = f"works as {role}" if role else "works"
            verdict = f"✓ The integration {works}: it sees {seen(profile.last_test)}."
            verdict += "".join(f"\n  {found.company.name}: {_names(found)}" for found in survey)
            if survey and not role:
                verdict += f"\n  it {acts_as_seen(survey)}"
            verdict += f"\n  tested {_utc(profile.last_test['at'])} UTC"
        lines = [verdict, "",
                 f"profile        {profile.name} in {state.profiles.path}",
                 f"secrets        {state.storage_description()}"]
        self.summary = lines
        self.query_one("#summary", Static).update("\n".join(lines))
        self.query_one("#next-commands", Static).update(self._commands())
        self.query_one("#migrate-panel").display = profile.is_jwt or self.migrated
        for offer in self.query_one("#migrate-panel").query(".note, #migrate"):
            offer.display = profile.is_jwt  # once migrated, only what came of it
        self.query_one(RotationPanel).show()
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
            # the sandbox falls back to memory without asking: there is no question to answer
            choice = "" if state.sandbox is not None else ", or choose the plaintext file when it asks"
            return ("\nThe secrets were kept for this session only, so `launch-wizard` commands "
                    f"cannot find them. To use them from scripts, open the wizard where a keyring "
                    f"works{choice}.")
        exe = command_name()
        again = ("the test again (while this wizard runs: the sandbox lives in it)"
                 if state.sandbox is not None else "the test again")
        # each command alone on its line, so that it is copied whole
        lines = ["", f"Next, in a shell: a token for scripts (cached 24 h), where everything is, "
                     f"and {again}:",
                 *(f"    {shell_command(command, profile.name)}"
                   for command in ("token", "status", "test"))]
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
        if self.state.console.offers(Capability.MIGRATE) or self.console_step_done:
            self.migrate()
            return
        self.console_step_done = True  # the next press says the person did it
        event.button.label = "Done in the console: try it and switch"
        self.query_one("#migrate-result", Static).update(
            " ".join(MIGRATE_STEPS) + " Then press the button again: the wizard tries the new "
            "credential before it switches.")

    console_step_done = var(False)  # the person pressed Migrate in Adobe's console
    migrated = var(False)  # in this session: the panel then says so

    @work(exclusive=True, group="migrate", exit_on_error=False)
    async def migrate(self) -> None:
        from wizard.flows.credential_test import trial
        from wizard.flows.migration import press_migrate, server_to_server, the_jwt_credential

        state = self.state
        result_line = self.query_one("#migrate-result", Static)
        button = self.query_one("#migrate", Button)
        button.disabled = True
        result_line.update("Trying OAuth Server-to-Server…")
        s2s = server_to_server(state.profile)
        by_console = False  # the console pressed Migrate itself (the sandbox's does)
        try:
            await state.ensure_store()
            if not self.console_step_done:  # else the person pressed it in the console
                pressed = await asyncio.to_thread(press_migrate, state.console, state.profile, s2s)
                by_console = isinstance(pressed, Done)
            tried = await asyncio.to_thread(partial(trial, s2s, state.secrets,
                                                    secrets=state.base.secrets()))
        except WizardError as exc:
            self.show_failure(result_line, exc, "Nothing changed: the profile still uses JWT.")
            button.disabled = False
            button.focus()  # disabled, it had lost the focus: the keyboard can try again
            return
        button.disabled = False
        key_kept = _where_the_key_stays(state)  # before the profile is no longer JWT
        state.update(auth_type=AuthType.OAUTH_S2S, scopes=s2s.scopes)
        all_but_done = tuple(s for s in state.steps if s != StepId.DONE)
        state.save_progress(Progress(state.profile.auth_type, all_but_done), **remembered(tried.survey))
        state.last_token = tried.token
        state.last_test = TestResult(tried.token, tried.survey)
        result_line.remove_class("-error")
        self.migrated = True
        self.on_show_step()
        result_line.update("✓ Migrated: the profile uses OAuth Server-to-Server now, with the same "
                           f"client ID.{key_kept} {sentence(the_jwt_credential(by_console))}")
        self.post_message(self.Changed())
        self.post_message(self.Finished())  # the button is gone: the keyboard goes on to Finish
