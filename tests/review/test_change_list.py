"""Aligned blocks flattened into the changes reports show, each with where it is (review/change_list.py)."""

from __future__ import annotations

from fixtures.diff.docs import make_docx
from strategy_builder.review.align import align_blocks
from strategy_builder.review.change_list import Change, flatten_pairs, mark_renumbered
from strategy_builder.review.review_document import read_document


def _changes(old: list, new: list) -> list[Change]:  # noqa: ANN001 - specs of make_docx
    return flatten_pairs(align_blocks(read_document(make_docx(old)).blocks(), read_document(make_docx(new)).blocks()))


def test_paragraphs_rows_and_cells_are_listed_with_their_place() -> None:
    changes = _changes(["Kept.", "Old words here.", ("table", [["a", "b"], ["c", "d"]])],
                       ["Kept.", "New words here.", ("table", [["a", "b"], ["c", "e"], ["f", "g"]])])
    assert [(c.kind, c.location, c.old_text, c.new_text) for c in changes[:2]] == [
        ("changed", "", "Old words here.", "New words here."),
        ("changed", "table 1, row 2, cell 2", "d", "e")]
    inserted = changes[2]
    assert (inserted.kind, inserted.location, inserted.old_text) == ("inserted", "table 1, row 3", "")
    assert "f" in inserted.new_text and "g" in inserted.new_text
    assert changes[0].ops == [("delete", "Old"), ("insert", "New"), ("equal", " words here.")]
    assert all(c.substantive for c in changes)


def test_a_change_of_the_sections_own_number_alone_is_renumbered() -> None:
    changes = _changes(["See 2.1 and 12.1.", "Text of 2.1 changed."], ["See 3.1 and 12.1.", "Text of 3.1 edited."])
    mark_renumbered(changes, "2.1", "3.1")
    assert [c.renumbered for c in changes] == [True, False]
    assert [c.substantive for c in changes] == [False, True]
