"""The headless commands as a user runs them: real sockets, exit codes, stdout and stderr.

Most run `main(argv)` in this process (`run_main`, as a fresh process would see it); those about
the process itself (the entry point, signals, no terminal) start a real one."""

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap

import httpx
import pytest

from tests.conftest import REPO, clean_env, configure_s2s, run_cli, run_main
from wizard.core.console import SandboxConsole


@pytest.fixture
def env(tmp_path):
    """A process environment with its own config folder and no keyring reachable."""
    return clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"),
                     DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent")


def test_help_documents_exit_codes_and_environment(env):
    out = run_main("--help", env=env).stdout
    assert "3  refused by Adobe" in out and "5  secret store" in out
    assert "LAUNCH_WIZARD_CLIENT_SECRET" in out and "API key" in out
    for command in ("configure", "token", "test", "status", "keygen", "inspect", "roles",
                    "sandbox", "demo"):
        assert command in out
    assert "exit codes" in run_main("token", "--help", env=env).stdout


def test_roles_table_json_and_can(env):
    table = run_main("roles", env=env)
    assert table.returncode == 0 and "Extension Developer" in table.stdout
    assert "ent_reactor_publisher_sdk" in table.stdout
    data = json.loads(run_main("roles", "--json", env=env).stdout)
    assert data["matrix"]["Developer"] == ["Develop"]
    assert data["roles"]["IT Admin"]["metascope"] == "ent_reactor_it_admin_sdk"
    can = json.loads(run_main("roles", "--json", "--can", "publish", "develop", env=env).stdout)
    assert can["can"]["least_privileged"] == ["Publisher"]
    answer = run_main("roles", "--can", "Publish", "--can", "Develop Extensions", env=env).stdout
    assert answer.splitlines()[0].startswith("to Publish, Develop Extensions: Admin")  # both count
    assert "Extension Developer" not in answer  # the answer only, unless the table is asked for
    with_table = run_main("roles", "--can", "Publish", "--table", env=env).stdout
    assert with_table.startswith("to Publish: Publisher") and "Extension Developer" in with_table
    bad = run_main("roles", "--can", "fly", env=env)
    assert bad.returncode == 2 and "unknown permission 'fly'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_keygen_then_inspect(env, tmp_path):
    out = tmp_path / "k"
    made = run_main("keygen", "--out-dir", str(out), "--days", "30", "--cn", "acme", env=env)
    assert made.returncode == 0, made.stderr
    key, cert = out / "private.key", out / "adobe-io-public.crt"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert "SHA-1 fingerprint" in made.stdout and "openssl req -x509" in made.stdout
    again = run_main("keygen", "--out-dir", str(out), env=env)
    assert again.returncode == 2 and "already exists; refusing to overwrite" in again.stderr
    assert run_main("inspect", str(key), env=env).returncode == 0
    report = json.loads(run_main("inspect", str(key), "--cert", str(cert), "--json", env=env).stdout)
    assert report["pair"] is True and report["good"] is True
    assert report["certificate"]["subject"] == "CN=acme"
    assert 29 <= report["certificate"]["days_left"] <= 30
    only_cert = json.loads(run_main("inspect", str(cert), "--json", env=env).stdout)
    assert len(only_cert["certificate"]["fingerprint_sha1"]) == 40
    for bad, code in ((["--bits", "1000"], 2), (["--days", "400"], 2)):
        r = run_main("keygen", "--out-dir", str(tmp_path / "x"), *bad, env=env)
        assert r.returncode == code and "error:" in r.stderr


def test_inspect_refusals(env, tmp_path, keypair, other_keypair):
    mismatch = run_main("inspect", str(keypair.key_path), "--cert", str(other_keypair.cert_path),
                       env=env)
    assert mismatch.returncode == 2 and "do NOT belong together" in mismatch.stdout
    (tmp_path / "junk.txt").write_text("hello")
    junk = run_main("inspect", str(tmp_path / "junk.txt"), env=env)
    assert junk.returncode == 2 and "neither a private key nor a certificate" in junk.stderr
    missing = run_main("inspect", str(tmp_path / "nope.key"), env=env)
    assert missing.returncode == 2 and "file not found" in missing.stderr
    as_key = run_main("inspect", str(keypair.cert_path), "--cert", str(keypair.cert_path), env=env)
    assert as_key.returncode == 2 and "certificate, not a private key" in as_key.stderr


