"""Adobe's way in through Postman: a v2.1 collection with the requests and headers of Adobe's own
IMS and Reactor collections, run by newman (Postman's command-line runner) with the environment
`export --format postman --with-secrets` writes, against the sandbox over HTTPS (Adobe's IMS
collection builds `https://{{IMS}}`), its CA trusted through NODE_EXTRA_CA_CERTS."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess

import httpx
import pytest

from tests.conftest import REPO, clean_env, run_cli
from tests.node_packages import npm_installed, unavailable
from wizard.sandbox import Sandbox

COLLECTION = REPO / "tests" / "data" / "reactor.postman_collection.json"
NEWMAN = "newman@6"


@pytest.fixture(scope="session")
def newman(request, tmp_path_factory) -> str:
    """newman on PATH, else installed once with npm."""
    if shutil.which("node") is None:
        unavailable("Node.js is not installed (node not on PATH): newman needs it", "REQUIRE_NEWMAN")
    return shutil.which("newman") or str(npm_installed(
        request, tmp_path_factory, NEWMAN, "node_modules/.bin/newman", "REQUIRE_NEWMAN"))


def _without_proxies(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if not k.lower().endswith("_proxy")}


def test_adobes_postman_requests_work_with_the_exported_environment(newman, tmp_path):
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"), LAUNCH_WIZARD_PROFILE="postman")
    with Sandbox(tls_dir=tmp_path / "tls") as sb:
        assert sb.ca_path is not None
        trusted = {**env, "SSL_CERT_FILE": str(sb.ca_path)}
        made = httpx.post(f"{sb.console_url}/integrations", json={
            "name": "postman", "auth_type": "oauth-s2s"},
            verify=ssl.create_default_context(cafile=str(sb.ca_path))).json()
        configured = run_cli("configure", "--org-id", made["org_id"], "--client-id", made["client_id"],
                             "--ims-url", sb.ims_url, "--reactor-url", sb.reactor_url,
                             "--client-secret-stdin", "--insecure-storage",
                             input=made["client_secret"] + "\n", env=env)
        assert configured.returncode == 0, configured.stderr
        tested = run_cli("test", env=trusted)  # as a user would first: it records the company
        assert tested.returncode == 0, tested.stdout + tested.stderr
        environment = tmp_path / "sandbox.postman_environment.json"
        exported = run_cli("export", "--format", "postman", "--with-secrets", "--out",
                           str(environment), env=env)
        assert exported.returncode == 0, exported.stderr
        values = {v["key"]: v["value"] for v in json.loads(environment.read_text())["values"]}
        assert values["IMS"] == sb.ims_url.removeprefix("https://") and values["COMPANY_ID"]
        report = tmp_path / "newman.json"
        ran = subprocess.run(
            [newman, "run", str(COLLECTION), "--environment", str(environment),
             "--reporters", "cli,json", "--reporter-json-export", str(report), "--color", "off"],
            env=_without_proxies({**env, "NODE_EXTRA_CA_CERTS": str(sb.ca_path)}),
            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert ran.returncode == 0, ran.stdout[-4000:] + ran.stderr[-2000:]
    run = json.loads(report.read_text())["run"]
    executions = run["executions"]
    assert [e["response"]["code"] for e in executions] == [200] * 5
    assert all(not e.get("assertions") or all("error" not in a for a in e["assertions"])
               for e in executions)
    assert run["stats"]["assertions"] == {"total": 5, "pending": 0, "failed": 0}
    sent = {e["item"]["name"]: {h["key"].lower() for h in e["request"]["header"]} for e in executions}
    without_org = [name for name, headers in sent.items()
                   if name.startswith("Reactor") and "x-gw-ims-org-id" not in headers]
    assert len(without_org) == 3  # Adobe's collection and uploader leave it out


def test_the_collection_is_postman_v2_1_with_adobes_variables():
    collection = json.loads(COLLECTION.read_text())
    assert collection["info"]["schema"].endswith("/v2.1.0/collection.json")
    token_request = collection["item"][0]["request"]
    assert token_request["url"] == "https://{{IMS}}/ims/token/v3"
    fields = {f["key"]: f["value"] for f in token_request["body"]["urlencoded"]}
    assert fields == {"grant_type": "client_credentials", "client_id": "{{API_KEY}}",
                      "client_secret": "{{CLIENT_SECRET}}", "scope": "{{SCOPES}}"}
    for item in collection["item"][1:]:
        headers = {h["key"]: h["value"] for h in item["request"]["header"]}
        assert headers["Authorization"] == "Bearer {{ACCESS_TOKEN}}"
        assert headers["Accept"] == "application/vnd.api+json;revision=1"
        assert headers["Content-Type"] == "application/vnd.api+json"
        assert headers["x-api-key"] in ("{{API_KEY}}", "Activation-DTM")
        assert headers.get("x-gw-ims-org-id", "{{IMS_ORG}}") == "{{IMS_ORG}}"
