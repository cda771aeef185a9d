"""`launch-wizard api`'s flags as `gh api` users reach for them, run against the sandbox through
`main(argv)` (argparse's complaints and --help as real processes): every answer with -i, HEAD, -H,
fields that build the body, --silent, --verbose with the token masked, filters checked before
Adobe ignores them, --paginate from a given page, and argparse's own complaints as the
`error:`/`fix:` pair."""

import json
import shlex

import pytest

from tests.conftest import clean_env, configure_s2s, run_cli, run_main
from tests.test_api import PROPERTIES, api, ci_env
from tests.test_network_errors import closed_port, fault

REVISION_2 = "application/vnd.api+json;revision=2"


@pytest.fixture
def env(fresh_sandbox, tmp_path):
    return ci_env(fresh_sandbox, tmp_path)


@pytest.fixture
def offline(fresh_sandbox, tmp_path):
    """A profile whose IMS cannot be reached: a command that gets past its own checks exits 4."""
    return ci_env(fresh_sandbox, tmp_path, LAUNCH_WIZARD_IMS_URL=f"http://127.0.0.1:{closed_port()}")


def status_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("HTTP/1.1 ")]


def curl_lines(stderr: str) -> list[list[str]]:
    return [shlex.split(line) for line in stderr.splitlines() if line.startswith("curl ")]


def company(env) -> str:
    return json.loads(api("/companies", env=env).stdout)["data"][0]["id"]


# -i: every answer ---------------------------------------------------------------------------------

def test_include_shows_the_retried_429_and_the_answer_after_it(env, fresh_sandbox):
    fault(fresh_sandbox, path="/reactor/companies", status=429, headers={"Retry-After": "1"})
    done = api("/companies", "-i", env=env)
    assert status_lines(done.stderr) == ["HTTP/1.1 429 Too Many Requests", "HTTP/1.1 200 OK"]
    assert "retry-after: 1" in done.stderr.lower()
    assert json.loads(done.stdout)["data"]  # stdout is the last answer's body alone


def test_include_shows_the_refused_cached_token_and_the_answer_with_the_new_one(fresh_sandbox,
                                                                                 tmp_path):
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"))
    configure_s2s(fresh_sandbox, env, "cached", run=run_main)
    assert run_main("token", env=env).returncode == 0  # cached
    fresh_sandbox.state._signing_key = None  # as a restarted sandbox: the cached token is refused
    done = api("/companies", "-i", env=env)
    assert status_lines(done.stderr) == ["HTTP/1.1 401 Unauthorized", "HTTP/1.1 200 OK"]
    assert json.loads(done.stdout)["data"]


# -X HEAD ------------------------------------------------------------------------------------------

def test_head_prints_no_body_and_its_headers_with_include(env):
    quiet = api("/companies", "-X", "HEAD", env=env)
    assert quiet.stdout == "" and "HTTP/" not in quiet.stderr
    shown = api("/companies", "-X", "head", "-i", env=env)
    assert shown.stdout == "" and status_lines(shown.stderr) == ["HTTP/1.1 200 OK"]
    assert "content-type: application/vnd.api+json" in shown.stderr


def test_head_of_a_missing_record_exits_3_by_its_status(env):
    done = api("/properties/PR0000", "-X", "HEAD", env=env, code=3)
    assert done.stdout == "" and "refused (HTTP 404)" in done.stderr and "check the path" in done.stderr


# -H -----------------------------------------------------------------------------------------------

def test_a_header_replaces_accept_and_reaches_the_server(env):
    """The sandbox accepts revision 1 only: a 406 proves that the other revision was sent, and
    --verbose that it was sent once, in place of the profile's."""
    done = api("/companies", "-H", f"accept: {REVISION_2}", "--verbose", env=env, code=3)
    assert json.loads(done.stdout)["errors"][0]["code"] == "not-acceptable"
    [curl] = curl_lines(done.stderr)
    accepts = [curl[i + 1] for i, word in enumerate(curl) if word == "-H"
               and curl[i + 1].lower().startswith("accept:")]
    assert accepts == [f"accept: {REVISION_2}"]
    assert api("/companies", "-H", "X-Request-Note: run 7", env=env).stdout  # another header: 200


