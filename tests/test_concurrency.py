"""Several launch-wizard processes at once: none loses another's profile change, parallel token
requests make one exchange with IMS, and no chunk set outlives its generation.

Real processes throughout; the sandbox counts the tokens it mints (`state.tokens_issued`)."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import REPO, clean_env, configure_s2s, run_cli
from wizard.core.locks import LockError, LockTimeout, held, lock_file
from wizard.core.profile import KEYRING_SERVICE, ProfileStore
from wizard.core.secret_store import store_for


@pytest.fixture
def env(isolated_config):
    """Child processes share this test's config folder; no keyring is reachable."""
    return clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(isolated_config),
                     DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent")


def start(*args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "wizard", *args], env=env, cwd=REPO, text=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def finish(procs: list[subprocess.Popen], timeout: float = 120) -> list[tuple[int, str, str]]:
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=timeout)
        done.append((proc.returncode, out, err))
    return done


def chunk_sets(entries: dict[str, str], user: str) -> tuple[set[str], set[str]]:
    """(the chunk entries of `user`, the ones its head names) in a plaintext secrets file."""
    chunks = {name for name in entries if name.startswith(f"{user}#")}
    head = entries.get(user, "")
    named: set[str] = set()
    if head.startswith("v1chunks:"):
        generation, count, _ = head[len("v1chunks:"):].split(":")
        named = {f"{user}#{generation}.{i}" for i in range(int(count))}
    return chunks, named


def secrets_file(folder: Path) -> dict[str, str]:
    return json.loads((folder / "secrets.json").read_text())[KEYRING_SERVICE]


# --- item 4: config.toml ------------------------------------------------------------------------

def test_parallel_configures_keep_every_profile(env, isolated_config):
    names = [f"p{i}" for i in range(8)]
    procs = [start("configure", "--profile", name, "--org-id", f"{i:024X}@AdobeOrg",
                   "--client-id", f"client{i}", env=env) for i, name in enumerate(names)]
    for code, out, err in finish(procs):
        assert code == 0, err
        assert "saved profile" in out
    store = ProfileStore(isolated_config / "config.toml")
    assert store.names() == names
    for i, name in enumerate(names):
        assert store.load(name).client_id == f"client{i}"


