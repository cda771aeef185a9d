"""What a copy claims is what happened: real (fake) clipboard tools and tmux on a private PATH."""

import stat

import pytest

from wizard.tui.clipboard import Delivery, deliver


def tool(folder, name: str, script: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + script + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def bin_dir(tmp_path):
    folder = tmp_path / "bin"
    folder.mkdir()
    return folder


def env_with(bin_dir, **extra):
    return {"PATH": str(bin_dir), **extra}


def test_no_tool_and_no_tmux_says_only_what_osc52_may_do(bin_dir):
    delivery = deliver("tok", env_with(bin_dir))
    assert delivery == Delivery() and delivery.landed is None
    assert "sent to the terminal (OSC 52)" in delivery.message("the access token")


def test_a_native_tool_gets_the_text_and_is_named(bin_dir, tmp_path):
    out = tmp_path / "clip.txt"
    tool(bin_dir, "xclip", f'/bin/cat > "{out}"')
    delivery = deliver("the-token-text", env_with(bin_dir, DISPLAY=":0"))
    assert delivery.tool == "xclip" and delivery.landed is True
    assert out.read_text() == "the-token-text"
    assert "copied by xclip" in delivery.message("the access token")


def test_a_tool_without_its_display_is_not_used(bin_dir, tmp_path):
    tool(bin_dir, "xclip", f'/usr/bin/touch "{tmp_path}/used"')
    assert deliver("x", env_with(bin_dir)).tool == ""  # no DISPLAY: xclip cannot reach X
    assert not (tmp_path / "used").exists()


def test_a_failing_tool_is_reported_not_claimed(bin_dir):
    tool(bin_dir, "xclip", "exit 1")
    delivery = deliver("x", env_with(bin_dir, DISPLAY=":0"))
    assert delivery.tool == "" and delivery.tool_failed == "xclip"
    assert "xclip failed" in delivery.message("the access token")


@pytest.mark.parametrize("setting, blocked", [("off", True), ("external", True), ("on", False)])
def test_inside_tmux_only_set_clipboard_on_lets_osc52_through(bin_dir, setting, blocked):
    tool(bin_dir, "tmux", f"echo {setting}")
    delivery = deliver("x", env_with(bin_dir, TMUX="/tmp/tmux-0/default,1,0"))
    assert delivery.osc52_blocked is blocked
    assert (delivery.landed is False) is blocked
    if blocked:
        assert "did not reach the clipboard" in delivery.message("the access token")


def test_tmux_that_cannot_be_asked_is_not_trusted(bin_dir):
    delivery = deliver("x", env_with(bin_dir, TMUX="/tmp/tmux-0/default,1,0"))  # no tmux on PATH
    assert delivery.landed is False



def test_the_tools_get_only_what_they_need_of_the_environment(bin_dir, tmp_path):
    tool(bin_dir, "xclip", f'/usr/bin/env > "{tmp_path}/xclip.env"')
    tool(bin_dir, "tmux", f'/usr/bin/env > "{tmp_path}/tmux.env"; echo on')
    environ = env_with(bin_dir, DISPLAY=":0", TMUX="/tmp/tmux-0/default,1,0",
                       LAUNCH_WIZARD_CLIENT_SECRET="p8e-not-for-tools",
                       LAUNCH_WIZARD_PRIVATE_KEY="-----BEGIN PRIVATE KEY-----",
                       AWS_SECRET_ACCESS_KEY="aws-not-for-tools", GITHUB_TOKEN="ghp-not-for-tools")
    assert deliver("x", environ).tool == "xclip"
    for name in ("xclip", "tmux"):
        seen = dict(line.split("=", 1) for line in (tmp_path / f"{name}.env").read_text().splitlines())
        assert seen["DISPLAY"] == ":0" and seen["PATH"] == str(bin_dir) and seen["TMUX"]
        assert not any("not-for-tools" in value or "PRIVATE KEY" in value for value in seen.values())
        assert not {"LAUNCH_WIZARD_CLIENT_SECRET", "AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN"} & set(seen)


FAKE_TMUX = """case "$1" in
  show-options) echo on ;;
  list-buffers) printf 'buffer0\\nbuffer1\\nbuffer2\\n' ;;
  show-buffer) case "$3" in buffer0) printf 'older-text' ;; buffer1) printf 'tok-123' ;;
               *) printf 'see tok-456 here' ;; esac ;;
  delete-buffer) echo "$3" >> "{deleted}" ;;
esac"""


def test_clearing_inside_tmux_deletes_the_buffers_holding_a_copied_token_and_says_so(bin_dir, tmp_path):
    from wizard.tui.clipboard import clear

    deleted = tmp_path / "deleted"
    tool(bin_dir, "tmux", FAKE_TMUX.replace("{deleted}", str(deleted)))
    cleared = clear({"tok-123", "tok-456"}, env_with(bin_dir, TMUX="/tmp/tmux-0/default,1,0"))
    assert deleted.read_text().split() == ["buffer1", "buffer2"]  # the older text stays
    said = cleared.message()
    assert "2 tmux paste buffers that held the token" in said and "OSC 52" in said
    assert "May still hold the token: a clipboard manager's history" in said


def test_clearing_says_what_it_could_not_reach(bin_dir):
    from wizard.tui.clipboard import clear

    tool(bin_dir, "xclip", "exit 1")
    no_tmux = clear({"tok"}, env_with(bin_dir, DISPLAY=":0", TMUX="/tmp/tmux-0/default,1,0"))
    said = no_tmux.message()  # tmux cannot be asked (not on PATH), xclip fails
    assert said.startswith("Nothing could be cleared here.")
    assert "tmux's paste buffers (`tmux list-buffers`" in said and "xclip failed" in said
    outside = clear({"tok"}, env_with(bin_dir)).message()
    assert "tmux" not in outside and "the terminal's clipboard, if it takes an empty copy" in outside
