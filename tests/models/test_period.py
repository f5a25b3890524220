"""Points in time as drafters write them (``2010``, ``2010-06``, ``2010-Q3``, ``2011-H1``) and periods."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from strategy_builder.models.inputs import Period
from strategy_builder.models.period import PATTERN_TEXT, PeriodPoint


def months(year: int, first: int, last: int) -> tuple[int, int]:
    """Month indexes (months since year 0, January = 0) of months ``first``..``last`` (1-based) of ``year``."""
    return year * 12 + first - 1, year * 12 + last - 1


@pytest.mark.parametrize(("text", "span"), [
    ("2010", months(2010, 1, 12)),
    ("2010-01", months(2010, 1, 1)),
    ("2010-06", months(2010, 6, 6)),
    ("2010-12", months(2010, 12, 12)),
    ("2010-Q1", months(2010, 1, 3)),
    ("2010-Q3", months(2010, 7, 9)),
    ("2010-Q4", months(2010, 10, 12)),
    ("2011-H1", months(2011, 1, 6)),
    ("2011-H2", months(2011, 7, 12)),
])
def test_parse(text: str, span: tuple[int, int]) -> None:
    point = PeriodPoint.parse(text)
    assert (point.first_month, point.last_month) == span
    assert str(point) == text


def test_surrounding_spaces_are_ignored() -> None:
    assert PeriodPoint.parse(" 2010-06 ") == PeriodPoint.parse("2010-06")


@pytest.mark.parametrize("text", ["", "10", "20100", "2010-6", "2010-00", "2010-13", "2010-Q0", "2010-Q5", "2010-H0",
                                  "2010-H3", "2010-q1", "2010-h1", "2010/06", "2010-06-01", "June 2010", "2010-",
                                  "2010 H1", "２０１０", "٢٠١٠", "2010-０６"])
def test_invalid_points_are_refused_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError) as refused:
        PeriodPoint.parse(text)
    assert str(refused.value) == (f"'{text}' is not a point in time; write a year (2010), a month (2010-06), "
                                  "a quarter (2010-Q3) or a half (2011-H1)")


class _Holder(BaseModel):
    point: PeriodPoint


@pytest.mark.parametrize(("value", "text"), [("2010-Q2", "2010-Q2"), (2010, "2010"), ("2010", "2010")])
def test_pydantic_accepts_text_and_whole_years(value: object, text: str) -> None:
    holder = _Holder.model_validate({"point": value})
    assert holder.point == PeriodPoint.parse(text)
    assert holder.model_dump() == {"point": text}
    assert holder.model_dump_json() == f'{{"point":"{text}"}}'


@pytest.mark.parametrize("value", [True, 2010.5, None, ["2010"], {"year": 2010}])
def test_pydantic_refuses_other_types(value: object) -> None:
    with pytest.raises(ValidationError) as refused:
        _Holder.model_validate({"point": value})
    assert "year, month, quarter or half" in str(refused.value)


def test_json_schema_of_a_point() -> None:
    schema = _Holder.model_json_schema()["properties"]["point"]
    assert schema["type"] == "string"
    assert schema["pattern"] == PATTERN_TEXT
    assert all(re.match(PATTERN_TEXT, example) for example in schema["examples"])


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(
    st.from_regex(r"\A\d{4}(-(\d\d|Q\d|H\d))?\Z"),
    st.text(alphabet=st.sampled_from(list("0123456789-QHqh \n２٢")), max_size=9),
))
def test_the_schema_pattern_and_the_parser_agree(text: str) -> None:
    """What an editor accepts (the schema's pattern) is exactly what strategy-builder accepts."""
    try:
        PeriodPoint.parse(text)
        parsed = True
    except ValueError:
        parsed = False
    # JSON Schema patterns are ECMA-262: \d is an ASCII digit there.
    assert parsed == bool(re.match(PATTERN_TEXT, text.strip(), re.ASCII)), text


@settings(max_examples=200, deadline=None)
@given(year=st.integers(1990, 2100), unit=st.sampled_from(["", "month", "quarter", "half"]), data=st.data())
def test_spans_are_inside_their_year_and_ordered(year: int, unit: str, data: st.DataObject) -> None:
    if unit == "month":
        text = f"{year}-{data.draw(st.integers(1, 12)):02d}"
    elif unit == "quarter":
        text = f"{year}-Q{data.draw(st.integers(1, 4))}"
    elif unit == "half":
        text = f"{year}-H{data.draw(st.integers(1, 2))}"
    else:
        text = str(year)
    point = PeriodPoint.parse(text)
    whole_year = PeriodPoint.parse(str(year))
    assert whole_year.first_month <= point.first_month <= point.last_month <= whole_year.last_month
    assert point.last_month - point.first_month + 1 == {"": 12, "month": 1, "quarter": 3, "half": 6}[unit]


@pytest.mark.parametrize(("start", "end"), [("2010", "2010"), ("2010-Q1", "2010-03"), ("2010-H1", "2010-Q2"),
                                            ("2010-12", "2011"), ("2010", "2010-01")])
def test_a_period_may_end_in_the_span_it_starts(start: str, end: str) -> None:
    period = Period.model_validate({"start": start, "end": end})
    assert (str(period.start), str(period.end)) == (start, end)


@pytest.mark.parametrize(("start", "end"), [("2011", "2010"), ("2010-Q2", "2010-03"), ("2011-H1", "2010-12")])
def test_a_period_ending_before_it_starts_is_refused(start: str, end: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Period.model_validate({"start": start, "end": end})
    [error] = refused.value.errors()
    assert error["loc"] == ("end",)
    assert f"the end ({end}) is before the start ({start})" in error["msg"]


def test_points_order_by_time() -> None:
    points = [PeriodPoint.parse(t) for t in ["2011-H1", "2010", "2010-Q3", "2010-06"]]
    assert [str(p) for p in sorted(points)] == ["2010", "2010-06", "2010-Q3", "2011-H1"]
