"""Upload the certificate (JWT): in the console (or to the sandbox), and compare fingerprints."""

from __future__ import annotations

import asyncio

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Checkbox, Label, Static

from wizard.core.console import UPLOAD_STEPS, Capability, Done, PersonDoes, Uploaded
from wizard.core.errors import WizardError
from wizard.core.keys import cert_info, certificate_file, load_certificate, read_file
from wizard.tui.flow import StepId
from wizard.tui.steps.base import Step
from wizard.tui.widgets import Plain, TickBox

TICK_FIRST = "✗ Upload the certificate, then tick 'I have uploaded it'."


class UploadStep(Step):
    key = "upload"
    _reminded = False  # the result line holds the refused Next's reminder to tick the box
    _uploaded_to = ""  # the client ID the result line's upload went to

    def compose(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Plain("", id="cert-file")
            yield Button("Copy path", id="copy-path", compact=True)
        yield Plain("", id="fingerprint")
        yield Label("In the Adobe Developer Console:")
        yield Static("\n".join(f"{n}. {s}" for n, s in enumerate(UPLOAD_STEPS, 1)),
                     id="upload-steps", markup=False)
        yield Button("Upload to the sandbox", id="upload-sandbox", variant="primary")
        yield Plain("", id="upload-result")
        yield TickBox("I have uploaded it", id="uploaded")

    def on_show_step(self) -> None:
        profile = self.state.profile
        self.query_one("#upload-sandbox").display = self.state.console.offers(Capability.UPLOAD_CERTIFICATE)
        self.query_one("#cert-file", Static).update(
            f"Certificate: {profile.certificate_path or '(none yet: see ' + self.step_ref('keys') + ')'}")
        if self._uploaded_to and self._uploaded_to != profile.client_id:
            self._show_replaced()
        # ticked when done, or uploaded from here to this integration (and Back pressed since)
        self.query_one("#uploaded", Checkbox).value = (StepId.UPLOAD in self.state.progress.done
                                                       or self._uploaded_to == profile.client_id)
        self.show_fingerprint()

    def _show_replaced(self) -> None:
        """The upload shown went to an integration since replaced: the new one has no certificate."""
        result = self.query_one("#upload-result", Static)
        result.update(f"The certificate went to the integration made before ({self._uploaded_to}); "
                      "the one made since has none yet: upload it again.")
        result.remove_class("-error")
        self.bring_into_view(result)
        self._uploaded_to = ""
        self._reminded = False

    @work(exclusive=True, group="fingerprint", exit_on_error=False)
    async def show_fingerprint(self) -> None:
        shown = self.query_one("#fingerprint", Static)
        try:
            info = cert_info(await asyncio.to_thread(certificate_file, self.state.profile.certificate_path))
        except WizardError as exc:
            shown.update(f"✗ {self.explain(exc)}")
            return
        shown.update(f"SHA-1 fingerprint to compare:\n  {info.sha1}\n"
                     f"expires {info.not_after:%Y-%m-%d} ({info.days_left} days left)")

    def default_focus(self) -> str:
        return "#upload-sandbox" if self.state.console.offers(Capability.UPLOAD_CERTIFICATE) else "#uploaded"

    @on(Button.Pressed, "#copy-path")
    def _copy_path(self) -> None:
        self.post_message(self.Copy(self.state.profile.certificate_path, "the certificate's path"))

    @on(Button.Pressed, "#upload-sandbox")
    def _upload(self, event: Button.Pressed) -> None:
        event.button.disabled = True
        self.upload()

    @work(exclusive=True, group="console", exit_on_error=False)
    async def upload(self) -> None:
        self._reminded = False  # this upload's result replaces the reminder
        state = self.state
        profile = state.profile
        result = self.query_one("#upload-result", Static)

        def send() -> tuple[str, Done[Uploaded] | PersonDoes]:
            pem = read_file(profile.certificate_path, "certificate")
            local = cert_info(load_certificate(pem)).sha1
            return local, state.console.upload(profile.client_id, pem)

        try:
            local, done = await asyncio.to_thread(send)
        except WizardError as exc:
            self.show_failure(result, exc)
            return
        finally:
            self.query_one("#upload-sandbox", Button).disabled = False
        if isinstance(done, PersonDoes):  # the steps above say how: the tick box says it is done
            return
        fingerprint = done.value.fingerprint_sha1
        same = "the same fingerprint as yours" if fingerprint == local else "a DIFFERENT fingerprint"
        result.update(f"✓ Uploaded. The console shows {same}:\n  {fingerprint}")
        result.remove_class("-error")
        self._uploaded_to = profile.client_id
        self.bring_into_view(result)
        self.query_one("#uploaded", Checkbox).value = True
        if fingerprint == local:  # the button was disabled while it worked: its focus had gone
            self.post_message(self.Finished())  # (to the box, which the next Enter unticked)

    async def accept(self) -> bool:
        if self.query_one("#uploaded", Checkbox).value:
            return True
        result = self.query_one("#upload-result", Static)
        result.update(TICK_FIRST)
        result.add_class("-error")
        self._reminded = True
        return False

    @on(Checkbox.Changed, "#uploaded")
    def _ticked(self, event: Checkbox.Changed) -> None:
        """Ticked: the reminder to tick is answered (an upload's own result stays)."""
        if event.value and self._reminded:
            self._reminded = False
            result = self.query_one("#upload-result", Static)
            result.update("")
            result.remove_class("-error")
