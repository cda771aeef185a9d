"""The box a file is pasted into (a private key, a console download).

Apart from widgets.py: TextArea is slow to import, and the first step does not need it."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import TextArea

from wizard.core.safe_text import shown_in_place


class PasteArea(TextArea):
    """A TextArea whose pasted control characters are shown as stand-ins (␛), each in its own
    place, not sent to the terminal; it says when content arrived whole (pasted or loaded), which
    typing, a key at a time, never does."""

    class Arrived(Message):
        """Content arrived whole: a paste (the terminal's bracketed paste) or a load."""

        def __init__(self, area: PasteArea) -> None:
            super().__init__()
            self.area = area

        @property
        def control(self) -> PasteArea:
            return self.area

    def get_line(self, line_index: int) -> Text:
        # as TextArea's own, but with the stand-ins put in before Text would drop a BEL: the
        # line stays as long as the document's, so the cursor and the selection stay right
        return Text(shown_in_place(self.document.get_line(line_index)), end="", no_wrap=True)

    async def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # TextArea's own handler would insert the paste a second time
        if not self.read_only:
            self.clear()  # a paste is a whole file: it replaces what the box holds, not joins it
        await super()._on_paste(event)
        if not self.read_only:
            self.post_message(self.Arrived(self))

    def load_text(self, text: str) -> None:
        super().load_text(text)
        if text:
            self.post_message(self.Arrived(self))
