"""api: any call to the Launch API with the profile's token and headers, as `gh api` makes them
to GitHub's. The body comes back on stdout as JSON; what went wrong, on stderr."""

from __future__ import annotations

import json
import re
import shlex
import sys
from argparse import Namespace
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from wizard.commands.output import read_input, say, warn
from wizard.commands.session import load
from wizard.core.errors import ConfigError, ReactorError, WizardError
from wizard.core.files import json_fault, parse_json
from wizard.core.reactor import ACCEPT, PAGE_SIZE, Reactor, reactor_error, refusal, split_url
from wizard.core.vocabulary import Subject
from wizard.core.wording import mask

if TYPE_CHECKING:
    from httpx import Response

    from wizard.flows.session import Session

MAX_PAGES = 10_000  # a server whose pagination never ends is not followed for ever
QUERY_METHODS = ("GET", "HEAD")
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110's token
TRANSPORT_HEADERS = ("host", "content-length", "transfer-encoding", "connection")
LITERALS = {"true": True, "false": False, "null": None}
NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")  # JSON's
OPERATORS = ("EQ", "NOT", "LT", "GT", "BETWEEN", "CONTAINS")
FILTER_NAME = re.compile(r"filter\[[A-Za-z0-9_.-]+\]")
FILTER_FIX = ("write filter[ATTRIBUTE]=OPERATOR VALUE, the operator one of EQ, NOT (both take "
              "A,B,...), LT, GT, CONTAINS, BETWEEN (LOW,HIGH): e.g. 'filter[name]=EQ Blog,Shop' "
              "or 'filter[created_at]=BETWEEN 2024-01-01,2024-12-31'")
EXAMPLE = '{"data": {"type": "properties", "attributes": {"name": "Site", "platform": "web", ' \
          '"domains": ["example.com"]}}}'


def api(args: Namespace) -> int:
    method = args.method or ("POST" if args.input or args.fields else "GET")
    _check_options(args, method)
    extra = _header_options(args.headers)
    path, body = _request(args, method)
    check_filters(path)
    context = load(args)
    context.profile.require_ready()
    Reactor.of(context.profile, "").url(path)  # a path that cannot be called costs no token
    watch = Watch(include=args.include or args.verbose, verbose=args.verbose)
    path = _page(path) if args.paginate else path
    reactor, path, response = _call(context, watch, method, path, body, extra)
    problem = _refusal(response, method)
    if args.paginate and problem is None:
        content, problem = _every_page(reactor, method, path, response, extra)
    else:
        content = response.content
    if not args.silent and method != "HEAD":
        _print(content)
    if problem is not None:
        raise problem
    return 0


def _request(args: Namespace, method: str) -> tuple[str, bytes | None]:
    """The path (the fields of a GET in its query, as gh puts them) and the body."""
    path, body = args.path, None
    if args.fields and method in QUERY_METHODS:
        path = _with_query(path, [(key, _query_value(kind, value)) for kind, key, value
                                  in _fields(args.fields)])
    elif args.fields:
        body = json.dumps(_document(args.fields)).encode()
    elif args.input:
        body = _body(args.input)
    return path, body


def _call(context: Session, watch: Watch, method: str, path: str, body: bytes | None,
          extra: dict[str, str]) -> tuple[Reactor, str, Response]:
    """The call with the profile's token, once more with a new one when a cached token is refused;
    the reactor that made it, the path as sent and the answer."""
    result = context.access_token()
    reactor = replace(Reactor.of(result.profile, result.token.access_token), watcher=watch)
    response: Response | None = None
    try:
        path, response = _send(reactor, method, path, body, extra)
    except ReactorError as exc:  # looking up {company}
        if exc.status != 401 or result.source != "cache":
            raise
    if response is None or (response.status_code == 401 and result.source == "cache"):
        # a cached token the server no longer takes (revoked early, a new sandbox): once more
        result = context.access_token(refresh=True)
        reactor = replace(reactor, access_token=result.token.access_token)
        path, response = _send(reactor, method, path, body, extra)
    if response.status_code == 401 and result.cache is not None:
        from wizard.core.tokens import forget

        forget(result.profile, result.cache)  # refused even when new: the next call asks again
    return reactor, path, response


