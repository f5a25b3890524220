"""Dates and timelines in the drafts' words: ``15 November 2010``, ``Sep 2010 – Q1 2011``.

English takes its words from the label catalogue (:mod:`strategy_builder.render.labels`), other languages
from CLDR (:mod:`strategy_builder.cldr`), so that a date never depends on the machine's locale. Drafts,
the regional overview and the replies to ministries print their dates with these functions.
"""

from __future__ import annotations

import datetime as dt

from strategy_builder import cldr
from strategy_builder.models.inputs import Period
from strategy_builder.models.period import PeriodPoint
from strategy_builder.render.labels import LabelValue, catalogue, fill, texts


def long_date(day: dt.date, labels: dict[str, LabelValue] | None = None, language: str = "en") -> str:
    """``15 November 2010``: the date style of the drafts, independent of the machine's locale; in other
    languages CLDR's long date (``15 ноября 2010 г.``)."""
    if language != "en":
        return cldr.long_date(day, language)
    labels = labels or catalogue()
    return fill(labels, "long_date", day=day.day, month=texts(labels, "months")[day.month - 1], year=day.year)


def point_text(point: PeriodPoint, labels: dict[str, LabelValue], language: str = "en") -> str:
    """``2010-09`` -> ``Sep 2010``, ``2011-Q1`` -> ``Q1 2011``, ``2011-H1`` -> ``H1 2011``, ``2010`` -> ``2010``
    (with no-break spaces: a point never breaks across lines). Other languages take months, quarters and
    years from CLDR (``сент. 2010 г.``, ``1-й кв. 2011 г.``); halves, which CLDR lacks, from the catalogue."""
    year = point.first_month // 12
    span = point.last_month - point.first_month + 1
    month = point.first_month % 12
    if span == 6:
        half = month // 6 + 1
        return fill(labels, "half_point", half=half, half_roman=("I", "II")[half - 1], year=year)
    if language != "en":
        if span == 12:
            return cldr.year(year, language)
        if span == 3:
            return cldr.quarter_of_year(year, month // 3 + 1, language)
        return cldr.month_of_year(year, month + 1, language)
    if span == 12:
        return str(year)
    if span == 3:
        return fill(labels, "quarter_point", quarter=month // 3 + 1, year=year)
    return fill(labels, "month_point", month=texts(labels, "months_short")[month], year=year)


def period_text(period: Period | None, labels: dict[str, LabelValue], language: str = "en") -> str:
    """A timeline as people read it: ``Sep 2010 – Q1 2011``; ``to be determined`` when there is none. In
    other languages two months are one CLDR interval (``сент. – дек. 2010 г.``)."""
    if period is None:
        return fill(labels, "to_be_determined")
    start, end = point_text(period.start, labels, language), point_text(period.end, labels, language)
    if start == end:
        return start
    one_month = period.start.first_month == period.start.last_month and period.end.first_month == period.end.last_month
    if language != "en" and one_month:
        first, last = period.start.first_month, period.end.first_month
        return cldr.month_interval((first // 12, first % 12 + 1), (last // 12, last % 12 + 1), language)
    return fill(labels, "period", start=start, end=end)


__all__ = ["long_date", "period_text", "point_text"]
