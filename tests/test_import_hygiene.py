"""The engine and the headless commands never import Textual or Rich; the cached token path
does not even import httpx or PyJWT."""

import importlib
import json
import pkgutil
import subprocess
import sys

import pytest

from tests.conftest import REPO, clean_env


def _modules(*packages: str) -> list[str]:
    """Every module of `packages`, found by walking them: a new module is covered as it lands."""
    found = []
    for name in packages:
        package = importlib.import_module(name)
        found += [m.name for m in pkgutil.walk_packages(package.__path__, f"{name}.")]
    return sorted(found)


# the engine, the use cases, the headless commands, and the front door that leads to them
CORE = ["wizard.cli", *_modules("wizard.core", "wizard.flows", "wizard.commands")]


def loaded_after(code: str, env=None) -> set[str]:
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=REPO, env=env, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_the_walk_finds_the_engine_and_the_commands():
    assert {"wizard.core.tokens", "wizard.core.locks", "wizard.commands.api",
            "wizard.commands.output"} <= set(CORE)
    assert not [m for m in CORE if m.startswith(("wizard.tui", "wizard.sandbox"))]


@pytest.mark.parametrize("module", CORE)
def test_core_modules_import_neither_textual_nor_rich(module):
    modules = loaded_after(f"import {module}")
    assert not {m for m in modules if m.split(".")[0] in ("textual", "rich")}
    assert "wizard.core.ims" not in modules or module != "wizard.core.profile"


def test_token_command_on_the_cached_path(tmp_path):
    """Runs `launch-wizard token` in-process with a cached token and records what it loaded."""
    code = f"""
import os, sys, json, time
os.environ["LAUNCH_WIZARD_CONFIG_DIR"] = {str(tmp_path)!r}
from wizard.core.profile import Profile, ProfileStore
from wizard.core.secret_store import store_for
p = Profile(client_id="cid", org_id="O@AdobeOrg", storage="file")
ProfileStore().save(p)
from wizard.core.ims import Token
from wizard.core.tokens import remember
remember(p, store_for("file"), Token("tok", time.time() + 9999))
for m in [m for m in sys.modules if m.startswith(("wizard", "tomli_w"))]:
    del sys.modules[m]
from wizard.cli import main
rc = main(["token"])
assert rc == 0, rc
"""
    modules = loaded_after(code, env=clean_env())
    top = {m.split(".")[0] for m in modules}
    assert not top & {"textual", "rich", "httpx", "jwt", "starlette", "uvicorn"}, top


def test_the_wizards_first_screen_loads_no_server_keyring_or_http(tmp_path):
    """Opening the wizard (not in sandbox mode) must not pay for what its first screen does not use."""
    code = """
import sys, json
from wizard.tui.app import WizardApp
seen = {}
async def auto(pilot):
    await pilot.pause()
    seen["modules"] = sorted(sys.modules)
    seen["step"] = pilot.app.current
    pilot.app.exit()
WizardApp().run(headless=True, auto_pilot=auto)
print(json.dumps(seen))
"""
    env = clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                         env=env, check=True)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["step"] == "organization"
    top = {m.split(".")[0] for m in seen["modules"]}
    assert not top & {"starlette", "uvicorn", "httpx", "jwt", "keyring", "secretstorage"}, top
    assert "wizard.sandbox" not in seen["modules"]
    assert "wizard.tui.steps.credentials" not in seen["modules"]  # steps load when first shown
    # widgets no step on the first frame shows (TextArea alone: 37 M instructions)
    assert not {"textual.widgets._text_area", "textual.widgets._switch"} & set(seen["modules"])
