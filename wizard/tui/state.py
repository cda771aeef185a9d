"""WizardState: the one state every screen reads and writes, and the one place that saves.

The profile (non-secret fields) goes to the profile store the moment a value is accepted;
secrets go to the secret store. Nothing here imports Textual: it is tested on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from wizard.core.console import ManualConsole, SandboxConsole
from wizard.core.errors import SecretStoreError
from wizard.core.profile import Profile, ProfileStore
from wizard.core.secret_store import SANDBOX_SERVICE, SERVICE, MemoryBackend, SecretStore, store_for

SANDBOX_PROFILE = "sandbox"


@dataclass
class WizardState:
    profile: Profile
    profiles: ProfileStore
    secrets: SecretStore
    console: ManualConsole | SandboxConsole
    sandbox: object = None  # the in-process Sandbox when in sandbox mode
    session: dict[str, str] = field(default_factory=dict)  # secrets typed in this session
    stored: set[str] = field(default_factory=set)  # kinds known to be in the secret store
    memory_only: bool = False  # the sandbox's throwaway secrets, when no keyring is usable
    last_token: object = None  # the Token the test step got, for copy and countdown
    store_checked: bool = False
    notice: Callable[[str, str], None] = lambda title, message: None  # the app shows these

    @classmethod
    def open(cls, profile_name: str | None = None, sandbox=None,
             secrets: SecretStore | None = None, profiles: ProfileStore | None = None) -> WizardState:
        """The saved profile (or a new one), with the console and secret store for the mode."""
        profiles = profiles or ProfileStore()
        name = profile_name or (SANDBOX_PROFILE if sandbox else "default")
        profile = profiles.load(name)
        if sandbox is not None:
            # the sandbox listens on a new port each run; its integrations persist (--state)
            profile = profile.with_changes(ims_url=sandbox.ims_url, reactor_url=sandbox.reactor_url)
            console = SandboxConsole(sandbox.console_url)
        else:
            console = ManualConsole()
        service = SANDBOX_SERVICE if sandbox is not None else SERVICE
        secrets = secrets or store_for(profile.storage, service)
        return cls(profile, profiles, secrets, console, sandbox)

    # --- the profile ----------------------------------------------------------------------
    def update(self, **changes: object) -> Profile:
        """Validate and save `changes` at once; raises ConfigError and changes nothing if bad."""
        self.profile = self.profile.with_changes(**changes)
        self.profiles.save(self.profile)
        return self.profile

    def mark_done(self, step: str) -> None:
        if step not in self.profile.steps_done:
            self.update(steps_done=[*self.profile.steps_done, step])

    def set_auth_type(self, auth_type: str) -> None:
        if auth_type != self.profile.auth_type:
            self.update(auth_type=auth_type)

    # --- secrets (call these from a worker thread: the keyring may be slow) ----------------
    def check_store(self) -> None:
        """Find the secret store at first need, not at start-up: finding a keyring can take long.

        In sandbox mode an unusable keyring falls back to memory (with a notice); otherwise its
        SecretStoreError goes to the caller, which shows it where the secret was needed."""
        if self.store_checked:
            return
        kinds = ("client_secret", "private_key", "key_passphrase")
        try:
            self.stored = {k for k in kinds if self.secrets.get(self.profile.name, k) is not None}
        except SecretStoreError as exc:
            if self.sandbox is None:
                raise
            self.secrets = SecretStore(self.secrets.service, MemoryBackend())
            self.memory_only = True
            self.stored = set()
            self.notice("Secrets in memory", f"{exc.cause}: the sandbox's throwaway secrets stay "
                                             "in memory for this session.")
        self.store_checked = True

    def put_secret(self, kind: str, value: str) -> None:
        self.check_store()
        self.session[kind] = value
        self.secrets.set(self.profile.name, kind, value)
        self.stored.add(kind)

    def secret(self, kind: str) -> str | None:
        if kind in self.session:
            return self.session[kind]
        self.check_store()
        value = self.secrets.get(self.profile.name, kind)
        if value is not None:
            self.session[kind] = value
        return value

    # --- what the screens show --------------------------------------------------------------
    @property
    def mode(self) -> str:
        return "sandbox" if self.sandbox is not None else "Adobe"

    def storage_description(self) -> str:
        """Where secrets go; never opens the keyring itself (the UI thread calls this)."""
        if not self.store_checked:
            return "not opened yet: no secret was needed so far"
        try:
            return self.secrets.describe()
        except SecretStoreError as exc:
            return f"unavailable ({exc.cause})"
