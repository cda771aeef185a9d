"""Where a user would notice the sandbox is not Adobe: the headers Adobe's own clients send, one
company by ID, `filter[...]` on the properties list, and `updated_at` after a change. Over real
sockets, against a sandbox of the test's own (the filter tests, which only read, share one)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests import sandbox_http
from tests.test_sandbox_contract import reactor_headers, s2s_token
from wizard.sandbox import Sandbox
from wizard.sandbox.state import SEED_PROPERTIES

SEEDS = [s[0] for s in SEED_PROPERTIES]  # Marketing site, Support portal, Mobile app
DAY = 86400


def _api(sandbox):
    """(sandbox, headers, company ID) for an S2S integration with every right."""
    integ, token = s2s_token(sandbox)
    headers = reactor_headers(integ, token)
    company = sandbox_http.get(f"{sandbox.reactor_url}/companies", headers=headers).json()["data"][0]
    return sandbox, headers, company["id"]


@pytest.fixture
def api(fresh_sandbox):
    return _api(fresh_sandbox)


def properties(api, **params):
    sb, headers, company = api
    r = sandbox_http.get(f"{sb.reactor_url}/companies/{company}/properties", headers=headers, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def names(api, **params) -> list[str]:
    return [p["attributes"]["name"] for p in properties(api, **params)["data"]]


def make(api, name, platform="web", **attributes):
    sb, headers, company = api
    domains = ["example.org"] if platform == "web" else []
    body = {"data": {"type": "properties", "attributes": {
        "name": name, "platform": platform, "domains": domains, **attributes}}}
    r = sandbox_http.post(f"{sb.reactor_url}/companies/{company}/properties", headers=headers,
                   content=json.dumps(body))
    assert r.status_code == 201, r.text
    return r.json()["data"]


def clock(sb, offset_s):
    assert sandbox_http.post(f"{sb.console_url}/clock", json={"offset_s": offset_s}).status_code == 200


# --- the headers Adobe's Reactor Postman collection and uploader send -----------------------------

def test_a_missing_org_header_is_accepted_as_adobe_does_a_wrong_one_is_not(api):
    sb, headers, company = api
    adobe = {k: v for k, v in headers.items() if k != "x-gw-ims-org-id"}
    for path in ("/companies", f"/companies/{company}", f"/companies/{company}/properties"):
        assert sandbox_http.get(sb.reactor_url + path, headers=adobe).status_code == 200, path
    uploader = {**adobe, "x-api-key": "Activation-DTM"}
    assert sandbox_http.get(f"{sb.reactor_url}/companies", headers=uploader).status_code == 200
    for wrong in ("0000@AdobeOrg", ""):
        r = sandbox_http.get(f"{sb.reactor_url}/companies", headers={**adobe, "x-gw-ims-org-id": wrong})
        assert r.status_code == 403 and r.json()["errors"][0]["code"] == "invalid-org", wrong


# --- GET /companies/{id} -------------------------------------------------------------------------

def test_one_company_is_the_list_item(api):
    sb, headers, company = api
    listed = sandbox_http.get(f"{sb.reactor_url}/companies", headers=headers).json()["data"][0]
    r = sandbox_http.get(f"{sb.reactor_url}/companies/{company}", headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.api+json")
    assert r.json() == {"data": listed}
    assert sandbox_http.get(listed["links"]["self"], headers=headers).json() == {"data": listed}


def test_an_unknown_company_is_a_json_api_404(api):
    sb, headers, _ = api
    r = sandbox_http.get(f"{sb.reactor_url}/companies/CO0123456789abcdef", headers=headers)
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/vnd.api+json")
    error = r.json()["errors"][0]
    assert error["status"] == "404" and error["code"] == "not-found"
    assert error["title"] and error["detail"] and error["meta"]["request_id"]


def test_another_organizations_company_is_403_to_this_token(api):
    sb, _, company = api
    # a second organization in the same sandbox (Adobe's console shows one at a time)
    made = sandbox_http.post(f"{sb.console_url}/integrations",
                      json={"name": "elsewhere", "auth_type": "oauth-s2s"}).json()
    sb.state.get(made["client_id"]).org_id = "0123456789ABCDEF01234567@AdobeOrg"
    token = sandbox_http.post(f"{sb.ims_url}/ims/token/v3", data={
        "grant_type": "client_credentials", "client_id": made["client_id"],
        "client_secret": made["client_secret"]}).json()["access_token"]
    theirs = {**reactor_headers(made, token), "x-gw-ims-org-id": "0123456789ABCDEF01234567@AdobeOrg"}
    own = sandbox_http.get(f"{sb.reactor_url}/companies", headers=theirs).json()["data"][0]["id"]
    assert own != company
    for path in (f"/companies/{company}", f"/companies/{company}/properties"):
        r = sandbox_http.get(sb.reactor_url + path, headers=theirs)
        assert r.status_code == 403, (path, r.text)
        assert r.json()["errors"][0]["code"] == "not-authorized"
    assert sandbox_http.get(f"{sb.reactor_url}/companies/{own}", headers=theirs).status_code == 200


# --- filter[...] on the properties list ------------------------------------------------------------

@pytest.fixture(scope="module")
def catalog():
    """The three seeds, made 30 days ago, then three properties made now: one sandbox for the
    filter tests, which only read it."""
    with Sandbox() as sandbox:
        api = _api(sandbox)
        clock(sandbox, -30 * DAY)
        assert names(api) == SEEDS
        clock(sandbox, 0)
        make(api, "Blog")
        make(api, "Tech blog")
        make(api, "Kiosk", platform="mobile", enabled=False)
        yield api


@pytest.mark.parametrize("attribute, value, expected", [
    ("name", "CONTAINS blog", ["Blog", "Tech blog"]),
    ("name", "CONTAINS BLOG,kiosk", ["Blog", "Tech blog", "Kiosk"]),
    ("name", "EQ Blog", ["Blog"]),
    ("name", "EQ blog", []),  # EQ is exact and case-sensitive
    ("name", "EQ Blog,Mobile app", ["Mobile app", "Blog"]),
    ("name", "NOT Blog,Tech blog", [*SEEDS, "Kiosk"]),
    ("platform", "EQ mobile", ["Mobile app", "Kiosk"]),
    ("platform", "NOT web", ["Mobile app", "Kiosk"]),
    ("enabled", "EQ false", ["Kiosk"]),
    ("name", "LT C", ["Blog"]),
    ("name", "GT Support", ["Support portal", "Tech blog"]),
    ("name", "BETWEEN M,N", ["Marketing site", "Mobile app"]),
])
def test_each_operator_keeps_what_adobe_documents(catalog, attribute, value, expected):
    assert names(catalog, **{f"filter[{attribute}]": value}) == expected


def test_times_compare_as_instants(catalog):
    week_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=7)).strftime("%Y-%m-%d")
    assert names(catalog, **{"filter[created_at]": f"LT {week_ago}"}) == SEEDS
    assert names(catalog, **{"filter[created_at]": f"GT {week_ago}T00:00:00Z"}) == [
        "Blog", "Tech blog", "Kiosk"]
    seeded = properties(catalog, **{"page[size]": "1"})["data"][0]["attributes"]["created_at"]
    assert names(catalog, **{"filter[created_at]": f"BETWEEN {seeded},{week_ago}"}) == SEEDS
    assert names(catalog, **{"filter[updated_at]": f"EQ {seeded}"}) == SEEDS  # made together


def test_filters_combine_with_each_other_and_with_pages(catalog):
    both = {"filter[platform]": "EQ web", "filter[name]": "CONTAINS o"}
    assert names(catalog, **both) == ["Support portal", "Blog", "Tech blog"]
    page = properties(catalog, **both, **{"page[size]": "2", "page[number]": "2"})
    assert [p["attributes"]["name"] for p in page["data"]] == ["Tech blog"]
    assert page["meta"]["pagination"] == {"current_page": 2, "next_page": None, "prev_page": 1,
                                          "total_pages": 2, "total_count": 3}


def test_the_last_filter_on_an_attribute_wins(catalog):
    sb, headers, company = catalog
    r = sandbox_http.get(f"{sb.reactor_url}/companies/{company}/properties?filter[name]=EQ%20Blog"
                  "&filter[name]=EQ%20Kiosk", headers=headers)
    assert [p["attributes"]["name"] for p in r.json()["data"]] == ["Kiosk"]


@pytest.mark.parametrize("query", [
    {"filter[name]": "LIKE blog"},  # no such operator
    {"filter[name]": "eq Blog"},  # operators are upper case
    {"filter[name]": "EQ"},  # no value
    {"filter[name]": "EQ Blog,"},  # an empty value
    {"filter[name]": "BETWEEN Blog"},  # BETWEEN takes two
    {"filter[name]": "LT a,b"},  # LT takes one
    {"filter[colour]": "EQ red"},  # not an attribute the list filters on
    {"filter[created_at]": "GT yesterday"},
    {"filter[enabled]": "EQ yes"},
    {"filter[platform]": "EQ web", "filter[name]": "LIKE blog"},  # one bad one drops them all
])
def test_a_malformed_filter_is_ignored_and_everything_comes_back(catalog, query):
    listed = properties(catalog, **query)
    assert [p["attributes"]["name"] for p in listed["data"]] == [*SEEDS, "Blog", "Tech blog", "Kiosk"]
    assert listed["meta"]["pagination"]["total_count"] == 6


# --- PATCH moves updated_at ------------------------------------------------------------------------

def patch(api, made, **attributes):
    sb, headers, _ = api
    body = {"data": {"id": made["id"], "type": "properties", "attributes": attributes}}
    r = sandbox_http.patch(f"{sb.reactor_url}/properties/{made['id']}", headers=headers,
                    content=json.dumps(body))
    assert r.status_code == 200, r.text
    return r.json()["data"]["attributes"]


def test_a_patch_moves_updated_at_and_keeps_created_at(api):
    made = make(api, "Blog")
    created = made["attributes"]["created_at"]
    assert made["attributes"]["updated_at"] == created
    first = patch(api, made, name="Blog 2")  # within milliseconds: still a later time
    assert first["created_at"] == created and first["updated_at"] > created
    clock(api[0], 12 * 3600)  # half a day on (the token lasts one)
    second = patch(api, made, enabled=False)
    moved = dt.datetime.fromisoformat(second["updated_at"])
    assert abs(moved - (dt.datetime.now(dt.UTC) + dt.timedelta(hours=12))) < dt.timedelta(minutes=1)
    assert second["created_at"] == created
    assert names(api, **{"filter[updated_at]": f"GT {first['updated_at']}"}) == ["Blog 2"]