def _wait_reading_stdin(proc: subprocess.Popen) -> None:
    """Until `proc` waits for its standard input (it has read the profile by then)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        try:  # x86-64 Linux: syscall 0 (read) on descriptor 0
            if Path(f"/proc/{proc.pid}/syscall").read_text().startswith("0 0x0 "):
                return
        except OSError:
            pass
        if platform.machine() != "x86_64" and time.monotonic() > deadline - 27:
            return  # elsewhere: three seconds is long enough to have started
        time.sleep(0.05)
    raise AssertionError("the process never read its standard input")


def test_a_test_and_a_configure_at_once_keep_both(sandbox, env, isolated_config):
    """`test` remembers what it saw while `configure` changes another field of the same profile:
    neither undoes the other, whichever started first and whichever writes last."""
    made = configure_s2s(sandbox, env)
    config = ProfileStore(isolated_config / "config.toml")

    # configure first, test in the middle: configure waits for its secret on standard input
    configure = subprocess.Popen(
        [sys.executable, "-m", "wizard", "configure", "--technical-account-email",
         "one@techacct.adobe.com", "--client-secret-stdin"],
        env=env, cwd=REPO, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    _wait_reading_stdin(configure)
    tested = run_cli("test", env=env)
    assert tested.returncode == 0, tested.stderr
    _, err = configure.communicate(made.client_secret + "\n", timeout=60)
    assert configure.returncode == 0, err
    saved = config.load("default")
    assert saved.technical_account_email == "one@techacct.adobe.com" and saved.last_test

    # test first, configure in the middle: the Launch API is slow to answer the test
    companies = urlsplit(sandbox.reactor_url).path + "/companies"
    httpx.post(f"{sandbox.console_url}/faults", json={"path": companies, "delay_s": 1.5})
    tester = start("test", env=env)
    time.sleep(0.8)
    configured = run_cli("configure", "--technical-account-email", "two@techacct.adobe.com",
                         env=env)
    assert configured.returncode == 0, configured.stderr
    [(code, _, err)] = finish([tester])
    assert code == 0, err
    saved = config.load("default")
    assert saved.technical_account_email == "two@techacct.adobe.com"
    assert saved.last_test

    emails = [f"e{i}@techacct.adobe.com" for i in range(4)]
    procs = [start("test", env=env) for _ in range(3)]
    procs += [start("configure", "--technical-account-email", email, env=env) for email in emails]
    assert all(code == 0 for code, _, _ in finish(procs))
    saved = config.load("default")
    assert saved.technical_account_email in emails and saved.last_test
    assert saved.client_id == made.client_id  # configure of one field never blanks the others


def test_what_a_test_learned_is_kept_only_for_the_credential_it_used(isolated_config):
    """`remember` is a compare-and-set: if another process switched the profile to another
    credential while the test ran, what the test saw is not written over it."""
    store = ProfileStore(isolated_config / "config.toml")
    seen = {"at": "2026-01-01T00:00:00Z", "companies": 1, "properties": 2}
    store.update("p", {"org_id": "A@AdobeOrg", "client_id": "old"})
    assert store.update("p", {"last_test": seen}, expect={"client_id": "other"}) is None
    assert store.update("absent", {"last_test": seen}, expect={"client_id": "old"}) is None
    assert store.names() == ["p"] and not store.load("p").last_test
    kept = store.update("p", {"last_test": seen}, expect={"client_id": "old"})
    assert kept is not None and store.load("p").last_test == seen == kept.last_test
    assert store.load("p").org_id == "A@AdobeOrg"


def test_the_wizard_saves_only_what_it_changed(sandbox, env, isolated_config):
    """A last test written by the command line while the wizard is open survives the wizard's
    next save, and the wizard sees it."""
    from wizard.tui.flow import Progress
    from wizard.tui.state import WizardState

    configure_s2s(sandbox, env)
    state = WizardState.open("default")
    assert not state.profile.last_test
    tested = run_cli("test", env=env)
    assert tested.returncode == 0, tested.stderr
    on_disk = ProfileStore(isolated_config / "config.toml").load("default")
    assert on_disk.last_test

    state.mark_done("organization")
    state.update(technical_account_email="wizard@techacct.adobe.com")
    saved = ProfileStore(isolated_config / "config.toml").load("default")
    assert saved.last_test == on_disk.last_test and saved.company_id == on_disk.company_id
    assert "organization" in Progress.load(ProfileStore(isolated_config / "config.toml"), saved).done
    assert saved.technical_account_email == "wizard@techacct.adobe.com"
    assert state.profile.last_test == on_disk.last_test  # what it did not change, it re-read

    state.update(client_id="another-client")  # a change the last test depended on
    assert not ProfileStore(isolated_config / "config.toml").load("default").last_test


def test_the_wizards_progress_and_parallel_configures_keep_both(env, isolated_config):
    """The wizard saves its progress (beside the profile) while commands change the profile's
    fields: the progress, and each command's field, stay."""
    from wizard.core.secret_store import MemoryBackend, SecretStore
    from wizard.tui.flow import Progress
    from wizard.tui.state import WizardState

    state = WizardState.open(secrets=SecretStore(backend=MemoryBackend()))
    state.update(org_id="A@AdobeOrg")
    emails = [f"e{i}@techacct.adobe.com" for i in range(4)]
    procs = [start("configure", "--technical-account-email", email, env=env) for email in emails]
    while any(proc.poll() is None for proc in procs):  # the wizard saves as they run
        state.mark_done("organization")
        state.unmark(["organization"])
    state.mark_done("organization")
    assert all(code == 0 for code, _, _ in finish(procs))
    store = ProfileStore(isolated_config / "config.toml")
    saved = store.load("default")
    assert Progress.load(store, saved).done == ("organization",)
    assert saved.org_id == "A@AdobeOrg" and saved.technical_account_email in emails


