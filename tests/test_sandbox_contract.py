"""The sandbox against Adobe's contract, over real sockets, with hand-built requests."""

import asyncio
import datetime as dt
import hashlib
import socket
import time

import httpx
import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from tests import sandbox_http
from wizard.core.errors import ConfigError
from wizard.sandbox import Sandbox
from wizard.sandbox.ims import NO_BINDING, NOT_SUBSET, UNDECODABLE
from wizard.sandbox.state import SandboxState

PROD = "https://ims-na1.adobelogin.com"


def create(sb, **spec):
    spec.setdefault("name", "contract")
    spec.setdefault("auth_type", "jwt")
    r = sandbox_http.post(f"{sb.console_url}/integrations", json=spec)
    assert r.status_code == 201, r.text
    return r.json()


def upload(sb, client_id, cert_pem):
    return sandbox_http.post(f"{sb.console_url}/integrations/{client_id}/certificates",
                      json={"certificate": cert_pem})


def claims_for(sb, integ, base=None, metascopes=("ent_reactor_sdk",), **over):
    base = base or sb.ims_url
    claims = {"exp": int(time.time()) + 300, "iss": integ["org_id"],
              "sub": integ["technical_account_id"], "aud": f"{base}/c/{integ['client_id']}"}
    claims.update({f"{base}/s/{m}": True for m in metascopes})
    claims.update(over)
    return claims


def exchange(sb, integ, token, secret=None, path="/ims/exchange/jwt", multipart=False):
    fields = {"client_id": integ["client_id"], "client_secret": secret or integ["client_secret"],
              "jwt_token": token}
    url = f"{sb.ims_url}{path}"
    if multipart:
        return sandbox_http.post(url, files={k: (None, v) for k, v in fields.items()})
    return sandbox_http.post(url, data=fields)


@pytest.fixture
def integ(sandbox, keypair):
    made = create(sandbox)
    assert upload(sandbox, made["client_id"], keypair.cert_path.read_text()).status_code == 201
    return made


def sign(keypair, claims, **kw):
    return jwt.encode(claims, keypair.key, algorithm="RS256", **kw)


