"""The file rules (wizard/core/files.py), each written as the attack it stops: what is read from
outside is bounded and only ever a regular file; what is created is created exclusively, never
through a link, in folders only its owner can enter; a temp file never outlives its write."""

from __future__ import annotations

import os
import secrets
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, clean_env, run_main
from wizard.core import files
from wizard.core.errors import ConfigError, KeyFileError
from wizard.core.files import (
    MAX_FILE_BYTES,
    NestedTooDeep,
    create_new,
    make_folders,
    parse_json,
    read_limited,
    write_atomically,
)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


# --- reading ------------------------------------------------------------------------------------

@pytest.fixture
def hostile(tmp_path) -> dict[str, Path]:
    """Paths that are not a small regular file, as a person (or another user) might give them."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (MAX_FILE_BYTES + 1))
    link = tmp_path / "zero-link"
    link.symlink_to("/dev/zero")
    return {"fifo": fifo, "zero": Path("/dev/zero"), "big": big, "folder": tmp_path,
            "zero-link": link}


@pytest.mark.parametrize("kind, words", [
    ("fifo", "is a named pipe, not a file"), ("zero", "is a device, not a file"),
    ("zero-link", "is a device, not a file"), ("big", "holds more than 1 MiB"),
    ("folder", "is a folder, not a file")])
def test_only_a_small_regular_file_is_read(hostile, kind, words, monkeypatch):
    """Refused from what opening it (without blocking) says: not one byte of it is read."""
    read: list[int] = []
    real_read = os.read
    monkeypatch.setattr(files.os, "read", lambda fd, n: read.append(n) or real_read(fd, n))
    with pytest.raises(KeyFileError, match=words) as refused:
        read_limited(hostile[kind], expected="the private key file", error=KeyFileError)
    assert refused.value.fix and read == []


def test_a_file_that_grows_after_its_size_was_checked_is_cut_at_the_limit(tmp_path, monkeypatch):
    """fstat said small, then more came: never more than limit + 1 bytes are read."""
    path = tmp_path / "growing"
    path.write_bytes(b"x" * 8192)
    real_fstat = os.fstat

    def as_it_was(fd):
        now = real_fstat(fd)
        return os.stat_result((now.st_mode, now.st_ino, now.st_dev, now.st_nlink, now.st_uid,
                               now.st_gid, 10, int(now.st_atime), int(now.st_mtime), int(now.st_ctime)))

    read = []
    real_read = os.read
    monkeypatch.setattr(files.os, "fstat", as_it_was)
    monkeypatch.setattr(files.os, "read", lambda fd, n: read.append(n) or real_read(fd, n))
    with pytest.raises(ConfigError, match="holds more than 2 KiB"):
        read_limited(path, limit=2048)
    assert sum(read) <= 2049


def test_a_missing_file_may_stand_for_empty(tmp_path):
    assert read_limited(tmp_path / "absent", if_missing=b"{}") == b"{}"
    with pytest.raises(ConfigError, match="file not found"):
        read_limited(tmp_path / "absent")


def test_json_nested_too_deep_is_bad_json_not_a_crash():
    with pytest.raises(ValueError) as refused:
        parse_json("[" * 200_000 + "]" * 200_000)
    assert isinstance(refused.value, NestedTooDeep)
    assert parse_json(b'{"a": [1, {"b": null}]}') == {"a": [1, {"b": None}]}


# --- creating -----------------------------------------------------------------------------------

def test_create_new_never_writes_through_a_link_or_over_a_file(tmp_path):
    target = tmp_path / "victim"
    target.write_text("theirs")
    planted = tmp_path / "out.env"
    planted.symlink_to(target)
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    for path in (planted, dangling, target):
        with pytest.raises(ConfigError, match="already exists"):
            create_new(path, b"SECRET")
    assert target.read_text() == "theirs" and not (tmp_path / "nowhere").exists()


def test_create_new_sets_the_mode_whatever_the_umask(tmp_path):
    old = os.umask(0o077)
    try:
        create_new(tmp_path / "public.crt", b"cert", 0o644)
    finally:
        os.umask(old)
    os.umask(0)
    try:
        create_new(tmp_path / "private.key", b"key")
    finally:
        os.umask(old)
    assert mode_of(tmp_path / "public.crt") == 0o644 and mode_of(tmp_path / "private.key") == 0o600


def test_a_failed_write_leaves_no_file(tmp_path, monkeypatch):
    def disk_full(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "write", disk_full)
    with pytest.raises(ConfigError, match="No space left"):
        create_new(tmp_path / "out.env", b"SECRET")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_each_folder_made_is_0700(tmp_path, umask):
    old = os.umask(umask)
    try:
        make_folders(tmp_path / "a" / "b" / "c")
    finally:
        os.umask(old)
    for folder in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert mode_of(folder) == 0o700, folder


def test_an_existing_folder_keeps_its_mode(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    make_folders(shared / "mine")
    assert mode_of(shared) == 0o755 and mode_of(shared / "mine") == 0o700


# --- replacing ----------------------------------------------------------------------------------

def test_write_atomically_removes_its_temp_on_any_exception(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text("old")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(path, b"new secret")
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"] and path.read_text() == "old"


def test_a_planted_temp_name_is_drawn_again(tmp_path, monkeypatch):
    """A neighbour who guesses the next temp name (here: is handed it) does not make the write
    fail, and the planted file is not written into."""
    path = tmp_path / "config.toml"
    names = iter(["planted", "planted", "fresh"])
    monkeypatch.setattr(secrets, "token_hex", lambda n: next(names))
    planted = tmp_path / f".config.toml.{os.getpid()}.planted.tmp"
    planted.symlink_to(tmp_path / "victim")
    write_atomically(path, b"mine")
    assert path.read_bytes() == b"mine" and not (tmp_path / "victim").exists()
    assert planted.is_symlink()


def test_strangers_leftovers_never_fail_the_write(tmp_path):
    """Names shaped like our temp files: a folder, a link, one whose writer is alive, a pid that
    is not a number. None of them fails the write; only our own dead writer's file is removed."""
    path = tmp_path / "config.toml"
    dead = _dead_pid()
    folder = tmp_path / f".config.toml.{dead}.aaaa.tmp"
    folder.mkdir()
    (folder / "inside").write_text("theirs")
    link = tmp_path / f".config.toml.{dead}.bbbb.tmp"
    link.symlink_to(tmp_path / "victim")
    alive = tmp_path / f".config.toml.{os.getppid()}.cccc.tmp"
    alive.write_text("a writer at work")
    odd = tmp_path / ".config.toml.notapid.dddd.tmp"
    odd.write_text("?")
    orphan = tmp_path / f".config.toml.{dead}.eeee.tmp"
    orphan.write_text("killed mid-write")
    write_atomically(path, b"new")
    assert path.read_bytes() == b"new"
    assert (folder / "inside").exists() and link.is_symlink() and alive.exists() and odd.exists()
    assert not orphan.exists()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_config_is_saved_past_a_stranger_s_folder_named_like_a_temp_file(tmp_path):
    """Before: the clean-up after a save tried to unlink a folder and the command failed."""
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / f".config.toml.{_dead_pid()}.0000.tmp").mkdir()
    done = run_main("configure", "--org-id", "ABC@AdobeOrg",
                   env=clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(cfg)))
    assert done.returncode == 0, done.stderr
    assert 'org_id = "ABC@AdobeOrg"' in (cfg / "config.toml").read_text()


