"""kill -9 in the middle of writing: the profile file is always whole, old or new."""

import random
import signal
import subprocess
import sys
import time
import tomllib

from tests.conftest import REPO, clean_env

WRITER = """
import itertools
from wizard.core.profile import Profile, ProfileStore
store = ProfileStore()
for i in itertools.count():
    store.save(Profile(name="p", client_id=f"client{i % 2}", org_id=f"{'A' * (i % 500)}@AdobeOrg"))
"""


def test_profile_writes_survive_kill_9(tmp_path):
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path))
    path = tmp_path / "config.toml"
    rounds = 12
    for _ in range(rounds):
        writer = subprocess.Popen([sys.executable, "-c", WRITER], env=env, cwd=REPO)
        started = time.monotonic()
        while not path.exists() and time.monotonic() - started < 60:  # a busy machine starts
            time.sleep(0.01)                                            # Python slowly
        time.sleep(0.1 + random.random() * 0.3)  # well inside a stream of writes
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        profile = tomllib.loads(path.read_text())["profiles"]["p"]  # whole, never torn
        assert profile["client_id"] in ("client0", "client1")
        assert profile["org_id"].endswith("@AdobeOrg")
    assert oct(path.stat().st_mode)[-3:] == "600"
    from wizard.core.profile import Profile, ProfileStore

    ProfileStore(path).save(Profile(name="after"))  # the next write tidies what kills left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml", "config.toml.lock"]


def test_a_key_file_is_never_overwritten_or_loosened(tmp_path):
    from wizard.core.keys import generate_pair

    pair = generate_pair(tmp_path)
    before = pair.key_path.read_bytes()
    for _ in range(3):
        done = subprocess.run([sys.executable, "-m", "wizard", "keygen", "--out-dir", str(tmp_path)],
                              capture_output=True, text=True, cwd=REPO, env=clean_env())
        assert done.returncode == 2 and "refusing to overwrite" in done.stderr
    assert pair.key_path.read_bytes() == before
    assert oct(pair.key_path.stat().st_mode)[-3:] == "600"
