"""Sentinel secrets pushed through every headless flow, errors included: none may come out."""

import subprocess
import sys

import httpx
from cryptography.hazmat.primitives import serialization

from tests.conftest import REPO, clean_env, run_cli
from wizard.core.console import SandboxConsole

PASSPHRASE = "Sentinel-Passphrase-7f3e"
WRONG_SECRET = "Sentinel-Wrong-Secret-91ab"


def test_no_secret_leaves_through_output_files_or_errors(secret_service, sandbox, keypair, tmp_path):
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "config"), **secret_service.env)
    console = SandboxConsole(sandbox.console_url)
    creds = console.create("leaks", "jwt").value
    console.upload(creds.client_id, keypair.cert_path.read_text())
    locked = tmp_path / "locked.key"
    locked.write_bytes(keypair.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(PASSPHRASE.encode())))
    key_lines = [line for line in keypair.key_path.read_text().splitlines() if "-----" not in line]
    locked_lines = [line for line in locked.read_text().splitlines() if "-----" not in line]

    outputs = []

    def cli(*args, input=None, **extra_env):
        done = run_cli(*args, input=input, env=dict(env, **extra_env))
        outputs.append((args, done.stdout, done.stderr))
        return done

    assert cli("configure", "--auth", "jwt", "--org-id", creds.org_id, "--client-id", creds.client_id,
               "--technical-account-id", creds.technical_account_id, "--private-key", str(locked),
               "--certificate", str(keypair.cert_path), "--ims-url", sandbox.ims_url,
               "--reactor-url", sandbox.reactor_url, "--client-secret-stdin",
               "--key-passphrase-stdin", input=f"{creds.client_secret}\n{PASSPHRASE}\n").returncode == 0
    token = run_cli("token", env=env)  # its stdout is the token, by request: not scanned
    assert token.returncode == 0, token.stderr
    access_token = token.stdout.strip()
    outputs.append((("token",), "", token.stderr))
    assert cli("test").returncode == 0
    assert cli("status").returncode == 0
    assert cli("status", "--json").returncode == 0
    assert cli("inspect", str(locked), "--cert", str(keypair.cert_path), "--passphrase-stdin",
               input=PASSPHRASE + "\n").returncode == 0
    # forced failures, each on its own error path
    assert cli("token", "--refresh", LAUNCH_WIZARD_CLIENT_SECRET=WRONG_SECRET).returncode == 3
    assert cli("token", "--refresh", LAUNCH_WIZARD_IMS_URL="http://127.0.0.1:1").returncode == 4
    assert cli("inspect", str(locked), "--passphrase-stdin", input="wrong\n").returncode == 2
    assert cli("token", "--refresh", LAUNCH_WIZARD_PRIVATE_KEY=str(tmp_path / "missing.key"),
               LAUNCH_WIZARD_KEY_PASSPHRASE=PASSPHRASE).returncode == 2
    httpx.post(f"{sandbox.console_url}/faults", json={
        "path": "/ims/exchange/jwt", "status": 200, "body": '{"access_token": "' + access_token[:50]})
    assert cli("token", "--refresh").returncode == 4  # truncated answer carrying a token prefix

    sentinels = [creds.client_secret, PASSPHRASE, WRONG_SECRET, access_token, access_token[:50],
                 *key_lines[1:-1], *locked_lines[1:-1]]
    files = [p for p in (tmp_path / "config").rglob("*") if p.is_file()]
    texts = [f"{a} {o} {e}" for a, o, e in outputs] + [p.read_text(errors="replace") for p in files]
    hits = [(s[:12], t[:80]) for s in sentinels for t in texts if s in t]
    assert len(outputs) >= 10 and files  # the scan saw what it should
    assert hits == []


def test_debug_tracebacks_only_when_asked(tmp_path):
    """An internal error prints one line without its traceback (which can carry values)."""
    code = ("import wizard.commands.roles as r\n"
            "def boom(args):\n    secret = 'Sentinel-Local-5c1d'\n    raise ValueError(secret)\n"
            "r.roles = boom\nfrom wizard.cli import main\nraise SystemExit(main(['roles']))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                          env=clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path)))
    assert done.returncode == 1
    assert "internal error: ValueError" in done.stderr and "Sentinel-Local-5c1d" not in done.stderr
    assert "Traceback" not in done.stderr
