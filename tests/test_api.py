"""`launch-wizard api` as a script runs it (in-process through `main(argv)`; the process itself is
tested in test_api_flags): against the sandbox, the body on stdout, what went wrong on stderr, and
the exit codes the other commands use."""

import json

import httpx
import pytest

from tests.conftest import clean_env, configure_s2s, run_main
from tests.test_network_errors import closed_port, fault
from wizard.core.console import SandboxConsole
from wizard.sandbox import Sandbox

PROPERTIES = "/companies/{company}/properties"
BLOG = {"data": {"type": "properties",
                 "attributes": {"name": "Blog", "platform": "web", "domains": ["blog.example.com"]}}}


def ci_env(sandbox, tmp_path, **extra):
    """The CI path: an S2S credential from LAUNCH_WIZARD_* variables, no keyring."""
    made = SandboxConsole(sandbox.console_url).create("api", "oauth-s2s").value
    variables = {"LAUNCH_WIZARD_CONFIG_DIR": str(tmp_path / "cfg"),
                 "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent",
                 "LAUNCH_WIZARD_AUTH_TYPE": "oauth-s2s", "LAUNCH_WIZARD_ORG_ID": made.org_id,
                 "LAUNCH_WIZARD_CLIENT_ID": made.client_id,
                 "LAUNCH_WIZARD_CLIENT_SECRET": made.client_secret,
                 "LAUNCH_WIZARD_IMS_URL": sandbox.ims_url,
                 "LAUNCH_WIZARD_REACTOR_URL": sandbox.reactor_url}
    return clean_env(**{**variables, **extra})


def api(*args, env, input=None, code=0):
    done = run_main("api", *args, env=env, input=input)
    assert done.returncode == code, (args, done.stdout, done.stderr)
    return done


@pytest.fixture
def env(fresh_sandbox, tmp_path):
    return ci_env(fresh_sandbox, tmp_path)


def test_get_prints_compact_json_and_company_stands_for_the_first_company(env, fresh_sandbox):
    companies = api("/companies", env=env)
    assert "\n" not in companies.stdout.strip()  # compact for a pipe
    company = json.loads(companies.stdout)["data"][0]["id"]
    listed = json.loads(api(PROPERTIES, env=env).stdout)
    assert [p["attributes"]["name"] for p in listed["data"]] == [
        "Marketing site", "Support portal", "Mobile app"]
    assert listed["data"][0]["relationships"]["company"]["data"]["id"] == company
    full_url = api(f"{fresh_sandbox.reactor_url}/companies/{company}/properties", env=env)
    assert json.loads(full_url.stdout)["data"] == listed["data"]


def test_include_shows_status_and_headers_on_stderr_only(env):
    done = api("/companies", "-i", env=env)
    assert "HTTP/1.1 200 OK" in done.stderr and "content-type: application/vnd.api+json" in done.stderr
    assert json.loads(done.stdout)["data"]  # stdout stays the body alone


def test_create_read_change_delete(env, tmp_path):
    body = tmp_path / "blog.json"
    body.write_text(json.dumps(BLOG))
    made = json.loads(api(PROPERTIES, "--input", str(body), env=env).stdout)["data"]  # POST
    assert made["attributes"]["name"] == "Blog"
    path = f"/properties/{made['id']}"
    assert json.loads(api(path, env=env).stdout)["data"]["id"] == made["id"]
    change = {"data": {"id": made["id"], "type": "properties", "attributes": {"name": "Journal"}}}
    changed = api(path, "-X", "patch", "--input", "-", input=json.dumps(change), env=env)
    assert json.loads(changed.stdout)["data"]["attributes"]["name"] == "Journal"
    deleted = api(path, "-X", "DELETE", env=env)
    assert deleted.stdout == ""  # 204: nothing to print
    gone = api(path, env=env, code=3)
    assert json.loads(gone.stdout)["errors"][0]["code"] == "not-found"
    assert "check the path" in gone.stderr


