"""Credentials in and out, and through their changes, as a person runs the commands: import of
every download, export round trips, migrate and rotate against the sandbox, secrets in a real
Secret Service."""

from __future__ import annotations

import json
import shlex
import ssl
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from tests.conftest import clean_env, run_cli, run_main
from wizard.core.console import SandboxConsole
from wizard.core.keys import cert_info, cert_pem, certificate_file, make_certificate
from wizard.sandbox import Sandbox

pytestmark = pytest.mark.secret_service


@pytest.fixture
def env(secret_service, tmp_path):
    """A real Secret Service, a config folder of its own, and a profile name no test shares."""
    return clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"),
                     LAUNCH_WIZARD_PROFILE=f"t{uuid.uuid4().hex[:8]}", **secret_service.env)


def cli(*args: str, env: dict[str, str], input: str | None = None, code: int = 0):
    done = run_main(*args, env=env, input=input)
    assert done.returncode == code, (args, done.stdout, done.stderr)
    return done


def write(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data))
    return path


def s2s_download(made) -> dict:
    return {"ORG_ID": made.org_id, "CLIENT_ID": made.client_id,
            "CLIENT_SECRETS": [made.client_secret], "SCOPES": made.scopes,
            "TECHNICAL_ACCOUNT_ID": made.technical_account_id,
            "TECHNICAL_ACCOUNT_EMAIL": made.technical_account_email}


def urls(sandbox) -> list[str]:
    return ["--ims-url", sandbox.ims_url, "--reactor-url", sandbox.reactor_url]


def config_text(env) -> str:
    path = Path(env["LAUNCH_WIZARD_CONFIG_DIR"]) / "config.toml"
    return path.read_text() if path.exists() else ""


# --- import -------------------------------------------------------------------------------------

def test_import_the_server_to_server_download_then_test(sandbox, env, tmp_path):
    made = SandboxConsole(sandbox.console_url).create("imp", "oauth-s2s").value
    file = write(tmp_path / "cred.json", s2s_download(made))
    done = cli("import", str(file), env=env)
    assert "OAuth Server-to-Server credential (Developer Console download)" in done.stdout
    assert made.client_secret not in done.stdout + done.stderr
    assert "****" + made.client_secret[-4:] in done.stdout and "keyring (SecretService" in done.stdout
    cli("configure", *urls(sandbox), env=env)  # the download does not know the sandbox's address
    assert "this integration works" in cli("test", env=env).stdout


def test_import_the_jwt_download_with_key_and_certificate(sandbox, env, tmp_path, keypair,
                                                         other_keypair):
    console = SandboxConsole(sandbox.console_url)
    made = console.create("imp-jwt", "jwt").value
    uploaded = console.upload(made.client_id, keypair.cert_path.read_text()).value
    download = {"CLIENT_SECRET": made.client_secret, "ORG_ID": made.org_id, "API_KEY": made.client_id,
                "TECHNICAL_ACCOUNT_ID": made.technical_account_id,
                "PUBLIC_KEYS_WITH_EXPIRY": {uploaded.fingerprint_sha1.upper(): "11/30/2027"}}
    file = write(tmp_path / "jwt.json", download)
    wrong = cli("import", str(file), "--private-key", str(other_keypair.key_path), "--certificate",
                str(other_keypair.cert_path), env=env, code=2)
    assert "is not one the console holds" in wrong.stderr and config_text(env) == ""
    done = cli("import", str(file), "--private-key", str(keypair.key_path), "--certificate",
               str(keypair.cert_path), env=env)
    assert f"certificate held     SHA-1 {uploaded.fingerprint_sha1}" in done.stdout
    assert "still needed" not in done.stdout
    cli("configure", *urls(sandbox), env=env)
    assert "this integration works" in cli("test", env=env).stdout


def test_import_a_workspace_download_picks_server_to_server_or_the_named_one(sandbox, env, tmp_path):
    console = SandboxConsole(sandbox.console_url)
    s2s, jwt = console.create("ws", "oauth-s2s").value, console.create("ws", "jwt").value
    project = {"project": {"org": {"ims_org_id": s2s.org_id}, "workspace": {"details": {
        "credentials": [
            {"name": "Legacy", "integration_type": "service",
             "jwt": {"client_id": jwt.client_id, "client_secret": jwt.client_secret,
                     "technical_account_id": jwt.technical_account_id,
                     "meta_scopes": ["ent_reactor_sdk"]}},
            {"name": "Server", "integration_type": "oauth_server_to_server",
             "oauth_server_to_server": {"client_id": s2s.client_id,
                                        "client_secrets": [s2s.client_secret],
                                        "technical_account_id": s2s.technical_account_id,
                                        "scopes": s2s.scopes}},
            {"name": "Web", "integration_type": "oauthwebapp"}]}}}}
    file = write(tmp_path / "project.json", project)
    done = cli("import", str(file), env=env)
    assert "imported 'Server'" in done.stdout and "skipped              Web (oauthwebapp" in done.stdout
    assert "--credential 'Legacy' picks it" in done.stdout
    picked = cli("import", str(file), "--credential", "Legacy", "--force", env=env)  # another client
    assert "Service Account (JWT)" in picked.stdout and "still needed: private key" in picked.stdout


