"""A server's answer is read only so far: one that never ends, one compressed into a bomb, and
one that trickles in byte by byte are stopped with a clear error, before memory or time run out."""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from wizard.core import http, ims
from wizard.core.errors import NetworkError
from wizard.core.reactor import Reactor

Body = Callable[[socket.socket], None]


def _endless(conn: socket.socket) -> None:
    chunk = b"x" * 65536
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 b"Transfer-Encoding: chunked\r\n\r\n")
    while True:
        conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))


def _bomb(conn: socket.socket) -> None:
    body = gzip.compress(b"{" + b" " * (8 << 20) + b"}")  # 8 MiB of JSON in a few KB
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
                 b"Content-Length: %d\r\n\r\n%s" % (len(body), body))


def _trickle(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
    while True:
        conn.sendall(b" ")
        time.sleep(0.05)


@pytest.fixture
def server() -> Iterator[Callable[[Body], str]]:
    """A server on this machine that answers every request with `body`; its URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    sent: list[Body] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return  # closed: the test is over
            with conn:
                conn.recv(65536)
                with contextlib.suppress(OSError):  # the client hung up: what the test wants
                    sent[0](conn)

    def start(body: Body) -> str:
        sent.append(body)
        threading.Thread(target=serve, daemon=True).start()
        return f"http://127.0.0.1:{listener.getsockname()[1]}"

    yield start
    listener.close()


def test_an_answer_that_never_ends_is_cut_at_the_limit(server):
    url = server(_endless)
    with pytest.raises(NetworkError, match=r"127\.0\.0\.1:\d+ sent more than 1 MiB") as exc:
        ims.client_credentials(url, "client", "secret", ["openid"])
    assert "check the URL" in exc.value.fix


def test_a_launch_api_answer_may_be_larger_and_is_still_bounded(server):
    url = server(_endless)
    with pytest.raises(NetworkError, match=f"sent more than {http.MAX_ANSWER_BYTES >> 20} MiB"):
        Reactor(url, "t", "c", "o").companies()


def test_a_compressed_bomb_is_measured_as_it_unpacks(server):
    url = server(_bomb)
    with pytest.raises(NetworkError, match="sent more than 1 MiB"):
        ims.client_credentials(url, "client", "secret", ["openid"])


def test_an_answer_that_trickles_in_is_given_up(server, monkeypatch):
    monkeypatch.setattr(http, "BODY_DEADLINE_S", 0.3)
    url = server(_trickle)
    with pytest.raises(NetworkError, match=r"kept sending its answer for over \d+ s") as exc:
        ims.client_credentials(url, "client", "secret", ["openid"])
    assert exc.value.fix == "try again in a moment"


def test_an_answer_of_exactly_the_limit_is_read_whole_and_one_byte_more_is_not(fresh_sandbox):
    body = '{"data": "' + "x" * 1000 + '"}'
    url = f"{fresh_sandbox.reactor_url}/companies"
    assert httpx.post(f"{fresh_sandbox.console_url}/faults", json={
        "path": "/reactor/companies", "status": 200, "body": body, "times": 2,
        "content_type": "application/json"}).status_code == 201
    assert http.request("GET", url, limit=len(body)).json()["data"] == "x" * 1000
    with pytest.raises(NetworkError, match="sent more than"):
        http.request("GET", url, limit=len(body) - 1)
