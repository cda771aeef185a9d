"""The seed's role/permission table with a "which role do I need?" filter (step 4 and F2)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Checkbox, DataTable, Label, Static

from wizard.core import roles
from wizard.tui.widgets import TickBox

# Short enough that all seven permissions and six roles fit in 70 columns (an 80x24 terminal).
SHORT = {"Develop": "Develop", "Approve": "Approve", "Publish": "Publish",
         "Manage Properties": "Props", "Manage Extensions": "Exts",
         "Manage Environments": "Envs", "Develop Extensions": "ExtDev"}
SHORT_ROLE = {"Extension Developer": "Ext. Developer"}
LEGEND = ("Props, Exts, Envs: manage properties, extensions, environments; "
          "ExtDev: develop extensions")


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

    def compose(self) -> ComposeResult:
        yield Label("Which role do I need? Tick what the integration must do:")
        with Horizontal(id="role-filter"):
            for p in roles.PERMISSIONS:
                yield TickBox(p, id=f"perm-{roles.RIGHTS[p]}", compact=True)
        yield Static("", id="role-answer")
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
        for name in self.visible_roles():
            granted = roles.role(name).permissions
            table.add_row(SHORT_ROLE.get(name, name),
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
        if not name:
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
        self.post_message(self.Chosen(str(event.row_key.value)))

    def highlighted(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
