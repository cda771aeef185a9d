"""Reading the files other tools write (console downloads, aio-cli contexts, our exports) and
writing ours for them: every shape, every bad file."""

import json
import re

import pytest

from wizard.core.interop import (
    IMS_STAGE,
    PLACEHOLDER,
    AioContextError,
    FormatError,
    profile_from,
    read_credentials,
    to_aio,
    to_env,
    to_json,
    to_postman,
)
from wizard.core.profile import DEFAULT_SCOPES, Profile

ORG = "0123456789ABCDEF01234567@AdobeOrg"
TECH = "FEDCBA9876543210FEDCBA98@techacct.adobe.com"
EMAIL = "0a1b2c3d-4e5f-6789-abcd-ef0123456789@techacct.adobe.com"

S2S_DOWNLOAD = {"ORG_ID": ORG, "CLIENT_ID": "cid", "CLIENT_SECRETS": ["p8e-secret", "p8e-older"],
                "SCOPES": ["AdobeID", "openid", "read_organizations"],
                "TECHNICAL_ACCOUNT_ID": TECH, "TECHNICAL_ACCOUNT_EMAIL": "x@techacct.adobe.com"}
JWT_DOWNLOAD = {"CLIENT_SECRET": "p8e-jwt", "ORG_ID": ORG, "API_KEY": "jwtid",
                "TECHNICAL_ACCOUNT_ID": TECH, "TECHNICAL_ACCOUNT_EMAIL": "x@techacct.adobe.com",
                "PUBLIC_KEYS_WITH_EXPIRY": {"AB12CD": "11/30/2027"}}


def workspace(*credentials: dict, org: str = ORG) -> dict:
    return {"project": {"id": "1", "name": "p", "title": "P", "org": {"id": "2", "name": "o",
                                                                     "ims_org_id": org},
                        "workspace": {"id": "3", "name": "Stage",
                                      "details": {"credentials": list(credentials), "services": []}}}}


def s2s_credential(name: str = "Server", kind: str = "oauth_server_to_server") -> dict:
    return {"id": "c1", "name": name, "integration_type": kind,
            "oauth_server_to_server": {"client_id": f"{name}-id", "client_secrets": [f"{name}-secret"],
                                       "technical_account_email": "e@techacct.adobe.com",
                                       "technical_account_id": TECH, "scopes": ["AdobeID", "openid"]}}


def jwt_credential(name: str = "Service") -> dict:
    return {"id": "c2", "name": name, "integration_type": "service",
            "jwt": {"client_id": f"{name}-id", "client_secret": f"{name}-secret",
                    "technical_account_email": "e@techacct.adobe.com", "technical_account_id": TECH,
                    "meta_scopes": ["ent_reactor_sdk"]}}


def read(data) -> tuple:
    imported = read_credentials(json.dumps(data))
    return imported, profile_from(imported, Profile())


def test_server_to_server_download_keys_in_any_case():
    imported, profile = read(S2S_DOWNLOAD)
    assert profile.auth_type == "oauth-s2s" and profile.org_id == ORG and profile.client_id == "cid"
    assert profile.scopes == ["AdobeID", "openid", "read_organizations"]
    assert imported.secrets == {"client_secret": "p8e-secret"}  # the first of CLIENT_SECRETS
    lower = {k.lower(): v for k, v in S2S_DOWNLOAD.items()} | {"scopes": "AdobeID, openid"}
    _, again = read(lower)
    assert again.scopes == ["AdobeID", "openid"]  # a comma string, as some downloads have it
    _, plain = read({k: v for k, v in S2S_DOWNLOAD.items() if k not in ("SCOPES", "CLIENT_SECRETS")}
                    | {"client_secret": "s"})
    assert plain.scopes == list(DEFAULT_SCOPES)


def test_jwt_download_lists_the_certificates_the_console_holds():
    imported, profile = read(JWT_DOWNLOAD)
    assert profile.auth_type == "jwt" and profile.client_id == "jwtid"
    assert profile.technical_account_id == TECH and imported.secrets == {"client_secret": "p8e-jwt"}
    assert imported.certificates == {"ab12cd": "11/30/2027"}


