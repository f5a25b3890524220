"""The table of values a build writes beside each document (models/provenance.py)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from strategy_builder.models.provenance import ValueLog, ValueTable, values_json

_TEXTS = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
"""Any text a YAML scalar can print, control characters, quotes, backslashes and U+2028 included."""
_Row = tuple[str, list[str | int], int | None, str, str, int]
_ROWS = st.lists(st.tuples(_TEXTS, st.lists(st.one_of(_TEXTS, st.integers(0, 10_000)), max_size=5),
                           st.one_of(st.none(), st.integers(1, 10**9)), st.sampled_from(["line", "block", "joined"]),
                           _TEXTS, st.integers(0, 500)), max_size=8)


@settings(max_examples=300, deadline=None)
@given(partner=_TEXTS, file=_TEXTS, rows=_ROWS)
def test_the_log_writes_the_file_the_models_would(partner: str, file: str, rows: list[_Row]) -> None:
    log = ValueLog(partner, file)
    for section, path, line, kind, text, block in rows:
        log.add(section, tuple(path), line, kind, text, block=block)  # type: ignore[arg-type]
    data = log.json()
    assert data == values_json(log.table())
    assert ValueTable.model_validate(json.loads(data)) == log.table()


def test_the_file_holds_one_value_per_line() -> None:
    log = ValueLog("AM", "inputs/partners/AM.yaml")
    log.add("AM/situation", ("situation",), 12, "block", "Armenia is “first”\n\\ \u2028 \x7f", block=1)
    log.add("AM/situation", ("name",), None, "line", "Армения")
    lines = log.json().decode("utf-8").split("\n")
    assert lines[1].startswith('{"index":1,') and lines[2].startswith('{"index":2,') and lines[3] == "]}"
    assert "Армения" in lines[2]  # written as it is, not escaped
