"""The key/certificate check, once for the wizard's two steps and the command line: a typed verdict
for each thing that can be wrong with a pair, and the command line's words for it."""

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from wizard.core.errors import KeyFileError, PassphraseNeeded, WrongPassphrase
from wizard.flows.key_check import Fault, KeyCheck, Verdict, check, check_files, open_key, usable_key


def encrypted(pair, passphrase: bytes) -> str:
    return pair.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.BestAvailableEncryption(passphrase)).decode()


def test_a_good_pair_passes(keypair):
    checked = check(keypair.key_path.read_text(), None, str(keypair.cert_path))
    assert checked.fault is None and checked.verdict is Verdict.OK
    assert checked.key is not None and checked.key.key_size == 2048
    assert checked.certificate is not None and checked.error is None


def test_a_key_alone_is_checked_as_a_key(keypair):
    checked = check(keypair.key_path.read_text())
    assert checked.verdict is Verdict.OK and checked.certificate is None


def test_a_mismatched_pair_fails_with_both_opened(keypair, other_keypair):
    checked = check(other_keypair.key_path.read_text(), None, str(keypair.cert_path))
    assert checked.fault is Fault.MISMATCH and checked.verdict is Verdict.FAILED
    assert checked.key is not None and checked.certificate is not None


def test_an_encrypted_key_needs_its_passphrase(keypair):
    pem = encrypted(keypair, b"s3cret")
    needed = check(pem, None, str(keypair.cert_path))
    assert needed.fault is Fault.PASSPHRASE_NEEDED and isinstance(needed.error, PassphraseNeeded)
    assert needed.key is None and needed.error.subject == "key_passphrase"
    wrong = check(pem, "nope", str(keypair.cert_path))
    assert wrong.fault is Fault.WRONG_PASSPHRASE and isinstance(wrong.error, WrongPassphrase)
    assert check(pem, "s3cret", str(keypair.cert_path)).verdict is Verdict.OK


def test_a_certificate_pasted_instead_of_the_key_is_not_a_key(keypair):
    checked = check(keypair.cert_path.read_text())
    assert checked.fault is Fault.KEY and checked.key is None
    assert "certificate" in checked.error.cause


def test_an_unreadable_certificate_is_the_certificates_fault(keypair, tmp_path):
    checked = check(keypair.key_path.read_text(), None, str(tmp_path / "missing.crt"))
    assert checked.fault is Fault.CERTIFICATE and checked.key is not None
    assert isinstance(checked.error, KeyFileError)


def test_an_expired_certificate_fails_only_where_it_is_refused(keypair, tmp_path):
    now = dt.datetime.now(dt.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "old")])
    old = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
           .public_key(keypair.key.public_key()).serial_number(1)
           .not_valid_before(now - dt.timedelta(days=400)).not_valid_after(now - dt.timedelta(days=35))
           .sign(keypair.key, hashes.SHA256()))
    path = tmp_path / "old.crt"
    path.write_bytes(old.public_bytes(serialization.Encoding.PEM))
    assert check(keypair.key_path.read_text(), None, str(path)).verdict is Verdict.OK
    refused = check_files(str(keypair.key_path), str(path))
    assert refused.fault is Fault.EXPIRED and refused.key is not None


def test_a_key_file_that_is_not_there_is_the_keys_fault(keypair, tmp_path):
    checked = check_files(str(tmp_path / "absent.key"), str(keypair.cert_path))
    assert checked.fault is Fault.KEY and "not found" in checked.error.cause


def test_the_command_line_words_name_the_option_and_the_files(keypair, other_keypair):
    with pytest.raises(PassphraseNeeded) as needed:
        usable_key(open_key(encrypted(keypair, b"pw")), "k.pem", "--key-passphrase-stdin")
    assert needed.value.cause.startswith("k.pem: ") and "--key-passphrase-stdin" in needed.value.fix
    mismatch = r"the private key o\.key does not belong to the certificate c\.crt"
    with pytest.raises(KeyFileError, match=mismatch):
        usable_key(check(other_keypair.key_path.read_text(), None, str(keypair.cert_path)),
                   "o.key", "--key-passphrase-stdin", "c.crt")
    with pytest.raises(WrongPassphrase):
        usable_key(open_key(encrypted(keypair, b"pw"), "nope"), "k.pem", "--passphrase-stdin")
    assert usable_key(open_key(keypair.key_path.read_text()), "k", "--x").key_size == 2048


def test_the_verdict_of_a_pair_not_yet_checked():
    assert Verdict.UNCHECKED == "unchecked" and KeyCheck(key=None).fault is None
    assert KeyCheck(Fault.KEY).verdict is Verdict.FAILED
