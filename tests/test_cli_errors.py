"""Every bad input a person can give the command line gets its cause and its fix, as the README
promises: `error: <cause>` then `  fix: <what to do>` on stderr, the right exit code, and nothing
else on stderr (no traceback, no internal error)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from tests.conftest import clean_env, run_main


@pytest.fixture
def env(tmp_path):
    return clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"),
                     DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent")


@pytest.fixture
def files(tmp_path, keypair, other_keypair):
    """Key and certificate files of every kind a person might hand over."""
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "junk.txt").write_text("hello")
    (folder / "cert.der").write_bytes(keypair.cert.public_bytes(serialization.Encoding.DER))
    (folder / "encrypted.key").write_bytes(keypair.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"hunter22")))
    (folder / "state.json").write_text("{not json")
    return {"key": keypair.key_path, "cert": keypair.cert_path, "other_cert": other_keypair.cert_path,
            "junk": folder / "junk.txt", "der": folder / "cert.der", "dir": folder,
            "encrypted": folder / "encrypted.key", "state": folder / "state.json",
            "missing": folder / "missing.key"}


def config(env, text: str | bytes) -> None:
    folder = Path(env["LAUNCH_WIZARD_CONFIG_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())


READY_S2S = ('[profiles.default]\nauth_type = "oauth-s2s"\norg_id = "ABC@AdobeOrg"\n'
             'client_id = "abc"\nstorage = "file"\n')
READY_JWT = ('[profiles.default]\nauth_type = "jwt"\norg_id = "ABC@AdobeOrg"\nclient_id = "abc"\n'
             'technical_account_id = "T@techacct.adobe.com"\nstorage = "file"\n')
ENV_S2S = {"LAUNCH_WIZARD_ORG_ID": "A@AdobeOrg", "LAUNCH_WIZARD_CLIENT_ID": "c"}
# What no message repeats: a client secret that is not one token as Adobe issues them (the
# wizard's rule), neither its start nor its end; more than the start of a value far too long.
SHOWN_NEVER = ("p8e-Start", "Sentinel9f3a", "x" * 40)

# (name, argv, stdin, extra environment, config.toml, exit code, words the cause must have)
BAD_INPUTS = [
    ("keygen 1024 bits", ["keygen", "--bits", "1024", "--out-dir", "{tmp}/k1"], None, {}, None, 2,
     "key size"),
    ("keygen 400 days", ["keygen", "--days", "400", "--out-dir", "{tmp}/k2"], None, {}, None, 2,
     "validity"),
    ("keygen 0 days", ["keygen", "--days", "0", "--out-dir", "{tmp}/k3"], None, {}, None, 2,
     "validity"),
    ("keygen into existing files", ["keygen", "--out-dir", "{key_dir}"], None, {}, None, 2,
     "already exists"),
    ("keygen into a file", ["keygen", "--out-dir", "{junk}"], None, {}, None, 2, "folder"),
    ("configure not a URL", ["configure", "--ims-url", "notaurl"], None, {}, None, 2, "URL"),
    ("configure clear-text URL", ["configure", "--ims-url", "http://example.com"], None, {}, None,
     2, "clear text"),
    ("configure empty scope", ["configure", "--scope", ""], None, {}, None, 2, "scope"),
    ("configure bad org", ["configure", "--org-id", "12345"], None, {}, None, 2, "@AdobeOrg"),
    ("configure bad tech account", ["configure", "--technical-account-id", "foo"], None, {}, None,
     2, "@techacct.adobe.com"),
    ("configure client id with space", ["configure", "--client-id", "a b"], None, {}, None, 2,
     "spaces"),
    ("configure 5000-character client ID", ["configure", "--client-id", "x" * 5000], None, {},
     None, 2, "client ID (API key) too long: 5000 characters, the limit is 256"),
    ("configure IMS URL too long", ["configure", "--ims-url", "https://ims.example.com/" + "x" * 3000],
     None, {}, None, 2, "limit is 2048"),
    ("token org ID too long in env", ["token"], None,
     ENV_S2S | {"LAUNCH_WIZARD_ORG_ID": "x" * 300 + "@AdobeOrg"}, None, 2, "LAUNCH_WIZARD_ORG_ID"),
    ("configure unknown role", ["configure", "--role", "Wizard"], None, {}, None, 2, "role"),
    ("configure bad metascope", ["configure", "--metascope", "a b"], None, {}, None, 2, "spaces"),
    ("configure missing key", ["configure", "--private-key", "{missing}"], None, {}, None, 2,
     "not found"),
    ("configure encrypted key", ["configure", "--private-key", "{encrypted}"], None, {}, None, 2,
     "passphrase"),
    ("configure cert as key", ["configure", "--private-key", "{cert}"], None, {}, None, 2,
     "certificate, not a private key"),
    ("configure empty secret", ["configure", "--client-secret-stdin"], "\n", {}, None, 2,
     "client secret"),
    ("configure secret with a space", ["configure", "--client-secret-stdin"],
     "p8e-Start Sentinel9f3a\n", {}, None, 2, "spaces"),
    ("configure secret with an escape", ["configure", "--client-secret-stdin"],
     "p8e-Start\x1b[2JSentinel9f3a\n", {}, None, 2, "control character"),
    ("rotate-secret secret with a tab", ["rotate-secret", "--client-secret-stdin"],
     "p8e-Start\tSentinel9f3a\n", {}, READY_S2S, 2, "control character"),
    ("migrate secret with a space", ["migrate", "--client-secret-stdin", "--yes"],
     "p8e-Start Sentinel9f3a\n", {}, READY_JWT, 2, "spaces"),
    ("token secret in env with a line break", ["token"], None,
     ENV_S2S | {"LAUNCH_WIZARD_CLIENT_SECRET": "p8e-Start\nSentinel9f3a"}, None, 2,
     "LAUNCH_WIZARD_CLIENT_SECRET"),
    ("configure mismatched pair", ["configure", "--private-key", "{key}", "--certificate",
                                   "{other_cert}", "--insecure-storage"], None, {}, None, 2,
     "does not belong"),
    ("configure bad profile name", ["configure", "--profile", "bad name!", "--org-id",
                                    "A@AdobeOrg"], None, {}, None, 2, "profile name"),
    ("inspect missing file", ["inspect", "{missing}"], None, {}, None, 2, "not found"),
    ("inspect junk", ["inspect", "{junk}"], None, {}, None, 2, "neither"),
    ("inspect DER", ["inspect", "{der}"], None, {}, None, 2, "binary"),
    ("inspect a folder", ["inspect", "{dir}"], None, {}, None, 2, "folder"),
    ("inspect mismatched pair", ["inspect", "{key}", "--cert", "{other_cert}"], None, {}, None, 2,
     "does not belong"),
    ("inspect encrypted without passphrase", ["inspect", "{encrypted}"], None, {}, None, 2,
     "passphrase"),
    ("inspect wrong passphrase", ["inspect", "{encrypted}", "--passphrase-stdin"], "nope\n", {},
     None, 2, "wrong passphrase"),
    ("roles unknown permission", ["roles", "--can", "fly"], None, {}, None, 2, "permission"),
    ("token incomplete profile", ["token"], None, {}, None, 2, "missing"),
    ("token without secret", ["token"], None, {}, READY_S2S, 2, "client secret"),
    ("token bad IMS URL in env", ["token"], None, {"LAUNCH_WIZARD_IMS_URL": "notaurl"}, None, 2,
     "LAUNCH_WIZARD_IMS_URL"),
    ("token bad auth type in env", ["token"], None, {"LAUNCH_WIZARD_AUTH_TYPE": "bogus"}, None, 2,
     "credential type"),
    ("token JWT key path missing", ["token"], None,
     {"LAUNCH_WIZARD_AUTH_TYPE": "jwt", "LAUNCH_WIZARD_ORG_ID": "A@AdobeOrg",
      "LAUNCH_WIZARD_CLIENT_ID": "c", "LAUNCH_WIZARD_TECHNICAL_ACCOUNT_ID": "T@techacct.adobe.com",
      "LAUNCH_WIZARD_CLIENT_SECRET": "s", "LAUNCH_WIZARD_PRIVATE_KEY": "{missing}"}, None, 2,
     "private key"),
    ("token unreachable IMS", ["token"], None,
     {"LAUNCH_WIZARD_ORG_ID": "A@AdobeOrg", "LAUNCH_WIZARD_CLIENT_ID": "c",
      "LAUNCH_WIZARD_CLIENT_SECRET": "s", "LAUNCH_WIZARD_IMS_URL": "http://127.0.0.1:1"}, None, 4,
     "refused"),
    ("status bad TOML", ["status"], None, {}, "[profiles\n", 2, "config.toml"),
    ("status non-UTF-8 config", ["status"], None, {}, b"\xff\xfe[profiles]\n", 2, "config.toml"),
    ("status wrong value type", ["status"], None, {}, '[profiles.default]\norg_id = 5\n', 2,
     "config.toml"),
    ("status profile not a table", ["status"], None, {}, '[profiles]\ndefault = 5\n', 2,
     "config.toml"),
    ("status profiles not a table", ["status"], None, {}, 'profiles = 5\n', 2, "config.toml"),
    ("status wrong list type", ["status"], None, {}, '[profiles.default]\nscopes = 5\n', 2,
     "config.toml"),
    ("sandbox public host", ["sandbox", "--host", "0.0.0.0"], None, {}, None, 2, "this machine"),
    ("sandbox port in use", ["sandbox", "--port", "{busy_port}"], None, {}, None, 2, "listen"),
    ("sandbox damaged state", ["sandbox", "--state", "{state}"], None, {}, None, 2, "state"),
]


@pytest.mark.parametrize("case", BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_every_bad_input_says_its_cause_and_its_fix(case, env, files, tmp_path, sandbox):
    _, argv, stdin, extra, config_text, code, words = case
    values = {k: str(v) for k, v in files.items()} | {"tmp": str(tmp_path),
                                                      "key_dir": str(files["key"].parent),
                                                      "busy_port": str(sandbox.port)}
    argv = [a.format(**values) for a in argv]
    if config_text is not None:
        config(env, config_text)
    before = _config_bytes(env)
    done = run_main(*argv, input=stdin, env=dict(env, **{k: v.format(**values)
                                                        for k, v in extra.items()}))
    lines = done.stderr.splitlines()
    errors = [i for i, line in enumerate(lines) if line.startswith("error: ")]
    assert done.returncode == code, (done.returncode, done.stderr)
    assert len(errors) == 1, done.stderr
    cause = lines[errors[0]]
    assert words.lower() in cause.lower(), cause
    assert len(lines) > errors[0] + 1 and re.match(r"  fix: \S", lines[errors[0] + 1]), done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    first = cause[len("error: "):].split()[0]  # one style: lower case, but for names like IMS
    assert first[0].islower() or first.isupper() or not first[0].isalpha(), cause
    assert _config_bytes(env) == before  # a refused command leaves the configuration as it was
    assert not any(part in done.stdout + done.stderr for part in SHOWN_NEVER), done.stderr


def _config_bytes(env) -> bytes | None:
    path = Path(env["LAUNCH_WIZARD_CONFIG_DIR"]) / "config.toml"
    return path.read_bytes() if path.exists() else None