# --- item 5: tokens ------------------------------------------------------------------------------

def test_parallel_tokens_on_an_empty_cache_make_one_exchange(sandbox, env, isolated_config):
    made = configure_s2s(sandbox, env)
    procs = [start("token", "--json", env=env) for _ in range(20)]
    results = finish(procs)
    assert [code for code, _, _ in results] == [0] * 20, [err for _, _, err in results]
    answers = [json.loads(out) for _, out, _ in results]
    assert len({a["access_token"] for a in answers}) == 1
    assert sorted(a["source"] for a in answers) == ["cache"] * 19 + ["exchange"]
    assert sandbox.state.tokens_issued[made.client_id] == 1
    chunks, named = chunk_sets(secrets_file(isolated_config), "default:token")
    assert chunks == named and len(named) >= 2  # the record is chunked, and no set is orphaned
    locks = isolated_config / "locks"
    assert oct(locks.stat().st_mode)[-3:] == "700"
    assert {oct(f.stat().st_mode)[-3:] for f in locks.iterdir()} == {"600"}


def _waiting_on(pids: list[int], lock: Path) -> int:
    """How many of `pids` have `lock` open (waiting for it: the holder is this test)."""
    waiting = 0
    for pid in pids:
        fds = Path(f"/proc/{pid}/fd")
        try:
            if any(os.readlink(fd) == str(lock) for fd in fds.iterdir()):
                waiting += 1
        except OSError:
            continue  # the process is gone, or closed that descriptor meanwhile
    return waiting


def refresh_in_parallel(env: dict[str, str], config: Path, profile: str, count: int) -> set[str]:
    """`count` parallel `token --refresh`, all surely waiting before the first one exchanges
    (this test holds their lock meanwhile): the tokens they printed."""
    lock = lock_file(config / "locks", KEYRING_SERVICE, f"{profile}:token exchange")
    with held(lock, "the test"):
        procs = [start("token", "--profile", profile, "--refresh", "--json", env=env)
                 for _ in range(count)]
        deadline = time.monotonic() + 60
        while _waiting_on([p.pid for p in procs], lock) < count:
            assert time.monotonic() < deadline, "the refreshes did not all reach the lock"
            time.sleep(0.05)
    results = finish(procs)
    assert [code for code, _, _ in results] == [0] * count, [err for _, _, err in results]
    return {json.loads(out)["access_token"] for _, out, _ in results}


needs_proc = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(),
                                reason="needs /proc to see the processes waiting")


@needs_proc
def test_parallel_refreshes_make_one_exchange(sandbox, env, isolated_config):
    made = configure_s2s(sandbox, env)
    first = json.loads(run_cli("token", "--json", env=env).stdout)["access_token"]
    tokens = refresh_in_parallel(env, isolated_config, "default", 16)
    assert len(tokens) == 1 and first not in tokens  # one new token, for all of them
    assert sandbox.state.tokens_issued[made.client_id] == 2
    chunks, named = chunk_sets(secrets_file(isolated_config), "default:token")
    assert chunks == named


