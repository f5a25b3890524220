"""What the diff does not compare is listed by name where it differs (review/not_compared.py)."""

from __future__ import annotations

from fixtures.diff.stories import PYTHON_DOCX_BASE, python_docx_document
from strategy_builder.review.not_compared import NotCompared, not_compared
from strategy_builder.review.review_document import read_document


def test_a_changed_chart_is_named_with_the_section_it_is_in_and_an_unchanged_one_is_not() -> None:
    base = read_document(python_docx_document(**PYTHON_DOCX_BASE))  # type: ignore[arg-type]
    changed = read_document(python_docx_document(**{**PYTHON_DOCX_BASE, "chart": (10, 25)}))  # type: ignore[arg-type]
    assert not_compared(base, base) == []
    assert not_compared(base, changed) == [NotCompared("chart", "chart 1", "Migration situation", "changed")]
