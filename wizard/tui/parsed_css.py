"""The wizard's stylesheets as parsed at one start, read back at the next, as Python keeps its
byte-code: Textual parses every stylesheet a screen uses (the wizard's own and each widget's)
whenever an app starts, about a quarter of what the wizard's first frame costs beyond a bare
Textual app's.

What the first frame needs is saved once the wizard's screen is styled, just before that
frame is drawn, and all the rest when the wizard closes (the footer's keys, later steps,
dialogs), each time only if any of it had to be parsed (a first start, a new Textual, a changed
stylesheet); the next start takes it from the cache folder. An entry's key is everything the parse reads: its
arguments (the text, where it came from, its place) and the theme's variables. The file is used
only when it was written under the same Python, Textual and Rich, is a regular file of this
user's that no one else may write, and is under a size limit; any other file, and anything wrong
inside one, only costs a parse.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from textual.css.model import RuleSet

if TYPE_CHECKING:
    from textual.css.stylesheet import Stylesheet

FILE_NAME = "parsed-css.pickle"
LIMIT = 4 << 20  # the first frame's rules take about 200 KiB

Key = tuple[object, ...]


def fingerprint() -> tuple[object, ...] | None:
    """What the parsed rules depend on besides their key: the Python and the installed Textual
    and Rich (an upgrade rewrites their files), whose classes the rules are made of; None where
    their files cannot be looked at (then nothing is read or saved)."""
    import rich
    import textual

    stamps: list[object] = [sys.version]
    for module in (textual, rich):
        try:
            info = os.stat(module.__file__ or "")
        except OSError:
            return None
        stamps.append((module.__file__, info.st_ino, info.st_mtime_ns, info.st_size))
    return tuple(stamps)


class ParsedCss:
    """The rules saved at `path`, served to one stylesheet; `save` keeps the ones it used."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._saved = self._load()
        self._used: dict[Key, list[RuleSet]] = {}
        self._parsed_here = False
        self._theme: tuple[dict[str, str] | None, Key] = (None, ())

    def _load(self) -> dict[Key, list[RuleSet]]:
        import pickle

        from wizard.core.files import read_private

        data = read_private(self.path, LIMIT)
        current = fingerprint() if data is not None else None
        if data is None or current is None:
            return {}
        try:
            stamp, saved = pickle.loads(data)
        except Exception:  # noqa: BLE001 - whatever a damaged or stale file raises costs a parse
            return {}
        return saved if stamp == current and isinstance(saved, dict) else {}

    def serve(self, stylesheet: Stylesheet) -> None:
        """Let `stylesheet` take its rules from here. Textual's own parse, behind this, is
        private: where it is not there as expected, the stylesheet is left as it is."""
        parse = getattr(stylesheet, "_parse_rules", None)
        if not callable(parse) or not isinstance(getattr(stylesheet, "_variables", None), dict):
            return

        def parse_rules(*args: Any, **kwargs: Any) -> list[RuleSet]:
            key = (args, tuple(sorted(kwargs.items())), self._variables(stylesheet._variables))
            saved = self._saved.get(key)
            if _are_rules(saved):
                rules: list[RuleSet] = saved
            else:
                rules = parse(*args, **kwargs)
                self._parsed_here = True
            self._used[key] = rules
            return rules

        setattr(stylesheet, "_parse_rules", parse_rules)  # noqa: B010 - mypy refuses a method

    def _variables(self, variables: dict[str, str]) -> Key:
        """The theme's variables as a key, made again only when the stylesheet got new ones."""
        if self._theme[0] is not variables:
            self._theme = (variables, tuple(variables.items()))
        return self._theme[1]

    def save(self) -> None:
        """Keep the rules used so far beside those kept before (another start may need those:
        the sandbox's, another size's), if any had to be parsed; only this start's where both
        would pass the size limit. A cache that cannot be written is no loss."""
        stamp = fingerprint() if self._parsed_here else None
        if stamp is None:
            return
        import pickle

        from wizard.core.files import write_atomically

        self._parsed_here = False
        for kept in ({**self._saved, **self._used}, self._used):
            try:
                data = pickle.dumps((stamp, kept), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001 - rules a later Textual cannot pickle: none are kept
                return
            if len(data) <= LIMIT:
                with contextlib.suppress(OSError):
                    write_atomically(self.path, data)
                return


def _are_rules(rules: object) -> TypeGuard[list[RuleSet]]:
    return isinstance(rules, list) and all(isinstance(rule, RuleSet) for rule in rules)


def for_this_user() -> ParsedCss:
    """The cache in the user's cache folder."""
    from wizard.core.profile import cache_dir

    return ParsedCss(cache_dir() / FILE_NAME)
