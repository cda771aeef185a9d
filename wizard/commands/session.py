"""The session as a command opens it: the profile `--profile` names, LAUNCH_WIZARD_* over it, and
each event it reports printed on stderr (stdout stays for what the command was asked for)."""

from __future__ import annotations

from argparse import Namespace
from collections.abc import Mapping
from typing import assert_never

from wizard.commands.output import warn
from wizard.core.profile import Profile, ProfileStore
from wizard.core.secret_store import PLAINTEXT_WARNING
from wizard.core.vocabulary import SecretKind
from wizard.flows.session import EndpointWarning, Event, PlaintextStorage, Session, TokenNote


def report(event: Event) -> None:
    match event:
        case EndpointWarning(text):
            warn(f"warning: {text}")
        case PlaintextStorage(path):
            warn(PLAINTEXT_WARNING.format(path=path))
        case TokenNote(text):
            warn(text)
        case _:
            assert_never(event)


def load(args: Namespace) -> Session:
    """The profile `--profile` names, with the environment's LAUNCH_WIZARD_* variables over it."""
    return Session.load(args.profile, report)


def save_credentials(profiles: ProfileStore, profile: Profile, secrets: Mapping[SecretKind, str],
                     changes: Mapping[str, object]) -> str:
    """`configure` and `import`, which change the profile as saved (no environment over it):
    see `Session.save_credentials`."""
    return Session(profile, profiles, report).save_credentials(profile, secrets, changes)
