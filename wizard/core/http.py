"""The one place HTTP goes through: TLS trust, proxies, timeouts, and network errors made clear.

httpx is imported only when a request is actually made (the cached-token path never needs it).
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit

from wizard.core.errors import NetworkError

CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 30.0
TLS_FIX = ("if a company proxy inspects TLS, point SSL_CERT_FILE at its CA bundle "
           "(the file your IT department provides); otherwise check the URL")


def _verify():
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


def _explain(exc: Exception, url: str) -> NetworkError:
    httpx = _httpx()

    parts = urlsplit(url)
    where = parts.netloc or url
    text = str(exc)
    if isinstance(exc, httpx.ProxyError):
        return NetworkError(f"the proxy failed to reach {where}: {text}",
                            "check HTTPS_PROXY / HTTP_PROXY / NO_PROXY")
    if isinstance(exc, httpx.ConnectTimeout):
        return NetworkError(f"timed out connecting to {where}",
                            "check your network, proxy (HTTPS_PROXY) and the URL")
    if isinstance(exc, httpx.TimeoutException):
        return NetworkError(f"{where} did not answer in time", "try again in a moment")
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        reason = text.split("certificate verify failed:", 1)[-1].strip(" ()_") if "verify failed:" in text else text
        return NetworkError(f"the TLS certificate of {where} is not trusted ({reason})", TLS_FIX)
    if any(s in text for s in ("Name or service not known", "nodename nor servname",
                               "Temporary failure in name resolution", "getaddrinfo failed",
                               "No address associated")):
        return NetworkError(f"cannot resolve the host name {parts.hostname}",
                            "check the URL and your DNS or network connection")
    if "refused" in text.lower():
        return NetworkError(f"connection refused by {where}",
                            "is the server running? check the URL (e.g. --ims-url, --reactor-url)")
    return NetworkError(f"cannot reach {where}: {text or type(exc).__name__}",
                        "check your network connection and the URL")


def _httpx():
    # httpx imports its command-line entry point, and with it rich and click, whenever they
    # are installed (they are: Textual needs rich): ~40 ms per request-making process for
    # nothing. A None entry makes that optional import fail fast, as it is written to.
    sys.modules.setdefault("httpx._main", None)
    import httpx

    return httpx


def request(method: str, url: str, **kwargs):
    """An httpx response; every transport failure becomes a NetworkError with cause and fix."""
    httpx = _httpx()

    timeout = httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
    try:
        with httpx.Client(timeout=timeout, verify=_verify(), trust_env=True) as client:
            return client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        raise _explain(exc, url) from None
    except ValueError as exc:  # e.g. an invalid proxy URL in the environment
        raise NetworkError(f"cannot send the request to {url}: {exc}",
                           "check the URL and HTTPS_PROXY") from None


def json_object(response, what: str) -> dict:
    """The response's JSON object, or a NetworkError saying what came instead."""
    try:
        body = response.json()
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


def retry_after(response) -> str:
    value = response.headers.get("retry-after", "").strip()
    return f"retry after {value} s" if value.isdigit() else "retry in a minute"
