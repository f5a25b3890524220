"""The alignment core: word diffs, whitespace normalisation, block pairing and move detection."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fixtures.diff.docs import make_docx
from strategy_builder.review.align import align_blocks, normalise, word_diff
from strategy_builder.ooxml.blocks import Paragraph
from strategy_builder.review.diff import diff_documents
from strategy_builder.review.review_document import read_document

TEXT = st.text(alphabet=st.sampled_from(list("ab c,.\t\u00a0éΩ")), max_size=40)


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT)
def test_word_diff_spells_both_texts(old: str, new: str) -> None:
    ops = word_diff(old, new)
    assert "".join(t for op, t in ops if op != "insert") == old
    assert "".join(t for op, t in ops if op != "delete") == new
    assert all(t for _, t in ops), "no empty operations"
    assert all(a[0] != b[0] for a, b in zip(ops, ops[1:], strict=False) if "equal" in (a[0], b[0])), "merged neighbours"


def test_word_diff_is_word_level_and_not_choppy() -> None:
    assert word_diff("the quick brown fox", "the slow red fox") == [
        ("equal", "the "), ("delete", "quick brown"), ("insert", "slow red"), ("equal", " fox")]


def test_normalise_ignores_whitespace_variants() -> None:
    assert normalise("a\u00a0b  c\u200b") == normalise(" a b c") == "a b c"
    assert normalise("a-b") != normalise("a b")


def test_replaced_paragraphs_pair_by_similarity_in_order() -> None:
    old = [Paragraph(t) for t in ("intro", "border management training", "visa facilitation talks", "end")]
    new = [Paragraph(t) for t in ("intro", "a brand new paragraph", "visa facilitation negotiations", "end")]
    kinds = [(p.kind, p.old.text if p.old else None, p.new.text if p.new else None) for p in align_blocks(old, new)]
    assert ("changed", "visa facilitation talks", "visa facilitation negotiations") in kinds
    assert kinds[0][0] == "equal" and kinds[-1][0] == "equal"


def test_a_moved_and_edited_section_shows_both() -> None:
    old = make_docx([("h1", "One"), "first text", ("h1", "Two"), "second text", ("h1", "Three"), "third text"])
    new = make_docx([("h1", "One"), "first text", ("h1", "Three"), "third text", ("h1", "Two"),
                     "second text, edited"])
    diff = diff_documents(read_document(old), read_document(new))
    moved = [s for s in diff.sections if s.moved]
    assert any(s.title == "Two" and s.edited for s in moved)
    two = next(s for s in diff.sections if s.title == "Two")
    assert any(op == ("insert", ", edited") for c in two.changes for op in c.ops)
