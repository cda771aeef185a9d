"""Next pressed before the screen has caught up: keys that arrive in one burst (a paste into the
terminal, keys sent by another program, a fast typist on a slow machine) are handled in the order
they were typed, Next included; Next waits for what the step is still fetching."""

from __future__ import annotations

import threading

from textual import events
from textual.widgets import Input

from tests.tui_helpers import s2s_opens_at_credentials, settle
from wizard.core.secret_store import MemoryBackend, SecretStore
from wizard.tui.app import WizardApp


def burst(app: WizardApp, *keys: str) -> None:
    """Post the keys as the terminal driver does, without waiting for any to be handled."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def test_next_sent_with_the_keys_before_it_saves_what_the_field_shows(sandbox):
    backend = MemoryBackend()
    await s2s_opens_at_credentials(sandbox, backend)
    app = WizardApp(sandbox=sandbox, secrets=SecretStore("launch-wizard-sandbox", backend))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.current == "credentials"
        client_id = app.state.profile.client_id
        field = app.screen.query_one("#client-id", Input)
        field.focus()
        field.value = client_id + "WXYZ"
        field.cursor_position = len(field.value)
        await settle(app, pilot)
        burst(app, *["backspace"] * 4, "ctrl+n")
        await settle(app, pilot, 4)
        assert field.value == client_id
        assert app.state.profile.client_id == client_id
        assert app.current == "test"


async def test_next_while_the_sandbox_organization_is_fetched_waits_for_it(sandbox):
    app = WizardApp(sandbox=sandbox, secrets=SecretStore("launch-wizard-sandbox", MemoryBackend()))
    answered = threading.Event()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        fetch = app.state.console.find_organization

        def slow_organization():
            answered.wait(30)
            return fetch()

        app.state.console.find_organization = slow_organization
        await pilot.click("#auth-jwt")  # JWT in the sandbox: the wizard fetches the org ID
        await pilot.press("ctrl+n")  # before the answer
        await pilot.pause()
        answered.set()
        await settle(app, pilot)
        assert app.state.profile.org_id.endswith("@AdobeOrg")
        assert app.current == "role"
