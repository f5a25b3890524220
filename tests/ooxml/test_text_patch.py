"""Finishing a main part again by patching its texts: the same bytes as finishing it from scratch, and the
patch taken only where no pass could decide differently."""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape as xml_escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from strategy_builder.ooxml.markers import PENDING_MARKER, begin_marker, end_marker, mark_value
from strategy_builder.ooxml.namespaces import W
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.properties import CoreProperties
from strategy_builder.ooxml.rendered import finish_docx
from strategy_builder.ooxml.stamps import DraftStamps
from strategy_builder.ooxml.text import count_words
from strategy_builder.ooxml.parser import XmlRefused, parse_xml
from strategy_builder.ooxml.text_patch import MainPartMemo, _decoded, changed_texts

STAMPS = DraftStamps(partner="AM", draft="preview", version="0.1.0", inputs_sha256="i" * 64,
                     template_sha256="t" * 64)
CORE = CoreProperties(title="T", subject="S", author="Team", version="preview", keywords="k", description="d",
                      date=dt.date(2010, 11, 15))


def _p(text: str, style: str = "") -> str:
    properties = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{properties}<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def _main(situation: str = "The situation.", lead_in: str = "It has three parts", cell: str = "cell",
          extra: str = "") -> str:
    body = (_p(begin_marker("AM/situation")) + _p("1 Migration situation", "Heading1")
            + _p(mark_value(1, situation)) + _p(mark_value(2, lead_in)) + extra
            + "<w:tbl><w:tr><w:tc>" + _p(mark_value(3, cell)) + "</w:tc></w:tr><w:tr><w:tc>" + _p("two")
            + "</w:tc></w:tr></w:tbl>" + _p(mark_value(1, situation)) + _p(end_marker("AM/situation")))
    return f'<w:document xmlns:w="{W}"><w:body>{body}<w:sectPr/></w:body></w:document>'


@pytest.fixture(scope="module")
def template() -> DocxPackage:
    return DocxPackage.open(REPO / "templates" / "strategy.docx")


def _finish(template: DocxPackage, main_xml: str, memo: MainPartMemo | None = None) -> tuple[object, ...]:
    """What a finish gives: the bytes, and the text, words and bookmarks the build checks."""
    main = template.main_part_name()
    contents = finish_docx(template.parts, {main: main_xml}, main, stamps=STAMPS, core=CORE, compresslevel=1,
                           keep_short_tables=True, keep_lead_ins=True, memo=memo)
    assert contents.words == count_words(contents.text)
    return contents.data, contents.text, contents.words, contents.bookmarks, contents.section_names


@pytest.mark.parametrize(("edit", "patched"), [
    ({"situation": "The situation changed, printed twice."}, True),
    ({"situation": "Fish &amp; chips &lt;b&gt; &#x41; \"quoted\""}, True),
    ({"cell": "another cell"}, True),
    ({"lead_in": "It has three parts:"}, False),  # now a lead-in: it keeps with the table
    ({"situation": ""}, False),  # an empty value: the run is split differently
    ({"extra": _p("A paragraph more.")}, False),
    ({"situation": "&nbsp;"}, False),  # does not parse: finished from scratch, which says so
])
def test_a_patched_finish_is_the_finish_from_scratch(template: DocxPackage, edit: dict[str, str],
                                                      patched: bool) -> None:
    memo = MainPartMemo()
    _finish(template, _main(), memo)
    root = memo.root
    assert root is not None
    changed = _main(**edit)
    try:
        expected = _finish(template, changed)
    except Exception as error:  # noqa: BLE001 - the same error either way
        with pytest.raises(type(error)):
            _finish(template, changed, memo)
        return
    assert _finish(template, changed, memo) == expected
    assert (memo.root is root) is patched
    # and again, from the patched (or remembered) state back to the first text
    assert _finish(template, _main(), memo) == _finish(template, _main())


def _finish_version(template: DocxPackage, main_xml: str, memo: MainPartMemo | None = None) -> tuple[object, ...]:
    """:func:`_finish` for a Russian version, whose untranslated values carry the pending marker."""
    main = template.main_part_name()
    contents = finish_docx(template.parts, {main: main_xml}, main, stamps=STAMPS, core=CORE, compresslevel=1,
                           keep_short_tables=True, keep_lead_ins=True, language="ru-RU",
                           pending=("[EN]", "en-GB"), memo=memo)
    return contents.data, contents.text, contents.words, contents.bookmarks, contents.section_names


def _version(untranslated: str, translated: str = "Перевод.") -> str:
    return _main(extra=_p(untranslated) + _p(translated))


@pytest.mark.parametrize(("before", "after", "patched"), [
    (f"{PENDING_MARKER}Edit 2.", f"{PENDING_MARKER}Edit 3.", True),  # printed untranslated before and after
    (f"{PENDING_MARKER}Edit 2.", "Правка 2.", False),  # translated now: the run loses its highlight
    ("Правка 2.", f"{PENDING_MARKER}Edit 3.", False),  # untranslated now: the run gets it
    (f"{PENDING_MARKER}Edit 2.", f"Edit {PENDING_MARKER}3.", False),  # the marker moved
    (f"{PENDING_MARKER}{mark_value(7, 'Edit 2.')}", f"{PENDING_MARKER}{mark_value(7, 'Edit 3.')}", False),
])
def test_a_language_version_s_untranslated_text_is_patched_only_as_it_would_be_finished(
        template: DocxPackage, before: str, after: str, patched: bool) -> None:
    memo = MainPartMemo()
    _finish_version(template, _version(before), memo)
    root = memo.root
    assert root is not None
    assert _finish_version(template, _version(after), memo) == _finish_version(template, _version(after))
    assert (memo.root is root) is patched


