"""The wizard's keys, listed once: the footer and the help screen show them, and every sentence
that names a key takes its name from here."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding, BindingType

# The one list of keys: the footer shows them and the help screen is built from them.
BINDINGS: list[BindingType] = [
    Binding("ctrl+q", "quit_wizard", "Quit", priority=True, id="quit",
            tooltip="quit (asks first if something typed is not saved)"),
    Binding("ctrl+n", "next_step", "Next", priority=True, id="next",
            tooltip="next step: accepts and saves this one"),
    Binding("ctrl+b", "previous_step", "Back", priority=True, id="back",
            tooltip="previous step"),
    Binding("f1", "help", "Help", id="help", tooltip="this help"),
    Binding("f2", "roles", "Roles", id="roles", tooltip="role lookup: which role grants what"),
    Binding("f3", "copy_token", "Copy", id="copy-token", tooltip="copy a valid access token"),
    Binding("f5", "run_test", "Test", id="test",
            tooltip="test: get a token, then call the Launch API"),
    Binding("ctrl+l", "toggle_theme", "Theme", id="theme", show=False,
            tooltip="light / dark theme"),
    Binding("ctrl+k", "clear_clipboard", "Clear clipboard", id="clear-clipboard", show=False,
            tooltip="clear the clipboard (after copying a token)"),
]

# Textual's own key for the command palette, where each step of the flow has an entry, "Step 2:
# Role" and so on
PALETTE = App.COMMAND_PALETTE_BINDING


def key(binding_id: str) -> str:
    """The key of the binding `binding_id` as a sentence names it ("F5", "ctrl+n")."""
    found = next(b for b in BINDINGS if isinstance(b, Binding) and b.id == binding_id)
    name = found.key.split(",")[0]
    return name.upper() if name[:1] == "f" and name[1:].isdigit() else name