def _every_page(reactor: Reactor, method: str, path: str, first: Response,
                extra: dict[str, str]) -> tuple[bytes, WizardError | None]:
    """--paginate: the pages after `first` followed, their items in one document (or the refused
    page's answer) and what the refusal means."""
    if not isinstance(_json(first).get("data"), list):
        raise ConfigError(f"{path} answered no list (its data is one item, or none): "
                          "--paginate has no pages to follow", "leave out --paginate")
    document, response = _all_pages(reactor, path, first, extra)
    problem = _refusal(response, method)
    return (json.dumps(document).encode() if problem is None else response.content), problem


def _check_options(args: Namespace, method: str) -> None:
    """Options that do not go together, refused before anything is read or sent."""
    if args.paginate and method != "GET":
        raise ConfigError(f"--paginate follows the pages of a GET, not of a {method}",
                          "leave out -X, or leave out --paginate")
    if args.input and args.fields:
        raise ConfigError("--input and -f/-F both make the body", "give the whole body with "
                          "--input, or every value as a field")
    if args.input and method in (*QUERY_METHODS, "DELETE"):
        raise ConfigError(f"--input sends a body, which a {method} does not take",
                          "use -X POST (create) or -X PATCH (change)")
    if args.fields and method == "DELETE":
        raise ConfigError("-f/-F make a body, which a DELETE does not take",
                          "use -X POST (create) or -X PATCH (change)")


def _header_options(given: list[str]) -> dict[str, str]:
    """The -H headers by name, the last of a name winning; the values are never quoted back (one
    may be a credential)."""
    chosen: dict[str, tuple[str, str]] = {}
    for text in given:
        name, colon, raw = text.partition(":")
        name, value = name.strip(), raw.strip()
        if not colon or not HEADER_NAME.fullmatch(name):
            raise ConfigError("a -H is not NAME: VALUE (a header name is letters, digits and "
                              "-_.!#$%&'*+^`|~, then a colon)", f"e.g. -H 'Accept: {ACCEPT}'")
        if any(c in raw for c in "\r\n\0"):
            raise ConfigError(f"the -H {name} value holds a line break",
                              "give it on one line: a line break would start another header")
        if name.lower() == "authorization":
            raise ConfigError("-H Authorization would replace the profile's token", "use --profile "
                              "for another credential: a token on the command line shows in every "
                              "process listing and in the shell's history")
        if name.lower() in TRANSPORT_HEADERS:
            raise ConfigError(f"-H {name} is set from the URL and the body", f"leave out -H {name}")
        chosen[name.lower()] = (name, value)
    return dict(chosen.values())


