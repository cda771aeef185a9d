"""Whole-process benchmarks, each against a baseline measured alternately in the same run.

`make bench` (or `python -m bench.run [--pairs N]`) sets everything up itself in a temporary
folder: a private Secret Service, the sandbox in another process, a JWT integration, a
profile, and Adobe's own Node client (@adobe/jwt-auth) from the npm registry. It prints one
table: the median wall time (or peak memory) of ours and of the baseline, their ratio, the goal.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO))

WIZARD_START = """
from wizard.tui.app import WizardApp
async def auto(pilot):
    await pilot.pause()
    pilot.app.exit()
WizardApp().run(headless=True, auto_pilot=auto)
"""
BARE_START = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("launch-wizard")
async def auto(pilot):
    await pilot.pause()
    pilot.app.exit()
Bare().run(headless=True, auto_pilot=auto)
"""
KEYRING_GET = "import keyring; keyring.get_password('launch-wizard', 'x')"
NODE_EXCHANGE = """
const auth = require('@adobe/jwt-auth');
const fs = require('fs');
const c = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
auth({clientId: c.client_id, technicalAccountId: c.technical_account_id, orgId: c.org_id,
      clientSecret: c.client_secret, privateKey: fs.readFileSync(c.key, 'utf8'),
      metaScopes: ['ent_reactor_sdk'], ims: c.ims})
  .then(t => console.log(t.access_token))
  .catch(e => { console.error(e.message); process.exit(3); });
"""


def measure(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one whole process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])}... failed: {proc.stderr.read().decode()[-500:]}")
    return elapsed, usage.ru_maxrss


def pairs(ours, baseline, n: int, env, cwd=None, before=None):
    """Alternate the two commands n times; the medians of time and of peak memory of each."""
    mine, theirs = [], []
    for i in range(n):
        order = [(ours, mine), (baseline, theirs)]
        for command, results in order if i % 2 == 0 else reversed(order):
            if before:
                before()
            results.append(measure(command, env, cwd))

    def median(rows, k):
        return statistics.median(r[k] for r in rows)

    return (median(mine, 0), median(theirs, 0)), (median(mine, 1), median(theirs, 1))


def setup(root: Path):
    """A private Secret Service, the sandbox in its own process, a JWT profile with a cached token."""
    import httpx

    from tests.secret_service import PrivateSecretService

    service = PrivateSecretService(root / "secret-service").start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAUNCH_WIZARD_")}
    env.update(service.env, LAUNCH_WIZARD_CONFIG_DIR=str(root / "config"))
    sandbox = subprocess.Popen([str(BIN / "launch-wizard"), "sandbox", "--json"], env=env,
                               stdout=subprocess.PIPE, text=True)
    urls = json.loads(sandbox.stdout.readline())
    made = httpx.post(f"{urls['console']}/integrations",
                      json={"name": "bench", "auth_type": "jwt"}).json()

    def run(*args: str, **kwargs) -> None:
        subprocess.run([str(BIN / "launch-wizard"), *args], env=env, check=True,
                       capture_output=True, text=True, **kwargs)

    keys = root / "keys"
    run("keygen", "--out-dir", str(keys))
    httpx.post(f"{urls['console']}/integrations/{made['client_id']}/certificates",
               json={"certificate": (keys / "adobe-io-public.crt").read_text()}).raise_for_status()
    run("configure", "--auth", "jwt", "--org-id", made["org_id"], "--client-id", made["client_id"],
        "--technical-account-id", made["technical_account_id"], "--metascope", "ent_reactor_sdk",
        "--private-key", str(keys / "private.key"), "--ims-url", urls["ims"],
        "--reactor-url", urls["reactor"], "--client-secret-stdin", input=made["client_secret"] + "\n")
    run("token")  # cached from here on
    (root / "integration.json").write_text(json.dumps(
        dict(made, key=str(keys / "private.key"), ims=urls["ims"])))
    return service, sandbox, env


def node_client(root: Path) -> Path | None:
    """Adobe's own JWT client, from the npm registry, into a temporary folder."""
    if not (shutil.which("node") and shutil.which("npm")):
        return None
    folder = root / "node"
    folder.mkdir()
    done = subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix",
                           str(folder), "@adobe/jwt-auth@2.0.0"], capture_output=True, timeout=300)
    if done.returncode != 0:
        return None
    (folder / "exchange.js").write_text(NODE_EXCHANGE)
    return folder


def main(argv: list[str]) -> int:
    n = int(argv[argv.index("--pairs") + 1]) if "--pairs" in argv else 9
    n_keygen = max(n, 15)  # RSA key generation varies a lot from one key to the next
    root = Path(tempfile.mkdtemp(prefix="launch-wizard-bench-"))
    py, lw = sys.executable, str(BIN / "launch-wizard")
    service, sandbox, env = setup(root)
    rows = []
    try:
        (t_ours, t_bare), (m_ours, m_bare) = pairs([py, "-c", WIZARD_START],
                                                  [py, "-c", BARE_START], n, env)
        rows.append(("wizard start to first idle frame", t_ours, t_bare, "bare Textual app", 1.10, "s"))
        rows.append(("peak memory of that run", m_ours / 1024, m_bare / 1024, "bare Textual app",
                     1.20, "MiB"))
        (t_ours, t_base), _ = pairs([lw, "token"], [py, "-c", KEYRING_GET], n, env)
        rows.append(("token, cached (real Secret Service)", t_ours, t_base,
                     "import keyring + get_password", 1.15, "s"))
        node = node_client(root)
        if node:
            (t_ours, t_node), _ = pairs([lw, "token", "--refresh"],
                                        ["node", str(node / "exchange.js"),
                                         str(root / "integration.json")], n, env, cwd=node)
            rows.append(("token --refresh (JWT exchange)", t_ours, t_node,
                         "@adobe/jwt-auth 2.0.0 on Node", 1.00, "s"))
        else:
            rows.append(("token --refresh (JWT exchange)", None, None,
                         "node/npm unavailable: not measured", 1.00, "s"))
        out = root / "keygen"

        def clean() -> None:
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()

        (t_ours, t_ssl), _ = pairs(
            [lw, "keygen", "--out-dir", str(out)],
            ["openssl", "req", "-x509", "-sha256", "-nodes", "-days", "365", "-newkey", "rsa:2048",
             "-keyout", str(out / "o.key"), "-out", str(out / "o.crt"), "-subj", "/CN=bench"],
            n_keygen, env, before=clean)
        rows.append(("keygen (RSA 2048 + certificate)", t_ours, t_ssl, "openssl req -x509 ...",
                     1.20, "s"))
    finally:
        sandbox.terminate()
        service.stop()
        shutil.rmtree(root, ignore_errors=True)

    print(f"launch-wizard benchmarks: medians of {n} alternating pairs (keygen {n_keygen}), "
          f"{os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"{'what':38} {'ours':>8} {'baseline':>9} {'ratio':>6} {'goal':>5}  baseline")
    missed = False
    for what, ours, base, against, goal, unit in rows:
        if ours is None:
            print(f"{what:38} {'n/a':>8} {'n/a':>9} {'':>6} {goal:>5.2f}  {against}")
            continue
        ratio = ours / base
        missed |= ratio > goal
        show = (lambda v: f"{v * 1000:.0f} ms") if unit == "s" else (lambda v: f"{v:.0f} MiB")
        verdict = "ok" if ratio <= goal else "MISSED"
        print(f"{what:38} {show(ours):>8} {show(base):>9} {ratio:>6.2f} {goal:>5.2f}  "
              f"{against} ({verdict})")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
