"""Key and certificate (JWT): generate an RSA key and self-signed certificate, or use a pair.

Next goes on only with a pair that passed its check: after a failed check it stays, even if an
older pair is saved.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, assert_never

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, LoadingIndicator, RadioSet, Select, Static

from wizard.core.errors import SecretStoreError, WizardError
from wizard.core.keys import KEY_SIZES, MAX_DAYS, cert_info, generate_pair, openssl_command
from wizard.core.profile import config_dir
from wizard.core.vocabulary import SecretKind
from wizard.flows.key_check import Fault, KeyCheck, Verdict, check_files
from wizard.tui.steps.base import Step
from wizard.tui.widgets import Choice, Entry, Field, Plain

if TYPE_CHECKING:
    from cryptography.x509 import Certificate


def describe_pair(key_path: Path, cert_path: Path, cert: Certificate, bits: int) -> str:
    info = cert_info(cert)
    mode = f"{key_path.stat().st_mode & 0o777:o}" if key_path.exists() else "?"
    return "\n".join([
        f"✓ private key  {key_path}  (RSA {bits}, mode {mode}: keep it safe)",
        f"✓ certificate  {cert_path}",
        "  SHA-1 fingerprint (compare it in the console):",
        f"    {info.sha1}",
        f"  expires            {info.not_after:%Y-%m-%d} ({info.days_left} days left)",
    ])


class KeysStep(Step):
    key = "keys"

    verdict = Verdict.UNCHECKED  # of the pair on screen

    def compose(self) -> ComposeResult:
        yield Static("Adobe checks the JWT's signature against a certificate you upload. "
                     "Make a new RSA key and self-signed certificate, or use the ones you have.")
        with RadioSet(id="key-source"):
            yield Choice("Generate a new key and certificate", id="source-new", value=True)
            yield Choice("Use an existing key and certificate", id="source-existing")
        with Vertical(id="generate"):
            with Horizontal(classes="row"):
                yield Field("Key size", Select([(f"RSA {b}", b) for b in KEY_SIZES], value=2048,
                                               allow_blank=False, id="bits"))
                yield Field("Days valid (at most 365)", Entry("365", id="days", restrict=r"\d*",
                                                              max_length=3))
                yield Field("Common name", Entry("launch-wizard", id="cn"))
            yield Field("Folder for the files", Entry(id="out-dir"),
                        "private.key (0600) and adobe-io-public.crt; existing files are never "
                        "overwritten. Enter generates.")
            yield Button("Generate key and certificate", id="generate-button", variant="primary")
        with Vertical(id="existing"):
            yield Field("Private key file", Entry(id="key-path", placeholder="private.key"))
            yield Field("Certificate file", Entry(id="cert-path", placeholder="adobe-io-public.crt"),
                        "Enter checks the pair.")
            yield Field("Key passphrase", Entry(id="existing-passphrase", password=True),
                        "Only for an encrypted key.")
            yield Button("Check the pair", id="check-button", variant="primary")
        yield LoadingIndicator(id="keys-busy")
        yield Plain("", id="keys-result")
        yield Static(f"Same as: {openssl_command()}", id="openssl", classes="note", markup=False)

    def on_mount(self) -> None:
        self.query_one("#keys-busy").display = False
        self.query_one("#existing").display = False
        self.field_of("existing-passphrase").display = False

    @property
    def existing(self) -> bool:
        return bool(self.query_one("#source-existing", Choice).value)

    def on_show_step(self) -> None:
        profile = self.state.profile
        if not self.value("out-dir"):
            self.set_value("out-dir", str(config_dir() / "keys" / profile.name))
        if profile.private_key_path and profile.certificate_path and self.verdict is Verdict.UNCHECKED:
            self.set_value("key-path", profile.private_key_path)
            self.set_value("cert-path", profile.certificate_path)
            self.check_pair(quiet=True)

    def default_focus(self) -> str:
        return "#check-button" if self.existing else "#generate-button"

    @on(RadioSet.Changed, "#key-source")
    def _source(self) -> None:
        self.query_one("#generate").display = not self.existing
        self.query_one("#openssl").display = not self.existing  # what generating does, in openssl
        self.query_one("#existing").display = self.existing

    @on(Select.Changed, "#bits")
    @on(Input.Changed, "#days")
    def _openssl(self) -> None:
        """The openssl command for the size and days chosen."""
        bits, days = self.query_one("#bits", Select).value, self.value("days")
        # days Generate would refuse (0, 999) show the nearest it takes
        shown_days = min(max(int(days), 1), MAX_DAYS) if days.isdigit() else MAX_DAYS
        self.query_one("#openssl", Static).update("Same as: " + openssl_command(
            bits if isinstance(bits, int) else 2048, shown_days))

    @on(Button.Pressed, "#generate-button")
    @on(Input.Submitted, "#out-dir, #days, #cn")
    def _generate(self) -> None:
        self.start_generate()

    @on(Button.Pressed, "#check-button")
    @on(Input.Submitted, "#key-path, #cert-path, #existing-passphrase")
    def _check(self) -> None:
        self.check_pair(pressed=True)

    @on(Input.Changed, "#key-path, #cert-path")
    def _paths_typed(self) -> None:
        self.verdict = Verdict.UNCHECKED if self.verdict is Verdict.OK else self.verdict
        profile = self.state.profile
        self.report_dirty("key-path", profile.private_key_path)
        self.report_dirty("cert-path", profile.certificate_path)

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
        bits = self.query_one("#bits", Select).value
        self.generate(int(bits) if isinstance(bits, int) else 2048, days,
                      self.value("cn").strip() or "launch-wizard", self.value("out-dir").strip())

    @work(exclusive=True, group="keys", exit_on_error=False)
    async def generate(self, bits: int, days: int, cn: str, out_dir: str) -> None:
        self._busy(True)
        self._result("Generating an RSA key… (a second or two)")
        try:
            pair = await asyncio.to_thread(generate_pair, out_dir, bits, days, cn)
            text = await asyncio.to_thread(describe_pair, pair.key_path, pair.cert_path, pair.cert, bits)
        except WizardError as exc:
            self._result("")
            self.field_of("out-dir").show_error(str(exc))
            return
        finally:
            self._busy(False)
        self.field_of("out-dir").show_error(None)
        self.state.update(private_key_path=str(pair.key_path), certificate_path=str(pair.cert_path))
        self.verdict = Verdict.OK
        self.set_value("key-path", str(pair.key_path), force=True)
        self.set_value("cert-path", str(pair.cert_path), force=True)
        self._result(text)
        self.bring_into_view(self.query_one("#keys-result"))
        self.post_message(self.Changed())
        self.post_message(self.Finished())

    @work(exclusive=True, group="keys", exit_on_error=False)
    async def check_pair(self, quiet: bool = False, pressed: bool = False) -> bool:
        """`pressed`: Check was pressed, so a good pair sends the keyboard on to Next."""
        good = await self._check_pair(quiet)
        if good and pressed:
            self.post_message(self.Finished())
        return good

    async def _check_pair(self, quiet: bool = False) -> bool:
        """Check the key and certificate on screen; save them only if they are a good pair."""
        key_path, cert_path = self.value("key-path").strip(), self.value("cert-path").strip()
        key_field, cert_field = self.field_of("key-path"), self.field_of("cert-path")
        for field, path in ((key_field, key_path), (cert_field, cert_path)):
            field.show_error(None if path or quiet else "a file is required")
        if not (key_path and cert_path):
            return False
        typed = self.value("existing-passphrase")
        try:
            passphrase = typed or await self.state.secret(SecretKind.KEY_PASSPHRASE)
        except SecretStoreError as exc:
            self.post_message(self.Problem(exc))
            return False
        self._busy(True)
        try:
            checked = await asyncio.to_thread(check_files, key_path, cert_path, passphrase)
        finally:
            self._busy(False)
        if not self._show_check(checked):
            return self._failed()
        key, cert = checked.key, checked.certificate
        assert key is not None and cert is not None
        try:
            self.state.update(private_key_path=key_path, certificate_path=cert_path)
            if typed:
                await self.state.put_secret(SecretKind.KEY_PASSPHRASE, typed)
        except SecretStoreError as exc:
            self.post_message(self.Problem(exc))
            return False
        except WizardError as exc:
            key_field.show_error(str(exc))
            return self._failed()
        profile = self.state.profile
        self.report_dirty("key-path", profile.private_key_path)
        self.report_dirty("cert-path", profile.certificate_path)
        self._result(await asyncio.to_thread(describe_pair, Path(profile.private_key_path),
                                             Path(profile.certificate_path), cert, key.key_size))
        self.verdict = Verdict.OK
        self.bring_into_view(self.query_one("#keys-result"))
        self.post_message(self.Changed())
        return True

    def _show_check(self, checked: KeyCheck) -> bool:
        """The check's verdict at the field to correct; whether the pair passed."""
        key_field, cert_field = self.field_of("key-path"), self.field_of("cert-path")
        passphrase_field = self.field_of("existing-passphrase")
        error = str(checked.error) if checked.error is not None else None
        if checked.key is not None:  # it opened: neither the key nor its passphrase is at fault
            key_field.show_error(None)
            passphrase_field.show_error(None)
        match checked.fault:
            case Fault.PASSPHRASE_NEEDED:
                passphrase_field.display = True
                passphrase_field.show_error(error)
            case Fault.WRONG_PASSPHRASE:
                passphrase_field.show_error(error)
            case Fault.KEY:
                key_field.show_error(error)
            case Fault.CERTIFICATE:
                cert_field.show_error(error)
            case Fault.MISMATCH:
                cert_field.show_error("this certificate was not made with that key: give the pair "
                                      "made together")
            case Fault.EXPIRED:
                cert_field.show_error("this certificate has expired: generate a new pair")
            case None:
                cert_field.show_error(None)
                return True
            case _:
                assert_never(checked.fault)
        return False

    def _failed(self) -> bool:
        self.verdict = Verdict.FAILED
        self._result("")  # no older pair's description may stand beside a failed check
        return False

    async def accept(self) -> bool:
        profile = self.state.profile
        typed = (self.value("key-path").strip(), self.value("cert-path").strip())
        if self.existing and (self.verdict is not Verdict.OK or typed != (profile.private_key_path,
                                                               profile.certificate_path)):
            return await self._check_pair()
        if self.verdict is Verdict.FAILED:
            self._result("✗ The pair checked last was refused: check another pair or generate a "
                         "new one.", error=True)
            return False
        if profile.private_key_path and profile.certificate_path:
            return True
        self._result("✗ Generate a key and certificate, or check an existing pair, first.", error=True)
        return False

    def _result(self, text: str, error: bool = False) -> None:
        result = self.query_one("#keys-result", Static)
        result.update(text)
        result.set_class(error, "-error")