@needs_proc
def test_parallel_tokens_in_the_real_keyring(secret_service, sandbox, isolated_config,
                                             monkeypatch):
    """The same against gnome-keyring: one exchange for 20 parallel `token`, one for 16
    `--refresh`, no "did not keep", and no chunk set left in the keyring but the current one."""
    from wizard.core.console import SandboxConsole

    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(isolated_config), **secret_service.env)
    made = SandboxConsole(sandbox.console_url).create("parallel", "oauth-s2s").value
    profile = f"kr{os.getpid()}{int(time.time() * 1000) % 100000}"
    configured = run_cli("configure", "--profile", profile, "--org-id", made.org_id,
                         "--client-id", made.client_id, "--ims-url", sandbox.ims_url,
                         "--reactor-url", sandbox.reactor_url, "--client-secret-stdin",
                         input=made.client_secret + "\n", env=env)
    assert configured.returncode == 0, configured.stderr
    assert "keyring (SecretService" in configured.stdout

    results = finish([start("token", "--profile", profile, "--json", env=env) for _ in range(20)])
    assert [code for code, _, _ in results] == [0] * 20, [err for _, _, err in results]
    tokens = {json.loads(out)["access_token"] for _, out, _ in results}
    assert len(tokens) == 1, [err for _, _, err in results if err.strip()]
    assert sandbox.state.tokens_issued[made.client_id] == 1
    assert len(refresh_in_parallel(env, isolated_config, profile, 16)) == 1
    assert sandbox.state.tokens_issued[made.client_id] == 2

    for name, value in secret_service.env.items():
        monkeypatch.setenv(name, value)
    import secretstorage

    with secretstorage.dbus_init() as bus:
        items = secretstorage.get_default_collection(bus).search_items(
            {"service": KEYRING_SERVICE})
        entries = {item.get_attributes()["username"]: item.get_secret().decode() for item in items}
    chunks, named = chunk_sets(entries, f"{profile}:token")
    assert named and chunks == named


def test_a_stuck_lock_ends_in_a_clear_error(tmp_path):
    lock = tmp_path / "new" / "folders" / "x.lock"
    with held(lock, "the thing"), pytest.raises(LockTimeout, match="the thing") as caught, \
            held(lock, "the thing", wait=0.2):
        pass  # pragma: no cover - never reached
    assert "wait for the other launch-wizard command" in caught.value.fix
    assert oct(lock.stat().st_mode)[-3:] == "600"
    assert {oct(f.stat().st_mode)[-3:] for f in (lock.parent, lock.parent.parent)} == {"700"}
    with held(lock, "the thing", wait=0.2):  # released on the way out, even by an error
        pass
    link = tmp_path / "link.lock"
    link.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(LockError), held(link, "the thing"):  # never follows a planted link
        pass  # pragma: no cover - never reached
    assert not (tmp_path / "elsewhere").exists()


WRITER = """
import sys
from wizard.core.secret_store import store_for
store = store_for("file")
me = sys.argv[1]
for round in range(4):
    store.set("shared", "private_key", (me + str(round)) * 700)  # chunked
    store.set(me, "private_key", me * 1500)
"""


def test_parallel_writers_of_one_entry_leave_no_orphan(env, isolated_config):
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, f"w{i}"], env=env, cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(6)]
    for code, _, err in finish(procs):  # type: ignore[arg-type]
        assert code == 0, err  # never "the keyring did not keep" a value another wrote
    entries = secrets_file(isolated_config)
    for user in ["shared:private_key", *(f"w{i}:private_key" for i in range(6))]:
        chunks, named = chunk_sets(entries, user)
        assert named and chunks == named, user
    store = store_for("file")
    assert store.get("shared", "private_key") in {f"w{i}{r}" * 700 for i in range(6) for r in range(4)}
    assert all(store.get(f"w{i}", "private_key") == f"w{i}" * 1500 for i in range(6))


def test_a_reader_racing_a_writer_gets_the_new_value():
    """A reader that finds the chunks of the head it read already gone (a writer replaced the
    value meanwhile) reads the new head, rather than call the stored value damaged."""
    from wizard.core.secret_store import MemoryBackend, SecretStore

    class Racing(MemoryBackend):
        armed = False

        def get_password(self, service: str, user: str) -> str | None:
            if "#" in user and self.armed:  # the first chunk: the other writer comes first
                self.armed = False
                SecretStore(backend=self).set("p", "private_key", "new" * 700)
            return super().get_password(service, user)

    backend = Racing()
    store = SecretStore(backend=backend)
    store.set("p", "private_key", "old" * 700)
    backend.armed = True
    assert store.get("p", "private_key") == "new" * 700
