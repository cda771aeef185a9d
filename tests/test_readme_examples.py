"""Every ```sh example in README.md, run as written by bash against the sandbox.

The text of each block is run unchanged, with `set -e -o pipefail` so that every command in it
must succeed, not only the last. What makes it reach the sandbox instead of Adobe is the
environment: `launch-wizard` from this interpreter's venv first on PATH, the profile's hosts from
LAUNCH_WIZARD_IMS_URL and LAUNCH_WIZARD_REACTOR_URL (which the README documents), the variables
an example expects from the reader ($ORG_ID, $CLIENT_ID, $CLIENT_SECRET) taken from an
integration made in the sandbox's console, and a HOME of the test's own holding the files an
example names (~/Downloads/credential.json). The text changes only where it must: the examples
are written for Adobe, so a literal https://reactor.adobe.io becomes the sandbox's Reactor URL;
and the sandbox example's port 8765 becomes another only if something here already holds it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO, clean_env, configure_s2s, run_cli
from wizard.core.console import Credentials, SandboxConsole

pytestmark = pytest.mark.skipif(
    not (shutil.which("curl") and shutil.which("jq")),
    reason="the README's examples use curl and jq (.ci/run installs both)")

ADOBE_REACTOR = "https://reactor.adobe.io"
README_PORT = "8765"
README_PROFILE_PORT = "8766"

# The heading each ```sh block sits under, and the test that runs it.
RUN = {
    "Already have credentials?": "test_import_the_console_download",
    "After the token": "test_after_the_token",
    "What can this credential do?": "test_what_can_this_credential_do",
    "Against real Adobe": "test_against_real_adobe",
    "Environment (the CI path)": "test_the_ci_path",
    "Sandbox": "test_sandbox_by_hand",
    "A profile on a running sandbox": "test_a_profile_on_a_running_sandbox",
}
NOT_RUN = {
    # `make run` opens the interactive wizard (driven by tests/test_tui.py and
    # tests/test_e2e_tmux.py); `make test` is what CI itself runs (.ci/run), this test included.
    "Quick start": "make run opens the wizard; make test runs this very suite",
}


def sh_blocks() -> dict[str, str]:
    """Each ```sh block of the README, by the heading above it (one block per heading)."""
    blocks: dict[str, str] = {}
    heading = ""
    for match in re.finditer(r"^(#+) ([^\n]+)$|^```sh\n(.*?)^```$", (REPO / "README.md").read_text(),
                             re.MULTILINE | re.DOTALL):
        if match.group(2):
            heading = match.group(2).strip()
        else:
            assert heading not in blocks, f"two ```sh blocks under {heading!r}: give each a test"
            blocks[heading] = match.group(3)
    return blocks


