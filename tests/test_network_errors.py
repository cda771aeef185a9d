"""Every way the network or a server can fail becomes a typed error with a cause and a fix."""

import contextlib
import socket

import pytest

from tests import sandbox_http
from wizard.core import http, tokens
from wizard.core.errors import IMSError, NetworkError, ReactorError
from wizard.core.reactor import Reactor, reactor_error


@pytest.fixture(autouse=True)
def waits(monkeypatch) -> list[float]:
    """The waits between attempts, in seconds, counted instead of slept."""
    waited: list[float] = []
    monkeypatch.setattr(http, "_sleep", waited.append)
    return waited


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def fault(sb, **spec):
    assert sandbox_http.post(f"{sb.console_url}/faults", json=spec).status_code == 201


def test_connection_refused(s2s_setup):
    _, profile, store = s2s_setup
    profile = profile.with_changes(ims_url=f"http://127.0.0.1:{closed_port()}")
    with pytest.raises(NetworkError, match=r"connection refused by 127\.0\.0\.1") as exc:
        tokens.exchange(profile, store)
    assert exc.value.exit_code == 4 and "--ims-url" in exc.value.fix


def test_dns_failure():
    with pytest.raises(NetworkError, match=r"cannot resolve the host name launch-wizard-test\.invalid"):
        http.request("GET", "https://launch-wizard-test.invalid/")


def test_connect_timeout(monkeypatch):
    """A listening socket whose backlog is full drops new connections: connect times out."""
    monkeypatch.setattr(http, "CONNECT_TIMEOUT_S", 0.3)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    try:
        with pytest.raises(NetworkError, match=r"timed out connecting to 127\.0\.0\.1") as exc:
            http.request("GET", f"http://127.0.0.1:{port}/companies")
        assert "HTTPS_PROXY" in exc.value.fix
    finally:
        for sock in (*fillers, server):
            sock.close()


def test_read_timeout(fresh_sandbox, monkeypatch):
    monkeypatch.setattr(http, "READ_TIMEOUT_S", 0.3)
    fault(fresh_sandbox, path="/reactor/companies", delay_s=2)
    with pytest.raises(NetworkError, match="did not answer in time"):
        Reactor(fresh_sandbox.reactor_url, "t", "c", "o").companies()


@pytest.mark.parametrize("spec, match", [
    ({"status": 503, "body": "<html><body>Service Unavailable</body></html>"},
     r"failed on the server \(HTTP 503, text/html\)"),
    ({"status": 502, "body": ""}, r"failed on the server \(HTTP 502"),
    ({"status": 200, "body": "hello", "content_type": "text/plain"},
     r"answered something that is not the API \(HTTP 200, text/plain\)"),
    ({"status": 200, "body": '{"access_token": "abc', "content_type": "application/json"},
     r"not the API \(HTTP 200, application/json\)"),
])
def test_non_api_answers_from_ims(fresh_sandbox, memory_store, spec, match):
    from tests.conftest import s2s_profile
    from wizard.core.console import SandboxConsole

    creds = SandboxConsole(fresh_sandbox.console_url).create("x", "oauth-s2s").value
    profile = s2s_profile(fresh_sandbox, creds)
    memory_store.set(profile.name, "client_secret", creds.client_secret)
    fault(fresh_sandbox, path="/ims/token/v3", **spec)
    with pytest.raises(NetworkError, match=match):
        tokens.exchange(profile, memory_store)
    assert tokens.exchange(profile, memory_store).token  # the next try works


@pytest.mark.parametrize("body, match", [
    ({"token_type": "bearer"}, "without an access token"),
    ({"access_token": "x", "expires_in": "soon"}, "unusable expires_in"),
    ({"access_token": "x", "expires_in": -1}, "unusable expires_in"),
])
def test_ims_200_without_a_usable_token(fresh_sandbox, memory_store, body, match):
    from tests.conftest import s2s_profile
    from wizard.core.console import SandboxConsole

    creds = SandboxConsole(fresh_sandbox.console_url).create("x", "oauth-s2s").value
    profile = s2s_profile(fresh_sandbox, creds)
    memory_store.set(profile.name, "client_secret", creds.client_secret)
    fault(fresh_sandbox, path="/ims/token/v3", status=200, body=body)
    with pytest.raises(IMSError, match=match):
        tokens.exchange(profile, memory_store)


def test_429_from_ims_says_when_to_retry(fresh_sandbox, memory_store):
    from tests.conftest import s2s_profile
    from wizard.core.console import SandboxConsole

    creds = SandboxConsole(fresh_sandbox.console_url).create("x", "oauth-s2s").value
    profile = s2s_profile(fresh_sandbox, creds)
    memory_store.set(profile.name, "client_secret", creds.client_secret)
    fault(fresh_sandbox, path="/ims/token/v3", status=429, headers={"Retry-After": "7"})
    with pytest.raises(IMSError, match="throttling") as exc:
        tokens.exchange(profile, memory_store)
    assert "retry after 7 s" in exc.value.fix and exc.value.exit_code == 3


def test_reactor_errors_from_the_sandbox(s2s_setup, sandbox):
    _, profile, store = s2s_setup
    token = tokens.get_token(profile, store).token.access_token
    with pytest.raises(ReactorError, match="401013") as exc:
        Reactor(profile.reactor_url, "expired-token", profile.client_id, profile.org_id).companies()
    assert "--refresh" in exc.value.fix
    with pytest.raises(ReactorError, match="403003") as exc:
        Reactor(profile.reactor_url, token, "wrong", profile.org_id).companies()
    assert "API key" in exc.value.fix
    with pytest.raises(ReactorError, match="invalid-org") as exc:
        Reactor(profile.reactor_url, token, profile.client_id, "0000@AdobeOrg").companies()
    assert "--org-id" in exc.value.fix


