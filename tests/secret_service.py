"""A real, private Secret Service for tests: dbus-daemon + gnome-keyring-daemon, never the user's.

Used by the keyring integration tests and by CI (REQUIRE_SECRET_SERVICE=1 makes its absence a
failure instead of a skip).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path


class SecretServiceUnavailable(RuntimeError):
    pass


class PrivateSecretService:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.env: dict[str, str] = {}
        self._procs: list[subprocess.Popen] = []

    def start(self) -> PrivateSecretService:
        missing = [t for t in ("dbus-daemon", "gnome-keyring-daemon") if not shutil.which(t)]
        if missing:
            raise SecretServiceUnavailable(f"not installed: {', '.join(missing)} "
                                           "(apt-get install dbus-daemon gnome-keyring)")
        for sub in ("data", "config", "run", "home"):
            (self.root / sub).mkdir(parents=True, exist_ok=True, mode=0o700)
        env = dict(os.environ, XDG_DATA_HOME=str(self.root / "data"),
                   XDG_CONFIG_HOME=str(self.root / "config"), XDG_RUNTIME_DIR=str(self.root / "run"),
                   HOME=str(self.root / "home"))
        env.pop("PYTHON_KEYRING_BACKEND", None)
        bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self._procs.append(bus)
        address = bus.stdout.readline().decode().strip()
        if not address:
            self.stop()
            raise SecretServiceUnavailable("dbus-daemon did not start")
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        daemon = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        self._procs.append(daemon)
        daemon.stdin.write(b"test-password")
        daemon.stdin.close()
        self.env = {k: env[k] for k in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR",
                                        "HOME", "DBUS_SESSION_BUS_ADDRESS")}
        self._wait_ready(env)
        return self

    def _wait_ready(self, env: dict[str, str]) -> None:
        probe = ("import keyring, sys; k = keyring.get_keyring(); "
                 "k.set_password('probe', 'probe', 'ok'); "
                 "sys.exit(0 if k.get_password('probe', 'probe') == 'ok' else 1)")
        import sys

        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                                  timeout=20)
            if done.returncode == 0:
                return
            time.sleep(0.2)
        self.stop()
        raise SecretServiceUnavailable("gnome-keyring did not answer on the private bus: "
                                       + done.stderr.decode()[-300:])

    def stop(self) -> None:
        for proc in reversed(self._procs):
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
        self._procs.clear()
