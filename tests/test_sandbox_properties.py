"""The sandbox's Launch API beyond /companies, against Adobe's shapes: properties listed in pages,
created, read, changed and deleted, with JSON:API errors that point at what is wrong."""

import json

import pytest

from tests import sandbox_http
from tests.test_sandbox_contract import create, reactor_headers, s2s_token
from wizard.sandbox import Sandbox
from wizard.sandbox.state import SEED_PROPERTIES

WEB = {"name": "Blog", "platform": "web", "domains": ["blog.example.com"]}


def document(attributes, type_="properties", **extra):
    return json.dumps({"data": {"type": type_, "attributes": attributes, **extra}})


@pytest.fixture
def api(fresh_sandbox):
    """(base URL, headers, company ID) for an S2S integration with every right, in its own sandbox."""
    integ, token = s2s_token(fresh_sandbox)
    headers = reactor_headers(integ, token)
    company = sandbox_http.get(f"{fresh_sandbox.reactor_url}/companies", headers=headers).json()["data"][0]
    return fresh_sandbox.reactor_url, headers, company


def listing(api, query=""):
    base, headers, company = api
    return sandbox_http.get(f"{base}/companies/{company['id']}/properties{query}", headers=headers)


def post(api, body, **headers):
    base, sent, company = api
    return sandbox_http.post(f"{base}/companies/{company['id']}/properties", content=body,
                      headers={**sent, **headers})


