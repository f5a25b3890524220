"""The house look of the documents assembled in code with python-docx: the regional overview and the
replies to ministries.

They are written without a template, so they take the drafts' look from here: the font and colours of the
drafts' template (Calibri, near-black text, dark-blue headings, grey small print), given to named
paragraph styles as each document lists them (:func:`apply_looks`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.shared import Pt, RGBColor

FONT = "Calibri"
TEXT = RGBColor(0x1A, 0x1A, 0x1A)
DARK_BLUE = RGBColor(0x1F, 0x38, 0x64)
MID_BLUE = RGBColor(0x2E, 0x54, 0x96)
GREY = RGBColor(0x59, 0x59, 0x59)


class Look(NamedTuple):
    """How one paragraph style looks. Sizes and spacing are in points; ``None`` leaves a property as the
    style (or the style it is based on) has it."""

    size: float | None = None
    colour: RGBColor | None = TEXT
    font: str | None = FONT
    bold: bool | None = None
    italic: bool | None = None
    before: float | None = None
    after: float | None = None
    line_spacing: float | None = None
    keep_with_next: bool | None = None
    page_break_before: bool | None = None
    alignment: WD_PARAGRAPH_ALIGNMENT | None = None


def heading(size: float, colour: RGBColor, before: float, after: float, *, bold: bool,
            page_break_before: bool | None = None) -> Look:
    """The look of a title or heading: never italic, kept with the paragraph that follows."""
    return Look(size, colour, bold=bold, italic=False, before=before, after=after, keep_with_next=True,
                page_break_before=page_break_before)


def apply_looks(document: DocxDocument, looks: Mapping[str, Look]) -> None:
    """Give each named paragraph style its look, in the order given.

    A style the document does not have yet is added, based on Normal (in the order given, which is the
    order of ``styles.xml``).
    """
    styles = document.styles
    for name, look in looks.items():
        if name in styles:
            style = styles[name]
        else:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = styles["Normal"]
        font, paragraph = style.font, style.paragraph_format
        for target, attribute, value in (
                (font, "name", look.font), (font, "size", None if look.size is None else Pt(look.size)),
                (font.color, "rgb", look.colour), (font, "bold", look.bold), (font, "italic", look.italic),
                (paragraph, "space_before", None if look.before is None else Pt(look.before)),
                (paragraph, "space_after", None if look.after is None else Pt(look.after)),
                (paragraph, "line_spacing", look.line_spacing), (paragraph, "keep_with_next", look.keep_with_next),
                (paragraph, "page_break_before", look.page_break_before), (paragraph, "alignment", look.alignment)):
            if value is not None:  # setting None would write an empty w:rPr or w:pPr where there is none
                setattr(target, attribute, value)


__all__ = ["DARK_BLUE", "FONT", "GREY", "Look", "MID_BLUE", "TEXT", "apply_looks", "heading"]
