"""Widgets shared by the steps: fields with their errors, controls whose state reads as text,
the step list and the one notice.

Anything a user typed, pasted or named (values, paths, server answers) is shown as plain
text here (`Plain`), never parsed as markup, with what a terminal would obey shown escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.expand_tabs import expand_tabs_inline
from textual.message import Message
from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Footer, Input, Label, RadioButton, Static

from wizard.core.safe_text import shown_in_place, terminal_safe


def once_laid_out(node: Widget | App[Any], callback: Callable[[], object]) -> None:
    """Run `callback` once the next frame is drawn, and again after the one after: on a busy
    machine a layout can land a frame late, and a scroll made before it stops short (the result
    below the fold, the view where the late layout left it)."""
    node.call_after_refresh(callback)
    node.call_after_refresh(node.call_after_refresh, callback)


class SteadyFooter(Footer):
    """Textual's footer, in its compact style, rebuilt only when the keys it shows change: the
    stock one builds and styles all its keys again at every change of focus (some fourteen times
    as the wizard opens), though the keys shown seldom change."""

    def __init__(self) -> None:
        super().__init__(compact=True)
        self._built: tuple[object, ...] | None = None

    def _shown(self) -> tuple[object, ...]:
        """What the footer's keys are made from (see `Footer.compose`)."""
        palette = self.app.COMMAND_PALETTE_BINDING
        return tuple((name, binding.key, binding.description, binding.action, binding.group,
                      enabled, tooltip)
                     for name, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
                     if binding.show or name == palette)

    def compose(self) -> ComposeResult:
        if self._bindings_ready:  # else it builds nothing yet
            self._built = self._shown()  # what this build is made from, read as it reads it
        yield from super().compose()

    async def recompose(self) -> None:
        if self.is_attached and self._shown() != self._built:
            await super().recompose()


class Plain(Static):
    """Text that may come from outside (a server's names and errors, a file's values, paths,
    what was typed): never markup, and what a terminal would obey in it shown escaped. Every
    widget that shows such text is one of these."""

    def __init__(self, content: str = "", **kwargs: Any) -> None:
        super().__init__(terminal_safe(content), markup=False, **kwargs)

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(terminal_safe(content) if isinstance(content, str) else content, layout=layout)


