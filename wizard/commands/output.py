"""How the headless commands speak: marks, durations, and the profile they work on."""

from __future__ import annotations

import contextlib
import os
import sys
from argparse import Namespace
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from wizard.core.errors import SecretStoreError
from wizard.core.profile import (
    ENV_PREFIX,
    SEEN_WITH,
    Profile,
    ProfileStore,
    apply_environment,
    endpoint_warnings,
)
from wizard.core.safe_text import terminal_safe
from wizard.core.secret_store import PLAINTEXT_WARNING, SecretStore, store_for

if TYPE_CHECKING:
    from wizard.core.tokens import TokenResult


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


@dataclass
class Context:
    """What a command works on: the profile (saved, with LAUNCH_WIZARD_* over it), where
    profiles are saved, and its secret store, opened once (so its warning is said once)."""

    profile: Profile
    profiles: ProfileStore
    _store: SecretStore | None = field(default=None, repr=False)

    @property
    def store(self) -> SecretStore:
        if self._store is None:
            self._store = secrets_for(self.profile)
        return self._store


def load(args: Namespace) -> Context:
    """The profile `--profile` names, with LAUNCH_WIZARD_* variables applied over it; a warning
    for each endpoint that is not Adobe's (nor this machine), every time."""
    profiles = ProfileStore()
    profile = apply_environment(profiles.load(args.profile))

    def source(name: str) -> str:
        var = ENV_PREFIX + name.upper()
        return f"set by {var}" if os.environ.get(var, "").strip() else f"set in {profiles.path}"

    for line in endpoint_warnings(profile, source):
        warn(f"warning: {line}")
    return Context(profile, profiles)


def secrets_for(profile: Profile) -> SecretStore:
    store = store_for(profile.storage, profile.keyring_service)
    if store.plaintext_file is not None:
        warn(PLAINTEXT_WARNING.format(path=store.plaintext_file))
    return store


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


def save_credentials(profiles: ProfileStore, profile: Profile, secrets: dict[str, str],
                     changes: Mapping[str, object]) -> str:
    """Secrets first, then `changes` to the saved `profile` (only those fields: another process
    may be changing others). If the store refuses a secret, the ones written this time are put
    back as they were and the profile is not changed. Where the secrets went, in words."""
    where = ""
    if secrets:  # a command given no secret never needs the keyring
        store = secrets_for(profile)
        before = {kind: store.get(profile.name, kind) for kind in secrets}
        try:
            for kind, value in secrets.items():
                store.set(profile.name, kind, value)
        except SecretStoreError:
            for kind, old in before.items():
                with contextlib.suppress(SecretStoreError):  # best effort: the first error is news
                    if old is None:
                        store.delete(profile.name, kind)
                    else:
                        store.set(profile.name, kind, old)
            raise
        from wizard.core.tokens import forget

        forget(profile, store)  # made with the old credential
        where = store.describe()
    profiles.update(profile.name, changes)
    return where


def access_token(context: Context, refresh: bool = False) -> TokenResult:
    """A token as `launch-wizard token` gets one (the cache unless `refresh`): its notes said, a
    metascope it learned kept."""
    from wizard.core.tokens import get_token

    result = get_token(context.profile, context.store, refresh=refresh)
    for note in result.notes:
        warn(note)
    if result.profile_changed:
        remember(context, result.profile, {"metascopes": result.profile.metascopes})
    return result


def remember(context: Context, used: Profile, changes: dict[str, Any]) -> None:
    """Keep `changes` in the saved profile, if it is the one `used` (LAUNCH_WIZARD_* variables
    may have pointed the command at another credential, or another process changed it
    meanwhile: then nothing is kept)."""
    context.profiles.update(used.name, changes, expect={f: getattr(used, f) for f in SEEN_WITH})