def test_inspect_encrypted_key_and_expired_cert(env, tmp_path, keypair):
    import datetime as dt

    from cryptography.hazmat.primitives import serialization

    from wizard.core.keys import cert_pem, make_certificate

    enc = tmp_path / "enc.key"
    enc.write_bytes(keypair.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"hunter22")))
    assert run_main("inspect", str(enc), "--passphrase-stdin", input="hunter22\n",
                   env=env).returncode == 0
    wrong = run_main("inspect", str(enc), "--passphrase-stdin", input="nope\n", env=env)
    assert wrong.returncode == 2 and "wrong passphrase" in wrong.stderr
    needs = run_main("inspect", str(enc), env=env)
    assert needs.returncode == 2 and "needs its passphrase" in needs.stderr
    old = tmp_path / "old.crt"
    old.write_text(cert_pem(make_certificate(keypair.key, days=1, now=dt.datetime.now(
        dt.UTC) - dt.timedelta(days=3))))
    expired = run_main("inspect", str(old), env=env)
    assert expired.returncode == 2 and "expired" in expired.stdout


def _configure_jwt(sandbox, keypair, env, *extra):
    console = SandboxConsole(sandbox.console_url)
    creds = console.create("cli", "jwt").value
    console.upload(creds.client_id, keypair.cert_path.read_text())
    done = run_main("configure", "--auth", "jwt", "--org-id", creds.org_id, "--client-id",
                   creds.client_id, "--technical-account-id", creds.technical_account_id,
                   "--private-key", str(keypair.key_path), "--certificate", str(keypair.cert_path),
                   "--ims-url", sandbox.ims_url, "--reactor-url", sandbox.reactor_url,
                   "--client-secret-stdin", *extra, input=creds.client_secret + "\n", env=env)
    return creds, done


def test_full_cli_flow_with_file_storage(sandbox, keypair, env, tmp_path):
    creds, done = _configure_jwt(sandbox, keypair, env, "--insecure-storage")
    assert done.returncode == 0, done.stderr
    assert "plaintext file" in done.stderr and "Adobe stopped issuing JWT" in done.stderr
    token = run_main("token", env=env)
    assert token.returncode == 0, token.stderr
    access = token.stdout.strip()
    assert access.count(".") == 2 and "\n" not in access  # stdout holds only the token
    cached = json.loads(run_main("token", "--json", env=env).stdout)
    assert cached["source"] == "cache" and cached["access_token"] == access
    assert 86000 < cached["expires_in"] <= 86400
    assert json.loads(run_main("token", "--refresh", "--json", env=env).stdout)["source"] == "exchange"
    test = run_main("test", env=env)
    assert test.returncode == 0, test.stderr
    assert test.stderr.count("plaintext file") == 1  # a warning is said once per command
    assert "JWT signed (RS256)" in test.stdout and "GET " in test.stdout
    assert "Sandbox Company" in test.stdout and "this integration works" in test.stdout
    assert "/properties: 3 properties" in test.stdout
    assert "Marketing site (web)  rights: develop, approve, publish" in test.stdout
    status = run_main("status", env=env)
    assert status.returncode == 0, status.stdout
    assert "not checked since" in status.stdout and "days left" in status.stdout
    assert "plaintext file" in status.stdout
    report = json.loads(run_main("status", "--json", env=env).stdout)
    assert report["metascopes"] == ["ent_reactor_sdk"]  # discovery was remembered
    assert report["token"]["cached"] is True
    last = report["last_test"]
    assert (last["companies"], last["properties"]) == (1, 3) and last["company_id"].startswith("CO")
    assert "saw 1 company, 3 properties" in status.stdout
    # no secret in any output but the token command's own stdout, nor in the profile file
    everything = done.stdout + done.stderr + test.stdout + status.stdout + json.dumps(report)
    config = (tmp_path / "cfg" / "config.toml").read_text()
    key_line = keypair.key_path.read_text().splitlines()[1]
    for secret in (creds.client_secret, access, key_line):
        assert secret not in everything and secret not in config
    assert stat.S_IMODE(os.stat(tmp_path / "cfg" / "secrets.json").st_mode) == 0o600


