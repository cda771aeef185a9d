"""A sandbox restarted without its state no longer knows the integrations it made: the credential
test says so (the sandbox, asked, does not know the client ID), not that the client ID is wrong."""

import pytest

from tests.conftest import clean_env, run_main
from wizard.core.errors import EXIT_REFUSED
from wizard.core.profile import ProfileStore
from wizard.sandbox.server import Sandbox


@pytest.fixture
def cli_env(tmp_path):
    return clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"),
                     XDG_CACHE_HOME=str(tmp_path / "cache"))


def test_a_sandbox_restarted_without_its_state_is_named_with_the_fix(cli_env, tmp_path):
    first = Sandbox().start()
    try:
        made = run_main("configure", "--profile", "sandbox", "--sandbox", first.base_url,
                        "--insecure-storage", env=cli_env)
        assert made.returncode == 0, made.stderr
        assert run_main("test", "--profile", "sandbox", env=cli_env).returncode == 0
    finally:
        first.stop()
    again = Sandbox(port=first.port).start()  # the same address, without the state
    try:
        done = run_main("test", "--profile", "sandbox", env=cli_env)
    finally:
        again.stop()
    client_id = ProfileStore(tmp_path / "cfg" / "config.toml").load("sandbox").client_id
    assert done.returncode == EXIT_REFUSED
    assert (f"error: the sandbox at {first.base_url} does not know this integration (client ID "
            f"{client_id}, refused as invalid_client): the sandbox was restarted without its "
            "state, the integration was deleted, or its client ID was changed here") in done.stderr
    assert f"launch-wizard configure --profile sandbox --sandbox {first.base_url}" in done.stderr
    assert "launch-wizard sandbox --state FILE" in done.stderr
    assert "check the client ID" not in done.stderr
    assert "this integration works" not in done.stdout


def test_a_client_id_the_sandbox_knows_keeps_the_refusal(sandbox, cli_env):
    """A refusal the sandbox can explain otherwise (its console knows the client ID) is IMS's."""
    from wizard.core.console import SandboxConsole
    from wizard.core.errors import IMSError
    from wizard.core.profile import Profile
    from wizard.core.secret_store import SANDBOX_SERVICE
    from wizard.flows.credential_test import forgotten_by_sandbox

    known = SandboxConsole(sandbox.console_url).create("known", "oauth-s2s").value
    refused = IMSError("IMS refused (invalid_client): x", "check the client ID", code="invalid_client",
                       status=400, subject="client_id")
    profile = Profile(name="sandbox", client_id=known.client_id, ims_url=sandbox.ims_url,
                      keyring_service=SANDBOX_SERVICE)
    assert forgotten_by_sandbox(profile, refused) is None
    unknown = Profile(name="sandbox", client_id="not-made-here", ims_url=sandbox.ims_url,
                      keyring_service=SANDBOX_SERVICE)
    forgotten = forgotten_by_sandbox(unknown, refused)
    assert forgotten is not None and forgotten.subject == "client_id"
    typed = Profile(name="mine", client_id="not-made-here", ims_url=sandbox.ims_url)
    assert forgotten_by_sandbox(typed, refused) is None  # a client ID typed in: maybe mistyped
