"""keygen and inspect: the seed's openssl step, and a check of what it made."""

from __future__ import annotations

import json
from argparse import Namespace
from typing import TYPE_CHECKING, Any

from wizard.commands.output import FAIL, OK, read_secret, say
from wizard.core.errors import KeyFileError
from wizard.flows.key_check import open_key, usable_key

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.x509 import Certificate


def keygen(args: Namespace) -> int:
    from wizard.core.keys import cert_info, generate_pair, openssl_command

    pair = generate_pair(args.out_dir, args.bits, args.days, args.cn, args.key_name, args.cert_name)
    info = cert_info(pair.cert)
    say(f"{OK} private key  {pair.key_path}  (RSA {args.bits}, mode 0600: keep it safe)")
    say(f"{OK} certificate  {pair.cert_path}  (expires {info.not_after:%Y-%m-%d})")
    say(f"   SHA-1 fingerprint: {info.sha1}")
    say(f"   same as: {openssl_command(args.bits, args.days, args.key_name, args.cert_name)}")
    say("next: upload the certificate to the integration in the Adobe Developer Console")
    return 0


def inspect(args: Namespace) -> int:
    from wizard.core.keys import certificate_file, normalize_pem, pem_label, read_file

    text = read_file(args.file, "key or certificate")
    label = pem_label(normalize_pem(text)) if text.strip() else ""
    report: dict[str, Any] = {"file": args.file}
    key, cert = _key_or_certificate(args, text, label)
    if key is not None:
        report["key"] = {"type": "RSA", "bits": key.key_size}
    if args.cert:
        cert = certificate_file(args.cert)
    problems = _problems(key, cert, report)
    report["good"] = not problems
    report["problems"] = [cause for cause, _ in problems]
    if args.json:
        say(json.dumps(report, indent=2), json=True)
    else:
        _print(report)
    if problems:
        raise KeyFileError("; ".join(c for c, _ in problems), "; ".join(f for _, f in problems))
    return 0


def _key_or_certificate(args: Namespace, text: str,
                        label: str) -> tuple[RSAPrivateKey | None, Certificate | None]:
    """The file read as a private key (always, with --cert) or else as a certificate."""
    from wizard.core.keys import load_certificate

    if args.cert or label.endswith("PRIVATE KEY"):
        passphrase = read_secret("Key passphrase") if args.passphrase_stdin else None
        key = usable_key(open_key(text, passphrase), args.file, "--passphrase-stdin")
        return key, None
    if label == "CERTIFICATE":
        return None, load_certificate(text)
    what = f"a PEM '{label}'" if label else "not PEM"
    raise KeyFileError(f"{args.file} is {what}: neither a private key nor a certificate",
                       "give the private key (e.g. private.key) or the certificate "
                       "(e.g. adobe-io-public.crt)")


def _problems(key: RSAPrivateKey | None, cert: Certificate | None,
              report: dict[str, Any]) -> list[tuple[str, str]]:
    """(cause, fix) of what is wrong with the certificate and the pair; their facts into `report`."""
    from wizard.core.keys import cert_info, key_matches

    problems: list[tuple[str, str]] = []
    if cert is not None:
        info = cert_info(cert)
        report["certificate"] = info.as_dict()
        if info.expired:
            problems.append((f"the certificate expired on {info.not_after:%Y-%m-%d}",
                             "generate a new pair (`launch-wizard keygen`) and upload its "
                             "certificate to the integration"))
    if key is not None and cert is not None:
        report["pair"] = key_matches(key, cert)
        if not report["pair"]:
            problems.append(("the private key does not belong to the certificate",
                             "give the key and the certificate that were generated together"))
    return problems


def _print(report: dict[str, Any]) -> None:
    if "key" in report:
        say(f"{OK} private key: RSA {report['key']['bits']} bits")
    cert = report.get("certificate")
    if cert:
        say(f"{OK if not cert['expired'] else FAIL} certificate: {cert['subject']}")
        say(f"   valid {cert['not_before'][:10]} to {cert['not_after'][:10]} "
            f"({'expired' if cert['expired'] else str(cert['days_left']) + ' days left'})")
        say(f"   key: {cert['key_type']} {cert['key_bits']} bits")
        say(f"   SHA-1 fingerprint:   {cert['fingerprint_sha1']}")
        say(f"   SHA-256 fingerprint: {cert['fingerprint_sha256']}")
    if "pair" in report:
        say(f"{OK} the key and the certificate belong together" if report["pair"]
            else f"{FAIL} the key and the certificate do NOT belong together")
