"""The token engine against the sandbox over real sockets: exchange, errors, discovery, cache."""

import time
from pathlib import Path

import httpx
import jwt
import pytest

from tests.conftest import jwt_profile
from wizard.core import tokens
from wizard.core.console import SandboxConsole
from wizard.core.errors import ConfigError, IMSError, KeyFileError
from wizard.core.ims import JWT_HEADER, jwt_claims, sign_jwt
from wizard.core.keys import fingerprint_sha1, load_certificate
from wizard.core.reactor import Reactor


def test_jwt_claims_are_the_contracts():
    claims = jwt_claims(org_id="O@AdobeOrg", technical_account_id="T@techacct.adobe.com",
                        client_id="cid", ims_url="https://ims-na1.adobelogin.com/",
                        metascopes=["ent_reactor_sdk", "x"], now=1000)
    assert claims == {
        "exp": 1300, "iss": "O@AdobeOrg", "sub": "T@techacct.adobe.com",
        "aud": "https://ims-na1.adobelogin.com/c/cid",
        "https://ims-na1.adobelogin.com/s/ent_reactor_sdk": True,
        "https://ims-na1.adobelogin.com/s/x": True,
    }


def test_signed_jwt_is_rs256_and_verifies_with_pyjwt(keypair, other_keypair):
    claims = {"exp": 2_000_000_000, "iss": "O@AdobeOrg", "https://x/s/ent_reactor_sdk": True}
    token = sign_jwt(claims, keypair.key)
    assert jwt.get_unverified_header(token) == JWT_HEADER
    assert jwt.decode(token, keypair.key.public_key(), algorithms=["RS256"]) == claims
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, other_keypair.key.public_key(), algorithms=["RS256"])


def test_the_hand_written_jws_is_pyjwts_byte_for_byte(keypair):
    """RS256 (PKCS#1 v1.5) is deterministic: the same claims and key give the same token."""
    claims = jwt_claims(org_id="O@AdobeOrg", technical_account_id="T@techacct.adobe.com",
                        client_id="c", ims_url="https://ims-na1.adobelogin.com",
                        metascopes=["ent_reactor_sdk"], now=1_700_000_000)
    assert sign_jwt(claims, keypair.key) == jwt.encode(claims, keypair.key, algorithm="RS256")


def test_jwt_flow_end_to_end(jwt_setup):
    creds, profile, store = jwt_setup
    result = tokens.get_token(profile, store)
    assert result.source == "exchange"
    assert 86390 < result.token.seconds_left() < 86401  # milliseconds read as ms
    assert result.profile.metascopes == ["ent_reactor_sdk"] and result.profile_changed
    companies = Reactor(profile.reactor_url, result.token.access_token,
                              profile.client_id, profile.org_id).companies()
    assert len(companies) == 1 and companies[0].org_id == creds.org_id
    assert "develop" in companies[0].rights


def test_s2s_flow_end_to_end(s2s_setup):
    creds, profile, store = s2s_setup
    result = tokens.get_token(profile, store)
    assert 86390 < result.token.seconds_left() < 86400  # seconds read as seconds
    assert Reactor(profile.reactor_url, result.token.access_token, profile.client_id,
                         profile.org_id).companies()[0].org_id == creds.org_id


def test_the_cache_is_reused_then_refreshed(jwt_setup, monkeypatch):
    _, profile, store = jwt_setup
    first = tokens.get_token(profile, store)
    profile = first.profile
    again = tokens.get_token(profile, store)
    assert again.source == "cache" and again.token.access_token == first.token.access_token
    forced = tokens.get_token(profile, store, refresh=True)
    assert forced.source == "exchange" and forced.token.access_token != first.token.access_token
    # with 10 minutes or less left, the cache is not used
    tokens.remember(profile, store, tokens.Token("old", time.time() + 599))
    assert tokens.get_token(profile, store).source == "exchange"
    tokens.remember(profile, store, tokens.Token("old", time.time() + 700))
    assert tokens.get_token(profile, store).token.access_token == "old"
    # a token cached for another client ID is not handed out
    assert tokens.cached(profile.with_changes(client_id="other"), store) is None


