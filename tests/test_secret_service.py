"""Against a real Secret Service (gnome-keyring on a private D-Bus): skipped here if it cannot
start, a failure in CI (REQUIRE_SECRET_SERVICE=1)."""

import json
import os
import uuid

import pytest

from tests.conftest import clean_env, run_cli
from wizard.core.console import SandboxConsole

PEM_LIKE = "-----BEGIN PRIVATE KEY-----\n" + "\n".join(["QUJD" * 16] * 30) + "\n-----END PRIVATE KEY-----\n"


@pytest.fixture
def real_keyring(secret_service, monkeypatch):
    for name, value in secret_service.env.items():
        monkeypatch.setenv(name, value)
    import keyring
    from keyring.backends import SecretService

    backend = SecretService.Keyring()
    monkeypatch.setattr(keyring, "get_keyring", lambda: backend)
    return backend


def test_round_trip_in_the_real_keyring(real_keyring):
    from wizard.core.secret_store import SecretStore

    store = SecretStore(service="launch-wizard-test")
    profile = uuid.uuid4().hex[:8]
    assert "SecretService" in store.describe()
    store.set(profile, "private_key", PEM_LIKE)  # chunked: over 1000 characters
    store.set(profile, "client_secret", "s3cret\nwith a newline")
    assert store.get(profile, "private_key") == PEM_LIKE
    assert store.get(profile, "client_secret") == "s3cret\nwith a newline"
    # nothing stored contains a newline (gnome-keyring without a password loses them all)
    raw = real_keyring.get_password("launch-wizard-test", f"{profile}:client_secret")
    assert "\n" not in raw and "s3cret" not in raw
    store.delete(profile, "private_key")
    assert store.get(profile, "private_key") is None
    assert store.get(profile, "client_secret") == "s3cret\nwith a newline"


def test_cli_keeps_secrets_in_the_keyring(secret_service, sandbox, keypair, tmp_path):
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"), **secret_service.env)
    console = SandboxConsole(sandbox.console_url)
    creds = console.create("keyring", "jwt").value
    console.upload(creds.client_id, keypair.cert_path.read_text())
    profile = f"kr{uuid.uuid4().hex[:6]}"
    done = run_cli("configure", "--profile", profile, "--auth", "jwt", "--org-id", creds.org_id,
                   "--client-id", creds.client_id, "--technical-account-id",
                   creds.technical_account_id, "--private-key", str(keypair.key_path),
                   "--ims-url", sandbox.ims_url, "--reactor-url", sandbox.reactor_url,
                   "--client-secret-stdin", input=creds.client_secret + "\n", env=env)
    assert done.returncode == 0, done.stderr
    assert "saved in keyring (SecretService" in done.stdout
    assert not (tmp_path / "cfg" / "secrets.json").exists()
    first = run_cli("token", "--profile", profile, "--json", env=env)
    assert first.returncode == 0, first.stderr
    again = run_cli("token", "--profile", profile, "--json", env=env)
    assert json.loads(again.stdout)["source"] == "cache"
    assert json.loads(again.stdout)["access_token"] == json.loads(first.stdout)["access_token"]
    status = run_cli("status", "--profile", profile, env=env)
    assert status.returncode == 0, status.stdout
    assert "client secret: keyring (SecretService" in status.stdout
    assert creds.client_secret not in status.stdout + done.stdout + done.stderr
    assert oct(os.stat(tmp_path / "cfg" / "config.toml").st_mode)[-3:] == "600"


def test_native_backend_and_keyring_read_each_other(secret_service, monkeypatch):
    """Items written by the direct Secret Service road are keyring's, and the other way round."""
    for name, value in secret_service.env.items():
        monkeypatch.setenv(name, value)
    from keyring.backends import SecretService

    from wizard.core.secret_service import SecretServiceBackend, applies
    from wizard.core.secret_store import SecretStore, _system_keyring

    assert applies()
    assert isinstance(_system_keyring(), SecretServiceBackend)
    ours, theirs = SecretServiceBackend(), SecretService.Keyring()
    user = uuid.uuid4().hex[:8]
    ours.set_password("launch-wizard-test", user, "from us")
    assert theirs.get_password("launch-wizard-test", user) == "from us"
    theirs.set_password("launch-wizard-test", user, "from keyring")
    assert ours.get_password("launch-wizard-test", user) == "from keyring"
    ours.set_password("launch-wizard-test", user + "b", "second")
    assert ours.get_passwords("launch-wizard-test", [user, user + "x", user + "b"]) == [
        "from keyring", None, "second"]  # in the order asked, None for a missing one
    ours.delete_passwords("launch-wizard-test", [user + "x", user + "b"])
    assert theirs.get_password("launch-wizard-test", user + "b") is None
    ours.delete_password("launch-wizard-test", user)
    assert theirs.get_password("launch-wizard-test", user) is None
    store = SecretStore("launch-wizard-test", ours)
    store.set(user, "private_key", PEM_LIKE)
    assert SecretStore("launch-wizard-test", theirs).get(user, "private_key") == PEM_LIKE


def test_native_road_is_skipped_when_keyring_is_configured(tmp_path):
    from wizard.core.secret_service import applies

    bus = {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/x", "XDG_CONFIG_HOME": str(tmp_path)}
    assert applies(bus)
    assert not applies(dict(bus, PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring"))
    (tmp_path / "python_keyring").mkdir()
    (tmp_path / "python_keyring" / "keyringrc.cfg").write_text("[backend]\n")
    assert not applies(bus)
    assert not applies({"XDG_CONFIG_HOME": str(tmp_path / "other")})  # no session bus at all


def test_an_unreachable_bus_falls_back_to_keyring_and_explains(monkeypatch):
    import keyring
    from keyring.backends import fail

    from wizard.core.errors import SecretStoreError
    from wizard.core.secret_store import SecretStore

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
    monkeypatch.setattr(keyring, "get_keyring", fail.Keyring)
    with pytest.raises(SecretStoreError, match="no usable keyring was found"):
        SecretStore().get("p", "client_secret")
