"""Typed errors that cross layers: a one-line cause, a one-line fix, and an exit code.

The CLI and the TUI only render these; they decide by type (and by `subject`), never by text.
`fix` is written for the command line; `subject` names what the user has to correct (a profile
field, a secret kind or another `Subject`) so that the wizard can point at its own step instead.
"""

from __future__ import annotations

from typing import Literal

# What an error can ask the user to correct (`subject`), beyond the profile's own fields.
from wizard.core.vocabulary import OTHER_SUBJECTS as OTHER_SUBJECTS
from wizard.core.vocabulary import SECRET_SUBJECTS as SECRET_SUBJECTS
from wizard.core.vocabulary import Subject

# Exit codes, documented in `launch-wizard --help` and the README.
EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_REFUSED = 3
EXIT_NETWORK = 4
EXIT_SECRET_STORE = 5


class WizardError(Exception):
    exit_code = EXIT_BAD_INPUT

    def __init__(self, cause: str, fix: str = "", *, subject: Subject | Literal[""] = "") -> None:
        super().__init__(cause)
        self.cause = cause
        self.fix = fix
        self.subject = subject

    def __str__(self) -> str:
        return f"{self.cause}\n  fix: {self.fix}" if self.fix else self.cause


class ConfigError(WizardError):
    """A profile field, option or environment variable is missing or malformed."""


class KeyFileError(WizardError):
    """A private key or certificate cannot be used (bad PEM, wrong type, exists already...)."""


class PassphraseNeeded(KeyFileError):
    """The key is encrypted and no passphrase was given (the wizard then shows the field)."""


class WrongPassphrase(KeyFileError):
    """The key is encrypted and the passphrase given does not open it."""


class RefusedError(WizardError):
    """Adobe (or the sandbox) answered and said no."""

    exit_code = EXIT_REFUSED

    def __init__(self, cause: str, fix: str = "", *, code: str = "", status: int = 0,
                 subject: Subject | Literal[""] = "") -> None:
        super().__init__(cause, fix, subject=subject)
        self.code = code
        self.status = status


class IMSError(RefusedError):
    """IMS refused a token request: `code` is IMS's `error`, `cause` its description."""


class SignatureMismatch(IMSError):
    """IMS could not match the JWT's signature to any certificate of the integration."""


class ScopeRefused(IMSError):
    """IMS refused the metascopes (JWT) or scopes (OAuth Server-to-Server) asked for."""


class ReactorError(RefusedError):
    """The Launch (Reactor) API refused a call."""


class NetworkError(WizardError):
    """The server could not be reached or answered something that is not the API."""

    exit_code = EXIT_NETWORK


class UntrustedCertificate(NetworkError):
    """The server's TLS certificate is not trusted here (a TLS-inspecting proxy, mostly)."""


class SecretStoreError(WizardError):
    """The OS keyring (or the file fallback) cannot be used: what to correct is the secret store,
    whoever raises it (the wizard asks where secrets go instead of giving the command line's fix)."""

    exit_code = EXIT_SECRET_STORE

    def __init__(self, cause: str, fix: str = "", *,
                 subject: Subject | Literal[""] = Subject.SECRET_STORE) -> None:
        super().__init__(cause, fix, subject=subject)
