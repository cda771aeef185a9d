"""The one place HTTP goes through: TLS trust, proxies, timeouts, and network errors made clear.

httpx is imported only when a request is actually made (the cached-token path never needs it).

Proxies: a request to this machine (the sandbox) never goes through one, whatever HTTP_PROXY,
HTTPS_PROXY, ALL_PROXY or NO_PROXY say: a proxy would see its secrets in clear text, and the
sandbox promises that nothing leaves the machine. Any other request honours them, once each
variable that is set has been checked (httpx would fail on a bad one with an unclear error).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from wizard.core.errors import ConfigError, NetworkError, UntrustedCertificate
from wizard.core.files import parse_json
from wizard.core.profile import is_loopback

if TYPE_CHECKING:  # both load when a request is made: the cached-token path needs neither
    import ssl

    import httpx

CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 30.0
# Retries: only where a second try cannot do harm. A failed connection sent nothing, so any
# call may retry it; 429 and 5xx are retried only on idempotent calls (GET), never on a token
# request (Adobe throttles integrations that mint too many tokens).
ATTEMPTS = 3
BACKOFF_S = 0.5  # doubled after each failure
MAX_WAIT_S = 5.0  # the longest Retry-After honoured before giving up
DEADLINE_S = 20.0  # for all attempts together
# An answer is read as it arrives and no further than these: a server (or whatever answers at a
# mistaken URL) cannot fill memory with a body that never ends, nor hold us with one that trickles
# in a byte per read timeout. The size counts what httpx decoded, so a compressed bomb stops too.
MAX_ANSWER_BYTES = 32 << 20  # the Launch API's largest pages are a few MB
BODY_DEADLINE_S = 120.0
_sleep = time.sleep  # between attempts; the tests count the waits instead of sleeping them
TLS_FIX = ("if a company proxy inspects TLS, point SSL_CERT_FILE at its CA bundle "
           "(the file your IT department provides); otherwise check the URL")


def _verify() -> ssl.SSLContext | bool:
    """Trust SSL_CERT_FILE / SSL_CERT_DIR when set (corporate proxies), else certifi's bundle."""
    cafile, capath = os.environ.get("SSL_CERT_FILE") or None, os.environ.get("SSL_CERT_DIR") or None
    if not (cafile or capath):
        return True
    import ssl

    try:
        return ssl.create_default_context(cafile=cafile, capath=capath)
    except (OSError, ssl.SSLError) as exc:
        raise NetworkError(f"cannot load the CA bundle from SSL_CERT_FILE/SSL_CERT_DIR ({exc})",
                           "point SSL_CERT_FILE at a readable PEM file of CA certificates") from None


PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY")  # what httpx reads, in either case
PROXY_FIX = ("give {name} as http://HOST:PORT (or https://), or unset it; NO_PROXY lists the hosts "
             "that need none")


def check_proxies(environ: Mapping[str, str]) -> None:
    """A ConfigError naming the first proxy variable httpx could not use; its value is never
    shown (a proxy URL may hold a password)."""
    from importlib.util import find_spec

    _quiet_httpx()
    schemes = {"http", "https"} | ({"socks5", "socks5h"} if find_spec("socksio") else set())
    for name in (n for base in PROXY_VARIABLES for n in (base, base.lower())):
        value = environ.get(name, "").strip()
        if value:
            _check_proxy(name, value, schemes)


def _check_proxy(name: str, value: str, schemes: set[str]) -> None:
    import httpx

    try:  # as httpx reads it: a bare HOST:PORT means http://
        url = httpx.URL(value if "://" in value else f"http://{value}")
        port = url.port
    except (httpx.InvalidURL, ValueError):
        raise ConfigError(f"{name} is not a valid proxy URL", PROXY_FIX.format(name=name)) from None
    if url.scheme not in schemes:
        kind = ("a SOCKS proxy needs the socksio package (pip install 'httpx[socks]')"
                if url.scheme.startswith("socks") else "use an http:// or https:// proxy")
        raise ConfigError(f"{name} names a {url.scheme!r} proxy, which cannot be used here",
                          f"{kind}, or unset {name}")
    if not url.host or any(c.isspace() or c == "%" for c in url.host) \
            or not (port is None or 0 < port < 65536):
        raise ConfigError(f"{name} is not a valid proxy URL (no usable host and port)",
                          PROXY_FIX.format(name=name))


def _uses_proxies(url: str) -> bool:
    """Whether the request to `url` may go through the environment's proxies (checked first)."""
    if is_loopback(urlsplit(url).hostname or ""):
        return False
    check_proxies(os.environ)
    return True


