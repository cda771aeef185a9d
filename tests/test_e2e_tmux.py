"""The wizard in a real terminal: tmux runs `launch-wizard --sandbox`, keys are real key presses,
the screen is read back with capture-pane, and the copied token comes back through OSC 52."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid

import pytest

from tests.conftest import REPO, clean_env

pytestmark = pytest.mark.skipif(not shutil.which("tmux"), reason="tmux is not installed")


class Terminal:
    def __init__(self, env: dict[str, str], width: int = 100, height: int = 32) -> None:
        self.socket = f"lw-{uuid.uuid4().hex[:8]}"
        self.env, self.size = env, (width, height)

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True,
                              check=True, env=self.env).stdout

    def start(self) -> None:
        exe = os.path.join(os.path.dirname(sys.executable), "launch-wizard")
        command = f"cd {REPO} && {exe} --sandbox; sleep 60"
        if not self._running():
            self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "w", "-x", str(self.size[0]),
                      "-y", str(self.size[1]), command)
            self.tmux("set-option", "-g", "set-clipboard", "on")
        else:
            self.tmux("respawn-pane", "-k", "-t", "w", command)

    def _running(self) -> bool:
        return subprocess.run(["tmux", "-L", self.socket, "has-session", "-t", "w"],
                              capture_output=True, env=self.env).returncode == 0

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "w")

    def wait_for(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen shows:\n{self.screen()}")

    def keys(self, *keys: str, pause: float = 0.3) -> None:
        """Each key on its own, at a person's pace: sent 0.1 s apart, a paste after three Tabs
        now and then missed its box on a busy machine (not understood yet)."""
        for key in keys:
            self.tmux("send-keys", "-t", "w", key)
            time.sleep(pause)

    def wizard_pid(self) -> int:
        shell = int(self.tmux("display-message", "-p", "-t", "w", "#{pane_pid}").strip())
        children = subprocess.run(["pgrep", "-P", str(shell)], capture_output=True, text=True)
        return int(children.stdout.split()[0])

    def clipboard(self) -> str:
        return self.tmux("show-buffer")

    def paste(self, path) -> None:
        """A real paste: the file's text sent as the terminal sends a paste (bracketed)."""
        self.tmux("load-buffer", "-b", "paste", str(path))
        self.tmux("paste-buffer", "-p", "-b", "paste", "-t", "w")
        time.sleep(0.3)

    def test_and_copy_token(self) -> str:
        """On the test step: run it, copy the token (F3), read it back from tmux's buffer."""
        self.wait_for("Run the test (F5)")
        self.keys("Enter")
        self.wait_for("Sandbox Company")
        self.keys("F3")
        self.wait_for("Copied")
        return self.clipboard()

    def quit(self) -> None:
        """ctrl+q, then wait for the wizard's process to end."""
        pid = self.wizard_pid()
        self.keys("C-q")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        raise AssertionError("the wizard did not end after ctrl+q")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, env=self.env)


@pytest.fixture
def terminal_env(secret_service, tmp_path) -> dict[str, str]:
    return clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "config"), TERM="xterm-256color",
                     **secret_service.env)


@pytest.fixture
def terminal(terminal_env):
    term = Terminal(terminal_env)
    yield term
    term.close()


@pytest.fixture
def small_terminal(terminal_env):
    term = Terminal(terminal_env, 80, 24)
    yield term
    term.close()


def token_claims(token: str) -> dict:
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def saved_profile(tmp_path) -> str:
    return (tmp_path / "config" / "config.toml").read_text()


def without_this_environment(env: dict[str, str]) -> dict[str, str]:
    """`env` with a PATH that does not find this virtual environment's launch-wizard (as after
    `make run` from a fresh clone: the environment is not activated)."""
    bin_dir = os.path.dirname(sys.executable)
    path = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                           if p and os.path.abspath(p) != os.path.abspath(bin_dir))
    return {**env, "PATH": path}


@pytest.fixture
def fresh_clone_terminal(terminal_env):
    term = Terminal(without_this_environment(terminal_env), 80, 24)
    yield term
    term.close()


