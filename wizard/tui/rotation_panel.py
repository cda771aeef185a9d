"""The Done step's offer to rotate the client secret, where the I/O Management API can do it:
the rotation flow in a worker, each of its events a line here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Static

from wizard.core.errors import WizardError
from wizard.core.io_management import base_url, missing_scopes
from wizard.core.vocabulary import SecretKind
from wizard.flows.rotation import RotationEvent, in_words
from wizard.tui.widgets import Plain

if TYPE_CHECKING:
    from collections.abc import Mapping

    from wizard.core.profile import Profile
    from wizard.core.secret_source import SecretSource
    from wizard.core.secret_store import SecretStore
    from wizard.tui.state import WizardState

ROTATE_NOTE = ("Rotate the client secret: a new one is added through the I/O Management API, "
               "tried, and switched to; then the old one is deleted.")


def can_rotate(profile: Profile) -> bool:
    """Whether the I/O Management API could rotate this profile's secret (no request made)."""
    return (not profile.is_jwt and bool(profile.credential_id) and not missing_scopes(profile)
            and base_url(profile) is not None)


class RotationPanel(Vertical):
    """Hidden unless `show` finds the rotation possible."""

    def __init__(self, state: WizardState, **kwargs: Any) -> None:
        super().__init__(id="rotate-panel", **kwargs)
        self.state = state

    def compose(self) -> ComposeResult:
        yield Static(ROTATE_NOTE, classes="note")
        yield Button("Rotate the client secret", id="rotate-secret")
        yield Plain("", id="rotate-result")

    def show(self) -> None:
        """Shown where the rotation is possible for the profile as it is now."""
        self.display = can_rotate(self.state.profile) and not self.state.memory_only

    @on(Button.Pressed, "#rotate-secret")
    def _pressed(self) -> None:
        self.query_one("#rotate-secret", Button).disabled = True
        self.query_one("#rotate-result", Static).update("Rotating…")
        self.rotate(self.state.profile, self.state.secrets, self.state.base.secrets())

    @work(thread=True, exclusive=True, group="rotate", exit_on_error=False)
    def rotate(self, profile: Profile, store: SecretStore, secrets: SecretSource) -> None:
        """`secrets`: the wizard's own (never the environment's), for the API's token."""
        from wizard.flows.rotation import Rotation, Unavailable, needs_steps, rotate, secrets_at

        lines: list[str] = []

        def report(event: RotationEvent) -> None:
            lines.append(in_words(event))
            self.app.call_from_thread(self._show, lines[:], False)

        try:
            at = secrets_at(profile, store, secrets=secrets)
            if isinstance(at, Unavailable):
                raise needs_steps(at, profile)
            # a secret the keyring refuses is deleted again, never shown: this screen may be recorded
            rotate(Rotation(profile, store, self._save, report, lambda new: False), at)
        except WizardError as exc:
            lines.append(f"✗ {exc}")
            self.app.call_from_thread(self._show, lines, True)

    def _save(self, profile: Profile, secrets: Mapping[SecretKind, str], changes: Mapping[str, Any]) -> str:
        """The switch, from the worker: the secrets into the store here, the profile on the UI
        thread (which owns the state)."""
        from wizard.core.tokens import forget

        store = self.state.secrets
        for kind, value in secrets.items():
            store.set(profile.name, kind, value)
        forget(profile, store)
        self.app.call_from_thread(self._switched, dict(secrets), dict(changes))
        return store.describe()

    def _switched(self, secrets: dict[SecretKind, str], changes: dict[str, Any]) -> None:
        self.state.session.update(secrets)
        self.state.update(**changes)

    def _show(self, lines: list[str], failed: bool) -> None:
        result = self.query_one("#rotate-result", Static)
        result.update("\n".join(lines))
        result.set_class(failed, "-error")
        self.query_one("#rotate-secret", Button).disabled = False
