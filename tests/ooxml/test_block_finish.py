"""Finishing a main part group by group (ooxml/block_finish.py): the same bytes as a finish of the whole
part, whatever is added, removed or renumbered between two finishes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from fixtures.images import png
from strategy_builder.ooxml.body_units import BODY_END
from strategy_builder.ooxml.drawings import Picture
from strategy_builder.ooxml.markers import LOGO_MARKER, anchor_marker, begin_marker, end_marker, mark_value
from strategy_builder.ooxml.namespaces import W
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.properties import CoreProperties
from strategy_builder.ooxml.rendered import PartProblem, finish_docx
from strategy_builder.ooxml.stamps import DraftStamps
from strategy_builder.ooxml.text_patch import MainPartMemo

STAMPS = DraftStamps(partner="AM", draft="preview", version="0.1.0", inputs_sha256="i" * 64,
                     template_sha256="t" * 64)
CORE = CoreProperties(title="T", subject="S", author="Team", version="preview", keywords="k", description="d",
                      date=dt.date(2010, 11, 15))
HEAD = f'<w:document xmlns:w="{W}"><w:body>'


def _p(text: str, style: str = "") -> str:
    properties = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'<w:p>{properties}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def _table(*cells: str) -> str:
    return "<w:tbl>" + "".join(f"<w:tr><w:tc>{_p(cell)}</w:tc></w:tr>" for cell in cells) + "</w:tbl>"


def _part(blocks: list[str]) -> str:
    return HEAD + "".join(blocks) + "<w:sectPr/>" + BODY_END


@pytest.fixture(scope="module")
def template() -> DocxPackage:
    return DocxPackage.open(REPO / "templates" / "strategy.docx")


def _finish(template: DocxPackage, main_xml: str, memo: MainPartMemo | None = None,
            picture: tuple[str, Picture] | None = None) -> tuple[object, ...]:
    """What a finish gives: the bytes, and the text, words and bookmarks the build checks."""
    main = template.main_part_name()
    contents = finish_docx(template.parts, {main: main_xml}, main, stamps=STAMPS, core=CORE, compresslevel=1,
                           keep_short_tables=True, keep_lead_ins=True, memo=memo, picture=picture)
    return contents.data, contents.text, contents.words, contents.bookmarks, contents.section_names


# -------------------------------------------------------------------------------- the same bytes as a whole finish

def _section(name: str, paragraphs: list[str]) -> list[str]:
    """A tracked section as the shipped template prints one: its markers in paragraphs of their own."""
    return [_p(begin_marker(name)), _p(f"{name} heading", "Heading2"), *paragraphs, _p(end_marker(name))]


def _document(sections: list[tuple[str, list[str]]]) -> str:
    blocks = [_p(anchor_marker("_Toc_top") + "Contents"), _p(mark_value(1, "The partner"), "Title")]
    for name, paragraphs in sections:
        blocks += _section(name, paragraphs)
    return _part(blocks + [_p("The end.")])


def _trusted(template: DocxPackage, main_xml: str) -> MainPartMemo:
    """A memo that finished ``main_xml`` whole, then verified a finish by groups of it (as a watcher does)."""
    memo = MainPartMemo()
    _finish(template, main_xml, memo)
    memo.blocks.verify()
    assert memo.blocks.trusted
    return memo


def test_a_structural_change_is_finished_by_groups_into_the_bytes_of_a_whole_finish(template: DocxPackage) -> None:
    before = _document([("AM/one", [_p(mark_value(2, "First."))]), ("AM/two", [_p(mark_value(3, "Lead-in:")),
                                                                               _table(mark_value(4, "cell"), "x")])])
    after = _document([("AM/new", [_p(mark_value(2, "Added."))]), ("AM/one", [_p(mark_value(3, "First."))]),
                       ("AM/two", [_p(mark_value(4, "Lead-in:")), _table(mark_value(5, "cell"), "x")])])
    memo = _trusted(template, before)
    main = template.main_part_name()
    assert memo.blocks.key is not None
    by_groups = memo.blocks.finish(memo.blocks.key, after)
    assert by_groups is not None  # every value moved, and the kept groups were used all the same
    whole = _finish(template, after)
    data = DocxPackage.from_bytes(whole[0]).parts[main]
    assert by_groups.data == data
    assert _finish(template, after, memo) == whole


def test_the_logo_is_placed_once_whichever_groups_are_finished_again(template: DocxPackage) -> None:
    picture = (LOGO_MARKER, Picture(png(3, 2)))

    def document(title: str, paragraphs: list[str]) -> str:
        return _part([_p("Cover"), _p(LOGO_MARKER), _p(mark_value(1, title), "Title"), _p("Subtitle"),
                      *_section("AM/one", paragraphs)])

    memo = MainPartMemo()
    _finish(template, document("Armenia", [_p("First.")]), memo, picture)
    memo.blocks.verify()
    assert memo.blocks.trusted
    for title, paragraphs in [("Armenia", [_p("First."), _p("Second.")]),  # the logo's group kept
                              ("Republic of Armenia", [_p("Second.")]),  # finished again with another
                              ("Republic of Armenia", [_p("Second.")] * 3)]:
        whole = _finish(template, document(title, paragraphs), picture=picture)
        assert memo.blocks.key is not None
        assert memo.blocks.finish(memo.blocks.key, document(title, paragraphs)) is not None
        assert _finish(template, document(title, paragraphs), memo, picture) == whole
        assert "word/media/logo.png" in DocxPackage.from_bytes(whole[0]).parts


def test_a_template_whose_markers_do_not_pair_up_is_refused_as_by_a_whole_finish(template: DocxPackage) -> None:
    memo = _trusted(template, _document([("AM/one", [_p("First.")])]))
    broken = _document([("AM/one", [_p("First.")])]).replace(_p(end_marker("AM/one")), "")
    with pytest.raises(PartProblem) as whole:
        _finish(template, broken)
    with pytest.raises(PartProblem) as through_the_memo:
        _finish(template, broken, memo)
    assert str(through_the_memo.value) == str(whole.value)


_TEXT = st.sampled_from(["Text.", "Lead-in:", "Fish &amp; chips", "Two  spaces ", "Ends in a colon: "])


def _value(text: str) -> str:
    """A value to be numbered by :func:`_value_document` (in order, as a build numbers them)."""
    return f"[[{text}]]"


_BLOCK = st.one_of(
    st.builds(_p, _TEXT),
    st.builds(lambda text: _p(_value(text)), _TEXT),
    st.builds(lambda text: _p("Before " + _value(text) + " after"), _TEXT),
    st.builds(lambda text, rows: _table(*[_value(text)] * rows), _TEXT, st.integers(1, 10)),
    st.just("<w:p/>"),
    st.just(_p("((anchor))Anchored")),  # an anchor (each its own name)
    st.just(_p("((begin))") + _p("In a section of its own.") + _p("((end))")),
    st.builds(lambda rows: _table("((begin))", *["In a section in a table:"] * rows, "((end))"), st.integers(0, 8)),
)
_VALUE = re.compile(r"\[\[(.*?)\]\]")


def _value_document(sections: list[list[str]]) -> str:
    numbers = iter(range(2, 10_000))
    document = _document([(f"AM/s{index}", paragraphs) for index, paragraphs in enumerate(sections)])
    anchors = iter(range(1, 10_000))
    document = re.sub(r"\(\(anchor\)\)", lambda _: anchor_marker(f"_Toc_{next(anchors)}"), document)
    sections = iter(range(1, 10_000))
    document = re.sub(r"\(\(begin\)\)", lambda _: begin_marker(f"AM/inner{next(sections)}"), document)
    sections = iter(range(1, 10_000))
    document = re.sub(r"\(\(end\)\)", lambda _: end_marker(f"AM/inner{next(sections)}"), document)
    return _VALUE.sub(lambda value: mark_value(next(numbers), value.group(1)), document)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.lists(st.lists(_BLOCK, max_size=4), min_size=1, max_size=4),
       edits=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 5), st.one_of(st.none(), _BLOCK)),
                      min_size=1, max_size=6))
def test_any_sequence_of_edits_gives_the_bytes_of_a_whole_finish(template: DocxPackage,
                                                                 first: list[list[str]],
                                                                 edits: list[tuple[int, int, Any]]) -> None:
    """Blocks added, removed and replaced anywhere (which renumbers every later value), each finish through
    a memo verified when idle (as a watcher's) is the finish of the whole part."""
    sections = [list(paragraphs) for paragraphs in first]
    memo = MainPartMemo()
    _finish(template, _value_document(sections), memo)
    for section, at, block in edits:
        paragraphs = sections[section % len(sections)]
        if block is None:
            if paragraphs:
                del paragraphs[at % len(paragraphs)]
        else:
            paragraphs.insert(at % (len(paragraphs) + 1), block)
        memo.blocks.verify()
        document = _value_document(sections)
        whole = _finish(template, document)
        assert memo.blocks.key is not None and memo.blocks.trusted
        by_groups = memo.blocks.finish(memo.blocks.key, document)  # what the finish below is made of
        assert by_groups is not None
        assert by_groups.data == DocxPackage.from_bytes(whole[0]).parts[template.main_part_name()]
        assert _finish(template, document, memo) == whole


def test_a_group_is_kept_by_its_text_with_its_values_numbered_in_their_order() -> None:
    """A priority added above a group moves every value's index in it: it is found all the same."""
    from strategy_builder.ooxml.block_finish import _labelled

    text = _p(mark_value(12, "x") + mark_value(7, "y")) + _p(mark_value(12, "x"))
    moved = _p(mark_value(15, "x") + mark_value(10, "y")) + _p(mark_value(15, "x"))
    assert _labelled(text) == (_p(mark_value(0, "x") + mark_value(1, "y")) + _p(mark_value(0, "x")), [12, 7, 12])
    assert _labelled(moved)[0] == _labelled(text)[0]
    # One value printed twice is not two values:
    assert _labelled(_p(mark_value(7, "x") + mark_value(7, "y")))[0] != _labelled(
        _p(mark_value(12, "x") + mark_value(7, "y")))[0]
    assert _labelled("no value") == ("no value", [])