@pytest.mark.parametrize("status, body, match, fix", [
    (404, {"errors": [{"status": "404", "code": "not-found", "detail": "Record not found"}]},
     "not-found", "check the path"),
    (422, {"errors": [{"code": "invalid-attribute", "detail": "Name can't be blank",
                       "source": {"pointer": "/data/attributes/name"}}]},
     "Name can't be blank (at /data/attributes/name)", "--input"),
    (403, {"errors": [{"status": "403", "code": "not-authorized", "title": "Forbidden"}]},
     "not-authorized", "launch-wizard roles"),
    (401, {"error_code": "401013", "message": "Oauth token is not valid"}, "401013", "--refresh"),
    (403, {"errors": "weird"}, "HTTP 403", "not allowed"),
    (500, {}, "HTTP 500", "try again later"),
])
def test_reactor_error_shapes(status, body, match, fix):
    err = reactor_error(status, body)
    assert match in err.cause and fix in err.fix


def test_a_404_from_companies_means_the_organization_has_no_launch(fresh_sandbox):
    fault(fresh_sandbox, path="/reactor/companies", status=404,
          body={"errors": [{"status": "404", "code": "not-found", "detail": "Company not found"}]})
    with pytest.raises(ReactorError, match="no company for this organization") as exc:
        Reactor(fresh_sandbox.reactor_url, "t", "c", "o").companies()
    assert "provision Launch" in exc.value.fix and exc.value.subject == "org_id"


def test_reactor_429_and_html_500(fresh_sandbox):
    fault(fresh_sandbox, path="/reactor/companies", status=429, headers={"Retry-After": "30"})
    with pytest.raises(ReactorError, match="throttling") as exc:
        Reactor(fresh_sandbox.reactor_url, "t", "c", "o").companies()
    assert exc.value.fix == "retry after 30 s"
    fault(fresh_sandbox, path="/reactor/companies", status=500, body="<html>oops</html>",
          times=http.ATTEMPTS)
    with pytest.raises(NetworkError, match="HTTP 500, text/html"):
        Reactor(fresh_sandbox.reactor_url, "t", "c", "o").companies()


def test_gets_are_retried_through_5xx_and_429(fresh_sandbox, monkeypatch, waits):
    fault(fresh_sandbox, path="/reactor/companies", status=503, body="<html>busy</html>",
          times=http.ATTEMPTS - 1)
    with pytest.raises(ReactorError, match="401013"):  # got through to the real answer
        Reactor(fresh_sandbox.reactor_url, "t", "c", "o").companies()
    assert waits == [http.BACKOFF_S, http.BACKOFF_S * 2]
    waits.clear()
    fault(fresh_sandbox, path="/reactor/companies", status=429, headers={"Retry-After": "1"})
    monkeypatch.setattr(http, "MAX_WAIT_S", 1.0)
    with pytest.raises(ReactorError, match="401013"):
        Reactor(fresh_sandbox.reactor_url, "t", "c", "o").companies()
    assert waits == [1.0]  # Retry-After was honoured


def test_token_requests_are_not_retried_on_5xx(fresh_sandbox, memory_store):
    from tests.conftest import s2s_profile
    from wizard.core.console import SandboxConsole

    creds = SandboxConsole(fresh_sandbox.console_url).create("x", "oauth-s2s").value
    profile = s2s_profile(fresh_sandbox, creds)
    memory_store.set(profile.name, "client_secret", creds.client_secret)
    fault(fresh_sandbox, path="/ims/token/v3", status=503, body="<html>busy</html>")
    with pytest.raises(NetworkError, match="HTTP 503"):
        tokens.exchange(profile, memory_store)
    assert tokens.exchange(profile, memory_store).token  # the fault was used once, not retried


def test_refused_connections_are_retried_with_backoff_then_reported(monkeypatch, waits):
    monkeypatch.setattr(http, "BACKOFF_S", 0.2)
    with pytest.raises(NetworkError, match="connection refused"):
        http.request("POST", f"http://127.0.0.1:{closed_port()}/ims/token/v3")
    assert waits == [0.2, 0.4]  # two waits between three attempts
    waits.clear()
    monkeypatch.setattr(http, "DEADLINE_S", 0.1)  # a deadline cuts the retries short
    with pytest.raises(NetworkError):
        http.request("GET", f"http://127.0.0.1:{closed_port()}/")
    assert waits == []


def test_untrusted_tls_then_trusted_through_ssl_cert_file(tmp_path, monkeypatch, waits):
    from wizard.sandbox import Sandbox

    with Sandbox(tls_dir=tmp_path) as sb:
        assert sb.base_url.startswith("https://")
        with pytest.raises(NetworkError, match=r"TLS certificate of 127\.0\.0\.1") as exc:
            Reactor(sb.reactor_url, "t", "c", "o").companies()
        assert "SSL_CERT_FILE" in exc.value.fix and exc.value.exit_code == 4
        assert "_ssl.c" not in exc.value.cause
        assert waits == []  # not retried: it would not get better
        monkeypatch.setenv("SSL_CERT_FILE", str(sb.ca_path))
        with pytest.raises(ReactorError, match="401013"):  # through TLS to the real answer
            Reactor(sb.reactor_url, "t", "c", "o").companies()


def test_unreadable_ca_bundle_is_explained(monkeypatch, tmp_path):
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(NetworkError, match="cannot load the CA bundle"):
        http.request("GET", "https://127.0.0.1:1/")
