"""Typed errors that cross layers: a one-line cause, a one-line fix, and an exit code.

The CLI and the TUI only render these; they never parse messages.
"""

from __future__ import annotations

# Exit codes, documented in `launch-wizard --help` and the README.
EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_REFUSED = 3
EXIT_NETWORK = 4
EXIT_SECRET_STORE = 5


class WizardError(Exception):
    exit_code = EXIT_BAD_INPUT

    def __init__(self, cause: str, fix: str = "") -> None:
        super().__init__(cause)
        self.cause = cause
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.cause}\n  fix: {self.fix}" if self.fix else self.cause


class ConfigError(WizardError):
    """A profile field, option or environment variable is missing or malformed."""


class KeyFileError(WizardError):
    """A private key or certificate cannot be used (bad PEM, wrong type, exists already...)."""


class RefusedError(WizardError):
    """Adobe (or the sandbox) answered and said no."""

    exit_code = EXIT_REFUSED

    def __init__(self, cause: str, fix: str = "", *, code: str = "", status: int = 0) -> None:
        super().__init__(cause, fix)
        self.code = code
        self.status = status


class IMSError(RefusedError):
    """IMS refused a token request: `code` is IMS's `error`, `cause` its description."""


class ReactorError(RefusedError):
    """The Launch (Reactor) API refused a call."""


class NetworkError(WizardError):
    """The server could not be reached or answered something that is not the API."""

    exit_code = EXIT_NETWORK


class SecretStoreError(WizardError):
    """The OS keyring (or the file fallback) cannot be used."""

    exit_code = EXIT_SECRET_STORE
