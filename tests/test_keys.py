import datetime as dt
import os
import shutil
import stat
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from wizard.core import keys
from wizard.core.errors import KeyFileError
from wizard.core.files import create_new

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key, fmt, password: bytes | None = None) -> str:
    enc = (serialization.BestAvailableEncryption(password) if password
           else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM, fmt, enc).decode()


PKCS8 = pem(RSA_KEY, serialization.PrivateFormat.PKCS8)
PKCS1 = pem(RSA_KEY, serialization.PrivateFormat.TraditionalOpenSSL)


def same_key(key) -> bool:
    return key.private_numbers() == RSA_KEY.private_numbers()


@pytest.mark.parametrize("mangle", [
    lambda t: t,
    lambda t: t.replace("\n", "\r\n"),                        # Windows line ends
    lambda t: "\n".join("    " + line for line in t.splitlines()),  # indented
    lambda t: f'"{t}"',                                       # quoted
    lambda t: t.replace("\n", "\\n"),                         # literal \n on one line
    lambda t: t.replace("\n", " "),                           # newlines lost in an env var
    lambda t: "\n".join(line + "   " for line in t.splitlines()),  # trailing spaces
    lambda t: "\n\n" + t + "\n\n",
])
@pytest.mark.parametrize("text", [PKCS8, PKCS1], ids=["pkcs8", "pkcs1"])
def test_mangled_pem_still_loads(text, mangle):
    assert same_key(keys.load_private_key(mangle(text)))


def test_encrypted_keys_pkcs8_and_pkcs1():
    for fmt in (serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL):
        text = pem(RSA_KEY, fmt, b"s3cret")
        assert same_key(keys.load_private_key(text, "s3cret"))
        assert same_key(keys.load_private_key(text.replace("\n", "\\n"), "s3cret"))
        with pytest.raises(keys.PassphraseNeeded, match="encrypted: it needs its passphrase"):
            keys.load_private_key(text)
        with pytest.raises(keys.WrongPassphrase, match="wrong passphrase"):
            keys.load_private_key(text, "nope")


def test_openssh_format_loads():
    text = RSA_KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                 serialization.NoEncryption()).decode()
    assert same_key(keys.load_private_key(text))


def _cert(key, days=30, start=None):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "t")])
    start = start or dt.datetime.now(dt.UTC)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1).not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=days)).sign(key, hashes.SHA256()))


CERT_PEM = _cert(RSA_KEY).public_bytes(serialization.Encoding.PEM).decode()


def _csr() -> str:
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "t")]))
           .sign(RSA_KEY, hashes.SHA256()))
    return csr.public_bytes(serialization.Encoding.PEM).decode()


# the keys are made at import: the test IDs name the message, the same in every test worker
@pytest.mark.parametrize("text, message", [
    ("", "the private key is empty"),
    ("   \n", "the private key is empty"),
    ("hello world", "not a PEM private key"),
    (CERT_PEM, "this is a certificate, not a private key"),
    (RSA_KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                       serialization.PublicFormat.SubjectPublicKeyInfo).decode(),
     "this is a public key"),
    (RSA_KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                       serialization.PublicFormat.PKCS1).decode(),
     "this is a public key"),
    (_csr(), "certificate signing request"),
    (PKCS8[: len(PKCS8) // 2], "truncated"),
    (PKCS8.replace(PKCS8.splitlines()[5], "A" * 64), "damaged"),
    (pem(ec.generate_private_key(ec.SECP256R1()), serialization.PrivateFormat.PKCS8),
     "an EC key; Adobe needs RSA"),
    (pem(rsa.generate_private_key(65537, 1024), serialization.PrivateFormat.PKCS8),
     "1024 bits; Adobe needs at least 2048"),
    ("-----BEGIN PRIVATE KEY-----\n@@@@\n-----END PRIVATE KEY-----", "damaged"),
], ids=lambda value: value if value.isascii() and len(value) < 60 and "-----" not in value else "pem")
def test_bad_keys_are_named(text, message):
    with pytest.raises(KeyFileError, match=message) as exc:
        keys.load_private_key(text)
    assert exc.value.fix  # every refusal says what to do


