"""The sandbox never opens, changes or writes a profile or a keyring entry it did not make: a real
profile named by LAUNCH_WIZARD_PROFILE or --profile keeps its URLs and its client secret, byte
for byte, while the wizard in sandbox mode creates an integration in a real terminal."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO, clean_env, run_cli
from tests.test_e2e_tmux import Terminal
from wizard.core.errors import ConfigError
from wizard.core.profile import Profile, ProfileStore
from wizard.core.secret_store import SANDBOX_SERVICE, MemoryBackend, SecretStore
from wizard.tui.state import WizardState

WORK_SECRET = "p8e-work-secret-that-must-stay-4711"
tmux = pytest.mark.skipif(not shutil.which("tmux"), reason="tmux is not installed")


class SandboxTerminal(Terminal):
    """tmux running `launch-wizard` with the arguments given, in the environment given."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        super().__init__(env)
        self.args = " ".join(args)

    def start(self) -> None:
        exe = os.path.join(os.path.dirname(sys.executable), "launch-wizard")
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "w", "-x", str(self.size[0]),
                  "-y", str(self.size[1]), f"cd {REPO} && {exe} {self.args}; sleep 60")


def config(env: dict[str, str]) -> Path:
    return Path(env["LAUNCH_WIZARD_CONFIG_DIR"]) / "config.toml"


def work_table(env: dict[str, str]) -> dict:
    return tomllib.loads(config(env).read_text())["profiles"]["work"]


def configure_work(env: dict[str, str], *extra: str) -> None:
    """A real profile for Adobe, its client secret in the store `extra` chooses."""
    done = run_cli("configure", "--org-id", "WORK0000@AdobeOrg", "--client-id", "work-client",
                   "--client-secret-stdin", *extra, input=WORK_SECRET + "\n", env=env)
    assert done.returncode == 0, done.stderr


def work_secret(env: dict[str, str]) -> str:
    """The work profile's client secret as the commands find it (from whichever store it is in)."""
    done = run_cli("export", "--format", "env", "--with-secrets", env=dict(env, LAUNCH_WIZARD_PROFILE="work"))
    assert done.returncode == 0, done.stderr
    return done.stdout


def create_in_the_sandbox_and_quit(env: dict[str, str], *args: str) -> None:
    """The wizard in sandbox mode: create the integration, test it, quit."""
    terminal = SandboxTerminal(env, "--sandbox", *args)
    try:
        terminal.start()
        terminal.wait_for("Credential type")
        terminal.keys("Tab", "Tab", "Enter")  # past Import, to Create (OAuth S2S)
        terminal.wait_for("Created.")
        terminal.keys("C-n")
        terminal.wait_for("Client ID (API key)")
        terminal.keys("C-n")
        terminal.wait_for("Run the test (F5)")
        terminal.keys("Enter")  # the sandbox's own secret, not the environment's, goes to its IMS
        terminal.wait_for("Sandbox Company")
        terminal.quit()
    finally:
        terminal.close()


def assert_work_untouched(env: dict[str, str], table: dict, secret_line: str) -> None:
    assert work_table(env) == table
    assert work_secret(env) == secret_line and WORK_SECRET in secret_line
    sandbox = tomllib.loads(config(env).read_text())["profiles"]["sandbox"]
    assert sandbox["keyring_service"] == SANDBOX_SERVICE and sandbox["client_id"]


@tmux
def test_sandbox_mode_never_touches_the_profile_the_environment_names(tmp_path):
    """The attack with secrets in a plaintext file: LAUNCH_WIZARD_PROFILE=work, then --sandbox."""
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"), TERM="xterm-256color",
                    PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    configure_work(dict(env, LAUNCH_WIZARD_PROFILE="work"), "--insecure-storage")
    table, secret_line = work_table(env), work_secret(env)
    secrets_file = Path(env["LAUNCH_WIZARD_CONFIG_DIR"]) / "secrets.json"
    work_entries = json.loads(secrets_file.read_text())["launch-wizard"]

    create_in_the_sandbox_and_quit(dict(env, LAUNCH_WIZARD_PROFILE="work",
                                        LAUNCH_WIZARD_CLIENT_SECRET=WORK_SECRET))

    assert_work_untouched(env, table, secret_line)
    assert json.loads(secrets_file.read_text())["launch-wizard"] == work_entries


@tmux
def test_sandbox_mode_never_touches_a_real_keyring_entry(tmp_path, secret_service):
    """The same attack with the work secret in a real Secret Service."""
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"), TERM="xterm-256color",
                    **secret_service.env)
    configure_work(dict(env, LAUNCH_WIZARD_PROFILE="work"))
    table, secret_line = work_table(env), work_secret(env)

    create_in_the_sandbox_and_quit(dict(env, LAUNCH_WIZARD_PROFILE="work"))

    assert_work_untouched(env, table, secret_line)


@pytest.mark.parametrize("args", [("--profile", "work"), ("--profile=work",)])
def test_sandbox_mode_refuses_to_open_a_real_profile(tmp_path, args):
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"))
    configure_work(dict(env, LAUNCH_WIZARD_PROFILE="work"), "--insecure-storage")
    before = config(env).read_bytes()
    done = run_cli("--sandbox", *args, env=env)
    assert done.returncode == 2
    assert done.stderr.startswith("error: profile 'work' is not one the sandbox made")
    assert "\n  fix: leave out --profile" in done.stderr
    assert config(env).read_bytes() == before


def test_a_real_profile_named_sandbox_is_refused_too(tmp_path):
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"))
    configure_work(dict(env, LAUNCH_WIZARD_PROFILE="sandbox"), "--insecure-storage")
    before = config(env).read_bytes()
    done = run_cli("--sandbox", env=env)
    assert done.returncode == 2 and "profile 'sandbox' is not one the sandbox made" in done.stderr
    assert "--sandbox --profile sandbox-2" in done.stderr
    assert config(env).read_bytes() == before


def test_a_new_name_is_a_sandbox_profile(tmp_path):
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"))
    done = run_cli("--sandbox", "--profile", "trial", env=env)
    assert "needs a terminal" in done.stderr  # got past the profile rule; nothing written
    assert not config(env).exists()


def test_the_state_refuses_a_real_profile_whatever_front_door(sandbox):
    profiles = ProfileStore()
    profiles.save(Profile(name="work", org_id="W@AdobeOrg", client_id="work-client"))
    memory = SecretStore(SANDBOX_SERVICE, MemoryBackend())
    with pytest.raises(ConfigError, match="not one the sandbox made"):
        WizardState.open("work", sandbox, memory, profiles)
    state = WizardState.open("trial", sandbox, memory, profiles)
    assert state.profile.keyring_service == SANDBOX_SERVICE
    assert state.profile.ims_url == sandbox.ims_url
    assert profiles.load("work").ims_url != sandbox.ims_url