def test_import_an_aio_context_from_standard_input(sandbox, env):
    made = SandboxConsole(sandbox.console_url).create("aio", "oauth-s2s").value
    context = {"client_id": made.client_id, "client_secrets": [made.client_secret],
               "ims_org_id": made.org_id, "technical_account_id": made.technical_account_id,
               "technical_account_email": made.technical_account_email, "scopes": made.scopes}
    assert "aio-cli context" in cli("import", "-", env=env, input=json.dumps(context)).stdout


@pytest.mark.parametrize("content, words", [
    ("hello", "not JSON"),
    ('{"API_KEY": "k", "ORG_ID": "A@AdobeOrg"}', "API key credential"),
    ('{"ORG_ID": "12345", "CLIENT_ID": "c", "CLIENT_SECRETS": ["s"]}', "must end in @AdobeOrg"),
    ('{"what": "ever"}', "shape is unknown"),
])
def test_a_file_it_cannot_use_saves_nothing(env, tmp_path, content, words):
    cli("configure", "--org-id", "KEEP@AdobeOrg", env=env)
    before = config_text(env)
    (tmp_path / "bad.json").write_text(content)
    bad = cli("import", str(tmp_path / "bad.json"), env=env, code=2)
    assert words in bad.stderr and "  fix: " in bad.stderr and "Traceback" not in bad.stderr
    assert config_text(env) == before


def test_a_web_app_credential_is_refused_and_the_working_profile_stays(s2s_profile, env, tmp_path):
    before = config_text(env)
    web_app = write(tmp_path / "web.json", {
        "CLIENT_ID": "webapp", "CLIENT_SECRET": "p8e-webapp", "ORG_ID": s2s_profile.org_id,
        "REDIRECT_URI": ["https://example.com/cb"], "DEFAULT_REDIRECT_URI": "https://example.com/cb"})
    refused = cli("import", str(web_app), "--force", env=env, code=2)
    assert "this is an OAuth Web App credential" in refused.stderr
    assert "Launch needs an OAuth Server-to-Server credential" in refused.stderr
    assert config_text(env) == before
    assert "this integration works" in cli("test", env=env).stdout  # its secret is the same


def test_replacing_a_profiles_client_id_asks_and_a_pipe_needs_force(s2s_profile, sandbox, env,
                                                                    tmp_path):
    before = config_text(env)
    other = SandboxConsole(sandbox.console_url).create("other", "oauth-s2s").value
    file = write(tmp_path / "other.json", s2s_download(other))
    asked = cli("import", str(file), env=env, code=2)
    assert f"holds client ID {s2s_profile.client_id}" in asked.stderr and "--force" in asked.stderr
    assert config_text(env) == before
    assert other.client_id in cli("import", str(file), "--force", env=env).stdout


def test_an_import_report_reads_well(sandbox, env, tmp_path, keypair):
    made = SandboxConsole(sandbox.console_url).create("words", "jwt").value
    download = write(tmp_path / "jwt.json", {
        "CLIENT_SECRET": made.client_secret, "ORG_ID": made.org_id, "API_KEY": made.client_id,
        "TECHNICAL_ACCOUNT_ID": made.technical_account_id, "METASCOPES": "ent_reactor_sdk"})
    done = cli("import", str(download), "--private-key", str(keypair.key_path), env=env)
    assert "imported from a Service Account (JWT) credential" in done.stdout
    assert "metascopes             ent_reactor_sdk" in done.stdout
    lines = done.stdout.splitlines()
    key_line = next(line for line in lines if line.strip().startswith("private key"))
    assert key_line.split()[2:4] == ["saved", "(in"]  # the key's last line break is not shown
    assert all(line.strip("- ") for line in lines)  # no line of a PEM's dashes
    exported = tmp_path / "profile.json"
    cli("export", "--format", "json", "--out", str(exported), env=env)
    again = cli("import", str(exported), "--allow-endpoints", env=dict(env, LAUNCH_WIZARD_PROFILE="j"))
    assert "imported from a launch-wizard export" in again.stdout


# --- export -------------------------------------------------------------------------------------