def assert_ims_error(response, status, code, description=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == code
    if description:
        assert body["error_description"] == description


@pytest.mark.parametrize("path", ["/ims/exchange/jwt", "/ims/exchange/jwt/"])
@pytest.mark.parametrize("multipart", [False, True], ids=["urlencoded", "multipart"])
def test_jwt_exchange_succeeds_in_every_form(sandbox, integ, keypair, path, multipart):
    r = exchange(sandbox, integ, sign(keypair, claims_for(sandbox, integ)), path=path,
                 multipart=multipart)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 86399999  # milliseconds
    token = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert token["type"] == "access_token" and token["as"] == "ims-na1"
    assert token["client_id"] == integ["client_id"]
    assert token["user_id"] == integ["technical_account_id"]
    assert int(token["expires_in"]) == 86399999 and int(token["created_at"]) > 1.7e12


def test_production_audience_is_accepted(sandbox, integ, keypair):
    claims = claims_for(sandbox, integ, base=PROD)
    assert exchange(sandbox, integ, sign(keypair, claims)).status_code == 200


def test_unknown_client_and_wrong_secret(sandbox, integ, keypair):
    token = sign(keypair, claims_for(sandbox, integ))
    assert_ims_error(exchange(sandbox, dict(integ, client_id="nope"), token), 400, "invalid_client")
    assert_ims_error(exchange(sandbox, integ, token, secret="wrong"), 401, "invalid_client",
                     "invalid client_secret parameter")


def _padded(token: str, part: int) -> str:
    """The token with base64 padding put back on one part (JWS forbids it)."""
    parts = token.split(".")
    parts[part] += "=" * (-len(parts[part]) % 4 or 4)
    return ".".join(parts)


def _standard_alphabet(token: str) -> str:
    """The token with a character of standard base64 (+) where base64url has only - and _."""
    return token[:-2] + "+" + token[-1]


@pytest.mark.parametrize("make, status, code, description", [
    (lambda sb, i, k: "not-a-jwt", 400, "invalid_token", UNDECODABLE),
    (lambda sb, i, k: "a.b.c", 400, "invalid_token", UNDECODABLE),
    (lambda sb, i, k: sign(k, claims_for(sb, i, exp="1999")), 400, "invalid_token", UNDECODABLE),
    (lambda sb, i, k: sign(k, claims_for(sb, i, exp=time.time() + 300.5)), 400, "invalid_token",
     UNDECODABLE),
    (lambda sb, i, k: sign(k, claims_for(sb, i, exp=int(time.time()) - 5)), 400, "invalid_token",
     UNDECODABLE),
    (lambda sb, i, k: jwt.encode(claims_for(sb, i), "s" * 32, algorithm="HS256"), 400,
     "invalid_token", None),
    (lambda sb, i, k: sign(k, claims_for(sb, i, aud=f"{sb.ims_url}/c/other")), 400,
     "invalid_client", None),
    (lambda sb, i, k: sign(k, claims_for(sb, i, iss="0000@AdobeOrg")), 400, "bad_request", None),
    (lambda sb, i, k: sign(k, claims_for(sb, i, iss="no-suffix")), 400, "bad_request", None),
    (lambda sb, i, k: sign(k, claims_for(sb, i, sub="x@techacct.adobe.com")), 400, "bad_request",
     None),
    (lambda sb, i, k: sign(k, claims_for(sb, i, metascopes=["ent_reactor_admin_sdk"])), 400,
     "invalid_scope", NOT_SUBSET),
    (lambda sb, i, k: sign(k, claims_for(sb, i, metascopes=[])), 400, "invalid_scope", NOT_SUBSET),
    (lambda sb, i, k: _padded(sign(k, claims_for(sb, i)), 0), 400, "invalid_token", UNDECODABLE),
    (lambda sb, i, k: _padded(sign(k, claims_for(sb, i)), 2), 400, "invalid_token", UNDECODABLE),
    (lambda sb, i, k: _standard_alphabet(sign(k, claims_for(sb, i))), 400, "invalid_token",
     UNDECODABLE),
    (lambda sb, i, k: " " + sign(k, claims_for(sb, i)), 400, "invalid_token", UNDECODABLE),
], ids=["garbage", "three-dots", "exp-string", "exp-float", "expired", "hs256",
        "aud", "iss", "iss-malformed", "sub", "metascope", "no-metascope", "padded-header",
        "padded-signature", "plus-slash", "leading-space"])
def test_each_jwt_check_answers_like_adobe(sandbox, integ, keypair, make, status, code, description):
    assert_ims_error(exchange(sandbox, integ, make(sandbox, integ, keypair)), status, code,
                     description)


def test_an_exp_more_than_a_day_ahead_is_accepted_as_adobe_accepts_it(sandbox, integ, keypair):
    """Adobe's Postman JWT sample signs with exp = now + 87,000 s; Adobe documents no upper bound."""
    token = sign(keypair, claims_for(sandbox, integ, exp=int(time.time()) + 87_000))
    r = exchange(sandbox, integ, token)
    assert r.status_code == 200, r.text
    assert r.json()["expires_in"] == 86399999


def test_signature_must_match_an_uploaded_valid_certificate(fresh_sandbox, keypair, other_keypair):
    sb = fresh_sandbox
    integ = create(sb)
    token = sign(other_keypair, claims_for(sb, integ))
    assert_ims_error(exchange(sb, integ, token), 400, "invalid_token", NO_BINDING)
    # several certificates per integration, as Adobe allows: either key works
    assert upload(sb, integ["client_id"], keypair.cert_path.read_text()).status_code == 201
    assert upload(sb, integ["client_id"], other_keypair.cert_path.read_text()).status_code == 201
    assert exchange(sb, integ, token).status_code == 200
    listed = sandbox_http.get(f"{sb.console_url}/integrations/{integ['client_id']}/certificates").json()
    assert len(listed["certificates"]) == 2
    # rotation: remove one certificate and its key stops working
    fp = hashlib.sha1(other_keypair.cert.public_bytes(serialization.Encoding.DER)).hexdigest()
    r = sandbox_http.delete(f"{sb.console_url}/integrations/{integ['client_id']}/certificates/{fp}")
    assert r.status_code == 204
    assert_ims_error(exchange(sb, integ, token), 400, "invalid_token", NO_BINDING)
    # a certificate past its expiry no longer binds (the clock moves 366 days on)
    token = sign(keypair, claims_for(sb, integ, exp=int(time.time()) + 366 * 86400 + 300))
    sandbox_http.post(f"{sb.console_url}/clock", json={"offset_s": 366 * 86400})
    assert_ims_error(exchange(sb, integ, token), 400, "invalid_token", NO_BINDING)


def test_client_credentials_all_versions(sandbox):
    integ = create(sandbox, auth_type="oauth-s2s")
    for version in ("v2", "v3", "v4"):
        r = sandbox_http.post(f"{sandbox.ims_url}/ims/token/{version}", data={
            "grant_type": "client_credentials", "client_id": integ["client_id"],
            "client_secret": integ["client_secret"], "scope": "openid,AdobeID"})
        assert r.status_code == 200, r.text
        assert r.json()["expires_in"] == 86399  # seconds here
        assert r.json()["token_type"] == "bearer"


def test_client_credentials_errors(sandbox):
    integ = create(sandbox, auth_type="oauth-s2s")
    jwt_integ = create(sandbox)
    url = f"{sandbox.ims_url}/ims/token/v3"
    base = {"grant_type": "client_credentials", "client_id": integ["client_id"],
            "client_secret": integ["client_secret"]}
    assert_ims_error(sandbox_http.post(url, data=dict(base, grant_type="password")), 400,
                     "unsupported_grant_type")
    assert_ims_error(sandbox_http.post(url, data=dict(base, client_secret="x")), 401, "invalid_client",
                     "invalid client_secret parameter")
    assert_ims_error(sandbox_http.post(url, data=dict(base, client_id="nope")), 400, "invalid_client")
    assert_ims_error(sandbox_http.post(url, data=dict(base, scope="openid,write_everything")), 400,
                     "invalid_scope")
    assert_ims_error(sandbox_http.post(url, data=dict(base, client_id=jwt_integ["client_id"],
                                               client_secret=jwt_integ["client_secret"])),
                     400, "unauthorized_client")


def s2s_token(sb, **spec):
    integ = create(sb, auth_type="oauth-s2s", **spec)
    r = sandbox_http.post(f"{sb.ims_url}/ims/token/v3", data={
        "grant_type": "client_credentials", "client_id": integ["client_id"],
        "client_secret": integ["client_secret"]})
    return integ, r.json()["access_token"]


def reactor_headers(integ, token):
    return {"Authorization": f"Bearer {token}", "x-api-key": integ["client_id"],
            "x-gw-ims-org-id": integ["org_id"], "Accept": "application/vnd.api+json;revision=1",
            "Content-Type": "application/vnd.api+json"}


def test_companies_and_profile_shapes(sandbox):
    integ, token = s2s_token(sandbox, role="Approver")
    r = sandbox_http.get(f"{sandbox.reactor_url}/companies", headers=reactor_headers(integ, token))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.api+json")
    company = r.json()["data"][0]
    assert company["type"] == "companies" and company["id"].startswith("CO")
    assert company["attributes"]["org_id"] == integ["org_id"]
    assert {"name", "created_at", "updated_at"} <= set(company["attributes"])
    assert company["meta"]["rights"] == ["develop", "approve"]
    assert r.json()["meta"]["pagination"]["total_count"] == 1
    r = sandbox_http.get(f"{sandbox.reactor_url}/profile", headers=reactor_headers(integ, token))
    assert r.json()["data"]["type"] == "users"
    assert integ["org_id"] in r.json()["data"]["attributes"]["organizations"]


@pytest.mark.parametrize("change, status, key, value", [
    ({"Authorization": None}, 401, "error_code", "401013"),
    ({"Authorization": "Bearer garbage"}, 401, "error_code", "401013"),
    ({"Authorization": "Basic abc"}, 401, "error_code", "401013"),
    ({"x-api-key": None}, 403, "error_code", "403003"),
    ({"x-api-key": "someone-else"}, 403, "error_code", "403003"),
    ({"x-gw-ims-org-id": "0000@AdobeOrg"}, 403, "code", "invalid-org"),
    ({"Accept": "application/json"}, 406, "code", "not-acceptable"),
])
def test_reactor_gateway_checks(sandbox, change, status, key, value):
    integ, token = s2s_token(sandbox)
    headers = {k: v for k, v in {**reactor_headers(integ, token), **change}.items() if v}
    r = sandbox_http.get(f"{sandbox.reactor_url}/companies", headers=headers)
    assert r.status_code == status
    body = r.json()
    assert (body[key] if key == "error_code" else body["errors"][0][key]) == value
    if key == "error_code":
        assert body["message"] in ("Oauth token is not valid", "Api Key is invalid")


def test_unknown_reactor_path_is_jsonapi_404(sandbox):
    r = sandbox_http.get(f"{sandbox.reactor_url}/rules/RL123")
    assert r.status_code == 404 and r.json()["errors"][0]["code"] == "not-found"


def test_token_stops_working_when_the_clock_passes_its_expiry(fresh_sandbox):
    integ, token = s2s_token(fresh_sandbox)
    url, headers = f"{fresh_sandbox.reactor_url}/companies", reactor_headers(integ, token)
    assert sandbox_http.get(url, headers=headers).status_code == 200
    claims = jwt.decode(token, options={"verify_signature": False})
    expires_at = (int(claims["created_at"]) + int(claims["expires_in"])) / 1000
    assert expires_at - time.time() > 86000  # a day, as Adobe's

    def clock_at(moment: float) -> None:  # the offset that puts the sandbox's clock there now
        sandbox_http.post(f"{fresh_sandbox.console_url}/clock", json={"offset_s": moment - time.time()})

    clock_at(expires_at - 30)  # the margin is the time to the next request, not the whole test's
    assert sandbox_http.get(url, headers=headers).status_code == 200
    clock_at(expires_at)
    r = sandbox_http.get(url, headers=headers)
    assert r.status_code == 401 and r.json()["error_code"] == "401013"


def test_a_token_works_only_at_its_own_sandbox_even_one_with_the_same_signing_key(fresh_sandbox):
    """Fresh sandboxes share their signing key (tests/conftest.py): a token from one is still
    refused by another, which holds no integration of that client ID."""
    integ, token = s2s_token(fresh_sandbox)
    headers = reactor_headers(integ, token)
    assert sandbox_http.get(f"{fresh_sandbox.reactor_url}/companies", headers=headers).status_code == 200
    with Sandbox() as other:
        other.state._signing_key = fresh_sandbox.state.signing_key
        assert sandbox_http.get(f"{other.reactor_url}/companies", headers=headers).status_code == 401


def test_deleting_the_integration_revokes_its_tokens(sandbox):
    integ, token = s2s_token(sandbox)
    assert sandbox_http.delete(f"{sandbox.console_url}/integrations/{integ['client_id']}").status_code == 204
    r = sandbox_http.get(f"{sandbox.reactor_url}/companies", headers=reactor_headers(integ, token))
    assert r.status_code == 401
    assert sandbox_http.get(f"{sandbox.console_url}/integrations/{integ['client_id']}").status_code == 404


def test_created_integrations_look_like_adobes(sandbox):
    import re

    made = create(sandbox, role="IT Admin")
    assert re.fullmatch(r"[0-9A-F]{24}@AdobeOrg", made["org_id"])
    assert re.fullmatch(r"[0-9a-f]{32}", made["client_id"])
    assert re.fullmatch(r"[0-9A-F]{24}@techacct\.adobe\.com", made["technical_account_id"])
    assert made["metascopes"] == ["ent_reactor_it_admin_sdk"]
    assert create(sandbox)["metascopes"] == ["ent_reactor_sdk"]
    s2s = create(sandbox, auth_type="oauth-s2s")
    assert "AdobeID" in s2s["scopes"] and s2s["metascopes"] == []


@pytest.mark.parametrize("body, message", [
    ({"auth_type": "jwt"}, "'name' is required"),
    ({"name": "x", "auth_type": "saml"}, "'auth_type' must be"),
    ({"name": "x", "auth_type": "jwt", "role": "Owner"}, "unknown role"),
    ({"name": "x", "auth_type": "jwt", "rights": ["fly"]}, "unknown rights"),
    ({"name": "x", "auth_type": "jwt", "metascopes": 5}, "must be a list of strings"),
    ([1, 2], "must be a JSON object"),
])
def test_console_refuses_bad_integrations(sandbox, body, message):
    r = sandbox_http.post(f"{sandbox.console_url}/integrations", json=body)
    assert r.status_code == 400 and message in r.json()["message"]
    r = sandbox_http.post(f"{sandbox.console_url}/integrations", content=b"{not json",
                   headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "must be JSON" in r.json()["message"]


def _cert_pem(key, days=30, start=None):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "t")])
    start = start or dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(7).not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=days)).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.mark.parametrize("make, message", [
    (lambda kp: "hello", "not a PEM certificate"),
    (lambda kp: kp.key_path.read_text(), "not a PEM certificate"),
    (lambda kp: kp.cert_path.read_text()[:300], "cannot be decoded"),
    (lambda kp: _cert_pem(ec.generate_private_key(ec.SECP256R1())), "not RSA"),
    (lambda kp: _cert_pem(rsa.generate_private_key(65537, 1024)), "1024 bits"),
    (lambda kp: _cert_pem(kp.key, days=1, start=dt.datetime.now(dt.UTC)
                          - dt.timedelta(days=5)), "expired"),
    (lambda kp: None, "not a PEM certificate"),
], ids=["text", "private-key", "truncated", "ec", "rsa1024", "expired", "missing"])
def test_console_refuses_bad_certificates(sandbox, keypair, make, message):
    made = create(sandbox)
    r = upload(sandbox, made["client_id"], make(keypair))
    assert r.status_code == 400 and message in r.json()["message"]


