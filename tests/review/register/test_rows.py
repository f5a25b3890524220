"""review/register/rows.py: one row per comment, reply and change of a returned draft, with an ID that a re-saved
copy of the same return keeps, mapped to its section and YAML line; counts by partner, area, ministry and
disposition."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fixtures.comments.ministry import Delete, Remark, annotate
from strategy_builder.review.register.columns import RegisterRow
from strategy_builder.review.register.rows import identity, keeps_old_value, rows_from_returns, summarise
from strategy_builder.review.returns import ReturnedFile, ReturnItem, SectionSource, read_return

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


def _item(local_id: str, kind: str, text: str, **fields: object) -> ReturnItem:
    values: dict = dict(author="Anna Petrosyan", initials="AP", date="2010-12-01T10:00:59Z", quoted="", detail="",
                        story="body", paragraph=3, heading="Labour migration", section=None)
    return ReturnItem(local_id=local_id, kind=kind, text=text, **{**values, **fields})  # type: ignore[arg-type]


def test_every_column_of_a_row_comes_from_its_item_its_section_and_its_file() -> None:
    """A returned file read by the pipeline's own types (no .docx needed): each column as docs/comments.md
    describes it, for an item in a tracked section, one outside, a reply, a resolved thread and an item of
    another ministry in a consolidated file."""
    section = SectionSource("AM/legal_migration/circular", number="4.2", title="Circular migration",
                            area="legal_migration", priority="circular", source_file="inputs/AM.yaml",
                            source_line=62, source_path="areas.legal_migration[0]")
    unknown_area = SectionSource("AM/x/y", area="not_an_area", source_line=0)
    returned = ReturnedFile(Path("/returns/AM_003_Labour.docx"), "Ministry of Labour", "AM", "003", False, items=[
        _item("c1", "comment", "Source?", section=section, quoted="primarily", resolved=True),
        _item("c2", "reply", "World Bank.", section=section, reply_to="c1", resolved=False,
              ministry="Ministry of Finance"),
        _item("t1", "deletion", "primarily ", detail="", heading="Annex", date="not a date"),
        _item("t2", "formatting", "", section=unknown_area, detail="bold"),
    ])
    first, reply, deletion, formatting = rows_from_returns([returned])
    assert first == RegisterRow(
        id=first.id, ministry="Ministry of Labour", partner="AM", draft="003", kind="comment",
        author="Anna Petrosyan", date="2010-12-01T10:00", section="AM/legal_migration/circular", number="4.2",
        section_title="Circular migration", area="Legal migration with a special emphasis on labour migration",
        area_key="legal_migration", priority="circular", yaml_file="inputs/AM.yaml", yaml_line="62",
        yaml_path="areas.legal_migration[0]", heading="Labour migration", quoted="primarily", remark="Source?",
        resolved="yes", returned_file="AM_003_Labour.docx")
    assert re.fullmatch(r"C-[0-9A-F]{10}", first.id) and re.fullmatch(r"T-[0-9A-F]{10}", deletion.id)
    assert re.fullmatch(r"C-[0-9A-F]{10}", reply.id) and re.fullmatch(r"T-[0-9A-F]{10}", formatting.id)
    assert (reply.kind, reply.reply_to, reply.resolved, reply.ministry) == ("reply", first.id, "no",
                                                                           "Ministry of Finance")
    assert (deletion.section, deletion.number, deletion.section_title, deletion.area, deletion.area_key,
            deletion.priority, deletion.yaml_file, deletion.yaml_line, deletion.yaml_path) == ("",) * 9
    assert (deletion.date, deletion.heading, deletion.resolved, deletion.reply_to) == ("not a date", "Annex", "", "")
    # An area the Joint Declaration does not name keeps its key as its title; line 0 is a line.
    assert (formatting.area, formatting.area_key, formatting.yaml_line, formatting.detail) == (
        "not_an_area", "not_an_area", "0", "bold")

