"""Screens over the wizard: help (built from the app's bindings), the role lookup, and the quit
confirmation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from wizard.tui.bindings import PALETTE, key
from wizard.tui.role_table import RoleTable

# Keys that are Textual's own, not the app's bindings.
OTHER_KEYS = (
    (PALETTE, "command palette: every step, the test, copy, theme"),
    ("tab / shift+tab", "move between fields; enter presses the focused button"),
    ("escape", "close a dialog like this one"),
)
NOTES = ("Progress is saved as you go: fields to the profile, secrets to the keyring. Quit any "
         "time and reopen to resume.\nThe client ID is what Adobe's console also calls the API "
         "key: the same value.")
MEMORY_NOTES = NOTES.replace(  # what no keyring changes: the secrets do not outlive the session
    "secrets to the keyring. Quit any time and reopen to resume.", "but secrets stay in memory "
    "for this session only (no keyring was usable): quitting forgets them; reopening resumes the rest.")


def key_lines(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """(keys, what they do) for each binding, from its tooltip (or its footer description)."""
    rows = []
    for binding in bindings:
        if isinstance(binding, Binding):
            rows.append((binding.key, binding.tooltip or binding.description))
    return rows + list(OTHER_KEYS)


# F1 and F2 work from any dialog, as the footer under it says: a modal screen takes no key bound
# on the app, so each dialog binds them itself (its own, help's F1 or the lookup's F2, closes it)
DIALOG_KEYS: list[BindingType] = [Binding("f1", "app.help", show=False),
                                  Binding("f2", "app.roles", show=False)]


class Dialog(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *DIALOG_KEYS, Binding("escape", "dismiss", "Close", id="dialog.close")]

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss()


class HelpScreen(Dialog):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1", "dismiss", "Close", id="help.close")]

    def __init__(self, bindings: Iterable[BindingType], memory_only: bool = False) -> None:
        super().__init__()
        self.rows = key_lines(bindings)
        self.notes = MEMORY_NOTES if memory_only else NOTES

    def compose(self) -> ComposeResult:
        width = max(len(key) for key, _ in self.rows) + 2
        with VerticalScroll(id="help", classes="dialog"):
            yield Label(Content.from_markup("[b]Keys[/b]"))
            yield Static(Content("\n").join(
                Content.from_markup(f"[b]$key[/b]{' ' * (width - len(key))}$what", key=key, what=what)
                for key, what in self.rows), id="help-keys")
            yield Static(self.notes, id="help-notes", markup=False)
            yield Button("Close", id="help-close", variant="primary")


class RolesScreen(Dialog):
    """The role table and filter, reachable from anywhere, usable without any profile."""

    AUTO_FOCUS = "#role-filter TickBox"  # the question first, as on the role step

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f2", "dismiss", "Close", id="roles.close")]

    def compose(self) -> ComposeResult:
        # the table scrolls; the title and Close stay on screen (at 80x24 the table is taller)
        with Vertical(id="roles", classes="dialog"):
            yield Label(Content.from_markup("[b]Launch roles and permissions[/b] (Adobe's table)"))
            with VerticalScroll(id="roles-body"):
                yield RoleTable(credential=True)
            with Horizontal(id="roles-buttons"):
                yield Button("Close", id="roles-close", compact=True)
                yield Static(f"or {key('roles')} / escape", classes="note")


class ConfirmQuit(ModalScreen[bool]):
    AUTO_FOCUS = "#stay"  # Enter keeps what was typed
    BINDINGS: ClassVar[list[BindingType]] = [
        *DIALOG_KEYS, Binding("escape", "dismiss(False)", "Stay", id="quit.stay")]

    def __init__(self, unsaved: list[str], memory_only: bool = False) -> None:
        super().__init__()
        self.unsaved = unsaved
        self.kept = ("(Everything accepted so far is saved; the secrets only until you quit (no "
                     "keyring was usable).)" if memory_only else
                     "(Everything accepted so far is saved.)")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="confirm", classes="dialog"):
            yield Label(Content.from_markup("[b]Quit?[/b]"))
            said = f"Not saved yet: {', '.join(self.unsaved)}\n{self.kept}" if self.unsaved else \
                "The secrets you gave are kept only until you quit (no keyring was usable): " \
                "quitting forgets them."
            yield Static(said, markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Stay", id="stay", variant="primary")
                yield Button("Quit anyway", id="quit", variant="error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "quit")