def _fields(given: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(kind, key, value) of each -f ("raw") and -F ("typed") KEY=VALUE."""
    found = []
    for kind, text in given:
        key, equals, value = text.partition("=")
        if not equals or not key.strip():
            flag = "-f" if kind == "raw" else "-F"
            raise ConfigError(f"{flag} {key.strip() or text!r} is not KEY=VALUE",
                              f"e.g. {flag} data.attributes.name=Blog")
        found.append((kind, key.strip(), value))
    return found


def _typed(value: str) -> Any:
    """-F's value as gh reads it: JSON's true, false, null and numbers; @FILE, the file's text."""
    if value in LITERALS:
        return LITERALS[value]
    if NUMBER.fullmatch(value):
        return json.loads(value)
    if value.startswith("@"):
        return read_input(value[1:], "a text file for -F KEY=@FILE (or @- for standard input)")
    return value


def _query_value(kind: str, value: str) -> str:
    return value if kind == "raw" or not value.startswith("@") else _typed(value)


def _document(given: list[tuple[str, str]]) -> dict[str, Any]:
    """The JSON body the fields build: dots nest objects, a trailing [] appends to a list."""
    root: dict[str, Any] = {}
    for kind, key, text in _fields(given):
        value = _typed(text) if kind == "typed" else text
        appends = key.endswith("[]")
        parts = key.removesuffix("[]").split(".")
        if not all(parts):
            raise ConfigError(f"the field {key!r} has an empty name between its dots",
                              "e.g. -f data.attributes.name=Blog")
        node = root
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            wanted = (list if appends else object) if last else dict
            if part in node and (wanted is object or not isinstance(node[part], wanted)):
                raise ConfigError(f"the fields give {'.'.join(parts[:depth + 1])} twice (two values, "
                                  "or a value and an object)",
                                  "give each key once; KEY[]=VALUE appends to a list")
            if not last:
                node = node.setdefault(part, {})
            elif appends:
                node.setdefault(part, []).append(value)
            else:
                node[part] = value
    return root


def check_filters(path: str) -> None:
    """Each filter[...] in `path`'s query as the Launch API reads it: a malformed one is not
    refused by Adobe but ignored, and every item comes back as if it had matched."""
    for name, value in parse_qsl(split_url(path).query, keep_blank_values=True):
        if name.startswith("filter"):
            problem = _filter_problem(name, value)
            if problem:
                raise ConfigError(f"{name}={value} {problem}: the Launch API would ignore it and "
                                  "answer every item", FILTER_FIX)


def _filter_problem(name: str, value: str) -> str:
    if not FILTER_NAME.fullmatch(name):
        return "is not filter[ATTRIBUTE]"
    operator, _, operand = value.partition(" ")
    if operator not in OPERATORS:
        return (f"has the operator {operator!r}, which is written {operator.upper()}"
                if operator.upper() in OPERATORS else
                f"does not start with an operator ({', '.join(OPERATORS)})")
    values = operand.split(",")
    if not all(v.strip() for v in values):
        return f"has an empty value after {operator}"
    if operator == "BETWEEN" and len(values) != 2:
        return "needs BETWEEN LOW,HIGH: two values"
    if operator in ("LT", "GT") and len(values) != 1:
        return f"compares with one value ({operator} takes no list)"
    return ""


def _body(source: str) -> bytes:
    """The JSON document --input names (a file, or - for standard input), checked before it goes."""
    name = "standard input" if source == "-" else source
    text = read_input(source, "a JSON file (or - for standard input)")
    try:
        document = parse_json(text)
    except ValueError as exc:
        raise ConfigError(f"{name} is not JSON: {json_fault(exc)}",
                          f"give a JSON:API document, e.g. {EXAMPLE}") from None
    if not isinstance(document, dict):
        raise ConfigError(f"{name} holds a JSON {type(document).__name__}, not an object",
                          f"the Launch API takes a JSON:API document, e.g. {EXAMPLE}")
    return json.dumps(document).encode()


def _send(reactor: Reactor, method: str, path: str, body: bytes | None,
          extra: dict[str, str]) -> tuple[str, Response]:
    """The call, with {company} in the path looked up first; the path as it was sent."""
    if "{company}" in path:
        path = path.replace("{company}", _first_company(reactor))
    return path, reactor.send(method, path, body, extra)


def _refusal(response: Response, method: str) -> WizardError | None:
    """What an answer that is not 2xx means; a HEAD's answer has no body to explain it."""
    status = response.status_code
    if method == "HEAD" and status >= 300 and status != 429 and status < 500:
        return reactor_error(status, {})
    return refusal(response)


def _first_company(reactor: Reactor) -> str:
    companies = reactor.companies()
    if not companies:
        raise ReactorError("the token sees no company, so {company} has nothing to stand for",
                           "give the integration a product profile for Launch (Tags), or check "
                           "the organization ID", code="no-company", status=200, subject=Subject.RIGHTS)
    return companies[0].id


def _all_pages(reactor: Reactor, path: str, first: Response,
               extra: dict[str, str]) -> tuple[dict[str, Any], Response]:
    """Every page's `data` in one document, following meta.pagination from `first` (the page
    `path` asks for); and the last response (a refused page ends the walk: its answer is then the
    one reported)."""
    response, seen = first, set[str]()
    data: list[Any] = []
    included: list[Any] = []
    pages = total = 0
    while True:
        body = _json(response)
        _collect(body, seen, data, included)
        pagination = _pagination(body)
        total = pagination.get("total_count", total)
        following, current = pagination.get("next_page"), pagination.get("current_page", 0)
        pages += 1
        if not isinstance(following, int) or isinstance(following, bool) or following <= current \
                or pages >= MAX_PAGES:
            break
        _progress(following, pagination.get("total_pages"))
        response = reactor.send("GET", _page(path, following), None, extra)
        if not 200 <= response.status_code < 300:
            warn(f"stopped at page {following}: the pages before it are not printed")
            return {}, response
    _progress(None, None)
    if isinstance(total, int) and max(total - _before(path), 0) != len(data):
        warn(f"note: the Launch API counted {total}, {len(data)} arrived: the list changed while "
             "it was read; run it again for a settled answer")
    document: dict[str, Any] = {"data": data}
    if included:
        document["included"] = included
    document["meta"] = {"pagination": {"current_page": 1, "next_page": None, "prev_page": None,
                                       "total_pages": 1, "total_count": len(data)}}
    return document, response


def _collect(body: dict[str, Any], seen: set[str], data: list[Any], included: list[Any]) -> None:
    """A page's `data` and `included` items added to those before, each item once."""
    for kind, items, into in (("data", body.get("data"), data),
                              ("included", body.get("included"), included)):
        for item in items if isinstance(items, list) else [items] if items else []:
            key = json.dumps([kind, item.get("type"), item.get("id")] if isinstance(item, dict)
                             else [kind, item])
            if key not in seen:
                seen.add(key)
                into.append(item)


def _pagination(body: dict[str, Any]) -> dict[str, Any]:
    """A page's meta.pagination, or {} where it has none (or not an object)."""
    meta = body.get("meta")
    pagination = meta.get("pagination") if isinstance(meta, dict) else None
    return pagination if isinstance(pagination, dict) else {}


def _page(path: str, number: int | None = None) -> str:
    """`path` asking for page `number`, in pages as large as the API gives unless a size was set
    (the same size from the first page on, or pages would overlap or leave gaps)."""
    parts = urlsplit(path)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.setdefault("page[size]", str(PAGE_SIZE))
    if number is not None:
        query["page[number]"] = str(number)
    return urlunsplit(parts._replace(query=urlencode(query, safe="[]", quote_via=quote)))


def _before(path: str) -> int:
    """How many items come before the page `path` asks for (pages of the size it asks for)."""
    query = dict(parse_qsl(urlsplit(path).query))
    number, size = query.get("page[number]", "1"), query.get("page[size]", str(PAGE_SIZE))
    return (int(number) - 1) * int(size) if number.isdigit() and size.isdigit() else 0


def _with_query(path: str, pairs: list[tuple[str, str]]) -> str:
    parts = split_url(path)
    query = parse_qsl(parts.query, keep_blank_values=True) + pairs
    return urlunsplit(parts._replace(query=urlencode(query, safe="[]", quote_via=quote)))


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


@dataclass(frozen=True)
class Watch:
    """What -i and --verbose show on stderr: each request as a curl command (the token masked),
    each answer's status line and headers, the retried and the replaced ones too."""

    include: bool
    verbose: bool

    def sending(self, method: str, url: str, headers: Mapping[str, str],
                body: bytes | None) -> None:
        if not self.verbose:
            return
        words = ["curl", "--head" if method == "HEAD" else f"-X {method}", shlex.quote(url)]
        for name, value in headers.items():
            scheme, _, token = value.partition(" ")
            shown = f"{scheme} {mask(token)}" if name.lower() == "authorization" else value
            words.append(f"-H {shlex.quote(f'{name}: {shown}')}")
        if body:
            words.append(f"--data-binary {shlex.quote(body.decode('utf-8', errors='replace'))}")
        warn(" ".join(words))

    def answered(self, response: Response) -> None:
        if self.include:
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
