"""Dates and timelines in the drafts' words, independent of the machine's locale (render/dates.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from strategy_builder.models.inputs import Period
from strategy_builder.models.period import PeriodPoint
from strategy_builder.render.dates import long_date, period_text, point_text
from strategy_builder.render.labels import catalogue


def test_dates_and_timeline_points_in_the_drafts_words() -> None:
    assert long_date(dt.date(2010, 11, 15)) == "15 November 2010"
    assert long_date(dt.date(2010, 11, 15), catalogue("ru"), "ru").startswith("15\u00a0ноября")
    english = catalogue("en")
    assert [point_text(PeriodPoint.parse(text), english) for text in ("2010-09", "2011-Q1", "2011-H1", "2010")] == [
        "Sep\u00a02010", "Q1\u00a02011", "H1\u00a02011", "2010"]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_timeline_of_a_language_joins_its_ends_with_one_dash(language: str) -> None:
    # A Russian span of two months is CLDR's interval, other spans are the catalogue's: one column of the
    # actions table shows both, so they must share their joint (one dash, and the only place a line breaks).
    labels = catalogue(language)
    joints = set()
    for start, end in (("2010-10", "2011-01"), ("2011-01", "2011-H1"), ("2010-Q4", "2011")):
        text = period_text(Period.model_validate({"start": start, "end": end}), labels, language)
        assert text.count(" ") == 2, text
        joints.add(text.split(" ")[1])
    assert joints == {"\u2013"}
