from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from hypothesis import settings

from tests import pilot_pace
from tests.secret_service import PrivateSecretService, SecretServiceUnavailable
from wizard.core.console import SandboxConsole
from wizard.core.keys import generate_pair
from wizard.core.profile import Profile
from wizard.core.secret_store import MemoryBackend, SecretStore
from wizard.sandbox import Sandbox

REPO = Path(__file__).resolve().parent.parent

if os.environ.get("PYTEST_XDIST_WORKER"):
    # a test worker starts with COLUMNS=80 and LINES=24 set (no terminal behind it), which the
    # wizard under test would take for its terminal's size: a worker runs as a serial run does
    for name in ("COLUMNS", "LINES"):
        os.environ.pop(name, None)

# Generated examples per property: a quick look locally, the long search in CI (.ci/run sets
# HYPOTHESIS_PROFILE=ci). The same tests either way.
settings.register_profile("dev", max_examples=100)
settings.register_profile("ci", max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

pilot_pace.apply()


# Modules whose tests drive the whole app or real processes for many seconds each (and the
# property search, 2,000 examples per parser in CI): run first, so that with several workers none
# is left running one of them alone at the end.
LONGEST_FIRST = ("test_snapshots.py", "test_e2e_tmux.py", "test_fuzz.py", "test_aio.py",
                 "test_tui.py")


def pytest_collection_modifyitems(items):
    def rank(item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: each module keeps its order


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist's: without it, not called
def pytest_xdist_auto_num_workers(config):
    """`-n auto`: one worker more than CPUs. A worker spends about a third of its time waiting
    (on tmux, on the wizard's real processes, on Pilot's pauses), and the spare one runs then."""
    return (os.cpu_count() or 1) + 1


def pytest_addoption(parser):
    parser.addoption("--snapshot-update", action="store_true",
                     help="rewrite tests/snapshots/ from what the screens show now")


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a CLI subprocess: none of the caller's launch-wizard settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LAUNCH_WIZARD_") and k != "PYTHON_KEYRING_BACKEND"}
    env.update(extra)
    return env


def configure_s2s(sandbox, env: dict[str, str], name: str = "cli", run=None):
    """An S2S integration in `sandbox`, configured through the command line (`run`: run_cli, or
    run_main) with its secret in a plaintext file (no keyring needed): its credentials."""
    made = SandboxConsole(sandbox.console_url).create(name, "oauth-s2s").value
    configured = (run or run_cli)("configure", "--org-id", made.org_id, "--client-id", made.client_id,
                         "--ims-url", sandbox.ims_url, "--reactor-url", sandbox.reactor_url,
                         "--client-secret-stdin", "--insecure-storage",
                         input=made.client_secret + "\n", env=env)
    assert configured.returncode == 0, configured.stderr
    return made


def run_cli(*args: str, env: dict[str, str], input: str | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wizard", *args], env=env, input=input,
                          capture_output=True, text=True, timeout=timeout, cwd=REPO)


def run_main(*args: str, env: dict[str, str], input: str | None = None,
             timeout: float = 60) -> subprocess.CompletedProcess:
    """`run_cli` without the process: `wizard.cli.main(args)` in this one, as a fresh process
    would see it (~100 times faster). The environment is exactly `env`; stdin holds `input`;
    stdout and stderr are pipes (no terminal, UTF-8), their text read as `run_cli` reads it; an
    exit through SystemExit (argparse's --help) or an escaping exception ends as the process
    would. State a process starts without is reset: the keyring library's chosen backend, the
    signal handlers a command sets. For what only a process shows (the entry point, signals,
    output encoding, what gets imported) use `run_cli`. `timeout` is accepted and unused."""
    import contextlib
    import io
    import signal
    import traceback
    import warnings

    import keyring.core

    from wizard.cli import main

    if any(k in env for k in ("PYTHONIOENCODING", "PYTHONUTF8")):
        raise ValueError("an encoding set in the environment needs a process: use run_cli")
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    saved_streams = (sys.stdin, sys.stdout, sys.stderr, sys.__stdin__, sys.__stdout__, sys.__stderr__)
    saved_signals = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    saved_keyring = keyring.core._keyring_backend
    stdin = io.TextIOWrapper(io.BytesIO((input or "").encode()), encoding="utf-8")
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    try:
        os.environ.clear()
        os.environ.update(env)
        os.chdir(REPO)
        keyring.core._keyring_backend = None  # chosen again, from this environment
        # the streams' fileno() fails as a pipe's isatty() would: no terminal size is found
        sys.stdin = sys.__stdin__ = stdin
        sys.stdout = sys.__stdout__ = stdout
        sys.stderr = sys.__stderr__ = stderr
        with warnings.catch_warnings():
            warnings.resetwarnings()  # Python's own filters, not pytest's: shown on stderr
            for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning,
                             ResourceWarning):
                warnings.simplefilter("ignore", category)
            try:
                code: object = main(list(args))
            except SystemExit as exc:
                code = exc.code
            except BaseException:  # noqa: BLE001 - as a process ends: the traceback, exit 1
                traceback.print_exc(file=stderr)
                code = 1
        if code is None:
            code = 0
        elif not isinstance(code, int):
            print(code, file=stderr)
            code = 1
        with contextlib.suppress(ValueError):
            stdout.flush()
            stderr.flush()
    finally:
        (sys.stdin, sys.stdout, sys.stderr, sys.__stdin__, sys.__stdout__,
         sys.__stderr__) = saved_streams
        for sig, handler in saved_signals.items():
            signal.signal(sig, handler)
        keyring.core._keyring_backend = saved_keyring
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)

    def text(stream: io.TextIOWrapper) -> str:  # as subprocess's text mode decodes a pipe
        raw = stream.buffer.getvalue().decode("utf-8", errors="strict")  # type: ignore[attr-defined]
        return raw.replace("\r\n", "\n").replace("\r", "\n")

    return subprocess.CompletedProcess([sys.executable, "-m", "wizard", *args], code,
                                       text(stdout), text(stderr))