def test_every_example_is_run_or_said_why_not():
    assert set(sh_blocks()) == set(RUN) | set(NOT_RUN)
    assert set(RUN) & set(NOT_RUN) == set()
    quick_start = [line.split("#")[0].strip() for line in sh_blocks()["Quick start"].splitlines()]
    assert quick_start == ["make run", "make test"]  # nothing else goes unrun with them
    assert all(name in globals() for name in RUN.values())


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def run_block(text: str, env: dict[str, str], cwd: Path, timeout: float = 120) -> Ran:
    """`text` run by bash in a process group of its own, which is stopped after: anything the
    block left running in the background (a sandbox) goes with it."""
    out, err = cwd / ".block-stdout", cwd / ".block-stderr"
    with out.open("w") as stdout, err.open("w") as stderr:
        # files, not pipes: a background process would keep a pipe open after bash exits
        bash = subprocess.Popen(["bash", "-e", "-o", "pipefail", "-c", text], cwd=cwd, env=env,
                                stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            bash.wait(timeout)
        finally:
            _stop_group(bash)
    return Ran(bash.returncode, out.read_text(), err.read_text())


def _stop_group(leader: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(leader.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            leader.poll()  # a leader not yet reaped still counts as in the group
            try:
                os.killpg(leader.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
    leader.wait(5)


def block(heading: str, sandbox=None) -> str:
    text = sh_blocks()[heading]
    if sandbox is not None:  # written for Adobe; the one substitution
        text = text.replace(ADOBE_REACTOR, sandbox.reactor_url)
    return text


@pytest.fixture
def home(tmp_path) -> Path:
    folder = tmp_path / "home"
    (folder / "Downloads").mkdir(parents=True)
    return folder


def block_env(home: Path, sandbox=None, made: Credentials | None = None,
              keyring: dict[str, str] | None = None) -> dict[str, str]:
    """What a reader's shell would hold, pointed at the sandbox; no keyring unless given one."""
    env = clean_env(PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
                    LAUNCH_WIZARD_CONFIG_DIR=os.environ["LAUNCH_WIZARD_CONFIG_DIR"],
                    DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent")
    env.update(keyring or {})
    env["HOME"] = str(home)
    if sandbox is not None:
        env.update(LAUNCH_WIZARD_IMS_URL=sandbox.ims_url,
                   LAUNCH_WIZARD_REACTOR_URL=sandbox.reactor_url)
    if made is not None:
        env.update(ORG_ID=made.org_id, CLIENT_ID=made.client_id, CLIENT_SECRET=made.client_secret)
    return env


def companies(text: str) -> list[dict]:
    """The companies in the last JSON:API document of `text` (curl prints no newline after it)."""
    document, _ = json.JSONDecoder().raw_decode(text, text.rindex('{"data"'))
    assert [c["type"] for c in document["data"]] == ["companies"], text
    return document["data"]


def json_documents(text: str) -> list:
    """The JSON values printed one after another (compact, as `api` prints in a pipe)."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while at < len(text):
        if text[at].isspace():
            at += 1
            continue
        value, at = decoder.raw_decode(text, at)
        found.append(value)
    return found


def test_import_the_console_download(fresh_sandbox, home, tmp_path, secret_service):
    made = SandboxConsole(fresh_sandbox.console_url).create("download", "oauth-s2s").value
    (home / "Downloads" / "credential.json").write_text(json.dumps({  # as the console names them
        "ORG_ID": made.org_id, "CLIENT_ID": made.client_id, "CLIENT_SECRETS": [made.client_secret],
        "SCOPES": made.scopes, "TECHNICAL_ACCOUNT_ID": made.technical_account_id,
        "TECHNICAL_ACCOUNT_EMAIL": made.technical_account_email}))
    env = block_env(home, fresh_sandbox, keyring=secret_service.env)
    ran = run_block(block("Already have credentials?"), env, tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert made.client_id in ran.stdout and "Sandbox Company" in ran.stdout
    assert "Marketing site" in ran.stdout  # the test's properties
    assert made.client_secret not in ran.stdout + ran.stderr
    status = json.loads(run_cli("status", "--json", env=env).stdout)
    assert status["secrets"]["client_secret"].startswith("keyring"), status  # as its comment says


def test_after_the_token(fresh_sandbox, home, tmp_path):
    env = block_env(home, fresh_sandbox)
    made = configure_s2s(fresh_sandbox, env, name="api")
    ran = run_block(block("After the token", fresh_sandbox), env, tmp_path)
    assert ran.returncode == 0, ran.stderr
    lines = ran.stdout.splitlines()
    # api /companies; the first page; the names via --paginate | jq (one a line)
    assert companies(lines[0])[0]["attributes"]["org_id"] == made.org_id
    first_page = json.loads(lines[1])["data"]
    names = [p["attributes"]["name"] for p in first_page]
    assert sorted(names) == ["Marketing site", "Mobile app", "Support portal"]
    assert lines[2:5] == names
    # the POST's answer went to jq; the PATCH, DELETE (-i: no body) and -f POST answer
    patched, posted, filtered = json_documents("\n".join(lines[5:-1]))
    assert patched["data"]["attributes"]["name"] == "Blog (old)"
    assert "HTTP/1.1 204" in ran.stderr  # -i: the DELETE's status line
    assert posted["data"]["attributes"] == posted["data"]["attributes"] | {
        "name": "Blog", "platform": "web", "domains": ["blog.example.com"]}
    assert [p["id"] for p in filtered["data"]] == [posted["data"]["id"]]
    companies(lines[-1])  # curl with the headers
    after = json.loads(run_cli("api", "/companies/{company}/properties", env=env).stdout)["data"]
    assert sorted(p["attributes"]["name"] for p in after) == sorted([*names, "Blog"])
    assert patched["data"]["id"] not in {p["id"] for p in after}  # the DELETE



def test_what_can_this_credential_do(fresh_sandbox, home, tmp_path):
    env = block_env(home, fresh_sandbox)
    configure_s2s(fresh_sandbox, env, name="rights")  # the sandbox's default: every right
    ran = run_block(block("What can this credential do?", fresh_sandbox), env, tmp_path)
    assert ran.returncode == 0, ran.stderr
    out = ran.stdout
    assert out.count("✓ holds every right asked for, everywhere asked") == 2
    assert "Marketing site: acts as Admin" in out and "Support portal: acts as Admin" in out
    assert 'Marketing site: ["Admin"]' in out

def test_against_real_adobe(fresh_sandbox, home, tmp_path, secret_service):
    made = SandboxConsole(fresh_sandbox.console_url).create("prod", "oauth-s2s").value
    env = block_env(home, fresh_sandbox, made, keyring=secret_service.env)
    ran = run_block(block("Against real Adobe", fresh_sandbox), env, tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert "Sandbox Company" in ran.stdout and "Marketing site" in ran.stdout  # launch-wizard test
    assert companies(ran.stdout)[0]["attributes"]["org_id"] == made.org_id
    assert made.client_secret not in ran.stdout + ran.stderr
    status = json.loads(run_cli("status", "--json", env=env).stdout)
    assert status["secrets"]["client_secret"].startswith("keyring"), status


def test_the_ci_path(fresh_sandbox, home, tmp_path):
    made = SandboxConsole(fresh_sandbox.console_url).create("ci", "oauth-s2s").value
    env = block_env(home, fresh_sandbox, made)  # no keyring, as on a CI runner
    ran = run_block(block("Environment (the CI path)", fresh_sandbox), env, tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert companies(ran.stdout)[0]["attributes"]["org_id"] == made.org_id
    assert not (Path(env["LAUNCH_WIZARD_CONFIG_DIR"]) / "config.toml").exists()  # nothing saved


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def a_free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def nothing_listens(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def test_sandbox_by_hand(home, tmp_path):
    text = block("Sandbox")
    assert text.count(README_PORT) == 2  # the --port and $B
    port = int(README_PORT)
    if not port_is_free(port):  # taken on this machine (another run, another program): any other
        port = a_free_port()
        text = text.replace(README_PORT, str(port))
    ran = run_block(text, block_env(home), tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert companies(ran.stdout)[0]["attributes"]["name"] == "Sandbox Company"
    assert nothing_listens(port)  # the sandbox it started went with its process group


def test_a_profile_on_a_running_sandbox(home, tmp_path):
    text = block("A profile on a running sandbox")
    assert text.count(README_PROFILE_PORT) == 3  # the --port, the wait and --sandbox
    port = int(README_PROFILE_PORT)
    if not port_is_free(port):
        port = a_free_port()
        text = text.replace(README_PROFILE_PORT, str(port))
    ran = run_block(text, block_env(home), tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert "created integration" in ran.stdout and "Sandbox Company" in ran.stdout
    assert "this integration works." in ran.stdout
    assert nothing_listens(port)
