"""ooxml/authoring.py: what python-docx cannot write (fields, shading, header rows, borders, alt text, dropping a
part), written into a python-docx document, saved, and read back by python-docx in the order Word requires."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from docx.oxml.ns import qn

from fixtures.images import png
from strategy_builder.ooxml.authoring import (
    append_field, append_tab, bottom_border, describe_pictures, describe_table, drop_part, keep_row_together,
    repeat_header_row, shade_cell, table_borders,
)
from strategy_builder.ooxml.package import DocxPackage



def _saved(document: docx.document.Document) -> docx.document.Document:  # type: ignore[name-defined]
    buffer = io.BytesIO()
    document.save(buffer)
    return docx.Document(io.BytesIO(buffer.getvalue()))


def test_a_field_shows_its_cached_text_in_the_formatting_of_the_last_run() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("Page ").bold = True
    append_field(paragraph._p, "PAGE", "7")
    append_tab(paragraph._p)
    reread = _saved(document).paragraphs[-1]
    runs = reread._p.findall(qn("w:r"))
    kinds = [run[-1].tag.split("}")[1] + (":" + run[-1].get(qn("w:fldCharType")) if run[-1].get(qn("w:fldCharType"))
                                          else "") for run in runs]
    assert kinds == ["t", "fldChar:begin", "instrText", "fldChar:separate", "t", "fldChar:end", "tab"]
    assert runs[2].find(qn("w:instrText")).text.strip() == "PAGE"
    assert reread.text == "Page 7\t"
    assert all(run.find(qn("w:rPr")) is not None and run.find(qn("w:rPr")).find(qn("w:b")) is not None
               for run in runs[1:6])


def test_table_properties_are_written_in_the_order_of_the_standard() -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.style = "Table Grid"
    describe_table(table._tbl, "Matrix", "Partners by area")
    table_borders(table._tbl, "999999")
    table_borders(table._tbl, "333333")  # twice: one set of borders, the last colour
    shade_cell(table.cell(0, 0)._tc, "DDEEFF")
    repeat_header_row(table.rows[0]._tr)
    keep_row_together(table.rows[1]._tr)
    reread = _saved(document).tables[0]
    properties = reread._tbl.tblPr
    order = [child.tag.split("}")[1] for child in properties]
    assert order.index("tblStyle") < order.index("tblBorders") < order.index("tblCaption") < order.index(
        "tblDescription")
    assert order.count("tblBorders") == 1
    borders = properties.find(qn("w:tblBorders"))
    assert {side.get(qn("w:color")) for side in borders} == {"333333"} and len(borders) == 6
    assert properties.find(qn("w:tblCaption")).get(qn("w:val")) == "Matrix"
    assert reread.cell(0, 0)._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "DDEEFF"
    header = reread.rows[0]._tr.trPr
    assert header.find(qn("w:tblHeader")) is not None and header.find(qn("w:cantSplit")) is not None
    assert reread.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    assert reread.rows[1]._tr.trPr.find(qn("w:cantSplit")) is not None


def test_a_bottom_border_goes_before_spacing_and_after_the_style() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("To: the Ministry", style="Heading 1")
    paragraph.paragraph_format.space_after = 0
    bottom_border(paragraph._p, "1F3864", 8)
    properties = _saved(document).paragraphs[-1]._p.pPr
    order = [child.tag.split("}")[1] for child in properties]
    assert order.index("pStyle") < order.index("pBdr") < order.index("spacing")
    bottom = properties.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert (bottom.get(qn("w:val")), bottom.get(qn("w:sz")), bottom.get(qn("w:color"))) == ("single", "8", "1F3864")


def test_every_picture_of_a_paragraph_gets_the_alt_text(tmp_path: Path) -> None:
    image = tmp_path / "dot.png"
    image.write_bytes(png())
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run().add_picture(str(image))
    paragraph.add_run().add_picture(str(image))
    describe_pictures(paragraph._p, "Figure 1", "Priorities per partner and area")
    found = list(_saved(document).paragraphs[-1]._p.iter(qn("wp:docPr")))
    assert len(found) == 2 and all((p.get("title"), p.get("descr")) == ("Figure 1", "Priorities per partner and area")
                                   for p in found)


def test_dropping_a_part_removes_its_relationship_and_content_type() -> None:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    package = DocxPackage.from_bytes(buffer.getvalue())
    name = next(n for n in package.parts if n.startswith("docProps/core"))
    drop_part(package, name)
    drop_part(package, "docProps/absent.xml")  # nothing to drop: no change, no error
    assert name not in package.parts
    assert name.encode() not in package.parts["_rels/.rels"]
    assert name.encode() not in package.parts["[Content_Types].xml"]
    docx.Document(io.BytesIO(package.to_bytes()))  # still a package python-docx opens