def test_a_refusal_exits_3_with_the_body_on_stdout_and_the_pointer_explained(env):
    blank = {"data": {"type": "properties", "attributes": {"name": "X", "platform": "web"}}}
    done = api(PROPERTIES, "--input", "-", input=json.dumps(blank), env=env, code=3)
    assert json.loads(done.stdout)["errors"][0]["source"]["pointer"] == "/data/attributes/domains"
    assert "refused (invalid-attribute)" in done.stderr and "at /data/attributes/domains" in done.stderr
    assert "fix:" in done.stderr


def test_an_integration_without_manage_properties_is_told_which_right(fresh_sandbox, tmp_path):
    made = httpx.post(f"{fresh_sandbox.console_url}/integrations",
                      json={"name": "dev", "auth_type": "oauth-s2s", "role": "Developer"}).json()
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"),
                    LAUNCH_WIZARD_ORG_ID=made["org_id"], LAUNCH_WIZARD_CLIENT_ID=made["client_id"],
                    LAUNCH_WIZARD_CLIENT_SECRET=made["client_secret"],
                    LAUNCH_WIZARD_IMS_URL=fresh_sandbox.ims_url,
                    LAUNCH_WIZARD_REACTOR_URL=fresh_sandbox.reactor_url)
    done = api(PROPERTIES, "--input", "-", input=json.dumps(BLOG), env=env, code=3)
    assert "manage_properties" in done.stderr and "launch-wizard roles" in done.stderr


