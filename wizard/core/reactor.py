"""The Launch (Reactor) API as one integration calls it: the five headers, the companies and
properties the token can see, and any other call (`launch-wizard api`)."""

from __future__ import annotations

import datetime as dt
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import SplitResult, urlsplit

from wizard.core.errors import ConfigError, ReactorError, WizardError
from wizard.core.http import json_object, request, retry_after
from wizard.core.vocabulary import Subject
from wizard.core.wording import utc_stamp

if TYPE_CHECKING:
    from httpx import Response

    from wizard.core.profile import Profile

ACCEPT = "application/vnd.api+json;revision=1"
JSONAPI = "application/vnd.api+json"
PAGE_SIZE = 100  # the most the Launch API gives per page
MAX_PAGES = 10_000  # a server whose pagination never ends is not followed for ever
SHOWN = 3  # the property names a test shows per company
NO_PROPERTY = ("the token works but sees no property: either the credential's product profile "
               "gives it none (in the Admin Console, add the properties to the Launch product "
               "profile on the credential), or the organization ID is not the one that holds them")


def split_url(path: str, under: str = "the profile's Launch API") -> SplitResult:
    """`path` (a path or a URL) in parts; a ConfigError if it cannot be read as one."""
    try:
        return urlsplit(path.strip())
    except ValueError:  # an unclosed [, a look-alike of / or @ in a host...
        raise ConfigError(f"{path!r} cannot be read as a path or URL",
                          f"give a path such as /companies, or a URL under {under}",
                          subject=Subject.REQUEST) from None


@dataclass(frozen=True)
class Company:
    id: str
    name: str
    org_id: str
    rights: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Property:
    id: str
    name: str
    platform: str
    rights: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Properties:
    """What a token sees of one company's properties: the first few, and how many in all."""

    company: Company
    first: list[Property]
    total: int


def _now() -> str:
    return utc_stamp(dt.datetime.now(dt.UTC))


def remembered(survey: list[Properties]) -> dict[str, Any]:
    """The profile fields that keep what a passing test saw (see profile.LAST_TEST)."""
    return {"company_id": survey[0].company.id if survey else "", "last_failure": {},
            "last_test": {"at": _now(), "companies": len(survey),
                          "properties": sum(p.total for p in survey)}}


CAUSE_KEPT = 1000  # characters of a failed test's cause kept in the profile


def failed(stage: str, error: WizardError) -> dict[str, Any]:
    """The profile field that keeps why a test failed (see profile.LAST_FAILURE); what the last
    passing test saw stays, as the older news."""
    return {"last_failure": {"at": _now(), "stage": stage, "cause": error.cause[:CAUSE_KEPT],
                             "exit_code": error.exit_code}}


def headers(access_token: str, client_id: str, org_id: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {access_token}",
        "x-api-key": client_id,
        "x-gw-ims-org-id": org_id,
        "Accept": ACCEPT,
        "Content-Type": JSONAPI,
    }


def curl_command(reactor_url: str, profile_name: str, program: str = "launch-wizard") -> str:
    """The seed's sample request (what the console's "Generate JWT" tab offers to copy), with the
    headers from `launch-wizard headers` on curl's standard input: no token in the command, where
    every process listing would show it. `program`: how the shell reaches launch-wizard."""
    return (f"{program} headers --profile {shlex.quote(profile_name)} "
            f"| curl -sS -H @- {shlex.quote(reactor_url.rstrip('/') + '/companies')}")


class Watcher(Protocol):
    """Sees each call as it goes out and each answer as it comes back (`api -i`, `--verbose`)."""

    def sending(self, method: str, url: str, headers: Mapping[str, str],
                body: bytes | None) -> None: ...

    def answered(self, response: Response) -> None: ...


