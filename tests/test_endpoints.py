"""Where a secret or a token may go: a cached token is bound to the hosts and the credential it was
issued for; an imported file cannot point a profile at other hosts unless the user says so; hosts
that are not Adobe's are named every time they are used; a URL that cannot be used is refused
with a fix, from every way it can come in.

The other host is a capture server on this machine that records everything it receives and
answers like IMS and the Launch API would: it must receive no client secret and no token unless
the user said so."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import clean_env, configure_s2s, run_main
from wizard.core.ims import Token
from wizard.core.interop import FORMAT
from wizard.core.profile import IMS_PRODUCTION, REACTOR_PRODUCTION, Profile, ProfileStore
from wizard.core.tokens import cached, remember
from wizard.tui.flow import PROGRESS_KEY


class Capture:
    """A tiny HTTP server on loopback standing in for a host the credential was not issued for."""

    def __init__(self) -> None:
        self.received: list[str] = []  # each request: its line, headers and body, as text
        capture = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode(errors="replace")
                capture.received.append(f"{self.requestline}\n{self.headers}\n{body}")
                answer = json.dumps({"access_token": "captured-host-token", "token_type": "bearer",
                                     "expires_in": 86399, "data": []}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def saw(self, text: str) -> bool:
        return any(text in request for request in self.received)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def capture():
    server = Capture()
    yield server
    server.close()


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"), LAUNCH_WIZARD_PROFILE="work")


def config_bytes(env: dict[str, str]) -> bytes | None:
    path = Path(env["LAUNCH_WIZARD_CONFIG_DIR"]) / "config.toml"
    return path.read_bytes() if path.exists() else None


def saved(env: dict[str, str], name: str = "work") -> Profile:
    return ProfileStore(Path(env["LAUNCH_WIZARD_CONFIG_DIR"]) / "config.toml").load(name)


def export_file(path: Path, made, **fields: object) -> str:
    """A file in launch-wizard's own export format, as someone could send it."""
    body = {"format": FORMAT, "name": "work", "auth_type": "oauth-s2s", "org_id": made.org_id,
            "client_id": made.client_id, **fields}
    path.write_text(json.dumps(body))
    return str(path)


