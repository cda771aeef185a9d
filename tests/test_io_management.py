"""The I/O Management client treats every answer as outside text: bounded, checked for the
shape each value must have (a uuid goes into a URL), its words shown only escaped."""

import httpx
import pytest

from tests.io_management_helpers import SCOPES, fault, integration, secrets_url, token
from wizard.core.errors import ConfigError, NetworkError
from wizard.core.io_management import (
    MAX_ANSWER_BYTES,
    IOManagement,
    IOManagementRefused,
    NotPermitted,
    credential_id,
)
from wizard.core.safe_text import terminal_safe


def client(sandbox, made) -> IOManagement:
    org, number = made.ids
    return IOManagement(sandbox.base_url, f"{org}/{number}", made.client_id,
                        token(sandbox, made).json()["access_token"])


def listing(sandbox, made, body, status: int = 200) -> None:
    fault(sandbox, httpx.URL(secrets_url(sandbox, made)).path, status, body=body)


def test_the_client_reads_the_sandboxs_answers(sandbox):
    made = integration(sandbox)
    api = client(sandbox, made)
    [first] = api.secrets()
    assert first.created_at and first.last_used_at  # our token used it
    new = api.add()
    assert new.value not in repr(new)  # a repr (a log, a traceback) never shows it
    assert {s.uuid for s in api.secrets()} == {first.uuid, new.uuid}
    api.delete(first.uuid)
    assert [s.uuid for s in api.secrets()] == [new.uuid]


def test_a_huge_answer_is_not_read(sandbox):
    made = integration(sandbox)
    listing(sandbox, made, {"client_secrets": [], "padding": "x" * (MAX_ANSWER_BYTES + 1)})
    with pytest.raises(NetworkError, match="far more than"):
        client(sandbox, made).secrets()


@pytest.mark.parametrize("secret", [
    {"uuid": "../../organizations/1/credentials/2/secrets/3", "created_at": "1"},  # a path
    {"uuid": "a b", "created_at": "1"},
    {"uuid": 12, "created_at": "1"},
    "not an object",
])
def test_a_uuid_that_is_not_one_is_refused(sandbox, secret):
    made = integration(sandbox)
    listing(sandbox, made, {"client_secrets": [secret]})
    with pytest.raises(NetworkError, match="not a client secret"):
        client(sandbox, made).secrets()


def test_times_that_are_not_times_are_unknown_not_errors(sandbox):
    made = integration(sandbox)
    listing(sandbox, made, {"client_secrets": [
        {"uuid": "u-1", "created_at": "yesterday", "secret_usages": [{"last_used_at": True}]},
        {"uuid": "u-2", "created_at": "9" * 400, "secret_usages": "many"}]})
    assert [(s.created_at, s.last_used_at) for s in client(sandbox, made).secrets()] == [
        (None, None), (None, None)]


def test_nesting_too_deep_and_not_json_are_refused_as_not_the_api(sandbox):
    made = integration(sandbox)
    listing(sandbox, made, "[" * 100_000)
    with pytest.raises(NetworkError):
        client(sandbox, made).secrets()
    listing(sandbox, made, "<html>login</html>")
    with pytest.raises(NetworkError, match="not the API"):
        client(sandbox, made).secrets()


def test_control_characters_in_a_refusal_are_shown_escaped_and_bounded(sandbox):
    made = integration(sandbox)
    listing(sandbox, made, {"message": "\x1b]52;c;cGF3bmVk\x07 no " + "y" * 5000}, status=409)
    with pytest.raises(IOManagementRefused) as refused:
        client(sandbox, made).secrets()
    assert len(refused.value.cause) < 400
    assert "\x1b" not in terminal_safe(str(refused.value))
    assert "\\x1b]52" in terminal_safe(str(refused.value))


def test_an_added_secret_that_is_not_one_is_refused(sandbox):
    made = integration(sandbox)
    fault(sandbox, httpx.URL(secrets_url(sandbox, made)).path, 201,
          body={"client_secret": "p8e-\x1b[2Jgone", "uuid": "u-1"})
    with pytest.raises(NetworkError, match="not the new client secret"):
        client(sandbox, made).add()


def test_401_and_403_mean_not_permitted(sandbox):
    made = integration(sandbox, scopes=[s for s in SCOPES if s != "manage_client_secrets"])
    api = IOManagement(sandbox.base_url, "/".join(made.ids), made.client_id, token(
        sandbox, made, scopes=[s for s in SCOPES if s != "manage_client_secrets"]).json()["access_token"])
    with pytest.raises(NotPermitted):
        api.secrets()
    with pytest.raises(NotPermitted):
        IOManagement(sandbox.base_url, "/".join(made.ids), made.client_id, "nope").secrets()


@pytest.mark.parametrize("given, saved", [
    ("https://developer.adobe.com/console/projects/53444/4566206088344794932/credentials/412345"
     "/details/oauthservertoserver", "53444/412345"),
    ("53444/412345", "53444/412345"),
    ("  ", ""),
])
def test_the_console_id_comes_from_the_page_url_or_the_pair(given, saved):
    assert credential_id(given) == saved


@pytest.mark.parametrize("given", ["412345", "https://developer.adobe.com/console/projects/1",
                                   "a/b/c", "53444/4123\u202e45", 12])
def test_a_console_id_that_is_not_one_is_refused(given):
    with pytest.raises(ConfigError):
        credential_id(given)


@pytest.mark.parametrize("ims_url, expected", [
    ("https://ims-na1.adobelogin.com", "https://api.adobe.io"),
    ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
    ("https://ims.example.com", None),  # another IMS's token is never sent to Adobe, nor Adobe's elsewhere
    ("https://ims-na1-stg1.adobelogin.com", None),
])
def test_the_token_goes_only_to_adobes_api_or_this_machine(ims_url, expected):
    from wizard.core.io_management import base_url
    from wizard.core.profile import Profile

    assert base_url(Profile(ims_url=ims_url)) == expected
