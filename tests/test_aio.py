"""aio-cli's way in: Adobe's token library `@adobe/aio-lib-ims`, installed from npm and run by
Node as is, takes the context `export --format aio` writes and gets a token from the sandbox (over
HTTPS, its CA trusted through NODE_EXTRA_CA_CERTS) for profiles made every way: `configure` as the
README shows, `import` of the console's download, and `migrate` from JWT; a JWT context too.

aio-lib-ims sends to Adobe's two IMS hosts only (tests/data/aio_token.js changes that one thing);
where a context would be refused, its own checks say so, and the export refuses first."""

from __future__ import annotations

import json
import ssl
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO, clean_env, run_cli
from tests.node_packages import npm_installed
from wizard.sandbox import Sandbox

SCRIPT = REPO / "tests" / "data" / "aio_token.js"
AIO_LIB_IMS = "@adobe/aio-lib-ims@7"


@pytest.fixture(scope="session")
def aio_modules(request, tmp_path_factory) -> Path:
    """The node_modules folder holding aio-lib-ims."""
    package = npm_installed(request, tmp_path_factory, AIO_LIB_IMS,
                            "node_modules/@adobe/aio-lib-ims/package.json", "REQUIRE_AIO")
    return package.parent.parent.parent


@pytest.fixture(scope="module")
def tls_sandbox(tmp_path_factory):
    with Sandbox(tls_dir=tmp_path_factory.mktemp("tls")) as sb:
        yield sb


@pytest.fixture
def env(tmp_path, tls_sandbox) -> dict[str, str]:
    return clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"), LAUNCH_WIZARD_PROFILE="aio",
                     SSL_CERT_FILE=str(tls_sandbox.ca_path))


def cli(*args: str, env: dict[str, str], input: str | None = None, code: int = 0):
    done = run_cli(*args, env=env, input=input)
    assert done.returncode == code, (args, done.stdout, done.stderr)
    return done


def create(sandbox, auth_type: str) -> dict:
    trust = ssl.create_default_context(cafile=str(sandbox.ca_path))
    return httpx.post(f"{sandbox.console_url}/integrations", verify=trust,
                      json={"name": "aio", "auth_type": auth_type}).json()


def aio(modules: Path, mode: str, context: Path, sandbox, tmp_path: Path):
    """aio_token.js run by Node, with aio's config in `tmp_path` (never the user's)."""
    env = {k: v for k, v in clean_env().items() if not k.lower().endswith("_proxy")}
    env |= {"NODE_PATH": str(modules), "NODE_EXTRA_CA_CERTS": str(sandbox.ca_path),
            "XDG_CONFIG_HOME": str(tmp_path / "xdg"), "AIO_CONFIG_FILE": str(tmp_path / "aio.json"),
            "HOME": str(tmp_path)}
    return subprocess.run(["node", str(SCRIPT), mode, str(context), sandbox.ims_url], env=env,
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)


def works_in_aio(modules: Path, env: dict[str, str], sandbox, tmp_path: Path) -> str:
    """Export the profile for aio-cli; aio-lib-ims's token, shown to work on the Launch API."""
    context = tmp_path / "context.json"
    exported = cli("export", "--format", "aio", "--with-secrets", "--out", str(context), env=env)
    assert "aio-cli gets tokens from Adobe's IMS only" in exported.stderr  # not the sandbox
    ran = aio(modules, "token", context, sandbox, tmp_path)
    assert ran.returncode == 0, ran.stderr[-3000:]
    token = json.loads(ran.stdout)["token"]
    data = json.loads(context.read_text())
    trust = ssl.create_default_context(cafile=str(sandbox.ca_path))
    companies = httpx.get(f"{sandbox.reactor_url}/companies", verify=trust, headers={
        "Authorization": f"Bearer {token}", "x-api-key": data["client_id"],
        "x-gw-ims-org-id": data["ims_org_id"], "Accept": "application/vnd.api+json;revision=1"})
    assert companies.status_code == 200 and companies.json()["data"], companies.text
    return token