def refused(done, *words: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.startswith("error: ") and "\n  fix: " in done.stderr, done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    for word in words:
        assert word in done.stderr, (word, done.stderr)


# --- 1. an imported file re-aims a profile ---------------------------------------------------------

def test_an_imported_file_cannot_point_a_profile_at_another_host(sandbox, capture, env, tmp_path):
    made = configure_s2s(sandbox, env, run=run_main)
    cached_token = run_main("token", env=env).stdout.strip()
    before = config_bytes(env)
    hostile = export_file(tmp_path / "work.json", made, ims_url=capture.url,
                          reactor_url=capture.url)

    done = run_main("import", hostile, env=env)
    refused(done, f"IMS URL {sandbox.ims_url} -> {capture.url}",
            f"Reactor URL {sandbox.reactor_url} -> {capture.url}", "--allow-endpoints")
    assert config_bytes(env) == before
    for command in (("token",), ("api", "/companies"), ("test",)):  # the profile still works
        assert run_main(*command, env=env).returncode == 0, command
    assert capture.received == []
    assert made.client_secret and cached_token


def test_allowed_endpoints_get_the_secret_but_never_the_token_cached_for_others(sandbox, capture,
                                                                                 env, tmp_path):
    made = configure_s2s(sandbox, env, run=run_main)
    cached_token = run_main("token", env=env).stdout.strip()
    hostile = export_file(tmp_path / "work.json", made, ims_url=capture.url,
                          reactor_url=capture.url)

    done = run_main("import", hostile, "--allow-endpoints", env=env)
    assert done.returncode == 0, done.stderr
    report = done.stdout
    assert f"IMS URL                {capture.url}" in report
    assert f"Reactor URL            {capture.url}" in report
    assert run_main("api", "/companies", env=env).returncode == 0
    # the user let the file choose the IMS: the client secret went there, and the token it gave
    # went to its Launch API; the token cached for the sandbox went nowhere
    assert capture.saw(made.client_secret) and capture.saw("Bearer captured-host-token")
    assert not capture.saw(cached_token)


def test_a_new_profile_from_a_file_with_other_hosts_needs_the_flag(sandbox, capture, env,
                                                                     tmp_path):
    made = configure_s2s(sandbox, dict(env, LAUNCH_WIZARD_PROFILE="elsewhere"), run=run_main)
    before = config_bytes(env)
    hostile = export_file(tmp_path / "new.json", made, ims_url=capture.url,
                          reactor_url=REACTOR_PRODUCTION, secrets={"client_secret": "s3cr3t-x"})
    refused(run_main("import", hostile, env=env), f"IMS URL {IMS_PRODUCTION} -> {capture.url}")
    assert config_bytes(env) == before and not saved(env).client_id
    production = export_file(tmp_path / "prod.json", made, ims_url=IMS_PRODUCTION,
                             reactor_url=REACTOR_PRODUCTION)
    assert run_main("import", production, env=env).returncode == 0  # Adobe's own hosts: no flag


def test_an_import_with_another_client_id_asks_first(sandbox, env, tmp_path):
    made = configure_s2s(sandbox, env, run=run_main)
    before = config_bytes(env)
    other = {"ORG_ID": made.org_id, "CLIENT_ID": "another-client", "CLIENT_SECRETS": ["s-other"]}
    (tmp_path / "other.json").write_text(json.dumps(other))

    done = run_main("import", str(tmp_path / "other.json"), env=env)
    refused(done, f"holds client ID {made.client_id}", "another-client", "--force")
    assert config_bytes(env) == before
    forced = run_main("import", str(tmp_path / "other.json"), "--force", env=env)
    assert forced.returncode == 0, forced.stderr
    assert saved(env).client_id == "another-client"


# --- a cached token is bound to what it was issued for --------------------------------------------

@pytest.mark.parametrize("change", [
    {"ims_url": "https://ims.example.com"},
    {"reactor_url": "https://reactor.example.com"},
    {"client_id": "another-client"},
    {"org_id": "OTHER@AdobeOrg"},
    {"scopes": ["openid"]},
    {"auth_type": "jwt", "technical_account_id": "T@techacct.adobe.com"},
])
def test_a_cached_token_is_dropped_when_what_it_was_issued_for_changes(memory_store, change):
    profile = Profile(name="work", org_id="ORG@AdobeOrg", client_id="client")
    remember(profile, memory_store, Token("tok-123", 9e12))
    assert cached(profile, memory_store) is not None
    assert cached(profile.with_changes(**change), memory_store) is None
    assert memory_store.get("work", "token") is None  # deleted, not only ignored
    assert cached(profile, memory_store) is None


def test_a_jwt_token_is_bound_to_its_metascopes(memory_store):
    profile = Profile(name="work", auth_type="jwt", org_id="ORG@AdobeOrg", client_id="client",
                      technical_account_id="T@techacct.adobe.com", metascopes=["ent_reactor_sdk"])
    remember(profile, memory_store, Token("tok-123", 9e12))
    assert cached(profile, memory_store) is not None
    assert cached(profile.with_changes(metascopes=["ent_reactor_admin_sdk"]), memory_store) is None
    assert memory_store.get("work", "token") is None


def test_the_environment_pointing_elsewhere_never_carries_the_cached_token(sandbox, capture, env):
    configure_s2s(sandbox, env, run=run_main)
    cached_token = run_main("token", env=env).stdout.strip()
    moved = dict(env, LAUNCH_WIZARD_REACTOR_URL=capture.url)
    assert run_main("api", "/companies", env=moved).returncode == 0
    assert capture.received and not capture.saw(cached_token)


# --- hosts that are not Adobe's are named every time ----------------------------------------------

def test_a_host_that_is_not_adobes_is_named_every_time(env):
    configured = run_main("configure", "--org-id", "ORG@AdobeOrg", "--client-id", "c",
                         "--ims-url", "https://ims.example.com", env=env)
    assert configured.returncode == 0, configured.stderr
    config = Path(env["LAUNCH_WIZARD_CONFIG_DIR"]) / "config.toml"
    for _ in range(2):
        shown = run_main("status", env=env).stderr
        assert ("warning: profile 'work' sends its credentials to https://ims.example.com (IMS "
                f"URL), which is not Adobe's production host (set in {config})") in shown
        assert REACTOR_PRODUCTION not in shown
    moved = run_main("token", env=dict(env, LAUNCH_WIZARD_REACTOR_URL="https://r.example.com"))
    assert ("sends its credentials to https://r.example.com (Reactor URL), which is not Adobe's "
            "production host (set by LAUNCH_WIZARD_REACTOR_URL)") in moved.stderr


@pytest.mark.parametrize("ims_url", [IMS_PRODUCTION, "https://ims-na1.adobelogin.com:443",
                                     "http://127.0.0.1:8080", "http://[::1]:9", "http://localhost:1"])
def test_adobes_hosts_and_this_machine_bring_no_warning(env, ims_url):
    run_main("configure", "--org-id", "ORG@AdobeOrg", "--client-id", "c", "--ims-url", ims_url,
            env=env)
    assert "warning: profile" not in run_main("status", env=env).stderr


# --- 10. malformed URLs and ports ----------------------------------------------------------------

BAD_URLS = ["http://[::1", "https://a／b", "https://[127.0.0.1]", "https://h.example:0",
            "https://h.example:99999", "https://h.example:abc", "https://user:pw@h.example",
            "https://h.example/?x=1", "https://h.example/\x1b[31m"]


@pytest.fixture
def work(env) -> bytes | None:
    ProfileStore(Path(env["LAUNCH_WIZARD_CONFIG_DIR"]) / "config.toml").save(
        Profile(name="work", org_id="ORG@AdobeOrg", client_id="client"))
    return config_bytes(env)


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_bad_url_through_configure(env, work, url):
    for option in ("--ims-url", "--reactor-url"):
        refused(run_main("configure", option, url, env=env))
        assert config_bytes(env) == work
    assert "pw@" not in run_main("configure", "--ims-url", url, env=env).stderr


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_bad_url_through_the_environment(env, work, url):
    for var in ("LAUNCH_WIZARD_IMS_URL", "LAUNCH_WIZARD_REACTOR_URL"):
        for command in (("status",), ("token",)):
            refused(run_main(*command, env=dict(env, **{var: url})), var)
    assert config_bytes(env) == work


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_bad_url_in_an_imported_file(env, work, url, tmp_path):
    made = Profile(org_id="ORG@AdobeOrg", client_id="client")
    for field in ("ims_url", "reactor_url"):
        path = export_file(tmp_path / "bad.json", made, **{field: url})
        refused(run_main("import", path, "--allow-endpoints", env=env))
        assert config_bytes(env) == work


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_bad_url_in_a_hand_written_config(env, url):
    config = Path(env["LAUNCH_WIZARD_CONFIG_DIR"]) / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'[profiles.work]\norg_id = "ORG@AdobeOrg"\nims_url = {json.dumps(url)}\n')
    written = config.read_bytes()
    for command in (("status",), ("configure", "--client-id", "c"), ("token",)):
        refused(run_main(*command, env=env), str(config))
    assert config.read_bytes() == written


