"""Rotating a client secret through the I/O Management API, against the sandbox over real
sockets: the flow's answer at each step, and `rotate-secret` / `status` on the command line."""

import json
import uuid

import httpx
import pytest

from tests.conftest import clean_env, run_main
from tests.io_management_helpers import SCOPES, fault, held, integration, secrets_url, works
from wizard.core.errors import ReactorError, RefusedError, SecretStoreError
from wizard.core.io_management import NewSecret
from wizard.core.profile import Profile, ProfileStore
from wizard.core.secret_store import MemoryBackend, SecretStore
from wizard.flows.rotation import (
    PENDING,
    Added,
    ConsoleSecrets,
    Kept,
    NotSwitched,
    OldDeleted,
    OldLeft,
    Proved,
    Resumed,
    Rotation,
    Switched,
    Unavailable,
    rotate,
    secrets_at,
)
from wizard.sandbox.state import S2S_SCOPES


class RefusesNew(MemoryBackend):
    """A keyring that refuses to keep the new secret (full, or locked meanwhile)."""

    def set_password(self, service: str, user: str, value: str) -> None:
        if user.endswith(f":{PENDING}"):
            raise SecretStoreError("the keyring is locked")
        super().set_password(service, user, value)


def profile_for(sandbox, made, **changes) -> Profile:
    fields = {"org_id": made.org_id, "client_id": made.client_id, "ims_url": sandbox.ims_url,
              "reactor_url": sandbox.reactor_url, "scopes": SCOPES, "credential_id": made.page}
    return Profile(name=f"p{uuid.uuid4().hex[:8]}").with_changes(**(fields | changes))


class Job:
    """A rotation's profile, store and what it reported."""

    def __init__(self, sandbox, made, backend=None, reveal=False, **changes) -> None:
        self.profile = profile_for(sandbox, made, **changes)
        self.store = SecretStore(backend=backend or MemoryBackend())
        self.store.set(self.profile.name, "client_secret", made.client_secret)
        self.events: list = []
        self.saved: list[Profile] = []
        self.revealed: list[NewSecret] = []
        self.reveal = reveal

    def save(self, profile, secrets, changes) -> str:
        for kind, value in secrets.items():
            self.store.set(profile.name, kind, value)
        self.saved.append(profile)
        return self.store.describe()

    def shown(self, new: NewSecret) -> bool:
        self.revealed.append(new)
        return self.reveal

    def run(self, keep_old: bool = False) -> Profile:
        at = secrets_at(self.profile, self.store)
        assert not isinstance(at, Unavailable), at
        return rotate(Rotation(self.profile, self.store, self.save, self.events.append, self.shown),
                      at, keep_old=keep_old)

    def stored(self) -> str | None:
        return self.store.get(self.profile.name, "client_secret")

    def of(self, kind: type) -> list:
        return [e for e in self.events if isinstance(e, kind)]


def test_rotation_adds_proves_switches_then_deletes_the_old(sandbox):
    made = integration(sandbox)
    job = Job(sandbox, made)
    switched = job.run()
    new = job.stored()
    assert new != made.client_secret and works(sandbox, made, new)
    assert not works(sandbox, made, made.client_secret)  # deleted on the server
    [added] = job.of(Added)
    assert [s["uuid"] for s in held(sandbox, made, new)] == [added.uuid]
    assert [type(e) for e in job.events[1:]] == [Added, Kept, Proved, Switched, OldDeleted]
    assert job.saved == [switched] and switched.last_test["companies"] == 1
    assert job.store.get(job.profile.name, PENDING) is None  # nothing left aside
    assert new not in repr(job.events)  # events never carry the value


def test_keep_old_leaves_the_old_secret_working(sandbox):
    made = integration(sandbox)
    job = Job(sandbox, made)
    job.run(keep_old=True)
    assert works(sandbox, made, made.client_secret) and works(sandbox, made, job.stored())
    [left] = job.of(OldLeft)
    assert left.last_used_at is not None  # our own token exchange used it
    assert len(held(sandbox, made)) == 2


def test_a_store_that_refuses_the_new_secret_deletes_it_again(sandbox):
    made = integration(sandbox)
    job = Job(sandbox, made, backend=RefusesNew())
    with pytest.raises(SecretStoreError, match="old one is still the one stored"):
        job.run()
    assert job.stored() == made.client_secret and works(sandbox, made, made.client_secret)
    [added] = job.of(Added)
    assert job.of(NotSwitched) == [NotSwitched(added.uuid, kept="", rolled_back=True)]
    assert len(held(sandbox, made)) == 1  # the place it took is free again
    assert [n.uuid for n in job.revealed] == [added.uuid]  # offered to a person first


def test_a_store_that_refuses_shows_the_new_secret_once_to_a_person(sandbox):
    made = integration(sandbox)
    job = Job(sandbox, made, backend=RefusesNew(), reveal=True)
    with pytest.raises(SecretStoreError):
        job.run()
    [shown] = job.revealed
    assert works(sandbox, made, shown.value)  # the one shown is the one Adobe holds
    assert job.stored() == made.client_secret and works(sandbox, made, made.client_secret)
    assert job.of(NotSwitched)[0].kept == "shown once on the terminal"


