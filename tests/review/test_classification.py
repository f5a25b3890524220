"""Two reviewed documents' sections classified by the one classification (review/classification.py)."""

from __future__ import annotations

from fixtures.diff.docs import make_docx
from strategy_builder.review.classification import classify_documents
from strategy_builder.review.review_document import read_document


def test_headings_without_ids_are_matched_by_title_or_a_retitled_one_by_its_content() -> None:
    old = read_document(make_docx([("h1", "1. Borders"), "Border text here, with some more words.",
                                   ("h1", "2. Returns"), "Return text of the old document."]))
    new = read_document(make_docx([("h1", "1. Borders"), "Border text here, with some more words.",
                                   ("h1", "2. Return policy"), "Return text of the old document."]))
    statuses = {change.title: change.status for change in classify_documents(old, new)}
    assert statuses == {"Borders": "unchanged", "Return policy": "changed"}


def test_a_section_whose_number_alone_changed_is_renumbered() -> None:
    old = read_document(make_docx([("h1", "1. Visas"), "Visa text.", ("h1", "2. Borders"),
                                   "See 2. Borders for the list.", ("h1", "3. Labour"), "Labour text."]))
    new = read_document(make_docx([("h1", "1. Borders"), "See 1. Borders for the list.", ("h1", "2. Labour"),
                                   "Labour text."]))
    changes = {change.title: change for change in classify_documents(old, new)}
    assert changes["Visas"].status == "removed"
    assert (changes["Borders"].status, changes["Borders"].old_number, changes["Borders"].new_number) == (
        "renumbered", "2", "1")


def test_a_section_number_is_found_only_as_itself() -> None:
    """Not inside a longer number (12.3, 2.31, 2.3.1 is 2.3 followed by .1), nor after a letter or a dot; at the
    start of the text too; as the look-behind-first form of the pattern finds it."""
    import re

    from strategy_builder.review.review_document import number_pattern

    text = "2.3 Borders: see 2.3, 12.3, 2.31, x2.3, .2.3, (2.3) and 2.3.1; A.2.3 or 2.3"
    assert number_pattern("2.3").sub("#", text) == "# Borders: see #, 12.3, 2.31, x2.3, .2.3, (#) and #.1; A.2.3 or #"
    for number in ("2.3", "1", "A", "3.4.5"):
        reference = re.compile(r"(?<![\w.])" + re.escape(number) + r"(?!\d)")
        for sample in (text, "1 A 3.4.5 11 A1 B.A 3.4.55 _1 é1 ١1", ""):
            assert number_pattern(number).sub("#", sample) == reference.sub("#", sample), (number, sample)
