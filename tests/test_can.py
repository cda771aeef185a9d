"""`launch-wizard can`: the rights a credential holds on each property, read from the sandbox's
Launch API over real sockets, against the seed's roles; exit 0 when all are held, 3 when not,
2 on a wrong name."""

import json

import httpx
import pytest

from tests.conftest import clean_env, run_cli, run_main
from wizard.core.reactor import Company, Property, Reactor
from wizard.core.roles import UnknownPermission
from wizard.flows.rights import (
    PropertiesRead,
    acts_as_on,
    acts_as_summary,
    check_rights,
    held_on,
)
from wizard.sandbox import Sandbox
from wizard.sandbox.state import company_id

PUBLISHER = ["develop", "approve", "publish"]


@pytest.fixture(scope="module")
def sb():
    """A sandbox of this module's own, whose company holds Blog and Shop besides its seeded ones."""
    with Sandbox() as sandbox:
        company = company_id(sandbox.state.org_id)
        for name in ("Blog", "Shop"):
            sandbox.state.add_property(company, {"name": name, "platform": "web",
                                                 "domains": [f"{name.lower()}.example.com"]})
        yield sandbox


def integration(sandbox, rights, property_rights=None) -> dict:
    """An S2S integration made through the sandbox's console API, with these rights."""
    spec = {"name": "rights", "auth_type": "oauth-s2s", "rights": rights}
    if property_rights is not None:
        spec["property_rights"] = property_rights
    made = httpx.post(f"{sandbox.console_url}/integrations", json=spec)
    assert made.status_code == 201, made.text
    return made.json()


def ci_env(sandbox, tmp_path, made) -> dict[str, str]:
    return clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"),
                     XDG_CACHE_HOME=str(tmp_path / "cache"),
                     DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent",
                     LAUNCH_WIZARD_AUTH_TYPE="oauth-s2s", LAUNCH_WIZARD_ORG_ID=made["org_id"],
                     LAUNCH_WIZARD_CLIENT_ID=made["client_id"],
                     LAUNCH_WIZARD_CLIENT_SECRET=made["client_secret"],
                     LAUNCH_WIZARD_IMS_URL=sandbox.ims_url,
                     LAUNCH_WIZARD_REACTOR_URL=sandbox.reactor_url)


def reactor_for(sandbox, made) -> Reactor:
    """The Launch API of `sandbox` with a token of the integration `made`."""
    token = httpx.post(f"{sandbox.ims_url}/ims/token/v3", data={
        "grant_type": "client_credentials", "client_id": made["client_id"],
        "client_secret": made["client_secret"]}).json()["access_token"]
    return Reactor(sandbox.reactor_url, token, made["client_id"], made["org_id"])


@pytest.fixture
def split(sb, tmp_path):
    """Publisher on Blog, Developer on Shop, nothing on the company nor on the other properties."""
    made = integration(sb, [], {"Blog": PUBLISHER, "Shop": ["develop"]})
    return ci_env(sb, tmp_path, made)


