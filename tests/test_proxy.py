"""Proxies from the environment: never for this machine, honoured elsewhere, refused when broken.

The proxy is real: a socket server on loopback that records what reaches it, then hangs up
(so nothing it is asked for ever leaves this machine).
"""

import socket
import threading
from importlib.util import find_spec

import pytest

from tests.conftest import clean_env, configure_s2s, run_cli, run_main
from wizard.core.console import SandboxConsole

PROXY_NAMES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


class CaptureProxy:
    """Accepts connections, records the bytes of each request's head, closes."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._server.getsockname()[1]}"
        self.seen: list[bytes] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                head = b""
                try:
                    while b"\r\n\r\n" not in head and len(head) < 65536:
                        chunk = conn.recv(4096)
                        if not chunk:
                            break
                        head += chunk
                except OSError:
                    pass
                self.seen.append(head)

    def close(self) -> None:
        self._server.close()


@pytest.fixture
def proxy():
    capture = CaptureProxy()
    yield capture
    capture.close()


@pytest.fixture
def env(tmp_path):
    return clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"),
                     DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent")


def proxied(env: dict[str, str], url: str) -> dict[str, str]:
    without = {k: v for k, v in env.items() if k.lower() not in {n.lower() for n in
                                                                   (*PROXY_NAMES, "NO_PROXY")}}
    return without | dict.fromkeys(PROXY_NAMES, url)


def test_loopback_token_and_test_never_go_through_the_proxy(sandbox, env, proxy):
    made = configure_s2s(sandbox, env, run=run_main)
    env = proxied(env, proxy.url)
    token = run_main("token", "--refresh", env=env)
    assert token.returncode == 0, token.stderr
    tested = run_main("test", env=env)
    assert tested.returncode == 0, tested.stderr
    assert proxy.seen == []  # the client secret and the token stayed on this machine
    assert made.client_secret not in token.stderr + tested.stdout + tested.stderr


def test_demo_sends_nothing_to_the_proxy(env, proxy):
    demo = run_cli("demo", env=proxied(env, proxy.url), timeout=120)  # a real process too
    assert demo.returncode == 0, demo.stderr
    assert "7. GET /companies" in demo.stdout and "internal error" not in demo.stderr
    assert proxy.seen == []


def test_loopback_ignores_even_a_broken_proxy_setting(sandbox, env):
    configure_s2s(sandbox, env, run=run_main)
    token = run_main("token", "--refresh", env=proxied(env, "http://[::1"))
    assert token.returncode == 0, token.stderr


def adobe_profile(sandbox, env) -> str:
    """A profile on Adobe's real hosts (the default URLs); its client secret."""
    made = SandboxConsole(sandbox.console_url).create("adobe", "oauth-s2s").value
    configured = run_main("configure", "--org-id", made.org_id, "--client-id", made.client_id,
                         "--client-secret-stdin", "--insecure-storage",
                         input=made.client_secret + "\n", env=env)
    assert configured.returncode == 0, configured.stderr
    return made.client_secret


def test_adobe_s_host_is_reached_through_the_proxy(sandbox, env, proxy):
    secret = adobe_profile(sandbox, env)
    env = {k: v for k, v in env.items() if k.lower() not in ("no_proxy", "http_proxy", "all_proxy")}
    token = run_main("token", env=env | {"HTTPS_PROXY": proxy.url})
    assert token.returncode == 4, token.stderr  # the proxy hung up: a network error
    assert "error:" in token.stderr and "Traceback" not in token.stderr
    assert len(proxy.seen) >= 1
    assert all(seen.startswith(b"CONNECT ims-na1.adobelogin.com:443 HTTP/1.1\r\n")
               for seen in proxy.seen)  # a tunnel: the secret would go inside TLS, not to the proxy
    assert not any(secret.encode() in seen for seen in proxy.seen)


@pytest.mark.parametrize("name, value", [
    ("HTTPS_PROXY", "http://[::1"),
    ("HTTPS_PROXY", "ftp://x"),
    ("https_proxy", "socks5://127.0.0.1:1"),  # httpx needs socksio for SOCKS: not installed here
    ("ALL_PROXY", ":::"),
    ("HTTP_PROXY", "http://proxy.example:99999"),
    ("HTTPS_PROXY", "http://user:hunter2@[::1"),
])
def test_a_broken_proxy_setting_is_bad_input_naming_the_variable(sandbox, env, name, value):
    if value.startswith("socks") and find_spec("socksio"):
        pytest.skip("socksio is installed: httpx can use a SOCKS proxy")
    adobe_profile(sandbox, env)
    env = {k: v for k, v in env.items() if k.lower() not in {n.lower() for n in PROXY_NAMES}}
    token = run_main("token", env=env | {name: value})
    assert token.returncode == 2, token.stderr
    error = next(line for line in token.stderr.splitlines() if line.startswith("error: "))
    assert name in error
    assert "fix:" in token.stderr and "Traceback" not in token.stderr
    assert "hunter2" not in token.stderr  # a proxy URL may hold a password: never shown
