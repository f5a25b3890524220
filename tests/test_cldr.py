"""cldr.py, the one module that reads CLDR (through Babel): names, plural categories and dates in a language,
with no-break spaces where a line must not break, and a cache that answers later builds without locale data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from strategy_builder import cldr


def test_names_tags_and_plural_categories() -> None:
    assert cldr.is_known_language("ru") and cldr.is_known_language("kk") and not cldr.is_known_language("xx")
    assert (cldr.language_name("ru"), cldr.language_name("ru", "ru")) == ("Russian", "русский")
    assert cldr.territory_name("AM", "ru") == "Армения" and cldr.territory_name("QQ", "ru") is None
    assert cldr.language_tag("ru") == "ru-RU" and cldr.language_tag("en") == "en-US"
    assert cldr.plural_categories("ru") == frozenset({"one", "few", "many", "other"})
    assert [cldr.plural_category("ru", n) for n in (1, 2, 5, 21, 22, 25)] == ["one", "few", "many", "one", "few",
                                                                              "many"]
    assert cldr.plural_categories("en") == frozenset({"one", "other"})


def test_dates_keep_their_words_together() -> None:
    assert cldr.long_date(dt.date(2010, 11, 15), "en") == "November\u00a015,\u00a02010"
    assert cldr.month_of_year(2010, 9, "ru") == "сент.\u00a02010\u00a0г."
    assert cldr.year(2011, "ru").startswith("2011") and " " not in cldr.year(2011, "ru")
    assert "кв." in cldr.quarter_of_year(2011, 1, "ru") and " " not in cldr.quarter_of_year(2011, 1, "ru")
    assert cldr.month_interval((2010, 9), (2011, 2), "en").count("2010") == 1


def test_what_cldr_answered_is_remembered_so_a_later_build_needs_no_locale_data(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cldr.use_cache(tmp_path)
    answers = (cldr.long_date(dt.date(2010, 11, 15), "ru"), cldr.month_interval((2010, 9), (2010, 12), "ru"),
               cldr.territory_name("CZ", "ru"), cldr.plural_category("ru", 22))
    cldr.save_cache()
    cldr.use_cache(tmp_path)

    def no_locale_data(language: str) -> None:
        raise AssertionError(f"CLDR's data for {language} was loaded")

    monkeypatch.setattr(cldr, "_locale", no_locale_data)
    assert (cldr.long_date(dt.date(2010, 11, 15), "ru"), cldr.month_interval((2010, 9), (2010, 12), "ru"),
            cldr.territory_name("CZ", "ru"), cldr.plural_category("ru", 22)) == answers
    day, span, country, category = answers
    assert day == "15\u00a0ноября\u00a02010\u00a0г." and (country, category) == ("Чехия", "few")
    # The interval's words are CLDR's (they change between CLDR releases: an en dash in 46, an em dash in 47);
    # what the program promises is that only the joint between the two months can break, and that the joint is
    # the house's en dash.
    left, dash, right = span.split(" ")
    assert dash == "\u2013" and left.startswith("сент.") and right.startswith("дек.\u00a02010")
    assert "\u202f" not in span


def test_answers_that_cannot_be_written_cost_only_the_cache(tmp_path: Path) -> None:
    """The memo is written by the one writer: a write that fails (a full disk) fails no command and leaves no
    temporary file; the answers are written by the next save, with the umask like every file of the tool."""
    import stat

    from fixtures.disk import file_size_limit
    from strategy_builder.files import UMASK

    cldr.use_cache(tmp_path)
    cldr.long_date(dt.date(2010, 11, 15), "ru")
    with file_size_limit(8):
        cldr.save_cache()
    assert list(tmp_path.iterdir()) == []
    cldr.save_cache()
    (memo,) = tmp_path.iterdir()
    assert not memo.name.startswith(".") and stat.S_IMODE(memo.stat().st_mode) == 0o666 & ~UMASK
    cldr.use_cache(tmp_path)
    assert cldr.long_date(dt.date(2010, 11, 15), "ru") == "15\u00a0ноября\u00a02010\u00a0г."


def test_answers_remembered_by_older_code_are_not_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The cache file is named by Babel's package and by this module's code: answers shaped by an older
    # strategy-builder (another joint, other spaces) must not reach a draft printed by a newer one.
    code = tmp_path / "cldr.py"
    code.write_text("old", encoding="utf-8")
    monkeypatch.setattr(cldr, "__file__", str(code))
    cldr.use_cache(tmp_path / "cache")
    cldr.month_interval((2010, 9), (2010, 12), "ru")
    cldr.save_cache()
    remembered = list((tmp_path / "cache").iterdir())
    assert len(remembered) == 1
    code.write_text("newer code", encoding="utf-8")
    cldr.use_cache(tmp_path / "cache")
    cldr.month_interval((2010, 9), (2010, 12), "ru")
    cldr.save_cache()
    assert len(list((tmp_path / "cache").iterdir())) == 2


@pytest.mark.parametrize("start, end", [((2010, 9), (2010, 12)), ((2010, 10), (2011, 1)), ((2011, 1), (2011, 1))])
@pytest.mark.parametrize("language", ["ru", "en", "kk", "de"])
def test_a_span_of_months_breaks_only_at_its_dash(start: tuple[int, int], end: tuple[int, int],
                                                  language: str) -> None:
    span = cldr.month_interval(start, end, language)
    assert "\u202f" not in span and "\u2009" not in span
    sides = span.split(" ")
    if start == end or len(sides) == 1:
        # One month, or a language that writes the dash without spaces (German "Sept.–Dez. 2010"): no break.
        assert sides == [span] and str(end[0]) in span
    else:
        assert len(sides) == 3 and f" {sides[1]} " == cldr.RANGE_DASH, span
        assert str(end[0]) in sides[0] + sides[2]
