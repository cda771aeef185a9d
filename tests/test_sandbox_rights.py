"""The sandbox's per-property rights: an integration made with rights on some properties and not
others shows them in each property's `meta.rights` (Adobe's shape), sees only those properties,
and is refused (403) a write its rights do not allow."""


from tests import sandbox_http
from tests.test_sandbox_contract import reactor_headers
from wizard.sandbox.state import SEED_PROPERTIES


def made(sb, **spec):
    r = sandbox_http.post(f"{sb.console_url}/integrations", json={"name": "x", "auth_type": "oauth-s2s",
                                                            **spec})
    assert r.status_code == 201, r.text
    integ = r.json()
    token = sandbox_http.post(f"{sb.ims_url}/ims/token/v3", data={
        "grant_type": "client_credentials", "client_id": integ["client_id"],
        "client_secret": integ["client_secret"]}).json()["access_token"]
    return integ, reactor_headers(integ, token)


def test_rights_on_some_properties_and_not_others(fresh_sandbox):
    base = fresh_sandbox.reactor_url
    marketing, support, mobile = (name for name, _, _ in SEED_PROPERTIES)
    integ, headers = made(fresh_sandbox, rights=["develop_extensions"],
                          property_rights={marketing: ["develop", "publish", "develop"],
                                           support: ["approve"]})
    company = sandbox_http.get(f"{base}/companies", headers=headers).json()["data"][0]
    assert company["meta"]["rights"] == ["develop_extensions"]
    listed = sandbox_http.get(f"{base}/companies/{company['id']}/properties", headers=headers).json()
    rights = {p["attributes"]["name"]: p["meta"]["rights"] for p in listed["data"]}
    assert rights == {marketing: ["develop", "publish"], support: ["approve"]}  # not the mobile app
    assert listed["meta"]["pagination"]["total_count"] == 2
    kept = {v["id"] for v in listed["data"]}
    assert set(integ["property_rights"]) == kept  # by ID, whatever name the spec gave
    # a property without rights is not found; one with rights is read, but not written
    hidden = next(p for p in fresh_sandbox.state.properties.values() if p.name == mobile)
    assert sandbox_http.get(f"{base}/properties/{hidden.id}", headers=headers).status_code == 404
    shown = listed["data"][0]
    assert sandbox_http.get(f"{base}/properties/{shown['id']}", headers=headers).status_code == 200
    refused = sandbox_http.delete(f"{base}/properties/{shown['id']}", headers=headers)
    assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "not-authorized"


def test_property_rights_override_the_rights_held_on_every_other_property(fresh_sandbox):
    base = fresh_sandbox.reactor_url
    marketing = SEED_PROPERTIES[0][0]
    _, headers = made(fresh_sandbox, rights=["develop", "approve", "manage_properties"],
                      property_rights={marketing: []})
    company = sandbox_http.get(f"{base}/companies", headers=headers).json()["data"][0]["id"]
    listed = sandbox_http.get(f"{base}/companies/{company}/properties", headers=headers).json()["data"]
    rights = {p["attributes"]["name"]: p["meta"]["rights"] for p in listed}
    # manage_properties lists every property, even one with no property right
    assert rights[marketing] == [] and set(map(tuple, rights.values())) == {(), ("develop", "approve")}


def test_an_empty_rights_list_means_none(fresh_sandbox):
    integ, headers = made(fresh_sandbox, rights=[])
    assert integ["rights"] == []
    company = sandbox_http.get(f"{fresh_sandbox.reactor_url}/companies", headers=headers).json()["data"][0]
    assert company["meta"]["rights"] == []


def test_property_rights_survive_a_restart_with_a_state_file(tmp_path):
    from wizard.sandbox.state import SandboxState, company_id

    path = tmp_path / "state.json"
    first = SandboxState(path)
    marketing = first.properties_of(company_id(first.org_id))[0]
    made = first.create_integration({"name": "x", "auth_type": "oauth-s2s", "rights": [],
                                     "property_rights": {marketing.id: ["publish"]}})
    again = SandboxState(path).get(made.client_id)
    assert again is not None and again.property_rights == {marketing.id: ["publish"]}
    assert again.rights_on(marketing.id) == ["publish"] and again.rights == []
