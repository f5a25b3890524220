"""What a draft printed for a YAML value, character by character, and word edits of it as edits of the value
(review/printed_values.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from strategy_builder.inputs.yaml_edit import TextEdit, apply_edits
from strategy_builder.review.printed_values import printed, to_value_edits, word_edits

PROSE = "First paragraph of the\nrationale.\n\n- a bullet\n- another bullet\n"


def test_a_line_prints_stripped_and_each_character_points_into_the_value() -> None:
    placed = printed("  Border management \n", "line")
    assert placed is not None and placed.text == "Border management"
    assert [("  Border management \n")[a:b] for a, b in placed.spans] == list("Border management")


def test_prose_prints_by_block_or_joined_and_a_missing_block_is_none() -> None:
    first, bullet = printed(PROSE, "block", 0), printed(PROSE, "block", 2)
    assert first is not None and first.text == "First paragraph of the rationale."
    assert bullet is not None and bullet.text == "another bullet"
    assert printed(PROSE, "block", 3) is None
    joined = printed(PROSE, "joined")
    assert joined is not None and joined.text == "First paragraph of the rationale. a bullet another bullet"
    assert printed("", "joined") is not None


def test_word_edits_are_whole_words_whichever_way_the_change_was_recorded() -> None:
    assert word_edits("risk analysis capacity", "risk assessment capacity") == [TextEdit(5, 13, "assessment")]
    assert word_edits("a b", "a b") == []


def test_an_edit_of_the_printed_text_lands_on_the_values_characters() -> None:
    placed = printed(PROSE, "block", 0)
    assert placed is not None
    edits = to_value_edits(word_edits(placed.text, "First paragraph of the new rationale."), placed, PROSE)
    assert apply_edits(PROSE, edits) == PROSE.replace("the\nrationale", "the\nnew rationale")
    # A deletion at a line's end leaves no space behind it.
    value = "- Keep these words\n- next line"
    bullet = printed(value, "block", 0)
    assert bullet is not None and bullet.text == "Keep these words"
    cut = to_value_edits(word_edits(bullet.text, "Keep these"), bullet, value)
    assert apply_edits(value, cut) == "- Keep these\n- next line"


@given(st.lists(st.sampled_from(["risk", "analysis", " ", ",", "capacity", "Zvartnots", "  "]), max_size=12),
       st.lists(st.sampled_from(["risk", "assessment", " ", ".", "capacity", "airport"]), max_size=12))
def test_word_edits_turn_the_old_text_into_the_new(old: list[str], new: list[str]) -> None:
    before, after = "".join(old), "".join(new)
    assert apply_edits(before, word_edits(before, after)) == after