def test_no_keyring_exits_5_with_what_to_do_and_saves_nothing(sandbox, keypair, env, tmp_path):
    _, done = _configure_jwt(sandbox, keypair, env)
    assert done.returncode == 5
    assert "no usable keyring" in done.stderr
    assert "--insecure-storage" in done.stderr and "LAUNCH_WIZARD_CLIENT_SECRET" in done.stderr
    assert not (tmp_path / "cfg" / "config.toml").exists()  # nothing half-saved
    fields_only = run_main("configure", "--org-id", "ABC@adobeorg", "--client-id", "abc", env=env)
    assert fields_only.returncode == 0, fields_only.stderr  # given no secret: no keyring needed
    assert 'org_id = "ABC@AdobeOrg"' in (tmp_path / "cfg" / "config.toml").read_text()
    status = run_main("status", env=env)
    assert status.returncode == 5 and "no usable keyring" in status.stdout


def test_environment_only_ci_path(sandbox, env):
    creds = SandboxConsole(sandbox.console_url).create("ci", "oauth-s2s").value
    ci = dict(env, LAUNCH_WIZARD_AUTH_TYPE="oauth-s2s", LAUNCH_WIZARD_ORG_ID=creds.org_id,
              LAUNCH_WIZARD_CLIENT_ID=creds.client_id, LAUNCH_WIZARD_CLIENT_SECRET=creds.client_secret,
              LAUNCH_WIZARD_IMS_URL=sandbox.ims_url, LAUNCH_WIZARD_REACTOR_URL=sandbox.reactor_url)
    token = run_main("token", env=ci)
    assert token.returncode == 0, token.stderr
    assert token.stdout.count(".") == 2 and token.stderr == ""  # stdout holds only the token
    uncached = run_main("token", env=dict(ci, LAUNCH_WIZARD_NO_TOKEN_CACHE="1"))
    assert len(uncached.stderr.splitlines()) == 1  # one note, on stderr: stdout stays clean
    assert "the token is not cached" in uncached.stderr
    assert run_main("test", env=ci).returncode == 0
    status = run_main("status", env=ci)
    assert status.returncode == 0, status.stdout
    assert "client secret: environment (LAUNCH_WIZARD_CLIENT_SECRET)" in status.stdout
    assert "(no keyring)" in status.stdout  # the token file (tests/test_status.py)
    bad = run_main("token", "--refresh",
                  env=dict(ci, LAUNCH_WIZARD_CLIENT_SECRET="Sentinel-Wrong-9f3a"))
    assert bad.returncode == 3 and "invalid client_secret parameter" in bad.stderr
    assert "Sentinel-Wrong-9f3a" not in bad.stderr + bad.stdout
    off = run_main("token", env=dict(ci, LAUNCH_WIZARD_IMS_URL="http://127.0.0.1:1"))
    assert off.returncode == 4 and "connection refused" in off.stderr
    clear = run_main("token", env=dict(ci, LAUNCH_WIZARD_IMS_URL="http://example.com"))
    assert clear.returncode == 2 and "clear text" in clear.stderr


def test_test_says_when_the_token_sees_no_property_and_why(sandbox, env):
    made = httpx.post(f"{sandbox.console_url}/integrations", json={
        "name": "no property", "auth_type": "oauth-s2s", "rights": ["develop_extensions"]}).json()
    ci = dict(env, LAUNCH_WIZARD_ORG_ID=made["org_id"], LAUNCH_WIZARD_CLIENT_ID=made["client_id"],
              LAUNCH_WIZARD_CLIENT_SECRET=made["client_secret"], LAUNCH_WIZARD_IMS_URL=sandbox.ims_url,
              LAUNCH_WIZARD_REACTOR_URL=sandbox.reactor_url)
    done = run_main("test", env=ci)
    assert done.returncode == 0, done.stderr
    assert "/properties: 0 properties" in done.stdout
    assert "sees no property" in done.stderr and "product profile" in done.stderr
    assert "organization ID" in done.stderr