def test_console_unknown_integration_is_404(sandbox, keypair):
    assert upload(sandbox, "nope", keypair.cert_path.read_text()).status_code == 404
    made = create(sandbox)
    r = sandbox_http.delete(f"{sandbox.console_url}/integrations/{made['client_id']}/certificates/abc")
    assert r.status_code == 404
    assert upload(sandbox, made["client_id"], keypair.cert_path.read_text()).status_code == 201
    assert upload(sandbox, made["client_id"], keypair.cert_path.read_text()).status_code == 200


def test_faults_fail_then_recover(fresh_sandbox, monkeypatch):
    from types import SimpleNamespace

    from wizard.sandbox import server

    slept: list[float] = []  # the delays the sandbox waited out, each once it was over

    async def sleep(seconds: float) -> None:
        await asyncio.sleep(seconds)
        slept.append(seconds)

    monkeypatch.setattr(server, "asyncio", SimpleNamespace(sleep=sleep))
    sb = fresh_sandbox
    url = f"{sb.reactor_url}/companies"
    assert sandbox_http.post(f"{sb.console_url}/faults", json={
        "path": "/reactor/companies", "status": 503, "body": "<html>down</html>", "times": 2,
    }).status_code == 201
    for _ in range(2):
        r = sandbox_http.get(url)
        assert r.status_code == 503 and r.headers["content-type"].startswith("text/html")
    assert sandbox_http.get(url).status_code == 401  # back to the real handler
    sandbox_http.post(f"{sb.console_url}/faults", json={"path": "/ims/token/v3", "status": 429})
    r = sandbox_http.post(f"{sb.ims_url}/ims/token/v3")
    assert r.status_code == 429 and r.headers["retry-after"] == "1"
    sandbox_http.post(f"{sb.console_url}/faults", json={"path": "/ims/token/v3", "status": 200,
                                                  "body": '{"access_tok', "content_type": "application/json"})
    assert sandbox_http.post(f"{sb.ims_url}/ims/token/v3").text == '{"access_tok'
    sandbox_http.post(f"{sb.console_url}/faults", json={"path": "/reactor/companies", "delay_s": 0.3})
    assert slept == []
    assert sandbox_http.get(url).status_code == 401
    assert slept == [0.3]  # waited out before the answer


