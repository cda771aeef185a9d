"""F2 once a token works: the seed's table with a row for what this credential holds on the
property chosen, and a mark on each role it acts as there, read from the sandbox's Launch API."""

from __future__ import annotations

import contextlib

from textual.widgets import DataTable, Select

from tests.tui_helpers import next_step, s2s_opens_at, screen_rows, screen_text, settle
from wizard.core import roles
from wizard.core.secret_store import MemoryBackend, SecretStore
from wizard.sandbox.state import company_id
from wizard.tui.app import WizardApp
from wizard.tui.role_table import HELD_ROW
from wizard.tui.screens import RolesScreen

SMALL = (80, 24)
HOSTILE = "Evil\x1b]52;c;aGk=\x07\u202eName"


@contextlib.asynccontextmanager
async def driving(sandbox, backend: MemoryBackend):
    """The wizard on `sandbox` in an 80x24 terminal; at the end, no worker error swallowed."""
    app = WizardApp(sandbox=sandbox, secrets=SecretStore("launch-wizard-sandbox", backend))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        yield app, pilot
        assert not app.unexpected, app.unexpected


async def s2s_tested(app, pilot) -> None:
    """On a wizard opened at Test (`s2s_opens_at`), its test passed."""
    assert app.current == "test"
    await pilot.press("f5")
    await settle(app, pilot, 4)
    assert app.state.last_token is not None


def rows(app) -> dict[str, list[str]]:
    table = app.screen.query_one(DataTable)
    return {str(key.value): [str(c) for c in table.get_row(key)]
            for key in (table.coordinate_to_cell_key((i, 0)).row_key
                        for i in range(table.row_count))}


async def test_f2_marks_what_the_credential_holds_on_the_chosen_property(fresh_sandbox):
    state = fresh_sandbox.state
    company = company_id(state.org_id)
    marketing, support, mobile = state.properties_of(company)
    hostile = state.add_property(company, {"name": HOSTILE, "platform": "mobile"})
    backend = MemoryBackend(limit=1000)
    await s2s_opens_at("test", fresh_sandbox, backend)  # an integration made, the test not run
    async with driving(fresh_sandbox, backend) as (app, pilot):
        await pilot.press("f2")
        await settle(app, pilot)
        assert "Once the test passes (F5)" in screen_text(app)
        assert HELD_ROW not in rows(app)
        await pilot.press("escape")
        await s2s_tested(app, pilot)
        # the console's product profile: Publisher on one property, Developer on two, none on one
        made = state.get(app.state.profile.client_id)
        made.rights = ["develop_extensions"]
        made.property_rights = {marketing.id: ["develop", "approve", "publish"],
                                support.id: ["develop"], hostile.id: ["develop"]}
        await pilot.press("f2")
        await settle(app, pilot, 4)
        assert isinstance(app.screen, RolesScreen)
        chooser = app.screen.query_one("#held-property", Select)
        assert [str(prompt) for prompt, _ in chooser._options[1:]] == [
            "Marketing site", "Support portal", "Evil\\x1b]52;c;aGk=\\x07\\u202eName"]
        assert chooser.value == marketing.id  # the first, chosen already
        shown = rows(app)
        assert next(iter(shown)) == HELD_ROW
        assert shown[HELD_ROW] == ["Credential", "✓", "✓", "✓", "·", "·", "·", "✓"]
        assert shown["Publisher"][0] == "Publisher ◀"
        assert shown["Extension Developer"][0] == "Ext. Developer ◀"
        assert shown["Approver"][0] == "Approver"  # Publisher holds all it does
        text = screen_text(app)
        assert "On Marketing site it acts as Publisher and Extension Developer" in text
        assert all(len(row) <= SMALL[0] for row in screen_rows(app))
        chooser.value = support.id
        await settle(app, pilot)
        shown = rows(app)
        assert shown[HELD_ROW] == ["Credential", "✓", "·", "·", "·", "·", "·", "✓"]
        assert [k for k, cells in shown.items() if cells[0].endswith("◀")] == ["Extension Developer"]
        chooser.value = hostile.id
        await settle(app, pilot)
        text = screen_text(app)
        assert "On Evil\\x1b]52;c;aGk=\\x07\\u202eName it acts as Extension Developer" in text
        assert mobile.name not in text
        # the filter still narrows the roles; the credential's row stays
        app.screen.query_one(f"#perm-{roles.RIGHTS['Publish']}").value = True
        await settle(app, pilot)
        assert list(rows(app)) == [HELD_ROW, "Publisher"]


async def test_the_test_step_and_done_say_which_role_the_credential_acts_as(fresh_sandbox):
    state = fresh_sandbox.state
    company = company_id(state.org_id)
    marketing, support, mobile = state.properties_of(company)
    backend = MemoryBackend(limit=1000)
    await s2s_opens_at("test", fresh_sandbox, backend)
    async with driving(fresh_sandbox, backend) as (app, pilot):
        assert app.current == "test"
        made = state.get(app.state.profile.client_id)
        made.rights = []
        made.property_rights = {marketing.id: ["develop", "approve", "publish"],
                                support.id: ["develop"]}
        await pilot.press("f5")
        await settle(app, pilot, 4)
        sentence = "acts as Publisher on Marketing site, as Developer on Support portal"
        assert f"The credential {sentence}." in screen_text(app)
        assert mobile.name not in screen_text(app)  # no right there: not seen
        await next_step(app, pilot)
        assert app.current == "done"
        assert f"it {sentence}" in screen_text(app)
        made.property_rights[support.id] = ["develop", "approve", "publish"]  # one role everywhere
        await pilot.press("f5")
        await settle(app, pilot, 4)
        assert "The credential acts as Publisher on Marketing site and Support portal." in (
            screen_text(app))
        await next_step(app, pilot)
        assert "✓ The integration works as Publisher: it sees" in screen_text(app)
        assert "it acts as" not in screen_text(app)
