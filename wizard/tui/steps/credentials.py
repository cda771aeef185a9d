"""Credentials: client ID, client secret, the technical account; for JWT the private key (pasted,
loaded or the generated one); for OAuth Server-to-Server, the technical account's email (aio-cli
needs it) and the scopes.

A pasted key leaves the screen at once and is kept in memory until Next saves it; a key that
failed its check (or a paste cut short) keeps Next from going on with an older key.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import assert_never

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Static, Switch, TextArea
from textual.worker import Worker, WorkerCancelled, WorkerFailed

from wizard.core.console import Capability
from wizard.core.errors import ConfigError, KeyFileError, SecretStoreError
from wizard.core.keys import cert_info, read_file
from wizard.core.profile import token_fault
from wizard.core.vocabulary import SecretKind, Subject
from wizard.core.wording import sentence
from wizard.flows.key_check import Fault, check
from wizard.tui.paste_area import PasteArea
from wizard.tui.steps.base import Step
from wizard.tui.toggle import Toggle
from wizard.tui.widgets import Entry, Field, PathEntry, Plain

PASTE_HINT = "Paste the private key here (the whole file, BEGIN to END)."
S2S_RIGHTS = ("OAuth Server-to-Server has no role: its Launch rights come from the product "
              "profiles added to the credential in the console (Admin Console).")


class CredentialsStep(Step):
    key = "credentials"

    pending_key: str | None = None  # key text taken off the screen, saved on Next
    reading: Worker[None] | None = None  # a key file being read: Next waits for it
    key_error: str | None = None  # why the pending key cannot be used
    _secret_typed_for = ""  # the client ID of the integration the typed client secret is for
    _secret_dropped = False  # such a secret was cleared: said once the store has been asked

    def compose(self) -> ComposeResult:
        yield Field("Client ID (API key)", Entry(id="client-id"),
                    "Adobe's console calls it both Client ID and API key: the same value.")
        yield Field("Client secret", Horizontal(Entry(id="client-secret", password=True),
                                                Toggle("shown", "hidden", id="reveal-secret"),
                                                classes="row"))
        yield Field("Technical account ID", Entry(id="tech-id"), "Ends in @techacct.adobe.com.")
        yield Field("Technical account email", Entry(id="tech-email"),
                    "On the credential page too; aio-cli needs both.")
        with Vertical(id="jwt-part"):
            yield Field("Private key", Vertical(
                Horizontal(Button("Use the generated key", id="use-generated"),
                           PathEntry(placeholder="or a file path (Enter loads)", id="key-file"),
                           Button("Load file", id="load-key"), classes="row"),
                PasteArea(id="key-text", soft_wrap=False, tab_behavior="focus",
                          placeholder=PASTE_HINT)))
            yield Field("Key passphrase", Entry(id="passphrase", password=True),
                        "The key is encrypted: type its passphrase.")
            yield Plain("", id="key-status")
        with Vertical(id="s2s-part"):
            yield Field("Scopes", Entry(id="scopes"),
                        "Comma-separated; Adobe's Launch list is the default.")
            yield Static(S2S_RIGHTS, classes="note")

    def on_mount(self) -> None:
        self.field_of("passphrase").display = False

    def on_show_step(self) -> None:
        profile = self.state.profile
        jwt = profile.is_jwt
        self.query_one("#jwt-part").display = jwt
        self.query_one("#s2s-part").display = not jwt
        self.field_of("tech-email").display = not jwt
        self.set_value("client-id", profile.client_id)
        self.set_value("tech-id", profile.technical_account_id)
        self.set_value("tech-email", profile.technical_account_email)
        self.set_value("scopes", ",".join(profile.scopes))
        self.query_one("#use-generated").display = bool(profile.private_key_path)
        self.query_one("#reveal-secret", Switch).value = False  # shown only while asked, here
        self._drop_a_secret_typed_for_another_integration()
        self.look_up_stored()

    def _drop_a_secret_typed_for_another_integration(self) -> None:
        """A client secret typed, not saved, for the integration the sandbox has since replaced
        (created again, or of the other type): it is not this one's, and Next would save it."""
        secret = self.query_one("#client-secret", Entry)
        if secret.value and self._secret_typed_for != self.state.profile.client_id:
            secret.value = ""
            self._secret_dropped = True

    def default_focus(self) -> str:
        return "#client-id"

    def needs_attention(self, field: Field) -> Widget | None:
        """A stored client secret or private key counts as filled."""
        if field.label == "Client secret":
            empty = not self.value("client-secret") and not self.state.has_secret(SecretKind.CLIENT_SECRET)
            return self.query_one("#client-secret") if field.invalid or empty else None
        if field.label.startswith("Technical account") and not self.state.profile.is_jwt:
            return field.control if field.invalid else None  # optional: aio-cli needs them
        if field.label == "Private key":
            if self._key_ready():
                return None
            return self.query_one("#use-generated" if self.state.profile.private_key_path
                                  else "#key-file")
        return super().needs_attention(field)

    @work(exclusive=True, group="stored", exit_on_error=False)
    async def look_up_stored(self) -> None:
        """Which secrets the store already holds (finding the keyring may be slow)."""
        try:
            await self.state.ensure_store()
        except SecretStoreError as exc:
            # nothing is saved yet: where secrets go is asked when one would be (Next), once
            self.field_of("client-secret").show_warning(
                f"{sentence(exc.cause)} Next asks where this session's secrets go.")
            return
        # after the focus the app set when showing the step (Textual sets focus later, in order);
        # in one go with the placeholder, so that no frame shows "saved" with the focus still here
        self.app.call_later(self._show_stored_and_move_on)

    def _show_stored_and_move_on(self) -> None:
        self._show_stored()
        self._focus_past_a_stored_secret()

    def _focus_past_a_stored_secret(self) -> None:
        """Focus went to the secret before the store said it holds one: move on, untouched."""
        secret = self.query_one("#client-secret", Entry)
        if self.app.focused is secret and not secret.value:
            target = self.first_focus()
            if target is not None and target is not secret:
                target.focus()

    def _show_stored(self) -> None:
        state = self.state
        secret = self.query_one("#client-secret", Entry)
        stored = state.has_secret(SecretKind.CLIENT_SECRET)
        secret.placeholder = ("saved: leave empty to keep it" if stored
                              else "made by the sandbox: Next offers it back"
                              if self._sandbox_made_secret() else "from the console's Credentials page")
        if stored:  # recovered or saved since a Next said it was missing
            self.field_of("client-secret").show_error(None)
        if self._secret_dropped:
            self._secret_dropped = False
            self.field_of("client-secret").show_warning(
                "The client secret typed here was for the integration this profile no longer "
                "uses: it was cleared.")
        if state.has_secret(SecretKind.PRIVATE_KEY) and self.pending_key is None:
            self._status(f"✓ a private key is saved in {state.storage_description()}; "
                         "paste or load another to replace it", scroll=False)

    def _status(self, text: str, error: bool = False, scroll: bool = True) -> None:
        status = self.query_one("#key-status", Static)
        status.update(f"✗ {text}" if error else text)
        status.set_class(error, "-error")
        if scroll:
            self.bring_into_view(status)

    def _key_ready(self) -> bool:
        if self.pending_key is not None:
            return self.key_error is None
        return self.state.has_secret(SecretKind.PRIVATE_KEY)

    # --- what is typed -----------------------------------------------------------------------
    @on(Input.Changed, "#client-id")
    def _client_id(self) -> None:
        self.report_dirty("client-id", self.state.profile.client_id)

    @on(Input.Changed, "#tech-id")
    def _tech_id(self) -> None:
        self.report_dirty("tech-id", self.state.profile.technical_account_id)

    @on(Input.Changed, "#tech-email")
    def _tech_email(self) -> None:
        self.report_dirty("tech-email", self.state.profile.technical_account_email)

    @on(Input.Changed, "#scopes")
    def _scopes(self) -> None:
        self.report_dirty("scopes", ",".join(self.state.profile.scopes))

    @on(Input.Submitted, "#client-id, #client-secret, #tech-id, #tech-email, #scopes")
    def _submitted(self) -> None:
        self.post_message(self.Next())  # as on step 1: on to the next step, or what is missing

    @on(Input.Changed, "#client-secret")
    def _secret(self, event: Input.Changed) -> None:
        self._secret_typed_for = self.state.profile.client_id
        self.mark_dirty("client-secret", bool(event.value))

    @on(Switch.Changed, "#reveal-secret")
    def _reveal(self, event: Switch.Changed) -> None:
        self.query_one("#client-secret", Entry).password = not event.value

    @on(Input.Changed, "#passphrase")
    def _passphrase(self, event: Input.Changed) -> None:
        if self.pending_key is not None:
            self.validate_key(self.pending_key, event.value)

    @on(PasteArea.Arrived, "#key-text")
    def _pasted(self, event: PasteArea.Arrived) -> None:
        text = event.area.text
        if text.strip():
            event.area.load_text("")  # a key never stays on the screen, whole or in part
            self.take_key(text)

    @on(PathEntry.ContentPasted, "#key-file")
    def _pasted_as_path(self, event: PathEntry.ContentPasted) -> None:
        self.take_key(event.text)

    @on(TextArea.Changed, "#key-text")
    def _typed(self, event: TextArea.Changed) -> None:
        """Typed, a key at a time: kept in the box until Next checks it (a key is pasted whole);
        a verdict on what the box held before is no longer about it."""
        if event.text_area.text.strip():
            self.mark_dirty("key-text", True)
            if self.query_one("#key-status").has_class("-error"):
                self._status("Next checks what is typed here.", scroll=False)

    @on(Button.Pressed, "#use-generated")
    def _use_generated(self) -> None:
        self.load_file(self.state.profile.private_key_path)

    @on(Button.Pressed, "#load-key")
    @on(Input.Submitted, "#key-file")
    def _load(self) -> None:
        self.load_file(self.value("key-file").strip())

    def load_file(self, path: str) -> None:
        if not path:
            self._status("give the key file's path", error=True)
            return
        self.reading = self.read_key_file(path)

    @work(exclusive=True, group="key-file", exit_on_error=False)
    async def read_key_file(self, path: str) -> None:
        """Read in a thread (a slow disk or a path that is not a file never holds the screen)."""
        try:
            text = await asyncio.to_thread(read_file, path, "private key")
        except KeyFileError as exc:
            self._status(str(exc), error=True)
            return
        self.take_key(text)

    def take_key(self, text: str) -> None:
        self.pending_key = text
        self.key_error = "being checked"
        self.mark_dirty("key-text", True)
        self.validate_key(text, self.value("passphrase"))

    @work(exclusive=True, group="key-check", exit_on_error=False)
    async def validate_key(self, text: str, passphrase: str) -> None:
        self.key_error = await self._check(text, passphrase)

    async def _check(self, text: str, passphrase: str) -> str | None:
        """Check the key in a thread; show the verdict; the error, or None if it can be used."""
        certificate_path = self.state.profile.certificate_path
        checked = await asyncio.to_thread(check, text, passphrase or None, certificate_path)
        field = self.field_of("passphrase")
        where = self.step_ref("keys")
        match checked.fault:
            case Fault.PASSPHRASE_NEEDED | Fault.WRONG_PASSPHRASE:
                assert checked.error is not None
                field.display = True
                field.show_error(str(checked.error))
                self._status(checked.error.cause, error=True)
                if checked.fault is Fault.PASSPHRASE_NEEDED:
                    self.call_after_refresh(self.query_one("#passphrase").focus)
                return checked.error.cause
            case Fault.KEY | Fault.CERTIFICATE:
                assert checked.error is not None
                self._status(str(checked.error), error=True)
                return checked.error.cause
            case Fault.MISMATCH:
                assert checked.certificate is not None
                error = KeyFileError(f"this key does not match the certificate from {where} "
                                     f"(SHA-1 {cert_info(checked.certificate).sha1})",
                                     "use the key generated with that certificate",
                                     subject=Subject.PRIVATE_KEY)
                self._status(str(error), error=True)
                return error.cause
            case None | Fault.EXPIRED:  # an expired certificate is the Key step's news
                assert checked.key is not None
                field.show_error(None)
                matches = f", matches the certificate from {where}" if certificate_path else ""
                self._status(f"✓ RSA {checked.key.key_size} private key{matches} (saved when you press Next)")
                return None
            case _:
                assert_never(checked.fault)

    # --- Next -----------------------------------------------------------------------------------
    async def accept(self) -> bool:
        state, profile = self.state, self.state.profile
        try:
            await state.ensure_store()  # a SecretStoreError goes to the app: it asks, with the ways out
        finally:
            if (secret_field := self.field_of("client-secret")).has_class("-warned"):
                secret_field.show_warning("")  # the keyring's absence: asked now, or answered
        ok = self._save_fields()
        self._secret_typed_for = self.state.profile.client_id  # for the client ID just saved
        secret = self.value("client-secret").strip()  # a copy often takes a space beside it
        ok = self._client_secret_given(secret) and ok
        passphrase = self.value("passphrase")
        if profile.is_jwt:
            ok = await self._key_given(passphrase) and ok
        if not ok:
            return False
        await self._store_secrets(secret, passphrase)
        self._show_stored()
        return True

    def _save_fields(self) -> bool:
        """Each field of the credential saved that is valid; whether all were."""
        profile = self.state.profile
        ok = self.save_field("client-id", "client_id", required=True)
        ok = self.save_field("tech-id", "technical_account_id", required=profile.is_jwt) and ok
        if not profile.is_jwt:
            ok = self.save_field("tech-email", "technical_account_email") and ok
            ok = self.save_field("scopes", "scopes", required=True) and ok
        return ok

    def _client_secret_given(self, secret: str) -> bool:
        """Whether there is a client secret, typed or stored; its field says so when there is none."""
        secret_field = self.field_of("client-secret")
        if not secret and not self.state.has_secret(SecretKind.CLIENT_SECRET):
            secret_field.show_error("Client secret is required")
            if self._sandbox_made_secret():  # nobody can type it: the app offers it back
                self.post_message(self.Problem(ConfigError("Client secret is required",
                                                           subject=Subject.CLIENT_SECRET)))
            return False
        # a paste from a terminal may bring an escape sequence, a wrapped copy a line break
        wrong = token_fault("Client secret", secret, secret=True)
        secret_field.show_error(f"{wrong}: copy it again" if wrong else None)
        return wrong is None

    def _sandbox_made_secret(self) -> bool:
        """The client secret is one the sandbox made with the integration and never showed."""
        state = self.state
        return state.console.offers(Capability.RECOVER_SECRET) and bool(state.profile.client_id)

    async def _key_given(self, passphrase: str) -> bool:
        """Whether there is a private key that opens (once a file being read is in), or one stored."""
        if self.reading is not None and self.reading.is_running:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await self.reading.wait()
        box = self.query_one("#key-text", PasteArea)
        typed = box.text
        if typed.strip():  # typed into the box: newer than a key taken before it
            self.key_error = await self._check(typed, passphrase)
            if self.key_error is None:  # it leaves the screen once it is a key (else it stays)
                box.load_text("")
                self.pending_key = typed
            return self.key_error is None
        if self.pending_key is not None:
            self.key_error = await self._check(self.pending_key, passphrase)
            return self.key_error is None
        if not self.state.has_secret(SecretKind.PRIVATE_KEY):
            self._status("paste the private key, load its file, or use the generated one",
                         error=True)
            return False
        return True

    async def _store_secrets(self, secret: str, passphrase: str) -> None:
        """The secrets given, stored; their inputs emptied and no longer unsaved changes."""
        secrets = {SecretKind.CLIENT_SECRET: secret, SecretKind.PRIVATE_KEY: self.pending_key,
                   SecretKind.KEY_PASSPHRASE: passphrase if self.pending_key else None}
        for kind, value in secrets.items():
            if value:
                await self.state.put_secret(kind, value)
        self.query_one("#client-secret", Entry).value = ""
        self.pending_key = self.key_error = None
        for control_id in ("client-secret", "key-text"):
            self.mark_dirty(control_id, False)
