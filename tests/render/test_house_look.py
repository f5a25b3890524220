"""The house look given to the styles of documents assembled in code (overview, replies)."""

from __future__ import annotations

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from strategy_builder.ooxml.namespaces import qn
from strategy_builder.render.house_look import DARK_BLUE, FONT, GREY, TEXT, Look, apply_looks, heading


def test_looks_are_given_to_existing_styles_and_new_ones_are_added_on_normal_in_order() -> None:
    document = docx.Document()
    before = [style.name for style in document.styles]
    apply_looks(document, {
        "Normal": Look(10.5, after=6, line_spacing=1.1),
        "Heading 1": heading(17, DARK_BLUE, 0, 10, bold=True, page_break_before=True),
        "Zeta Note": Look(9, GREY, italic=True),
        "Alpha Field": Look(11, alignment=WD_ALIGN_PARAGRAPH.CENTER),
    })
    styles = document.styles
    normal = styles["Normal"]
    assert (normal.font.name, normal.font.size, normal.font.color.rgb) == (FONT, Pt(10.5), TEXT)
    assert (normal.paragraph_format.space_after, normal.paragraph_format.line_spacing) == (Pt(6), 1.1)
    title = styles["Heading 1"]
    assert (title.font.size, title.font.color.rgb, title.font.bold, title.font.italic) == (Pt(17), DARK_BLUE, True,
                                                                                           False)
    layout = title.paragraph_format
    assert (layout.keep_with_next, layout.page_break_before, layout.space_before) == (True, True, Pt(0))
    # New styles come after the template's, in the order given, based on Normal.
    added = [style.name for style in styles][len(before):]
    assert added == ["Zeta Note", "Alpha Field"]
    assert styles["Zeta Note"].base_style.name == "Normal" and styles["Zeta Note"].font.italic is True
    assert styles["Alpha Field"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_a_look_without_font_or_colour_leaves_them_to_the_base_style_and_writes_no_empty_properties() -> None:
    document = docx.Document()
    apply_looks(document, {"Gap": Look(2, colour=None, font=None, after=0)})
    gap = document.styles["Gap"]
    assert gap.font.name is None and gap.font.color.rgb is None and gap.font.size == Pt(2)
    run_properties = gap.element.find(qn("w:rPr"))
    assert run_properties is not None and [child.tag for child in run_properties] == [qn("w:sz")]
    nothing = document.styles["Normal"].element
    size_before = len(nothing)
    apply_looks(document, {"Normal": Look(None, colour=None, font=None)})
    assert len(nothing) == size_before  # an empty look adds no w:rPr or w:pPr
