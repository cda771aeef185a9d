"""A throwaway certificate authority and a server certificate for the sandbox's --tls mode.

Tests (and curious users) see the two TLS cases a company network produces: a server the
client does not trust, and the same server trusted through SSL_CERT_FILE.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import shutil
import tempfile
from pathlib import Path

from wizard.core.errors import ConfigError
from wizard.core.files import create_new, make_folders


def remove_tls_files(ca_path: Path) -> None:
    """The folder make_tls_files made, with what is in it (its CA is of no use once stopped)."""
    shutil.rmtree(ca_path.parent, ignore_errors=True)


def make_tls_files(folder: Path) -> tuple[Path, Path, Path]:
    """(ca.pem, server.pem, server.key) in a new folder (0700) made inside `folder`: a CA, and a
    certificate it signed for 127.0.0.1, ::1 and localhost, both valid for a day.

    A folder of its own, so that nothing another user put in `folder` (a link, a file named
    server.key) is written through, read or changed."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "launch-wizard sandbox CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                         critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    server = (x509.CertificateBuilder()
              .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
              .issuer_name(ca_name).public_key(key.public_key())
              .serial_number(x509.random_serial_number())
              .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
              .add_extension(x509.SubjectAlternativeName([
                  x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                  x509.IPAddress(ipaddress.ip_address("::1")), x509.DNSName("localhost")]),
                  critical=False)
              .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                             critical=False)
              .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                             critical=False)
              .sign(ca_key, hashes.SHA256()))
    try:
        make_folders(folder)
        fresh = Path(tempfile.mkdtemp(prefix="sandbox-tls-", dir=folder))
    except OSError as exc:
        raise ConfigError(f"cannot make a folder for the TLS files in {folder}: "
                          f"{exc.strerror or exc}", "give --tls-dir a folder you can write to") from None
    paths = fresh / "ca.pem", fresh / "server.pem", fresh / "server.key"
    try:
        create_new(paths[0], ca.public_bytes(serialization.Encoding.PEM), 0o644)
        create_new(paths[1], server.public_bytes(serialization.Encoding.PEM), 0o644)
        create_new(paths[2], key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    except BaseException:  # a full disk, or Ctrl+C before the sandbox took the signals
        remove_tls_files(paths[0])
        raise
    return paths
