"""Whole-process benchmarks, each against a baseline measured alternately in the same run.

`make bench` (or `python -m bench.run [--pairs N] [--first-frame]`, the latter for the wizard's
first frames only) sets everything up itself in a temporary folder: a private Secret Service,
the sandbox in another process, a JWT integration, a profile, and Adobe's own Node client
(@adobe/jwt-auth) from the npm registry. It prints one table: the median wall time (or peak
memory) of ours and of the baseline, their ratio, the goal. `python -m bench.cpu_frame` measures
the first frames' CPU time instead of wall time (steadier on a shared machine) and profiles them;
`python -m bench.instructions` counts their instructions under valgrind (the same run after run).
"""

from __future__ import annotations

import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO))

from bench import bare_app, first_paint  # noqa: E402 - needs the path above when run as a script

Row = tuple[str, float | None, float | None, str, float | None, str]  # see `report`
FRAME_PAIRS = 21  # at least: a first frame moves most from one run to the next
WIZARD_MARKER = "Credential type"  # step 1's first words: the first frame worth looking at
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


def measure(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, ...]:
    """Wall seconds and peak RSS (KiB) of one whole process, then any numbers it printed."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])}... failed: {_read(proc.stderr)[-500:]}")
    printed = _read(proc.stdout).split()
    return (elapsed, usage.ru_maxrss, *(float(v) for v in printed if _number(v)))


def _read(stream: IO[bytes] | None) -> str:
    return stream.read().decode() if stream is not None else ""


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def pairs(ours, baseline, n: int, env, cwd=None, before=None) -> tuple[list[float], list[float]]:
    """Alternate the two commands n times; the median of each figure `measure` gives, for each."""
    mine: list[tuple[float, ...]] = []
    theirs: list[tuple[float, ...]] = []
    for i in range(n):
        order = [(ours, mine), (baseline, theirs)]
        for command, results in order if i % 2 == 0 else reversed(order):
            if before:
                before()
            results.append(measure(command, env, cwd))
    return ([statistics.median(r[k] for r in mine) for k in range(len(mine[0]))],
            [statistics.median(r[k] for r in theirs) for k in range(len(theirs[0]))])


def setup(root: Path):
    """A private Secret Service, the sandbox in its own process, a JWT profile with a cached token."""
    import httpx

    from tests.secret_service import PrivateSecretService

    service = PrivateSecretService(root / "secret-service").start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAUNCH_WIZARD_")}
    env.update(service.env, LAUNCH_WIZARD_CONFIG_DIR=str(root / "config"))
    sandbox = subprocess.Popen([str(BIN / "launch-wizard"), "sandbox", "--json"], env=env,
                               stdout=subprocess.PIPE, text=True)
    assert sandbox.stdout is not None
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
    return service, sandbox, env, made, urls


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
    # As installed packages are: byte-compiled once, not at every start (PYTHONDONTWRITEBYTECODE
    # would otherwise make every run compile the project's modules again).
    compileall.compile_dir(str(REPO / "wizard"), quiet=1)
    n_keygen = max(n, 15)  # RSA key generation varies a lot from one key to the next
    root = Path(tempfile.mkdtemp(prefix="launch-wizard-bench-"))
    py, lw = sys.executable, str(BIN / "launch-wizard")
    service, sandbox, env, made, urls = setup(root)
    rows: list[Row] = []
    try:
        rows += first_frames(root, env, max(n, FRAME_PAIRS))
        if "--first-frame" in argv:  # only these: the rows below take minutes
            return report(rows, n, n_keygen)
        ours, base = pairs([lw, "token"], [py, "-c", KEYRING_GET], n, env)
        rows.append(("token, cached (real Secret Service)", ours[0], base[0],
                     "import keyring + get_password", 1.15, "s"))
        org, client = made["org_id"], made["client_id"]
        by_hand = (f'curl -sf "$R/companies" -H "Authorization: Bearer $({lw} token)" '
                   f'-H "x-api-key: {client}" -H "x-gw-ims-org-id: {org}" '
                   "-H 'Accept: application/vnd.api+json;revision=1'")
        ours, base = pairs([lw, "api", "/companies"], ["sh", "-c", by_hand],
                           n, dict(env, R=urls["reactor"]))
        rows.append(("api /companies (cached token)", ours[0], base[0],
                     "curl with $(launch-wizard token) and 4 headers", 1.50, "s"))
        node = node_client(root)
        if node:
            ours, base = pairs([lw, "token", "--refresh"],
                               ["node", str(node / "exchange.js"), str(root / "integration.json")],
                               n, env, cwd=node)
            rows.append(("token --refresh (JWT exchange)", ours[0], base[0],
                         "@adobe/jwt-auth 2.0.0 on Node", 1.00, "s"))
        else:
            rows.append(("token --refresh (JWT exchange)", None, None,
                         "node/npm unavailable: not measured", 1.00, "s"))
        out = root / "keygen"

        def clean() -> None:
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()

        ours, base = pairs(
            [lw, "keygen", "--out-dir", str(out)],
            ["openssl", "req", "-x509", "-sha256", "-nodes", "-days", "365", "-newkey", "rsa:2048",
             "-keyout", str(out / "o.key"), "-out", str(out / "o.crt"), "-subj", "/CN=bench"],
            n_keygen, env, before=clean)
        rows.append(("keygen (RSA 2048 + certificate)", ours[0], base[0], "openssl req -x509 ...",
                     1.20, "s"))
    finally:
        sandbox.terminate()
        service.stop()
        shutil.rmtree(root, ignore_errors=True)

    return report(rows, n, n_keygen)


def first_frames(root: Path, env: dict[str, str], n: int) -> list[Row]:
    """Step 1 drawn in a new user's terminal, by the plain wizard and in sandbox mode."""
    py, lw = sys.executable, str(BIN / "launch-wizard")
    runner = [py, first_paint.__file__]
    bare = [*runner, bare_app.MARKER, py, bare_app.__file__]
    rows: list[Row] = []
    for mode, args in (("wizard", []), ("--sandbox", ["--sandbox"])):
        first = dict(env, LAUNCH_WIZARD_CONFIG_DIR=str(root / f"first-paint{len(args)}"),
                     LAUNCH_WIZARD_CACHE_DIR=str(root / f"cache{len(args)}"))
        # the very first start parses the stylesheets and keeps them; the pairs then start as
        # every start after it does
        cold = measure([*runner, WIZARD_MARKER, lw, *args], first)
        ours, theirs = pairs([*runner, WIZARD_MARKER, lw, *args], bare, n, first)
        # [0] the whole runner, as a person times a command; [2] the program alone; [3] its memory
        rows.append((f"{mode} first frame (pty 120x40, whole)", ours[0], theirs[0],
                     "bare Textual app, one Static", 1.25, "s"))
        rows.append(("  the same, the program alone", ours[2], theirs[2], "bare Textual app",
                     None, "s"))
        rows.append(("  its very first start, alone (once)", cold[2], theirs[2],
                     "bare Textual app", None, "s"))
        rows.append(("  peak memory of that run", ours[3] / 1024, theirs[3] / 1024,
                     "bare Textual app", 1.20 if not args else None, "MiB"))
    return rows


def report(rows: list[Row], n: int, n_keygen: int) -> int:
    """The table of (what, ours, baseline, what the baseline is, goal ratio or None, unit);
    1 if a goal was missed."""
    print(f"launch-wizard benchmarks: medians of {n} alternating pairs (first frames "
          f"{max(n, FRAME_PAIRS)}, keygen {n_keygen}), "
          f"{os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"{'what':44} {'ours':>8} {'baseline':>9} {'ratio':>6} {'goal':>5}  baseline")
    missed = False
    for what, mine, theirs, against, goal, unit in rows:
        shown_goal = f"{goal:.2f}" if goal else "-"
        if mine is None or theirs is None:
            print(f"{what:44} {'n/a':>8} {'n/a':>9} {'':>6} {shown_goal:>5}  {against}")
            continue
        ratio = mine / theirs
        verdict = "" if goal is None else " (ok)" if ratio <= goal else " (MISSED)"
        missed |= goal is not None and ratio > goal
        show = (lambda v: f"{v * 1000:.0f} ms") if unit == "s" else (lambda v: f"{v:.0f} MiB")
        print(f"{what:44} {show(mine):>8} {show(theirs):>9} {ratio:>6.2f} {shown_goal:>5}  "
              f"{against}{verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