@pytest.mark.parametrize("body, message", [
    ({"status": 500}, "'path' is required"),
    ({"path": "/x", "status": 99}, "HTTP status"),
    ({"path": "/x", "delay_s": -1}, "'delay_s'"),
    ({"path": "/x", "times": 0}, "'times'"),
    ({"path": "/x", "body": "b"}, "needs a 'status'"),
    ({"path": "/x", "status": True}, "HTTP status"),  # JSON true is not a number
    ({"path": "/x", "times": True}, "'times'"),
    ({"path": "/x", "times": 1.5}, "'times'"),
    ({"path": "/x", "delay_s": False}, "'delay_s'"),
])
def test_fault_hook_bad_inputs(sandbox, body, message):
    r = sandbox_http.post(f"{sandbox.console_url}/faults", json=body)
    assert r.status_code == 400 and message in r.json()["message"]


def test_clock_bad_input(sandbox):
    r = sandbox_http.post(f"{sandbox.console_url}/clock", json={"offset_s": "soon"})
    assert r.status_code == 400


def test_state_file_keeps_integrations_across_restarts(tmp_path, keypair):
    state = tmp_path / "sandbox.json"
    with Sandbox(state_file=state) as sb:
        made = create(sb)
        upload(sb, made["client_id"], keypair.cert_path.read_text())
    assert oct(state.stat().st_mode)[-3:] == "600"
    with Sandbox(state_file=state) as sb:
        r = sandbox_http.get(f"{sb.console_url}/integrations/{made['client_id']}")
        assert r.status_code == 200 and len(r.json()["certificates"]) == 1
        assert exchange(sb, made, sign(keypair, claims_for(sb, made))).status_code == 200
    state.write_text("{broken")
    with pytest.raises(ConfigError, match="cannot be read"):
        SandboxState(state)
    sb = Sandbox(state_file=state)  # takes its port only: the file is read when first needed
    with pytest.raises(ConfigError, match="cannot be read"):
        sb.start()
    sb.close()


