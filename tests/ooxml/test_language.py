"""ooxml/language.py: a document's language on its styles and settings, and runs printed while their translation
is pending, labelled, highlighted and tagged with the source language."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from strategy_builder.ooxml.language import LanguagePartError, default_language, mark_pending, set_document_language
from strategy_builder.ooxml.markers import PENDING_MARKER
from strategy_builder.ooxml.package import DocxPackage


def _package() -> DocxPackage:
    document = docx.Document()
    document.styles["Normal"].font.bold = True
    buffer = io.BytesIO()
    document.save(buffer)
    return DocxPackage.from_bytes(buffer.getvalue())


def test_the_document_language_is_set_on_styles_and_settings_and_read_back() -> None:
    package = _package()
    assert default_language(package) == "en-US"  # python-docx's default template
    set_document_language(package, "ru-RU")
    assert default_language(DocxPackage.from_bytes(package.to_bytes())) == "ru-RU"
    reopened = docx.Document(io.BytesIO(package.to_bytes()))
    langs = list(reopened.styles.element.iter(qn("w:lang")))
    assert langs and {lang.get(qn("w:val")) for lang in langs} == {"ru-RU"}
    assert {lang.get(qn("w:eastAsia")) for lang in langs} - {None}  # East Asian tags are kept
    settings = reopened.settings.element.find(qn("w:themeFontLang"))
    assert settings is None or settings.get(qn("w:val")) == "ru-RU"


def test_a_broken_styles_part_is_named() -> None:
    package = _package()
    package.parts["word/styles.xml"] = b"<w:styles"
    with pytest.raises(LanguagePartError) as refused:
        set_document_language(package, "ru-RU")
    assert refused.value.part == "word/styles.xml"
    assert default_language(DocxPackage(package.parts)) == ""
    assert default_language(DocxPackage({"word/document.xml": b"<x/>"})) == ""


def test_pending_values_are_labelled_highlighted_and_tagged_with_the_source_language() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph()
    pending = paragraph.add_run(f"{PENDING_MARKER}Armenia intends to")
    pending.underline = True
    pending.font.complex_script = True
    paragraph.add_run(" уже переведено")
    root = etree.fromstring(etree.tostring(document.element))
    assert mark_pending(root, "[translation pending]", "en-GB") == 1
    runs = root.findall(f".//{qn('w:r')}")
    assert "".join(runs[0].itertext()) == "[translation pending] Armenia intends to"
    properties = [child.tag.split("}")[1] for child in runs[0].find(qn("w:rPr"))]
    assert properties.index("highlight") < properties.index("u") and properties.index("cs") < properties.index("lang")
    assert runs[0].find(f"{qn('w:rPr')}/{qn('w:lang')}").get(qn("w:val")) == "en-GB"
    assert runs[1].find(qn("w:rPr")) is None
    assert PENDING_MARKER not in "".join(root.itertext())
    assert mark_pending(root, "[translation pending]", "en-GB") == 0