def test_jwt_flow_by_keyboard_at_80x24_and_the_done_steps_commands_work(fresh_clone_terminal,
                                                                         tmp_path):
    terminal = fresh_clone_terminal
    assert not shutil.which("launch-wizard", path=terminal.env["PATH"]) or \
        not os.path.samefile(shutil.which("launch-wizard", path=terminal.env["PATH"]),
                             os.path.join(os.path.dirname(sys.executable), "launch-wizard"))
    terminal.start()
    terminal.wait_for("Credential type")
    terminal.keys("Down", "Enter")              # the JWT service account
    terminal.wait_for("Adobe stopped issuing JWT")
    terminal.keys("C-n")                        # the sandbox filled in its organization
    terminal.wait_for("Which role do I need?")
    terminal.keys("Tab", "Tab", "Enter")        # the question first: tick Publish
    terminal.wait_for("Least-privileged role for Publish: Publisher")
    terminal.keys("Tab", "Tab", "Tab", "Tab", "Tab", "Enter")  # to the table: Publisher creates it
    terminal.wait_for("Created.")
    terminal.keys("C-n")
    terminal.wait_for("Key and certificate")
    terminal.keys("Enter")                      # Generate key and certificate
    terminal.wait_for("compare it in the console", timeout=60)
    terminal.keys("C-n")
    terminal.wait_for("Upload the certificate")
    terminal.keys("Enter")                      # Upload to the sandbox
    terminal.wait_for("the same fingerprint as yours")
    terminal.keys("C-n")
    terminal.wait_for("Credentials and private key")
    terminal.wait_for("saved: leave empty to keep it")  # the keyring answered: focus moved on
    terminal.keys("Tab", "Tab", "Tab")          # to the paste box; paste the wrong file
    terminal.paste(next((tmp_path / "config" / "keys").rglob("adobe-io-public.crt")))
    terminal.wait_for("this is a certificate, not a private key")
    terminal.keys("C-n")
    assert "Credentials and private key" in terminal.screen()  # refused: nothing went on
    terminal.keys("BTab", "BTab", "BTab", "Enter")  # back to "Use the generated key"
    terminal.wait_for("matches the certificate from step 3")
    terminal.keys("C-n")
    token = terminal.test_and_copy_token()
    assert "rights: develop, approve, publish" in " ".join(terminal.screen().split())
    client_id = next(line.split('"')[1] for line in saved_profile(tmp_path).splitlines()
                     if line.startswith("client_id"))
    assert token_claims(token)["client_id"] == client_id
    assert token[20:60] not in terminal.screen()  # copied, never shown
    terminal.keys("C-n")
    done = terminal.wait_for("launch-wizard is not on PATH")
    exe = os.path.join(os.path.dirname(sys.executable), "launch-wizard")
    commands = [line[line.index(exe):].rstrip(" │▊▌▐") for line in done.splitlines() if exe in line]
    assert [c.split()[1] for c in commands] == ["token", "status", "test"], done
    for command in commands:  # each runs as written, by a shell that does not find launch-wizard
        done_cmd = subprocess.run(command, shell=True, env=terminal.env, capture_output=True,
                                  text=True, timeout=60)
        assert done_cmd.returncode == 0, (command, done_cmd.stdout, done_cmd.stderr)
    terminal.quit()


def test_s2s_flow_survives_kill_9_and_resumes(terminal, tmp_path):
    terminal.start()
    terminal.wait_for("Credential type")
    terminal.keys("Tab", "Tab", "Enter")        # past Import, to Create (OAuth S2S, the default)
    terminal.wait_for("Created.")
    terminal.keys("C-n")
    terminal.wait_for("Client ID (API key)")
    os.kill(terminal.wizard_pid(), signal.SIGKILL)
    time.sleep(0.5)
    import tomllib

    saved = tomllib.loads(saved_profile(tmp_path))["profiles"]["sandbox"]
    assert saved["steps_done"] == ["organization"] and saved["org_id"].endswith("@AdobeOrg")
    terminal.start()                            # reopen: it resumes where it stopped
    shown = terminal.wait_for("saved: leave empty to keep it")  # the secret survived in the keyring
    assert "✓ 1. Organization" in shown and "▶ 2. Credentials" in shown
    terminal.keys("C-n")
    assert token_claims(terminal.test_and_copy_token())["type"] == "access_token"
    terminal.quit()