def test_binds_loopback_only():
    with pytest.raises(ValueError, match="this machine only"):
        Sandbox(host="0.0.0.0")


def test_connections_answer_without_waiting_for_an_ack(sandbox):
    """Nagle's algorithm is off on every connection (asyncio turns it off only on sockets made as
    TCP ones): else each answer after the first on a kept-alive connection waits ~40 ms."""
    with httpx.Client() as client:
        for _ in range(2):
            client.get(f"{sandbox.console_url}/integrations")
        served = [c.transport.get_extra_info("socket")
                  for c in sandbox._server.server_state.connections]
        assert served
        assert all(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for s in served)


def test_load_200_concurrent_exchanges(sandbox, integ, keypair):
    tokens = [sign(keypair, claims_for(sandbox, integ, jti=str(i))) for i in range(200)]

    async def exchange(token: str) -> httpx.Response:
        # a client each: one pool of 200 connections costs its owner seconds of CPU (httpcore
        # scans the whole pool for each request); plain http, so no TLS context either
        async with httpx.AsyncClient(timeout=60, verify=False) as client:
            return await client.post(f"{sandbox.ims_url}/ims/exchange/jwt", data={
                "client_id": integ["client_id"], "client_secret": integ["client_secret"],
                "jwt_token": token})

    async def run():
        return await asyncio.gather(*(exchange(t) for t in tokens))

    responses = asyncio.run(asyncio.wait_for(run(), 60))  # all answered, none left hanging
    assert [r.status_code for r in responses] == [200] * 200