def test_what_the_last_test_saw_goes_when_the_credential_changes(sandbox, env, tmp_path):
    configure_s2s(sandbox, env, "seen", run=run_main)
    assert run_main("test", env=env).returncode == 0
    assert json.loads(run_main("status", "--json", env=env).stdout)["last_test"]["properties"] == 3
    # the environment pointing at another credential: its test is not written into this profile
    other = SandboxConsole(sandbox.console_url).create("other", "oauth-s2s").value
    run_main("configure", "--role", "Developer", env=env)  # a change that keeps it
    assert json.loads(run_main("status", "--json", env=env).stdout)["last_test"]["companies"] == 1
    elsewhere = dict(env, LAUNCH_WIZARD_CLIENT_ID=other.client_id,
                     LAUNCH_WIZARD_CLIENT_SECRET=other.client_secret)
    assert run_main("test", env=elsewhere).returncode == 0
    config = (tmp_path / "cfg" / "config.toml").read_text()
    assert other.client_id not in config
    run_main("configure", "--client-id", other.client_id, env=env)
    report = json.loads(run_main("status", "--json", env=env).stdout)
    assert report["last_test"] is None and "last test: none recorded" in run_main("status", env=env).stdout


def test_configure_bad_input_saves_nothing(env, tmp_path):
    bad = run_main("configure", "--org-id", "12345", "--client-id", "abc", env=env)
    assert bad.returncode == 2 and "organization ID must end in @AdobeOrg" in bad.stderr
    assert not (tmp_path / "cfg" / "config.toml").exists()
    missing = run_main("configure", "--private-key", str(tmp_path / "none.key"), env=env)
    assert missing.returncode == 2 and "private key file not found" in missing.stderr
    empty = run_main("configure", "--client-secret-stdin", input="\n", env=env)
    assert empty.returncode == 2 and "no client secret" in empty.stderr
    ok = run_main("configure", "--org-id", "ABC@AdobeOrg", "--insecure-storage", env=env)
    assert ok.returncode == 0 and "still needed: client ID (API key)" in ok.stdout
    token = run_main("token", env=env)
    assert token.returncode == 2 and "missing: client ID (API key)" in token.stderr


def test_blanks_around_a_client_secret_are_not_part_of_it(sandbox, env):
    """A copy takes a space beside the secret, a CI secret store a line break after it: dropped,
    as the wizard drops them, whether it is piped in or set in the environment."""
    made = SandboxConsole(sandbox.console_url).create("blanks", "oauth-s2s").value
    piped = run_main("configure", "--org-id", made.org_id, "--client-id", made.client_id,
                     "--ims-url", sandbox.ims_url, "--reactor-url", sandbox.reactor_url,
                     "--client-secret-stdin", "--insecure-storage",
                     input=f"  {made.client_secret} \r\n", env=env)
    assert piped.returncode == 0, piped.stderr
    token = run_main("token", "--refresh", env=env)
    assert token.returncode == 0, token.stderr
    exported = run_main("token", "--refresh", env=dict(
        env, LAUNCH_WIZARD_CLIENT_SECRET=f"{made.client_secret}\n"))
    assert exported.returncode == 0, exported.stderr


def test_configure_refuses_a_key_that_does_not_match_the_certificate(env, keypair, other_keypair):
    r = run_main("configure", "--auth", "jwt", "--private-key", str(keypair.key_path),
                "--certificate", str(other_keypair.cert_path), "--insecure-storage", env=env)
    assert r.returncode == 2 and "does not belong to the certificate" in r.stderr