@dataclass(frozen=True)
class Reactor:
    """The Launch API at `base_url`, called with one integration's token."""

    base_url: str
    access_token: str
    client_id: str
    org_id: str
    watcher: Watcher | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, profile: Profile, access_token: str) -> Reactor:
        return cls(profile.reactor_url.rstrip("/"), access_token, profile.client_id, profile.org_id)

    def url(self, path: str) -> str:
        """`path` under the base URL, or a full URL on the base's own host (the token goes there
        and nowhere else)."""
        path = path.strip()
        base = urlsplit(self.base_url)
        parts = split_url(path, self.base_url)
        if parts.scheme or parts.netloc:
            if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
                raise ConfigError(f"{path} is not on the Launch API's host ({base.netloc}): the "
                                  "token is sent there only",
                                  f"give a path such as /companies, or a URL under {self.base_url}")
            return path
        if not path or not path.startswith("/"):
            path = "/" + path
        return self.base_url + path

    def headers_with(self, extra: Mapping[str, str]) -> dict[str, str]:
        """The five headers, a header of `extra` replacing the one of the same name."""
        replaced = {name.lower() for name in extra}
        built = headers(self.access_token, self.client_id, self.org_id)
        return {**{k: v for k, v in built.items() if k.lower() not in replaced}, **extra}

    def send(self, method: str, path: str, body: bytes | None = None,
             extra_headers: Mapping[str, str] | None = None) -> Response:
        """One call, as it came back: GETs retried on 429 and 5xx, writes never."""
        url, sent = self.url(path), self.headers_with(extra_headers or {})
        if self.watcher is None:
            return request(method, url, content=body, headers=sent)
        self.watcher.sending(method, url, sent, body)
        return request(method, url, content=body, headers=sent, on_answer=self.watcher.answered)

    def companies(self) -> list[Company]:
        return parse_companies(self.send("GET", "/companies"))

    def properties(self, company: Company, size: int = SHOWN) -> Properties:
        """The first `size` properties of `company`, and the count the pagination gives."""
        return parse_properties(company, self.send(
            "GET", f"/companies/{company.id}/properties?page[size]={size}"))

    def property_pages(self, company: Company) -> Iterator[Properties]:
        """Each page of `company`'s properties, PAGE_SIZE a page, following `next_page` of the
        answers' meta.pagination (forward only) until there is none."""
        number: int | None = 1
        for _ in range(MAX_PAGES):
            if number is None:
                return
            response = self.send("GET", f"/companies/{company.id}/properties"
                                        f"?page[number]={number}&page[size]={PAGE_SIZE}")
            yield parse_properties(company, response)
            following = _count(_object(_object(json_object(response, "the Launch API")
                                               .get("meta")).get("pagination")).get("next_page"))
            number = following if following is not None and following > number else None

    def survey(self) -> list[Properties]:
        """Every company the token sees, each with its properties: what `test` shows."""
        return [self.properties(company) for company in self.companies()]


def parse_companies(response: Response) -> list[Company]:
    """The companies in a GET /companies answer, or the Launch API's refusal as a ReactorError."""
    body = _answer(response)
    if response.status_code == 404:
        text = _error(body)[1]
        raise ReactorError(f"the Launch API found no company for this organization ({text})",
                           "ask an admin to provision Launch (Tags) for the organization, or "
                           "check --org-id", code="not-found", status=404, subject=Subject.ORG_ID)
    return [_company(item) for item in _data(response, body, "companies")]


def parse_properties(company: Company, response: Response) -> Properties:
    """A page of a company's properties, with the total its pagination gives."""
    body = _answer(response)
    data = _data(response, body, "properties")
    total = _count(_object(_object(body.get("meta")).get("pagination")).get("total_count"))
    return Properties(company, [_property(item) for item in data], max(total or 0, len(data)))


def refusal(response: Response) -> WizardError | None:
    """What an answer that is not 2xx means, as the error the rest of the tool raises for it."""
    status = response.status_code
    if 200 <= status < 300:
        return None
    try:
        return reactor_error(status, _answer(response))
    except WizardError as exc:  # throttled, or the server failed
        return exc


def _answer(response: Response) -> dict[str, Any]:
    """The JSON object of an answer; a 429 is a ReactorError that says when to try again."""
    if response.status_code == 429:
        raise ReactorError("the Launch API is throttling this integration (HTTP 429)",
                           retry_after(response), code="429", status=429, subject=Subject.THROTTLED)
    return json_object(response, "the Launch API")