def _client_credentials(sb, integ, secret, where="form"):
    params = {"grant_type": "client_credentials", "client_id": integ["client_id"],
              "client_secret": secret}
    if where == "query":  # as Adobe's Postman sample sends them
        return sandbox_http.post(f"{sb.ims_url}/ims/token/v2", params=params)
    return sandbox_http.post(f"{sb.ims_url}/ims/token/v3", data=params)


def test_token_parameters_in_the_query_string_work_too(sandbox):
    integ = create(sandbox, auth_type="oauth-s2s")
    assert _client_credentials(sandbox, integ, integ["client_secret"], "query").status_code == 200
    assert _client_credentials(sandbox, integ, "wrong", "query").status_code == 401


def test_the_migration_button_adds_server_to_server_and_both_work(sandbox, keypair, integ):
    assert _client_credentials(sandbox, integ, integ["client_secret"]).status_code == 400
    r = sandbox_http.post(f"{sandbox.console_url}/integrations/{integ['client_id']}/migrate")
    assert r.status_code == 200 and r.json()["migrated"] is True
    assert _client_credentials(sandbox, integ, integ["client_secret"]).status_code == 200
    jwt_answer = exchange(sandbox, integ, sign(keypair, claims_for(sandbox, integ)))
    assert jwt_answer.status_code == 200  # JWT still works until it is deleted
    s2s = create(sandbox, auth_type="oauth-s2s")
    refused = sandbox_http.post(f"{sandbox.console_url}/integrations/{s2s['client_id']}/migrate")
    assert refused.status_code == 400 and "only a JWT" in refused.json()["message"]