def test_read_file_errors(tmp_path):
    with pytest.raises(KeyFileError, match="private key file not found"):
        keys.read_file(tmp_path / "nope.key", "private key")
    with pytest.raises(KeyFileError, match="is a folder"):
        keys.read_file(tmp_path, "private key")
    (tmp_path / "bin.der").write_bytes(b"\x30\x82\xff\xfe\x00")
    with pytest.raises(KeyFileError, match="binary, not PEM"):
        keys.read_file(tmp_path / "bin.der", "certificate")


def test_certificate_loading_and_refusals():
    assert keys.load_certificate(CERT_PEM.replace("\n", "\\n")).subject.rfc4514_string() == "CN=t"
    with pytest.raises(KeyFileError, match="private key, not a certificate"):
        keys.load_certificate(PKCS8)
    with pytest.raises(KeyFileError, match="not PEM, not a certificate"):
        keys.load_certificate("garbage")
    with pytest.raises(KeyFileError, match="certificate is empty"):
        keys.load_certificate("")
    with pytest.raises(KeyFileError, match="truncated"):
        keys.load_certificate(CERT_PEM[:200])


def test_generate_pair_matches_adobes_recipe(tmp_path):
    pair = keys.generate_pair(tmp_path / "out", days=365, common_name="acme")
    assert pair.key_path.name == "private.key" and pair.cert_path.name == "adobe-io-public.crt"
    assert stat.S_IMODE(os.stat(pair.key_path).st_mode) == 0o600
    cert = keys.load_certificate(pair.cert_path.read_text())
    key = keys.load_private_key(pair.key_path.read_text())
    info = keys.cert_info(cert)
    assert key.key_size == 2048 and keys.key_matches(key, cert)
    assert cert.signature_hash_algorithm.name == "sha256"
    assert cert.issuer == cert.subject and info.subject == "CN=acme"
    assert 364 <= info.days_left <= 365 and not info.expired
    assert len(info.sha1) == 40 and info.sha1 == info.sha1.lower()


@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl not installed")
def test_fingerprint_is_what_openssl_and_the_console_show(keypair, tmp_path):
    out = subprocess.run(["openssl", "x509", "-in", str(keypair.cert_path), "-noout",
                          "-fingerprint", "-sha1"], capture_output=True, text=True, check=True)
    expected = out.stdout.strip().split("=", 1)[1].replace(":", "").lower()
    assert keys.fingerprint_sha1(keypair.cert) == expected
    # and a pair made by the seed's own openssl command loads and matches
    subprocess.run(["openssl", "req", "-x509", "-sha256", "-nodes", "-days", "365", "-newkey",
                    "rsa:2048", "-keyout", "private.key", "-out", "adobe-io-public.crt",
                    "-subj", "/CN=seed"], cwd=tmp_path, check=True, capture_output=True)
    key = keys.load_private_key((tmp_path / "private.key").read_text())
    cert = keys.load_certificate((tmp_path / "adobe-io-public.crt").read_text())
    assert keys.key_matches(key, cert) and not keys.key_matches(keypair.key, cert)


def test_generate_never_overwrites(tmp_path):
    (tmp_path / "adobe-io-public.crt").write_text("keep me")
    with pytest.raises(KeyFileError, match=r"adobe-io-public\.crt already exists"):
        keys.generate_pair(tmp_path)
    assert not (tmp_path / "private.key").exists()
    assert (tmp_path / "adobe-io-public.crt").read_text() == "keep me"
    with pytest.raises(KeyFileError, match="already exists"):
        create_new(tmp_path / "adobe-io-public.crt", b"x", 0o600, error=KeyFileError)


@pytest.mark.parametrize("kwargs, message", [
    ({"days": 366}, "1 to 365 days"),
    ({"days": 0}, "1 to 365 days"),
    ({"bits": 1024}, "key size must be one of 2048, 3072, 4096"),
    ({"key_name": "same", "cert_name": "same"}, "different file names"),
])
def test_generate_refuses_bad_options(tmp_path, kwargs, message):
    with pytest.raises(KeyFileError, match=message):
        keys.generate_pair(tmp_path, **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_expired_certificate_info():
    old = _cert(RSA_KEY, days=10, start=dt.datetime.now(dt.UTC) - dt.timedelta(days=20))
    info = keys.cert_info(old)
    assert info.expired and info.days_left < 0
    other = rsa.generate_private_key(65537, 2048)
    assert not keys.key_matches(other, old)
