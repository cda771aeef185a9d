"""The box a file is pasted into (a private key, a console download).

Apart from widgets.py: TextArea is slow to import, and the first step does not need it."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import TextArea

from wizard.core.safe_text import shown_in_place


class PasteArea(TextArea):
    """A TextArea whose pasted control characters are shown as stand-ins (␛), each in its own
    place, not sent to the terminal."""

    def get_line(self, line_index: int) -> Text:
        # as TextArea's own, but with the stand-ins put in before Text would drop a BEL: the
        # line stays as long as the document's, so the cursor and the selection stay right
        return Text(shown_in_place(self.document.get_line(line_index)), end="", no_wrap=True)