def test_export_into_a_folder_that_does_not_exist_is_refused(s2s_profile, env, tmp_path):
    target = tmp_path / "no" / "such" / "folder" / "ci.env"
    refused = cli("export", "--format", "env", "--out", str(target), env=env, code=2)
    assert "the folder" in refused.stderr and "does not exist" in refused.stderr
    assert "mkdir -p" in refused.stderr and not (tmp_path / "no").exists()

@pytest.fixture
def s2s_profile(sandbox, env, tmp_path):
    made = SandboxConsole(sandbox.console_url).create("exp", "oauth-s2s").value
    cli("import", str(write(tmp_path / "c.json", s2s_download(made))), env=env)
    cli("configure", *urls(sandbox), env=env)
    return made


def test_env_export_works_where_there_is_no_keyring(s2s_profile, env, tmp_path):
    out = tmp_path / "ci.env"
    cli("export", "--format", "env", "--with-secrets", "--out", str(out), env=env)
    assert oct(out.stat().st_mode)[-3:] == "600"
    again = cli("export", "--format", "env", "--out", str(out), env=env, code=2)
    assert "already exists" in again.stderr and "--force" in again.stderr
    no_keyring = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "elsewhere"),
                           DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent")
    script = f"set -a; . {shlex.quote(str(out))}; set +a; {shlex.quote(sys.executable)} -m wizard"
    token = subprocess.run(["sh", "-c", f"{script} token"], env=no_keyring, capture_output=True,
                           text=True, cwd=Path(__file__).parent.parent, check=False)
    assert token.returncode == 0, token.stderr
    test = subprocess.run(["sh", "-c", f"{script} test"], env=no_keyring, capture_output=True,
                          text=True, cwd=Path(__file__).parent.parent, check=False)
    assert test.returncode == 0 and "this integration works" in test.stdout


def test_exports_hold_no_secret_unless_asked(s2s_profile, env):
    for form in ("env", "postman", "json"):
        done = cli("export", "--format", form, env=env)
        assert s2s_profile.client_secret not in done.stdout, form
        assert "no secret was exported" in done.stderr
    aio = cli("export", "--format", "aio", env=env, code=2)  # aio-cli reads its secret from it
    assert aio.stdout == "" and "aio-cli context holds the client secret" in aio.stderr
    piped = cli("export", "--format", "aio", "--with-secrets", env=env)  # not a terminal: allowed
    assert s2s_profile.client_secret in piped.stdout


@pytest.mark.parametrize("form", ["aio", "json"])
def test_aio_and_json_exports_import_back_to_a_working_profile(s2s_profile, env, tmp_path, form,
                                                               sandbox):
    out = tmp_path / f"export.{form}"
    cli("export", "--format", form, "--with-secrets", "--out", str(out), env=env)
    other = dict(env, LAUNCH_WIZARD_PROFILE=f"back{form}")
    cli("import", str(out), *(["--allow-endpoints"] if form == "json" else []), env=other)
    cli("configure", *urls(sandbox), env=other)
    status = json.loads(cli("status", "--json", env=other).stdout)
    assert status["client_id"] == s2s_profile.client_id and status["org_id"] == s2s_profile.org_id
    assert "this integration works" in cli("test", env=other).stdout


def test_postman_environment_runs_adobes_requests(env, tmp_path):
    """What Postman does with the environment: fill Adobe's sample requests from its variables
    (the IMS request with its parameters in the query string, as Adobe's sample has them)."""
    with Sandbox(tls_dir=tmp_path / "tls") as sb:
        trust = ssl.create_default_context(cafile=str(sb.ca_path))
        made = httpx.post(f"{sb.console_url}/integrations", verify=trust,
                          json={"name": "postman", "auth_type": "oauth-s2s"}).json()
        cli("configure", "--org-id", made["org_id"], "--client-id", made["client_id"],
            "--ims-url", sb.ims_url, "--reactor-url", sb.reactor_url, "--client-secret-stdin",
            input=made["client_secret"] + "\n", env=env)
        out = tmp_path / "postman.json"
        cli("export", "--format", "postman", "--with-secrets", "--out", str(out), env=env)
        values = {v["key"]: v["value"] for v in json.loads(out.read_text())["values"]}

        def fill(text: str) -> str:
            for key, value in values.items():
                text = text.replace("{{" + key + "}}", value)
            assert "{{" not in text, text
            return text

        token = httpx.post(fill("https://{{IMS}}/ims/token/v2?grant_type=client_credentials"
                                "&client_id={{API_KEY}}&client_secret={{CLIENT_SECRET}}"
                                "&scope={{SCOPES}}"), verify=trust)
        assert token.status_code == 200, token.text
        values["ACCESS_TOKEN"] = token.json()["access_token"]
        companies = httpx.get(fill("{{HOST}}/companies"), verify=trust, headers={
            "x-api-key": fill("{{API_KEY}}"), "x-gw-ims-org-id": fill("{{IMS_ORG}}"),
            "Authorization": fill("Bearer {{ACCESS_TOKEN}}"),
            "Accept": "application/vnd.api+json;revision=1"})
        assert companies.status_code == 200 and companies.json()["data"]