def test_a_failed_proof_keeps_the_old_secret_and_the_next_run_resumes(fresh_sandbox):
    made = integration(fresh_sandbox)
    job = Job(fresh_sandbox, made)
    fault(fresh_sandbox, "/reactor/companies", 403, body={"errors": [
        {"status": "403", "code": "not-authorized", "title": "Forbidden", "detail": "no"}]})
    with pytest.raises(ReactorError, match="the old secret is still the one stored"):
        job.run()
    assert job.stored() == made.client_secret and works(fresh_sandbox, made, made.client_secret)
    [added] = job.of(Added)
    [not_switched] = job.of(NotSwitched)
    assert not_switched.uuid == added.uuid and PENDING in not_switched.kept
    assert job.saved == []
    again = Job.__new__(Job)
    again.__dict__ = job.__dict__ | {"events": []}
    again.run()  # the one kept is tried, not a third added
    assert again.of(Resumed) == [Resumed(added.uuid)] and not again.of(Added)
    assert works(fresh_sandbox, made, again.stored()) and again.stored() != made.client_secret
    assert [s["uuid"] for s in held(fresh_sandbox, made, again.stored())] == [added.uuid]


def test_a_failed_delete_leaves_the_old_secret_working_and_says_so(sandbox):
    made = integration(sandbox)
    [old] = held(sandbox, made)
    job = Job(sandbox, made)
    path = httpx.URL(secrets_url(sandbox, made)).path + f"/{old['uuid']}"
    fault(sandbox, path, 500, body={"error_code": "500", "message": "try later"})
    with pytest.raises(RefusedError, match="switched to the new client secret, but the old one"):
        job.run()
    assert works(sandbox, made, made.client_secret)  # not deleted: still works
    assert job.stored() != made.client_secret and works(sandbox, made, job.stored())
    assert len(job.saved) == 1


def test_two_secrets_already_stop_the_rotation_before_anything_is_added(sandbox):
    made = integration(sandbox)
    job = Job(sandbox, made)
    httpx.post(secrets_url(sandbox, made), headers={
        "Authorization": "Bearer " + httpx.post(f"{sandbox.ims_url}/ims/token/v3", data={
            "grant_type": "client_credentials", "client_id": made.client_id,
            "client_secret": made.client_secret, "scope": ",".join(SCOPES)}).json()["access_token"],
        "x-api-key": made.client_id})
    with pytest.raises(RefusedError, match="already holds 2 client secrets") as refused:
        job.run()
    assert "never used" in refused.value.cause and "last used" in refused.value.cause
    assert len(held(sandbox, made)) == 2 and job.stored() == made.client_secret


def test_without_the_scopes_the_steps_say_which_api_and_scopes(sandbox):
    made = integration(sandbox, scopes=list(S2S_SCOPES))
    job = Job(sandbox, made, scopes=list(S2S_SCOPES))
    at = secrets_at(job.profile, job.store)
    assert isinstance(at, Unavailable)
    assert "manage_client_secrets" in " ".join(at.reasons)
    steps = " ".join(at.steps)
    assert "Add API: I/O Management API" in steps and "--scope read_client_secret" in steps
    assert "--scope additional_info.job_function" in steps  # the profile's own scopes stay


def test_a_403_from_the_api_gives_the_steps(sandbox):
    made = integration(sandbox)
    job = Job(sandbox, made)
    fault(sandbox, httpx.URL(secrets_url(sandbox, made)).path, 403,
          body={"error_code": "403003", "message": "Api Key is invalid"})
    at = secrets_at(job.profile, job.store)
    assert isinstance(at, Unavailable) and "HTTP 403" in at.reasons[0]


def test_without_the_console_id_the_steps_say_where_to_find_it(sandbox):
    made = integration(sandbox)
    job = Job(sandbox, made, credential_id="")
    at = secrets_at(job.profile, job.store)
    assert isinstance(at, Unavailable) and "console ID" in at.reasons[0]
    assert any("--credential-id URL" in step for step in at.steps)
    from wizard.core.console import SandboxConsole

    console = secrets_at(job.profile, job.store, SandboxConsole(sandbox.console_url))
    assert isinstance(console, ConsoleSecrets)  # the sandbox presses its console's buttons instead


# --- the command line ---------------------------------------------------------------------------

@pytest.fixture
def cli_env(tmp_path):
    return clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"))


def configured(sandbox, env, made, *extra: str) -> None:
    scopes = [arg for s in SCOPES for arg in ("--scope", s)]
    done = run_main("configure", "--org-id", made.org_id, "--client-id", made.client_id,
                    "--ims-url", sandbox.ims_url, "--reactor-url", sandbox.reactor_url,
                    "--client-secret-stdin", "--insecure-storage", *scopes, *extra,
                    input=made.client_secret + "\n", env=env)
    assert done.returncode == 0, done.stderr


def status(env) -> tuple[str, dict]:
    text, raw = run_main("status", env=env), run_main("status", "--json", env=env)
    return text.stdout, json.loads(raw.stdout)


