"""Step 1: the credential type, the console's steps, and the organization ID.

In the sandbox, an OAuth Server-to-Server integration is created here with one button; a JWT
integration is created at the role step, with the role chosen there (as Adobe's form did).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Label, RadioSet, Static
from textual.worker import Worker, WorkerCancelled, WorkerFailed

from wizard.core.console import CREATE_STEPS, Capability, PersonDoes
from wizard.core.errors import WizardError
from wizard.core.profile import Profile
from wizard.core.vocabulary import AuthType
from wizard.tui.bindings import key
from wizard.tui.flow import StepId
from wizard.tui.steps.base import Step
from wizard.tui.widgets import Choice, Entry, Field, PathEntry, Plain

if TYPE_CHECKING:
    from textual.widgets import TextArea

    from wizard.core.interop import Imported
    from wizard.tui.paste_area import PasteArea

JWT_NOTE = ("Adobe stopped issuing JWT credentials in June 2024 and ended them in 2025; "
            "the sandbox still teaches this flow, and integrations that still have JWT can use it.")
S2S_CONSOLE = (
    "Choose OAuth Server-to-Server, then the product profiles that give it Launch rights.",
    "Save: the credential page shows the client ID, the client secret and the scopes.",
)
JWT_CONSOLE = (
    "Choose Service Account (JWT): the next steps here choose its role, then make and upload its "
    "certificate.",
    "Create Integration: the credential page shows the client ID, the client secret and the "
    "technical account ID.",
)


class OrganizationStep(Step):
    key = "organization"
    _pending: tuple[Imported, Profile] | None = None  # an import waiting for the user's yes
    _hinted = False  # the import result says how typed content is imported
    _tried_path = ""  # the import path last imported or tried: its result is on screen
    filling: Worker[None] | None = None  # the sandbox's organization being fetched: Next waits
    _switching: AuthType | None = None  # the type asked for, waiting for the user's yes

    def compose(self) -> ComposeResult:
        yield Label("Credential type")
        with RadioSet(id="auth-type"):
            yield Choice("OAuth Server-to-Server (recommended: works with Adobe today)",
                         id="auth-oauth-s2s")
            yield Choice("JWT service account (Adobe's original guide)", id="auth-jwt")
        yield Static(JWT_NOTE, id="jwt-note", classes="note")
        yield Button("Have the credential already? Import the JSON the console downloaded",
                     id="import-open", compact=True)
        yield Label("In the Adobe Developer Console:")
        yield Plain("", id="console-steps")
        yield Button("Create the integration in the sandbox", id="create-integration",
                     variant="primary")
        yield Plain("", id="created")
        yield Field("Organization ID", Entry(placeholder="0123456789ABCDEF01234567@AdobeOrg",
                                             id="org-id"),
                    "Shown in the console as Organization ID; it ends in @AdobeOrg.")

    def on_show_step(self) -> None:
        profile = self.state.profile
        self._no_switch_question()
        self.query_one(f"#auth-{profile.auth_type}", Choice).value = True
        self.set_value("org-id", profile.org_id)
        self._show_flow()
        if self.state.console.offers(Capability.FIND_ORGANIZATION) and profile.is_jwt \
                and not profile.org_id:
            self.filling = self.fill_organization()

    def _show_flow(self) -> None:
        jwt = self.state.profile.is_jwt
        sandbox = self.state.console.offers(Capability.CREATE_INTEGRATION)
        self.query_one("#jwt-note").display = jwt
        steps = [*CREATE_STEPS, *(JWT_CONSOLE if jwt else S2S_CONSOLE)]
        self.query_one("#console-steps", Static).update(
            "\n".join(f"{n}. {s}" for n, s in enumerate(steps, 1)))
        self.query_one("#create-integration").display = sandbox and not jwt
        created = self.query_one("#created", Static)
        if sandbox and jwt:
            created.update(f"The sandbox creates the integration at {self.step_ref('role')}, "
                           "with the role you choose there.")

    def default_focus(self) -> str:
        return "#auth-type"

    def first_focus(self) -> Widget | None:
        """A new profile starts at the top, where the first choice is."""
        if StepId.ORGANIZATION not in self.state.progress.done:
            return self.query_one("#auth-type")
        return super().first_focus()

    @on(RadioSet.Changed, "#auth-type")
    async def _auth_type(self, event: RadioSet.Changed) -> None:
        auth_type = AuthType((event.pressed.id or "").removeprefix("auth-"))
        profile = self.state.profile
        if auth_type == profile.auth_type:
            self._no_switch_question()  # chosen back (or kept): nothing to ask
            return
        if self.state.console.offers(Capability.CREATE_INTEGRATION) and profile.client_id:
            # the sandbox's integration is of one type: the other type leaves it behind, with
            # what was tested with it; an arrow and Enter on the choice must not do that unasked
            await self._ask_switch(auth_type)
            return
        self._switch(auth_type)

    def _no_switch_question(self) -> None:
        self._switching = None
        for asked in self.query("#switch-type"):
            asked.display = False

    async def _ask_switch(self, auth_type: AuthType) -> None:
        """Ask before switching to `auth_type`. The question is built when first asked: this
        step is the first frame's, and the question is seldom asked."""
        from wizard.core.wording import credential_type

        self._switching = auth_type
        if not self.query("#switch-type"):
            await self.mount(Vertical(Plain("", id="switch-question"),
                                      Horizontal(Button("", id="switch-keep", compact=True),
                                                 Button("", id="switch-yes", compact=True),
                                                 classes="row"),
                                      id="switch-type"), after="#auth-type")
        self.query_one("#switch-type").display = True
        profile = self.state.profile
        self.query_one("#switch-question", Static).update(
            f"Switch to {credential_type(auth_type)}? This profile's "
            f"{credential_type(profile.auth_type)} integration ({profile.client_id}) and what "
            "its test found would be left behind: the sandbox makes one integration per type, "
            "so a new one is made.")
        self.query_one("#switch-keep", Button).label = f"Keep {credential_type(profile.auth_type)}"
        self.query_one("#switch-yes", Button).label = f"Switch to {credential_type(auth_type)}"
        self.query_one("#switch-keep").focus()  # the safe answer, as the quit question's Stay

    @on(Button.Pressed, "#switch-keep")
    def _keep_type(self) -> None:
        self._no_switch_question()
        self.query_one(f"#auth-{self.state.profile.auth_type}", Choice).value = True
        self.query_one("#auth-type").focus()

    @on(Button.Pressed, "#switch-yes")
    def _switch_confirmed(self) -> None:
        auth_type = self._switching
        self._no_switch_question()
        if auth_type is not None:
            self._switch(auth_type)
            self.query_one("#auth-type").focus()

    def _switch(self, auth_type: AuthType) -> None:
        self.state.set_auth_type(auth_type)
        self.query_one("#created", Static).update("")
        self._show_flow()
        self.post_message(self.Changed())
        if self.state.console.offers(Capability.FIND_ORGANIZATION) and auth_type == AuthType.JWT \
                and not self.value("org-id"):
            self.filling = self.fill_organization()

    @on(Input.Changed, "#org-id")
    def _typed(self) -> None:
        self.report_dirty("org-id", self.state.profile.org_id)
        self._warn_org_id()

    def _warn_org_id(self) -> None:
        """Once an ID is whole (it ends in @AdobeOrg), say if its shape is not Adobe's."""
        from wizard.core.profile import org_id_warning, validate_field

        text, field = self.value("org-id").strip(), self.field_of("org-id")
        if not text.lower().endswith("@adobeorg"):
            if not field.invalid:
                field.show_warning("")
            return
        try:
            field.show_warning(org_id_warning(validate_field("org_id", text)))
        except WizardError:
            field.show_warning("")  # Next says what is wrong with it

    @on(Input.Submitted, "#org-id")
    def _submitted(self) -> None:
        self.post_message(self.Next())

    @on(Button.Pressed, "#import-open")
    async def _open_import(self, event: Button.Pressed) -> None:
        """The import panel, built when first asked for (step 1 is the first frame: keep it light)."""
        from wizard.tui.paste_area import PasteArea

        event.button.display = False
        panel = Vertical(
            Field("Downloaded JSON file", PathEntry(id="import-path",
                                                    placeholder="its path (Enter imports it)")),
            PasteArea(id="import-text", soft_wrap=True, tab_behavior="focus",
                      placeholder="…or paste the file's content here"),
            Plain("", id="import-result"),
            Button("Import it anyway", id="import-confirm", compact=True),
            id="import-panel")
        await self.mount(panel, after=event.button)
        self.query_one("#import-confirm").display = False
        self.query_one("#import-path", Entry).focus()
        self.bring_into_view(panel)

    @on(Input.Submitted, "#import-path")
    def _import_path(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if path:
            self._import_file(path)

    def _import_file(self, path: str) -> Worker[None]:
        self._tried_path = path
        return self.import_credential(path=path)

    def _untried_import_path(self) -> str:
        """A path typed in the import field and not imported yet ("" if none)."""
        if not self.query("#import-path"):
            return ""
        path = self.value("import-path").strip()
        return path if path != self._tried_path else ""

    def on_paste_area_arrived(self, event: PasteArea.Arrived) -> None:
        """A paste into the import box (PasteArea loads with the panel, not with step 1)."""
        if event.area.id != "import-text":
            return
        text = event.area.text
        if text.strip():
            event.area.load_text("")  # it holds a secret: off the screen at once
            self._import_pasted(text)

    @on(PathEntry.ContentPasted, "#import-path")
    def _pasted_as_path(self, event: PathEntry.ContentPasted) -> None:
        self._import_pasted(event.text)

    def _import_pasted(self, text: str) -> None:
        self._hinted = False  # no longer typed: the import says what comes of it
        self.query_one("#import-result", Static).update("")
        self.import_credential(text=text)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """Typed into the import box: kept there, and imported when the user says (Next)."""
        if event.text_area.id != "import-text":
            return
        typed = bool(event.text_area.text.strip())
        if typed or self._hinted:
            result = self.query_one("#import-result", Static)
            result.remove_class("-error")
            result.update(f"Next ({key('next')}) imports what you typed here." if typed else "")
        self._hinted = typed

    def _typed_import_text(self) -> str:
        """What is typed in the import box and not imported yet ("" if nothing)."""
        from wizard.tui.paste_area import PasteArea

        box = next(self.query("#import-text").results(PasteArea), None)
        return box.text if box is not None and box.text.strip() else ""

    @work(exclusive=True, group="import", exit_on_error=False)
    async def import_credential(self, path: str = "", text: str = "",
                                typed: bool = False) -> None:
        from wizard.core.interop import Origin, profile_from, read_credentials, read_text
        from wizard.tui.paste_area import PasteArea

        result = self.query_one("#import-result", Static)
        state = self.state
        self._pending = None
        self.query_one("#import-confirm").display = False
        created = self.query_one("#created", Static)
        if created.has_class("-error"):  # a failed create is old news once the user imports
            created.update("")
            created.remove_class("-error")

        origin = Origin.FILE if not text else Origin.TYPED if typed else Origin.PASTED

        def parse() -> tuple[Imported, Profile]:
            content = text or read_text(path, "the JSON file the Developer Console downloaded")
            imported = read_credentials(content, origin=origin)
            return imported, profile_from(imported, state.profile, origin)

        try:
            imported, profile = await asyncio.to_thread(parse)
        except WizardError as exc:
            self.show_failure(result, exc)  # what was typed stays, for the user to correct
            return
        if typed:
            self._hinted = False  # the box's emptying is no news: what the import says stays
            self.query_one("#import-text", PasteArea).load_text("")  # a secret: off the screen
        question = self._re_aims(profile, "This file" if origin is Origin.FILE else "This text")
        if question:  # the file would choose where the secret and tokens go: the user decides
            self._pending = (imported, profile)
            result.remove_class("-error")
            result.update(question)
            self.query_one("#import-confirm").display = True
            self.bring_into_view(result)
            return
        await self._take(imported, profile, endpoints=False)

    def _re_aims(self, profile: Profile, source: str) -> str:
        """What the import would re-aim, as a question; "" if nothing (the sandbox keeps its own
        hosts whatever a file says: its profile talks to the sandbox only)."""
        from wizard.core.interop import moved_endpoints
        from wizard.core.profile import LABELS

        state = self.state
        lines = [] if state.sandbox is not None else [
            f"  {LABELS[name]}: {getattr(state.profile, name)} -> {url}"
            for name, url in moved_endpoints(state.profile, profile).items()]
        if state.profile.client_id and profile.client_id != state.profile.client_id:
            lines.append(f"  client ID: {state.profile.client_id} -> {profile.client_id}")
        if not lines:
            return ""
        return (f"{source} would change where this profile's client secret and tokens go:\n"
                + "\n".join(lines) + "\nImport it only if you trust it to choose that; "
                "otherwise nothing changes.")

    @on(Button.Pressed, "#import-confirm")
    def _confirmed(self, event: Button.Pressed) -> None:
        event.button.display = False
        if self._pending is not None:
            imported, profile = self._pending
            self._pending = None
            self.take_import(imported, profile)

    @work(exclusive=True, group="import", exit_on_error=False)
    async def take_import(self, imported: Imported, profile: Profile) -> None:
        """The import the user said yes to (the sandbox's hosts stay the sandbox's)."""
        await self._take(imported, profile, endpoints=self.state.sandbox is None)

    async def _take(self, imported: Imported, profile: Profile, endpoints: bool) -> None:
        from wizard.core.profile import endpoint_warnings

        result = self.query_one("#import-result", Static)
        state = self.state
        try:
            await state.take(profile, imported.secrets, endpoints)
        except WizardError as exc:
            self.show_failure(result, exc)
            return
        result.remove_class("-error")
        self.query_one(f"#auth-{state.profile.auth_type}", Choice).value = True
        self.set_value("org-id", state.profile.org_id, force=True)
        self._show_flow()
        skipped = "".join(f"\n  skipped: {s}" for s in imported.skipped)
        hosts = "".join(f"\n  warning: {w}" for w in endpoint_warnings(
            state.profile, lambda name: "set by this import"))
        summary = (f"✓ Imported from {imported.source}: client ID {state.profile.client_id}, "
                   f"secrets kept in {state.storage_description()}.{skipped}{hosts}")
        result.update(summary)
        self.post_message(self.Changed())
        self.post_message(self.Resume(summary))

    def _clear_import_result(self) -> None:
        """A newer action on this step: what the last import said (and asked) is old news."""
        self._pending = None
        if self.query("#import-panel"):
            self.query_one("#import-result", Static).update("")
            self.query_one("#import-result").remove_class("-error")
            self.query_one("#import-confirm").display = False

    @on(Button.Pressed, "#create-integration")
    def _create(self, event: Button.Pressed) -> None:
        event.button.disabled = True
        self._clear_import_result()
        self.query_one("#created", Static).update("Creating the integration…")
        self.query_one("#created").remove_class("-error")
        self.create_integration()

    @work(exclusive=True, group="console", exit_on_error=False)
    async def fill_organization(self) -> None:
        """The sandbox has one organization: its ID is what a person would pick in the console."""
        try:
            found = await asyncio.to_thread(self.state.console.find_organization)
        except WizardError as exc:
            self.field_of("org-id").show_error(exc.cause)
            return
        if isinstance(found, PersonDoes):  # the console's steps are on screen already
            return
        org_id = found.value
        if org_id and not self.value("org-id"):
            self.state.update(org_id=org_id)
            self.set_value("org-id", org_id)

    @work(exclusive=True, group="console", exit_on_error=False)
    async def create_integration(self) -> None:
        state = self.state
        created = self.query_one("#created", Static)
        try:
            answer = await state.create_integration()
            if isinstance(answer, PersonDoes):
                return
            made = answer.value
        except WizardError as exc:
            self.show_failure(created, exc)
            return
        finally:
            self.query_one("#create-integration", Button).disabled = False
        created.remove_class("-error")
        self.set_value("org-id", made.org_id)
        self.field_of("org-id").show_error(None)
        # the button was disabled while it worked, which sent the focus back to the top: go on
        # from the ID it filled in (Enter there is Next)
        self.query_one("#org-id").focus(scroll_visible=False)
        created.update("\n".join([
            "✓ Created. The console now shows what you would copy:",
            f"  client ID (API key)  {made.client_id}",
            f"  client secret        saved in {state.storage_description()}",
        ]))
        self.bring_into_view(self.field_of("org-id"))  # just below what was created
        self.post_message(self.Changed())

    async def accept(self) -> bool:
        if self._switching is not None:  # the type shown is not the profile's yet: asked first
            self.query_one("#switch-keep").focus()
            return False
        if path := self._untried_import_path():
            # typed and never imported: Next imports it, as Enter there does (nothing typed is
            # dropped); the import says what came of it, and moves on when it filled the profile
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await self._import_file(path).wait()
            return False
        if text := self._typed_import_text():  # typed, not pasted: Next is the user's say-so
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await self.import_credential(text=text, typed=True).wait()
            return False
        if self.filling is not None and self.filling.is_running:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await self.filling.wait()
        if not self.save_field("org-id", "org_id", required=True):
            return False
        self.set_value("org-id", self.state.profile.org_id, force=True)  # as saved: hex in capitals
        self._warn_org_id()
        return True
