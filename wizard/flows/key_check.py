"""The private key and certificate check, once: does the key open (an encrypted one with its
passphrase), is it the certificate's own, has the certificate expired.

A check never raises for what it finds: its verdict says what is wrong and which input is at
fault, and each front door words it where its user looks (the wizard at a field, the command line
in an error naming the option that fixes it).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, assert_never

from wizard.core.errors import KeyFileError, PassphraseNeeded, WrongPassphrase

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.x509 import Certificate


class Verdict(StrEnum):
    """Of the key (and certificate) a person gave."""

    UNCHECKED = "unchecked"  # not checked yet, or changed since
    OK = "ok"
    FAILED = "failed"


class Fault(StrEnum):
    """What a failed check found, which says which input to correct."""

    PASSPHRASE_NEEDED = "passphrase needed"  # the key is encrypted and no passphrase was given
    WRONG_PASSPHRASE = "wrong passphrase"
    KEY = "key"  # not a usable private key: not one at all, damaged, not RSA, too short, unreadable
    CERTIFICATE = "certificate"  # the certificate cannot be read
    MISMATCH = "mismatch"  # the key is not the certificate's
    EXPIRED = "expired"  # the certificate has expired (only where that is refused)


@dataclass(frozen=True)
class KeyCheck:
    fault: Fault | None = None
    key: RSAPrivateKey | None = None  # once it opened
    certificate: Certificate | None = None  # once it was read
    error: KeyFileError | None = None  # the engine's words for a fault it found in a file or text

    @property
    def verdict(self) -> Verdict:
        return Verdict.OK if self.fault is None else Verdict.FAILED


def open_key(pem: str, passphrase: str | None = None) -> KeyCheck:
    """The private key in `pem`, opened with `passphrase` if it is encrypted."""
    from wizard.core.keys import load_private_key

    try:
        return KeyCheck(key=load_private_key(pem, passphrase))
    except PassphraseNeeded as exc:
        return KeyCheck(Fault.PASSPHRASE_NEEDED, error=exc)
    except WrongPassphrase as exc:
        return KeyCheck(Fault.WRONG_PASSPHRASE, error=exc)
    except KeyFileError as exc:
        return KeyCheck(Fault.KEY, error=exc)


def against(opened: KeyCheck, certificate: Certificate, *, refuse_expired: bool = False) -> KeyCheck:
    """The key `opened` checked against `certificate`: whether it is its own and, if
    `refuse_expired`, whether the certificate is still valid."""
    from wizard.core.keys import cert_info, key_matches

    if opened.key is None:
        return opened
    if not key_matches(opened.key, certificate):
        return KeyCheck(Fault.MISMATCH, opened.key, certificate)
    if refuse_expired and cert_info(certificate).expired:
        return KeyCheck(Fault.EXPIRED, opened.key, certificate)
    return KeyCheck(key=opened.key, certificate=certificate)


def check(pem: str, passphrase: str | None = None, certificate_path: str = "", *,
          refuse_expired: bool = False) -> KeyCheck:
    """The key in `pem`, and, given `certificate_path`, the pair."""
    from wizard.core.keys import certificate_file

    opened = open_key(pem, passphrase)
    if opened.key is None or not certificate_path:
        return opened
    try:
        certificate = certificate_file(certificate_path)
    except KeyFileError as exc:
        return KeyCheck(Fault.CERTIFICATE, opened.key, error=exc)
    return against(opened, certificate, refuse_expired=refuse_expired)


def check_files(key_path: str, certificate_path: str, passphrase: str | None = None) -> KeyCheck:
    """The pair in these two files, an expired certificate refused (a pair to sign with from now)."""
    from wizard.core.keys import read_file

    try:
        pem = read_file(key_path, "private key")
    except KeyFileError as exc:
        return KeyCheck(Fault.KEY, error=exc)
    return check(pem, passphrase, certificate_path, refuse_expired=True)


def usable_key(checked: KeyCheck, key_name: str, flag: str, certificate_path: str = "") -> RSAPrivateKey:
    """The key `checked` opened, if the check passed; else why not, worded for the command line:
    an encrypted key given no passphrase names the option `flag` that pipes one in."""
    match checked.fault:
        case None:
            assert checked.key is not None
            return checked.key
        case Fault.PASSPHRASE_NEEDED:
            assert checked.error is not None
            raise PassphraseNeeded(f"{key_name}: {checked.error.cause}",
                                   f"add {flag} and pipe the passphrase in, e.g. `printf '%s\\n' "
                                   f"\"$PASSPHRASE\" | launch-wizard ... {flag}`",
                                   subject=checked.error.subject)
        case Fault.WRONG_PASSPHRASE | Fault.KEY | Fault.CERTIFICATE:
            assert checked.error is not None
            raise checked.error
        case Fault.MISMATCH:
            raise KeyFileError(f"the private key {key_name} does not belong to the certificate "
                               f"{certificate_path}",
                               "give the key and the certificate that were generated together")
        case Fault.EXPIRED:
            raise KeyFileError(f"the certificate {certificate_path} has expired",
                               "generate a new pair (`launch-wizard keygen`) and upload its "
                               "certificate to the integration")
        case _:
            assert_never(checked.fault)