@pytest.mark.parametrize("header, message", [
    ("Authorization: Bearer abc", "would replace the profile's token"),
    ("authorization:Bearer abc", "would replace the profile's token"),
    ("Accept: x\r\nX-Injected: 1", "holds a line break"),
    ("Accept: text/plain\n", "holds a line break"),
    ("Bearer abc", "is not NAME: VALUE"),
    ("Bad Name: x", "is not NAME: VALUE"),
    ("Host: example.com", "is set from the URL"),
])
def test_a_header_that_cannot_go_is_refused_before_any_call(offline, header, message):
    done = api("/companies", "-H", header, env=offline, code=2)
    assert message in done.stderr and "  fix: " in done.stderr
    assert "abc" not in done.stderr  # a value is never quoted back: it may be a credential


# -f / -F ------------------------------------------------------------------------------------------

def test_fields_build_the_body_the_sandbox_receives(env, tmp_path):
    name = tmp_path / "name.txt"
    name.write_text("Blog from a file")
    done = api(PROPERTIES, "--verbose",
               "-f", "data.type=properties", "-F", "data.attributes.name=@" + str(name),
               "-f", "data.attributes.platform=web",
               "-f", "data.attributes.domains[]=blog.example.com",
               "-f", "data.attributes.domains[]=shop.example.com",
               "-F", "data.attributes.development=true", env=env)  # POST: fields make a body
    [_, post] = curl_lines(done.stderr)  # the first is the {company} look-up
    assert post[1:3] == ["-X", "POST"]
    sent = json.loads(post[post.index("--data-binary") + 1])
    assert sent == {"data": {"type": "properties", "attributes": {
        "name": "Blog from a file", "platform": "web",
        "domains": ["blog.example.com", "shop.example.com"], "development": True}}}
    made = json.loads(done.stdout)["data"]
    read = json.loads(api(f"/properties/{made['id']}", env=env).stdout)["data"]["attributes"]
    assert (read["name"], read["domains"], read["development"]) == (
        "Blog from a file", ["blog.example.com", "shop.example.com"], True)


def test_a_raw_field_stays_a_string(env):
    done = api(PROPERTIES, "-f", "data.type=properties", "-f", "data.attributes.name=X",
               "-f", "data.attributes.platform=mobile", "-f", "data.attributes.development=true",
               env=env, code=3)
    assert "development must be true or false" in done.stderr  # "true", a string, arrived


def test_fields_of_a_get_are_its_query(env):
    done = api(PROPERTIES, "-X", "GET", "-F", "page[size]=1", "-f", "page[number]=2", env=env)
    listed = json.loads(done.stdout)
    assert [p["attributes"]["name"] for p in listed["data"]] == ["Support portal"]
    assert listed["meta"]["pagination"]["current_page"] == 2


@pytest.mark.parametrize("args, message", [
    (["-f", "data.type=properties", "--input", "-"], "--input and -f/-F both make the body"),
    (["-X", "DELETE", "-f", "a=b"], "which a DELETE does not take"),
    (["-f", "data.attributes=x", "-f", "data.attributes.name=y"], "give data.attributes twice"),
    (["-f", "data.name=x", "-f", "data.name=y"], "give data.name twice"),
    (["-f", "data.names[]=x", "-f", "data.names=y"], "give data.names twice"),
    (["-f", "data..name=x"], "empty name between its dots"),
    (["-f", "nothing"], "is not KEY=VALUE"),
    (["-F", "=x"], "is not KEY=VALUE"),
    (["-F", "data.name=@/nonexistent/name.txt"], "file not found"),
])
def test_fields_that_cannot_make_a_body_are_refused_before_any_call(offline, args, message):
    done = api(PROPERTIES, *args, input="{}", env=offline, code=2)
    assert message in done.stderr and "  fix: " in done.stderr and done.stdout == ""


# --silent, --verbose ------------------------------------------------------------------------------

def test_silent_prints_no_body_and_the_exit_code_still_says(env):
    assert api("/companies", "--silent", env=env).stdout == ""
    refused = api("/properties/PR0000", "--silent", env=env, code=3)
    assert refused.stdout == "" and "not-found" in refused.stderr


def test_verbose_shows_each_request_as_curl_with_the_token_masked(fresh_sandbox, tmp_path):
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"))
    made = configure_s2s(fresh_sandbox, env, run=run_main)
    token = run_main("token", env=env).stdout.strip()  # cached: the one api sends
    assert len(token) > 100
    done = api(PROPERTIES, "--verbose", env=env)
    look_up, listing = curl_lines(done.stderr)
    assert look_up[:3] == ["curl", "-X", "GET"] and look_up[3].endswith("/companies")
    assert listing[3].endswith(f"/companies/{company(env)}/properties")
    assert f"Authorization: Bearer ****{token[-4:]}" in listing
    assert f"x-api-key: {made.client_id}" in listing
    assert "HTTP/1.1 200 OK" in done.stderr  # --verbose shows the answers as -i does
    for secret in (token, token[:-4], made.client_secret):
        assert secret not in done.stderr and secret not in done.stdout


