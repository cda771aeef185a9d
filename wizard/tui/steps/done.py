"""Step 7: what is stored where, the certificate's expiry, and what to run next."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Label, Static

from wizard.core.errors import WizardError
from wizard.core.keys import cert_info, certificate_file
from wizard.tui.steps.base import Step


class DoneStep(Step):
    key = "done"

    def compose(self) -> ComposeResult:
        yield Label("", classes="step-title")
        yield Static("", id="summary")

    def on_show_step(self) -> None:
        state, profile = self.state, self.state.profile
        lines = [
            "✓ The integration works." if "test" in profile.steps_done
            else "The test has not passed yet: see step 6.",
            "",
            f"profile        {profile.name} in {state.profiles.path}",
            f"secrets        {state.storage_description()}",
        ]
        if state.memory_only:
            lines.append("               (this sandbox session only: no keyring was usable)")
        if profile.is_jwt and profile.certificate_path:
            try:
                info = cert_info(certificate_file(profile.certificate_path))
                lines.append(f"certificate    expires {info.not_after:%Y-%m-%d} "
                             f"({info.days_left} days left): make and upload a new one before then")
            except WizardError as exc:
                lines.append(f"certificate    {exc.cause}")
        flag = "" if profile.name == "default" else f" --profile {profile.name}"
        lines += ["", "Next:",
                  f"• launch-wizard token{flag}    a valid token for scripts (cached 24 h)",
                  f"• launch-wizard test{flag}     check the integration again",
                  f"• launch-wizard status{flag}   where everything is"]
        if state.sandbox is not None:
            lines.append("(the sandbox runs only while the wizard does: "
                         "`launch-wizard sandbox` keeps one running)")
        self.query_one("#summary", Static).update("\n".join(lines))