def test_kill_9_at_every_step_resumes_there_with_nothing_lost(terminal, tmp_path):
    """The JWT flow with the wizard killed (SIGKILL) after each step and opened again."""

    def kill_and_reopen(expect: str) -> str:
        os.kill(terminal.wizard_pid(), signal.SIGKILL)
        time.sleep(0.3)
        terminal.start()
        return terminal.wait_for(expect)

    terminal.start()
    terminal.wait_for("Credential type")
    terminal.keys("Down", "Enter")
    terminal.wait_for("Adobe stopped issuing JWT")
    terminal.keys("C-n")
    terminal.wait_for("Which role do I need?")
    kill_and_reopen("▶ 2. Role")
    terminal.keys(*["Tab"] * 7, "Enter")        # past the seven "which role" boxes, to the table
    terminal.wait_for("Created.")
    terminal.keys("C-n")
    terminal.wait_for("Generate key and certificate")
    kill_and_reopen("▶ 3. Key and")
    terminal.keys("Enter")
    terminal.wait_for("compare it in the console", timeout=60)
    key = next((tmp_path / "config" / "keys").rglob("private.key"))
    key_bytes = key.read_bytes()
    terminal.keys("C-n")
    terminal.wait_for("I have uploaded it")
    kill_and_reopen("▶ 4. Upload")
    terminal.keys("Enter")
    terminal.wait_for("the same fingerprint as yours")
    terminal.keys("C-n")
    terminal.wait_for("Use the generated key")
    kill_and_reopen("▶ 5. Credentials")
    terminal.wait_for("saved: leave empty to keep it")  # the keyring answered: focus moved on
    terminal.keys("Enter")
    terminal.wait_for("matches the certificate from step 3")
    terminal.keys("C-n")
    terminal.wait_for("Run the test (F5)")
    kill_and_reopen("▶ 6. Test")
    terminal.keys("Enter")
    terminal.wait_for("Sandbox Company: 3 properties")  # the last stage: shown once saved
    shown = kill_and_reopen("▶ 7. Done")
    terminal.wait_for("The test passed in an earlier session")
    assert key.read_bytes() == key_bytes and oct(key.stat().st_mode)[-3:] == "600"
    import tomllib

    saved = tomllib.loads(saved_profile(tmp_path))["profiles"]["sandbox"]
    assert saved["steps_done"] == ["organization", "role", "keys", "upload", "credentials", "test"]
    assert "✓ 6. Test" in shown


def test_ctrl_k_under_tmux_deletes_the_buffer_holding_the_token_and_says_so(terminal):
    terminal.start()
    terminal.wait_for("Credential type")
    terminal.keys("Tab", "Tab", "Enter")        # Create the integration in the sandbox
    terminal.wait_for("Created.")
    terminal.keys("C-n")
    terminal.wait_for("Client ID (API key)")
    terminal.keys("C-n")
    token = terminal.test_and_copy_token()      # set-clipboard on: tmux keeps it as a buffer
    assert token.count(".") == 2
    terminal.keys("C-k")
    terminal.wait_for("Clipboard")
    time.sleep(0.5)
    toasts = " ".join(line.rsplit("▌", 1)[1].strip() for line in terminal.screen().splitlines()
                      if "▌" in line)  # the toasts' column, right of their edge
    said = toasts[toasts.index("Clipboard"):]
    assert "Cleared: the terminal's clipboard, if it takes an empty copy (OSC 52); 1 tmux paste " \
           "buffer that held the token." in said, said
    assert "May still hold the token: a clipboard manager's history" in said
    names = terminal.tmux("list-buffers", "-F", "#{buffer_name}").split()
    assert not any(token in terminal.tmux("show-buffer", "-b", name) for name in names)
    terminal.quit()