# --- migrate and rotate ----------------------------------------------------------------------------

@pytest.fixture
def jwt_profile(sandbox, env, keypair):
    console = SandboxConsole(sandbox.console_url)
    made = console.create("life", "jwt").value
    console.upload(made.client_id, keypair.cert_path.read_text())
    cli("configure", "--auth", "jwt", "--org-id", made.org_id, "--client-id", made.client_id,
        "--technical-account-id", made.technical_account_id, "--private-key", str(keypair.key_path),
        "--certificate", str(keypair.cert_path), *urls(sandbox), "--client-secret-stdin",
        input=made.client_secret + "\n", env=env)
    return made


def test_migrate_presses_the_sandbox_button_tries_then_switches(jwt_profile, env):
    wrong = cli("migrate", "--yes", "--client-secret-stdin", env=env, input="not-the-secret\n",
                code=3)
    assert "the profile still uses JWT" in wrong.stderr
    assert json.loads(cli("status", "--json", env=env).stdout)["auth_type"] == "jwt"
    done = cli("migrate", "--yes", env=env)
    assert "pressed Migrate in the sandbox's console" in done.stdout and "now uses OAuth" in done.stdout
    status = json.loads(cli("status", "--json", env=env).stdout)
    assert status["auth_type"] == "oauth-s2s" and status["client_id"] == jwt_profile.client_id
    assert "Sandbox Company" in cli("test", env=env).stdout
    assert "private key stays in the keyring" in done.stdout


def test_migrate_against_adobe_waits_for_the_console_step(env):
    cli("configure", "--auth", "jwt", "--org-id", "A@AdobeOrg", "--client-id", "c",
        "--technical-account-id", "T@techacct.adobe.com", env=env)
    asked = cli("migrate", env=env, code=2)
    assert "Migrate to OAuth Server-to-Server" in asked.stderr and "--yes" in asked.stderr


def test_rotate_secret_in_the_sandbox_adds_tries_switches_and_deletes_the_old(s2s_profile, env,
                                                                             sandbox):
    old = s2s_profile.client_secret
    wrong = cli("rotate-secret", "--client-secret-stdin", env=env, input="wrong\n", code=3)
    assert "the old secret is still the one stored" in wrong.stderr
    done = cli("rotate-secret", env=env)
    assert "added a client secret" in done.stdout and "deleted the old client secret" in done.stdout
    assert "this integration works" in cli("test", env=env).stdout
    refused = httpx.post(f"{sandbox.ims_url}/ims/token/v3", data={
        "grant_type": "client_credentials", "client_id": s2s_profile.client_id, "client_secret": old})
    assert refused.status_code == 401  # the old secret is gone from the console


def test_rotate_certificate_in_the_sandbox(jwt_profile, env, sandbox, tmp_path, keypair):
    done = cli("rotate-certificate", "--out-dir", str(tmp_path / "new"), env=env)
    assert "uploaded it to the sandbox's console" in done.stdout
    assert f"deleted the old certificate ({cert_info(keypair.cert).sha1})" in done.stdout
    held = httpx.get(f"{sandbox.console_url}/integrations/{jwt_profile.client_id}/certificates").json()
    new_sha1 = cert_info(certificate_file(tmp_path / "new" / "adobe-io-public.crt")).sha1
    assert [c["fingerprint_sha1"] for c in held["certificates"]] == [new_sha1]
    assert "this integration works" in cli("test", env=env).stdout
    again = cli("rotate-certificate", "--out-dir", str(tmp_path / "new"), env=env, code=2)
    assert "already exists" in again.stderr  # never overwritten


def test_status_warns_a_month_before_the_certificate_expires(env, keypair, tmp_path):
    soon = tmp_path / "soon.crt"
    soon.write_text(cert_pem(make_certificate(keypair.key, days=10)))
    cli("configure", "--auth", "jwt", "--certificate", str(soon), env=env)
    status = run_cli("status", "--json", env=env)
    report = json.loads(status.stdout)
    assert report["certificate_expiring_soon"] is True and report["certificate_days_left"] <= 10
    text = run_cli("status", env=env)
    assert "expires in" in text.stderr and "rotate-certificate" in text.stderr
