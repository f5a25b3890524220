"""ooxml/drawings.py: unique drawing ids after a loop repeated a picture, a picture's size from its file, and the
logo placed in a python-docx document where its marker was, scaled into its box."""

from __future__ import annotations

import io

import docx
import pytest
from lxml import etree
from docx.oxml.ns import qn

from fixtures.images import png
from strategy_builder.ooxml.drawings import Picture, picture_size, place_picture, renumber_drawing_ids
from strategy_builder.ooxml.package import DocxPackage


def test_every_drawing_gets_its_own_id_in_document_order() -> None:
    xml = (b'<w:body><wp:docPr id="5" name="a"/><wp:docPr name="b" id="5"/>'
           b'<wp:docPr  id="12" descr="c"/><wp:docPrX id="5"/></w:body>')
    assert renumber_drawing_ids(xml) == (b'<w:body><wp:docPr id="1" name="a"/><wp:docPr name="b" id="2"/>'
                                         b'<wp:docPr  id="3" descr="c"/><wp:docPrX id="5"/></w:body>')


def test_a_picture_size_comes_from_its_file_and_other_files_are_refused() -> None:
    assert picture_size(png(30, 15)) == ("png", "image/png", 40, 20)  # 72 dpi assumed: 30 px are 40 at 96
    with pytest.raises(ValueError, match="PNG or JPEG"):
        picture_size(b"GIF89a not really")
    with pytest.raises(ValueError):
        picture_size(png(3, 3)[:20])


def test_the_logo_replaces_its_marker_scaled_into_its_box() -> None:
    document = docx.Document()
    document.add_paragraph("Cover")
    document.add_paragraph().add_run("[[LOGO]]").bold = True
    buffer = io.BytesIO()
    document.save(buffer)
    package = DocxPackage.from_bytes(buffer.getvalue())
    root = package.xml("word/document.xml")
    assert not place_picture(package.parts, "word/document.xml", root, "[[ABSENT]]", Picture(png()))
    assert place_picture(package.parts, "word/document.xml", root, "[[LOGO]]",
                         Picture(png(300, 100), max_width_cm=4.0, max_height_cm=4.0))
    package.parts["word/document.xml"] = etree.tostring(root)
    reopened = docx.Document(io.BytesIO(package.to_bytes()))
    [shape] = reopened.inline_shapes
    assert shape.width == 4 * 360_000  # the width bounds it
    assert shape.width / shape.height == pytest.approx(3, rel=0.01)
    assert "[[LOGO]]" not in "".join(p.text for p in reopened.paragraphs)
    run = reopened.paragraphs[1].runs[0]
    assert run.bold and run._r.find(qn("w:drawing")) is not None
    blip = next(run._r.iter(qn("a:blip")))
    assert reopened.part.related_parts[blip.get(qn("r:embed"))].blob == png(300, 100)
