"""The OOXML layer: safe parsing, package limits, reproducible zips, section markers to bookmarks and back."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.ooxml.package import DocxPackage, write_zip
from strategy_builder.ooxml.zip_archive import ZipLimits
from strategy_builder.ooxml.parser import XmlRefused, parse_xml
from strategy_builder.ooxml.bookmarks import MarkerError, apply_section_markers, find_sections
from strategy_builder.ooxml.markers import begin_marker, bookmark_name, end_marker
from fixtures.archives import zip_members
from fixtures.corpus_parts import word_parts

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def document(*paragraphs: str) -> etree._Element:
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>' for text in paragraphs)
    return parse_xml(f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>')


@pytest.mark.parametrize("payload", [
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'.encode(),
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "a">]><x>&a;</x>'.encode("utf-16"),
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "a">]><x>&a;</x>'.encode("utf-16-be"),
    b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>',
])
def test_parser_refuses_doctype_in_any_encoding(payload: bytes) -> None:
    with pytest.raises(XmlRefused, match="DOCTYPE"):
        parse_xml(payload, part="word/document.xml")


def test_parser_refuses_too_many_elements_and_names_the_part() -> None:
    with pytest.raises(XmlRefused, match="word/x.xml: the part has more than 10 tags"):
        parse_xml(b"<a>" + b"<b/>" * 20 + b"</a>", part="word/x.xml", max_elements=10)
    with pytest.raises(XmlRefused, match="not well-formed"):
        parse_xml(b"<a><b></a>", part="word/x.xml")


def test_package_refuses_bombs_and_non_zips_with_the_file_named() -> None:
    with pytest.raises(UntrustedDocumentError, match="returned.docx: not a Word document"):
        DocxPackage.from_bytes(b"PK not really", source="returned.docx")
    bomb = zip_members({"word/document.xml": b"<a>" + b" " * (8 * 1024 * 1024) + b"</a>"})
    with pytest.raises(UntrustedDocumentError, match="compression ratio"):
        DocxPackage.from_bytes(bomb, source="bomb.docx")
    with pytest.raises(UntrustedDocumentError, match="limit"):
        DocxPackage.from_bytes(zip_members({"word/document.xml": b"<a/>" * 300}), source="small.docx",
                                      limits=ZipLimits(max_xml_part_bytes=100))
    with pytest.raises(UntrustedDocumentError, match="suspicious part name"):
        DocxPackage.from_bytes(zip_members({"../evil.xml": b"<a/>", "word/document.xml": b"<a/>"}), source="x.docx")


def test_written_zips_are_reproducible() -> None:
    parts = {"word/document.xml": b"<a/>", "[Content_Types].xml": b"<Types/>"}
    first, second = write_zip(parts), write_zip(dict(parts))
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.namelist()[0] == "[Content_Types].xml"
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_markers_become_bookmarks_and_marker_only_paragraphs_vanish() -> None:
    root = document(f"{begin_marker('AM/situation')}1 Situation", "Text of the situation.",
                    end_marker("AM/situation"), f"{begin_marker('AM/integration')}2 Integration", "More text.",
                    end_marker("AM/integration"))
    names = apply_section_markers(root)
    assert names == {bookmark_name("AM/situation"): "AM/situation", bookmark_name("AM/integration"): "AM/integration"}
    texts = ["".join(p.itertext()) for p in root.iter(f"{{{W}}}p")]
    assert texts == ["1 Situation", "Text of the situation.", "2 Integration", "More text."]
    sections = find_sections(root, names)
    assert [(s.section_id, s.heading, s.first_paragraph, s.last_paragraph) for s in sections] == [
        ("AM/situation", "1 Situation", 0, 1), ("AM/integration", "2 Integration", 2, 3)]


def test_unpaired_markers_are_refused() -> None:
    with pytest.raises(MarkerError, match="never end"):
        apply_section_markers(document(f"{begin_marker('AM/x')}Heading"))
    with pytest.raises(MarkerError, match="ends before it begins"):
        apply_section_markers(document(f"{end_marker('AM/x')}Heading"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Co")), max_size=30),
                min_size=1, max_size=6))
def test_marker_conversion_keeps_every_visible_character(texts: list[str]) -> None:
    from xml.sax.saxutils import escape

    nested = []
    for index, text in enumerate(texts):
        nested.append(f"{begin_marker(f'AM/s{index}')}{escape(text)}")
        nested.append(end_marker(f"AM/s{index}"))
    root = document(*nested)
    names = apply_section_markers(root)
    assert len(names) == len(texts)
    visible = "".join("".join(p.itertext()) for p in root.iter(f"{{{W}}}p"))
    assert visible == "".join(texts)
    found = {s.section_id for s in find_sections(root, names)}
    assert found == {f"AM/s{i}" for i in range(len(texts))}


def test_paragraph_text_keeps_field_results_and_text_after_fields_without_result() -> None:
    from strategy_builder.ooxml.accept import reject_all
    from strategy_builder.ooxml.text import paragraph_text

    def runs(*inner: str) -> etree._Element:
        return parse_xml(f'<w:p xmlns:w="{W}">' + "".join(f"<w:r>{r}</w:r>" for r in inner) + "</w:p>")

    begin, separate, end = ('<w:fldChar w:fldCharType="begin"/>', '<w:fldChar w:fldCharType="separate"/>',
                            '<w:fldChar w:fldCharType="end"/>')
    assert paragraph_text(runs("<w:t>before </w:t>", begin, "<w:instrText>PAGE</w:instrText>", end,
                               "<w:t>after</w:t>")) == "before after"
    assert paragraph_text(runs("<w:t>a</w:t>", begin, "<w:instrText>PAGE</w:instrText>", separate, "<w:t>7</w:t>",
                               end, "<w:t>b</w:t>")) == "a7b"
    deleted = parse_xml(f'<w:p xmlns:w="{W}"><w:r><w:t>kept </w:t></w:r><w:del w:id="1" w:author="x">'
                        '<w:r><w:delText>gone</w:delText></w:r></w:del><w:ins w:id="2" w:author="x"><w:r>'
                        '<w:t>new</w:t></w:r></w:ins></w:p>')
    assert paragraph_text(deleted) == "kept new"
    assert paragraph_text(reject_all(deleted)) == "kept gone"  # the original view: every change rejected


def test_paragraph_text_reads_tabs_breaks_and_hyphens_of_runs_only() -> None:
    from strategy_builder.ooxml.text import paragraph_atoms, paragraph_text, text_of_atoms

    paragraph = parse_xml(f'<w:p xmlns:w="{W}"><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs>'
                          '</w:pPr><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t><w:noBreakHyphen/>'
                          '<w:t>d</w:t><w:cr/></w:r><w:proofErr w:type="spellStart"/></w:p>')
    assert paragraph_text(paragraph) == "a\tb\nc-d\n"  # the tab stop in w:pPr is no text
    assert paragraph_text(paragraph) == text_of_atoms(paragraph_atoms(paragraph))


@pytest.mark.corpus
def test_paragraph_text_is_the_text_of_the_atoms_in_every_paragraph_of_the_corpus(corpus) -> None:
    """The one-pass reading of a paragraph (fields, text boxes and deletions aside) spells what the atoms the
    redline writer marks spell, in every story of every .docx of the corpus."""
    from strategy_builder.ooxml.text import paragraph_atoms, paragraph_text, text_of_atoms

    paragraphs = 0
    for file_name, name, root in word_parts(corpus):
        for paragraph in root.iter(f"{{{W}}}p"):
            paragraphs += 1
            assert paragraph_text(paragraph) == text_of_atoms(paragraph_atoms(paragraph)), (file_name, name)
    assert paragraphs > 2000


def test_a_part_at_the_size_limit_parses_and_one_byte_more_is_refused_naming_part_and_limit() -> None:
    from strategy_builder.ooxml.parser import MAX_XML_PART_BYTES

    element = b"<b>" + b"x" * 200 + b"</b>"  # libxml2 refuses single text nodes over 10 MB
    count, rest = divmod(MAX_XML_PART_BYTES - 7, len(element))
    at_limit = b"<a>" + element * count + b" " * rest + b"</a>"
    assert len(at_limit) == MAX_XML_PART_BYTES
    assert parse_xml(at_limit, part="word/document.xml").tag == "a"
    with pytest.raises(XmlRefused) as refused:
        parse_xml(at_limit + b" ", part="word/document.xml")
    assert "word/document.xml" in str(refused.value) and f"{MAX_XML_PART_BYTES:,}" in str(refused.value)


def test_a_part_at_the_tag_budget_parses_and_one_tag_more_is_refused() -> None:
    at_budget = "<a>" + "<b/>" * 8 + "</a>"  # ten tags
    assert parse_xml(at_budget, max_elements=10).tag == "a"
    with pytest.raises(XmlRefused) as refused:
        parse_xml(at_budget.replace("</a>", "<b/></a>"), max_elements=10)
    assert str(refused.value).startswith("XML: ") and "10" in str(refused.value)


def test_tags_are_counted_in_bytes_and_in_text() -> None:
    from strategy_builder.ooxml.parser import count_tags

    assert count_tags(b"<a><b/></a>") == count_tags("<a><b/></a>") == 3


def test_a_utf16_part_with_a_stray_byte_is_refused_not_a_crash() -> None:
    doctype = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'
    with pytest.raises(XmlRefused):
        parse_xml(doctype.encode("utf-16") + b"\x00", part="word/document.xml")


def test_serialized_parts_are_standalone_utf8_with_a_declaration() -> None:
    from strategy_builder.ooxml.parser import serialize

    data = serialize(parse_xml('<a xmlns="urn:x"><b>é</b></a>'))
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>")
    assert "é".encode() in data and parse_xml(data).find("{urn:x}b").text == "é"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
@pytest.mark.parametrize("declaration", ['<!DOCTYPE a [<!ENTITY x "y">]>', "<!DOCTYPE a>", '<!ENTITY x "y">'])
def test_a_doctype_or_an_entity_is_refused_before_parsing(encoding: str, declaration: str) -> None:
    """The text check refuses them before lxml sees the part (lxml's own refusal is the second layer)."""
    text = f'<?xml version="1.0" encoding="{encoding.upper()}"?>{declaration}<a/>'
    with pytest.raises(XmlRefused) as refused:
        parse_xml(text.encode(encoding), part="word/settings.xml")
    assert str(refused.value) == "word/settings.xml: a DOCTYPE or entity declaration is not allowed in OOXML"


def test_a_marker_character_left_in_a_text_or_after_it_is_refused() -> None:
    with pytest.raises(MarkerError, match="left in the text"):
        apply_section_markers(document("A closing character alone \ue001 in a text"))
    root = document(f"{begin_marker('AM/x')}Heading", end_marker("AM/x"), "plain")
    next(t for t in root.iter(f"{{{W}}}t") if t.text == "plain").tail = "\ue000"  # after a text, in its run
    with pytest.raises(MarkerError, match="left in the text"):
        apply_section_markers(root)
    # after a marker's own text: it goes with the marker's run
    root = document(f"{begin_marker('AM/x')}", "Heading", end_marker("AM/x"))
    next(root.iter(f"{{{W}}}t")).tail = "\ue001"
    assert apply_section_markers(root) == {bookmark_name("AM/x"): "AM/x"}


def test_sections_inside_paragraphs_are_found_from_the_bookmarks_alone_and_others_from_the_paragraphs_too() -> None:
    """Bookmarks inside the listed paragraphs give the spans without the walk over the paragraphs (the same
    spans as that walk); a tracked bookmark between paragraphs needs it (its start goes with the next one)."""
    from strategy_builder.ooxml.bookmarks import _spans, body_paragraphs

    start, end, name = f"{{{W}}}bookmarkStart", f"{{{W}}}bookmarkEnd", bookmark_name("AM/situation")
    root = document("1 Situation", "Text.", "2 Next", "More.")
    body = root[0]
    inside = etree.SubElement(body[0], start, {f"{{{W}}}id": "7", f"{{{W}}}name": name})
    body[0].insert(0, inside)
    etree.SubElement(body[1], end, {f"{{{W}}}id": "7"})
    other = etree.SubElement(body[2], start, {f"{{{W}}}id": "8", f"{{{W}}}name": "_Toc1"})
    body[2].insert(0, other)
    paragraphs = body_paragraphs(root)
    index_of = {id(p.element): p.index for p in paragraphs}
    marks = (start, end)
    alone = _spans(body.iter(*marks), index_of, between=False)
    assert alone == _spans(body.iter(f"{{{W}}}p", *marks), index_of, between=True) == ({name: 0}, {name: 1})
    body.insert(2, inside)  # now between paragraphs 1 and 2: it starts with paragraph 2
    assert _spans(body.iter(*marks), index_of, between=False) is None
    sections = find_sections(root, {name: "AM/situation"})
    assert [(s.section_id, s.first_paragraph, s.last_paragraph, s.heading) for s in sections] == [
        ("AM/situation", 2, 3, "2 Next")]  # its end came before it: the section runs to the last paragraph
