"""Field paths into plain input data: printed as the docs write them, followed to their value."""

from __future__ import annotations

from strategy_builder.models.source_map import format_path, value_at

DATA = {"areas": {"integration": {"priorities": [{"id": "language-courses", "title": "Language courses"}]}}}


def test_a_path_is_printed_with_dots_and_indexes() -> None:
    assert format_path(("areas", "integration", "priorities", 0, "id")) == "areas.integration.priorities[0].id"


def test_a_path_leads_to_its_value_or_to_none() -> None:
    assert value_at(DATA, ("areas", "integration", "priorities", 0, "title")) == "Language courses"
    assert value_at(DATA, ()) is DATA
    assert value_at(DATA, ("areas", "missing")) is None  # no such key
    assert value_at(DATA, ("areas", "integration", "priorities", 3)) is None  # no such item
    assert value_at(DATA, ("areas", "integration", "priorities", 0, "id", "x")) is None  # text has no fields
