"""Step 3 (JWT): upload the certificate in the console (or to the sandbox), compare fingerprints."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Checkbox, Label, Static

from wizard.core.console import UPLOAD_STEPS
from wizard.core.errors import WizardError
from wizard.core.keys import cert_info, certificate_file, load_certificate, read_file
from wizard.tui.clipboard import copy
from wizard.tui.steps.base import Step


class UploadStep(Step):
    key = "upload"

    def compose(self) -> ComposeResult:
        yield Label("", classes="step-title")
        with Horizontal(classes="row"):
            yield Static("", id="cert-file")
            yield Button("Copy path", id="copy-path")
        yield Static("", id="fingerprint")
        yield Label("\nIn the Adobe Developer Console:")
        yield Static("\n".join(f"☐ {s}" for s in UPLOAD_STEPS), id="upload-steps")
        yield Button("Upload to the sandbox", id="upload-sandbox", variant="primary")
        yield Static("", id="upload-result")
        yield Checkbox("I have uploaded it", id="uploaded")

    def on_mount(self) -> None:
        self.query_one("#upload-sandbox").display = self.state.console.automatic

    def on_show_step(self) -> None:
        profile = self.state.profile
        self.query_one("#cert-file", Static).update(f"Certificate: {profile.certificate_path or '(none yet: see step 2)'}")
        self.query_one("#uploaded", Checkbox).value = "upload" in profile.steps_done
        try:
            info = cert_info(certificate_file(profile.certificate_path))
        except WizardError as exc:
            self.query_one("#fingerprint", Static).update(f"[red]{exc}[/]")
            return
        self.query_one("#fingerprint", Static).update(
            f"SHA-1 fingerprint to compare:\n  [b]{info.sha1}[/b]\n"
            f"expires {info.not_after:%Y-%m-%d} ({info.days_left} days left)")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "copy-path":
            how = copy(self.app, self.state.profile.certificate_path)
            self.app.notify(f"Copied the certificate's path {how}.")
        elif event.button.id == "upload-sandbox":
            event.button.disabled = True
            self.upload()

    @work(thread=True, exclusive=True, group="console")
    def upload(self) -> None:
        profile = self.state.profile
        try:
            pem = read_file(profile.certificate_path, "certificate")
            local = cert_info(load_certificate(pem)).sha1
            done = self.state.console.upload_certificate(profile.client_id, pem)
        except WizardError as exc:
            self.app.call_from_thread(self._uploaded, f"[red]✗ {exc}[/]", False)
            return
        same = ("the same fingerprint as yours" if done.fingerprint_sha1 == local
                else "[red]a DIFFERENT fingerprint from yours[/]")
        self.app.call_from_thread(
            self._uploaded, f"✓ Uploaded. The console shows {same}:\n  {done.fingerprint_sha1}", True)

    def _uploaded(self, text: str, ok: bool) -> None:
        self.query_one("#upload-sandbox", Button).disabled = False
        self.query_one("#upload-result", Static).update(text)
        self.bring_into_view("#upload-result")
        if ok:
            self.query_one("#uploaded", Checkbox).value = True

    def first_focus(self) -> str:
        return "#upload-sandbox" if self.state.console.automatic else "#uploaded"

    async def accept(self) -> bool:
        if self.query_one("#uploaded", Checkbox).value:
            return True
        self.app.notify("Upload the certificate, then tick 'I have uploaded it'.", severity="warning")
        return False