def test_several_client_secrets_while_one_is_rotated(sandbox):
    integ = create(sandbox, auth_type="oauth-s2s")
    base = f"{sandbox.console_url}/integrations/{integ['client_id']}"
    added = sandbox_http.post(f"{base}/secrets")
    assert added.status_code == 201
    new = added.json()["secret"]
    for secret in (integ["client_secret"], new):
        assert _client_credentials(sandbox, integ, secret).status_code == 200
    held = sandbox_http.get(base).json()["client_secrets"]
    old_id = next(s["id"] for s in held if s["secret"] == integ["client_secret"])
    assert sandbox_http.delete(f"{base}/secrets/{old_id}").status_code == 204
    assert _client_credentials(sandbox, integ, integ["client_secret"]).status_code == 401
    assert _client_credentials(sandbox, integ, new).status_code == 200
    last = sandbox_http.delete(f"{base}/secrets/{added.json()['id']}")
    assert last.status_code == 400 and "at least one client secret" in last.json()["message"]
    assert sandbox_http.delete(f"{base}/secrets/nope").status_code == 404


def test_the_console_client_says_whether_there_was_something_to_delete(sandbox, keypair):
    from wizard.core.console import Done, PersonDoes, SandboxConsole
    from wizard.core.errors import RefusedError

    console = SandboxConsole(sandbox.console_url)
    made = console.create("deletes", "jwt").value
    uploaded = console.upload(made.client_id, keypair.cert_path.read_text()).value
    assert console.remove_certificate(made.client_id, uploaded.fingerprint_sha1) == Done(None)
    gone = console.remove_certificate(made.client_id, uploaded.fingerprint_sha1)
    assert isinstance(gone, PersonDoes)  # not the sandbox's to delete: a person deletes it where it is
    added = console.add_secret(made.client_id).value
    assert console.remove_secret(made.client_id, added.uuid) == Done(None)
    with pytest.raises(RefusedError, match="has no client secret") as refused:
        console.remove_secret(made.client_id, added.uuid)
    assert refused.value.status == 404
