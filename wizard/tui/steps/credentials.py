"""Step 5: client ID, client secret, technical account, and the private key (or S2S scopes)."""

from __future__ import annotations

import asyncio

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static, Switch, TextArea

from wizard.core.errors import KeyFileError, WizardError
from wizard.core.keys import (PassphraseNeeded, cert_info, certificate_file, key_matches,
                              load_private_key, read_file)
from wizard.tui.steps.base import Step
from wizard.tui.widgets import Field

PASTE_HINT = "Paste the private key here (the whole file, BEGIN to END)."


def check_key(text: str, passphrase: str | None, certificate_path: str) -> str:
    """The engine's verdict on a key, as one line; raises KeyFileError with its message."""
    key = load_private_key(text, passphrase)
    verdict = f"✓ RSA {key.key_size} private key"
    if certificate_path:
        cert = certificate_file(certificate_path)
        if not key_matches(key, cert):
            raise KeyFileError("this key does not match the certificate from step 2 "
                               f"(SHA-1 {cert_info(cert).sha1})",
                               "use the key generated with that certificate")
        verdict += ", matches the certificate from step 2"
    return verdict


class CredentialsStep(Step):
    key = "credentials"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pending_key: str | None = None  # accepted key text, kept off the screen

    def compose(self) -> ComposeResult:
        yield Label("", classes="step-title")
        yield Field("Client ID (API key)", Input(id="client-id"),
                    "Adobe's console calls it both Client ID and API key: the same value.")
        yield Field("Client secret", Horizontal(Input(id="client-secret", password=True),
                                                Switch(id="reveal-secret"), Label("show"),
                                                classes="row"))
        with Vertical(id="jwt-part"):
            yield Field("Technical account ID", Input(id="tech-id"),
                        "Ends in @techacct.adobe.com.")
            yield Label("Private key", classes="field-label")
            with Horizontal(classes="row"):
                yield Button("Use the generated key", id="use-generated")
                yield Input(placeholder="or a key file path", id="key-file")
                yield Button("Load file", id="load-key")
            yield TextArea(id="key-text", soft_wrap=False, tab_behavior="focus",
                           placeholder=PASTE_HINT)
            yield Field("Key passphrase", Input(id="passphrase", password=True),
                        "The key is encrypted: type its passphrase.")
            yield Static("", id="key-status")
        with Vertical(id="s2s-part"):
            yield Field("Scopes", Input(id="scopes"),
                        "Comma-separated; Adobe's Launch list is the default.")

    def on_mount(self) -> None:
        self.field_of("passphrase").display = False

    def on_show_step(self) -> None:
        profile = self.state.profile
        jwt = profile.is_jwt
        self.query_one("#jwt-part").display = jwt
        self.query_one("#s2s-part").display = not jwt
        self.query_one("#client-id", Input).value = profile.client_id
        self.query_one("#tech-id", Input).value = profile.technical_account_id
        self.query_one("#scopes", Input).value = ",".join(profile.scopes)
        self.query_one("#use-generated").display = bool(profile.private_key_path)
        self.look_up_stored()

    @work(thread=True, exclusive=True, group="stored")
    def look_up_stored(self) -> None:
        """Which secrets the store already holds (finding the keyring may be slow)."""
        try:
            self.state.check_store()
        except WizardError as exc:
            self.app.call_from_thread(self.fail, exc)
            return
        self.app.call_from_thread(self._show_stored)

    def _show_stored(self) -> None:
        state = self.state
        secret = self.query_one("#client-secret", Input)
        secret.placeholder = ("saved: leave empty to keep it" if "client_secret" in state.stored
                              else "from the console's Credentials page")
        if "private_key" in state.stored and self.pending_key is None:
            self._status(f"✓ a private key is saved in {state.storage_description()}; "
                         "paste or load another to replace it")

    def first_focus(self) -> str:
        return "#client-id"

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#key-status", Static)
        status.update(f"[red]✗ {text}[/]" if error else text)
        status.set_class(error, "-error")
        self.call_after_refresh(status.scroll_visible, animate=False)

    # --- live validation ----------------------------------------------------------------------
    def on_switch_changed(self, event: Switch.Changed) -> None:
        if event.switch.id == "reveal-secret":
            self.query_one("#client-secret", Input).password = not event.value

    def on_input_changed(self, event: Input.Changed) -> None:
        saved = {"client-id": self.state.profile.client_id,
                 "tech-id": self.state.profile.technical_account_id}
        if event.input.id in saved:
            self.app.mark_unsaved(event.input.id, event.value != saved[event.input.id])
        elif event.input.id == "client-secret":
            self.app.mark_unsaved("client-secret", bool(event.value))
        elif event.input.id == "passphrase" and self.pending_key:
            self.validate_key(self.pending_key, event.value)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        text = event.text_area.text
        if "-----END" in text or (text.strip() and "-----BEGIN" not in text):
            # a whole paste: take it off the screen, keep it in memory, check it
            event.text_area.load_text("")
            self.take_key(text)
        elif text.strip():
            self._status("… keep pasting: no END line yet")

    def take_key(self, text: str) -> None:
        self.pending_key = text
        self.app.mark_unsaved("private key", True)
        self.validate_key(text, self.value("passphrase"))

    @work(thread=True, exclusive=True, group="key-check")
    def validate_key(self, text: str, passphrase: str) -> None:
        call = self.app.call_from_thread
        try:
            verdict = check_key(text, passphrase or None, self.state.profile.certificate_path)
        except PassphraseNeeded as exc:
            call(self._need_passphrase, str(exc))
            return
        except WizardError as exc:
            if "passphrase" in exc.cause:
                call(self.field_of("passphrase").show_error, str(exc))
            call(self._status, str(exc), True)
            return
        call(self.field_of("passphrase").show_error, None)
        call(self._status, verdict + " (saved when you press Next)")

    def _need_passphrase(self, message: str) -> None:
        field = self.field_of("passphrase")
        field.display = True
        field.show_error(message)
        self._status(message, True)
        self.call_after_refresh(self.query_one("#passphrase", Input).focus)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "use-generated":
            self.load_file(self.state.profile.private_key_path)
        elif event.button.id == "load-key":
            self.load_file(self.value("key-file").strip())

    def load_file(self, path: str) -> None:
        if not path:
            self._status("give the key file's path", True)
            return
        try:
            self.take_key(read_file(path, "private key"))
        except KeyFileError as exc:
            self._status(str(exc), True)

    # --- Next -----------------------------------------------------------------------------------
    async def accept(self) -> bool:
        state, profile = self.state, self.state.profile
        try:
            await asyncio.to_thread(state.check_store)
        except WizardError as exc:
            self.fail(exc)
            return False
        ok = self.save_field("client-id", "client_id", required="Client ID")
        if profile.is_jwt:
            ok = self.save_field("tech-id", "technical_account_id",
                                 required="Technical account ID") and ok
        else:
            ok = self.save_field("scopes", "scopes", required="Scopes") and ok
        secret = self.value("client-secret")
        secret_field = self.field_of("client-secret")
        if not secret and "client_secret" not in state.stored:
            secret_field.show_error("Client secret is required")
            ok = False
        else:
            secret_field.show_error(None)
        passphrase = self.value("passphrase")
        if profile.is_jwt:
            if self.pending_key is not None:
                try:
                    await asyncio.to_thread(check_key, self.pending_key, passphrase or None,
                                            profile.certificate_path)
                except WizardError as exc:
                    self._status(str(exc), True)
                    ok = False
            elif "private_key" not in state.stored:
                self._status("paste the private key, load its file, or use the generated one", True)
                ok = False
        if not ok:
            return False
        secrets = {"client_secret": secret, "private_key": self.pending_key,
                   "key_passphrase": passphrase if self.pending_key else None}
        try:
            for kind, value in secrets.items():
                if value:
                    await asyncio.to_thread(state.put_secret, kind, value)
        except WizardError as exc:
            self.fail(exc)
            return False
        self.query_one("#client-secret", Input).value = ""
        self.pending_key = None
        for name in ("client-secret", "private key"):
            self.app.mark_unsaved(name, False)
        self._show_stored()
        return True