class Entry(Input):
    """An Input whose value is not selected on focus: a returning user's first key must not
    wipe what is there. A paste (the terminal's, or ctrl+v) of a value replaces what the wizard
    filled in or what was pasted whole before (a fresh client ID over the sandbox's, never
    joined to it); once the person has typed in the field, it goes in at the cursor, or over
    the part selected, as in any field (a scope added to the list, a file name after a folder).
    It may carry control characters: they are shown, not sent to the terminal (the profile's
    validation then refuses them)."""

    _editing = False  # inside `replace`: the value changes by an edit, not by the program
    _typed = False  # the person edited the value since the program set it

    def __init__(self, value: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(value, **kwargs)

    @property
    def _value(self) -> Text:
        """As Input's own, with each control character shown as a stand-in (␛, ␇) in its place:
        Input's Text would drop a BEL, and the cursor would then stand one place off."""
        if self.password:
            return super()._value
        text = Text(shown_in_place(self.value), no_wrap=True, overflow="ignore", end="")
        return self.highlighter(text) if self.highlighter is not None else text

    def _position_to_cell(self, position: int) -> int:
        """As Input's own, counting each stand-in's cell (a control character has none)."""
        return super()._position_to_cell(position) if self.password else cell_len(
            expand_tabs_inline(shown_in_place(self.value[:position]), 4))

    def _cell_offset_to_index(self, offset: int) -> int:
        """As Input's own (where a click lands), counting each stand-in's cell."""
        if self.password:
            return super()._cell_offset_to_index(offset)
        offset += self.scroll_offset[0]
        cells = 0
        for index, char in enumerate(shown_in_place(self.value)):  # one stand-in a character
            width = cell_len(char)
            if cells <= offset < cells + width:
                return index
            cells += width
        return max(0, min(offset, len(self.value)))

    def replace(self, text: str, start: int, end: int) -> None:
        """Every edit comes through here: keys, deletions and pastes."""
        self._editing = True
        try:
            super().replace(text, start, end)
        finally:
            self._editing = False

    def _watch_value(self, value: str) -> None:
        super()._watch_value(value)
        self._typed = self._editing

    def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # Input's handler adds the first line, blank or not, at the cursor
        event.stop()
        self.paste(event.text)

    def action_paste(self) -> None:
        """ctrl+v: the app's own clipboard, pasted as the terminal's paste is."""
        self.paste(self.app.clipboard)

    def paste(self, text: str) -> None:
        """One line is kept: the first that is not blank (a copy often brings a line break
        before or after the value). A paste of several is told so, not cut silently."""
        filled = [line for line in text.splitlines() if line.strip()]
        if not filled:
            return
        start, end = sorted(self.selection)
        whole = start == end and not self._typed
        self.replace(filled[0], *((0, len(self.value)) if whole else (start, end)))
        self._typed = not whole and bool(self.value)
        left_out = len(filled) - 1
        if left_out:
            lines = "1 more line" if left_out == 1 else f"{left_out} more lines"
            self.notify(f"This field holds one line: only the first line of the paste was kept, "
                        f"{lines} left out. Check the value, and paste it alone.",
                        title="Pasted one line", severity="warning", timeout=15, markup=False)


class PathEntry(Entry):
    """A file's path, beside a box for the file's content. The content pasted here instead (a
    path is one line, never a JSON object) goes to the step as content, as if pasted in the box,
    not cut to its first line or taken as a path."""

    @dataclass
    class ContentPasted(Message):
        entry: PathEntry
        text: str

        @property
        def control(self) -> PathEntry:  # what `@on(..., "#id")` matches
            return self.entry

    def _on_paste(self, event: events.Paste) -> None:
        several = len([line for line in event.text.splitlines() if line.strip()]) > 1
        if several or event.text.lstrip().startswith("{"):
            event.prevent_default()  # neither Entry's nor Input's handler: no line of it stays
            event.stop()
            self.post_message(self.ContentPasted(self, event.text))


class TickBox(Checkbox):
    """A checkbox that shows X when ticked and nothing when not (not only a colour change)."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # Textual's name for the glyph
        return "X" if self.value else " "


class Choice(RadioButton):
    """A radio button that shows ● when chosen and nothing when not."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # Textual's name for the glyph
        return "●" if self.value else " "


class Field(Vertical):
    """A label, a control, a help line and the error that belongs to this field."""

    DEFAULT_CSS = """
    Field { height: auto; margin-bottom: 1; }
    Field > .field-label { text-style: bold; }
    Field > .field-help { color: $text-muted; }
    Field > .field-error { color: $error; display: none; }
    Field.-invalid > .field-error { display: block; }
    Field.-warned > .field-error { display: block; color: $warning; }
    """

    def __init__(self, label: str, control: Widget, help: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.label, self.control, self.help = label, control, help

    def compose(self) -> ComposeResult:
        yield Label(self.label, classes="field-label")
        yield self.control
        if self.help:
            yield Static(self.help, classes="field-help")
        yield Plain("", classes="field-error")

    def show_error(self, message: str | None) -> None:
        """A problem that keeps the step from being accepted."""
        self.query_one(".field-error", Static).update(f"✗ {message}" if message else "")
        self.set_class(bool(message), "-invalid")
        self.remove_class("-warned")
        if message:  # newer than a toast that (at 80 columns) would sit on top of it
            self.call_after_refresh(self._uncover)

    def _uncover(self, tries: int = 3) -> None:
        """Dismiss the toasts that cover the error once it is laid out; the others stay."""
        from textual.widgets._toast import Toast  # not exported: the ToastRack makes them

        errors = self.query(".field-error")
        if not self.is_attached or not errors:  # gone with its step before the screen was drawn
            return
        error = errors.first().region
        if not error.height and tries > 1:  # not laid out yet (a step hidden stays so: give up)
            self.call_after_refresh(self._uncover, tries - 1)
            return
        for toast in self.screen.query(Toast):
            if toast.region.overlaps(error):
                toast._expire()  # what a click on the toast does

    def show_warning(self, message: str) -> None:
        """Something that looks wrong but is accepted (in the error's place, which it clears)."""
        self.query_one(".field-error", Static).update(f"! Warning: {message}" if message else "")
        self.set_class(bool(message), "-warned")
        self.remove_class("-invalid")

    @property
    def invalid(self) -> bool:
        return self.has_class("-invalid")

    @property
    def error(self) -> str:
        return str(self.query_one(".field-error", Static).render()) if self.invalid else ""


class StepList(Static):
    """Every step of the flow with its state (done, current, to do), and the profile and mode."""

    def show(self, steps: list[tuple[int, str, str]], profile: str, kind: str, mode: str) -> None:
        """`steps`: (number, title, state) with state "current", "done" or "todo"."""
        marks = {"current": ("▶", "bold"), "done": ("✓", "$success"), "todo": ("·", "dim")}
        lines = []
        for number, title, state in steps:
            mark, style = marks[state]
            lines.append(Content.from_markup(f"[{style}]$mark $number. $title[/]",
                                             mark=mark, number=str(number), title=title))
        lines += [Content(""),
                  Content.from_markup("[dim]profile:[/dim] $v", v=profile),
                  Content.from_markup("[dim]type:[/dim] $v", v=kind),
                  Content.from_markup("[dim]mode:[/dim] $v", v=mode)]
        self.update(Content("\n").join(lines))


class NoticeKind(StrEnum):
    """What the notice is about: a new one of the same kind replaces it, `clear(kind)` ends it."""

    OPEN = "open"  # the wizard could not open the profile
    SANDBOX = "sandbox"  # the sandbox did not start
    ENDPOINTS = "endpoints"  # hosts that are not Adobe's
    RESUME = "resume"  # what the sandbox or the store lost since the last session
    STORE = "store"  # where secrets go
    IMPORT = "import"  # news from an import
    PROBLEM = "problem"  # a step's error the user fixes elsewhere
    UNEXPECTED = "unexpected"  # a bug, shown rather than fatal


class NoticeAction(StrEnum):
    """The ways out a notice offers, one button each."""

    MEMORY = "memory"  # secrets in memory for this session
    PLAINTEXT = "plaintext"  # secrets in a 0600 file
    RETRY = "retry"  # ask the keyring again
    GO_CREDENTIALS = "go-credentials"
    RECOVER = "recover"  # the client secret, from the sandbox
    RECREATE = "recreate"  # the integration, in the sandbox


class Notice(Vertical):
    """The one notice above the step: a problem to decide on, with its ways out as buttons.

    A new notice replaces the old one: they never stack over the form."""

    DEFAULT_CSS = """
    Notice { height: auto; display: none; border: round $warning; padding: 0 1; }
    Notice.-shown { display: block; }
    Notice.-info { border: round $primary; }
    Notice > Horizontal { height: 1; }  /* compact buttons: the notice has its height at once */
    Notice Button { margin-right: 1; }
    """

    @dataclass
    class Action(Message):
        action: NoticeAction

    kind: NoticeKind | None = None
    info = False  # news, not a question: it goes when the user moves on
    actions: tuple[tuple[NoticeAction, str], ...] = ()

    def compose(self) -> ComposeResult:
        yield Plain("", id="notice-text")
        yield Horizontal(id="notice-actions")

    def show(self, kind: NoticeKind, text: str, actions: tuple[tuple[NoticeAction, str], ...] = (),
             info: bool = False) -> None:
        """`actions`: (action, button label) pairs; a press posts Notice.Action(action)."""
        self.kind = kind
        self.query_one("#notice-text", Static).update(text)
        row = self.query_one("#notice-actions", Horizontal)
        if actions != self.actions:
            self.actions = actions
            row.remove_children()
            row.mount_all([Button(label, id=f"notice-{action}", compact=True)
                           for action, label in actions])
        row.display = bool(actions)
        self.info = info
        self.set_class(True, "-shown")
        self.set_class(info, "-info")

    def focus_answer(self) -> None:
        """Put the keyboard on the first way out (once the buttons are mounted)."""
        def focus() -> None:
            buttons = self.query("#notice-actions Button")
            if buttons and self.has_class("-shown"):
                buttons.first().focus()

        self.call_after_refresh(focus)

    def clear(self, kind: NoticeKind | None = None) -> None:
        if kind is None or kind == self.kind:
            self.kind = None
            self.set_class(False, "-shown")

    @on(Button.Pressed)
    def _act(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Action(NoticeAction((event.button.id or "").removeprefix("notice-"))))