def test_the_config_folder_and_its_parents_are_made_0700(tmp_path):
    cfg = tmp_path / "home" / "config" / "launch-wizard"
    done = subprocess.run([sys.executable, "-c", "import os, sys; os.umask(0o022); "
                           "from wizard.cli import main; sys.exit(main(['configure', "
                           "'--org-id', 'ABC@AdobeOrg']))"],
                          env=clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(cfg)), cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    for folder in (tmp_path / "home", tmp_path / "home" / "config", cfg):
        assert mode_of(folder) == 0o700, folder
    assert mode_of(cfg / "config.toml") == 0o600


# --- keygen -------------------------------------------------------------------------------------

def test_keygen_leaves_no_key_when_the_certificate_cannot_be_written(tmp_path):
    """The certificate's folder turns out to be a file: the key made a moment before goes too."""
    out = tmp_path / "keys"
    out.mkdir()
    (out / "notes").write_text("a file, not a folder")
    done = run_main("keygen", "--out-dir", str(out), "--cert-name", "notes/adobe-io-public.crt",
                   env=clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg")))
    assert done.returncode == 2 and "cannot create" in done.stderr and "fix:" in done.stderr
    assert [p.name for p in out.iterdir()] == ["notes"]


def test_keygen_refuses_a_planted_link_at_either_name(tmp_path):
    out = tmp_path / "keys"
    out.mkdir()
    (out / "private.key").symlink_to(tmp_path / "victim")
    done = run_main("keygen", "--out-dir", str(out),
                   env=clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg")))
    assert done.returncode == 2 and "already exists" in done.stderr
    assert not (tmp_path / "victim").exists() and not (out / "adobe-io-public.crt").exists()


def test_keygen_folders_are_0700(tmp_path):
    out = tmp_path / "a" / "b"
    done = subprocess.run([sys.executable, "-c", "import os, sys; os.umask(0o022); "
                           "from wizard.cli import main; sys.exit(main(['keygen', '--out-dir', "
                           f"{str(out)!r}]))"],
                          env=clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg")), cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert mode_of(tmp_path / "a") == 0o700 and mode_of(out) == 0o700
    assert mode_of(out / "private.key") == 0o600


@pytest.mark.parametrize("days, fix", [("-5", "give --days from 1 to 365"),
                                       ("400", "longer than a year")])
def test_keygen_days_fix_says_the_range(tmp_path, days, fix):
    done = run_main("keygen", "--days", days, "--out-dir", str(tmp_path / "k"),
                   env=clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg")))
    assert done.returncode == 2 and fix in done.stderr.split("fix:")[1]
    if days == "-5":
        assert "longer than a year" not in done.stderr


# --- export --out -------------------------------------------------------------------------------

def _export_env(tmp_path) -> dict[str, str]:
    return clean_env(LAUNCH_WIZARD_CONFIG_DIR=str(tmp_path / "cfg"),
                     LAUNCH_WIZARD_AUTH_TYPE="oauth-s2s", LAUNCH_WIZARD_ORG_ID="ABC@AdobeOrg",
                     LAUNCH_WIZARD_CLIENT_ID="client", LAUNCH_WIZARD_CLIENT_SECRET="SENTINEL-SECRET-1")


def _export(tmp_path, out: Path, *more: str) -> subprocess.CompletedProcess:
    return run_main("export", "--format", "env", "--with-secrets", "--out", str(out), *more,
                   env=_export_env(tmp_path))


def test_export_never_writes_through_a_planted_link(tmp_path):
    out_dir = tmp_path / "shared"
    out_dir.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("theirs")
    (out_dir / "ci.env").symlink_to(victim)
    refused = _export(tmp_path, out_dir / "ci.env")
    assert refused.returncode == 2 and "already exists" in refused.stderr
    replaced = _export(tmp_path, out_dir / "ci.env", "--force")
    assert replaced.returncode == 0, replaced.stderr
    assert victim.read_text() == "theirs"  # the link went, not what it pointed to
    out = out_dir / "ci.env"
    assert not out.is_symlink() and "SENTINEL-SECRET-1" in out.read_text() and mode_of(out) == 0o600


def test_export_is_not_stopped_by_planted_temp_names(tmp_path):
    out_dir = tmp_path / "shared"
    out_dir.mkdir()
    for pid in (_dead_pid(), 1, os.getpid()):
        (out_dir / f".ci.env.{pid}.ffff.tmp").mkdir()
        (out_dir / f".ci.env.{pid}.gggg.tmp").symlink_to(tmp_path / "victim")
    done = _export(tmp_path, out_dir / "ci.env")
    assert done.returncode == 0, done.stderr
    assert "SENTINEL-SECRET-1" in (out_dir / "ci.env").read_text()
    assert not (tmp_path / "victim").exists()


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_export_leaves_no_temp_file_holding_secrets(tmp_path, sig):
    """Killed at moments spread over its whole run: the folder holds the export or nothing, never
    a temp file (and never a file anyone but its owner can read)."""
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    env = _export_env(tmp_path)
    for attempt in range(8):
        out = out_dir / f"ci{attempt}.env"
        proc = subprocess.Popen([sys.executable, "-m", "wizard", "export", "--format", "env",
                                 "--with-secrets", "--out", str(out)], env=env, cwd=REPO,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.05 + 0.04 * attempt)
        proc.send_signal(sig)
        proc.wait(10)
    for path in out_dir.iterdir():
        assert path.name.endswith(".env") and not path.name.startswith("."), path.name
        assert mode_of(path) == 0o600


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_an_export_killed_at_the_moment_of_a_rename_leaves_no_temp_file(tmp_path, sig):
    """The kill lands exactly where a temp-then-rename write would rename (before: a 0600 temp
    file holding the secrets stayed behind): the export has no such moment."""
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    killer = (f"import os, sys; os.replace = os.rename = lambda *a, **k: os.kill(os.getpid(), {int(sig)}); "
              "from wizard.cli import main; sys.exit(main(sys.argv[1:]))")
    done = subprocess.run([sys.executable, "-c", killer, "export", "--format", "env", "--with-secrets",
                           "--out", str(out_dir / "ci.env")], env=_export_env(tmp_path), cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in out_dir.iterdir()] == ["ci.env"]


# --- the sandbox's TLS files --------------------------------------------------------------------

def test_sandbox_tls_writes_nothing_through_what_others_planted(tmp_path):
    """Another user's --tls-dir holds a link named server.pem and a server.key of theirs: both
    are left as they are, and the private key goes only to a folder of the sandbox's own."""
    shared = tmp_path / "shared"
    shared.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("theirs")
    (shared / "server.pem").symlink_to(victim)
    (shared / "ca.pem").symlink_to(tmp_path / "created-through-link")
    planted_key = shared / "server.key"
    planted_key.write_text("")
    os.chmod(planted_key, 0o666)
    proc = subprocess.Popen([sys.executable, "-m", "wizard", "sandbox", "--tls", "--json",
                             "--tls-dir", str(shared)], env=clean_env(), cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        import json

        urls = json.loads(proc.stdout.readline())
        ca = Path(urls["ca"])
        own = ca.parent
        assert own.parent == shared and mode_of(own) == 0o700
        assert mode_of(own / "server.key") == 0o600 and b"PRIVATE KEY" in (own / "server.key").read_bytes()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        finally:  # one that does not stop fails the test, and is not left running
            proc.kill()
    assert victim.read_text() == "theirs" and not (tmp_path / "created-through-link").exists()
    assert planted_key.read_text() == ""
    assert not own.exists()  # its throwaway CA goes with it


def test_an_interrupt_before_serving_began_still_removes_the_throwaway_ca(tmp_path, monkeypatch):
    """SIGINT while the URLs are printed, before the server began: it starts, stops at once,
    and its CA goes."""
    import json
    from argparse import Namespace

    from wizard.commands import sandbox as command

    printed = []

    def say(text, **kwargs):
        printed.append(json.loads(text)["ca"])
        signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(command, "say", say)
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    args = Namespace(host="127.0.0.1", port=0, state=None, tls=True, tls_dir=str(tmp_path), json=True)
    try:
        assert command.sandbox(args) == 0
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    ca = Path(printed[0])
    assert ca.parent.parent == tmp_path and not ca.parent.exists()


def test_tls_files_cut_short_leave_no_folder_behind(tmp_path, monkeypatch):
    """Ctrl+C (or a full disk) while the throwaway CA and key are written leaves no half-made
    folder holding a private key."""
    from wizard.sandbox import tls

    written = []

    def interrupted(path, data, mode=0o600):
        if written:
            raise KeyboardInterrupt
        written.append(path)
        path.write_bytes(data)

    monkeypatch.setattr(tls, "create_new", interrupted)
    with pytest.raises(KeyboardInterrupt):
        tls.make_tls_files(tmp_path)
    assert written and list(tmp_path.iterdir()) == []