# filters ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("query, message", [
    ("filter[name]=Blog", "does not start with an operator"),
    ("filter[name]=eq%20Blog", "which is written EQ"),
    ("filter[name]=EQ", "empty value after EQ"),
    ("filter[name]=EQ%20Blog,", "empty value after EQ"),
    ("filter[created_at]=BETWEEN%202024-01-01", "two values"),
    ("filter[created_at]=BETWEEN%201,2,3", "two values"),
    ("filter[created_at]=GT%201,2", "one value"),
    ("filter[]=EQ%20x", "is not filter[ATTRIBUTE]"),
    ("filter=EQ%20x", "is not filter[ATTRIBUTE]"),
    ("filter[name=EQ%20x", "is not filter[ATTRIBUTE]"),
])
def test_a_malformed_filter_exits_2_before_a_token_is_asked_for(offline, query, message):
    done = api(f"{PROPERTIES}?{query}", env=offline, code=2)
    assert message in done.stderr and "would ignore it and answer every item" in done.stderr
    assert "filter[name]=EQ Blog" in done.stderr  # the fix shows a filter that works


def test_a_malformed_filter_given_as_a_field_is_refused_too(offline):
    done = api(PROPERTIES, "-X", "GET", "-f", "filter[name]=LIKE Blog", env=offline, code=2)
    assert "does not start with an operator" in done.stderr


SEEDED = ["Marketing site", "Support portal", "Mobile app"]  # a new sandbox's properties


@pytest.mark.parametrize(("query", "names"), [
    ("filter[name]=EQ%20Support%20portal", ["Support portal"]),
    ("filter[name]=EQ Marketing site,Mobile app", ["Marketing site", "Mobile app"]),
    ("filter[name]=NOT%20Mobile%20app", ["Marketing site", "Support portal"]),
    ("filter[name]=CONTAINS%20portal", ["Support portal"]),
    ("filter[created_at]=LT%202024-01-01", []),
    ("filter[created_at]=BETWEEN%202024-01-01,2099-12-31&filter[enabled]=EQ%20true", SEEDED),
])
def test_a_well_formed_filter_goes_to_the_server(env, query, names):
    data = json.loads(api(f"{PROPERTIES}?{query}", env=env).stdout)["data"]
    assert sorted(item["attributes"]["name"] for item in data) == sorted(names)


# --paginate -------------------------------------------------------------------------------------

def test_paginate_refuses_an_answer_that_is_not_a_list(env):
    made = json.loads(api(PROPERTIES + "?page[size]=1", env=env).stdout)["data"][0]["id"]
    done = api(f"/properties/{made}", "--paginate", env=env, code=2)
    assert "answered no list (its data is one item" in done.stderr and done.stdout == ""


def test_paginate_starts_from_the_page_given_without_a_false_warning(env):
    done = api(PROPERTIES + "?page[size]=1&page[number]=2", "--paginate", env=env)
    names = [p["attributes"]["name"] for p in json.loads(done.stdout)["data"]]
    assert names == ["Support portal", "Mobile app"]
    assert "counted" not in done.stderr


# argparse's own errors --------------------------------------------------------------------------

@pytest.mark.parametrize("argv, message", [
    (["api"], "the following arguments are required: PATH"),
    (["api", "/companies", "-X"], "argument -X/--method: expected one argument"),
    (["api", "/companies", "-X", "TRACE"], "invalid choice: 'TRACE'"),
    (["api", "/companies", "--pages"], "unrecognized arguments: --pages"),
    (["keygen", "--bits", "many"], "invalid int value: 'many'"),
    (["no-such-command"], "invalid choice: 'no-such-command'"),
])
def test_argparse_errors_are_the_error_and_fix_pair(tmp_path, argv, message):
    done = run_cli(*argv, env=clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg")))
    assert done.returncode == 2 and done.stdout == ""
    first, fix = done.stderr.splitlines()
    assert first.startswith("error: ") and message in first
    assert fix.startswith("  fix: see `launch-wizard") and fix.endswith(" --help`")


def test_help_is_still_argparse_help(tmp_path):
    done = run_cli("api", "--help", env=clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg")))
    assert done.returncode == 0 and done.stdout.startswith("usage: launch-wizard api")
    assert "--verbose" in done.stdout and "--silent" in done.stdout