def test_an_s2s_profile_configured_as_the_readme_shows_gets_an_aio_token(aio_modules, env, tmp_path,
                                                                       tls_sandbox):
    made = create(tls_sandbox, "oauth-s2s")
    base = ["configure", "--auth", "oauth-s2s", "--org-id", made["org_id"], "--client-id",
            made["client_id"], "--ims-url", tls_sandbox.ims_url, "--reactor-url",
            tls_sandbox.reactor_url, "--client-secret-stdin", "--insecure-storage"]
    cli(*base, input=made["client_secret"] + "\n", env=env)
    # without the technical account, the export refuses what aio-lib-ims would refuse
    context = tmp_path / "context.json"
    refused = cli("export", "--format", "aio", "--with-secrets", "--out", str(context), env=env,
                  code=2)
    assert ("aio-cli refuses an OAuth Server-to-Server context without its technical account ID "
            "and technical account email") in refused.stderr
    assert "credential's page" in refused.stderr and "--technical-account-email ..." in refused.stderr
    assert not context.exists()
    # the context the export used to write (those two empty): aio-lib-ims's own verdict on it
    context.write_text(json.dumps({
        "client_id": made["client_id"], "ims_org_id": made["org_id"], "technical_account_id": "",
        "technical_account_email": "", "client_secrets": [made["client_secret"]],
        "scopes": made["scopes"]}))
    verdict = aio(aio_modules, "check", context, tls_sandbox, tmp_path)
    assert verdict.returncode == 0, verdict.stderr
    assert json.loads(verdict.stdout)["oauth_server_to_server"] == (
        "[IMSOAuthSDK:MISSING_PROPERTIES] OAuth2 not supported due to some missing properties: "
        "technical_account_email,technical_account_id")
    context.unlink()
    cli("configure", "--technical-account-id", made["technical_account_id"],
        "--technical-account-email", made["technical_account_email"], env=env)
    works_in_aio(aio_modules, env, tls_sandbox, tmp_path)


def test_an_import_of_the_console_download_gets_an_aio_token(aio_modules, env, tmp_path,
                                                             tls_sandbox):
    made = create(tls_sandbox, "oauth-s2s")
    download = tmp_path / "credential.json"
    download.write_text(json.dumps({
        "ORG_ID": made["org_id"], "CLIENT_ID": made["client_id"],
        "CLIENT_SECRETS": [made["client_secret"]], "SCOPES": made["scopes"],
        "TECHNICAL_ACCOUNT_ID": made["technical_account_id"],
        "TECHNICAL_ACCOUNT_EMAIL": made["technical_account_email"]}))
    cli("configure", "--insecure-storage", "--ims-url", tls_sandbox.ims_url, "--reactor-url",
        tls_sandbox.reactor_url, env=env)
    done = cli("import", str(download), env=env)
    assert made["technical_account_email"] in done.stdout
    works_in_aio(aio_modules, env, tls_sandbox, tmp_path)


def test_a_migrated_jwt_profile_and_a_jwt_profile_get_aio_tokens(aio_modules, env, tmp_path,
                                                                tls_sandbox, keypair):
    made = create(tls_sandbox, "jwt")
    trust = ssl.create_default_context(cafile=str(tls_sandbox.ca_path))
    httpx.post(f"{tls_sandbox.console_url}/integrations/{made['client_id']}/certificates",
               json={"certificate": keypair.cert_path.read_text()}, verify=trust)
    # the README's JWT setup: no technical account email (JWT does not need one)
    cli("configure", "--auth", "jwt", "--org-id", made["org_id"], "--client-id", made["client_id"],
        "--technical-account-id", made["technical_account_id"], "--private-key",
        str(keypair.key_path), "--ims-url", tls_sandbox.ims_url, "--reactor-url",
        tls_sandbox.reactor_url, "--client-secret-stdin", "--insecure-storage",
        input=made["client_secret"] + "\n", env=env)
    jwt_dir = tmp_path / "jwt"
    jwt_dir.mkdir()
    works_in_aio(aio_modules, env, tls_sandbox, jwt_dir)
    migrated = cli("migrate", "--yes", env=env)
    assert "now uses OAuth Server-to-Server" in migrated.stdout
    assert "for aio-cli, add" not in migrated.stdout  # the sandbox's console page gave the email
    status = json.loads(cli("status", "--json", env=env).stdout)
    assert status["auth_type"] == "oauth-s2s"
    works_in_aio(aio_modules, env, tls_sandbox, tmp_path)


def test_an_export_without_secrets_says_aio_needs_them(env, tmp_path, tls_sandbox):
    made = create(tls_sandbox, "oauth-s2s")
    cli("configure", "--org-id", made["org_id"], "--client-id", made["client_id"],
        "--technical-account-id", made["technical_account_id"], "--technical-account-email",
        made["technical_account_email"], "--client-secret-stdin", "--insecure-storage",
        input=made["client_secret"] + "\n", env=env)
    refused = cli("export", "--format", "aio", env=env, code=2)
    assert "an aio-cli context holds the client secret" in refused.stderr
    assert "--with-secrets" in refused.stderr and refused.stdout == ""
    assert "not exported" not in refused.stdout + refused.stderr  # no placeholder
