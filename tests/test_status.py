"""What `status` says is what is true: a failed test is recorded and shown (and exits as the
test did), a refused token leaves its cache, secrets the flow no longer uses are named with the
command that removes them, the CI path caches its token in a file, and one command points a
profile at a running sandbox. Real sockets; each command runs `main(argv)` as a fresh process
would (`run_main`), the sandbox command a real process."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO, clean_env, configure_s2s, run_main
from tests.test_outside_text import HOSTILE, SHOWN, assert_no_raw
from wizard.core.console import SandboxConsole
from wizard.core.errors import ConfigError
from wizard.core.profile import ProfileStore
from wizard.core.secret_store import MemoryBackend

NO_KEYRING = "keyring.backends.fail.Keyring"


@pytest.fixture
def env(tmp_path):
    """A process environment with its own config and cache folders and no keyring."""
    return clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"),
                     LAUNCH_WIZARD_CACHE_DIR=str(tmp_path / "cache"),
                     PYTHON_KEYRING_BACKEND=NO_KEYRING)


def status(env: dict[str, str], *args: str) -> tuple[int, dict]:
    done = run_main("status", "--json", *args, env=env)
    return done.returncode, json.loads(done.stdout)


def issued(sandbox, client_id: str) -> int:
    return sandbox.state.tokens_issued.get(client_id, 0)


def test_a_secret_in_the_environment_that_cannot_be_used_is_one_problem_among_the_facts(sandbox, env):
    """status stopped at a bad LAUNCH_WIZARD_CLIENT_SECRET with only the error: the diagnostic
    command now shows the profile, and names the variable among its problems (never its value)."""
    configure_s2s(sandbox, env, "bad-env", run=run_main)
    bad = dict(env, LAUNCH_WIZARD_CLIENT_SECRET="p8e-half one")
    shown = run_main("status", env=bad)
    assert shown.returncode == 2, shown.stderr
    assert "LAUNCH_WIZARD_CLIENT_SECRET: client secret must not contain spaces" in shown.stdout
    assert "half" not in shown.stdout + shown.stderr
    code, report = status(bad)
    assert code == 2 and report["client_id"] and any(
        "LAUNCH_WIZARD_CLIENT_SECRET" in problem for problem in report["problems"])
    assert report["secrets"]["client_secret"].startswith("unusable: ")


# --- item 4: a failed test is recorded, shown, and status exits as it did ----------------------

def test_a_credential_deleted_in_the_console_fails_test_and_status_says_so(sandbox, env):
    made = configure_s2s(sandbox, env, "deleted", run=run_main)
    assert run_main("test", env=env).returncode == 0
    code, before = status(env)
    assert code == 0 and before["token"]["cached"] and before["last_failure"] is None
    assert httpx.delete(f"{sandbox.console_url}/integrations/{made.client_id}").status_code == 204

    tested = run_main("test", env=env)
    assert tested.returncode == 3 and "invalid_client" in tested.stderr
    shown = run_main("status", env=env)
    assert shown.returncode == 3  # as `gh auth status` does with a bad token
    assert f"last test: FAILED {before['last_test']['at'][:10]}" in shown.stdout
    assert f"at access token from {sandbox.ims_url}: " in shown.stdout
    assert "last passing test:" in shown.stdout and "ready" not in shown.stdout
    assert "token: none cached" in shown.stdout  # IMS refused the credential: its token is gone
    code, after = status(env)
    failure = after["last_failure"]
    assert code == 3 and failure["exit_code"] == 3 and failure["stage"].startswith("access token")
    assert after["token"]["cached"] is False and after["last_test"] == before["last_test"]


def test_a_token_the_launch_api_refuses_is_dropped_at_once(fresh_sandbox, env):
    made = configure_s2s(fresh_sandbox, env, "revoked", run=run_main)
    assert run_main("token", env=env).returncode == 0
    assert status(env)[1]["token"]["cached"]
    # the token is revoked but the credential still works at IMS: the Reactor refuses it
    fault = {"path": "/reactor/companies", "status": 401, "times": 5,
             "body": {"error_code": "401013", "message": "Oauth token is not valid"}}
    assert httpx.post(f"{fresh_sandbox.console_url}/faults", json=fault).status_code == 201
    tested = run_main("test", env=env)
    assert tested.returncode == 3 and "✗ GET" in tested.stdout
    code, report = status(env)
    assert code == 3 and report["token"]["cached"] is False
    assert report["last_failure"]["stage"] == f"GET {fresh_sandbox.reactor_url}/companies"
    # the api command: a cached token refused once is replaced; refused anew, it is dropped
    assert run_main("token", env=env).returncode == 0
    assert run_main("api", "/companies", env=env).returncode == 3
    assert status(env)[1]["token"]["cached"] is False
    assert issued(fresh_sandbox, made.client_id) == 4  # token, test, token, api's one retry


def test_status_says_what_it_did_not_check_and_check_makes_the_calls(sandbox, env):
    made = configure_s2s(sandbox, env, "check", run=run_main)
    never = run_main("status", env=env)
    assert never.returncode == 0 and "never checked" in never.stdout
    assert run_main("test", env=env).returncode == 0
    at = status(env)[1]["last_test"]["at"]
    shown = run_main("status", env=env)
    assert f"not checked since {at}" in shown.stdout and "status --check" in shown.stdout
    tokens = issued(sandbox, made.client_id)
    checked = run_main("status", "--check", env=env)
    assert checked.returncode == 0 and "checked just now" in checked.stdout
    assert "this integration works" in checked.stdout
    assert issued(sandbox, made.client_id) == tokens + 1  # a live exchange, then GET /companies
    code, report = status(env, "--check")  # the test's lines go to stderr: stdout stays JSON
    assert code == 0 and report["checked"] == "now" and "GET " in run_main(
        "status", "--check", "--json", env=env).stderr

    httpx.delete(f"{sandbox.console_url}/integrations/{made.client_id}")
    failed = run_main("status", "--check", env=env)
    assert failed.returncode == 3 and "error: IMS refused" in failed.stderr
    assert "last test: FAILED" in failed.stdout


def test_an_unreachable_server_is_recorded_and_exits_4(sandbox, env):
    configure_s2s(sandbox, env, "offline", run=run_main)
    assert run_main("test", env=env).returncode == 0
    assert run_main("configure", "--ims-url", "http://127.0.0.1:1", env=env).returncode == 0
    assert run_main("test", env=env).returncode == 4
    code, report = status(env)
    assert code == 4 and report["last_failure"]["exit_code"] == 4
    assert run_main("configure", "--ims-url", sandbox.ims_url, env=env).returncode == 0
    assert run_main("test", env=env).returncode == 0  # a passing test clears the failure
    assert status(env)[0] == 0 and status(env)[1]["last_failure"] is None


def test_a_failure_cause_is_kept_as_is_and_shown_escaped(fresh_sandbox, env, tmp_path):
    configure_s2s(fresh_sandbox, env, "hostile", run=run_main)
    fault = {"path": "/ims/token/v3", "status": 400,
             "body": {"error": "invalid_client", "error_description": HOSTILE}}
    assert httpx.post(f"{fresh_sandbox.console_url}/faults", json=fault).status_code == 201
    assert run_main("test", env=env).returncode == 3
    saved = ProfileStore(tmp_path / "cfg" / "config.toml").load()
    assert HOSTILE in saved.last_failure["cause"]  # outside text, stored as it came
    shown = run_main("status", env=env)
    assert shown.returncode == 3
    assert_no_raw(shown.stdout + shown.stderr)
    assert SHOWN in shown.stdout


async def test_a_failed_test_in_the_wizard_is_recorded_for_status(fresh_sandbox):
    from tests.test_tui import driving, make_app
    from tests.tui_helpers import s2s_opens_at, settle

    backend = MemoryBackend(limit=1000)
    await s2s_opens_at("test", fresh_sandbox, backend)
    app = make_app(fresh_sandbox, backend)
    async with driving(app) as pilot:
        assert app.current == "test"
        await pilot.press("f5")
        await settle(app, pilot, 3)
        assert app.state.profile.last_test and not app.state.profile.last_failure
        client_id = app.state.profile.client_id
        httpx.delete(f"{fresh_sandbox.console_url}/integrations/{client_id}")
        await pilot.press("f5")
        await settle(app, pilot, 3)
    saved = ProfileStore().load(app.state.profile.name)
    failure = saved.last_failure
    assert failure["exit_code"] == 3 and "invalid" in failure["cause"]
    assert failure["stage"] and saved.last_test  # the stage's title; the old pass stays older news


def test_old_profile_files_still_load_and_a_bad_failure_record_is_refused(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[profiles.default]\nlast_test = {at = "2026-01-01T00:00:00Z", '
                    'companies = 1, properties = 3}\n')
    assert ProfileStore(path).load().last_failure == {}
    path.write_text('[profiles.default]\nlast_failure = {at = "x", stage = 5}\n')
    with pytest.raises(ConfigError, match="last failed test must be a table of at, stage, cause"):
        ProfileStore(path).load()


# --- item 5: unused secrets are named, with the command that removes them ----------------------

def test_migrate_forget_key_works_after_the_migration(sandbox, keypair, env, tmp_path):
    console = SandboxConsole(sandbox.console_url)
    made = console.create("to-migrate", "jwt").value
    console.upload(made.client_id, keypair.cert_path.read_text())
    configured = run_main(
        "configure", "--auth", "jwt", "--org-id", made.org_id, "--client-id", made.client_id,
        "--technical-account-id", made.technical_account_id, "--private-key",
        str(keypair.key_path), "--ims-url", sandbox.ims_url, "--reactor-url", sandbox.reactor_url,
        "--client-secret-stdin", "--insecure-storage", input=made.client_secret + "\n", env=env)
    assert configured.returncode == 0, configured.stderr
    assert status(env)[1]["unused_secrets"] == {}  # JWT uses its key
    migrated = run_main("migrate", "--yes", env=env)
    assert migrated.returncode == 0, migrated.stderr
    assert "`launch-wizard migrate --forget-key --profile default`" in migrated.stdout
    # the sandbox pressed Migrate itself, and has no console a person could delete anything in
    assert "the sandbox keeps the JWT credential beside the new one, unused" in migrated.stdout
    assert "delete the JWT credential" not in migrated.stdout

    shown = run_main("status", env=env)
    assert shown.returncode == 0
    assert ("unused: private key (JWT) in plaintext file "
            f"{tmp_path / 'cfg' / 'secrets.json'}: `launch-wizard migrate --forget-key "
            "--profile default` removes it") in shown.stdout
    forgot = run_main("migrate", "--forget-key", env=env)
    assert forgot.returncode == 0 and "the JWT private key is gone" in forgot.stdout, forgot.stderr
    assert "private_key" not in (tmp_path / "cfg" / "secrets.json").read_text()
    assert "unused" not in run_main("status", env=env).stdout
    again = run_main("migrate", "--forget-key", env=env)
    assert again.returncode == 0 and "nothing to delete" in again.stdout
    assert run_main("test", env=env).returncode == 0  # the client secret stayed
    refused = run_main("migrate", "--yes", env=env)  # without --forget-key: nothing to migrate
    assert refused.returncode == 2 and "already OAuth Server-to-Server" in refused.stderr


def test_an_s2s_download_imported_into_a_jwt_profile_leaves_the_key_named(sandbox, keypair, env):
    configured = run_main("configure", "--auth", "jwt", "--private-key", str(keypair.key_path),
                         "--insecure-storage", env=env)
    assert configured.returncode == 0, configured.stderr
    made = SandboxConsole(sandbox.console_url).create("imported", "oauth-s2s").value
    download = {"ORG_ID": made.org_id, "CLIENT_ID": made.client_id,
                "CLIENT_SECRETS": [made.client_secret], "SCOPES": made.scopes}
    imported = run_main("import", "-", input=json.dumps(download), env=env)
    assert imported.returncode == 0, imported.stderr
    code, report = status(env)
    assert code == 0 and report["auth_type"] == "oauth-s2s"
    assert list(report["unused_secrets"]) == ["private_key"]
    assert run_main("migrate", "--forget-key", env=env).returncode == 0
    assert status(env)[1]["unused_secrets"] == {}


# --- item 7: without a keyring, the token is cached for the job in a 0600 file -----------------

def ci_env(sandbox, made, env, **extra: str) -> dict[str, str]:
    return dict(env, LAUNCH_WIZARD_ORG_ID=made.org_id, LAUNCH_WIZARD_CLIENT_ID=made.client_id,
                LAUNCH_WIZARD_CLIENT_SECRET=made.client_secret,
                LAUNCH_WIZARD_IMS_URL=sandbox.ims_url, LAUNCH_WIZARD_REACTOR_URL=sandbox.reactor_url,
                **extra)


CALLS = 10


def test_the_ci_path_makes_one_exchange_for_many_calls(sandbox, env, tmp_path):
    made = SandboxConsole(sandbox.console_url).create("ci-cache", "oauth-s2s").value
    ci = ci_env(sandbox, made, env)
    tokens = set()
    for _ in range(CALLS):
        done = run_main("token", env=ci)
        assert done.returncode == 0 and done.stderr == "", done.stderr
        tokens.add(done.stdout.strip())
    assert run_main("api", "/companies", env=ci).returncode == 0
    assert len(tokens) == 1 and issued(sandbox, made.client_id) == 1
    file = tmp_path / "cache" / "tokens.json"
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert stat.S_IMODE(file.parent.stat().st_mode) == 0o700
    assert made.client_secret not in file.read_text()
    shown = run_main("status", env=ci)
    assert f"token: cached in file {file} (no keyring)" in shown.stdout, shown.stdout


def test_the_token_file_is_bound_to_the_hosts_and_the_client(sandbox, env):
    made = SandboxConsole(sandbox.console_url).create("ci-bound", "oauth-s2s").value
    ci = ci_env(sandbox, made, env)
    first = run_main("token", env=ci).stdout
    # the same server under another name is another host: its token is not reused
    localhost = sandbox.ims_url.replace("127.0.0.1", "localhost")
    for changed in ({"LAUNCH_WIZARD_IMS_URL": localhost},
                    {"LAUNCH_WIZARD_REACTOR_URL": f"{localhost}/reactor"}):
        other = run_main("token", "--json", env=dict(ci, **changed))
        assert json.loads(other.stdout)["source"] == "exchange", other.stderr
    assert issued(sandbox, made.client_id) == 3
    second = SandboxConsole(sandbox.console_url).create("ci-other", "oauth-s2s").value
    theirs = run_main("token", "--json", env=ci_env(sandbox, second, env))
    assert json.loads(theirs.stdout)["source"] == "exchange"
    assert json.loads(theirs.stdout)["access_token"] != first.strip()


def test_the_token_file_can_be_turned_off(sandbox, env, tmp_path):
    made = SandboxConsole(sandbox.console_url).create("ci-off", "oauth-s2s").value
    ci = ci_env(sandbox, made, env, LAUNCH_WIZARD_NO_TOKEN_CACHE="1")
    for _ in range(3):
        done = run_main("token", env=ci)
        assert done.returncode == 0 and "LAUNCH_WIZARD_NO_TOKEN_CACHE is set" in done.stderr
    assert issued(sandbox, made.client_id) == 3
    assert not (tmp_path / "cache").exists()
    assert "token: not cached (" in run_main("status", env=ci).stdout


# --- item 10: one command points a profile at a running sandbox --------------------------------

@pytest.fixture
def running_sandbox(env):
    proc = subprocess.Popen([sys.executable, "-m", "wizard", "sandbox", "--json"], env=env,
                            cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        yield json.loads(proc.stdout.readline())
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        finally:
            proc.kill()


def test_configure_sandbox_points_a_profile_at_a_running_sandbox(running_sandbox, env):
    done = run_main("configure", "--profile", "sb", "--sandbox", running_sandbox["console"],
                   "--insecure-storage", env=env)
    assert done.returncode == 0, done.stderr
    assert "created integration" in done.stdout
    tested = run_main("test", "--profile", "sb", env=env)
    assert tested.returncode == 0, tested.stderr
    assert "this integration works" in tested.stdout and "production host" not in tested.stderr
    report = json.loads(run_main("status", "--profile", "sb", "--json", env=env).stdout)
    assert report["ims_url"] == running_sandbox["ims"]
    assert report["reactor_url"] == running_sandbox["reactor"]


def test_configure_sandbox_refuses_what_it_must_not_change(running_sandbox, env, tmp_path):
    real = run_main("configure", "--org-id", "A@AdobeOrg", "--client-id", "real", env=env)
    assert real.returncode == 0
    refused = run_main("configure", "--sandbox", running_sandbox["ims"], "--insecure-storage",
                      env=env)
    assert refused.returncode == 2 and "throwaway" in refused.stderr
    assert "--profile sandbox" in refused.stderr
    assert 'client_id = "real"' in (tmp_path / "cfg" / "config.toml").read_text()
    foreign = run_main("configure", "--profile", "x", "--sandbox", "https://example.com", env=env)
    assert foreign.returncode == 2 and "not on this machine" in foreign.stderr
    both = run_main("configure", "--profile", "x", "--sandbox", running_sandbox["ims"],
                   "--client-id", "c", env=env)
    assert both.returncode == 2 and "--sandbox sets --client-id itself" in both.stderr
    no_keyring = run_main("configure", "--profile", "x", "--sandbox", running_sandbox["ims"],
                         env=env)
    assert no_keyring.returncode == 5 and "--insecure-storage" in no_keyring.stderr
    assert "created integration" not in no_keyring.stdout
    nothing = run_main("configure", "--profile", "x", "--sandbox", "http://127.0.0.1:1",
                      "--insecure-storage", env=env)
    assert nothing.returncode == 4
    assert not ProfileStore(Path(env["LAUNCH_WIZARD_CONFIG_DIR"]) / "config.toml").exists("x")
