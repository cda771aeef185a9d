"""The credential test as one flow, against the sandbox over real sockets: the events come in the
order the stages run, a failing stage is reported before its error is raised, and a trial caches
nothing."""

import httpx
import pytest

from tests.conftest import s2s_profile
from wizard.core.console import SandboxConsole
from wizard.core.errors import ConfigError, IMSError, ReactorError
from wizard.flows import credential_test
from wizard.flows.credential_test import (
    CompaniesListed,
    Failed,
    PropertiesListed,
    Signed,
    Stage,
    Started,
    TokenIssued,
)


def run(flow, *args, **kwargs):
    events = []
    try:
        return flow(*args, events.append, **kwargs), events
    except Exception as exc:
        exc.events = events
        raise


def kinds(events):
    return [(type(e).__name__, getattr(e, "stage", None)) for e in events]


def test_a_passing_s2s_credential_reports_each_stage_in_order(s2s_setup):
    creds, profile, store = s2s_setup
    passed, events = run(credential_test.check, profile, store)
    assert kinds(events) == [
        ("Started", Stage.TOKEN), ("TokenIssued", None),
        ("Started", Stage.COMPANIES), ("CompaniesListed", None),
        ("Started", Stage.PROPERTIES), ("PropertiesListed", None)]
    assert events[0].call == f"access token from {profile.ims_url}"
    assert events[2].call == f"GET {profile.reactor_url.rstrip('/')}/companies"
    company = events[3].companies[0]
    assert events[4].company == company and events[4].call == f"GET /companies/{company.id}/properties"
    assert events[5].found.total == 3 and passed.survey == [events[5].found]
    assert passed.companies == [company] and company.org_id == creds.org_id
    assert passed.token.access_token == events[1].result.token.access_token
    assert store.get(profile.name, "token") is not None  # the everyday test caches its token


def test_a_jwt_credential_reports_each_signature_then_the_token(jwt_setup):
    _, profile, store = jwt_setup
    passed, events = run(credential_test.check, profile, store)
    assert kinds(events) == [
        ("Started", Stage.SIGN), ("Signed", None), ("Started", Stage.TOKEN), ("TokenIssued", None),
        ("Started", Stage.COMPANIES), ("CompaniesListed", None),
        ("Started", Stage.PROPERTIES), ("PropertiesListed", None)]
    assert events[0].call == events[2].call == f"access token from {profile.ims_url}"
    issued = events[3].result
    assert issued.claims == events[1].claims and issued.claims["sub"] == profile.technical_account_id
    assert issued.profile_changed  # no metascope saved: the one that worked is learned
    assert passed.profile.metascopes == issued.profile.metascopes != profile.metascopes
    assert isinstance(events[-1], PropertiesListed)


def test_a_wrong_secret_fails_the_token_stage_and_raises_its_error(sandbox, memory_store):
    creds = SandboxConsole(sandbox.console_url).create("test", "oauth-s2s").value
    profile = s2s_profile(sandbox, creds)
    memory_store.set(profile.name, "client_secret", "not-" + creds.client_secret)
    with pytest.raises(IMSError) as raised:
        run(credential_test.check, profile, memory_store)
    events = raised.value.events
    assert kinds(events) == [("Started", Stage.TOKEN), ("Failed", Stage.TOKEN)]
    assert events[-1].error is raised.value and events[-1].call == f"access token from {profile.ims_url}"
    assert not any(isinstance(e, TokenIssued | CompaniesListed) for e in events)


def test_a_refused_properties_call_fails_its_own_stage_for_that_company(fresh_sandbox, memory_store):
    creds = SandboxConsole(fresh_sandbox.console_url).create("test", "oauth-s2s").value
    profile = s2s_profile(fresh_sandbox, creds)
    memory_store.set(profile.name, "client_secret", creds.client_secret)
    passed = credential_test.check(profile, memory_store)
    company = passed.companies[0]
    httpx.post(f"{fresh_sandbox.console_url}/faults", json={
        "path": f"/reactor/companies/{company.id}/properties", "status": 403,
        "content_type": "application/vnd.api+json",
        "body": {"errors": [{"status": "403", "code": "not-authorized", "detail": "Forbidden"}]}})
    with pytest.raises(ReactorError) as raised:
        run(credential_test.check, profile, memory_store)
    failed = raised.value.events[-1]
    assert isinstance(failed, Failed) and failed.stage is Stage.PROPERTIES and failed.company == company
    assert isinstance(raised.value.events[-3], CompaniesListed)


def test_a_token_the_launch_api_refuses_leaves_the_cache(fresh_sandbox, memory_store):
    creds = SandboxConsole(fresh_sandbox.console_url).create("test", "oauth-s2s").value
    profile = s2s_profile(fresh_sandbox, creds)
    memory_store.set(profile.name, "client_secret", creds.client_secret)
    httpx.post(f"{fresh_sandbox.console_url}/faults", json={
        "path": "/reactor/companies", "status": 401, "content_type": "application/vnd.api+json",
        "body": {"errors": [{"status": "401", "code": "unauthorized", "detail": "expired"}]}})
    with pytest.raises(ReactorError) as raised:
        run(credential_test.check, profile, memory_store)
    assert kinds(raised.value.events)[-1] == ("Failed", Stage.COMPANIES)
    assert memory_store.get(profile.name, "token") is None


def test_a_trial_uses_the_secret_given_and_caches_nothing(sandbox, memory_store):
    creds = SandboxConsole(sandbox.console_url).create("test", "oauth-s2s").value
    profile = s2s_profile(sandbox, creds)
    memory_store.set(profile.name, "client_secret", "the-old-one-no-longer-works")
    passed, events = run(credential_test.trial, profile, memory_store,
                         given={"client_secret": creds.client_secret})
    assert isinstance(events[0], Started) and isinstance(events[-1], PropertiesListed)
    assert passed.survey[0].total == 3
    assert memory_store.get(profile.name, "token") is None
    with pytest.raises(IMSError):
        credential_test.trial(profile, memory_store)  # the stored secret: refused


def test_events_are_frozen():
    event = Started(Stage.TOKEN, "access token from https://ims")
    with pytest.raises(AttributeError):
        event.stage = Stage.SIGN
    assert Signed({"exp": 1}) == Signed({"exp": 1})


def test_a_jwt_signed_with_another_key_fails_the_exchange_not_the_signature(jwt_setup, other_keypair):
    _, profile, store = jwt_setup
    store.set(profile.name, "private_key", other_keypair.key_path.read_text())
    with pytest.raises(IMSError) as raised:
        run(credential_test.check, profile, store)
    assert kinds(raised.value.events)[:3] == [("Started", Stage.SIGN), ("Signed", None),
                                              ("Started", Stage.TOKEN)]
    assert kinds(raised.value.events)[-1] == ("Failed", Stage.TOKEN)


def test_a_jwt_without_its_key_fails_before_anything_is_signed(jwt_setup):
    _, profile, store = jwt_setup
    store.delete(profile.name, "private_key")
    with pytest.raises(ConfigError) as raised:
        run(credential_test.check, profile, store)
    assert kinds(raised.value.events) == [("Started", Stage.SIGN), ("Failed", Stage.SIGN)]