@pytest.mark.parametrize("args, stdin, message", [
    (["https://example.com/companies"], None, "not on the Launch API's host"),
    (["http://127.0.0.1:1/companies"], None, "not on the Launch API's host"),
    (["/companies", "--input", "/nonexistent/body.json"], None, "file not found"),
    (["/companies", "--input", "/"], None, "is a folder, not a file"),
    (["/companies", "-X", "POST", "--input", "-"], "{not json", "JSON: it goes wrong at line 1, column 2"),
    (["/companies", "-X", "POST", "--input", "-"], "[1, 2]", "holds a JSON list, not an object"),
    (["/companies", "-X", "POST", "--input", "-"], "", "not JSON"),
    (["/companies", "-X", "POST", "--paginate"], None, "--paginate follows the pages of a GET"),
    (["/companies", "-X", "GET", "--input", "-"], "{}", "which a GET does not take"),
    (["/companies", "-X", "TRACE"], None, "invalid choice"),
])
def test_bad_input_exits_2_before_any_call(env, fresh_sandbox, args, stdin, message):
    fault(fresh_sandbox, path="/ims/token/v3", status=500, body="<html>no</html>")  # not reached
    done = api(*args, input=stdin, env=env, code=2)
    assert message in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_a_profile_not_set_up_is_told_what_is_missing(tmp_path):
    done = api("/companies", env=clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg")), code=2)
    assert "is missing: organization ID, client ID" in done.stderr and "configure" in done.stderr


def test_a_body_that_is_not_text_is_refused(env, tmp_path):
    body = tmp_path / "body.bin"
    body.write_bytes(b"\xff\xfe\x00{")
    assert "not text" in api("/companies", "--input", str(body), env=env, code=2).stderr


def test_an_unreachable_server_exits_4(fresh_sandbox, tmp_path):
    env = ci_env(fresh_sandbox, tmp_path,
                 LAUNCH_WIZARD_REACTOR_URL=f"http://127.0.0.1:{closed_port()}")
    assert "connection refused" in api("/companies", env=env, code=4).stderr


def test_get_is_retried_on_429_and_a_write_never_is(env, fresh_sandbox):
    fault(fresh_sandbox, path="/reactor/companies", status=429, headers={"Retry-After": "1"})
    assert json.loads(api("/companies", env=env).stdout)["data"]  # got through on the retry
    company = json.loads(api("/companies", env=env).stdout)["data"][0]["id"]
    path = f"/companies/{company}/properties"
    fault(fresh_sandbox, path=f"/reactor{path}", status=429, headers={"Retry-After": "1"})
    done = api(path, "--input", "-", input=json.dumps(BLOG), env=env, code=3)
    assert "throttling" in done.stderr and "retry after 1 s" in done.stderr
    names = [p["attributes"]["name"] for p in json.loads(api(path, env=env).stdout)["data"]]
    assert "Blog" not in names  # the POST was sent once, and throttled


def test_a_cached_token_the_server_no_longer_takes_is_replaced_once(fresh_sandbox, tmp_path):
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"))
    configure_s2s(fresh_sandbox, env, "cached", run=run_main)
    before = run_main("token", env=env).stdout.strip()
    fresh_sandbox.state._signing_key = None  # as a restarted sandbox: old tokens are refused
    assert api("/companies", env=env).stdout
    after = run_main("token", env=env).stdout.strip()
    assert after != before  # the new token was cached for the next command
    fresh_sandbox.state._signing_key = None  # again, now with {company} looked up first
    assert len(json.loads(api(PROPERTIES, env=env).stdout)["data"]) == 3
    assert run_main("token", env=env).stdout.strip() != after


def test_paginate_joins_every_page_once(env):
    created = [json.loads(api(PROPERTIES, "--input", "-", env=env, input=json.dumps(
        {"data": {"type": "properties", "attributes": {"name": f"Site {i}", "platform": "mobile"}}}
    )).stdout)["data"]["id"] for i in range(4)]
    listed = json.loads(api(PROPERTIES + "?page[size]=2", "--paginate", env=env).stdout)
    ids = [p["id"] for p in listed["data"]]
    assert len(ids) == 7 and len(set(ids)) == 7 and ids[-4:] == created
    assert listed["meta"]["pagination"]["total_count"] == 7
    assert listed["meta"]["pagination"]["next_page"] is None


def test_paginate_drops_duplicates_and_says_when_the_list_moved(env, fresh_sandbox):
    company = json.loads(api("/companies", env=env).stdout)["data"][0]["id"]
    path = f"/companies/{company}/properties"
    page = json.loads(api(path + "?page[size]=2", env=env).stdout)
    twice = {"data": [page["data"][0], page["data"][0]],
             "meta": {"pagination": {"current_page": 1, "next_page": 2, "prev_page": None,
                                     "total_pages": 2, "total_count": 4}}}
    fault(fresh_sandbox, path=f"/reactor{path}", status=200, body=twice,
          content_type="application/vnd.api+json")
    done = api(path + "?page[size]=2", "--paginate", env=env)
    names = [p["attributes"]["name"] for p in json.loads(done.stdout)["data"]]
    assert names == ["Marketing site", "Mobile app"]  # page 2 of the real list, no duplicate
    assert "counted 3, 2 arrived" in done.stderr


def test_paginate_stops_at_a_refused_page_and_prints_its_error(env, fresh_sandbox):
    company = json.loads(api("/companies", env=env).stdout)["data"][0]["id"]
    path = f"/companies/{company}/properties"
    first = json.loads(api(path + "?page[size]=2", env=env).stdout)
    fault(fresh_sandbox, path=f"/reactor{path}", status=200, body=first,
          content_type="application/vnd.api+json")
    fault(fresh_sandbox, path=f"/reactor{path}", status=403, content_type="application/vnd.api+json",
          body={"errors": [{"status": "403", "code": "not-authorized", "detail": "no"}]})
    done = api(path + "?page[size]=2", "--paginate", env=env, code=3)
    assert json.loads(done.stdout)["errors"][0]["code"] == "not-authorized"
    assert "stopped at page 2" in done.stderr


def test_load_paginate_over_three_hundred_properties(tmp_path):
    """A few hundred properties in pages of 7 and of 100: each one exactly once, in order."""
    with Sandbox() as sb:
        env = ci_env(sb, tmp_path)
        company = json.loads(api("/companies", env=env).stdout)["data"][0]["id"]
        for i in range(297):
            sb.state.add_property(company, {"name": f"Site {i:03}", "platform": "mobile"})
        expected = [p.id for p in sb.state.properties_of(company)]
        for size in ("7", "100"):
            done = api(f"/companies/{company}/properties?page[size]={size}", "--paginate", env=env)
            assert [p["id"] for p in json.loads(done.stdout)["data"]] == expected
        default = json.loads(api(PROPERTIES, "--paginate", env=env).stdout)
        assert len(default["data"]) == 300  # pages of 100 unless a size is asked for
