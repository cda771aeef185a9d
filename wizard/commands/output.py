"""How the headless commands speak: marks, durations, confirmations, secrets and input read."""

from __future__ import annotations

import sys
from typing import TextIO

from wizard.core.safe_text import terminal_safe


def _utf8(stream: TextIO) -> bool:
    return (getattr(stream, "encoding", "") or "").lower().replace("-", "") == "utf8"


OK = "✓" if _utf8(sys.stdout) else "ok"
FAIL = "✗" if _utf8(sys.stdout) else "FAIL"


def say(text: str = "", *, json: bool = False) -> None:
    """A line on stdout, with what a terminal would obey in it shown escaped: a line may quote
    outside text (a server's names, an imported file's values). `json`: the line is a JSON
    document, escaped so that it stays one."""
    print(terminal_safe(text, json=json), flush=True)


def warn(text: str) -> None:
    print(terminal_safe(text), file=sys.stderr, flush=True)


def duration(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min" if minutes else f"{seconds} s"


def read_input(source: str, expected: str) -> str:
    """The text of the file `source`, or of standard input for "-"; `expected` says what it should
    be (e.g. "the JSON file the Developer Console downloaded"), for the fixes."""
    from wizard.core.files import read_stream
    from wizard.core.interop import decode_text, read_text

    if source != "-":
        return read_text(source, expected)
    if sys.stdin.isatty():
        warn("reading standard input (end it with ctrl-d)")
    return decode_text(read_stream(sys.stdin.buffer, expected=expected), "standard input", expected)


def read_secret(prompt: str) -> str:
    """A secret from the terminal (not echoed) or one line of standard input; never an option."""
    if sys.stdin.isatty():
        import getpass

        value = getpass.getpass(f"{prompt}: ")
    else:
        from wizard.core.files import MAX_FILE_BYTES

        value = sys.stdin.readline(MAX_FILE_BYTES + 1)  # an endless line is not read for ever
        if len(value) > MAX_FILE_BYTES:
            from wizard.core.errors import ConfigError

            raise ConfigError(f"standard input holds more than 1 MiB on one line: too much for the "
                              f"{prompt.lower()}", "pipe in the secret alone, on one line")
        value = value.rstrip("\r\n")
    if not value.strip():
        from wizard.core.errors import ConfigError

        raise ConfigError(f"no {prompt.lower()} was given on standard input",
                          "pipe it in, e.g. `printf '%s\\n' \"$SECRET\" | launch-wizard ...`")
    return value


def read_client_secret(prompt: str = "Client secret") -> str:
    """A client secret, read as `read_secret` reads it and held to the wizard's rule for one."""
    from wizard.core.profile import client_secret

    return client_secret(read_secret(prompt), prompt.lower())


def confirm(question: str, yes: bool, flag: str = "--yes") -> None:
    """Go on only if the person says so (or `flag` said it for a script)."""
    from wizard.core.errors import ConfigError

    if yes:
        return
    if not sys.stdin.isatty():
        raise ConfigError(f"this needs a confirmation: {question}",
                          f"run it in a terminal to answer, or add {flag}")
    answer = input(f"{question} [y/N] ").strip().lower()
    if answer not in ("y", "yes"):
        raise ConfigError("stopped: nothing was changed", "run it again when you are ready")