def test_workspace_prefers_server_to_server_and_names_what_it_skips():
    data = workspace(jwt_credential(), s2s_credential(),
                     {"id": "c3", "name": "Key", "integration_type": "apikey", "api_key": {}})
    imported, profile = read(data)
    assert profile.auth_type == "oauth-s2s" and profile.client_id == "Server-id"
    assert imported.name == "Server" and profile.org_id == ORG
    assert any(s.startswith("Key (apikey") for s in imported.skipped)
    assert any("--credential 'Service'" in s for s in imported.skipped)
    chosen = read_credentials(json.dumps(data), credential="Service")
    assert chosen.fields["auth_type"] == "jwt" and chosen.fields["metascopes"] == ["ent_reactor_sdk"]
    migrating = read_credentials(json.dumps(workspace(s2s_credential(
        kind="oauth_server_to_server_migrate") | {"jwt": {}})))
    assert migrating.fields["auth_type"] == "oauth-s2s"


def test_aio_contexts_of_both_kinds():
    imported, profile = read({"client_id": "a", "client_secrets": ["s"], "ims_org_id": ORG,
                              "technical_account_id": TECH, "technical_account_email": EMAIL,
                              "scopes": ["AdobeID"]})
    assert profile.auth_type == "oauth-s2s" and profile.scopes == ["AdobeID"]
    imported, profile = read({"client_id": "a", "client_secret": "s", "ims_org_id": ORG,
                              "technical_account_id": TECH, "meta_scopes": ["ent_reactor_sdk"],
                              "private_key": "-----BEGIN PRIVATE KEY-----\n...", "passphrase": "pw"})
    assert profile.auth_type == "jwt" and profile.metascopes == ["ent_reactor_sdk"]
    assert set(imported.secrets) == {"client_secret", "private_key", "key_passphrase"}


@pytest.mark.parametrize("text, words", [
    ("not json", "not JSON"),
    ("[1, 2]", "JSON list, not an object"),
    ('{"hello": 1}', "shape is unknown (keys: hello)"),
    ('{"API_KEY": "k", "ORG_ID": "x@AdobeOrg"}', "API key credential"),
    ('{"CLIENT_ID": "c", "REDIRECT_URI": "https://x"}', "an OAuth Single-Page App"),
    (json.dumps(workspace({"name": "Key", "integration_type": "apikey"})), "no OAuth Server-to-Server"),
    (json.dumps(workspace()), "no OAuth Server-to-Server or JWT credential (no credentials)"),
], ids=["not-json", "list", "unknown", "api-key", "oauth-app", "only-api-key", "empty-workspace"])
def test_files_it_cannot_use_say_what_was_found(text, words):
    with pytest.raises(FormatError, match=re.escape(words)) as exc:
        read_credentials(text)
    assert exc.value.fix and exc.value.exit_code == 2


def test_a_named_credential_that_is_not_there():
    with pytest.raises(FormatError, match=r"no usable credential named 'Nope' \(usable: Server\)"):
        read_credentials(json.dumps(workspace(s2s_credential())), credential="Nope")


@pytest.mark.parametrize("change, words", [
    ({"ORG_ID": "not-an-org"}, "organization ID must end in @AdobeOrg"),
    ({"ORG_ID": ""}, "no organization ID"),
    ({"CLIENT_ID": ""}, "no client ID"),
    ({"SCOPES": 5}, "scopes must be a list"),
])
def test_bad_values_in_a_download_are_named(change, words):
    with pytest.raises(FormatError, match=words):
        read(S2S_DOWNLOAD | change)


