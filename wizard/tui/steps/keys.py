"""Step 2 (JWT): generate an RSA key and self-signed certificate, or use an existing pair."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, LoadingIndicator, RadioButton, RadioSet, Select, Static

from wizard.core.errors import KeyFileError, WizardError
from wizard.core.keys import (KEY_SIZES, PassphraseNeeded, cert_info, generate_pair,
                              certificate_file, key_matches, load_private_key, openssl_command,
                              read_file)
from wizard.core.profile import config_dir
from wizard.tui.steps.base import Step
from wizard.tui.widgets import Field


def describe_pair(key_path: Path, cert_path: Path, cert, bits: int) -> str:
    info = cert_info(cert)
    mode = oct(key_path.stat().st_mode & 0o777)[2:] if key_path.exists() else "?"
    return "\n".join([
        f"✓ private key  {key_path}  (RSA {bits}, mode {mode}: keep it safe)",
        f"✓ certificate  {cert_path}",
        "  SHA-1 fingerprint (compare it in the console):",
        f"    {info.sha1}",
        f"  expires            {info.not_after:%Y-%m-%d} ({info.days_left} days left)",
    ])


class KeysStep(Step):
    key = "keys"

    def compose(self) -> ComposeResult:
        yield Label("", classes="step-title")
        yield Static("Adobe checks the JWT's signature against a certificate you upload. "
                     "Make a new RSA key and self-signed certificate, or use the ones you have.")
        with RadioSet(id="key-source"):
            yield RadioButton("Generate a new key and certificate", id="source-new", value=True)
            yield RadioButton("Use an existing key and certificate", id="source-existing")
        with Vertical(id="generate"):
            with Horizontal(classes="row"):
                yield Field("Key size", Select([(f"RSA {b}", b) for b in KEY_SIZES], value=2048,
                                               allow_blank=False, id="bits"))
                yield Field("Days valid (at most 365)", Input("365", id="days", restrict=r"\d*",
                                                              max_length=3))
                yield Field("Common name", Input("launch-wizard", id="cn"))
            yield Field("Folder for the files", Input(id="out-dir"),
                        "private.key (0600) and adobe-io-public.crt; existing files are never overwritten")
            yield Button("Generate key and certificate", id="generate-button", variant="primary")
        with Vertical(id="existing"):
            yield Field("Private key file", Input(id="key-path", placeholder="private.key"))
            yield Field("Certificate file", Input(id="cert-path", placeholder="adobe-io-public.crt"))
            yield Field("Key passphrase", Input(id="existing-passphrase", password=True),
                        "Only for an encrypted key.")
            yield Button("Check the pair", id="check-button", variant="primary")
        yield LoadingIndicator(id="keys-busy")
        yield Static("", id="keys-result")
        yield Static("", id="openssl", classes="note")

    def on_mount(self) -> None:
        self.query_one("#keys-busy").display = False
        self.query_one("#existing").display = False
        self.field_of("existing-passphrase").display = False

    def on_show_step(self) -> None:
        profile = self.state.profile
        out = self.query_one("#out-dir", Input)
        if not out.value:
            out.value = str(config_dir() / "keys" / profile.name)
        self.query_one("#openssl", Static).update(f"Same as: {openssl_command()}")
        if profile.private_key_path and profile.certificate_path:
            self.query_one("#key-path", Input).value = profile.private_key_path
            self.query_one("#cert-path", Input).value = profile.certificate_path
            self.check_existing(quiet=True)

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        existing = event.pressed.id == "source-existing"
        self.query_one("#generate").display = not existing
        self.query_one("#existing").display = existing

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "generate-button":
            self.start_generate()
        elif event.button.id == "check-button":
            self.check_existing()

    def _busy(self, busy: bool) -> None:
        self.query_one("#keys-busy").display = busy
        for button in self.query(Button):
            button.disabled = busy

    def start_generate(self) -> None:
        days_text = self.value("days")
        days = int(days_text) if days_text.isdigit() else 0
        if not 1 <= days <= 365:
            self.field_of("days").show_error("1 to 365 days: Adobe refuses longer certificates")
            return
        self.field_of("days").show_error(None)
        if not self.value("out-dir").strip():
            self.field_of("out-dir").show_error("a folder is required")
            return
        self._busy(True)
        self.query_one("#keys-result", Static).update("Generating an RSA key… (a second or two)")
        bits = self.query_one("#bits", Select).value
        self.generate(int(bits), days, self.value("cn").strip() or "launch-wizard",
                      self.value("out-dir").strip())

    @work(thread=True, exclusive=True, group="keys")
    def generate(self, bits: int, days: int, cn: str, out_dir: str) -> None:
        try:
            pair = generate_pair(out_dir, bits, days, cn)
            self.state.update(private_key_path=str(pair.key_path), certificate_path=str(pair.cert_path))
            text = describe_pair(pair.key_path, pair.cert_path, pair.cert, bits)
        except WizardError as exc:
            self.app.call_from_thread(self._done, None, exc, "out-dir")
            return
        self.app.call_from_thread(self._done, text, None, None)

    def _done(self, text: str | None, error: WizardError | None, field_id: str | None) -> None:
        self._busy(False)
        result = self.query_one("#keys-result", Static)
        if error is not None:
            result.update("")
            self.fail(error, field_id)
            return
        if field_id is None:
            self.field_of("out-dir").show_error(None)
        result.update(text or "")
        self.bring_into_view("#keys-result")
        self.query_one("#key-path", Input).value = self.state.profile.private_key_path
        self.query_one("#cert-path", Input).value = self.state.profile.certificate_path

    def check_existing(self, quiet: bool = False) -> None:
        key_path, cert_path = self.value("key-path").strip(), self.value("cert-path").strip()
        for control, path in (("key-path", key_path), ("cert-path", cert_path)):
            if not path:
                if not quiet:
                    self.field_of(control).show_error("a file is required")
                return
        self.check_pair(key_path, cert_path, self.value("existing-passphrase"))

    @work(thread=True, exclusive=True, group="keys")
    def check_pair(self, key_path: str, cert_path: str, typed_passphrase: str) -> None:
        call = self.app.call_from_thread
        passphrase = typed_passphrase or self.state.secret("key_passphrase")
        try:
            key = load_private_key(read_file(key_path, "private key"), passphrase)
        except PassphraseNeeded as exc:
            call(self._need_passphrase, exc)
            return
        except KeyFileError as exc:
            call(self.field_of("key-path").show_error, str(exc))
            return
        call(self.field_of("key-path").show_error, None)
        try:
            cert = certificate_file(cert_path)
        except KeyFileError as exc:
            call(self.field_of("cert-path").show_error, str(exc))
            return
        if not key_matches(key, cert):
            call(self.field_of("cert-path").show_error,
                 "this certificate was not made with that key: give the pair made together")
            return
        if cert_info(cert).expired:
            call(self.field_of("cert-path").show_error,
                 "this certificate has expired: generate a new pair")
            return
        try:
            self.state.update(private_key_path=key_path, certificate_path=cert_path)
            if typed_passphrase:
                self.state.put_secret("key_passphrase", typed_passphrase)
        except WizardError as exc:
            call(self.fail, exc)
            return
        text = describe_pair(Path(self.state.profile.private_key_path),
                             Path(self.state.profile.certificate_path), cert, key.key_size)
        call(self._done, text, None, "cert-path")
        call(self.field_of("cert-path").show_error, None)

    def _need_passphrase(self, exc: WizardError) -> None:
        field = self.field_of("existing-passphrase")
        field.display = True
        field.show_error(str(exc))
        self.query_one("#existing-passphrase", Input).focus()

    def first_focus(self) -> str:
        return "#generate-button"

    async def accept(self) -> bool:
        profile = self.state.profile
        if profile.private_key_path and profile.certificate_path:
            return True
        self.app.notify("Generate a key and certificate, or check an existing pair, first.",
                        severity="warning")
        return False
