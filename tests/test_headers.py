"""`launch-wizard headers | curl -H @-`: the Launch API through the real curl, with the token on
curl's standard input and never in its command line."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import clean_env, configure_s2s, run_main
from wizard.core.reactor import curl_command

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")


@pytest.fixture
def env(tmp_path):
    """The CLI's environment, with this interpreter's `launch-wizard` first on PATH."""
    scripts = str(Path(sys.executable).parent)
    return clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"),
                     DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent",
                     PATH=scripts + os.pathsep + os.environ.get("PATH", ""))


def shell(command: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", "-c", command], env=env, capture_output=True, text=True, timeout=60)


def test_headers_are_the_five_the_api_needs_with_the_cached_token(sandbox, env):
    made = configure_s2s(sandbox, env, run=run_main)
    printed = run_main("headers", env=env)
    assert printed.returncode == 0, printed.stderr
    token = run_main("token", env=env).stdout.strip()  # the same, cached token
    assert printed.stdout.splitlines() == [
        f"Authorization: Bearer {token}", f"x-api-key: {made.client_id}",
        f"x-gw-ims-org-id: {made.org_id}", "Accept: application/vnd.api+json;revision=1",
        "Content-Type: application/vnd.api+json"]


def test_curl_reads_them_from_stdin_and_the_token_stays_out_of_its_argv(sandbox, env):
    configure_s2s(sandbox, env, run=run_main)
    token = run_main("token", env=env).stdout.strip()
    url = f"{sandbox.reactor_url}/companies"
    command = f"launch-wizard headers | curl -sS -w '\\n%{{http_code}}' -H @- '{url}'"
    assert token not in command  # all that `ps` could show of curl is in this text
    done = shell(command, env)
    assert done.returncode == 0, done.stderr
    body, status = done.stdout.rsplit("\n", 1)
    assert status == "200" and json.loads(body)["data"][0]["type"] == "companies"


def test_a_headers_file_works_too(sandbox, env, tmp_path):
    configure_s2s(sandbox, env, run=run_main)
    saved = tmp_path / "headers.txt"
    assert shell(f"launch-wizard headers > '{saved}'", env).returncode == 0
    done = shell(f"curl -sS -f -H @'{saved}' '{sandbox.reactor_url}/companies'", env)
    assert done.returncode == 0 and json.loads(done.stdout)["data"], done.stderr


def test_the_wizard_s_copied_curl_holds_no_token_and_works_in_a_shell(sandbox, env, tmp_path):
    configure_s2s(sandbox, env, name="copied", run=run_main)
    token = run_main("token", env=env).stdout.strip()
    copied = curl_command(sandbox.reactor_url, "default")
    assert token not in copied and "Bearer" not in copied
    shims = tmp_path / "shims"  # a curl that writes down its argv, then runs the real one
    shims.mkdir()
    (shims / "curl").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{tmp_path}/argv"\n'
                                f'exec "{shutil.which("curl")}" "$@"\n')
    (shims / "curl").chmod(0o755)
    done = shell(copied, env | {"PATH": f"{shims}{os.pathsep}{env['PATH']}"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["data"][0]["attributes"]["name"]
    argv = (tmp_path / "argv").read_text().splitlines()
    assert argv[-3:-1] == ["-H", "@-"] and token not in "".join(argv)


def test_an_odd_profile_name_stays_one_word_in_the_copied_command(sandbox, env):
    command = curl_command(sandbox.reactor_url, "it's; rm -rf ~")
    done = shell(command.replace("launch-wizard headers", "printf '%s\\n'", 1)
                 .replace("| curl -sS -H @- ", "; : "), env)
    assert done.stdout.splitlines()[:2] == ["--profile", "it's; rm -rf ~"]


def test_a_token_with_a_line_break_cannot_add_a_header(fresh_sandbox, env):
    configure_s2s(fresh_sandbox, env, run=run_main)
    assert httpx.post(f"{fresh_sandbox.console_url}/faults", json={
        "path": "/ims/token/v3", "status": 200,
        "body": {"access_token": "abc\nx-evil: 1", "token_type": "bearer", "expires_in": 86399},
    }).status_code == 201
    done = run_main("headers", env=env)
    assert done.returncode == 3 and "x-evil" not in done.stdout, done.stdout
    assert "cannot be sent as a header" in done.stderr


def test_headers_without_a_profile_is_bad_input(env):
    done = run_main("headers", env=env)
    assert done.returncode == 2 and "error:" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""