def test_profiles_are_separate(sandbox, env):
    creds = SandboxConsole(sandbox.console_url).create("p", "oauth-s2s").value
    common = ["--org-id", creds.org_id, "--client-id", creds.client_id, "--ims-url",
              sandbox.ims_url, "--reactor-url", sandbox.reactor_url, "--insecure-storage",
              "--client-secret-stdin"]
    assert run_main("configure", "--profile", "work", *common, input=creds.client_secret + "\n",
                   env=env).returncode == 0
    assert run_main("token", "--profile", "work", env=env).returncode == 0
    other = run_main("token", env=env)
    assert other.returncode == 2 and "profile 'default' is missing" in other.stderr
    assert run_main("token", env=dict(env, LAUNCH_WIZARD_PROFILE="work")).returncode == 0


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_sandbox_command_serves_and_stops_cleanly(env, tmp_path, sig):
    proc = subprocess.Popen([sys.executable, "-m", "wizard", "sandbox", "--json", "--state",
                             str(tmp_path / "state.json")], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        urls = json.loads(proc.stdout.readline())
        assert set(urls) == {"ims", "reactor", "console"}
        r = httpx.post(f"{urls['console']}/integrations", json={"name": "x", "auth_type": "jwt"})
        assert r.status_code == 201
        assert (tmp_path / "state.json").exists()
        proc.send_signal(sig)
        assert proc.wait(10) == 0
    finally:
        proc.kill()


def test_sandbox_command_text_output_and_refusals(env):
    proc = subprocess.Popen([sys.executable, "-m", "wizard", "sandbox"], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(3)]
        assert [line.split(":")[0] for line in lines] == ["ims", "reactor", "console"]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(10) == 0
    finally:
        proc.kill()
    public = run_main("sandbox", "--host", "0.0.0.0", env=env)
    assert public.returncode == 2 and "this machine only" in public.stderr


def test_a_ctrl_c_that_lands_inside_a_callback_still_stops_the_sandbox(env):
    """Python drops a KeyboardInterrupt raised inside a finaliser or an import lock's callback
    ("Exception ignored in ..."): under load, about one Ctrl+C in 150 landed there and the
    sandbox served on. Here each line the command prints comes with a Ctrl+C raised inside a
    finaliser."""
    script = textwrap.dedent("""
        import signal, sys
        from wizard.cli import main
        from wizard.commands import sandbox as command

        class Finaliser:
            def __del__(self):
                signal.raise_signal(signal.SIGINT)

        def say(*args, **kwargs):
            Finaliser()

        command.say = say
        sys.exit(main(["sandbox"]))
    """)
    stopped = subprocess.run([sys.executable, "-c", script], env=env, cwd=REPO, text=True,
                             capture_output=True, timeout=30)
    assert stopped.returncode == 0, stopped.stderr
    assert "KeyboardInterrupt" not in stopped.stderr


def test_demo_runs_the_whole_flow(env, tmp_path):
    demo = run_main("demo", env=env, timeout=120)
    assert demo.returncode == 0, demo.stderr
    for step in ("1. integration created", "2. key and certificate generated",
                 "3. certificate uploaded", "4. role Publisher", "6. JWT signed and exchanged",
                 "7. GET /companies", "OAuth Server-to-Server"):
        assert step in demo.stdout
    assert "ent_reactor_publisher_sdk works" in demo.stdout
    assert "and its properties: Marketing site, Support portal, Mobile app" in demo.stdout
    assert not (tmp_path / "cfg").exists()  # the user's config is untouched


def test_internal_errors_are_one_line_without_a_traceback(env, tmp_path):
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "config.toml").write_text("[profiles]\ndefault = 5\n")
    r = run_cli("status", env=env)  # a real process: the entry point's exit code and stderr
    assert r.returncode == 2 and "profile 'default' must be a table" in r.stderr
    assert "Traceback" not in r.stderr


def test_tls_sandbox_and_the_corporate_proxy_case(env, tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "wizard", "sandbox", "--tls", "--json",
                             "--tls-dir", str(tmp_path / "tls")], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, text=True)
    try:
        urls = json.loads(proc.stdout.readline())
        assert urls["ims"].startswith("https://") and os.path.exists(urls["ca"])
        import ssl

        made = httpx.post(f"{urls['console']}/integrations",
                          verify=ssl.create_default_context(cafile=urls["ca"]),
                          json={"name": "tls", "auth_type": "oauth-s2s"}).json()
        ci = dict(env, LAUNCH_WIZARD_ORG_ID=made["org_id"], LAUNCH_WIZARD_CLIENT_ID=made["client_id"],
                  LAUNCH_WIZARD_CLIENT_SECRET=made["client_secret"],
                  LAUNCH_WIZARD_IMS_URL=urls["ims"], LAUNCH_WIZARD_REACTOR_URL=urls["reactor"])
        untrusted = run_main("token", env=ci)
        assert untrusted.returncode == 4 and "is not trusted" in untrusted.stderr
        assert "SSL_CERT_FILE" in untrusted.stderr
        trusted = run_main("test", env=dict(ci, SSL_CERT_FILE=urls["ca"]))
        assert trusted.returncode == 0, trusted.stderr
        assert "this integration works" in trusted.stdout
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        finally:
            proc.kill()


