"""Text from outside made safe to show on a terminal, and secrets described without being shown.

Outside text (server answers, imported files, names other people chose, paths) may hold
characters a terminal obeys rather than shows: ESC starts a sequence (OSC 52 writes the
clipboard), a C1 character is such a sequence in one character, a carriage return rewrites the
line, a bidi override reorders what is read. `terminal_safe` shows each as an escape instead
(`\\x1b`, `\\u202e`); tabs and newlines stay. The command line and the wizard pass every outside
text through it before they show it.
"""

from __future__ import annotations

import re
import unicodedata

# C0 but tab and newline, DEL, C1, the bidi embeddings/overrides/isolates, lone surrogates
# (a file name that is not UTF-8 arrives with them, and no terminal encoding can carry them).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def terminal_safe(text: str, *, json: bool = False) -> str:
    """`text` with every character a terminal would obey shown as an escape (`\\x1b`).

    `json`: `text` is a JSON document; the escapes are JSON's (`\\u001b`), so it stays valid JSON
    (such characters can only stand inside its strings)."""
    return _UNSAFE.sub(_json_escape if json else _escape, text)


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures: ␛ for ESC, ␀ for NUL
    return "\u2421" if code == 0x7F else "\ufffd"  # ␡ for DEL; � for C1, bidi, surrogates


def shown_in_place(text: str) -> str:
    """`text` with each character `terminal_safe` would escape replaced by one visible stand-in
    (␛ for ESC, � for a C1 or bidi control): for a field being edited, where each character must
    keep its one place."""
    return _UNSAFE.sub(_stand_in, text)


def invisible_character(text: str) -> str | None:
    """The first control or invisible formatting character in `text` (Unicode categories Cc,
    Cf, Cs: ESC, a zero-width space, a byte order mark, a bidi override), or None."""
    return next((ch for ch in text if unicodedata.category(ch) in ("Cc", "Cf", "Cs")), None)


def character_name(ch: str) -> str:
    """One character as a person can check it: `'о' (U+043E CYRILLIC SMALL LETTER O)`; a
    control character only by its escape and code point."""
    name = unicodedata.name(ch, "")
    shown = ch if ch.isprintable() else ascii(ch)[1:-1]
    return f"'{shown}' (U+{ord(ch):04X}{' ' + name if name else ''})"


_PEM = re.compile(r"-----BEGIN ([A-Z0-9 ]{1,40})-----")


def describe_secret(value: str) -> str:
    """What a secret looks like, never what it is: at most a prefix every value of its kind
    shares. For messages about a value put in the wrong place: "it looks like a client secret
    (p8e-...)", "it is text of 12 characters"."""
    text = value.strip()
    pem = _PEM.search(text)
    if pem:
        return f"looks like a PEM {pem.group(1).lower()}"
    if text.startswith("p8e-"):
        return "looks like a client secret (p8e-...)"
    if text.startswith("eyJ") and text.count(".") == 2:
        return "looks like an access token (eyJ...)"
    size = f"{len(text)} character{'' if len(text) == 1 else 's'}"
    if text.startswith(("/", "~", ".")) or "\\" in text or text.endswith((".key", ".pem")):
        return f"looks like a file path ({size})"
    return f"is text of {size}"
