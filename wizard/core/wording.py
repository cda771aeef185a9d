"""How both front doors word the same facts: counts, what a test saw, the rest of a list, the
credential type, a secret shown without being shown, and a cause said as a sentence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, assert_never

from wizard.core.vocabulary import AuthType


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def utc_stamp(at: dt.datetime | float) -> str:
    """A moment as every command prints it: ISO 8601 in UTC, to the second, with a Z
    ("2026-12-02T08:45:06Z"); `at` an aware datetime or seconds since the epoch."""
    moment = at if isinstance(at, dt.datetime) else dt.datetime.fromtimestamp(at, dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sentence(text: str) -> str:
    """A cause (written to follow "error: ") said on its own: capitalised, ending in a stop."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def seen(last_test: Mapping[str, Any]) -> str:
    """What a test saw, in words: "1 company, 3 properties"; "" if none is recorded."""
    if not last_test:
        return ""
    return (f"{plural(last_test['companies'], 'company', 'companies')}, "
            f"{plural(last_test['properties'], 'property', 'properties')}")


def more(total: int, shown: int) -> str:
    """"and 4 more" for the items of a list that were not shown; "" when all were."""
    return f"and {total - shown} more" if total > shown else ""


def credential_type(auth_type: AuthType) -> str:
    match AuthType(auth_type):
        case AuthType.JWT:
            return "JWT service account"
        case AuthType.OAUTH_S2S:
            return "OAuth Server-to-Server"
        case unknown:
            assert_never(unknown)


class Mask(StrEnum):
    """How a secret is shown: each front door keeps its own look."""

    COMMAND_LINE = "command line"  # ****abcd: its last four characters, from 16 on
    WIZARD = "wizard"  # its first six and last four around 24 dots, to tell tokens apart on screen


def mask(secret: str | None, style: Mask = Mask.COMMAND_LINE) -> str:
    """Never the secret: a mark of its length class and, for a long one, a few of its characters."""
    match style:
        case Mask.COMMAND_LINE:
            if not secret:
                return "(none)"
            return "****" + secret[-4:] if len(secret) >= 16 else "****"
        case Mask.WIZARD:
            secret = secret or ""
            return f"{secret[:6]}{'•' * 24}{secret[-4:]}" if len(secret) > 16 else "•" * 8
        case _:
            assert_never(style)
