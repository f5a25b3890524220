"""Modules of review/ on their own: which input fields differ between two builds (attribution.py), which later
draft answered each register row (dispositions.py), and the tracked sections of any .docx (section_listing.py),
on the sample's drafts 001 and 002 (tests/fixtures/diff/drafts.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fixtures.diff.drafts import DELETED, MOVED_FROM, RENUMBERED_AFTER_DELETION, RETITLED
from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.layout import read_manifest
from strategy_builder.review.attribution import field_changes
from strategy_builder.review.dispositions import NONE_YET, register_links
from strategy_builder.review.register.columns import RegisterRow
from strategy_builder.review.section_listing import read_document_sections

values = st.recursive(st.none() | st.integers(0, 3) | st.sampled_from(["a", "b"]),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["x", "y", "z"]),
                                                                                   inner, max_size=3),
                      max_leaves=8)


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


@given(values, values)
def test_every_change_names_paths_that_hold_its_values(old: Any, new: Any) -> None:
    changes = field_changes(old, new)
    assert (changes == []) == (old == new)
    assert field_changes(old, old) == []
    for old_path, new_path, kind, before, after in changes:
        if kind in ("changed", "removed"):
            assert _at(old, old_path) == before
        if kind in ("changed", "added"):
            assert _at(new, new_path) == after


def test_list_items_are_matched_by_id_and_a_new_order_is_one_change() -> None:
    old = {"priorities": [{"id": "a", "title": "A"}, {"id": "b", "title": "B"}]}
    new = {"priorities": [{"id": "b", "title": "B2"}, {"id": "a", "title": "A"}, {"id": "c", "title": "C"}]}
    assert field_changes(old, new) == [
        (("priorities", 1, "title"), ("priorities", 0, "title"), "changed", "B", "B2"),
        (("priorities", 2), ("priorities", 2), "added", None, {"id": "c", "title": "C"}),
        (("priorities",), ("priorities",), "changed", ["a", "b"], ["b", "a", "c"])]


def test_the_sections_of_a_draft_are_its_manifests(sample_drafts: tuple[Path, Path], tmp_path: Path) -> None:
    listed = read_document_sections(sample_drafts[1] / "AM.docx")
    manifest = read_manifest(sample_drafts[1])
    assert manifest is not None
    entry = manifest.partner("AM")
    assert entry is not None
    assert [s.section_id for s in listed.sections] == [s.id for s in entry.sections]
    assert listed.stamps.partner == "AM" and listed.stamps.draft == "002"
    assert all(s.text_length > 0 and s.first_paragraph <= s.last_paragraph for s in listed.sections)
    (tmp_path / "not.docx").write_bytes(b"plain text")
    with pytest.raises(UntrustedDocumentError) as refused:
        read_document_sections(tmp_path / "not.docx")
    assert "not.docx" in str(refused.value)


def test_each_row_says_what_became_of_its_section(sample_drafts: tuple[Path, Path]) -> None:
    project = sample_drafts[1].parents[2]
    rows = [RegisterRow(id=f"C-{n}", partner="AM", draft="001", section=section)
            for n, section in enumerate([RETITLED, DELETED, RENUMBERED_AFTER_DELETION, MOVED_FROM,
                                         "AM/situation", "AM/not-a-section"])]
    rows.append(RegisterRow(id="C-9", partner="AM", draft="7", section=RETITLED))
    links = register_links(rows, project)
    retitled, deleted, renumbered, moved, same, unknown, undrafted = (links[r.id] for r in rows)
    assert retitled.changed_in == "002" and "changed" in retitled.latest_state
    assert deleted.changed_in == "002" and "removed" in deleted.latest_state
    assert renumbered.changed_in == NONE_YET and "2.2" in renumbered.latest_state
    assert moved.changed_in == NONE_YET and "moved" in moved.latest_state  # a move is not an edit
    assert same.changed_in == NONE_YET and "unchanged" in same.latest_state
    assert (unknown.latest_state, unknown.changed_in) == ("", "") == (undrafted.latest_state, undrafted.changed_in)
    assert {link.cited_by for link in links.values()} == {NONE_YET}
