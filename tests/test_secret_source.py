"""The one order a secret is found in: given > environment > store > the profile's key file."""

import pytest

from tests.conftest import clean_env, run_main
from wizard.core.errors import SecretStoreError
from wizard.core.profile import Profile
from wizard.core.secret_source import Origin, SecretSource, from_environment
from wizard.core.secret_store import MemoryBackend, SecretStore

PROFILE = Profile(name="work", org_id="ORG@AdobeOrg", client_id="client")
ENV = {"LAUNCH_WIZARD_CLIENT_SECRET": "from-the-environment"}


class NoKeyring(MemoryBackend):
    """A keyring that cannot be asked (headless Linux without a Secret Service)."""

    def get_password(self, service, user):
        raise SecretStoreError("no usable keyring was found", "start one")


def store_holding(**secrets: str) -> SecretStore:
    store = SecretStore(backend=MemoryBackend())
    for kind, value in secrets.items():
        store.set(PROFILE.name, kind, value)
    return store


def test_each_source_wins_over_the_next():
    store = store_holding(client_secret="from-the-store")
    given = SecretSource(store, {"client_secret": "given"}, ENV).find(PROFILE, "client_secret")
    assert given is not None and (given.origin, given.value) == (Origin.GIVEN, "given")
    env = SecretSource(store, {}, ENV).find(PROFILE, "client_secret")
    assert env is not None and (env.origin, env.value) == (Origin.ENVIRONMENT, "from-the-environment")
    assert env.where == "LAUNCH_WIZARD_CLIENT_SECRET"
    stored = SecretSource(store).find(PROFILE, "client_secret")
    assert stored is not None and (stored.origin, stored.value) == (Origin.STORE, "from-the-store")
    assert SecretSource(store_holding()).find(PROFILE, "client_secret") is None


def test_the_key_file_comes_last(keypair, other_keypair):
    with_file = PROFILE.with_changes(private_key_path=str(keypair.key_path))
    stored = SecretSource(store_holding(private_key=other_keypair.key_path.read_text()))
    found = stored.find(with_file, "private_key")
    assert found is not None and found.origin == Origin.STORE
    assert found.value == other_keypair.key_path.read_text()
    from_file = SecretSource(store_holding()).find(with_file, "private_key")
    assert from_file is not None and from_file.origin == Origin.FILE
    assert from_file.value == keypair.key_path.read_text() and from_file.where == str(keypair.key_path)
    assert SecretSource(store_holding()).find(with_file, "client_secret") is None  # the key's only


def test_a_profile_other_than_the_one_the_environment_names_takes_its_secrets_too():
    """The environment's secrets go with its fields, over the profile a command runs on: the
    README's CI path (LAUNCH_WIZARD_<FIELD> applies to every profile)."""
    other = Profile(name="not-the-environments")
    found = SecretSource(store_holding(), {}, dict(ENV, LAUNCH_WIZARD_PROFILE="work")).find(
        other, "client_secret")
    assert found is not None and found.origin == Origin.ENVIRONMENT


def test_without_an_environment_none_of_its_secrets_count(monkeypatch):
    """The wizard's source: the process's environment is never read behind its back."""
    monkeypatch.setenv("LAUNCH_WIZARD_CLIENT_SECRET", "from-the-environment")
    found = SecretSource(store_holding(client_secret="stored")).find(PROFILE, "client_secret")
    assert found is not None and found.value == "stored" and found.origin == Origin.STORE


def test_the_keyring_missing():
    no_keyring = SecretStore(backend=NoKeyring())
    with pytest.raises(SecretStoreError, match="no usable keyring"):
        SecretSource(no_keyring).find(PROFILE, "client_secret")
    # a source before the store answers without asking it
    assert SecretSource(no_keyring, {}, ENV).get(PROFILE, "client_secret") == "from-the-environment"
    # an optional secret (the passphrase) is simply absent
    assert SecretSource(no_keyring).get(PROFILE, "key_passphrase", optional=True) is None
    where = SecretSource(no_keyring).locate(PROFILE, "client_secret")
    assert (where.found, where.where) == (False, "unknown: no usable keyring was found")
    assert where.unreachable == "no usable keyring was found"


def test_the_keyring_missing_leaves_the_key_file(keypair):
    with_file = PROFILE.with_changes(private_key_path=str(keypair.key_path))
    found = SecretSource(SecretStore(backend=NoKeyring())).find(with_file, "private_key")
    assert found is not None and found.origin == Origin.FILE
    where = SecretSource(SecretStore(backend=NoKeyring())).locate(with_file, "private_key")
    assert where.found and where.where == f"file {keypair.key_path}"


def test_locate_names_a_key_file_without_reading_it(tmp_path):
    gone = PROFILE.with_changes(private_key_path=str(tmp_path / "gone.key"))
    where = SecretSource(store_holding()).locate(gone, "private_key")
    assert where.found and where.where == f"file {tmp_path / 'gone.key'}"


def test_the_environments_key_may_be_a_path(keypair):
    pem = keypair.key_path.read_text()
    assert from_environment("private_key", {"LAUNCH_WIZARD_PRIVATE_KEY": str(keypair.key_path)}) == pem
    assert from_environment("private_key", {"LAUNCH_WIZARD_PRIVATE_KEY": "  "}) is None
    assert from_environment("token", {"LAUNCH_WIZARD_TOKEN": "x"}) is None  # not a secret it takes


def test_a_command_on_another_profile_uses_the_environments_secret(sandbox, tmp_path):
    """`--profile` names a profile the environment does not: its LAUNCH_WIZARD_* fields and
    secret still apply over it (status says where the secret came from)."""
    from wizard.core.console import SandboxConsole

    made = SandboxConsole(sandbox.console_url).create("env", "oauth-s2s").value
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"), LAUNCH_WIZARD_PROFILE="ci",
                    LAUNCH_WIZARD_CACHE_DIR=str(tmp_path / "cache"),
                    PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
                    LAUNCH_WIZARD_ORG_ID=made.org_id, LAUNCH_WIZARD_CLIENT_ID=made.client_id,
                    LAUNCH_WIZARD_CLIENT_SECRET=made.client_secret,
                    LAUNCH_WIZARD_IMS_URL=sandbox.ims_url, LAUNCH_WIZARD_REACTOR_URL=sandbox.reactor_url)
    token = run_main("token", "--profile", "other", env=env)
    assert token.returncode == 0, token.stderr
    status = run_main("status", "--profile", "other", env=env)
    assert "client secret: environment (LAUNCH_WIZARD_CLIENT_SECRET)" in status.stdout
