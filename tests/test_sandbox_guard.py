"""The sandbox refuses what a web page could send it: hand-built requests over real sockets, so
that Host, Origin and Content-Type can be forged as a browser (or a rebound DNS name) would."""

import contextlib
import json
import socket

import pytest

from tests import sandbox_http
from wizard.core.console import SandboxConsole
from wizard.sandbox import Sandbox
from wizard.sandbox.guard import MAX_BODY

SPEC = json.dumps({"name": "attack", "auth_type": "oauth-s2s"})


def raw(sb, method: str, path: str, headers: dict[str, str] | None = None, body: str = "",
        version: str = "HTTP/1.1", host: str | None = "own") -> tuple[int, dict]:
    """Send exactly these bytes; (status, JSON body) of the answer."""
    lines = [f"{method} {path} {version}"]
    if host is not None:
        lines.append(f"Host: {f'127.0.0.1:{sb.port}' if host == 'own' else host}")
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body.encode())}")
    lines.append("Connection: close")
    with socket.create_connection(("127.0.0.1", sb.port), timeout=10) as conn:
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n" + body).encode())
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, _, content = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(content) if content else {}


@pytest.fixture(scope="module")
def sb():
    with Sandbox() as sandbox:
        yield sandbox


def made_nothing(sb, status: int, answer: dict, before: int) -> None:
    assert status in (403, 415, 421), answer
    assert "client_secret" not in answer and "secret" not in answer
    assert len(sb.state.integrations) == before


@pytest.mark.parametrize("headers, host, version", [
    ({"Content-Type": "text/plain"}, "own", "HTTP/1.1"),  # a <form enctype=text/plain> body
    ({"Content-Type": "application/x-www-form-urlencoded"}, "own", "HTTP/1.1"),
    ({}, "own", "HTTP/1.1"),  # a body without any type (fetch with a Blob)
    ({"Content-Type": "application/json", "Origin": "http://evil.example"}, "own", "HTTP/1.1"),
    ({"Content-Type": "application/json", "Origin": "null"}, "own", "HTTP/1.1"),
    ({"Content-Type": "application/json"}, "evil.example", "HTTP/1.1"),  # DNS rebinding
    ({"Content-Type": "application/json"}, "evil.example:{port}", "HTTP/1.1"),
    ({"Content-Type": "application/json"}, "127.0.0.1:1", "HTTP/1.1"),
    ({"Content-Type": "application/json"}, None, "HTTP/1.0"),
])
def test_a_forged_create_integration_is_refused_and_creates_nothing(sb, headers, host, version):
    before = len(sb.state.integrations)
    status, answer = raw(sb, "POST", "/console/integrations", headers, SPEC, version,
                         host.format(port=sb.port) if host else None)
    made_nothing(sb, status, answer, before)
    assert answer["error"] and answer["message"]


def test_the_read_of_a_secret_is_refused_to_a_foreign_origin_or_host(sb):
    made = SandboxConsole(sb.console_url).create("victim", "oauth-s2s").value
    path = f"/console/integrations/{made.client_id}"
    for headers, host in (({"Origin": "http://evil.example"}, "own"), ({}, f"evil.example:{sb.port}")):
        status, answer = raw(sb, "GET", path, headers, host=host)
        assert status in (403, 421) and made.client_secret not in json.dumps(answer)
    status, answer = raw(sb, "GET", path)  # the same request from a command-line client
    assert status == 200 and answer["client_secret"] == made.client_secret


@pytest.mark.parametrize("headers", [
    {"Content-Type": "text/plain"},
    {"Content-Type": "application/json", "Origin": "http://evil.example"},
])
def test_the_test_hooks_keep_to_the_same_rules(sb, headers):
    faults = len(sb.state.faults)
    status, _ = raw(sb, "POST", "/console/faults", headers,
                    json.dumps({"path": "/reactor/companies", "status": 500}))
    assert status in (403, 415) and len(sb.state.faults) == faults
    status, _ = raw(sb, "POST", "/console/clock", headers, json.dumps({"offset_s": 999999}))
    assert status in (403, 415) and sb.state.clock_offset_s == 0


def test_other_console_writes_and_ims_refuse_a_foreign_origin(sb):
    made = SandboxConsole(sb.console_url).create("victim", "oauth-s2s").value
    evil = {"Origin": "http://evil.example"}
    status, answer = raw(sb, "POST", f"/console/integrations/{made.client_id}/secrets", evil)
    assert status == 403 and "secret" not in answer
    assert len(sb.state.get(made.client_id).secrets) == 1
    status, _ = raw(sb, "DELETE", f"/console/integrations/{made.client_id}", evil)
    assert status == 403 and sb.state.get(made.client_id) is not None
    form = f"grant_type=client_credentials&client_id={made.client_id}&client_secret={made.client_secret}"
    status, answer = raw(sb, "POST", "/ims/token/v3",
                         evil | {"Content-Type": "application/x-www-form-urlencoded"}, form)
    assert status == 403 and "access_token" not in answer
    status, answer = raw(sb, "POST", "/ims/token/v3", {"Content-Type": "text/plain"}, form)
    assert status == 415 and "access_token" not in answer


