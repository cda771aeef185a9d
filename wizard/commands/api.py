"""api: any call to the Launch API with the profile's token and headers, as `gh api` makes them
to GitHub's. The body comes back on stdout as JSON; what went wrong, on stderr."""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from wizard.commands.output import access_token, load, read_input, say, warn
from wizard.core.errors import ConfigError, ReactorError
from wizard.core.files import parse_json
from wizard.core.reactor import PAGE_SIZE, Reactor, refusal

if TYPE_CHECKING:
    from httpx import Response

MAX_PAGES = 10_000  # a server whose pagination never ends is not followed for ever
EXAMPLE = '{"data": {"type": "properties", "attributes": {"name": "Site", "platform": "web", ' \
          '"domains": ["example.com"]}}}'


def api(args: Namespace) -> int:
    method = args.method or ("POST" if args.input else "GET")
    if args.paginate and method != "GET":
        raise ConfigError(f"--paginate follows the pages of a GET, not of a {method}",
                          "leave out -X, or leave out --paginate")
    if args.input and method in ("GET", "DELETE"):
        raise ConfigError(f"--input sends a body, which a {method} does not take",
                          "use -X POST (create) or -X PATCH (change)")
    body = _body(args.input) if args.input else None
    context = load(args)
    context.profile.require_ready()
    Reactor.of(context.profile, "").url(args.path)  # a path that cannot be called costs no token
    result = access_token(context)
    reactor = Reactor.of(result.profile, result.token.access_token)
    path = _page(args.path) if args.paginate else args.path
    response: Response | None = None
    try:
        path, response = _send(reactor, method, path, body)
    except ReactorError as exc:  # looking up {company}
        if exc.status != 401 or result.source != "cache":
            raise
    if response is None or (response.status_code == 401 and result.source == "cache"):
        # a cached token the server no longer takes (revoked early, a new sandbox): once more
        reactor = replace(reactor, access_token=access_token(context, refresh=True).token.access_token)
        path, response = _send(reactor, method, path, body)
    _headers(response, args.include)
    problem = refusal(response)
    if args.paginate and problem is None:
        document, response = _all_pages(reactor, path, response, args.include)
        problem = refusal(response)
        _print(json.dumps(document).encode() if problem is None else response.content)
    else:
        _print(response.content)
    if problem is not None:
        raise problem
    return 0


def _body(source: str) -> bytes:
    """The JSON document --input names (a file, or - for standard input), checked before it goes."""
    name = "standard input" if source == "-" else source
    text = read_input(source, "a JSON file (or - for standard input)")
    try:
        document = parse_json(text)
    except ValueError as exc:
        where = (f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
                 if isinstance(exc, json.JSONDecodeError) else str(exc))
        raise ConfigError(f"{name} is not JSON: {where}",
                          f"give a JSON:API document, e.g. {EXAMPLE}") from None
    if not isinstance(document, dict):
        raise ConfigError(f"{name} holds a JSON {type(document).__name__}, not an object",
                          f"the Launch API takes a JSON:API document, e.g. {EXAMPLE}")
    return json.dumps(document).encode()


def _send(reactor: Reactor, method: str, path: str, body: bytes | None) -> tuple[str, Response]:
    """The call, with {company} in the path looked up first; the path as it was sent."""
    if "{company}" in path:
        path = path.replace("{company}", _first_company(reactor))
    return path, reactor.send(method, path, body)


def _first_company(reactor: Reactor) -> str:
    companies = reactor.companies()
    if not companies:
        raise ReactorError("the token sees no company, so {company} has nothing to stand for",
                           "give the integration a product profile for Launch (Tags), or check "
                           "the organization ID", code="no-company", status=200, subject="rights")
    return companies[0].id


def _all_pages(reactor: Reactor, path: str, first: Response,
               include: bool) -> tuple[dict[str, Any], Response]:
    """Every page's `data` in one document, following meta.pagination from `first`; and the last
    response (a refused page ends the walk: its answer is then the one reported)."""
    response, seen = first, set[str]()
    data: list[Any] = []
    included: list[Any] = []
    pages = total = 0
    while True:
        body = _json(response)
        for kind, items, into in (("data", body.get("data"), data),
                                  ("included", body.get("included"), included)):
            for item in items if isinstance(items, list) else [items] if items else []:
                key = json.dumps([kind, item.get("type"), item.get("id")] if isinstance(item, dict)
                                 else [kind, item])
                if key not in seen:
                    seen.add(key)
                    into.append(item)
        pagination = body.get("meta", {}).get("pagination") if isinstance(body.get("meta"), dict) else None
        pagination = pagination if isinstance(pagination, dict) else {}
        total = pagination.get("total_count", total)
        following, current = pagination.get("next_page"), pagination.get("current_page", 0)
        pages += 1
        if not isinstance(following, int) or isinstance(following, bool) or following <= current \
                or pages >= MAX_PAGES:
            break
        _progress(following, pagination.get("total_pages"))
        response = reactor.send("GET", _page(path, following))
        _headers(response, include)
        if not 200 <= response.status_code < 300:
            warn(f"stopped at page {following}: the pages before it are not printed")
            return {}, response
    _progress(None, None)
    if isinstance(total, int) and total != len(data):
        warn(f"note: the Launch API counted {total}, {len(data)} arrived: the list changed while "
             "it was read; run it again for a settled answer")
    document: dict[str, Any] = {"data": data}
    if included:
        document["included"] = included
    document["meta"] = {"pagination": {"current_page": 1, "next_page": None, "prev_page": None,
                                       "total_pages": 1, "total_count": len(data)}}
    return document, response


def _page(path: str, number: int | None = None) -> str:
    """`path` asking for page `number`, in pages as large as the API gives unless a size was set
    (the same size from the first page on, or pages would overlap or leave gaps)."""
    parts = urlsplit(path)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.setdefault("page[size]", str(PAGE_SIZE))
    if number is not None:
        query["page[number]"] = str(number)
    return urlunsplit(parts._replace(query=urlencode(query, safe="[]")))


def _progress(page: int | None, pages: object) -> None:
    if not sys.stderr.isatty():
        return
    if page is None:
        sys.stderr.write("\r\033[K")
    else:
        sys.stderr.write(f"\rpage {page}" + (f" of {pages}" if isinstance(pages, int) else "") + "…")
    sys.stderr.flush()


def _json(response: Response) -> dict[str, Any]:
    try:
        body = parse_json(response.content)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _headers(response: Response, include: bool) -> None:
    if include:
        lines = [f"{response.http_version} {response.status_code} {response.reason_phrase}"]
        lines += [f"{name}: {value}" for name, value in response.headers.items()]
        warn("\n".join(lines) + "\n")


def _print(content: bytes) -> None:
    """The body: JSON indented for a person, compact for a pipe; anything else as it came. A pipe
    gets the server's text as sent; a terminal, with what it would obey shown escaped."""
    if not content:
        return
    try:
        document = parse_json(content)
    except ValueError:
        if sys.stdout.isatty():
            say(content.decode("utf-8", errors="replace").removesuffix("\n"))
            return
        sys.stdout.buffer.write(content if content.endswith(b"\n") else content + b"\n")
        sys.stdout.flush()
        return
    if sys.stdout.isatty():
        say(json.dumps(document, indent=2, ensure_ascii=False), json=True)
    else:
        print(json.dumps(document, separators=(",", ":"), ensure_ascii=False), flush=True)