def test_corrupt_cache_entry_is_ignored(jwt_setup):
    _, profile, store = jwt_setup
    store.set(profile.name, "token", "{not json")
    assert tokens.cached(profile, store) is None


def test_metascope_discovery_moves_on_only_on_invalid_scope(sandbox, keypair, memory_store):
    console = SandboxConsole(sandbox.console_url)
    creds = console.create("legacy", "jwt", "Extension Developer").value
    console.upload(creds.client_id, keypair.cert_path.read_text())
    profile = jwt_profile(sandbox, creds, keypair)
    memory_store.set(profile.name, "client_secret", creds.client_secret)
    memory_store.set(profile.name, "private_key", keypair.key_path.read_text())
    result = tokens.exchange(profile, memory_store)
    assert result.profile.metascopes == ["ent_reactor_extension_developer_sdk"]
    assert "saved in the profile" in result.notes[0]
    # with the profile's role, that role's metascope is tried right after ent_reactor_sdk
    order = tokens.metascope_candidates(profile.with_changes(role="Approver"))
    assert [c[0] for c in order[:2]] == ["ent_reactor_sdk", "ent_reactor_approver_sdk"]
    assert len(order) == 7
    # a configured metascope is used alone: no discovery, the error comes back as is
    wrong = profile.with_changes(metascopes=["ent_reactor_admin_sdk"])
    with pytest.raises(IMSError) as exc:
        tokens.exchange(wrong, memory_store)
    assert exc.value.code == "invalid_scope" and "metascope" in exc.value.fix


def test_discovery_that_finds_nothing_says_so(sandbox, keypair, memory_store, monkeypatch):
    creds = SandboxConsole(sandbox.console_url).create("x", "jwt").value
    sandbox.state.get(creds.client_id).metascopes = ["ent_something_else"]
    SandboxConsole(sandbox.console_url).upload(creds.client_id,
                                                           keypair.cert_path.read_text())
    profile = jwt_profile(sandbox, creds, keypair)
    memory_store.set(profile.name, "client_secret", creds.client_secret)
    memory_store.set(profile.name, "private_key", keypair.key_path.read_text())
    with pytest.raises(IMSError, match="accepted none of the Launch metascopes") as exc:
        tokens.exchange(profile, memory_store)
    assert "Experience Platform Launch API" in exc.value.fix


def test_wrong_key_names_the_certificate_and_fingerprint(jwt_setup, other_keypair):
    _, profile, store = jwt_setup
    store.set(profile.name, "private_key", other_keypair.key_path.read_text())
    with pytest.raises(IMSError) as exc:
        tokens.exchange(profile, store)
    err = exc.value
    assert err.code == "invalid_token" and "Could not match JWT signature" in err.cause
    assert "does not belong to any certificate uploaded" in err.fix
    assert fingerprint_sha1(load_certificate(Path(profile.certificate_path).read_text())) in err.fix
    assert "does NOT match that certificate" in err.fix
    assert err.exit_code == 3


def test_wrong_secret_and_unknown_client(jwt_setup):
    _, profile, store = jwt_setup
    store.set(profile.name, "client_secret", "wrong")
    with pytest.raises(IMSError, match="invalid client_secret parameter") as exc:
        tokens.exchange(profile, store)
    assert exc.value.status == 401 and "--client-secret-stdin" in exc.value.fix
    with pytest.raises(IMSError) as exc:
        tokens.exchange(profile.with_changes(client_id="unknown"), store)
    assert exc.value.code == "invalid_client" and "client ID (API key)" in exc.value.fix


def test_wrong_org_or_account_is_bad_request(jwt_setup):
    _, profile, store = jwt_setup
    with pytest.raises(IMSError) as exc:
        tokens.exchange(profile.with_changes(org_id="0000@AdobeOrg"), store)
    assert exc.value.code == "bad_request" and "organization ID" in exc.value.fix


def test_missing_pieces_are_config_errors(jwt_setup):
    _, profile, store = jwt_setup
    store.delete(profile.name, "client_secret")
    with pytest.raises(ConfigError, match="has no client secret"):
        tokens.exchange(profile, store)
    store.set(profile.name, "client_secret", "x")
    store.delete(profile.name, "private_key")
    no_key = profile.with_changes(private_key_path="")
    with pytest.raises(ConfigError, match="has no private key"):
        tokens.exchange(no_key, store)
    with pytest.raises(ConfigError, match="missing: organization ID"):
        tokens.exchange(profile.with_changes(org_id=""), store)


