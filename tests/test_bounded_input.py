"""Unbounded input, as the attacks were made: endless devices, named pipes, huge files, folders,
links to devices, endless standard input, JSON nested 200,000 deep, a 2 MB one-line PEM. Each
is refused at once (exit 2 with a fix, for files and bodies), never read for ever, never a hang,
never an internal error. Every process runs under a timeout far above what a refusal takes."""

from __future__ import annotations

import asyncio
import base64
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO, clean_env, configure_s2s, run_cli
from tests.tui_helpers import screen_text, settle, type_into
from wizard.core import keys
from wizard.core.errors import KeyFileError

TIMEOUT_S = 10  # a refusal takes a fraction of a second; reading /dev/zero took 38 s
DEEP = "[" * 200_000 + "]" * 200_000


@pytest.fixture
def env(tmp_path):
    return clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"),
                     DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent")


@pytest.fixture
def hostile(tmp_path) -> dict[str, Path]:
    folder = tmp_path / "hostile"
    folder.mkdir()
    os.mkfifo(folder / "fifo")  # no writer: a plain open() would wait for ever
    (folder / "big").write_bytes(b"{" + b" " * (2 << 20) + b"}")
    (folder / "zero-link").symlink_to("/dev/zero")
    return {"/dev/zero": Path("/dev/zero"), "fifo": folder / "fifo", "2 MiB": folder / "big",
            "folder": folder, "link to /dev/zero": folder / "zero-link"}