def test_rotate_secret_with_the_console_id_and_status_shows_both_secrets(sandbox, cli_env):
    made = integration(sandbox)
    configured(sandbox, cli_env, made)
    done = run_main("rotate-secret", "--credential-id", made.page, "--keep-old", env=cli_env)
    assert done.returncode == 0, done.stderr
    assert "1 client secret on the credential" in done.stdout
    assert "through the sandbox's I/O Management API" in done.stdout
    assert "added a client secret" in done.stdout and "the old client secret" in done.stdout
    assert "stays (last used" in done.stdout
    assert ProfileStore(cli_env_path(cli_env)).load().credential_id == "/".join(made.ids)
    run_main("token", env=cli_env)  # a cached token: status reads the secrets with it
    text, report = status(cli_env)
    assert len(report["client_secrets"]) == 2
    assert all(s["created_at"] for s in report["client_secrets"])
    assert "client secrets: 2 on the credential; one last used just now (created 2" in text
    assert "the other one last used" in text


def test_rotate_secret_deletes_the_old_one_and_status_shows_one(sandbox, cli_env):
    made = integration(sandbox)
    configured(sandbox, cli_env, made, "--credential-id", made.page)
    done = run_main("rotate-secret", "--yes", env=cli_env)
    assert done.returncode == 0, done.stderr
    assert "deleted the old client secret" in done.stdout
    assert not works(sandbox, made, made.client_secret)
    [new] = sandbox.state.get(made.client_id).secrets
    assert new not in done.stdout + done.stderr and made.client_secret not in done.stdout + done.stderr
    assert "this integration works" in run_main("test", env=cli_env).stdout
    assert len(status(cli_env)[1]["client_secrets"]) == 1


def test_status_skips_the_secrets_quietly_without_the_console_id(sandbox, cli_env):
    made = integration(sandbox)
    configured(sandbox, cli_env, made)
    run_main("token", env=cli_env)
    text, report = status(cli_env)
    assert report["client_secrets"] is None and "client secrets:" not in text


def test_against_adobe_without_the_id_or_scopes_it_gives_the_steps(cli_env):
    run_main("configure", "--org-id", "0123456789ABCDEF01234567@AdobeOrg", "--client-id", "c",
             env=cli_env)
    asked = run_main("rotate-secret", env=cli_env)
    assert asked.returncode == 2
    assert "console ID" in asked.stderr and "I/O Management API" in asked.stderr
    assert "--scope manage_client_secrets" in asked.stderr and "--credential-id URL" in asked.stderr
    assert "--client-secret-stdin" in asked.stderr  # the manual path, still there


def test_a_credential_id_that_is_not_one_is_refused(cli_env):
    run_main("configure", "--org-id", "0123456789ABCDEF01234567@AdobeOrg", "--client-id", "c",
             env=cli_env)
    bad = run_main("rotate-secret", "--credential-id", "https://example.com/\x1b[31m", env=cli_env)
    assert bad.returncode == 2 and "credential page's URL" in bad.stderr
    assert "\x1b" not in bad.stderr


def cli_env_path(env):
    from pathlib import Path

    return Path(env["LAUNCH_WIZARD_CONFIG_DIR"]) / "config.toml"


def test_a_sandbox_profile_made_with_the_scopes_rotates_through_the_api(sandbox, cli_env):
    scopes = [arg for s in SCOPES for arg in ("--scope", s)]
    made = run_main("configure", "--sandbox", sandbox.base_url, "--insecure-storage", *scopes,
                    env=cli_env)
    assert made.returncode == 0, made.stderr
    assert ProfileStore(cli_env_path(cli_env)).load().credential_id  # the page's IDs, saved
    done = run_main("rotate-secret", env=cli_env)
    assert done.returncode == 0, done.stderr
    assert "added a client secret through the sandbox's I/O Management API" in done.stdout
    assert "deleted the old client secret through the sandbox's I/O Management API" in done.stdout
    assert "this integration works" in run_main("test", env=cli_env).stdout


def test_a_sandbox_profile_without_the_scopes_presses_the_console_buttons(sandbox, cli_env):
    assert run_main("configure", "--sandbox", sandbox.base_url, "--insecure-storage",
                    env=cli_env).returncode == 0
    done = run_main("rotate-secret", env=cli_env)
    assert done.returncode == 0, done.stderr
    assert "note: not through the I/O Management API (its token would lack" in done.stdout
    assert "deleted the old client secret through the sandbox's console" in done.stdout


def test_status_skips_the_secrets_quietly_when_the_api_cannot_be_reached(fresh_sandbox, cli_env):
    made = integration(fresh_sandbox)
    configured(fresh_sandbox, cli_env, made, "--credential-id", made.page)
    run_main("token", env=cli_env)
    assert len(status(cli_env)[1]["client_secrets"]) == 1
    fresh_sandbox.stop()  # offline
    offline = run_main("status", "--json", env=cli_env)
    assert offline.returncode == 0, offline.stderr
    assert json.loads(offline.stdout)["client_secrets"] is None and offline.stderr.count("\n") <= 1
