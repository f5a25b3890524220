"""review/register/rows.py: one row per comment, reply and change of a returned draft, with an ID that a re-saved
copy of the same return keeps, mapped to its section and YAML line; counts by partner, area, ministry and
disposition."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.comments.ministry import Delete, Remark, annotate
from strategy_builder.review.register.columns import RegisterRow
from strategy_builder.review.register.rows import identity, keeps_old_value, rows_from_returns, summarise
from strategy_builder.review.returns import read_return

EDITS = [Remark("primarily a country of emigration", "Source?", "Anna Petrosyan", "2010-12-01T10:00:00Z"),
         Remark("primarily a country of emigration", "Source?", "Anna Petrosyan", "2010-12-01T10:00:00Z"),
         Remark("primarily a country of emigration", "World Bank.", "Armen", "2010-12-01T11:00:00Z",
                reply_to="Source?"),
         Delete("primarily ", "Anna Petrosyan", "2010-12-01T10:05:00Z")]


@pytest.fixture(scope="module")
def returned(sample_drafts: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("rows")
    draft = (sample_drafts[0] / "AM.docx").read_bytes()
    first, again = folder / "AM-Ministry of Labour.docx", folder / "AM-Ministry of Labour (2).docx"
    first.write_bytes(annotate(draft, EDITS))
    again.write_bytes(annotate(draft, list(reversed(EDITS[:2])) + EDITS[2:]))  # saved again: other file ids
    return first, again, sample_drafts[0].parents[2]


def test_each_item_is_a_row_with_a_stable_distinct_id_and_its_place(returned: tuple[Path, Path, Path]) -> None:
    first, again, project = returned
    rows = rows_from_returns([read_return(first, project, ministry="Ministry of Labour")])
    assert [row.kind for row in rows] == ["comment", "comment", "reply", "deletion"]
    assert [row.id[:2] for row in rows] == ["C-", "C-", "C-", "T-"]
    assert len({row.id for row in rows}) == 4  # two identical comments still get two rows
    assert {row.partner for row in rows} == {"AM"} and {row.draft for row in rows} == {"001"}
    assert all(row.section.startswith("AM/") and row.yaml_file.endswith("AM.yaml") and row.yaml_line.isdigit()
               for row in rows)
    assert rows[0].date == "2010-12-01T10:00"
    resaved = rows_from_returns([read_return(again, project, ministry="Ministry of Labour")])
    assert {row.id for row in resaved} == {row.id for row in rows}
    other = rows_from_returns([read_return(first, project, ministry="Ministry of the Interior")])
    assert not {row.id for row in other} & {row.id for row in rows}  # the ministry is part of the identity


def test_the_identity_ignores_spacing_and_seconds(returned: tuple[Path, Path, Path]) -> None:
    first, _, project = returned
    document = read_return(first, project, ministry="Labour")
    item = document.items[0]
    key = identity(document, item)
    assert "labour" in key and "Source?" in key and "10:00:00" not in key


def test_an_empty_or_weaker_new_value_keeps_the_old_one() -> None:
    assert keeps_old_value("remark", "Figures need a source.", "")
    assert not keeps_old_value("remark", "old", "new")
    assert keeps_old_value("kind", "reply", "comment")  # an application that dropped the thread
    assert not keeps_old_value("kind", "comment", "reply")


def test_rows_are_counted_by_partner_area_ministry_and_disposition() -> None:
    rows = [RegisterRow(id="C-1", partner="AM", area_key="integration", ministry="Labour", disposition="Accepted"),
            RegisterRow(id="C-2", partner="AM", area_key="", ministry="Labour", disposition=""),
            RegisterRow(id="C-3", partner="AZ", area_key="integration", ministry="Interior",
                        disposition="partially accepted")]
    assert summarise(rows) == {
        "partner": {"AM": 2, "AZ": 1}, "area": {"-": 1, "integration": 2},
        "ministry": {"Interior": 1, "Labour": 2},
        "disposition": {"accepted": 1, "open": 1, "partly accepted": 1}}
