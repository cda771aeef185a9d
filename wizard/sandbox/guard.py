"""The sandbox answers its own clients only, never a web page: an ASGI wrapper, outermost.

The sandbox hands out client secrets and tokens from loopback, so any web page the user has open
could otherwise ask it for them. Its rules, and where each comes from:

1. Host must be the sandbox's own address and port, as bound (`127.0.0.1:PORT` or `[::1]:PORT`),
   or `localhost:PORT`; else 421 Misdirected Request (RFC 9110, 15.5.20). This defeats DNS
   rebinding: a page on the attacker's name, resolved to 127.0.0.1, is same-origin to the browser
   but still sends the attacker's name as Host. A request without a Host (possible in HTTP/1.0;
   HTTP/1.1 requires one, RFC 9112, 3.2) is refused too: every client of ours sends it.
2. An Origin header other than the sandbox's own is refused with 403 ("null" included). Browsers
   send Origin on every cross-origin request and on every POST, PUT, PATCH and DELETE (Fetch
   standard, "append a request `Origin` header"); the sandbox serves no pages, so no other origin
   has anything to ask it. Command-line clients send none.
3. A write (POST, PUT, PATCH, DELETE) declares the type its endpoint reads, else 415; only a write
   without a body may declare none. Without a CORS preflight, which the sandbox never grants, a
   page can send only text/plain, application/x-www-form-urlencoded or multipart/form-data
   (Fetch standard, CORS-safelisted request-header), so the JSON rule also stops a browser whose
   Origin slipped through.
   - /console/ (the console API, its test hooks /console/faults and /console/clock, and the I/O
     Management API under /console/organizations/, whose writes have no body), and any path not
     named below: application/json, what the wizard's console client sends (Adobe's web
     console has no such API: the rule is ours).
   - /ims/ (the token endpoints): application/x-www-form-urlencoded, as Adobe's IMS documentation
     shows, or multipart/form-data, which Adobe's Node libraries send; a body-less POST carries its
     fields in the query string, as Adobe's Postman sample does.
   - /reactor/: application/vnd.api+json, checked by the sandbox's Reactor itself after the
     gateway's token check (Adobe answers 415 in its JSON:API error shape), not here.
4. A request body is at most MAX_BODY bytes, else 413 Content Too Large (RFC 9110, 15.5.14): a
   declared Content-Length is checked before anything is read, a chunked body as it arrives. No
   request of the Launch API or IMS comes near it; any process on this machine may connect.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON = frozenset({"application/json"})
FORM = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_BODY = 1024 * 1024


class Guard:
    """ASGI wrapper enforcing the rules above on every HTTP request, before anything else runs."""

    def __init__(self, app, base_url: str) -> None:
        self.app = app
        parts = urlsplit(base_url)
        port, bound = parts.port, parts.hostname or ""
        names = [f"[{bound}]" if ":" in bound else bound, "localhost"]
        self.hosts = {f"{name}:{port}" for name in names}
        if port == DEFAULT_PORTS.get(parts.scheme):
            self.hosts |= set(names)  # a default port may be left out of Host and Origin
        self.origins = {f"{parts.scheme}://{host}" for host in self.hosts}
        self.own = f"{names[0]}:{port}"

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(scope)
        if refusal is not None:
            await _refuse(send, *refusal)
            return
        await _bounded(self.app, scope, receive, send)

    def refusal(self, scope) -> tuple[int, str, str] | None:
        """(status, error code, message) when the request breaks a rule, else None."""
        headers: dict[str, list[str]] = {}
        for name, value in scope["headers"]:
            headers.setdefault(name.decode("latin-1").lower(), []).append(value.decode("latin-1"))
        hosts = headers.get("host", [])
        if len(hosts) != 1 or hosts[0].strip().lower() not in self.hosts:
            return (421, "misdirected_request",
                    f"this sandbox answers only requests addressed to {self.own} "
                    f"(or localhost with the same port)")
        if any(origin.strip().lower() not in self.origins for origin in headers.get("origin", [])):
            return 403, "forbidden_origin", "the sandbox does not answer web pages (foreign Origin)"
        if any(v.strip().isdigit() and int(v) > MAX_BODY for v in headers.get("content-length", [])):
            return _TOO_LARGE
        if scope["method"] in WRITES:
            return _write_refusal(scope, headers)
        return None


_TOO_LARGE = 413, "content_too_large", f"a request body here is at most {MAX_BODY} bytes"


async def _bounded(app, scope, receive, send) -> None:
    """Read the whole body first, at most MAX_BODY bytes (rule 4), then hand it to `app`."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return  # the client went away
        size += len(message.get("body", b""))
        if size > MAX_BODY:
            await _refuse(send, *_TOO_LARGE)
            return
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    replayed = False

    async def replay():
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    await app(scope, replay, send)


def _write_refusal(scope, headers: dict[str, list[str]]) -> tuple[int, str, str] | None:
    """Rule 3: a write declares the media type its endpoint reads (none only without a body)."""
    wanted = _write_types(scope["path"])
    if wanted is None:
        return None
    declared = [v.split(";")[0].strip().lower() for v in headers.get("content-type", [])]
    has_body = "transfer-encoding" in headers or any(
        v.strip() not in ("", "0") for v in headers.get("content-length", []))
    if any(t not in wanted for t in declared) or (has_body and not declared):
        return (415, "unsupported_media_type",
                f"a {scope['method']} here must declare Content-Type {' or '.join(sorted(wanted))}")
    return None


def _write_types(path: str) -> frozenset[str] | None:
    """The media types a write to `path` may declare; None: the endpoint checks its own."""
    if path.startswith("/reactor/"):
        return None
    return FORM if path.startswith("/ims/") else JSON


async def _refuse(send, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": code, "message": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
