"""The seed's role/permission table with a "which role do I need?" filter (step 4 and F2), and
in F2, once a token works, what this credential holds on a property it sees."""

from __future__ import annotations

import asyncio
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Checkbox, DataTable, Label, Select, Static

from wizard.core import roles
from wizard.core.errors import WizardError
from wizard.core.reactor import Reactor
from wizard.core.safe_text import terminal_safe
from wizard.flows.rights import PropertyRights, check_rights
from wizard.tui.widgets import Plain, TickBox

# Short enough that all seven permissions and six roles fit in 70 columns (an 80x24 terminal).
SHORT = {"Develop": "Develop", "Approve": "Approve", "Publish": "Publish",
         "Manage Properties": "Props", "Manage Extensions": "Exts",
         "Manage Environments": "Envs", "Develop Extensions": "ExtDev"}
SHORT_ROLE = {"Extension Developer": "Ext. Developer"}
LEGEND = ("Props, Exts, Envs: manage properties, extensions, environments; "
          "ExtDev: develop extensions")
HELD_ROW = "credential"  # the row key of what this credential holds (not a role)
HELD_LABEL = "Credential"
ACTS_AS = " ◀"  # after the name of each role the credential acts as
TOKEN_MARGIN_S = 60  # a token this close to its end is not used to look


class CredentialRights(Vertical):
    """What this credential holds on the property chosen among those its token sees (read with
    the token of the last passing test); the table marks it."""

    DEFAULT_CSS = """
    CredentialRights { height: auto; margin: 1 0 0 0; }
    CredentialRights Select { width: 1fr; }
    CredentialRights #held-summary { height: auto; }
    """

    class Picked(Message):
        """A property was chosen (None: nothing to show)."""

        def __init__(self, rights: PropertyRights | None) -> None:
            super().__init__()
            self.rights = rights

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seen: dict[str, PropertyRights] = {}

    def compose(self) -> ComposeResult:
        yield Label(Content.from_markup("[b]What does my credential have?[/b]"))
        yield Select[str]([], prompt="Property", id="held-property", compact=True)
        yield Plain("", id="held-summary")

    def on_mount(self) -> None:
        self.query_one(Select).display = False
        state = getattr(self.app, "state", None)
        token = state.last_token if state is not None else None
        if state is None or token is None or token.seconds_left() < TOKEN_MARGIN_S:
            self._say("Once the test passes (F5), this shows what the credential holds on each "
                      "property it sees, and the role it acts as there.")
            return
        self._say("Reading the properties the credential sees…")
        self.look(Reactor.of(state.profile, token.access_token))

    def _say(self, text: str) -> None:
        self.query_one("#held-summary", Plain).update(text)

    @work(exclusive=True, group="held-rights", exit_on_error=False)
    async def look(self, reactor: Reactor) -> None:
        try:
            report = await asyncio.to_thread(check_rights, reactor, ())
        except WizardError as exc:
            self._say(f"Could not read the credential's rights: {exc.cause}")
            return
        self.seen = {p.property.id: p for c in report.companies for p in c.properties}
        if not self.seen:
            self._say("The credential sees no property: its product profile names none.")
            return
        chooser: Select[str] = self.query_one(Select)
        chooser.set_options((Text(terminal_safe(p.property.name)), key)
                            for key, p in self.seen.items())
        chooser.display = True
        chooser.value = next(iter(self.seen))

    @on(Select.Changed, "#held-property")
    def _chosen(self, event: Select.Changed) -> None:
        event.stop()
        found = self.seen.get(str(event.value))
        if found is not None:
            acting = " and ".join(found.acts_as) or "no role of the table"
            self._say(f"On {found.property.name} it acts as {acting}; the {HELD_LABEL} row shows "
                      f"what it holds there: {', '.join(found.held) or 'nothing'}.")
        self.post_message(self.Picked(found))