@pytest.mark.parametrize("secret, words", [
    ("p8e-a b", "must not contain spaces or line breaks"),
    ("p8e-a\x1b[2Jb", "control character"),
])
def test_a_client_secret_in_a_file_is_held_to_the_rule_a_typed_one_is(secret, words):
    """A download's secret with a space or an escape sequence inside was saved as it was; the
    message never quotes it."""
    with pytest.raises(FormatError, match=words) as refused:
        read(S2S_DOWNLOAD | {"CLIENT_SECRETS": [secret]})
    assert "p8e" not in str(refused.value) and "the client secret in the file" in str(refused.value)
    imported, _ = read(S2S_DOWNLOAD | {"CLIENT_SECRETS": ["  p8e-fine\n"]})
    assert imported.secrets["client_secret"] == "p8e-fine"  # the blanks a copy takes, dropped


def test_an_org_id_in_lower_case_is_taken_as_the_console_spells_it():
    _, profile = read(S2S_DOWNLOAD | {"ORG_ID": ORG.replace("AdobeOrg", "adobeorg")})
    assert profile.org_id == ORG


S2S = Profile(name="ci", org_id=ORG, client_id="cid", scopes=["AdobeID", "openid"],
              technical_account_id=TECH, technical_account_email=EMAIL,
              ims_url="http://127.0.0.1:8765", reactor_url="http://127.0.0.1:8765/reactor")
JWT = Profile(name="old", auth_type="jwt", org_id=ORG, client_id="jid", technical_account_id=TECH,
              metascopes=["ent_reactor_sdk"])
KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----\n"


@pytest.mark.parametrize("profile, secrets", [(S2S, {"client_secret": "p8e-x"}),
                                              (JWT, {"client_secret": "s", "private_key": KEY})],
                         ids=["s2s", "jwt"])
def test_aio_and_json_exports_read_back_to_the_same_profile(profile, secrets):
    for writer in (to_aio, to_json):
        imported = read_credentials(writer(profile, secrets))
        again = profile_from(imported, Profile(name=profile.name))
        for name in ("auth_type", "org_id", "client_id", "technical_account_id", "scopes",
                     "metascopes"):
            if (name == "scopes" and profile.is_jwt) or (name == "metascopes" and not profile.is_jwt):
                continue
            assert getattr(again, name) == getattr(profile, name), (writer.__name__, name)
        assert imported.secrets == secrets, writer.__name__


def test_aio_context_has_what_aio_lib_ims_requires():
    s2s = json.loads(to_aio(S2S, {"client_secret": "s"}))
    for key in ("client_id", "client_secrets", "technical_account_email", "technical_account_id",
                "scopes", "ims_org_id"):
        assert key in s2s
    assert isinstance(s2s["client_secrets"], list) and isinstance(s2s["scopes"], list)
    jwt = json.loads(to_aio(JWT, {"client_secret": "s", "private_key": KEY}))
    for key in ("client_id", "client_secret", "technical_account_id", "meta_scopes", "ims_org_id",
                "private_key"):
        assert key in jwt
    assert isinstance(jwt["meta_scopes"], list)


def test_without_secrets_placeholders_never_come_back_as_secrets():
    text = to_json(S2S, {})
    assert "p8e" not in text
    assert read_credentials(text).secrets == {}
    assert PLACEHOLDER in to_postman(S2S, {}) and "with-secrets" in to_postman(S2S, {})
    env = to_env(S2S, {})
    assert "LAUNCH_WIZARD_CLIENT_SECRET=" in env and "\n# LAUNCH_WIZARD_CLIENT_SECRET=" in env


def test_postman_environment_uses_adobes_variable_names():
    env = json.loads(to_postman(S2S.with_changes(company_id="CO1"), {"client_secret": "p8e-x"},
                                access_token="tok"))
    assert env["_postman_variable_scope"] == "environment"
    values = {v["key"]: v for v in env["values"]}
    assert values["API_KEY"]["value"] == "cid" and values["IMS_ORG"]["value"] == ORG
    assert values["IMS"]["value"] == "127.0.0.1:8765"  # a bare host, as Adobe's samples use
    assert values["SCOPES"]["value"] == "AdobeID,openid"
    assert values["CLIENT_SECRET"]["type"] == "secret" and values["ACCESS_TOKEN"]["type"] == "secret"
    assert values["HOST"]["value"] == S2S.reactor_url and values["COMPANY_ID"]["value"] == "CO1"
    assert all(v["enabled"] for v in env["values"])
    jwt = {v["key"] for v in json.loads(to_postman(JWT, {}))["values"]}
    assert {"META_SCOPE", "PRIVATE_KEY", "TECHNICAL_ACCOUNT_ID"} <= jwt and "SCOPES" not in jwt


