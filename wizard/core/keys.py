"""RSA keys and self-signed certificates: generate, load (forgiving mangled PEM), inspect, match.

Equivalent to Adobe's recipe:
`openssl req -x509 -sha256 -nodes -days 365 -newkey rsa:2048 -keyout private.key -out adobe-io-public.crt`
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.core.errors import KeyFileError, PassphraseNeeded, WrongPassphrase
from wizard.core.files import create_new, make_folders, read_limited
from wizard.core.safe_text import describe_secret
from wizard.core.vocabulary import Subject
from wizard.core.wording import utc_stamp

if TYPE_CHECKING:  # cryptography itself is imported when first needed
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.x509 import Certificate

PathLike = str | os.PathLike[str]

KEY_SIZES = (2048, 3072, 4096)
MAX_DAYS = 365
KEY_FILE = "private.key"
CERT_FILE = "adobe-io-public.crt"
MAX_PEM_CHARS = 64 * 1024  # an RSA 4096 key is about 3.3 KB, a certificate less

_PEM_BLOCK = re.compile(
    r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)(?:-----END ([A-Z0-9 ]+)-----|$)", re.DOTALL
)
_PEM_HEADER = re.compile(r"^(Proc-Type|DEK-Info):\s*(\S+)$")


def openssl_command(bits: int = 2048, days: int = MAX_DAYS, key_name: str = KEY_FILE,
                    cert_name: str = CERT_FILE) -> str:
    return (f"openssl req -x509 -sha256 -nodes -days {days} -newkey rsa:{bits} "
            f"-keyout {key_name} -out {cert_name}")


# --- reading PEM text, forgiving how it gets mangled in transit -----------------------------

def read_file(path: PathLike, what: str) -> str:
    """The text of the {what} file at `path` (at most 1 MiB, a regular file), or KeyFileError."""
    p = Path(path).expanduser()
    data = read_limited(p, name=f"{what} file", expected=f"the {what} file", error=KeyFileError)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise KeyFileError(f"{what} file {p} is binary, not PEM text",
                           f"convert it: openssl {'x509' if 'cert' in what else 'pkey'} "
                           f"-inform DER -in {p.name} -out {p.stem}.pem") from None


def normalize_pem(text: str) -> str:
    """One clean PEM block from text that lost its newlines, gained quotes, CRLF or `\\n`.

    Linear in the text's length, which is bounded first: pasted or from the environment, it
    may be anything."""
    if len(text) > MAX_PEM_CHARS:
        raise KeyFileError(f"this is {len(text) // 1024} KB of text; a PEM key or certificate is a "
                           "few KB", "give only the key or the certificate, from BEGIN to END")
    text = text.strip().strip("'\"").replace("\\r", "").replace("\\n", "\n").replace("\r", "")
    match = _PEM_BLOCK.search(text)
    if not match:
        return text
    label, body, end = match.group(1).strip(), match.group(2), match.group(3)
    if end is None or end.strip() != label:
        raise KeyFileError(f"the PEM is truncated: it has no '-----END {label}-----' line",
                           "copy the whole file again, from BEGIN to END")
    tokens = body.split()
    headers, start = [], 0
    while start + 1 < len(tokens) and tokens[start].endswith(":") \
            and _PEM_HEADER.match(header := f"{tokens[start]} {tokens[start + 1]}"):
        headers.append(header)
        start += 2
    b64 = "".join(tokens[start:])
    lines = [f"-----BEGIN {label}-----", *headers, *([""] if headers else []),
             *(b64[at:at + 64] for at in range(0, len(b64), 64)), f"-----END {label}-----"]
    return "\n".join(lines) + "\n"


def pem_label(text: str) -> str:
    match = _PEM_BLOCK.search(text)
    return match.group(1).strip() if match else ""


_NOT_A_KEY = {
    "CERTIFICATE": ("this is a certificate, not a private key",
                    f"use the private key made together with it (e.g. {KEY_FILE})"),
    "PUBLIC KEY": ("this is a public key, not a private key",
                   "use the private key file; the public half is in the certificate"),
    "RSA PUBLIC KEY": ("this is a public key, not a private key",
                       "use the private key file; the public half is in the certificate"),
    "CERTIFICATE REQUEST": ("this is a certificate signing request (CSR), not a private key",
                            "use the private key that the CSR was made with"),
}


def _check_rsa(key: object) -> RSAPrivateKey:
    from cryptography.hazmat.primitives.asymmetric import rsa

    if not isinstance(key, rsa.RSAPrivateKey):
        kind = type(key).__name__.removeprefix("_").replace("PrivateKey", "") or "non-RSA"
        raise KeyFileError(f"this is an {kind} key; Adobe needs RSA",
                           f"generate one with `launch-wizard keygen` or `{openssl_command()}`",
                           subject=Subject.PRIVATE_KEY)
    if key.key_size < 2048:
        raise KeyFileError(f"the RSA key is {key.key_size} bits; Adobe needs at least 2048",
                           "generate a new key with `launch-wizard keygen`", subject=Subject.PRIVATE_KEY)
    return key


def load_private_key(text: str, passphrase: str | None = None) -> RSAPrivateKey:
    """An RSA private key from PEM text (PKCS#1, PKCS#8 or OpenSSH; encrypted or not)."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization

    pem, label = _private_key_pem(text)
    encrypted = label == "ENCRYPTED PRIVATE KEY" or "Proc-Type: 4,ENCRYPTED" in pem or (
        label == "OPENSSH PRIVATE KEY" and b"bcrypt" in _b64_body(pem))
    if encrypted and not passphrase:
        raise PassphraseNeeded("the private key is encrypted: it needs its passphrase",
                               "enter the passphrase the key was made with",
                               subject=Subject.KEY_PASSPHRASE)
    password = passphrase.encode() if (passphrase and encrypted) else None
    loader = (serialization.load_ssh_private_key if label == "OPENSSH PRIVATE KEY"
              else serialization.load_pem_private_key)
    try:
        key = loader(pem.encode(), password=password)
    except (ValueError, TypeError):
        # cryptography says "wrong password" and "damaged" with the same exception type
        if encrypted:
            raise WrongPassphrase("wrong passphrase for the private key",
                                  "type the passphrase again; if it is right, the key is damaged: "
                                  "copy it again", subject=Subject.KEY_PASSPHRASE) from None
        raise KeyFileError("the private key's PEM is damaged (truncated or altered)",
                           "copy the whole file again, from BEGIN to END",
                           subject=Subject.PRIVATE_KEY) from None
    except UnsupportedAlgorithm as exc:
        raise KeyFileError(f"the private key cannot be read ({type(exc).__name__})",
                           "copy the whole file again, or generate a new key",
                           subject=Subject.PRIVATE_KEY) from None
    return _check_rsa(key)


def _private_key_pem(text: str) -> tuple[str, str]:
    """`text` as PEM and its label, once the label says a private key; else what it is instead."""
    if not text or not text.strip():
        raise KeyFileError("the private key is empty", "paste the whole private key file")
    pem = normalize_pem(text)
    label = pem_label(pem)
    if not label:
        raise KeyFileError("this is not a PEM private key (no '-----BEGIN ... PRIVATE KEY-----' "
                           f"line): it {describe_secret(text)}",
                           f"paste the contents of the private key file (e.g. {KEY_FILE})")
    if label in _NOT_A_KEY:
        raise KeyFileError(*_NOT_A_KEY[label])
    if not label.endswith("PRIVATE KEY"):
        raise KeyFileError(f"this is a PEM '{label}', not a private key",
                           f"paste the contents of the private key file (e.g. {KEY_FILE})")
    return pem, label


def _b64_body(pem: str) -> bytes:
    import base64
    import binascii

    body = "".join(line for line in pem.splitlines() if not line.startswith("-----"))
    try:
        return base64.b64decode(body)
    except (ValueError, binascii.Error):
        return b""


def load_certificate(text: str) -> Certificate:
    from cryptography import x509

    if not text or not text.strip():
        raise KeyFileError("the certificate is empty", f"use the certificate file (e.g. {CERT_FILE})")
    pem = normalize_pem(text)
    label = pem_label(pem)
    if label.endswith("PRIVATE KEY"):
        raise KeyFileError("this is a private key, not a certificate",
                           f"use the certificate made with it (e.g. {CERT_FILE}); "
                           "never upload a private key")
    if label != "CERTIFICATE":
        what = f"a PEM '{label}'" if label else "not PEM"
        looks = "" if label else f" (it {describe_secret(text)})"
        raise KeyFileError(f"this is {what}, not a certificate{looks}",
                           f"use the certificate file (e.g. {CERT_FILE})")
    try:
        return x509.load_pem_x509_certificate(pem.encode())
    except ValueError:
        raise KeyFileError("the certificate's PEM is damaged (truncated or altered)",
                           "copy the whole file again, from BEGIN to END") from None


def certificate_file(path: PathLike) -> Certificate:
    """The certificate in the PEM file at `path` (KeyFileError naming what is wrong)."""
    return load_certificate(read_file(path, "certificate"))


# --- inspecting -------------------------------------------------------------------------------

def fingerprint_sha1(cert: Certificate) -> str:
    """As Adobe's console and `aio certificate fingerprint` show it: lowercase hex, no colons."""
    from cryptography.hazmat.primitives import serialization

    return hashlib.sha1(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def fingerprint_sha256(cert: Certificate) -> str:
    from cryptography.hazmat.primitives import serialization

    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


@dataclass(frozen=True)
class CertInfo:
    subject: str
    not_before: dt.datetime
    not_after: dt.datetime
    days_left: int
    expired: bool
    sha1: str
    sha256: str
    key_type: str
    key_bits: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "not_before": utc_stamp(self.not_before),
            "not_after": utc_stamp(self.not_after),
            "days_left": self.days_left,
            "expired": self.expired,
            "fingerprint_sha1": self.sha1,
            "fingerprint_sha256": self.sha256,
            "key_type": self.key_type,
            "key_bits": self.key_bits,
        }


def cert_info(cert: Certificate, now: dt.datetime | None = None) -> CertInfo:
    from cryptography.hazmat.primitives.asymmetric import rsa

    now = now or dt.datetime.now(dt.UTC)
    public = cert.public_key()
    is_rsa = isinstance(public, rsa.RSAPublicKey)
    return CertInfo(
        subject=cert.subject.rfc4514_string(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        days_left=days_left(cert.not_valid_after_utc, now),
        expired=cert.not_valid_after_utc <= now or cert.not_valid_before_utc > now,
        sha1=fingerprint_sha1(cert),
        sha256=fingerprint_sha256(cert),
        key_type="RSA" if is_rsa else type(public).__name__.removeprefix("_").replace("PublicKey", ""),
        key_bits=getattr(public, "key_size", 0),
    )


def days_left(until: dt.datetime, now: dt.datetime) -> int:
    """Days until `until`, a day begun counted whole: a certificate made for 365 days has 365
    left once made (not 364 a second later), one that ends tonight 1; past it, a negative count."""
    left = until - now
    if left <= dt.timedelta(0):
        return left.days
    return -(-left // dt.timedelta(days=1))


def key_matches(key: RSAPrivateKey, cert: Certificate) -> bool:
    """Whether the private key is the one the certificate was made for."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    public = cert.public_key()
    return (isinstance(public, rsa.RSAPublicKey)
            and public.public_numbers() == key.public_key().public_numbers())


# --- generating -------------------------------------------------------------------------------

def generate_key(bits: int = 2048) -> RSAPrivateKey:
    from cryptography.hazmat.primitives.asymmetric import rsa

    if bits not in KEY_SIZES:
        raise KeyFileError(f"key size must be one of {', '.join(map(str, KEY_SIZES))}, not {bits}",
                           "use 2048 (Adobe's recipe), 3072 or 4096")
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _check_days(days: int) -> None:
    if not 1 <= days <= MAX_DAYS:
        raise KeyFileError(f"certificate validity must be 1 to {MAX_DAYS} days, not {days}",
                           f"give --days from 1 to {MAX_DAYS}" + (
                               " (Adobe refuses certificates valid for longer than a year)"
                               if days > MAX_DAYS else ""))


def make_certificate(key: RSAPrivateKey, days: int = MAX_DAYS, common_name: str = "launch-wizard",
                     organization: str = "", country: str = "",
                     now: dt.datetime | None = None) -> Certificate:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    _check_days(days)
    if country and len(country) != 2:
        raise KeyFileError(f"country must be a two-letter code, not {country!r}",
                           "use an ISO 3166 code such as US or DE")
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, common_name or "launch-wizard")]
    if organization:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    if country:
        attrs.append(x509.NameAttribute(NameOID.COUNTRY_NAME, country.upper()))
    name = x509.Name(attrs)
    now = now or dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )


def key_pem(key: RSAPrivateKey) -> str:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def cert_pem(cert: Certificate) -> str:
    from cryptography.hazmat.primitives import serialization

    return cert.public_bytes(serialization.Encoding.PEM).decode()


@dataclass(frozen=True)
class GeneratedPair:
    key_path: Path
    cert_path: Path
    key: RSAPrivateKey
    cert: Certificate


def generate_pair(out_dir: PathLike, bits: int = 2048, days: int = MAX_DAYS,
                  common_name: str = "launch-wizard", key_name: str = KEY_FILE,
                  cert_name: str = CERT_FILE) -> GeneratedPair:
    """A new key (0600) and self-signed certificate (0644) in `out_dir`; refuses existing files."""
    folder = Path(out_dir).expanduser()
    key_path, cert_path = folder / key_name, folder / cert_name
    if key_path == cert_path:
        raise KeyFileError("the key and the certificate need different file names",
                           "give --key-name and --cert-name different values")
    for path in (key_path, cert_path):
        if os.path.lexists(path):
            raise KeyFileError(f"{path} already exists; refusing to overwrite it",
                               "choose another folder or file name, or move the old file aside")
    _check_days(days)  # before the slow part
    key = generate_key(bits)
    cert = make_certificate(key, days, common_name)
    try:
        make_folders(folder)
    except OSError as exc:
        raise KeyFileError(f"cannot create folder {folder}: {exc.strerror or exc}",
                           "choose a folder you can write to") from None
    create_new(key_path, key_pem(key).encode(), 0o600, error=KeyFileError)
    try:
        create_new(cert_path, cert_pem(cert).encode(), 0o644, error=KeyFileError)
    except BaseException:
        key_path.unlink(missing_ok=True)  # a key without its certificate is of no use to anyone
        raise
    return GeneratedPair(key_path.resolve(), cert_path.resolve(), key, cert)