def error(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/vnd.api+json")
    return response.json()["errors"][0]


def test_companies_carry_token_platform_rights_and_a_link_to_properties(api):
    base, headers, company = api
    assert company["attributes"]["token"]
    assert set(company["meta"]["platform_rights"]) == {"web", "mobile"}
    assert company["links"]["properties"] == f"{base}/companies/{company['id']}/properties"
    assert sandbox_http.get(company["links"]["properties"], headers=headers).status_code == 200


def test_a_new_sandbox_has_a_few_properties_shaped_as_adobes(api):
    r = listing(api)
    assert r.status_code == 200
    body = r.json()
    assert [p["attributes"]["name"] for p in body["data"]] == [s[0] for s in SEED_PROPERTIES]
    first = body["data"][0]
    assert first["id"].startswith("PR") and first["type"] == "properties"
    assert {"created_at", "updated_at", "enabled", "development", "token", "domains", "platform",
            "undefined_vars_return_empty", "rule_component_sequencing_enabled"} <= set(first["attributes"])
    assert first["relationships"]["company"]["data"] == {"id": api[2]["id"], "type": "companies"}
    assert first["links"]["self"].endswith(f"/properties/{first['id']}")
    assert "publish" in first["meta"]["rights"] and "manage_properties" not in first["meta"]["rights"]
    assert body["meta"]["pagination"] == {"current_page": 1, "next_page": None, "prev_page": None,
                                          "total_pages": 1, "total_count": 3}


def test_pages_default_to_25_and_hold_at_most_100(api):
    for i in range(27):
        assert post(api, document({**WEB, "name": f"Site {i}"})).status_code == 201
    first = listing(api).json()
    assert len(first["data"]) == 25
    assert first["meta"]["pagination"] == {"current_page": 1, "next_page": 2, "prev_page": None,
                                           "total_pages": 2, "total_count": 30}
    second = listing(api, "?page[number]=2").json()
    assert len(second["data"]) == 5 and second["meta"]["pagination"]["prev_page"] == 1
    ids = [p["id"] for p in first["data"] + second["data"]]
    assert len(set(ids)) == 30
    assert len(listing(api, "?page[size]=100").json()["data"]) == 30
    beyond = listing(api, "?page[number]=9&page[size]=10").json()
    assert beyond["data"] == [] and beyond["meta"]["pagination"]["next_page"] is None


@pytest.mark.parametrize("query, parameter", [
    ("?page[size]=101", "page[size]"), ("?page[size]=0", "page[size]"),
    ("?page[size]=ten", "page[size]"), ("?page[number]=0", "page[number]"),
    ("?page[number]=-1", "page[number]"),
])
def test_bad_page_parameters_are_400_naming_the_parameter(api, query, parameter):
    found = error(listing(api, query), 400)
    assert found["code"] == "invalid-parameter" and found["source"] == {"parameter": parameter}


def test_create_then_read_change_and_delete(api):
    base, headers, _ = api
    made = post(api, document(WEB))
    assert made.status_code == 201, made.text
    created = made.json()["data"]
    assert created["attributes"]["name"] == "Blog" and created["attributes"]["enabled"] is True
    assert listing(api).json()["data"][-1]["id"] == created["id"]  # newest last
    url = f"{base}/properties/{created['id']}"
    assert sandbox_http.get(url, headers=headers).json()["data"] == created
    changed = sandbox_http.patch(url, headers=headers, content=document(
        {"name": "Blog (new)", "development": True}, id=created["id"]))
    assert changed.status_code == 200, changed.text
    attributes = changed.json()["data"]["attributes"]
    assert attributes["name"] == "Blog (new)" and attributes["development"] is True
    assert attributes["domains"] == WEB["domains"]  # what a PATCH leaves out stays
    deleted = sandbox_http.delete(url, headers=headers)
    assert deleted.status_code == 204 and deleted.content == b""
    assert error(sandbox_http.get(url, headers=headers), 404)["code"] == "not-found"
    assert len(listing(api).json()["data"]) == 3


@pytest.mark.parametrize("attributes, pointer", [
    ({"platform": "web", "domains": ["a.com"]}, "/data/attributes/name"),
    ({"name": "  ", "platform": "web", "domains": ["a.com"]}, "/data/attributes/name"),
    ({"name": "X", "domains": ["a.com"]}, "/data/attributes/platform"),
    ({"name": "X", "platform": "tv"}, "/data/attributes/platform"),
    ({"name": "X", "platform": "web"}, "/data/attributes/domains"),
    ({"name": "X", "platform": "web", "domains": "a.com"}, "/data/attributes/domains"),
    ({"name": "X", "platform": "mobile", "enabled": "yes"}, "/data/attributes/enabled"),
    ("name", "/data/attributes"),
])
def test_invalid_attributes_are_422_with_a_pointer(api, attributes, pointer):
    found = error(post(api, document(attributes)), 422)
    assert found["code"] == "invalid-attribute" and found["source"] == {"pointer": pointer}
    assert found["detail"]
    assert len(listing(api).json()["data"]) == 3  # nothing was made


@pytest.mark.parametrize("body, headers, status, code", [
    (document(WEB), {"Content-Type": "application/json"}, 415, "unsupported-media-type"),
    ("{not json", {}, 400, "invalid-json"),
    (json.dumps({"type": "properties"}), {}, 400, "invalid-document"),
    (document(WEB, type_="rules"), {}, 409, "type-mismatch"),
])
def test_malformed_documents_are_refused_with_json_api_errors(api, body, headers, status, code):
    assert error(post(api, body, **headers), status)["code"] == code


def test_patch_must_name_the_property_it_changes(api):
    base, headers, _ = api
    target = listing(api).json()["data"][0]
    url = f"{base}/properties/{target['id']}"
    mismatch = sandbox_http.patch(url, headers=headers, content=document({"name": "Y"}, id="PR0"))
    assert error(mismatch, 409)["source"] == {"pointer": "/data/id"}
    blank = sandbox_http.patch(url, headers=headers, content=document({"name": ""}, id=target["id"]))
    assert error(blank, 422)["source"] == {"pointer": "/data/attributes/name"}
    assert sandbox_http.get(url, headers=headers).json()["data"]["attributes"]["name"] == "Marketing site"


def test_writing_needs_manage_properties_and_seeing_needs_a_product_profile(fresh_sandbox, api):
    base = fresh_sandbox.reactor_url
    developer, token = s2s_token(fresh_sandbox, role="Developer")
    headers = reactor_headers(developer, token)
    company = api[2]["id"]
    listed = sandbox_http.get(f"{base}/companies/{company}/properties", headers=headers).json()["data"]
    assert len(listed) == 3 and listed[0]["meta"]["rights"] == ["develop"]
    refused = sandbox_http.post(f"{base}/companies/{company}/properties", headers=headers,
                         content=document(WEB))
    assert error(refused, 403)["code"] == "not-authorized"
    target = f"{base}/properties/{listed[0]['id']}"
    assert error(sandbox_http.delete(target, headers=headers), 403)["code"] == "not-authorized"
    # rights only on the company (no property in its product profile): it sees none
    none, token = s2s_token(fresh_sandbox, rights=["develop_extensions"])
    headers = reactor_headers(none, token)
    assert sandbox_http.get(f"{base}/companies/{company}/properties", headers=headers).json()["data"] == []
    assert error(sandbox_http.get(target, headers=headers), 404)["code"] == "not-found"


def test_another_company_is_not_found(api):
    base, headers, _ = api
    r = sandbox_http.get(f"{base}/companies/CO0000/properties", headers=headers)
    assert error(r, 404)["code"] == "not-found"


def test_s2s_tokens_may_send_activation_dtm_as_the_api_key_and_jwt_tokens_may_not(api, fresh_sandbox,
                                                                                   keypair):
    from tests.test_sandbox_contract import claims_for, exchange, sign, upload

    base, headers, company = api
    adobe_client = {**headers, "x-api-key": "Activation-DTM"}
    assert listing((base, adobe_client, company)).status_code == 200
    made = create(fresh_sandbox)
    upload(fresh_sandbox, made["client_id"], keypair.cert_path.read_text())
    token = exchange(fresh_sandbox, made, sign(keypair, claims_for(fresh_sandbox, made))).json()
    jwt_headers = {**reactor_headers(made, token["access_token"]), "x-api-key": "Activation-DTM"}
    r = sandbox_http.get(f"{base}/companies", headers=jwt_headers)
    assert r.status_code == 403 and r.json()["error_code"] == "403003"


def test_properties_are_kept_in_the_state_file_and_seeded_once(tmp_path):
    state = tmp_path / "state.json"
    with Sandbox(state_file=state) as sb:
        integ, token = s2s_token(sb)
        headers = reactor_headers(integ, token)
        company = sandbox_http.get(f"{sb.reactor_url}/companies", headers=headers).json()["data"][0]["id"]
        url = f"{sb.reactor_url}/companies/{company}/properties"
        assert sandbox_http.post(url, headers=headers, content=document(WEB)).status_code == 201
        first = sandbox_http.get(url, headers=headers).json()["data"][0]
        assert sandbox_http.delete(f"{sb.reactor_url}/properties/{first['id']}",
                            headers=headers).status_code == 204
    with Sandbox(state_file=state) as sb:
        r = sandbox_http.post(f"{sb.ims_url}/ims/token/v3", data={
            "grant_type": "client_credentials", "client_id": integ["client_id"],
            "client_secret": integ["client_secret"]})
        headers = reactor_headers(integ, r.json()["access_token"])
        names = [p["attributes"]["name"]
                 for p in sandbox_http.get(f"{sb.reactor_url}/companies/{company}/properties",
                                    headers=headers).json()["data"]]
    assert names == ["Support portal", "Mobile app", "Blog"]  # the deleted seed is not back