def refused(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert done.stderr.startswith("error: ") and "\n  fix: " in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


COMMANDS = {
    "import": lambda p: ["import", str(p)],
    "inspect": lambda p: ["inspect", str(p)],
    "configure --private-key": lambda p: ["configure", "--auth", "jwt", "--private-key", str(p)],
    "configure --certificate": lambda p: ["configure", "--certificate", str(p)],
    "api --input": lambda p: ["api", "/companies", "-X", "POST", "--input", str(p)],
}
WHY = {"/dev/zero": "is a device, not a file", "fifo": "is a named pipe, not a file",
       "2 MiB": "holds more than 1 MiB", "folder": "is a folder, not a file",
       "link to /dev/zero": "is a device, not a file"}


@pytest.mark.parametrize("kind", list(WHY))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_path_that_is_not_a_small_file_is_refused_at_once(env, hostile, command, kind):
    refused(run_cli(*COMMANDS[command](hostile[kind]), env=env, timeout=TIMEOUT_S), WHY[kind])


@pytest.mark.parametrize("args", [["import", "-"], ["api", "/companies", "--input", "-"]])
def test_endless_standard_input_is_refused_past_the_limit(env, args):
    """`yes | launch-wizard import -`: refused once 1 MiB has come, not read until memory ends."""
    yes = subprocess.Popen(["yes"], stdout=subprocess.PIPE)
    try:
        done = subprocess.run([sys.executable, "-m", "wizard", *args], stdin=yes.stdout, env=env,
                              cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT_S)
    finally:
        yes.kill()
        yes.wait()
    refused(done, "standard input holds more than 1 MiB")


def test_dev_zero_as_standard_input_is_refused(env):
    with open("/dev/zero", "rb") as zero:
        done = subprocess.run([sys.executable, "-m", "wizard", "import", "-"], stdin=zero, env=env,
                              cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT_S)
    refused(done, "more than 1 MiB")


def test_an_endless_secret_line_is_refused(env):
    with open("/dev/zero", "rb") as zero:
        done = subprocess.run([sys.executable, "-m", "wizard", "configure", "--client-secret-stdin"],
                              stdin=zero, env=env, cwd=REPO, capture_output=True, text=True,
                              timeout=TIMEOUT_S)
    refused(done, "more than 1 MiB on one line")


@pytest.mark.parametrize("args", [["import"], ["api", "/companies", "--input"]])
def test_json_nested_200000_deep_is_bad_json(env, tmp_path, args):
    deep = tmp_path / "deep.json"
    deep.write_text(DEEP)
    refused(run_cli(*args, str(deep), env=env, timeout=TIMEOUT_S), "nested too deeply")
    refused(run_cli(*args, "-", input=DEEP, env=env, timeout=TIMEOUT_S), "nested too deeply")


def test_config_and_sandbox_state_that_are_not_files_are_refused(env, tmp_path, hostile):
    os.mkfifo(tmp_path / "state.json")
    refused(run_cli("sandbox", "--state", str(tmp_path / "state.json"), env=env, timeout=TIMEOUT_S),
            "is a named pipe")
    (tmp_path / "deep-state.json").write_text(DEEP)
    refused(run_cli("sandbox", "--state", str(tmp_path / "deep-state.json"), env=env,
                    timeout=TIMEOUT_S), "nested too deeply")
    cfg = Path(env["LAUNCH_WIZARD_CONFIG_DIR"])
    cfg.mkdir()
    os.mkfifo(cfg / "config.toml")
    refused(run_cli("status", env=env, timeout=TIMEOUT_S), "config.toml is a named pipe")


def test_a_plaintext_secrets_file_that_is_a_pipe_fails_fast(env):
    cfg = Path(env["LAUNCH_WIZARD_CONFIG_DIR"])
    done = run_cli("configure", "--org-id", "ABC@AdobeOrg", "--insecure-storage", env=env)
    assert done.returncode == 0, done.stderr
    os.mkfifo(cfg / "secrets.json")
    done = run_cli("configure", "--client-secret-stdin", input="s3cret\n", env=env, timeout=TIMEOUT_S)
    assert done.returncode == 5 and "secrets.json is a named pipe" in done.stderr
    assert "\n  fix: " in done.stderr


def test_private_key_path_in_the_environment_is_bounded(env, hostile):
    ci = dict(env, LAUNCH_WIZARD_AUTH_TYPE="jwt", LAUNCH_WIZARD_ORG_ID="ABC@AdobeOrg",
              LAUNCH_WIZARD_CLIENT_ID="client", LAUNCH_WIZARD_CLIENT_SECRET="secret",
              LAUNCH_WIZARD_TECHNICAL_ACCOUNT_ID="ABC@techacct.adobe.com",
              LAUNCH_WIZARD_IMS_URL="http://127.0.0.1:1", LAUNCH_WIZARD_REACTOR_URL="http://127.0.0.1:1",
              LAUNCH_WIZARD_PRIVATE_KEY=str(hostile["2 MiB"]))
    refused(run_cli("token", env=ci, timeout=TIMEOUT_S), "holds more than 1 MiB")


# --- PEM text pasted or from the environment (not a file) --------------------------------------

def _one_line_pem(size: int, headers: int = 0) -> str:
    body = base64.b64encode(os.urandom(size * 3 // 4)).decode()
    return ("-----BEGIN RSA PRIVATE KEY----- " + "Proc-Type: 4,ENCRYPTED " * headers + body
            + " -----END RSA PRIVATE KEY-----")


def test_a_2_mb_one_line_pem_is_refused_before_any_work():
    started = time.thread_time()  # this thread's CPU time: what other processes do cannot count
    with pytest.raises(KeyFileError, match="KB of text"):
        keys.load_private_key(_one_line_pem(2_000_000))
    with pytest.raises(KeyFileError, match="KB of text"):
        keys.load_certificate(_one_line_pem(2_000_000).replace("RSA PRIVATE KEY", "CERTIFICATE"))
    assert time.thread_time() - started < 1


@pytest.mark.parametrize("shape", ["one long line", "header-like tokens"])
def test_pem_clean_up_is_linear(monkeypatch, shape):
    """The clean-up itself, with the cap lifted: 2 MB of the shapes that once took quadratic time
    (0.95 s for the long line, 4.5 s for the tokens) take a small fraction of a second."""
    monkeypatch.setattr(keys, "MAX_PEM_CHARS", 1 << 30, raising=False)
    text = _one_line_pem(2_000_000) if shape == "one long line" else _one_line_pem(0, 90_000)
    started = time.thread_time()  # CPU time, steady however busy the machine is
    keys.normalize_pem(text)
    assert time.thread_time() - started < 0.5


def test_a_huge_pem_in_the_environment_is_refused(env):
    ci = dict(env, LAUNCH_WIZARD_AUTH_TYPE="jwt", LAUNCH_WIZARD_ORG_ID="ABC@AdobeOrg",
              LAUNCH_WIZARD_CLIENT_ID="client", LAUNCH_WIZARD_CLIENT_SECRET="secret",
              LAUNCH_WIZARD_TECHNICAL_ACCOUNT_ID="ABC@techacct.adobe.com",
              LAUNCH_WIZARD_IMS_URL="http://127.0.0.1:1", LAUNCH_WIZARD_REACTOR_URL="http://127.0.0.1:1",
              LAUNCH_WIZARD_PRIVATE_KEY=_one_line_pem(100_000))
    refused(run_cli("token", env=ci, timeout=TIMEOUT_S), "KB of text")


# --- JSON from servers, and what the sandbox is sent -------------------------------------------

def test_a_server_answer_nested_deep_is_an_explained_error(fresh_sandbox, tmp_path):
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"))
    configure_s2s(fresh_sandbox, env)
    httpx.post(f"{fresh_sandbox.console_url}/faults", json={
        "path": "/ims/token/v3", "status": 200, "body": DEEP, "content_type": "application/json"})
    done = run_cli("token", env=env, timeout=TIMEOUT_S)
    assert done.returncode == 4 and "not the API" in done.stderr and "internal error" not in done.stderr
    assert run_cli("token", env=env).returncode == 0  # the fault was once
    httpx.post(f"{fresh_sandbox.console_url}/faults", json={
        "path": "/reactor/companies", "status": 200, "body": DEEP, "content_type": "application/json"})
    done = run_cli("api", "/companies", env=env, timeout=TIMEOUT_S)
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    assert done.stdout.startswith("[[[")  # not JSON this tool can parse: shown as it came


def test_the_sandbox_answers_deep_bodies_with_400_not_500(fresh_sandbox):
    made = httpx.post(f"{fresh_sandbox.console_url}/integrations", content=DEEP,
                      headers={"content-type": "application/json"})
    assert made.status_code == 400 and "JSON" in made.json()["message"]
    made = httpx.post(f"{fresh_sandbox.console_url}/integrations",
                      json={"name": "deep", "auth_type": "oauth-s2s"}).json()
    token = httpx.post(f"{fresh_sandbox.ims_url}/ims/token/v3", data={
        "grant_type": "client_credentials", "client_id": made["client_id"],
        "client_secret": made["client_secret"], "scope": ",".join(made.get("scopes", []))}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}", "x-api-key": made["client_id"],
               "x-gw-ims-org-id": made["org_id"], "Content-Type": "application/vnd.api+json",
               "Accept": "application/vnd.api+json;revision=1"}
    company = httpx.get(f"{fresh_sandbox.reactor_url}/companies", headers=headers).json()["data"][0]
    sent = httpx.post(f"{fresh_sandbox.reactor_url}/companies/{company['id']}/properties",
                      content=DEEP, headers=headers)
    assert sent.status_code == 400 and sent.json()["errors"][0]["code"] == "invalid-json"
    claims = base64.urlsafe_b64encode(DEEP.encode()).decode().rstrip("=")
    jwt = f"eyJhbGciOiJSUzI1NiJ9.{claims}.c2ln"
    jwt_made = httpx.post(f"{fresh_sandbox.console_url}/integrations",
                          json={"name": "deep-jwt", "auth_type": "jwt"}).json()
    exchange = httpx.post(f"{fresh_sandbox.ims_url}/ims/exchange/jwt", data={
        "client_id": jwt_made["client_id"], "client_secret": jwt_made["client_secret"],
        "jwt_token": jwt})
    assert 400 <= exchange.status_code < 500


# --- the wizard: a path field pointed at a pipe ------------------------------------------------

async def test_the_wizard_reads_a_key_file_off_the_ui_thread(fresh_sandbox, keypair, tmp_path,
                                                            monkeypatch):
    """A named pipe in the key file field is refused at once and said so. A read that takes its
    time (a slow disk, a network share) runs off the UI thread: the wizard answers keys
    meanwhile, and Next pressed at once waits for the key instead of finding none."""
    from tests.test_tui import driving, make_app
    from tests.tui_helpers import jwt_opens_at
    from wizard.core.secret_store import MemoryBackend
    from wizard.tui.steps import credentials

    backend = MemoryBackend(limit=1000)
    await jwt_opens_at("credentials", fresh_sandbox, backend, keypair)
    app = make_app(fresh_sandbox, backend)
    fifo = tmp_path / "key.fifo"
    os.mkfifo(fifo)
    async with driving(app) as pilot:
        assert app.current == "credentials"
        await type_into(pilot, "#key-file", str(fifo))
        app.screen.query_one("#key-file").focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert f"{fifo} is a named pipe, not a file" in screen_text(app)
        assert not app.state.has_secret("private_key")

        release = threading.Event()
        real_read = credentials.read_file
        on_ui_thread = []

        def slow_read(path, what):
            on_ui_thread.append(threading.current_thread() is threading.main_thread())
            release.wait(5)
            return real_read(path, what)

        monkeypatch.setattr(credentials, "read_file", slow_read)
        await type_into(pilot, "#key-file", str(app.state.profile.private_key_path))
        key_file = app.screen.query_one("#key-file")
        key_file.focus()
        await pilot.press("enter", "tab")
        await pilot.pause()
        assert app.focused is not key_file and not release.is_set()  # the keys were taken
        assert on_ui_thread == [False]
        await pilot.press("ctrl+n")
        await pilot.pause()
        release.set()
        await asyncio.sleep(0)
        await settle(app, pilot, 4)
        assert app.current == "test" and app.state.has_secret("private_key")
