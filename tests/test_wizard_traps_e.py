"""Traps a newcomer met walking the wizard with the keyboard only, in tmux at 80x24 and 120x40,
in the sandbox and against no real Adobe: each test starts at the step concerned and asserts
what the screen (or the keyboard) then does."""

from __future__ import annotations

import pytest

from tests.test_tui import SMALL, driving, make_app
from tests.tui_helpers import next_step, s2s_opens_at_credentials, screen_text, type_into
from wizard.core.secret_store import MemoryBackend


@pytest.fixture
def backend():
    return MemoryBackend(limit=1000)


# --- a refused client secret takes the keyboard, as every other refused field does ----------------

@pytest.mark.parametrize("from_where", ["#next", "#scopes"], ids=["next-button", "enter-in-scopes"])
async def test_a_refused_client_secret_takes_the_keyboard(sandbox, backend, from_where):
    """The secret with a space was refused, yet the keyboard stayed where Next was asked: on the
    Next button a paste of the secret went nowhere; in Scopes it went into the scopes."""
    await s2s_opens_at_credentials(sandbox, backend)
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await type_into(pilot, "#client-secret", "p8e-abc def")
        app.screen.query_one(from_where).focus()
        await pilot.pause()
        if from_where == "#next":
            await next_step(app, pilot)
        else:
            await pilot.press("enter")  # Enter in a Credentials field does what Next does
            await pilot.pause()
        assert app.current == "credentials"
        assert "Client secret must not contain spaces or line breaks" in screen_text(app)
        assert app.focused is not None and app.focused.id == "client-secret"
