"""The session both front doors work through: a profile loaded with its warnings as events, its
secrets found in one order, credentials saved, a token got from the cache or an exchange (against
the sandbox over real sockets), what was learned remembered."""

import os

import pytest

from tests.conftest import jwt_profile, s2s_profile
from wizard.core.console import SandboxConsole
from wizard.core.errors import IMSError
from wizard.core.profile import Profile, ProfileStore
from wizard.core.secret_store import MemoryBackend, SecretStore
from wizard.flows.session import EndpointWarning, PlaintextStorage, Session, TokenNote
from wizard.tui.state import WizardState


def listening():
    events = []
    return events, events.append


def test_load_says_each_foreign_endpoint_and_where_it_was_set():
    profiles = ProfileStore()
    profiles.save(Profile(name="work", ims_url="https://ims.example.com"))
    events, on_event = listening()
    session = Session.load("work", on_event, environ={"LAUNCH_WIZARD_REACTOR_URL": "https://r.example.com"})
    assert session.profile.reactor_url == "https://r.example.com"  # the environment over the file
    assert [type(e) for e in events] == [EndpointWarning, EndpointWarning]
    ims, reactor = (e.text for e in events)
    assert "https://ims.example.com" in ims and f"(set in {profiles.path})" in ims
    assert "https://r.example.com" in reactor and "(set by LAUNCH_WIZARD_REACTOR_URL)" in reactor


def test_load_of_adobes_hosts_says_nothing_and_takes_no_environment_it_is_not_given(monkeypatch):
    ProfileStore().save(Profile(name="work", client_id="saved"))
    monkeypatch.setenv("LAUNCH_WIZARD_CLIENT_ID", "from-the-environment")
    events, on_event = listening()
    assert Session.load("work", on_event, environ={}).profile.client_id == "saved"
    assert Session.load("work", on_event).profile.client_id == "from-the-environment"
    assert events == []


def test_a_plaintext_store_is_reported_when_opened_once():
    ProfileStore().save(Profile(name="work", storage="file"))
    events, on_event = listening()
    session = Session.load("work", on_event, environ={})
    assert events == []  # not opened yet: no secret was needed
    assert session.store is session.store
    assert events == [PlaintextStorage(session.store.plaintext_file)]


def test_save_credentials_stores_then_saves_only_the_changes():
    profiles = ProfileStore()
    profiles.save(Profile(name="work", org_id="ORG@AdobeOrg"))
    events, on_event = listening()
    session = Session(profiles.load("work"), profiles, on_event)
    changed = session.profile.with_changes(client_id="client", storage="file")
    where = session.save_credentials(changed, {"client_secret": "s3cret"}, {"client_id": "client",
                                                                              "storage": "file"})
    assert where.startswith("plaintext file") and isinstance(events[0], PlaintextStorage)
    saved = profiles.load("work")
    assert (saved.client_id, saved.org_id, saved.storage) == ("client", "ORG@AdobeOrg", "file")
    assert Session(saved, profiles).secrets().get(saved, "client_secret") == "s3cret"


def session_on(sandbox, made, store=None, **changes) -> Session:
    profiles = ProfileStore()
    profile = profiles.update("work", {**s2s_profile(sandbox, made).changes_from(Profile()), **changes})
    session = Session(profile, profiles)
    session.store = store or SecretStore(backend=MemoryBackend())
    session.store.set(profile.name, "client_secret", made.client_secret)
    return session


def test_a_token_from_an_exchange_then_from_the_cache(sandbox):
    made = SandboxConsole(sandbox.console_url).create("session", "oauth-s2s").value
    session = session_on(sandbox, made)
    first = session.access_token()
    assert first.source == "exchange" and first.cache is session.store
    again = session.access_token()
    assert again.source == "cache" and again.token.access_token == first.token.access_token
    new = session.access_token(refresh=True)
    assert new.source == "exchange" and new.token.access_token != first.token.access_token


def test_a_token_nowhere_to_cache_is_said_as_a_note(sandbox, monkeypatch):
    class NoKeyring(MemoryBackend):
        def get_password(self, service, user):
            from wizard.core.errors import SecretStoreError

            raise SecretStoreError("no usable keyring was found", "start one")

    made = SandboxConsole(sandbox.console_url).create("note", "oauth-s2s").value
    monkeypatch.setenv("LAUNCH_WIZARD_NO_TOKEN_CACHE", "1")
    profiles = ProfileStore()
    events, on_event = listening()
    session = Session(profiles.update("ci", s2s_profile(sandbox, made).changes_from(Profile())), profiles,
                      on_event, {"LAUNCH_WIZARD_CLIENT_SECRET": made.client_secret})
    session.store = SecretStore(backend=NoKeyring())
    assert session.access_token().source == "exchange"
    assert len(events) == 1 and isinstance(events[0], TokenNote)
    assert events[0].text.startswith("note: the token is not cached (no usable keyring was found")


def test_a_metascope_learned_is_remembered_in_the_saved_profile(sandbox, keypair):
    console = SandboxConsole(sandbox.console_url)
    made = console.create("learn", "jwt", "Developer").value
    console.upload(made.client_id, keypair.cert_path.read_text())
    profiles = ProfileStore()
    profile = profiles.update("jwt", jwt_profile(sandbox, made, keypair, role="Developer",
                                                  private_key_path=str(keypair.key_path))
                              .changes_from(Profile()))
    events, on_event = listening()
    session = Session(profile, profiles, on_event)
    session.store = SecretStore(backend=MemoryBackend())
    session.store.set("jwt", "client_secret", made.client_secret)  # the key: from its file
    result = session.access_token()
    assert result.profile_changed and profiles.load("jwt").metascopes == result.profile.metascopes
    learned = result.profile.metascopes[0]
    assert [e.text for e in events] == [f"metascope {learned} works: saved in the profile"]


def test_remember_keeps_nothing_for_another_credential():
    profiles = ProfileStore()
    saved = profiles.update("work", {"client_id": "saved"})
    session = Session(saved, profiles)
    seen = {"at": "2026-01-01T00:00:00Z", "companies": 1, "properties": 2}
    assert session.remember(saved.with_changes(client_id="from-the-environment"), {"last_test": seen}) is None
    assert not profiles.load("work").last_test
    assert session.remember(saved, {"last_test": seen}) is not None
    assert profiles.load("work").last_test == seen


async def test_the_wizard_gets_its_token_with_the_stored_secret_never_the_environments(sandbox,
                                                                                        monkeypatch):
    """The wizard works on the saved profile, with no LAUNCH_WIZARD_* field over it: a secret in
    the environment (another credential's) is not sent with it."""
    made = SandboxConsole(sandbox.console_url).create("wizard", "oauth-s2s").value
    ProfileStore().save(s2s_profile(sandbox, made).with_changes(name="default"))
    store = SecretStore(backend=MemoryBackend())
    store.set("default", "client_secret", made.client_secret)
    monkeypatch.setenv("LAUNCH_WIZARD_CLIENT_SECRET", "another-credentials-secret")
    state = WizardState.open(secrets=store)
    assert state.base.environ == {}
    result = await state.token()
    assert result.source == "exchange" and result.token.access_token
    assert await state.secret("client_secret") == made.client_secret
    # the command line, given the same environment, sends the environment's secret: refused
    command = Session(state.profile, state.profiles, environ=dict(os.environ))
    command.store = store
    with pytest.raises(IMSError, match="invalid client_secret"):
        command.access_token(refresh=True)
