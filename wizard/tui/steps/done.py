"""Done: what is stored where, the certificate's expiry, and commands that work as written."""

from __future__ import annotations

import asyncio

from textual import work
from textual.app import ComposeResult
from textual.widgets import Static

from wizard.core.errors import WizardError
from wizard.core.keys import cert_info, certificate_file
from wizard.core.profile import DEFAULT_PROFILE
from wizard.tui.steps.base import Step


class DoneStep(Step):
    key = "done"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.summary: list[str] = []  # the lines shown, before the certificate's is known

    def compose(self) -> ComposeResult:
        yield Static("", id="summary", markup=False)
        yield Static("", id="next-commands", markup=False)

    def on_show_step(self) -> None:
        state, profile = self.state, self.state.profile
        if "test" not in profile.steps_done:
            verdict = f"The test has not passed yet: {self.step_ref('test')} runs it (F5)."
        elif state.last_test is None:
            verdict = "✓ The test passed in an earlier session (F5 runs it again)."
        else:
            companies = state.last_test.companies
            names = ", ".join(c.name for c in companies) or "no company"
            verdict = f"✓ The integration works: it sees {names}."
        lines = [verdict, "",
                 f"profile        {profile.name} in {state.profiles.path}",
                 f"secrets        {state.storage_description()}"]
        self.summary = lines
        self.query_one("#summary", Static).update("\n".join(lines))
        self.query_one("#next-commands", Static).update(self._commands())
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
        flag = "" if profile.name == DEFAULT_PROFILE else f" --profile {profile.name}"
        lines = ["", "Next, in a shell:",
                 f"• launch-wizard token{flag}    a valid token for scripts (cached 24 h)",
                 f"• launch-wizard status{flag}   where everything is"]
        if state.sandbox is not None:
            lines.append(f"• launch-wizard test{flag}     check it again (while this wizard runs: "
                         "the sandbox lives in it)")
        else:
            lines.append(f"• launch-wizard test{flag}     check the integration again")
        return "\n".join(lines)
