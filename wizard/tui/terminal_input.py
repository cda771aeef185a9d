"""Pasted text as the terminal sent it.

Textual's parser (8.x) reads an ESC inside a bracketed paste as the start of a key sequence: a
paste of "AAA<ESC>xBBB" arrives as the keys "^xBBB" and then a paste of "AAA", so a field shows
"^xBBBAAA" and its check names the wrong character. `PasteParser` hides each ESC of a paste
from that parser and gives it back in the Paste event: the field holds what was pasted, shows the
ESC in its place (␛), and its check names it, as it does a BEL.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual._xterm_parser import XTermParser
from textual.message import Message

ESC = "\x1b"
PASTE_START, PASTE_END = f"{ESC}[200~", f"{ESC}[201~"
# stands for an ESC while the parser reads the paste: a lone surrogate, which no terminal can
# send (its input is decoded strictly from UTF-8)
_HIDDEN = "\udb1b"


def _end_begun(text: str) -> int:
    """How many characters at the end of `text` may begin the paste's end marker."""
    for size in range(min(len(text), len(PASTE_END) - 1), 0, -1):
        if PASTE_END.startswith(text[-size:]):
            return size
    return 0


class PasteParser(XTermParser):
    """Textual's parser, with each ESC inside a bracketed paste kept as pasted text."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._in_paste = False
        self._before = ""  # the last characters read outside a paste: a start marker split in two
        self._held = ""  # the end of what was read inside a paste: perhaps its end marker, begun

    def feed(self, data: str) -> Iterable[Message]:
        if data:  # "" is the end of input, passed on as it is
            data = self._hide_escapes(data)
            if not data:  # all held: the start of the paste's end marker, perhaps
                return
        for event in super().feed(data):
            if isinstance(event, events.Paste):
                event.text = event.text.replace(_HIDDEN, ESC)
            yield event

    def _hide_escapes(self, data: str) -> str:
        """`data` with each ESC inside a paste (not its end marker) replaced by a stand-in."""
        text, self._held = self._held + data, ""
        out: list[str] = []
        while text:
            if not self._in_paste:
                seen = self._before + text
                found = seen.find(PASTE_START)
                if found < 0:
                    self._before = seen[-(len(PASTE_START) - 1):]
                    out.append(text)
                    break
                start = found + len(PASTE_START) - len(self._before)
                out.append(text[:start])
                text, self._before, self._in_paste = text[start:], "", True
                continue
            found = text.find(PASTE_END)
            if found < 0:
                keep = _end_begun(text)
                self._held = text[len(text) - keep:]
                out.append(text[:len(text) - keep].replace(ESC, _HIDDEN))
                break
            out.append(text[:found].replace(ESC, _HIDDEN) + PASTE_END)
            text, self._in_paste = text[found + len(PASTE_END):], False
        return "".join(out)


def keep_escapes_in_pastes() -> None:
    """Make the Linux and macOS terminal driver read its input with `PasteParser` (Windows'
    driver, which has the same parser, is left as it is: it cannot be tried here)."""
    try:
        from textual.drivers import linux_driver
    except ImportError:  # no termios (Windows)
        return
    linux_driver.XTermParser = PasteParser  # type: ignore[misc]  # the name its input thread uses