class RoleTable(Vertical):
    """The seed's role/permission table with a "which role do I need?" filter."""

    DEFAULT_CSS = """
    RoleTable { height: auto; }
    RoleTable #role-filter { height: auto; layout: grid; grid-size: 3; grid-gutter: 0 1; }
    RoleTable #role-filter Checkbox { width: 1fr; }
    RoleTable #role-legend { color: $text-muted; }
    RoleTable DataTable { height: auto; max-height: 10; margin: 1 0; }
    RoleTable #role-answer { color: $success; height: auto; }
    RoleTable #role-detail { height: auto; border: round $primary; padding: 0 1; }
    """

    class Chosen(Message):
        def __init__(self, role: str) -> None:
            super().__init__()
            self.role = role

    def __init__(self, *, credential: bool = False, **kwargs: Any) -> None:
        """`credential`: also show what the credential holds, once a token works (F2)."""
        super().__init__(**kwargs)
        self.credential = credential
        self.held: PropertyRights | None = None

    def compose(self) -> ComposeResult:
        yield Label("Which role do I need? Tick what the integration must do:")
        with Horizontal(id="role-filter"):
            for p in roles.PERMISSIONS:
                yield TickBox(p, id=f"perm-{roles.RIGHTS[p]}", compact=True)
        yield Static("", id="role-answer")
        if self.credential:
            yield CredentialRights(id="credential-rights")
        table: DataTable[str] = DataTable(id="role-table", cursor_type="row", zebra_stripes=True,
                                          fixed_columns=1)
        table.add_columns("Role", *[SHORT[p] for p in roles.PERMISSIONS])
        yield table
        yield Static(LEGEND, id="role-legend")
        yield Static("", id="role-detail")

    def on_mount(self) -> None:
        self.refill()

    def wanted(self) -> list[str]:
        return [p for p in roles.PERMISSIONS if self.query_one(f"#perm-{roles.RIGHTS[p]}", Checkbox).value]

    def visible_roles(self) -> list[str]:
        wanted = self.wanted()
        return roles.least_privileged(wanted) if wanted else list(roles.ROLE_NAMES)

    def refill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        if self.held is not None:
            table.add_row(HELD_LABEL, *("✓" if p in self.held.held else "·"
                                        for p in roles.PERMISSIONS), key=HELD_ROW)
        acting = self.held.acts_as if self.held is not None else ()
        for name in self.visible_roles():
            granted = roles.role(name).permissions
            table.add_row(SHORT_ROLE.get(name, name) + (ACTS_AS if name in acting else ""),
                          *("✓" if p in granted else "·" for p in roles.PERMISSIONS), key=name)
        wanted = self.wanted()
        answer = self.query_one("#role-answer", Static)
        if wanted:
            best = " or ".join(self.visible_roles()) or "no single role"
            answer.update(f"Least-privileged role for {', '.join(wanted)}: {best}")
        else:
            answer.update("")
        self._describe(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
                       if table.row_count else None)

    def _describe(self, name: str | None) -> None:
        detail = self.query_one("#role-detail", Static)
        detail.display = bool(name) and name != HELD_ROW  # the credential's row is no role
        if not name or name == HELD_ROW:
            detail.update("")
            return
        r = roles.role(name)
        detail.update(Content.from_markup(
            "[b]$name[/b]: $description\npermissions: $permissions\nlegacy metascope: $metascope\n"
            "product-profile rights today: $rights", name=r.name, description=r.description,
            permissions=", ".join(roles.permissions_of(r.name)), metascope=r.metascope,
            rights=", ".join(r.rights)))

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.refill()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe(event.row_key.value if event.row_key else None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value != HELD_ROW:
            self.post_message(self.Chosen(str(event.row_key.value)))

    @on(CredentialRights.Picked)
    def _picked(self, event: CredentialRights.Picked) -> None:
        event.stop()
        self.held = event.rights
        self.refill()

    def highlighted(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        return None if key == HELD_ROW else key