def test_only_texts_inside_w_t_count_as_changed_texts() -> None:
    old = '<w:p><w:r><w:t>one</w:t></w:r><w:r><w:t xml:space="preserve">two</w:t></w:r></w:p>'
    assert changed_texts(old, old) == []
    assert changed_texts(old, old.replace("two", "deux")) == [(1, "two", "deux")]
    assert changed_texts(old, old.replace("one", "un").replace("two", "deux")) == [(0, "one", "un"), (1, "two", "deux")]
    assert changed_texts(old, old.replace('xml:space="preserve"', "")) is None  # markup
    assert changed_texts(old, old.replace("<w:r><w:t>one</w:t></w:r>", "")) is None
    assert changed_texts(old, old.replace("</w:p>", "tail</w:p>")) is None  # text outside a w:t


def test_a_memo_is_used_only_with_the_same_template_and_options(template: DocxPackage) -> None:
    main = template.main_part_name()
    memo = MainPartMemo()
    finish_docx(template.parts, {main: _main()}, main, stamps=STAMPS, core=CORE, keep_short_tables=True, memo=memo)
    root = memo.root
    changed = _main(situation="Changed.")
    without = finish_docx(template.parts, {main: changed}, main, stamps=STAMPS, core=CORE, memo=memo)
    assert memo.root is not root  # other options: finished from scratch
    assert without.data == finish_docx(template.parts, {main: changed}, main, stamps=STAMPS, core=CORE).data
    memo.clear()
    assert memo.root is None and memo.patch(memo.key or (), changed) is None


@pytest.mark.parametrize("extra", ["<!-- a comment -->", "<?pi x?>",
                                   "<w:p><w:r><w:t><![CDATA[cdata]]></w:t></w:r></w:p>"])
def test_a_part_whose_texts_cannot_be_counted_is_never_patched(template: DocxPackage, extra: str) -> None:
    """A comment, a processing instruction or CDATA in the rendered part: the memo kept by the finish is
    forgotten when it is checked (a watcher checks after reporting; a patch checks first), and every later
    finish is from scratch."""
    main = template.main_part_name()
    for checked_first in (True, False):
        memo = MainPartMemo()
        _finish(template, _main(extra=extra), memo)
        assert memo.root is not None and not memo.checked  # kept, unchecked: the check is put off
        if checked_first:
            memo.check()
            assert memo.root is None and memo.checked
        changed = _main(situation="Changed.", extra=extra)
        assert memo.patch(memo.key or (), changed) is None and memo.root is None
        assert _finish(template, changed, memo) == _finish(template, changed)
    memo = MainPartMemo()
    _finish(template, _main(), memo)
    memo.check()
    assert memo.root is not None  # a plain part is kept
    assert finish_docx(template.parts, {main: _main()}, main, stamps=STAMPS, core=CORE, compresslevel=1,
                       keep_short_tables=True, keep_lead_ins=True, memo=memo).data == _finish(template, _main())[0]


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Cn")) | st.sampled_from("&<>:'\" "),
                max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.sampled_from(["situation", "lead_in", "cell"]), _TEXT), min_size=1, max_size=4))
def test_any_sequence_of_wording_edits_gives_the_bytes_of_a_finish_from_scratch(template: DocxPackage,
                                                                                 edits: list[tuple[str, str]]) -> None:
    memo = MainPartMemo()
    values = {"situation": "The situation.", "lead_in": "It has three parts", "cell": "cell"}
    _finish(template, _main(**values), memo)
    for field_name, text in edits:
        values[field_name] = xml_escape(text)
        assert _finish(template, _main(**values), memo) == _finish(template, _main(**values))


_STRUCTURE = st.sampled_from(["", _p("A paragraph more."), _p("Two: ") + _p(mark_value(4, "four")),
                              "<w:tbl><w:tr><w:tc>" + _p(mark_value(5, "five:")) + "</w:tc></w:tr></w:tbl>"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.one_of(st.tuples(st.sampled_from(["situation", "cell"]), _TEXT),
                                st.tuples(st.just("extra"), _STRUCTURE)), min_size=1, max_size=5))
def test_any_sequence_of_wording_and_structural_edits_gives_the_bytes_of_a_finish_from_scratch(
        template: DocxPackage, edits: list[tuple[str, str]]) -> None:
    """Paragraphs and tables added and removed between wording edits: each finish through the memo (patched,
    or from scratch with the word counts it kept) is the finish from scratch."""
    memo = MainPartMemo()
    values = {"situation": "The situation.", "lead_in": "It has three parts", "cell": "cell", "extra": ""}
    _finish(template, _main(**values), memo)
    for field_name, text in edits:
        values[field_name] = text if field_name == "extra" else xml_escape(text)
        assert _finish(template, _main(**values), memo) == _finish(template, _main(**values))


_PIECES = st.sampled_from(["a", "Я", "\U0001F600", " ", "\t", "\n", "\r", "\r\n", "&amp;", "&#65;", "&#x41;", "&nbsp;",
                           "&", ";", "#", "]", "]]>", ">", "\x01", "\x0b", "\ufffe", ":"])


@given(raw=st.lists(_PIECES, max_size=8).map("".join))
def test_a_text_is_read_as_the_parser_reads_it(raw: str) -> None:
    """A text the parser would read as written is not parsed (most are): the same answer either way."""
    try:
        parsed = parse_xml(f"<t>{raw}</t>".encode())
        expected = None if len(parsed) else parsed.text or ""
    except XmlRefused:
        expected = None
    assert _decoded(raw) == expected