@pytest.fixture(autouse=True)
def isolated_config(tmp_path, monkeypatch) -> Path:
    """Every test gets its own config and cache folders and none of the caller's LAUNCH_WIZARD_*
    variables."""
    for name in list(os.environ):
        if name.startswith("LAUNCH_WIZARD_") or name == "PYTHON_KEYRING_BACKEND":
            monkeypatch.delenv(name)
    folder = tmp_path / "config"
    monkeypatch.setenv("LAUNCH_WIZARD_CONFIG_DIR", str(folder))
    # a token cached without a keyring goes to the user cache folder: this test's own, also for
    # the processes it starts (clean_env keeps this variable)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    return folder


@pytest.fixture(scope="session")
def sandbox():
    with Sandbox() as sb:
        yield sb


@pytest.fixture(scope="session")
def _stopping():
    """Sandboxes being stopped (uvicorn takes ~0.2 s to wind down): waited for once, at the end,
    not after each test."""
    import threading

    stopping: list[threading.Thread] = []
    yield stopping
    for thread in stopping:
        thread.join()


@pytest.fixture(scope="session")
def _signing_key():
    """The key that signs the access tokens of every fresh sandbox in this worker: a new 2048-bit
    RSA key costs ~50 ms of CPU. A token still works only at the sandbox that holds its
    integration (the one test that checks this is in test_sandbox_contract)."""
    from wizard.sandbox.state import SandboxState

    return SandboxState().signing_key


@pytest.fixture
def fresh_sandbox(_stopping, _signing_key):
    """A sandbox of its own, for tests that move its clock or add faults."""
    import threading

    from wizard.sandbox.state import SandboxState

    state = SandboxState()
    state._signing_key = _signing_key
    sb = Sandbox(state=state).start()
    yield sb
    stop = threading.Thread(target=sb.stop, name="sandbox-stop")
    stop.start()
    _stopping.append(stop)


@pytest.fixture(scope="session")
def keypair(tmp_path_factory):
    return generate_pair(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="session")
def other_keypair(tmp_path_factory):
    return generate_pair(tmp_path_factory.mktemp("other-keys"))


@pytest.fixture
def memory_store() -> SecretStore:
    return SecretStore(backend=MemoryBackend(limit=1000))


def jwt_profile(sandbox, creds, keypair=None, **changes) -> Profile:
    fields = {"org_id": creds.org_id, "client_id": creds.client_id,
                  "technical_account_id": creds.technical_account_id,
                  "ims_url": sandbox.ims_url, "reactor_url": sandbox.reactor_url}
    if keypair is not None:
        fields["certificate_path"] = str(keypair.cert_path)
    fields.update(changes)
    return Profile(name=f"p{uuid.uuid4().hex[:8]}", auth_type="jwt").with_changes(**fields)


def s2s_profile(sandbox, creds, **changes) -> Profile:
    fields = {"org_id": creds.org_id, "client_id": creds.client_id,
                  "ims_url": sandbox.ims_url, "reactor_url": sandbox.reactor_url}
    fields.update(changes)
    return Profile(name=f"p{uuid.uuid4().hex[:8]}", auth_type="oauth-s2s").with_changes(**fields)


@pytest.fixture
def jwt_setup(sandbox, keypair, memory_store):
    """A JWT integration with the test certificate uploaded, and a profile with its secrets."""
    console = SandboxConsole(sandbox.console_url)
    creds = console.create("test", "jwt").value
    console.upload(creds.client_id, keypair.cert_path.read_text())
    profile = jwt_profile(sandbox, creds, keypair)
    memory_store.set(profile.name, "client_secret", creds.client_secret)
    memory_store.set(profile.name, "private_key", keypair.key_path.read_text())
    return creds, profile, memory_store


@pytest.fixture
def s2s_setup(sandbox, memory_store):
    creds = SandboxConsole(sandbox.console_url).create("test", "oauth-s2s").value
    profile = s2s_profile(sandbox, creds)
    memory_store.set(profile.name, "client_secret", creds.client_secret)
    return creds, profile, memory_store


@pytest.fixture(scope="session")
def secret_service(tmp_path_factory):
    try:
        service = PrivateSecretService(tmp_path_factory.mktemp("secret-service")).start()
    except SecretServiceUnavailable as exc:
        if os.environ.get("REQUIRE_SECRET_SERVICE") == "1":
            pytest.fail(f"REQUIRE_SECRET_SERVICE=1 but no Secret Service could start: {exc}")
        pytest.skip(f"no Secret Service here: {exc}")
    yield service
    service.stop()