def test_held_everywhere_exits_0(sb, tmp_path):
    env = ci_env(sb, tmp_path, integration(sb, ["develop", "approve", "publish",
                                                "manage_properties"]))
    done = run_main("can", "publish", "Develop", env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for name in ("Blog", "Shop", "Marketing site", "Support portal", "Mobile app"):
        assert f"  ✓ {name}: acts as Publisher" in lines
    assert "holds every right asked for" in done.stdout and "lacks" not in done.stdout


def test_missing_on_one_property_exits_3_naming_it_and_the_role_it_acts_as(split):
    done = run_main("can", "publish", env=split)
    assert done.returncode == 3, done.stderr
    lines = done.stdout.splitlines()
    assert "  ✓ Blog: acts as Publisher" in lines
    assert "  ✗ Shop: acts as Developer; lacks Publish" in lines
    assert "acts as Publisher on Blog, as Developer on Shop" in lines
    assert "Marketing site" not in done.stdout  # no right there: the API does not list it
    fix = " ".join(done.stdout.split("what to change", 1)[1].split())
    assert fix.startswith("Publish (a property right): in the Admin Console")
    assert "Property Rights, with Shop among its Properties" in fix and "Blog" not in fix



def test_the_test_command_says_which_role_the_credential_acts_as(split):
    done = run_main("test", env=split)
    assert done.returncode == 0, done.stderr
    assert ("the credential acts as Publisher on Blog, as Developer on Shop "
            "(`launch-wizard can` checks rights)") in done.stdout.splitlines()

def test_a_company_wide_right_missing_is_one_change_on_the_company(split):
    done = run_main("can", "manage_properties", "develop", env=split)
    assert done.returncode == 3, done.stderr
    assert "  ✗ Blog: acts as Publisher; lacks Manage Properties" in done.stdout.splitlines()
    fix = " ".join(done.stdout.split("what to change", 1)[1].split())
    assert fix.count("Manage Properties (company-wide)") == 1
    assert "under Company Rights" in fix and "Develop (" not in fix  # develop is held on both


def test_names_as_the_seed_or_the_api_writes_them(split):
    seed = json.loads(run_main("can", "Manage Extensions", "DEVELOP", "--json", env=split).stdout)
    api = json.loads(run_main("can", "manage_extensions", "develop", "--json", env=split).stdout)
    assert seed == api
    assert [a["right"] for a in seed["asked"]] == ["manage_extensions", "develop"]


def test_unknown_permission_exits_2_with_the_list_before_any_token(split):
    done = run_main("can", "publish", "fly", env=dict(split, LAUNCH_WIZARD_IMS_URL="http://127.0.0.1:1"))
    assert done.returncode == 2 and done.stdout == ""
    assert "error: unknown permission 'fly'" in done.stderr
    assert "Manage Extensions (manage_extensions)" in done.stderr and "Traceback" not in done.stderr
    with pytest.raises(UnknownPermission):
        check_rights(Reactor("http://127.0.0.1:1", "t", "c", "o"), ["fly"])


def test_property_by_name_and_by_id(sb, split):
    by_name = json.loads(run_main("can", "publish", "--property", "blog", "--json", env=split).stdout)
    [company] = by_name["companies"]
    [blog] = company["properties"]
    assert blog["name"] == "Blog" and blog["acts_as"] == ["Publisher"] and by_name["ok"]
    by_id = run_main("can", "publish", "--property", blog["id"], env=split)
    assert by_id.returncode == 0, by_id.stderr
    assert "✓ Blog: acts as Publisher" in by_id.stdout and "Shop" not in by_id.stdout
    shop = run_main("can", "publish", "--property", "Shop", env=split)
    assert shop.returncode == 3 and "lacks Publish" in shop.stdout and "Blog" not in shop.stdout


def test_unknown_property_exits_2_listing_what_it_sees(split):
    done = run_main("can", "publish", "--property", "Nope", env=split)
    assert done.returncode == 2 and done.stdout == ""
    assert "error: no property 'Nope' among the 2 this credential sees" in done.stderr
    assert "give one of: Blog, Shop" in done.stderr


def test_json_shape(split):
    done = run_main("can", "publish", "develop_extensions", "--json", env=split)
    assert done.returncode == 3
    body = json.loads(done.stdout)
    assert body["ok"] is False
    assert body["asked"] == [
        {"permission": "Publish", "right": "publish", "granted_on": "property"},
        {"permission": "Develop Extensions", "right": "develop_extensions", "granted_on": "company"}]
    [company] = body["companies"]
    assert company["held"] == [] and company["lacks"] == []
    shown = {p["name"]: p for p in company["properties"]}
    assert set(shown) == {"Blog", "Shop"}
    assert shown["Blog"]["rights"] == PUBLISHER and shown["Blog"]["held"] == PUBLISHER
    assert shown["Blog"]["lacks"] == ["develop_extensions"]
    assert shown["Shop"]["acts_as"] == ["Developer"]
    assert shown["Shop"]["lacks"] == ["publish", "develop_extensions"]
    assert [(c["right"], c["granted_on"], c["properties"]) for c in body["changes"]] == [
        ("publish", "property", [shown["Shop"]["id"]]), ("develop_extensions", "company", [])]
    assert all(c["company"] == company["id"] and "Admin Console" in c["fix"]
               for c in body["changes"])


def test_only_company_rights_and_no_property_seen(sb, tmp_path):
    env = ci_env(sb, tmp_path, integration(sb, ["develop_extensions"]))
    held = run_main("can", "develop_extensions", env=env)
    assert held.returncode == 0, held.stdout + held.stderr
    missing = json.loads(run_main("can", "develop", "--json", env=env).stdout)
    assert missing["ok"] is False and missing["companies"][0]["lacks"] == ["develop"]
    assert "sees no property" in missing["changes"][0]["fix"]


def test_pagination_over_150_properties(tmp_path):
    with Sandbox() as sandbox:
        company = company_id(sandbox.state.org_id)
        for i in range(150):
            sandbox.state.add_property(company, {"name": f"Site {i:03}", "platform": "mobile"})
        made = integration(sandbox, [], {"Site 149": PUBLISHER, "Site 000": ["develop"],
                                         "Site 120": ["develop"]})
        env = ci_env(sandbox, tmp_path, made)
        # and every other property seen through manage_properties: 153 in all (3 seeded)
        made_admin = integration(sandbox, ["manage_properties", "develop"])
        admin = ci_env(sandbox, tmp_path / "admin", made_admin)
        body = json.loads(run_main("can", "develop", "--json", env=admin).stdout)
        assert len(body["companies"][0]["properties"]) == 153 and body["ok"]
        done = run_main("can", "publish", env=env)
        assert done.returncode == 3
        assert "acts as Developer on Site 000 and Site 120, as Publisher on Site 149" in done.stdout
        report = check_rights(reactor_for(sandbox, made), ["publish"], "Site 149")
        assert [p.property.name for p in report.companies[0].properties] == ["Site 149"]
        assert report.complete and acts_as_summary(report) == "acts as Publisher on Site 149"
        seen: list[PropertiesRead] = []
        check_rights(reactor_for(sandbox, made_admin), ["develop"], None, seen.append)
        assert [(e.read, e.total) for e in seen] == [(100, 153), (153, 153)]


def test_hostile_property_names_are_shown_escaped(tmp_path):
    with Sandbox() as sandbox:
        company = company_id(sandbox.state.org_id)
        made_property = sandbox.state.add_property(
            company, {"name": "Evil\x1b]52;c;aGk=\x07\x1b[2J\u202eName", "platform": "mobile"})
        made = integration(sandbox, [], {made_property.id: ["develop"]})
        env = ci_env(sandbox, tmp_path, made)
        done = run_main("can", "publish", env=env)
        assert done.returncode == 3
        for stream in (done.stdout, done.stderr):
            assert "\x1b" not in stream and "\x07" not in stream and "\u202e" not in stream
        assert "✗ Evil\\x1b]52;c;aGk=\\x07\\x1b[2J\\u202eName: acts as Developer" in done.stdout
        as_json = run_main("can", "publish", "--json", env=env)
        assert "\x1b" not in as_json.stdout
        name = json.loads(as_json.stdout)["companies"][0]["properties"][0]["name"]
        assert name == made_property.name  # escaped for the terminal, the same text to a program
        unknown = run_main("can", "publish", "--property", "x\x1b[31m", env=env)
        assert unknown.returncode == 2 and "\x1b" not in unknown.stderr


def test_two_properties_of_one_name_are_told_apart_by_id(tmp_path):
    with Sandbox() as sandbox:
        company = company_id(sandbox.state.org_id)
        twins = [sandbox.state.add_property(company, {"name": "Twin", "platform": "mobile"})
                 for _ in range(2)]
        made = integration(sandbox, ["develop"])
        env = ci_env(sandbox, tmp_path, made)
        done = run_main("can", "develop", "--property", "Twin", env=env)
        assert done.returncode == 2 and "2 properties are called 'Twin'" in done.stderr
        assert all(t.id in done.stderr for t in twins)


def test_a_refused_cached_token_is_replaced_once(split, sb):
    first = run_main("can", "develop", "--json", env=split)  # caches a token
    assert first.returncode == 0
    token = run_main("token", env=split).stdout.strip()
    assert len(token) > 100 and token not in first.stdout + first.stderr
    saved = sb.state._signing_key
    sb.state._signing_key = None  # as a restarted sandbox: the cached token is refused
    try:
        again = run_main("can", "develop", env=split)
    finally:
        sb.state._signing_key = saved
    assert again.returncode == 0, again.stderr


def test_the_command_is_wired_and_documented(split):
    assert "can" in run_main("--help", env=split).stdout
    assert "can exits 3 when a right" in run_main("can", "--help", env=split).stdout
    done = run_cli("can", "publish", "--property", "Blog", env=split)
    assert done.returncode == 0 and "✓ Blog: acts as Publisher" in done.stdout


def test_a_wrong_property_spec_is_refused_by_the_sandbox(sb):
    for spec, reason in (({"Nope": ["develop"]}, "no property is called 'Nope'"),
                         ({"Blog": ["manage_properties"]}, "not property rights"),
                         ({"Blog": "develop"}, "must be a list"),
                         (["Blog"], "must map")):
        refused = httpx.post(f"{sb.console_url}/integrations", json={
            "name": "x", "auth_type": "oauth-s2s", "property_rights": spec})
        assert refused.status_code == 400 and reason in refused.json()["message"]


def test_company_rights_come_from_the_company_and_property_rights_from_the_property():
    company = Company("CO1", "Co", "O@AdobeOrg", ["develop_extensions", "publish", "fly"])
    blog = Property("PR1", "Blog", "web", ["develop", "manage_app_configurations"])
    assert held_on(company, blog) == ("Develop", "Develop Extensions")  # not the company's publish
    assert acts_as_on(company, blog) == ("Extension Developer",)
    assert acts_as_on(company, Property("PR2", "Shop", "web", [])) == ()
