"""Whole numbers written as text: ASCII digits only, and never an exception, whatever the text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategy_builder.digits import signed_whole_number, whole_number


@pytest.mark.parametrize(("text", "number"), [("0", 0), ("7", 7), ("007", 7), ("2026", 2026)])
def test_ascii_digits_are_a_whole_number(text: str, number: int) -> None:
    assert whole_number(text) == number
    assert signed_whole_number(text) == number
    assert signed_whole_number("-" + text) == -number


@pytest.mark.parametrize("text", ["", "-", "-1", "+1", " 1", "1 ", "1_000", "1.0", "²", "①", "٣", "１", "x1",
                                  "9" * 4301])
def test_anything_else_is_not(text: str) -> None:
    # "²" and "①" pass str.isdigit and make int() raise; "٣" and "１" are digits int() reads, which no id,
    # level or draft number the tool reads is written in; 4,301 digits are more than int() converts.
    assert whole_number(text) is None


@pytest.mark.parametrize("text", ["--1", "-²", "-", "- 1", "1-"])
def test_a_signed_number_has_one_minus_before_ascii_digits(text: str) -> None:
    assert signed_whole_number(text) is None


@given(st.text())
def test_any_text_gives_a_number_or_none_and_never_raises(text: str) -> None:
    number = whole_number(text)
    if number is None:
        assert not (text.isascii() and text.isdigit()) or len(text) > 4300
    else:
        assert str(number) == text.lstrip("0") or (number == 0 and set(text) == {"0"})
    signed = signed_whole_number(text)
    assert signed == (number if not text.startswith("-") else
                      (None if whole_number(text[1:]) is None else -whole_number(text[1:])))  # type: ignore[operator]