@pytest.mark.parametrize("path", ["http://[::1", "https://a／b/companies", "//[127.0.0.1]/x"])
def test_api_refuses_a_url_it_cannot_read(sandbox, env, path):
    configure_s2s(sandbox, env, run=run_main)
    refused(run_main("api", path, env=env))


# --- the wizard's import asks its own question ----------------------------------------------------

async def test_the_wizard_asks_before_a_file_chooses_where_the_secret_goes(tmp_path):
    from tests.tui_helpers import screen_text, settle, type_into
    from wizard.core.secret_store import MemoryBackend, SecretStore
    from wizard.tui.app import WizardApp

    profiles = ProfileStore()
    profiles.save(Profile(name="work", org_id="ORG@AdobeOrg", client_id="client"))
    profiles.update("work", {}, records={PROGRESS_KEY: []})  # the wizard's record: at step 1
    store = SecretStore(backend=MemoryBackend())
    store.set("work", "client_secret", "work-secret")
    made = Profile(org_id="ORG@AdobeOrg", client_id="client")
    hostile = export_file(tmp_path / "work.json", made, ims_url="https://ims.example.com",
                          reactor_url=REACTOR_PRODUCTION)
    app = WizardApp(profile="work", secrets=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#import-open").press()
        await settle(app, pilot)
        await type_into(pilot, "#import-path", hostile)
        await pilot.press("enter")
        await settle(app, pilot, 2)
        text = screen_text(app)
        assert "would change where this profile's client secret and tokens go" in text
        assert f"IMS URL: {IMS_PRODUCTION} -> https://ims.example.com" in text
        assert profiles.load("work").ims_url == IMS_PRODUCTION  # nothing changed yet
        app.screen.query_one("#import-confirm").press()
        await settle(app, pilot, 2)
        assert profiles.load("work").ims_url == "https://ims.example.com"  # the user said so
        assert "https://ims.example.com (IMS URL), which is not Adobe's" in screen_text(app)
    again = WizardApp(profile="work", secrets=store)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(again, pilot)
        assert ("Warning: profile 'work' sends its credentials to https://ims.example.com"
                in screen_text(again))


async def test_the_sandbox_never_takes_hosts_from_a_file(sandbox, tmp_path):
    from tests.tui_helpers import settle, type_into
    from wizard.core.secret_store import SANDBOX_SERVICE, MemoryBackend, SecretStore
    from wizard.tui.app import WizardApp

    made = Profile(org_id="ORG@AdobeOrg", client_id="client")
    hostile = export_file(tmp_path / "work.json", made, ims_url="https://ims.example.com",
                          reactor_url="https://reactor.example.com")
    app = WizardApp(sandbox=sandbox, secrets=SecretStore(SANDBOX_SERVICE, MemoryBackend()))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#import-open").press()
        await settle(app, pilot)
        await type_into(pilot, "#import-path", hostile)
        await pilot.press("enter")
        await settle(app, pilot, 2)
        assert app.state.profile.client_id == "client"
        assert app.state.profile.ims_url == sandbox.ims_url
    assert ProfileStore().load("sandbox").reactor_url == sandbox.reactor_url


@pytest.mark.parametrize("port", ["99999", "-1", "65536"])
def test_the_sandbox_refuses_a_port_that_is_not_one(env, port):
    refused(run_main("sandbox", "--port", port, env=env), "--port")


async def test_the_wizard_asks_before_an_import_replaces_the_client_id(tmp_path):
    from tests.tui_helpers import screen_text, settle, type_into
    from wizard.core.secret_store import MemoryBackend, SecretStore
    from wizard.tui.app import WizardApp

    profiles = ProfileStore()
    profiles.save(Profile(name="work", org_id="ORG@AdobeOrg", client_id="client"))
    profiles.update("work", {}, records={PROGRESS_KEY: []})  # the wizard's record: at step 1
    other = {"ORG_ID": "ORG@AdobeOrg", "CLIENT_ID": "another-client", "CLIENT_SECRETS": ["s-2"]}
    (tmp_path / "other.json").write_text(json.dumps(other))
    app = WizardApp(profile="work", secrets=SecretStore(backend=MemoryBackend()))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#import-open").press()
        await settle(app, pilot)
        await type_into(pilot, "#import-path", str(tmp_path / "other.json"))
        await pilot.press("enter")
        await settle(app, pilot, 2)
        assert "client ID: client -> another-client" in screen_text(app)
        assert profiles.load("work").client_id == "client"
        app.screen.query_one("#import-confirm").press()
        await settle(app, pilot, 2)
        assert profiles.load("work").client_id == "another-client"
