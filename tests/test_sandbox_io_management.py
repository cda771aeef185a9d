"""The sandbox's I/O Management API, as Adobe documents it: a credential's client secrets listed
(never their values), added (the value once, two at most), deleted by uuid; the scopes required;
last use that moves when a secret gets a token; and the sandbox's guard over all of it."""

from urllib.parse import urlsplit

import pytest

from tests import sandbox_http
from tests.io_management_helpers import (
    headers,
    held,
    integration,
    secrets_url,
    token,
    works,
)
from tests.test_sandbox_guard import raw
from wizard.sandbox.state import S2S_SCOPES


def test_list_add_and_delete_in_adobes_shapes(sandbox):
    made = integration(sandbox)
    listed = sandbox_http.get(secrets_url(sandbox, made), headers=headers(sandbox, made)).json()
    assert listed["client_id"] == made.client_id
    [first] = listed["client_secrets"]
    assert set(first) == {"uuid", "created_at", "created_at_str", "expires_at", "expires_at_str",
                          "secret_usages"}
    assert first["expires_at"] == "PERMANENT" and first["created_at"].isdigit()
    assert made.client_secret not in str(listed)  # never a value in a list
    added = sandbox_http.post(secrets_url(sandbox, made), headers=headers(sandbox, made))
    assert added.status_code == 201
    new = added.json()
    assert new["client_secret"].startswith("p8e-") and works(sandbox, made, new["client_secret"])
    assert new["client_secret"] not in str(held(sandbox, made))
    assert {s["uuid"] for s in held(sandbox, made)} == {first["uuid"], new["uuid"]}
    gone = sandbox_http.delete(f"{secrets_url(sandbox, made)}/{first['uuid']}",
                        headers=headers(sandbox, made, new["client_secret"]))
    assert gone.status_code == 204
    assert not works(sandbox, made, made.client_secret)
    assert [s["uuid"] for s in held(sandbox, made, new["client_secret"])] == [new["uuid"]]


def test_a_credential_holds_two_secrets_at_most(sandbox):
    made = integration(sandbox)
    assert sandbox_http.post(secrets_url(sandbox, made), headers=headers(sandbox, made)).status_code == 201
    third = sandbox_http.post(secrets_url(sandbox, made), headers=headers(sandbox, made))
    assert third.status_code == 400 and "at most 2" in third.json()["message"]
    assert len(held(sandbox, made)) == 2


def test_the_last_secret_cannot_be_deleted_and_an_unknown_one_is_404(sandbox):
    made = integration(sandbox)
    [only] = held(sandbox, made)
    url = secrets_url(sandbox, made)
    assert sandbox_http.delete(f"{url}/{only['uuid']}", headers=headers(sandbox, made)).status_code == 400
    assert sandbox_http.delete(f"{url}/0000", headers=headers(sandbox, made)).status_code == 404
    assert works(sandbox, made, made.client_secret)


def test_last_use_moves_when_a_secret_gets_a_token(fresh_sandbox):
    made = integration(fresh_sandbox)
    [before] = held(fresh_sandbox, made)
    sandbox_http.post(f"{fresh_sandbox.console_url}/clock", json={"offset_s": 3 * 86400})
    assert token(fresh_sandbox, made).status_code == 200
    [after] = held(fresh_sandbox, made)
    used = int(after["secret_usages"][0]["last_used_at"])
    assert used - int(before["secret_usages"][0]["last_used_at"]) >= 3 * 86400 * 1000
    assert after["secret_usages"][0]["grant_type"] == "client_credentials"
    added = sandbox_http.post(secrets_url(fresh_sandbox, made), headers=headers(fresh_sandbox, made)).json()
    assert added["secret_usages"] is None  # not used yet


def test_a_token_without_the_io_management_scopes_is_403(sandbox):
    made = integration(sandbox, scopes=list(S2S_SCOPES))
    plain = token(sandbox, made, scopes=list(S2S_SCOPES)).json()["access_token"]
    answer = sandbox_http.get(secrets_url(sandbox, made),
                       headers={"Authorization": f"Bearer {plain}", "x-api-key": made.client_id})
    assert answer.status_code == 403 and "manage_client_secrets" in answer.json()["message"]
    assert sandbox_http.post(secrets_url(sandbox, made), headers={
        "Authorization": f"Bearer {plain}", "x-api-key": made.client_id}).status_code == 403
    assert len(sandbox.state.get(made.client_id).secrets) == 1


def test_no_token_a_wrong_api_key_or_another_credential_are_refused(sandbox):
    made, other = integration(sandbox), integration(sandbox, name="other")
    url = secrets_url(sandbox, made)
    assert sandbox_http.get(url).status_code == 401
    assert sandbox_http.get(url, headers={**headers(sandbox, made), "x-api-key": "nope"}).status_code == 403
    org, _ = made.ids
    unknown = url.replace(f"/organizations/{org}/", "/organizations/999/")
    assert sandbox_http.get(unknown, headers=headers(sandbox, made)).status_code == 403
    assert sandbox_http.get(url.replace(made.ids[1], "1"), headers=headers(sandbox, made)).status_code == 404
    assert sandbox_http.get(secrets_url(sandbox, other), headers=headers(sandbox, made)).status_code == 200


def test_the_guard_stands_before_io_management(sandbox):
    made = integration(sandbox)
    path = urlsplit(secrets_url(sandbox, made)).path
    auth = headers(sandbox, made)
    assert raw(sandbox, "POST", path, {**auth, "Origin": "http://evil.example"})[0] == 403
    assert raw(sandbox, "POST", path, auth, host="evil.example")[0] == 421
    assert raw(sandbox, "POST", path, {**auth, "Content-Type": "text/plain"}, body="x")[0] == 415
    assert len(held(sandbox, made)) == 1  # none of them added a secret


def test_creation_and_last_use_survive_a_restart_with_state(tmp_path):
    from wizard.sandbox import Sandbox
    from wizard.sandbox.state import SandboxState, secret_id

    path = tmp_path / "state.json"
    with Sandbox(state=SandboxState(path)) as first:
        made = integration(first)
        before = held(first, made)
    again = SandboxState(path)
    kept = again.get(made.client_id)
    key = secret_id(made.client_secret)
    assert kept.secrets_created[key] * 1000 == pytest.approx(int(before[0]["created_at"]), abs=1)
    assert key in kept.secrets_used