def test_a_foreign_origin_cannot_reach_the_reactor(sb):
    status, _ = raw(sb, "GET", "/reactor/companies", {"Origin": "http://evil.example"})
    assert status == 403


def test_the_sandbox_s_own_names_are_answered(sb):
    before = len(sb.state.integrations)
    for host, origin in ((f"127.0.0.1:{sb.port}", sb.base_url),
                         (f"localhost:{sb.port}", f"http://localhost:{sb.port}"),
                         (f"LOCALHOST:{sb.port}", None)):
        headers = {"Content-Type": "application/json; charset=utf-8"}
        headers |= {"Origin": origin} if origin else {}
        status, answer = raw(sb, "POST", "/console/integrations", headers, SPEC, host=host)
        assert status == 201 and answer["client_secret"]
    assert len(sb.state.integrations) == before + 3


def test_a_write_without_a_body_needs_no_type(sb):
    made = SandboxConsole(sb.console_url).create("bodiless", "jwt").value
    status, answer = raw(sb, "POST", f"/console/integrations/{made.client_id}/migrate")
    assert status == 200 and answer["client_id"] == made.client_id
    # IMS fields in the query string and no body, as Adobe's Postman sample sends them
    token = sandbox_http.post(f"{sb.ims_url}/ims/token/v3", params={
        "grant_type": "client_credentials", "client_id": made.client_id,
        "client_secret": made.client_secret})
    assert token.status_code == 200 and token.json()["access_token"]


def test_an_ipv6_sandbox_answers_its_own_address_only():
    try:
        sandbox = Sandbox(host="::1")
    except OSError:
        pytest.skip("no IPv6 loopback here")
    with sandbox as sb6:
        assert sandbox_http.get(f"{sb6.console_url}/organization").status_code == 200
        with socket.create_connection(("::1", sb6.port), timeout=10) as conn:
            conn.sendall(f"GET /console/organization HTTP/1.1\r\nHost: 127.0.0.1:{sb6.port}\r\n"
                         "Connection: close\r\n\r\n".encode())
            assert conn.recv(100).startswith(b"HTTP/1.1 421")


def _chunked(sb, path: str, size: int, content_type: str) -> tuple[int, bytes]:
    """POST `size` bytes in 64 KiB chunks without a Content-Length; (status, body) of the answer."""
    with socket.create_connection(("127.0.0.1", sb.port), timeout=30) as conn:
        conn.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{sb.port}\r\nContent-Type: "
                     f"{content_type}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                     .encode())
        sent = 0
        with contextlib.suppress(OSError):  # the sandbox may answer and close before the end
            while sent < size:
                piece = min(65536, size - sent)
                conn.sendall(b"%x\r\n" % piece + b" " * piece + b"\r\n")
                sent += piece
            conn.sendall(b"0\r\n\r\n")
        answer = b""
        with contextlib.suppress(OSError):
            while chunk := conn.recv(65536):
                answer += chunk
    head, _, content = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), content


def test_a_body_past_the_limit_is_refused_before_it_is_read(sb):
    before = len(sb.state.integrations)
    with socket.create_connection(("127.0.0.1", sb.port), timeout=10) as conn:
        conn.sendall(f"POST /console/integrations HTTP/1.1\r\nHost: 127.0.0.1:{sb.port}\r\n"
                     f"Content-Type: application/json\r\nContent-Length: {MAX_BODY + 1}\r\n"
                     "Connection: close\r\n\r\n".encode())  # and never the body: not waited for
        assert conn.recv(100).startswith(b"HTTP/1.1 413")
    status, content = _chunked(sb, "/console/integrations", 4 * MAX_BODY, "application/json")
    assert status == 413 and json.loads(content)["error"] == "content_too_large"
    status, _ = _chunked(sb, "/ims/token/v3", 4 * MAX_BODY, "application/x-www-form-urlencoded")
    assert status == 413
    assert len(sb.state.integrations) == before


def test_a_chunked_body_within_the_limit_reaches_the_endpoint(sb):
    spec = json.dumps({"name": "chunked", "auth_type": "oauth-s2s"}).encode()
    body = spec + b" " * (MAX_BODY - len(spec))  # exactly at the limit, JSON all the same
    with socket.create_connection(("127.0.0.1", sb.port), timeout=30) as conn:
        conn.sendall(f"POST /console/integrations HTTP/1.1\r\nHost: 127.0.0.1:{sb.port}\r\n"
                     "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                     "Connection: close\r\n\r\n".encode())
        for start in range(0, len(body), 65536):
            piece = body[start:start + 65536]
            conn.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
        conn.sendall(b"0\r\n\r\n")
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, _, content = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 201") and json.loads(content)["client_secret"]
