"""A profile made outside the wizard (on the command line) has no record of the wizard's steps:
the wizard opens it where its fields stop, and says why."""

from __future__ import annotations

import pytest

from tests.test_tui import SMALL, driving, make_app
from tests.tui_helpers import region_text, settle
from wizard.core.console import Done
from wizard.core.secret_store import MemoryBackend, SecretStore


@pytest.fixture
def backend():
    return MemoryBackend(limit=1000)


def _state(sandbox, backend):
    from wizard.tui.state import WizardState

    return WizardState.open(None, sandbox, SecretStore("launch-wizard-sandbox", backend))


async def test_a_profile_filled_on_the_command_line_opens_at_its_test(sandbox, backend):
    state = _state(sandbox, backend)
    assert isinstance(await state.create_integration(), Done)  # its fields and secret, no step marked
    assert not state.progress.done
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await settle(app, pilot, 3)
        assert app.current == "test"
        notice = region_text(app, "#notice")
        assert "no record of the wizard's steps" in notice
        assert "step 3, Test" in notice
    again = _state(sandbox, backend)  # that start is its record now: said once
    assert again.progress.next_step() == "test" and not again.opened_why


async def test_a_profile_tested_on_the_command_line_opens_at_done(sandbox, backend):
    state = _state(sandbox, backend)
    assert isinstance(await state.create_integration(), Done)
    state.update(last_test={"at": "2026-01-01T00:00:00Z", "companies": 1, "properties": 3})
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await settle(app, pilot, 3)
        assert app.current == "done"
        assert "its last test passed" in region_text(app, "#notice")


async def test_a_profile_with_only_its_organization_opens_at_the_next_step(sandbox, backend):
    state = _state(sandbox, backend)
    state.update(auth_type="jwt", org_id="0123456789ABCDEF01234567@AdobeOrg")
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await settle(app, pilot, 3)
        assert app.current == "role"
        assert "step 2, Role" in region_text(app, "#notice")


async def test_a_profile_the_wizard_recorded_opens_where_its_record_says(sandbox, backend):
    state = _state(sandbox, backend)
    assert isinstance(await state.create_integration(), Done)
    state.mark_done("organization")  # a record: the wizard's own, which has the last word
    app = make_app(sandbox, backend)
    async with driving(app, size=SMALL) as pilot:
        await settle(app, pilot, 3)
        assert app.current == "credentials"
        assert "no record of the wizard's steps" not in region_text(app, "#notice")


async def test_steps_jumped_over_with_the_palette_and_filled_since_count_as_done(sandbox, backend,
                                                                                keypair):
    """Step 3 reached through the palette, the integration made at step 2 later, the test passed:
    the record never had steps 1 and 2, and the finished profile reopened at step 1."""
    from tests.tui_helpers import jwt_opens_at

    await jwt_opens_at("credentials", sandbox, backend, keypair)
    state = _state(sandbox, backend)
    state.unmark(("organization", "role"))  # never marked: jumped over
    for step in ("credentials", "test"):
        state.mark_done(step)
    from wizard.tui.flow import Progress

    assert Progress.load(state.profiles, state.profile).next_step() == "organization"  # the record
    app = make_app(sandbox, backend)
    async with driving(app) as pilot:
        await settle(app, pilot, 3)
        assert app.current == "done"
        steps = region_text(app, "#steps")
        assert "✓ 1. Organization" in steps and "✓ 2. Role" in steps
