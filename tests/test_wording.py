"""The words both front doors share: one place computes each, the look stays each door's own."""

import pytest

from wizard.core.wording import Mask, credential_type, mask, more, plural, seen

TOKEN = "eyJhbGciOiJSUzI1NiJ9.payload.signature-ends-WXYZ"


def test_the_command_line_mask_shows_the_last_four_of_a_long_secret_only():
    assert mask(TOKEN) == "****WXYZ"
    assert mask("x" * 15 + "9") == "****xxx9"  # 16 characters: long enough to show four
    assert mask("short-secret") == "****"
    assert mask("") == mask(None) == "(none)"


def test_the_wizard_mask_keeps_the_head_to_tell_tokens_apart():
    shown = mask(TOKEN, Mask.WIZARD)
    assert shown == "eyJhbG" + "•" * 24 + "WXYZ"
    assert "payload" not in shown
    assert mask("x" * 16, Mask.WIZARD) == "•" * 8  # 16 characters: too short to show any
    assert mask("", Mask.WIZARD) == "•" * 8


@pytest.mark.parametrize(("total", "shown", "words"), [(7, 3, "and 4 more"), (3, 3, ""), (0, 0, "")])
def test_more_counts_what_was_left_out(total, shown, words):
    assert more(total, shown) == words


def test_counts_and_what_a_test_saw():
    assert plural(1, "company", "companies") == "1 company"
    assert plural(0, "property", "properties") == "0 properties"
    assert seen({"at": "2026-01-01T00:00:00Z", "companies": 1, "properties": 2}) == (
        "1 company, 2 properties")
    assert seen({}) == ""


def test_the_credential_type_label():
    assert credential_type("jwt") == "JWT service account"
    assert credential_type("oauth-s2s") == "OAuth Server-to-Server"


def test_a_cause_said_on_its_own_is_a_sentence():
    from wizard.core.wording import sentence

    assert sentence("no usable keyring was found (chainer)") == "No usable keyring was found (chainer)."
    assert sentence("the file is not JSON.") == "The file is not JSON."
