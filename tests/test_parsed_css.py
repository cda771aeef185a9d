"""The stylesheets parsed at one start are read back at the next (wizard/tui/parsed_css.py): the
second start parses none of what its first frame needs and draws the same, and a cache file that
is damaged, foreign, too big or stale only costs a parse."""

from __future__ import annotations

import os
import pickle

import pytest
import textual.css.stylesheet

from tests.test_tui import driving
from wizard.tui import parsed_css
from wizard.tui.app import WizardApp
from wizard.tui.parsed_css import ParsedCss

SIZE = (100, 32)


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """Each stylesheet Textual parses from now on, by where it came from."""
    seen: list[str] = []
    parse = textual.css.stylesheet.parse

    def counted(scope, css, read_from, **kwargs):
        seen.append(str(read_from))
        return parse(scope, css, read_from, **kwargs)

    monkeypatch.setattr(textual.css.stylesheet, "parse", counted)
    return seen


async def first_frame(cache: ParsedCss) -> str:
    """The wizard's first frame, with `cache` serving its stylesheets, then closed (`run` saves
    the cache then)."""
    app = WizardApp(parsed_css=cache)
    async with driving(app, size=SIZE):
        shot = app.export_screenshot()
    cache.save()
    return shot


async def test_a_second_start_parses_no_stylesheet_and_draws_the_same(tmp_path, parses):
    path = tmp_path / "cache" / parsed_css.FILE_NAME
    first = await first_frame(ParsedCss(path))
    assert parses and path.exists()
    assert oct(path.stat().st_mode)[-3:] == "600"
    written = path.stat().st_mtime_ns
    parses.clear()
    again = await first_frame(ParsedCss(path))
    assert parses == []
    assert again == first
    assert path.stat().st_mtime_ns == written  # nothing new to keep: not written again


async def test_a_start_ended_at_its_first_frame_has_kept_what_that_frame_needs(tmp_path, parses):
    """As a start ended by a signal once drawn: what the screen needed is saved before its first
    frame, so the next start parses none of it (the footer's keys come in a later frame)."""
    path = tmp_path / parsed_css.FILE_NAME
    app = WizardApp(parsed_css=ParsedCss(path))
    async with driving(app, size=SIZE):
        pass  # no save at the end: only the one made before the first frame
    assert path.exists()

    class Watched(ParsedCss):
        parsed_when_styled: list[str] | None = None

        def save(self) -> None:
            if self.parsed_when_styled is None:
                self.parsed_when_styled = list(parses)
            super().save()

    parses.clear()
    watched = Watched(path)
    async with driving(WizardApp(parsed_css=watched), size=SIZE):
        pass
    assert watched.parsed_when_styled == []


def _garbage(path):
    path.write_bytes(b"\x80\x05not a pickle at all")


def _another_shape(path):
    path.write_bytes(pickle.dumps(["a", "list"]))


def _others_may_write(path):
    os.chmod(path, 0o666)


def _a_link(path):
    real = path.with_name("elsewhere")
    path.rename(real)
    path.symlink_to(real)


def _too_big(path):
    with path.open("ab") as grown:
        grown.truncate(parsed_css.LIMIT + 1)


@pytest.mark.parametrize("spoil", [_garbage, _another_shape, _others_may_write, _a_link, _too_big])
async def test_a_cache_file_that_cannot_be_trusted_costs_a_parse_and_is_written_anew(
        tmp_path, parses, spoil):
    path = tmp_path / parsed_css.FILE_NAME
    first = await first_frame(ParsedCss(path))
    spoil(path)
    parses.clear()
    assert await first_frame(ParsedCss(path)) == first
    assert parses  # parsed, as with no cache
    assert not path.is_symlink() and oct(path.stat().st_mode)[-3:] == "600"
    parses.clear()
    await first_frame(ParsedCss(path))
    assert parses == []  # the file written anew serves the next start


async def test_a_cache_written_under_another_textual_is_not_used(tmp_path, parses, monkeypatch):
    path = tmp_path / parsed_css.FILE_NAME
    await first_frame(ParsedCss(path))
    stamp = parsed_css.fingerprint()
    assert stamp is not None
    monkeypatch.setattr(parsed_css, "fingerprint", lambda: (*stamp, "upgraded"))
    parses.clear()
    await first_frame(ParsedCss(path))
    assert parses


async def test_a_theme_of_its_own_is_parsed_for_that_theme(tmp_path, parses):
    """The key holds the theme's variables: rules parsed for one theme never serve another."""
    path = tmp_path / parsed_css.FILE_NAME
    await first_frame(ParsedCss(path))
    app = WizardApp(parsed_css=ParsedCss(path))
    app.theme = "textual-light"
    parses.clear()
    async with driving(app, size=SIZE):
        assert parses


def test_a_stylesheet_without_textuals_private_parse_is_left_as_it_is(tmp_path):
    class NotTextuals:
        pass

    sheet = NotTextuals()
    ParsedCss(tmp_path / parsed_css.FILE_NAME).serve(sheet)  # type: ignore[arg-type]
    assert vars(sheet) == {}


def test_nothing_is_written_where_nothing_was_parsed(tmp_path):
    path = tmp_path / parsed_css.FILE_NAME
    ParsedCss(path).save()
    assert not path.exists()


async def test_rules_that_cannot_be_pickled_are_not_kept_and_the_wizard_goes_on(tmp_path, monkeypatch):
    import pickle as real

    def refuses(*args, **kwargs):
        raise real.PicklingError("a Textual whose rules cannot be pickled")

    monkeypatch.setattr(real, "dumps", refuses)
    path = tmp_path / parsed_css.FILE_NAME
    app = WizardApp(parsed_css=ParsedCss(path))
    async with driving(app, size=SIZE):
        assert app.current == "organization"
    assert not path.exists()