def test_key_from_the_environment_as_text_or_path(jwt_setup, keypair, monkeypatch):
    _, profile, store = jwt_setup
    store.delete(profile.name, "private_key")
    monkeypatch.setenv("LAUNCH_WIZARD_PRIVATE_KEY", str(keypair.key_path))
    assert tokens.exchange(profile, store).token
    monkeypatch.setenv("LAUNCH_WIZARD_PRIVATE_KEY", keypair.key_path.read_text().replace("\n", "\\n"))
    assert tokens.exchange(profile, store).token
    monkeypatch.setenv("LAUNCH_WIZARD_PRIVATE_KEY", "-----BEGIN PRIVATE KEY-----\nAAAA")
    with pytest.raises(KeyFileError, match="truncated"):
        tokens.exchange(profile, store)
    assert tokens.locate_secret(profile, store, "private_key").where == \
        "environment (LAUNCH_WIZARD_PRIVATE_KEY)"


def test_key_from_the_profile_path(jwt_setup, keypair):
    _, profile, store = jwt_setup
    store.delete(profile.name, "private_key")
    with_path = profile.with_changes(private_key_path=str(keypair.key_path))
    assert tokens.exchange(with_path, store).token
    assert tokens.locate_secret(with_path, store, "private_key").where == f"file {keypair.key_path}"


def test_encrypted_key_needs_the_stored_passphrase(jwt_setup, keypair):
    from cryptography.hazmat.primitives import serialization

    _, profile, store = jwt_setup
    encrypted = keypair.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pass phrase")).decode()
    store.set(profile.name, "private_key", encrypted)
    with pytest.raises(KeyFileError, match="needs its passphrase"):
        tokens.exchange(profile, store)
    store.set(profile.name, "key_passphrase", "pass phrase")
    assert tokens.exchange(profile, store).token


def test_clock_skew_is_explained(fresh_sandbox, keypair,
                                                                 memory_store):
    sb = fresh_sandbox
    console = SandboxConsole(sb.console_url)
    creds = console.create("x", "jwt").value
    console.upload(creds.client_id, keypair.cert_path.read_text())
    profile = jwt_profile(sb, creds, keypair, metascopes=["ent_reactor_sdk"])
    memory_store.set(profile.name, "client_secret", creds.client_secret)
    memory_store.set(profile.name, "private_key", keypair.key_path.read_text())
    httpx.post(f"{sb.console_url}/clock", json={"offset_s": 367 * 86400})
    with pytest.raises(IMSError) as exc:
        tokens.exchange(profile, memory_store)
    # IMS's clock is far ahead of this machine's: the JWT looks expired to it
    assert exc.value.code == "invalid_token" and "clock" in exc.value.fix


def test_a_slow_keyring_is_asked_again_and_never_swapped_for_the_token_file(sandbox, tmp_path,
                                                                           monkeypatch):
    """A keyring that did not answer in time is not a missing one: the token never goes to the
    plaintext token file for that, and the keyring is asked again once the exchange lock is held."""
    import threading

    from tests.conftest import s2s_profile
    from wizard.core.secret_store import MemoryBackend, SecretStore

    made = SandboxConsole(sandbox.console_url).create("slow", "oauth-s2s").value
    monkeypatch.setenv("LAUNCH_WIZARD_CLIENT_SECRET", made.client_secret)
    monkeypatch.setenv("LAUNCH_WIZARD_CACHE_DIR", str(tmp_path / "cache"))
    asked = []

    class SlowOnce(MemoryBackend):
        def get_password(self, service, user):
            asked.append(user)
            if len(asked) == 1:
                threading.Event().wait(0.5)  # longer than the store's timeout, once
            return super().get_password(service, user)

    store = SecretStore(backend=SlowOnce(), timeout=0.2)
    result = tokens.get_token(s2s_profile(sandbox, made), store)
    assert len(asked) > 1 and result.source == "exchange"
    assert result.cache is store and not (tmp_path / "cache").exists()