def _causes(exc: BaseException) -> list[BaseException]:
    """`exc` and what caused it: httpx wraps httpcore, which wraps the socket's own error."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _explain(exc: Exception, url: str) -> NetworkError:
    import socket
    import ssl

    _quiet_httpx()
    import httpx

    parts = urlsplit(url)
    where = parts.netloc or url
    causes = _causes(exc)

    def found(kind: type[BaseException]) -> BaseException | None:
        return next((c for c in causes if isinstance(c, kind)), None)

    if isinstance(exc, httpx.ProxyError):
        return NetworkError(f"the proxy failed to reach {where}: {exc}",
                            "check HTTPS_PROXY / HTTP_PROXY / NO_PROXY")
    if isinstance(exc, httpx.ConnectTimeout):
        return NetworkError(f"timed out connecting to {where}",
                            "check your network, proxy (HTTPS_PROXY) and the URL")
    if isinstance(exc, httpx.TimeoutException):
        return NetworkError(f"{where} did not answer in time", "try again in a moment")
    untrusted = found(ssl.SSLCertVerificationError)
    if untrusted is not None:
        reason = getattr(untrusted, "verify_message", "") or "certificate verify failed"
        return UntrustedCertificate(f"the TLS certificate of {where} is not trusted ({reason})",
                                    TLS_FIX)
    if found(socket.gaierror) is not None:
        return NetworkError(f"cannot resolve the host name {parts.hostname}",
                            "check the URL and your DNS or network connection")
    if found(ConnectionRefusedError) is not None:
        return NetworkError(f"connection refused by {where}",
                            "is the server running? check the URL (e.g. --ims-url, --reactor-url)")
    return NetworkError(f"cannot reach {where}: {exc or type(exc).__name__}",
                        "check your network connection and the URL")


def _quiet_httpx() -> None:
    """httpx imports its command-line entry point, and with it rich and click, whenever they are
    installed (they are: Textual needs rich): ~40 ms per request-making process for nothing. A
    None entry makes that optional import fail fast, as it is written to."""
    if "httpx._main" not in sys.modules:
        sys.modules["httpx._main"] = None  # type: ignore[assignment]


def request(method: str, url: str, *, on_answer: Callable[[httpx.Response], None] | None = None,
            limit: int = MAX_ANSWER_BYTES, **kwargs: Any) -> httpx.Response:
    """An httpx response, its body read (at most `limit` bytes, else a NetworkError); every
    transport failure becomes a NetworkError with cause and fix.

    Failed connections are retried, and 429/5xx answers to GET, with backoff, within DEADLINE_S.
    `on_answer` sees every answer as it arrives, the retried ones too (`api -i` shows them all)."""
    _quiet_httpx()
    import httpx

    timeout = httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
    deadline = time.monotonic() + DEADLINE_S
    idempotent = method.upper() in ("GET", "HEAD")
    trust_env = _uses_proxies(url)  # proxies only: TLS trust comes from _verify
    try:
        # plain http (this machine only, see profile.is_loopback) needs no TLS context: building
        # one loads the CA bundle, ~40 ms for nothing
        verify = _verify() if urlsplit(url).scheme == "https" else False
        with httpx.Client(timeout=timeout, verify=verify, trust_env=trust_env) as client:
            for attempt in range(1, ATTEMPTS + 1):
                wait = BACKOFF_S * 2 ** (attempt - 1)
                try:
                    response = _read(client, client.build_request(method, url, **kwargs), limit)
                except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                    error = _explain(exc, url)
                    if isinstance(error, UntrustedCertificate) or not _may_wait(attempt, wait, deadline):
                        raise error from None  # an untrusted certificate stays untrusted
                else:
                    if on_answer is not None:
                        on_answer(response)
                    status = response.status_code
                    if not (idempotent and (status == 429 or status >= 500)):
                        return response
                    wait = _retry_after_s(response, wait)
                    if not _may_wait(attempt, wait, deadline):
                        return response
                _sleep(wait)
    except httpx.HTTPError as exc:
        raise _explain(exc, url) from None
    except (httpx.InvalidURL, ValueError, ImportError) as exc:  # a proxy from the system settings
        raise NetworkError(f"cannot send the request to {url}: {exc}",
                           "check the URL and HTTPS_PROXY") from None
    raise AssertionError("unreachable")  # the last attempt returns or raises


def _read(client: httpx.Client, sent: httpx.Request, limit: int) -> httpx.Response:
    """Send `sent` and read its answer's body, within `limit` bytes and BODY_DEADLINE_S."""
    response = client.send(sent, stream=True)
    try:
        deadline = time.monotonic() + BODY_DEADLINE_S
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise NetworkError(f"{sent.url.netloc.decode()} sent more than {_size(limit)}, far "
                                   "more than this answer takes: it was not read",
                                   "check the URL: it should point at Adobe (or the sandbox)")
            if time.monotonic() > deadline:
                raise NetworkError(f"{sent.url.netloc.decode()} kept sending its answer for over "
                                   f"{BODY_DEADLINE_S:.0f} s: it was not read", "try again in a moment")
            chunks.append(chunk)
    finally:
        response.close()
    response._content = b"".join(chunks)  # what read() would have kept: .content, .json() work
    return response


def _size(count: int) -> str:
    return f"{count >> 20} MiB" if count >= 1 << 20 else f"{count >> 10} KiB"


def _may_wait(attempt: int, wait: float, deadline: float) -> bool:
    return attempt < ATTEMPTS and time.monotonic() + wait < deadline


def _retry_after_s(response: httpx.Response, default: float) -> float:
    value = response.headers.get("retry-after", "").strip()
    seconds = float(value) if value.isdigit() else default
    return seconds if seconds <= MAX_WAIT_S else DEADLINE_S  # too long: give up, say when


def json_object(response: httpx.Response, what: str) -> dict[str, Any]:
    """The response's JSON object, or a NetworkError saying what came instead."""
    try:
        body = parse_json(response.content)
    except ValueError:
        body = None
    if isinstance(body, dict):
        return body
    kind = response.headers.get("content-type", "no content type").split(";")[0]
    if response.status_code >= 500:
        raise NetworkError(f"{what} failed on the server (HTTP {response.status_code}, {kind})",
                           "Adobe's service may be down: try again in a few minutes")
    raise NetworkError(f"{what} answered something that is not the API "
                       f"(HTTP {response.status_code}, {kind})",
                       "check the URL: it should point at Adobe (or the sandbox)")


def retry_after(response: httpx.Response) -> str:
    value = response.headers.get("retry-after", "").strip()
    return f"retry after {value} s" if value.isdigit() else "retry in a minute"
