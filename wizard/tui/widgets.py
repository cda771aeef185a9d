"""Widgets shared by the steps: a labelled field with its error, and the step list."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Label, Static


STEP_TITLES = {
    "organization": "Organization and integration",
    "keys": "Key and certificate",
    "upload": "Upload the certificate",
    "role": "Role",
    "credentials": "Credentials and private key",
    "test": "Test",
    "done": "Done",
}


class Field(Vertical):
    """A label, a control, a help line and the error that belongs to this field."""

    DEFAULT_CSS = """
    Field { height: auto; margin-bottom: 1; }
    Field > .field-label { text-style: bold; }
    Field > .field-help { color: $text-muted; }
    Field > .field-error { color: $error; display: none; }
    Field.-invalid > .field-error { display: block; }
    """

    def __init__(self, label: str, control: Widget, help: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.label, self.control, self.help = label, control, help

    def compose(self) -> ComposeResult:
        yield Label(self.label, classes="field-label")
        yield self.control
        if self.help:
            yield Static(self.help, classes="field-help")
        yield Static("", classes="field-error")

    def show_error(self, message: str | None) -> None:
        self.query_one(".field-error", Static).update(message or "")
        self.set_class(bool(message), "-invalid")

    @property
    def error(self) -> str:
        return str(self.query_one(".field-error", Static).render()) if self.has_class("-invalid") else ""


class StepList(Static):
    """Every step with its state (done, current, to do), and the profile, type and mode."""

    def show(self, steps: tuple[str, ...], done: list[str], current: str, profile: str,
             auth_type: str, mode: str) -> None:
        lines = []
        for number, step in enumerate(steps, 1):
            if step == current:
                mark, style = "▶", "bold"
            elif step in done:
                mark, style = "✓", "green"
            else:
                mark, style = "·", "dim"
            lines.append(f"[{style}]{mark} {number}. {STEP_TITLES[step]}[/]")
        kind = "JWT service account" if auth_type == "jwt" else "OAuth Server-to-Server"
        lines += ["", f"[dim]profile: [/dim]{profile}", f"[dim]type: [/dim]{kind}",
                  f"[dim]mode: [/dim]{mode}"]
        self.update("\n".join(lines))