def _data(response: Response, body: dict[str, Any], what: str) -> list[dict[str, Any]]:
    if response.status_code != 200:
        raise reactor_error(response.status_code, body)
    data = body.get("data")
    if not isinstance(data, list):
        raise ReactorError(f"the Launch API answered without a list of {what}",
                           "check the Reactor URL", code="bad_body", status=200)
    return [item for item in data if isinstance(item, dict)]


def _object(value: object) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one: a server's answer is not trusted."""
    return value if isinstance(value, dict) else {}


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _names(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _company(item: dict[str, Any]) -> Company:
    attributes, meta = _object(item.get("attributes")), _object(item.get("meta"))
    return Company(str(item.get("id", "")), str(attributes.get("name", "")),
                   str(attributes.get("org_id", "")), _names(meta.get("rights")))


def _property(item: dict[str, Any]) -> Property:
    attributes, meta = _object(item.get("attributes")), _object(item.get("meta"))
    return Property(str(item.get("id", "")), str(attributes.get("name", "")),
                    str(attributes.get("platform", "")), _names(meta.get("rights")))


# code -> (fix, what the user corrects)
_ADVICE: dict[str, tuple[str, Subject]] = {
    # the gateway's codes
    "401013": ("the access token expired or was revoked: get a new one with "
               "`launch-wizard token --refresh`", Subject.TOKEN),
    "403003": ("the client ID (API key) is wrong or missing: it must be the integration's client ID",
               Subject.CLIENT_ID),
    # Reactor's JSON:API codes
    "invalid-org": ("the organization ID does not match the token's organization: check --org-id",
                    Subject.ORG_ID),
    "not-authorized": ("the integration lacks the right for this: give it a role or product "
                       "profile with that right (`launch-wizard roles`)", Subject.RIGHTS),
    "authentication-failure": ("the access token was not accepted: get a new one with "
                               "`launch-wizard token --refresh`", Subject.TOKEN),
    "oauth-token-invalid": ("the access token is not valid for the Launch API (expired, revoked, or "
                            "issued without the Launch API's scopes): get a new one with "
                            "`launch-wizard token --refresh`, and check that the credential has "
                            "the Experience Platform Launch API", Subject.TOKEN),
    "no-available-orgs": ("the credential's technical account belongs to no organization with "
                          "Launch (Tags): add the Experience Platform Launch API and a product "
                          "profile to the credential in the Developer Console", Subject.RIGHTS),
}


def _error(body: dict[str, Any]) -> tuple[str, str, str]:
    """(code, text, where) of an error body in either of the API's two shapes."""
    if "error_code" in body:  # the gateway's shape
        return str(body["error_code"]), str(body.get("message") or "no message"), ""
    errors = body.get("errors")
    first = _object(errors[0]) if isinstance(errors, list) and errors else {}
    source = _object(first.get("source"))
    where = str(source.get("pointer") or source.get("parameter") or "")
    return (str(first.get("code") or ""), str(first.get("detail") or first.get("title") or
                                              "no detail"), where)


def reactor_error(status: int, body: dict[str, Any]) -> ReactorError:
    code, text, where = _error(body)
    code = code or f"HTTP {status}"
    if where:
        text += f" (at {where})"
    fix, subject = _ADVICE.get(code) or _fallback(status)
    return ReactorError(f"the Launch API refused ({code}): {text}", fix, code=code, status=status,
                        subject=subject)


def _fallback(status: int) -> tuple[str, Subject]:
    if status == 401:
        return "get a new token with `launch-wizard token --refresh`", Subject.TOKEN
    if status == 403:
        return "the integration is not allowed to do this: check its role or product profile", Subject.RIGHTS
    if status == 404:
        return ("check the path and the ID in it: `launch-wizard api /companies` lists what the "
                "token sees", Subject.REQUEST)
    if status in (400, 405, 406, 409, 415, 422):
        return "correct the request as the detail says (the body goes in with --input)", Subject.REQUEST
    return "check `launch-wizard status`; if it looks right, try again later", Subject.PROFILE
