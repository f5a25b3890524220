"""records.py: the bases of mutable records behave as the dataclasses they replace (repr, equality)."""

from __future__ import annotations

import pytest

from strategy_builder.errors import Findings
from strategy_builder.ooxml.blocks import Paragraph
from strategy_builder.records import Record, ValueRecord


class _Point(ValueRecord):
    __slots__ = ("x", "y")
    _hidden = ("y",)

    x: int
    y: int

    def __init__(self, x: int, y: int = 0) -> None:
        self.x = x
        self.y = y


class _Labelled(_Point):
    __slots__ = ("label",)

    label: str

    def __init__(self, x: int, label: str) -> None:
        super().__init__(x)
        self.label = label


def test_a_value_record_equals_another_with_equal_fields_also_hidden_ones() -> None:
    assert _Point(1, 2) == _Point(1, 2)
    assert _Point(1, 2) != _Point(1, 3)  # hidden from repr, not from comparison (as field(repr=False))
    assert _Point(1) != (1, 0)


def test_a_value_record_of_another_class_is_never_equal() -> None:
    assert _Labelled(1, "a") != _Point(1)
    assert _Labelled(1, "a") == _Labelled(1, "a")
    assert _Labelled(1, "a") != _Labelled(1, "b")


def test_a_mutable_value_record_is_not_hashable() -> None:
    with pytest.raises(TypeError):
        hash(_Point(1))


def test_a_record_is_compared_by_identity() -> None:
    first, second = Paragraph("text"), Paragraph("text")
    assert first == first
    assert first != second
    assert len({first, second}) == 2


def test_repr_shows_the_fields_in_order_bases_first_without_hidden_ones() -> None:
    assert repr(_Labelled(4, "a")) == "_Labelled(x=4, label='a')"
    assert repr(Findings()) == "Findings(items=[])"
    assert "element" not in repr(Paragraph("text"))


def test_slots_leave_no_instance_dictionary() -> None:
    paragraph = Paragraph("text")
    with pytest.raises(AttributeError):
        paragraph.misspelt = 1  # type: ignore[attr-defined]
    assert not hasattr(_Point(1), "__dict__")
    assert isinstance(paragraph, Record)


def test_a_default_made_per_instance_is_not_shared() -> None:
    first, second = Findings(), Findings()
    assert first.items is not second.items
