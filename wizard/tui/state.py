"""WizardState: the one state every step reads and writes, and the one place that saves.

It is built on the session (`wizard.flows.session`): the profile, where profiles are saved, the
secret store and the one order secrets are found in are the session's; the wizard adds what it
learns as the person goes (secrets typed, steps done, the last test).

The UI thread owns it. Workers compute (network, keyring, key generation, file checks) and hand
their results back; only then are they applied here. The profile (non-secret fields) is saved the
moment a value is accepted; secrets go to the secret store. Nothing here imports Textual, so it is
tested on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wizard.core.errors import ConfigError, SecretStoreError, WizardError
from wizard.core.profile import (
    CREDENTIAL_FIELDS,
    DEFAULT_PROFILE,
    ENDPOINTS,
    Profile,
    ProfileStore,
)
from wizard.core.secret_store import (
    SANDBOX_PROFILE,
    SANDBOX_SERVICE,
    MemoryBackend,
    SecretStore,
    store_for,
)
from wizard.core.vocabulary import AuthType, SecretKind, Subject
from wizard.flows.session import Session
from wizard.tui.flow import PROGRESS_KEY, Progress, StepId, stale_after
from wizard.tui.opening import opening

if TYPE_CHECKING:  # the console, IMS and Reactor modules load when first used, not at start
    from wizard.core.console import Answer, Console, Credentials
    from wizard.core.ims import Token
    from wizard.core.reactor import Properties
    from wizard.core.tokens import TokenResult
    from wizard.flows.credential_test import Passed
    from wizard.sandbox import Sandbox

def sandbox_profile(profiles: ProfileStore, name: str | None = None) -> str:
    """The profile the sandbox opens: its own, or `name` if the sandbox made it or no profile has
    that name yet. Any other is refused: the sandbox would point it at itself and replace its
    secrets with throwaway ones."""
    name = name or SANDBOX_PROFILE
    if profiles.exists(name) and profiles.load(name).keyring_service != SANDBOX_SERVICE:
        fix = ("leave out --profile: the sandbox has a profile of its own" if name != SANDBOX_PROFILE
               else "give the sandbox a profile of its own: --sandbox --profile sandbox-2")
        raise ConfigError(f"profile {name!r} is not one the sandbox made: the sandbox never opens "
                          "it (it would change its URLs and replace its secrets)",
                          f"{fix} (or a name no profile has yet)", subject=Subject.PROFILE)
    return name


@dataclass
class TestResult:
    token: Token
    survey: list[Properties]  # each company the token sees, with its properties


@dataclass
class WizardState:
    base: Session  # the session it is built on; no environment: no LAUNCH_WIZARD_* field nor secret
    console: Console
    sandbox: Sandbox | None = None
    session: dict[SecretKind, str] = field(default_factory=dict)  # secrets known in this session
    stored: set[SecretKind] = field(default_factory=set)  # kinds known to be in the secret store
    store_ready: bool = False  # the store was reached (or replaced) at least once
    memory_only: bool = False  # secrets kept for this session only
    fresh: bool = False  # the profile was new: keyring entries under its name are someone else's
    last_token: Token | None = None  # the token of the last test or copy
    last_test: TestResult | None = None  # what the last passing test saw, this session
    # called (on the UI thread) when the sandbox's secrets fall back to memory, with the reason
    on_memory_fallback: Callable[[str], None] = lambda reason: None
    _store_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # the profile as saved when last read or written: `update` saves only what differs from it
    _saved: Profile | None = None
    opened_why: str = ""  # why it opens where it does, when no progress record says
    # a test result was on record when the profile was opened (the sandbox's port, new each run,
    # clears it from the profile at once)
    tested_before: bool = False
    _done: tuple[StepId, ...] = ()  # the steps done, as saved beside the profile (the progress record)

    @classmethod
    def open(cls, profile_name: str | None = None, sandbox: Sandbox | None = None,
             secrets: SecretStore | None = None, profiles: ProfileStore | None = None) -> WizardState:
        """The saved profile (or a new one), with the console and secret store for the mode.

        Blocking (reads the profile file): call it before the app has a state, off the UI thread."""
        from wizard.core.console import ManualConsole, SandboxConsole

        profiles = profiles or ProfileStore()
        if sandbox is not None:
            name = sandbox_profile(profiles, profile_name)
        else:
            name = profile_name or DEFAULT_PROFILE
        session = Session.load(name, environ={}, profiles=profiles)
        profile = saved = session.profile
        console: Console = ManualConsole()
        if sandbox is not None:
            # the sandbox listens on a new port each run; its integrations persist (--state)
            profile = profile.with_changes(ims_url=sandbox.ims_url, reactor_url=sandbox.reactor_url,
                                           keyring_service=SANDBOX_SERVICE)
            console = SandboxConsole(sandbox.console_url)
        store = secrets or store_for(profile.storage, profile.keyring_service)
        if secrets is not None and secrets.service != profile.keyring_service:
            profile = profile.with_changes(keyring_service=secrets.service)
        session.profile, session.store = profile, store
        progress, opened_why = opening(profiles, saved)
        return cls(session, console, sandbox, fresh=not profiles.exists(name), _saved=saved,
                   _done=progress.done, opened_why=opened_why,
                   tested_before=bool(saved.last_test or saved.last_failure))

    def sandbox_serves(self) -> None:
        """The sandbox serves: the ports it listens on this run are saved at once, where the
        saved profile has others (the commands the Done step shows read the file). Not on
        opening: that write would come before the first frame."""
        saved = self._saved
        if self.sandbox is None or self.fresh or saved is None or not self.profile.changes_from(saved):
            return
        with contextlib.suppress(WizardError):  # unwritable: the first save says so
            self.update()

    # --- the session it is built on ---------------------------------------------------------
    @property
    def profile(self) -> Profile:
        return self.base.profile

    @profile.setter
    def profile(self, profile: Profile) -> None:
        self.base.profile = profile

    @property
    def profiles(self) -> ProfileStore:
        return self.base.profiles

    @property
    def secrets(self) -> SecretStore:
        return self.base.store

    @secrets.setter
    def secrets(self, store: SecretStore) -> None:
        self.base.store = store

    # --- the profile ----------------------------------------------------------------------
    def update(self, **changes: object) -> set[str]:
        """Validate and save `changes`; raises ConfigError and changes nothing if one is bad.

        Returns the fields whose value changed; what they made stale loses its mark, in the
        same save."""
        return self._save(changes, None)

    def save_progress(self, progress: Progress, **changes: object) -> None:
        """Save the progress record as `progress` says, with `changes` (as `update`'s)."""
        self._save(changes, progress)

    def _save(self, changes: Mapping[str, object], progress: Progress | None) -> set[str]:
        new = self.profile.with_changes(**changes)
        changed = {k for k in changes if getattr(new, k) != getattr(self.profile, k)}
        stale = stale_after(changed)
        done = (progress if progress is not None else self.progress.without(stale)).saved()
        # only what changed here: a newer value another process saved in the other fields (a
        # last test run from the command line) stays, and comes back into the state
        base = self._saved or Profile(name=new.name)
        records = {PROGRESS_KEY: done} if tuple(done) != self._done else {}
        self.profile = self.profiles.update(new.name, new.changes_from(base), records=records) or new
        self._saved = self.profile
        self._done = Progress.load(self.profiles, self.profile).done
        if "test" in stale:
            self.forget_test()
        return changed

    def mark_done(self, step: str) -> None:
        if step not in self.progress.done:
            self.save_progress(self.progress.marked(step))

    def unmark(self, steps: Iterable[str]) -> None:
        kept = self.progress.without(steps)
        if kept != self.progress:
            self.save_progress(kept)

    def set_auth_type(self, auth_type: AuthType) -> None:
        changes: dict[str, object] = {"auth_type": auth_type}
        from wizard.core.console import Capability

        if self.console.offers(Capability.CREATE_INTEGRATION) and auth_type != self.profile.auth_type:
            # a sandbox integration is of one type: a new type needs a new integration
            changes.update(client_id="", technical_account_id="", technical_account_email="")
            self.session.pop(SecretKind.CLIENT_SECRET, None)
            self.stored.discard(SecretKind.CLIENT_SECRET)
        self.update(**changes)

    async def create_integration(self, role: str = "") -> Answer[Credentials]:
        """An integration of the profile's type made in the (sandbox) console, and adopted; or
        what a person does to make it (the console is Adobe's)."""
        from wizard.core.console import Done

        made = await asyncio.to_thread(self.console.create, "launch-wizard",
                                       self.profile.auth_type, role)
        if isinstance(made, Done):
            await self.adopt(made.value)
        return made

    async def adopt(self, made: Credentials) -> None:
        """What the (sandbox) console shows after creating or finding an integration: its fields
        into the profile, its client secret into the store."""
        self.update(org_id=made.org_id, client_id=made.client_id,
                    technical_account_id=made.technical_account_id,
                    technical_account_email=made.technical_account_email, metascopes=[])
        await self.put_secret(SecretKind.CLIENT_SECRET, made.client_secret)

    async def take(self, profile: Profile, secrets: Mapping[SecretKind, str],
                   endpoints: bool = False) -> None:
        """A credential imported whole (a console download): its fields, its secrets, and the
        steps it completes, so the wizard goes on at the first step still open. Its IMS and
        Launch API URLs only with `endpoints` (the user said the file may choose them)."""
        fields = (*CREDENTIAL_FIELDS, *(ENDPOINTS if endpoints else ()))
        self.update(**{name: getattr(profile, name) for name in fields})
        for kind, value in secrets.items():
            await self.put_secret(kind, value)
        done = [StepId.ORGANIZATION]
        if not self.missing_secrets() and not self.profile.missing_for_token():
            done.append(StepId.CREDENTIALS)
        done += self.progress.done
        self.save_progress(Progress.of(self.profile.auth_type, [s for s in self.steps if s in done]))

    @property
    def tested(self) -> bool:
        """Whether a test of this profile ever left a result (passed or failed): only then is
        there a test to run again, or a result that no longer holds."""
        return self.tested_before or bool(self.profile.last_test or self.profile.last_failure)

    def forget_test(self) -> None:
        self.last_token = None
        self.last_test = None

    def token_issued(self, result: TokenResult) -> None:
        """A token came: what its exchange learned (the metascope IMS took) is kept."""
        if result.profile_changed:
            self.update(metascopes=result.profile.metascopes)

    def test_passed(self, passed: Passed) -> None:
        """The Test step's check passed: its token and what it saw kept, the step done."""
        from wizard.core.reactor import remembered

        self.last_token = passed.token
        self.last_test = TestResult(passed.token, passed.survey)
        self.update(**remembered(passed.survey))
        self.mark_done(StepId.TEST)

    # --- the flow -------------------------------------------------------------------------
    @property
    def progress(self) -> Progress:
        """The wizard's progress record, as saved."""
        return Progress.of(self.profile.auth_type, self._done)

    @property
    def steps(self) -> tuple[StepId, ...]:
        return self.progress.steps

    def number(self, step: str) -> int:
        return self.progress.number(step)

    @property
    def mode(self) -> str:
        return "sandbox" if self.sandbox is not None else "Adobe"

    # --- secrets: the keyring may be slow or hang, so its calls run in a thread -------------
    async def ensure_store(self) -> None:
        """Reach the secret store at first need, not at start-up (finding a keyring can take long).

        Raises SecretStoreError if it cannot be used; the caller offers the ways out
        (`use_memory`, `use_plaintext_file`)."""
        async with self._store_lock:
            if self.store_ready:
                return
            store, name, fresh, session = self.secrets, self.profile.name, self.fresh, set(self.session)

            def probe() -> set[SecretKind]:
                found = {k for k in SecretKind if store.get(name, k) is not None}
                if fresh:  # left by a deleted profile of the same name: no front door may use them
                    for kind in [*(found - session), "token"]:
                        store.delete(name, kind)
                    found &= session
                return found

            try:
                found = await asyncio.to_thread(probe)
            except SecretStoreError as exc:
                if self.sandbox is None:
                    raise
                self.use_memory()  # the sandbox's secrets are throwaway: memory will do
                self.on_memory_fallback(exc.cause)
                return
            if store is self.secrets:  # the user did not switch stores meanwhile
                self.stored = found
                self.store_ready = True
                self.fresh = False

    async def put_secret(self, kind: SecretKind, value: str) -> None:
        await self.ensure_store()
        store, name = self.secrets, self.profile.name
        await asyncio.to_thread(store.set, name, kind, value)
        changed = self.session.get(kind) != value
        self.session[kind] = value
        self.stored.add(kind)
        if changed:
            stale = stale_after([kind])
            self.unmark(stale)
            if StepId.TEST in stale:
                self.forget_test()

    async def secret(self, kind: SecretKind) -> str | None:
        """A secret typed or read in this session, else the store's (asked only for what it was
        found to hold: a keyring call can be slow). The key file is not read here."""
        if kind in self.session:
            return self.session[kind]
        await self.ensure_store()
        if kind not in self.stored:
            return None
        source, profile = self.base.secrets(), self.profile
        found = await asyncio.to_thread(source.find, profile.with_changes(private_key_path=""), kind)
        if found is None:
            return None
        self.session[kind] = found.value
        return found.value

    async def token(self, refresh: bool = False,
                    on_signed: Callable[[dict[str, Any]], None] | None = None) -> TokenResult:
        """A token for the profile, its secrets found as the session finds them (never the
        environment's); from the cache unless `refresh`. Off the UI thread."""
        from wizard.core.tokens import get_token

        await self.ensure_store()
        profile, store, source = self.profile, self.secrets, self.base.secrets()
        return await asyncio.to_thread(get_token, profile, store, refresh=refresh, on_signed=on_signed,
                                       secrets=source)

    def has_secret(self, kind: SecretKind) -> bool:
        return kind in self.session or kind in self.stored

    def missing_secrets(self) -> list[SecretKind]:
        """The secrets this profile's flow needs that neither the store nor this session holds
        (a private key read from its file is not missing)."""
        from_file = {SecretKind.PRIVATE_KEY} if self.profile.private_key_path else set()
        return [kind for kind in self.profile.needed_secrets()
                if kind not in from_file and not self.has_secret(kind)]

    def use_memory(self) -> None:
        """Keep secrets for this session only (no keyring, and the user chose not to write them)."""
        self.secrets = SecretStore(self.profile.keyring_service, MemoryBackend())
        self.memory_only = True
        self.stored = set(self.session)
        self.store_ready = True

    @property
    def forgets_on_quit(self) -> bool:
        """Quitting loses secrets for good: held in memory only, and no sandbox to give them back."""
        return self.memory_only and bool(self.session) and self.sandbox is None

    def use_plaintext_file(self) -> None:
        """The explicit, opt-in plaintext store (0600), as `configure --insecure-storage`."""
        self.update(storage="file")
        self.secrets = store_for("file", self.profile.keyring_service)
        self.memory_only = False
        self.store_ready = False

    def storage_description(self) -> str:
        """Where secrets go; never opens the keyring itself (the UI thread calls this)."""
        if self.memory_only:
            return "memory: this session only (no keyring was usable)"
        if not self.store_ready or not self.secrets.found:
            return "not opened yet: no secret was needed so far"
        try:
            return self.secrets.describe()
        except SecretStoreError as exc:
            return f"unavailable ({exc.cause})"