def test_status_names_the_legacy_role_of_a_metascope(env):
    done = run_main("configure", "--auth", "jwt", "--metascope", "ent_reactor_approver_sdk",
                   "--insecure-storage", env=env)
    assert done.returncode == 0
    status = run_main("status", env=env)
    assert "ent_reactor_approver_sdk (legacy role Approver)" in status.stdout
    assert status.returncode == 2 and "missing organization ID" in status.stdout


def test_the_wizard_without_a_terminal_says_what_to_do(env):
    done = run_cli(env=env, input="")
    assert done.returncode == 2 and "the wizard needs a terminal" in done.stderr
    assert "headless commands" in done.stderr and "Traceback" not in done.stderr


def test_roles_in_a_pipe_prints_the_whole_table(env):
    from wizard.core.roles import PERMISSIONS, ROLES

    table = run_main("roles", env=env)  # stdout is a pipe: no terminal width to cut it to
    assert table.returncode == 0 and "…" not in table.stdout
    rows = {line.split("│")[1].strip(): line for line in table.stdout.splitlines()
            if line.startswith("│")}
    assert set(rows) == set(PERMISSIONS)
    header = next(line for line in table.stdout.splitlines() if "Permission" in line)
    assert all(role.name in header for role in ROLES)


def test_configure_says_what_a_switch_of_credential_type_changes(sandbox, env):
    configure_s2s(sandbox, env, "switch", run=run_main)
    assert run_main("test", env=env).returncode == 0
    switched = run_main("configure", "--auth", "jwt", env=env)
    assert switched.returncode == 0
    assert "switched from OAuth Server-to-Server to JWT (service account)" in switched.stderr
    assert "a JWT signed with the private key" in switched.stderr
    assert "--auth oauth-s2s` switches it back" in switched.stderr
    assert "still needed: technical account ID" in switched.stdout
    again = run_main("configure", "--auth", "jwt", env=env)  # no switch: nothing to say
    assert "switched" not in again.stderr


def test_configure_help_does_not_call_the_technical_account_jwt_only(env):
    text = " ".join(run_main("configure", "--help", env=env).stdout.split())
    for option in ("--technical-account-id TECHNICAL_ACCOUNT_ID", "--technical-account-email"):
        after = text.split("options:", 1)[1].split(option, 1)[1][:200]
        assert not after.lstrip().startswith("(JWT)") and "aio-cli" in after, after


def test_a_bad_profile_name_gets_a_fix_about_names(env):
    bad = run_main("configure", "--profile", "my work", "--org-id", "A@AdobeOrg", env=env)
    assert bad.returncode == 2 and "fix: choose a name such as work, ci or sandbox" in bad.stderr
    assert "Developer Console" not in bad.stderr


def test_configure_warns_about_an_organization_id_of_another_shape(env, tmp_path):
    odd = run_cli("configure", "--org-id", "abc@adobeorg", "--insecure-storage", env=env)
    assert odd.returncode == 0, odd.stderr
    assert "warning: the organization ID 'abc@AdobeOrg' is not 24 hexadecimal" in odd.stderr
    usual = run_cli("configure", "--org-id", "0123456789abcdef01234567@AdobeOrg", env=env)
    assert usual.returncode == 0 and "warning" not in usual.stderr
    assert 'org_id = "0123456789ABCDEF01234567@AdobeOrg"' in (tmp_path / "cfg" / "config.toml").read_text()


@pytest.mark.parametrize("argv", [
    ["--help"], ["--version"], ["token", "--help"], ["roles"], ["roles", "--json", "--can", "publish"],
    ["configure", "--org-id", "12345"], ["status"], ["status", "--json"], ["token"], ["nonsense"],
    ["inspect", "missing.key"], ["configure", "--client-secret-stdin"],
], ids=" ".join)
def test_in_process_runs_say_what_a_process_says(env, argv):
    """`run_main`, which most tests here use, against the real process it stands for."""
    process, in_process = run_cli(*argv, env=env, input="\n"), run_main(*argv, env=env, input="\n")
    assert (in_process.returncode, in_process.stdout, in_process.stderr) == (
        process.returncode, process.stdout, process.stderr)
