"""Screens over the wizard: help, the role lookup, and the quit confirmation."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from wizard.tui.role_table import RoleTable

KEYS = (
    ("ctrl+n", "next step (accepts and saves this one)"),
    ("ctrl+b", "previous step"),
    ("f1", "this help"),
    ("f2", "role lookup: which role grants what"),
    ("f3", "copy a valid access token"),
    ("f5", "test the integration (token exchange + Launch API call)"),
    ("ctrl+l", "light / dark theme"),
    ("ctrl+p", "command palette: every step, the test, copy, theme"),
    ("tab / shift+tab", "move between fields"),
    ("ctrl+q", "quit (asks first if something typed is not saved)"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1", "dismiss", "Close", id="help.close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="help", classes="dialog"):
            yield Label("[b]Keys[/b]")
            yield Static("\n".join(f"[b]{key:<16}[/b] {what}" for key, what in KEYS), id="help-keys")
            yield Static(
                "\nProgress is saved as you go: fields to the profile, secrets to the keyring. "
                "Quit any time and reopen to resume.\nThe client ID is what Adobe's console also "
                "calls the API key: the same value.", id="help-notes")
            yield Button("Close", id="help-close", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss()


class RolesScreen(ModalScreen[None]):
    """The role table and filter, reachable from anywhere, usable without any profile."""

    BINDINGS = [Binding("escape,f2", "dismiss", "Close", id="roles.close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="roles", classes="dialog"):
            yield Label("[b]Launch roles and permissions[/b] (Adobe's table)")
            yield RoleTable()
            yield Button("Close", id="roles-close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss()


class ConfirmQuit(ModalScreen[bool]):
    BINDINGS = [Binding("escape", "dismiss(False)", "Stay", id="quit.stay")]

    def __init__(self, unsaved: list[str]) -> None:
        super().__init__()
        self.unsaved = unsaved

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm", classes="dialog"):
            yield Label("[b]Quit?[/b]")
            yield Static("Not saved yet: " + ", ".join(self.unsaved) +
                         "\n(Everything accepted so far is saved.)")
            with Horizontal(classes="buttons"):
                yield Button("Stay", id="stay", variant="primary")
                yield Button("Quit anyway", id="quit", variant="error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "quit")