# --- aio-cli: a context aio-lib-ims would refuse is never written ------------------------------

@pytest.mark.parametrize("profile, secrets, words", [
    (S2S.with_changes(technical_account_id="", technical_account_email=""), {"client_secret": "s"},
     "aio-cli refuses an OAuth Server-to-Server context without its technical account ID and "
     "technical account email"),
    (S2S.with_changes(technical_account_email=""), {"client_secret": "s"},
     "without its technical account email"),
    (JWT.with_changes(technical_account_id=""), {"client_secret": "s", "private_key": KEY},
     "aio-cli refuses a JWT context without its technical account ID"),
    (S2S, {}, "holds the client secret: aio-cli reads them"),
    (JWT, {"client_secret": "s"}, "holds the private key"),
], ids=["s2s-no-account", "s2s-no-email", "jwt-no-account", "s2s-no-secret", "jwt-no-key"])
def test_an_aio_context_aio_would_refuse_is_not_written(profile, secrets, words):
    with pytest.raises(AioContextError, match=re.escape(words)) as exc:
        to_aio(profile, secrets)
    assert exc.value.exit_code == 2
    assert "--with-secrets" in exc.value.fix or "credential's page" in exc.value.fix


def test_an_aio_context_for_the_stage_ims_says_so():
    stage = json.loads(to_aio(S2S.with_changes(ims_url=IMS_STAGE), {"client_secret": "s"}))
    assert stage["env"] == "stage" and "env" not in json.loads(to_aio(S2S, {"client_secret": "s"}))


# --- credentials that sign people in cannot get a token for a script -----------------------------

WEB_APP = {"CLIENT_ID": "web", "CLIENT_SECRET": "p8e-web", "ORG_ID": ORG,
           "REDIRECT_URI": ["https://example.com/callback"],
           "DEFAULT_REDIRECT_URI": "https://example.com/callback"}


@pytest.mark.parametrize("data, kind", [
    (WEB_APP, "an OAuth Web App credential"),
    ({k: v for k, v in WEB_APP.items() if k != "CLIENT_SECRET"}, "an OAuth Single-Page App"),
    ({"CLIENT_ID": "n", "ORG_ID": ORG, "DEFAULT_REDIRECT_URI": "adobe+1a2b://adobeid/n"},
     "an OAuth Native App credential"),
], ids=["web-app", "single-page-app", "native-app"])
def test_a_credential_that_signs_people_in_is_refused_by_its_type(data, kind):
    with pytest.raises(FormatError, match=re.escape(kind)) as exc:
        read_credentials(json.dumps(data))
    assert "no technical account" in exc.value.cause
    assert "Launch needs an OAuth Server-to-Server credential" in exc.value.fix


def test_a_jwt_downloads_metascopes_and_an_old_aio_contexts_techacct_are_read():
    _, profile = read(JWT_DOWNLOAD | {"METASCOPES": "ent_reactor_admin_sdk"})
    assert profile.metascopes == ["ent_reactor_admin_sdk"]
    _, old = read({"client_id": "a", "client_secret": "s", "ims_org_id": ORG, "techacct": TECH,
                   "meta_scopes": ["ent_reactor_sdk"], "private_key": KEY})
    assert old.technical_account_id == TECH and old.auth_type == "jwt"


def test_each_source_reads_with_its_article():
    sources = [read_credentials(json.dumps(d)).source for d in (
        S2S_DOWNLOAD, JWT_DOWNLOAD, {"client_id": "a", "client_secrets": ["s"], "ims_org_id": ORG})]
    sources.append(read_credentials(to_json(S2S, {})).source)
    assert [s.split(" ", 2)[:2] for s in sources] == [
        ["an", "OAuth"], ["a", "Service"], ["an", "aio-cli"], ["a", "launch-wizard"]]
