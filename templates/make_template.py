#!/usr/bin/env python3
"""Build ``templates/strategy.docx``, the default Word template of strategy-builder.

Run from anywhere::

    python templates/make_template.py            # writes templates/strategy.docx
    python templates/make_template.py -o x.docx  # writes elsewhere

The output is deterministic: running the script twice gives byte-identical files (fixed core-property
dates, no revision IDs, zip entries in a fixed order with fixed timestamps).

What the template is
--------------------
A docxtpl template: Word XML with Jinja tags that ``strategy-builder build`` fills with the template
context of one partner (``strategy_builder/render/context.py``; documented in ``docs/templates.md``).
Rendering uses a sandboxed Jinja environment with ``StrictUndefined`` and autoescaping, so the template
may only use variables that the context provides.

How it is built
---------------
python-docx makes the package, the page setup, the paragraphs, runs and tables; lxml adds what python-docx
has no API for: the style definitions (shading, borders, outline levels, tab stops, table styles), the
bullet numbering, the settings, complex fields (TOC, PAGE, NUMPAGES) and frames.

Everything visual is a NAMED STYLE (see ``STYLE_NAMES`` below and ``templates/README.md``): an
organisation can restyle the template in Word (Home > Styles > Modify) without touching this script.
The body only ever refers to styles, never to direct formatting.

Rules the body follows (see docs/templates.md)
----------------------------------------------
* Section markers: ``{{ X.begin }}`` is the first run of the section's heading paragraph;
  ``{{ X.end }}`` stands alone in an unstyled paragraph after the section's last content. The build turns
  them into Word bookmarks and deletes the marker-only paragraphs.
* Prose blocks (``{kind, bullet, text, number}``) are written with one readable loop::

      {%p for b in BLOCKS %}
      {%p if b.bullet %}        -> "List Bullet":         {{ b.text }}
      {%p elif b.number %}      -> "Numbered Paragraph":  {{ b.number }}<tab>{{ b.text }}
      {%p else %}               -> "Body Text":           {{ b.text }}
      {%p endif %}
      {%p endfor %}

* Tables repeat their data row with ``{%tr for ... %}`` / ``{%tr endfor %}`` rows.
* The table of contents is a real ``TOC`` field (Word refreshes it when a draft is opened: the build
  sets ``w:updateFields`` on every draft); its cached result is itself rendered from the context, so the
  contents page is right even
  in clients that never update fields (LibreOffice's PDF export).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips
from lxml import etree

OUTPUT = Path(__file__).resolve().with_name("strategy.docx")

# --------------------------------------------------------------------------- design constants
# Lengths are in twips (1/20 pt; 567 twips = 1 cm), the unit of WordprocessingML.

FONT = "Calibri"  # LibreOffice substitutes the metric-compatible Carlito
TEXT = "1A1A1A"  # near-black body text
DARK_BLUE = "1F3864"  # headings, title
MID_BLUE = "2E5496"  # rules, minor headings
GREY = "595959"  # header, footer, status lines, small print
RULE_GREY = "A6A6A6"  # table borders
HEADER_FILL = "DCE3EF"  # table header rows
BRACKET_FILL = "FFF2CC"  # "Bracketed" label (pale sand)
BRACKET_TEXT = "7F6000"
BRACKET_BORDER = "BF9000"
WITHDRAWN_FILL = "EDEDED"
WITHDRAWN_TEXT = "8C8C8C"  # the title of a withdrawn priority

PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838  # A4
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM = 1418, 1418, 1304  # 2.5 cm, 2.5 cm, 2.3 cm
HEADER_DISTANCE = FOOTER_DISTANCE = 709  # 1.25 cm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN_SIDE  # 9070 twips = 16 cm
NUMBER_COLUMN = 794  # 1.4 cm: where text starts after a citable number ("2.1.10<tab>")
BULLET_INDENT = NUMBER_COLUMN + 340  # bullet text at 2.0 cm, the bullet itself at 1.4 cm

FIXED_DATE = dt.datetime(2010, 1, 1, 0, 0, 0, tzinfo=dt.timezone.utc)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

BULLET_NUM_ID = 1  # numbering instance used by the "List Bullet" style
NUMBER_NUM_ID = 2  # numbering instance used by the "List Number" style (for custom templates)

# --------------------------------------------------------------------------- small XML helpers


def el(tag: str, attrs: dict[str, str] | None = None, *children: etree._Element) -> etree._Element:
    """A WordprocessingML element: ``el("w:ind", {"w:left": "794"})``."""
    element = OxmlElement(tag)
    for key, value in (attrs or {}).items():
        element.set(qn(key), str(value))
    for child in children:
        element.append(child)
    return element


def rpr(*, size: float | None = None, bold: bool | None = None, italic: bool | None = None,
        color: str | None = None, caps: bool = False, small_caps: bool = False, spacing: int | None = None,
        fill: str | None = None, border: str | None = None, font: str | None = None) -> etree._Element:
    """Run properties in schema order."""
    r = el("w:rPr")
    if font:
        r.append(el("w:rFonts", {"w:ascii": font, "w:hAnsi": font, "w:cs": font, "w:eastAsia": font}))
    if bold is not None:
        r.append(el("w:b", None if bold else {"w:val": "0"}))
        r.append(el("w:bCs", None if bold else {"w:val": "0"}))
    if italic is not None:
        r.append(el("w:i", None if italic else {"w:val": "0"}))
        r.append(el("w:iCs", None if italic else {"w:val": "0"}))
    if caps:
        r.append(el("w:caps"))
    if small_caps:
        r.append(el("w:smallCaps"))
    if color:
        r.append(el("w:color", {"w:val": color}))
    if spacing is not None:
        r.append(el("w:spacing", {"w:val": spacing}))
    if size is not None:
        r.append(el("w:sz", {"w:val": int(size * 2)}))
        r.append(el("w:szCs", {"w:val": int(size * 2)}))
    if border:
        r.append(el("w:bdr", {"w:val": "single", "w:sz": 4, "w:space": 0, "w:color": border}))
    if fill:
        r.append(el("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": fill}))
    return r


def ppr(*, before: int | None = None, after: int | None = None, line: int | None = None,
        left: int | None = None, hanging: int | None = None, first_line: int | None = None,
        right: int | None = None, jc: str | None = None, keep_next: bool = False, keep_lines: bool = False,
        page_break_before: bool = False, outline: int | None = None, tabs: list[tuple[str, int, str]] = (),
        border_bottom: tuple[str, int] | None = None, border_top: tuple[str, int] | None = None,
        num_id: int | None = None, contextual: bool = False, widow: bool | None = None,
        no_hyphens: bool = False) -> etree._Element:
    """Paragraph properties in schema order. ``tabs``: (alignment, position, leader)."""
    p = el("w:pPr")
    if keep_next:
        p.append(el("w:keepNext"))
    if keep_lines:
        p.append(el("w:keepLines"))
    if page_break_before:
        p.append(el("w:pageBreakBefore"))
    if widow is not None:
        p.append(el("w:widowControl", None if widow else {"w:val": "0"}))
    if num_id is not None:
        p.append(el("w:numPr", None, el("w:ilvl", {"w:val": 0}), el("w:numId", {"w:val": num_id})))
    if border_top or border_bottom:
        bdr = el("w:pBdr")
        if border_top:
            bdr.append(el("w:top", {"w:val": "single", "w:sz": border_top[1], "w:space": 4,
                                    "w:color": border_top[0]}))
        if border_bottom:
            bdr.append(el("w:bottom", {"w:val": "single", "w:sz": border_bottom[1], "w:space": 4,
                                       "w:color": border_bottom[0]}))
        p.append(bdr)
    if tabs:
        t = el("w:tabs")
        for alignment, position, leader in tabs:
            t.append(el("w:tab", {"w:val": alignment, "w:leader": leader, "w:pos": position}))
        p.append(t)
    if no_hyphens:
        p.append(el("w:suppressAutoHyphens"))
    spacing = {}
    if before is not None:
        spacing["w:before"] = before
    if after is not None:
        spacing["w:after"] = after
    if line is not None:
        spacing["w:line"] = line
        spacing["w:lineRule"] = "auto"
    if spacing:
        p.append(el("w:spacing", spacing))
    indent = {}
    if left is not None:
        indent["w:left"] = left
    if right is not None:
        indent["w:right"] = right
    if hanging is not None:
        indent["w:hanging"] = hanging
    if first_line is not None:
        indent["w:firstLine"] = first_line
    if indent:
        p.append(el("w:ind", indent))
    if contextual:
        p.append(el("w:contextualSpacing"))
    if jc:
        p.append(el("w:jc", {"w:val": jc}))
    if outline is not None:
        p.append(el("w:outlineLvl", {"w:val": outline}))
    return p


# --------------------------------------------------------------------------- styles

# (style ID, UI name as Word stores it) of every style the template defines. Built-in styles use Word's
# built-in names ("heading 1", "toc 1") so Word recognises them; the rest are custom.
STYLE_NAMES = {
    "Normal": "Normal",
    "Title": "Title",
    "Subtitle": "Subtitle",
    "Heading1": "heading 1",
    "Heading2": "heading 2",
    "Heading3": "heading 3",
    "AnnexHeading": "Annex Heading",
    "MinorHeading": "Minor Heading",
    "BodyText": "Body Text",
    "AnnexText": "Annex Text",
    "SmallPrint": "Small Print",
    "NumberedParagraph": "Numbered Paragraph",
    "ListBullet": "List Bullet",
    "ListNumber": "List Number",
    "StatusLine": "Status Line",
    "TableText": "Table Text",
    "TableHeading": "Table Heading",
    "Caption": "caption",
    "TOCHeading": "TOC Heading",
    "TOC1": "toc 1",
    "TOC2": "toc 2",
    "TOC3": "toc 3",
    "Header": "header",
    "Footer": "footer",
    "CoverPartner": "Cover Partner",
    "CoverDraft": "Cover Draft",
    "CoverDetails": "Cover Details",
    "CoverTeam": "Cover Team",
    "CoverDisclaimer": "Cover Disclaimer",
    "CoverLogo": "Cover Logo",
    "CoverClassification": "Cover Classification",
    "UnnumberedHeading": "Unnumbered Heading",
    "TOCHeadingContents": "Contents Title",
    "MinorHeadingFlush": "Minor Heading Flush",
    "ListBulletFlush": "List Bullet Flush",
    "CaptionFlush": "Caption Flush",
    "TableGroup": "Table Group",
    "TableNumber": "Table Number",
    "TableHeadingNumber": "Table Heading Number",
    "WithdrawnTitle": "Withdrawn Title",
    "DocumentEnd": "Document End",
    "AnnexLead": "Annex Lead",
    "Bracketed": "Bracketed",
    "Withdrawn": "Withdrawn",
    "Emphasis": "Emphasis",
    "Hyperlink": "Hyperlink",
    "StrategyTable": "Strategy Table",
}

# Styles of python-docx's default template that the strategy template keeps as they are.
KEEP_STYLES = {"DefaultParagraphFont", "TableNormal", "NoList", "TableGrid", "Strong"}


def style(style_id: str, kind: str = "paragraph", *, based_on: str | None = "Normal", next_style: str | None = None,
          p: etree._Element | None = None, r: etree._Element | None = None, priority: int | None = None,
          quick: bool = False, custom: bool = False, extra: list[etree._Element] = ()) -> etree._Element:
    """A ``w:style`` element (children in schema order)."""
    attrs = {"w:type": kind, "w:styleId": style_id}
    if custom:
        attrs["w:customStyle"] = "1"
    if style_id == "Normal":
        attrs["w:default"] = "1"
    s = el("w:style", attrs, el("w:name", {"w:val": STYLE_NAMES[style_id]}))
    if based_on:
        s.append(el("w:basedOn", {"w:val": based_on}))
    if next_style:
        s.append(el("w:next", {"w:val": next_style}))
    if priority is not None:
        s.append(el("w:uiPriority", {"w:val": priority}))
    if quick:
        s.append(el("w:qFormat"))
    if p is not None:
        s.append(p)
    if r is not None:
        s.append(r)
    for child in extra:
        s.append(child)
    return s


def table_style() -> etree._Element:
    """"Strategy Table": thin grey grid, shaded bold header row that repeats on every page."""
    border = {"w:val": "single", "w:sz": 4, "w:space": 0, "w:color": RULE_GREY}
    tbl_pr = el(
        "w:tblPr", None,
        el("w:tblStyleRowBandSize", {"w:val": 1}),
        el("w:tblStyleColBandSize", {"w:val": 1}),
        el("w:tblBorders", None, *(el(f"w:{side}", border)
                                   for side in ("top", "left", "bottom", "right", "insideH", "insideV"))),
        el("w:tblCellMar", None,
           el("w:top", {"w:w": 57, "w:type": "dxa"}), el("w:left", {"w:w": 85, "w:type": "dxa"}),
           el("w:bottom", {"w:w": 57, "w:type": "dxa"}), el("w:right", {"w:w": 85, "w:type": "dxa"})),
    )
    first_row = el(
        "w:tblStylePr", {"w:type": "firstRow"},
        el("w:rPr", None, el("w:b"), el("w:bCs"), el("w:color", {"w:val": DARK_BLUE})),
        el("w:trPr", None, el("w:tblHeader")),
        el("w:tcPr", None, el("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": HEADER_FILL})),
    )
    return style("StrategyTable", "table", based_on="TableNormal", priority=59, custom=True,
                 p=ppr(after=0, line=240), r=None,
                 extra=[tbl_pr, el("w:trPr", None, el("w:cantSplit")), first_row])


def build_styles(doc: Document) -> None:
    """Replace python-docx's default style sheet by the strategy styles."""
    styles = doc.styles.element
    for s in list(styles.findall(qn("w:style"))):
        if s.get(qn("w:styleId")) not in KEEP_STYLES:
            styles.remove(s)
    for s in styles.findall(qn("w:style")):  # drop revision IDs kept by Word's default styles
        for rsid in s.findall(qn("w:rsid")):
            s.remove(rsid)

    defaults = styles.find(qn("w:docDefaults"))
    defaults.clear()
    defaults.append(el("w:rPrDefault", None, el(
        "w:rPr", None,
        el("w:rFonts", {"w:ascii": FONT, "w:hAnsi": FONT, "w:cs": FONT, "w:eastAsia": FONT}),
        el("w:sz", {"w:val": 22}), el("w:szCs", {"w:val": 22}),
        el("w:lang", {"w:val": "en-GB", "w:eastAsia": "en-US", "w:bidi": "ar-SA"}))))
    defaults.append(el("w:pPrDefault", None, el("w:pPr", None, el("w:spacing", {"w:after": 0, "w:line": 240,
                                                                                 "w:lineRule": "auto"}))))

    heading_tabs = [("left", NUMBER_COLUMN, "none")]
    new = [
        style("Normal", based_on=None, priority=0, quick=True,
              p=ppr(after=120, line=264), r=rpr(color=TEXT, size=11)),
        # ---- cover (never hyphenated: a title reads as a whole, in every language)
        style("Title", next_style="Subtitle", priority=10, quick=True,
              p=ppr(before=2268, after=240, line=240, contextual=True, no_hyphens=True),
              r=rpr(size=30, bold=True, color=DARK_BLUE, spacing=-4)),
        style("Subtitle", next_style="CoverPartner", priority=11, quick=True,
              p=ppr(after=1134, line=240, no_hyphens=True),
              r=rpr(size=13, color=MID_BLUE, caps=True, spacing=10)),
        style("CoverPartner", next_style="CoverDraft", custom=True, priority=12, quick=True,
              p=ppr(after=567, line=240, border_bottom=(MID_BLUE, 8), no_hyphens=True),
              r=rpr(size=22, color=DARK_BLUE)),
        style("CoverDraft", next_style="CoverDetails", custom=True, priority=12, quick=True,
              p=ppr(before=240, after=120, line=240, no_hyphens=True), r=rpr(size=15, bold=True, color=TEXT)),
        style("CoverDetails", custom=True, priority=12, quick=True,
              p=ppr(after=40, line=252), r=rpr(size=12, color=GREY)),
        style("CoverClassification", custom=True, priority=12, quick=True,
              p=ppr(before=480, after=0, line=240, border_top=(BRACKET_BORDER, 8), border_bottom=(BRACKET_BORDER, 8)),
              r=rpr(size=11, bold=True, color=BRACKET_TEXT, caps=True, spacing=10)),
        style("CoverLogo", custom=True, priority=12, quick=True, p=ppr(before=0, after=0, line=240)),
        # no borders on the framed cover-foot styles: LibreOffice then drops the frame
        style("CoverTeam", custom=True, priority=12, quick=True,
              p=ppr(after=20, line=240), r=rpr(size=10.5, color=TEXT)),
        style("CoverDisclaimer", custom=True, priority=12, quick=True,
              p=ppr(before=120, after=0, line=240), r=rpr(size=8.5, italic=True, color=GREY)),
        # ---- headings (number<tab>title, the title aligned with the text column)
        style("Heading1", next_style="NumberedParagraph", priority=9, quick=True,
              p=ppr(before=560, after=240, line=240, keep_next=True, keep_lines=True,
                    left=NUMBER_COLUMN, hanging=NUMBER_COLUMN, tabs=heading_tabs,
                    border_bottom=(MID_BLUE, 6), outline=0, no_hyphens=True),
              r=rpr(size=17, bold=True, color=DARK_BLUE)),
        style("Heading2", next_style="StatusLine", priority=9, quick=True,
              p=ppr(before=360, after=60, line=240, keep_next=True, keep_lines=True,
                    left=NUMBER_COLUMN, hanging=NUMBER_COLUMN, tabs=heading_tabs, outline=1, no_hyphens=True),
              r=rpr(size=13.5, bold=True, color=DARK_BLUE)),
        style("Heading3", next_style="NumberedParagraph", priority=9, quick=True,
              p=ppr(before=280, after=80, line=240, keep_next=True, keep_lines=True,
                    left=NUMBER_COLUMN, hanging=NUMBER_COLUMN, tabs=heading_tabs, outline=2),
              r=rpr(size=11.5, bold=True, color=MID_BLUE)),
        style("AnnexHeading", based_on="Heading1", next_style="BodyText", custom=True, priority=9, quick=True,
              p=ppr(left=0, hanging=0)),
        style("UnnumberedHeading", based_on="Heading1", next_style="BodyText", custom=True, priority=9, quick=True,
              p=ppr(left=0, hanging=0)),
        style("MinorHeading", next_style="NumberedParagraph", custom=True, priority=9, quick=True,
              p=ppr(before=200, after=80, line=240, left=NUMBER_COLUMN, keep_next=True, keep_lines=True,
                    no_hyphens=True),
              r=rpr(size=10, bold=True, color=MID_BLUE, caps=True, spacing=6)),
        style("MinorHeadingFlush", based_on="MinorHeading", next_style="AnnexText", custom=True, priority=9,
              quick=True, p=ppr(left=0)),
        style("StatusLine", next_style="MinorHeading", custom=True, priority=9, quick=True,
              p=ppr(before=0, after=120, left=NUMBER_COLUMN, keep_next=True),
              r=rpr(size=9.5, color=GREY)),
        # ---- body
        style("BodyText", next_style="BodyText", priority=1, quick=True,
              p=ppr(after=120, left=NUMBER_COLUMN, jc="both")),
        style("NumberedParagraph", based_on="BodyText", next_style="NumberedParagraph", custom=True,
              priority=1, quick=True,
              p=ppr(left=NUMBER_COLUMN, hanging=NUMBER_COLUMN, tabs=[("left", NUMBER_COLUMN, "none")])),
        style("ListBullet", based_on="BodyText", priority=1, quick=True,
              p=ppr(after=60, left=BULLET_INDENT, hanging=BULLET_INDENT - NUMBER_COLUMN,
                    num_id=BULLET_NUM_ID, jc="left")),
        style("ListBulletFlush", based_on="ListBullet", custom=True, priority=1, quick=True,
              p=ppr(left=BULLET_INDENT - NUMBER_COLUMN, hanging=BULLET_INDENT - NUMBER_COLUMN)),
        style("ListNumber", based_on="BodyText", priority=1, quick=True,
              p=ppr(after=60, left=BULLET_INDENT, hanging=BULLET_INDENT - NUMBER_COLUMN,
                    num_id=NUMBER_NUM_ID, jc="left")),
        style("AnnexText", based_on="BodyText", next_style="AnnexText", custom=True, priority=1, quick=True,
              p=ppr(left=0)),
        # The body must end with a paragraph: LibreOffice adds one after a final table, and with Track
        # Changes on it records that as an insertion and shows the table as inserted text.
        style("DocumentEnd", custom=True, priority=99, p=ppr(before=0, after=0, line=240), r=rpr(size=1)),
        style("AnnexLead", based_on="AnnexText", next_style="AnnexText", custom=True, priority=1, quick=True,
              p=ppr(keep_next=True)),
        style("SmallPrint", next_style="BodyText", custom=True, priority=1, quick=True,
              p=ppr(before=240, after=0), r=rpr(size=8.5, color=GREY)),
        style("Caption", next_style="BodyText", priority=35, quick=True,
              p=ppr(before=120, after=80, left=0, keep_next=True, no_hyphens=True),
              r=rpr(size=9.5, bold=True, color=DARK_BLUE)),
        style("CaptionFlush", based_on="Caption", next_style="AnnexText", custom=True, priority=35, quick=True,
              p=ppr(left=0)),
        # ---- tables
        style("TableText", custom=True, priority=2, quick=True,
              p=ppr(before=0, after=0, line=240, no_hyphens=True), r=rpr(size=9.5)),
        style("TableHeading", based_on="TableText", next_style="TableText", custom=True, priority=2, quick=True,
              p=ppr(keep_next=True), r=rpr(bold=True, color=DARK_BLUE)),
        style("TableNumber", based_on="TableText", custom=True, priority=2, quick=True, p=ppr(jc="right")),
        style("TableHeadingNumber", based_on="TableHeading", next_style="TableNumber", custom=True, priority=2,
              quick=True, p=ppr(jc="right")),
        style("TableGroup", based_on="TableText", custom=True, priority=2, quick=True,
              p=ppr(before=40, after=20, keep_next=True), r=rpr(bold=True, color=DARK_BLUE)),
        table_style(),
        # ---- table of contents
        style("TOCHeading", based_on="Normal", next_style="TOC1", priority=39, quick=True,
              p=ppr(before=0, after=240, line=240, keep_next=True, border_bottom=(MID_BLUE, 6), outline=9),
              r=rpr(size=17, bold=True, color=DARK_BLUE)),
        style("TOCHeadingContents", based_on="TOCHeading", next_style="TOC1", custom=True, priority=39, quick=True,
              p=ppr(before=560)),
        style("TOC1", next_style="Normal", priority=39,
              p=ppr(before=120, after=30, line=240, left=567, hanging=567, right=0,
                    tabs=[("left", 567, "none"), ("right", TEXT_WIDTH, "dot")], no_hyphens=True),
              r=rpr(bold=True, color=DARK_BLUE)),
        style("TOC2", next_style="Normal", priority=39,
              p=ppr(before=0, after=20, line=240, left=1304, hanging=737, right=0,
                    tabs=[("left", 1304, "none"), ("right", TEXT_WIDTH, "dot")], no_hyphens=True),
              r=rpr(size=10.5)),
        style("TOC3", next_style="Normal", priority=39,
              p=ppr(before=0, after=20, line=240, left=2155, hanging=851, right=0,
                    tabs=[("left", 2155, "none"), ("right", TEXT_WIDTH, "dot")], no_hyphens=True),
              r=rpr(size=10)),
        # ---- page furniture
        style("Header", priority=99,
              p=ppr(after=0, line=240, border_bottom=(RULE_GREY, 4),
                    tabs=[("center", TEXT_WIDTH // 2, "none"), ("right", TEXT_WIDTH, "none")]),
              r=rpr(size=8.5, color=GREY)),
        style("Footer", priority=99,
              p=ppr(after=0, line=240, border_top=(RULE_GREY, 4),
                    tabs=[("center", TEXT_WIDTH // 2, "none"), ("right", TEXT_WIDTH, "none")]),
              r=rpr(size=8.5, color=GREY)),
        # ---- character styles
        style("Bracketed", "character", based_on="DefaultParagraphFont", custom=True, priority=20, quick=True,
              r=rpr(bold=True, color=BRACKET_TEXT, fill=BRACKET_FILL, border=BRACKET_BORDER, size=9, caps=True)),
        style("Withdrawn", "character", based_on="DefaultParagraphFont", custom=True, priority=20, quick=True,
              r=rpr(bold=True, color=GREY, fill=WITHDRAWN_FILL, border=RULE_GREY, size=9, caps=True)),
        style("Emphasis", "character", based_on="DefaultParagraphFont", priority=20, quick=True,
              r=rpr(italic=True)),
        style("WithdrawnTitle", "character", based_on="DefaultParagraphFont", custom=True, priority=20, quick=True,
              r=rpr(color=WITHDRAWN_TEXT)),
        style("Hyperlink", "character", based_on="DefaultParagraphFont", priority=99,
              r=rpr(color=MID_BLUE)),
    ]
    for s in new:
        styles.append(s)


# --------------------------------------------------------------------------- numbering and settings


def build_numbering(doc: Document) -> None:
    """Two lists of real Word list items: bullets (numId 1, "List Bullet") and numbers (numId 2,
    "List Number", not used by the default body but there for custom templates)."""
    numbering = doc.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    abstract = el("w:abstractNum", {"w:abstractNumId": 1},
                  el("w:nsid", {"w:val": "2B5E1C40"}),
                  el("w:multiLevelType", {"w:val": "hybridMultilevel"}),
                  el("w:tmpl", {"w:val": "6A3C1E20"}))
    for level, (glyph, color) in enumerate([("\u2022", MID_BLUE), ("\u2013", GREY), ("\u25e6", GREY)]):
        left = BULLET_INDENT + level * 340
        lvl = el("w:lvl", {"w:ilvl": level},
                 el("w:start", {"w:val": 1}),
                 el("w:numFmt", {"w:val": "bullet"}))
        if level == 0:
            lvl.append(el("w:pStyle", {"w:val": "ListBullet"}))
        lvl.append(el("w:lvlText", {"w:val": glyph}))
        lvl.append(el("w:lvlJc", {"w:val": "left"}))
        lvl.append(el("w:pPr", None, el("w:ind", {"w:left": left, "w:hanging": 340})))
        lvl.append(el("w:rPr", None, el("w:rFonts", {"w:ascii": FONT, "w:hAnsi": FONT, "w:hint": "default"}),
                      el("w:color", {"w:val": color})))
        abstract.append(lvl)
    numbering.append(abstract)
    numbers = el("w:abstractNum", {"w:abstractNumId": 2},
                 el("w:nsid", {"w:val": "2B5E1C41"}),
                 el("w:multiLevelType", {"w:val": "hybridMultilevel"}),
                 el("w:tmpl", {"w:val": "6A3C1E21"}))
    for level, (fmt, text) in enumerate([("decimal", "%1."), ("lowerLetter", "%2)"), ("lowerRoman", "%3.")]):
        lvl = el("w:lvl", {"w:ilvl": level},
                 el("w:start", {"w:val": 1}),
                 el("w:numFmt", {"w:val": fmt}))
        if level == 0:
            lvl.append(el("w:pStyle", {"w:val": "ListNumber"}))
        lvl.append(el("w:lvlText", {"w:val": text}))
        lvl.append(el("w:lvlJc", {"w:val": "left"}))
        lvl.append(el("w:pPr", None, el("w:ind", {"w:left": BULLET_INDENT + level * 340, "w:hanging": 340})))
        numbers.append(lvl)
    numbering.append(numbers)
    numbering.append(el("w:num", {"w:numId": BULLET_NUM_ID}, el("w:abstractNumId", {"w:val": 1})))
    numbering.append(el("w:num", {"w:numId": NUMBER_NUM_ID}, el("w:abstractNumId", {"w:val": 2})))


def build_settings(doc: Document) -> None:
    """Drop machine-specific IDs. ``w:updateFields`` is set by the build on each draft, not here, so that
    opening the template itself in Word does not offer to replace the templated contents."""
    settings = doc.settings.element
    for tag in ("w:rsids", "w14:docId", "w:proofState", "w:attachedTemplate", "w:updateFields",
                "w:savePreviewPicture"):
        for node in settings.findall(qn(tag)):
            settings.remove(node)
    settings.find(qn("w:defaultTabStop")).set(qn("w:val"), "567")
    # Justified body text is hyphenated (headings, tables and the contents are not: their styles say so).
    # Schema order: autoHyphenation, consecutiveHyphenLimit, hyphenationZone, doNotHyphenateCaps follow
    # defaultTabStop.
    tab_stop = settings.find(qn("w:defaultTabStop"))
    tab_stop.addnext(el("w:autoHyphenation"))
    tab_stop.getnext().addnext(el("w:consecutiveHyphenLimit", {"w:val": 2}))
    tab_stop.getnext().getnext().addnext(el("w:hyphenationZone", {"w:val": 357}))
    tab_stop.getnext().getnext().getnext().addnext(el("w:doNotHyphenateCaps"))
    compat = settings.find(qn("w:compat"))
    for setting in compat.findall(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")  # Word 2013+ layout: table borders align with the text margins


def clean_package(doc: Document) -> None:
    """Drop the parts of python-docx's default template that a template does not need."""
    for rels in (doc.part.rels, doc.part.package.rels):
        for r_id, rel in list(rels.items()):
            if rel.reltype in (RT.THUMBNAIL, RT.CUSTOM_XML) or rel.reltype.endswith("/stylesWithEffects"):
                del rels[r_id]
    for part in doc.part.package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = (
                b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
                b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
                b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
                b"<Template>strategy.docx</Template><Application>strategy-builder</Application>"
                b"<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
                b"<Company></Company><LinksUpToDate>false</LinksUpToDate>"
                b"<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
                b"<AppVersion>14.0000</AppVersion></Properties>"
            )


# --------------------------------------------------------------------------- body helpers


class Body:
    """Writes the template body: paragraphs, Jinja tag paragraphs, fields, tables."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc

    # ---- paragraphs and runs
    def para(self, style_id: str | None = None, *runs: str | etree._Element):
        """A paragraph of style ``style_id``; plain strings become runs, "\t" a tab run."""
        paragraph = self.doc.add_paragraph()
        if style_id:
            paragraph.style = self.doc.styles[STYLE_NAMES[style_id]]
        for item in runs:
            self.add(paragraph, item)
        return paragraph

    @staticmethod
    def add(paragraph, item: str | etree._Element) -> None:
        if isinstance(item, str):
            if item == "\t":
                paragraph.add_run().add_tab()
            else:
                paragraph.add_run(item)
        else:
            paragraph._p.append(item)

    @staticmethod
    def styled(text: str, char_style: str) -> etree._Element:
        """A run in character style ``char_style``."""
        run = el("w:r", None, el("w:rPr", None, el("w:rStyle", {"w:val": char_style})))
        t = el("w:t", {"xml:space": "preserve"})
        t.text = text
        run.append(t)
        return run

    @staticmethod
    def text_run(text: str) -> etree._Element:
        """A plain run of ``text``."""
        t = el("w:t", {"xml:space": "preserve"})
        t.text = text
        return el("w:r", None, t)

    @staticmethod
    def jinja_run(tag: str) -> etree._Element:
        """A run holding only a docxtpl run tag (``{%r ... %}``); docxtpl removes the run around it."""
        return Body.text_run(tag)

    def tag(self, jinja: str):
        """A paragraph holding only a docxtpl paragraph tag (``{%p ... %}``); docxtpl removes it."""
        return self.para(None, jinja)

    def marker(self, expression: str):
        """The end marker of a section: alone in an unstyled paragraph (the build deletes it)."""
        return self.para(None, "{{ " + expression + " }}")

    def blocks(self, expression: str, variable: str = "b", *, flush: bool = False) -> None:
        """The standard loop over a list of prose blocks (see the module docstring); ``flush``: unnumbered
        text at the left margin (front matter) rather than in the text column."""
        b = variable
        self.tag(f"{{%p for {b} in {expression} %}}")
        self.tag(f"{{%p if {b}.bullet %}}")
        self.para("ListBulletFlush" if flush else "ListBullet", f"{{{{ {b}.text }}}}")
        self.tag(f"{{%p elif {b}.number %}}")
        self.para("NumberedParagraph", f"{{{{ {b}.number }}}}", "\t", f"{{{{ {b}.text }}}}")
        self.tag("{%p else %}")
        self.para("AnnexText" if flush else "BodyText", f"{{{{ {b}.text }}}}")
        self.tag("{%p endif %}")
        self.tag("{%p endfor %}")

    # ---- fields
    @staticmethod
    def field_runs(instruction: str, cached: str = "", *, begin: bool = True, end: bool = True,
                   dirty: bool = False) -> list[etree._Element]:
        """Runs of a complex field ``{ instruction }`` with a cached result."""
        runs = []
        if begin:
            attrs = {"w:fldCharType": "begin"}
            if dirty:
                attrs["w:dirty"] = "true"
            runs.append(el("w:r", None, el("w:fldChar", attrs)))
            instr = el("w:instrText", {"xml:space": "preserve"})
            instr.text = f" {instruction} "
            runs.append(el("w:r", None, instr))
            runs.append(el("w:r", None, el("w:fldChar", {"w:fldCharType": "separate"})))
        if cached:
            t = el("w:t", {"xml:space": "preserve"})
            t.text = cached
            runs.append(el("w:r", None, t))
        if end:
            runs.append(el("w:r", None, el("w:fldChar", {"w:fldCharType": "end"})))
        return runs

    # ---- tables
    def table(self, columns: list[tuple[str, int]], rows: list[list[str]], *, loop: tuple[str, str] | None = None,
              numeric: tuple[int, ...] = ()):
        """A "Strategy Table": header row from ``columns`` (title, width in twips), then ``rows``.

        ``loop`` = (``{%tr for ... %}``, ``{%tr endfor %}``) wraps the rows in a row loop; ``numeric``
        columns are right-aligned (header and cells).
        """
        body: list[Row] = ([Row.tag(loop[0])] if loop else []) + [Row.cells(r) for r in rows] \
            + ([Row.tag(loop[1])] if loop else [])
        return self.grid(columns, body, numeric=numeric)

    def grid(self, columns: list[tuple[str, int]], body: list[Row], *, numeric: tuple[int, ...] = ()):
        """A "Strategy Table" from a header and body rows: tag rows (one merged cell holding a ``{%tr %}``
        tag), group rows (one merged cell in style "Table Group") and rows of cells."""
        assert sum(width for _, width in columns) == TEXT_WIDTH, columns
        table = self.doc.add_table(rows=1 + len(body), cols=len(columns))
        table.style = self.doc.styles[STYLE_NAMES["StrategyTable"]]
        table.autofit = False
        tbl = table._tbl
        width = tbl.tblPr.find(qn("w:tblW"))
        width.set(qn("w:type"), "dxa")
        width.set(qn("w:w"), str(TEXT_WIDTH))
        for grid_col, (_, col_width) in zip(tbl.tblGrid.findall(qn("w:gridCol")), columns, strict=True):
            grid_col.set(qn("w:w"), str(col_width))
        for row_index, row in enumerate(table.rows):
            spec = Row.cells([title for title, _ in columns]) if row_index == 0 else body[row_index - 1]
            tr_pr = row._tr.get_or_add_trPr()
            if row_index == 0:
                tr_pr.append(el("w:tblHeader"))
            tr_pr.insert(0, el("w:cantSplit"))
            values = spec.values + [""] * len(columns)
            for column, (cell, (_, col_width)) in enumerate(zip(row.cells, columns, strict=True)):
                cell.width = Twips(col_width)
                paragraph = cell.paragraphs[0]
                if row_index == 0:
                    style_id = "TableHeadingNumber" if column in numeric else "TableHeading"
                elif spec.kind == "group":
                    style_id = "TableGroup"
                else:
                    style_id = "TableNumber" if column in numeric else "TableText"
                paragraph.style = self.doc.styles[STYLE_NAMES[style_id]]
                if values[column]:
                    paragraph.add_run(values[column])
            if spec.kind in ("tag", "group"):
                # one cell across the table, so that a tag reads on one line in Word
                row.cells[0].merge(row.cells[-1])
        return table


class Row:
    """A body row of :meth:`Body.grid`."""

    def __init__(self, kind: str, values: list[str]) -> None:
        self.kind = kind
        self.values = values

    @classmethod
    def tag(cls, jinja: str) -> Row:
        return cls("tag", [jinja])

    @classmethod
    def group(cls, text: str) -> Row:
        return cls("group", [text])

    @classmethod
    def cells(cls, values: list[str]) -> Row:
        return cls("cells", list(values))


# --------------------------------------------------------------------------- the document
# Every word the template prints comes from the context: ``labels.<key>`` (the label catalogue,
# strategy_builder/render/labels.py) or a text the context fills from the same catalogue.


def label(key: str) -> str:
    """The Jinja expression printing label ``key`` of the catalogue."""
    return f"{{{{ labels.{key} }}}}"


def build_cover(b: Body) -> None:
    b.tag("{%p if series.logo %}")
    b.para("CoverLogo", "{{ series.logo }}")
    b.tag("{%p endif %}")
    b.para("Title", "{{ series.title }}")
    b.tag("{%p if series.subtitle %}")
    b.para("Subtitle", "{{ series.subtitle }}")
    b.tag("{%p endif %}")
    b.para("CoverPartner", "{{ partner.official_name }}")
    b.para("CoverDraft", "{{ draft.title }}")
    b.para("CoverDetails", "{{ consultation.round_label }}")
    b.para("CoverDetails", "{{ consultation.issued_label }}")
    b.para("CoverDetails", "{{ consultation.deadline_label }}")
    b.tag("{%p if series.classification %}")
    b.para("CoverClassification", "{{ series.classification }}")
    b.tag("{%p endif %}")
    # The drafting team and the disclaimer sit at the foot of the cover, in one frame anchored to the
    # bottom margin (consecutive paragraphs with the same frame properties share the frame).
    framed = [
        b.para("CoverTeam", "{{ drafting_team.prepared_by }}"),
        b.tag("{%p if drafting_team.organisation %}"),
        b.para("CoverTeam", "{{ drafting_team.organisation }}"),
        b.tag("{%p endif %}"),
        b.tag("{%p if drafting_team.email %}"),
        b.para("CoverTeam", "{{ drafting_team.email }}"),
        b.tag("{%p endif %}"),
        b.tag("{%p for d in series.disclaimer %}"),
        b.para("CoverDisclaimer", "{{ d.text }}"),
        b.tag("{%p endfor %}"),
    ]
    for paragraph in framed:
        frame = el("w:framePr", {"w:w": TEXT_WIDTH, "w:wrap": "notBeside", "w:vAnchor": "margin",
                                 "w:hAnchor": "margin", "w:yAlign": "bottom", "w:xAlign": "left"})
        p_pr = paragraph._p.get_or_add_pPr()
        # schema: pStyle, keepNext, keepLines, pageBreakBefore, framePr, ...
        style_el = p_pr.find(qn("w:pStyle"))
        if style_el is not None:
            style_el.addnext(frame)
        else:
            p_pr.insert(0, frame)
    b.doc.add_page_break()


def build_document_control(b: Body) -> None:
    """The version table (every draft of this partner) and the distribution list of the round."""
    b.para("TOCHeading", label("document_control"))
    b.para("Caption", label("versions_caption"))
    b.table([(label("version_draft"), 1134), (label("version_date"), 2268), (label("version_round"), 1021),
             (label("version_status"), 4647)],
            [["{{ v.label }}", "{{ v.date }}", "{{ v.round }}", "{{ v.status }}"]],
            loop=("{%tr for v in versions %}", "{%tr endfor %}"), numeric=(2,))
    b.tag("{%p if consultation.recipients %}")
    b.para("MinorHeadingFlush", label("distribution"))
    b.para("AnnexLead", "{{ consultation.distribution_caption }}:")
    b.tag("{%p for r in consultation.recipients %}")
    b.para("ListBulletFlush", "{{ r }}")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")
    b.para("AnnexText", "{{ consultation.comments_to }}")


def toc_entry(b: Body, style_id: str) -> None:
    """One entry of the contents: a link to the heading (number<tab>title), then<tab>its page, a
    PAGEREF field whose result is the page the layout pass found. The first entry opens the TOC field,
    the last one closes it."""
    paragraph = b.para(style_id)
    p = paragraph._p
    p.append(Body.jinja_run("{%r if loop.first %}"))
    for run in Body.field_runs('TOC \\o "1-3" \\h \\z \\u', end=False):
        p.append(run)
    p.append(Body.jinja_run("{%r endif %}"))
    link = el("w:hyperlink", {"w:anchor": "{{ c.anchor }}", "w:history": "1"})
    link.append(Body.jinja_run("{%r if c.number %}"))
    link.append(Body.text_run("{{ c.number }}"))
    link.append(el("w:r", None, el("w:tab")))
    link.append(Body.jinja_run("{%r endif %}"))
    link.append(Body.text_run("{{ c.title }}"))
    link.append(el("w:r", None, el("w:tab")))
    for run in Body.field_runs("PAGEREF {{ c.anchor }} \\h", "{{ c.page }}"):
        link.append(run)
    p.append(link)
    p.append(Body.jinja_run("{%r if loop.last %}"))
    for run in Body.field_runs("", begin=False, end=True):
        p.append(run)
    p.append(Body.jinja_run("{%r endif %}"))


def build_toc(b: Body) -> None:
    b.para("TOCHeadingContents", label("contents"))
    b.tag("{%p for c in contents %}")
    b.tag("{%p if c.level == 1 %}")
    toc_entry(b, "TOC1")
    b.tag("{%p else %}")
    toc_entry(b, "TOC2")
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")


def build_front_matter(b: Body) -> None:
    """The executive summary (the partner's, or an overview the context generates) and the introduction."""
    b.para("UnnumberedHeading", "{{ anchors.summary }}", "{{ titles.summary }}")
    b.blocks("summary.blocks", flush=True)
    b.tag("{%p if introduction %}")
    b.para("UnnumberedHeading", "{{ anchors.introduction }}", "{{ titles.introduction }}")
    b.blocks("introduction", flush=True)
    b.tag("{%p endif %}")


def build_situation(b: Body) -> None:
    b.para("Heading1", "{{ situation.begin }}", "{{ situation.number }}", "\t", "{{ situation.title }}")
    b.blocks("situation.blocks")
    b.tag("{%p if partner.authorities %}")
    b.para("MinorHeading", label("national_authorities"))
    b.table([(label("authority"), 4082), (label("authority_role"), 4988)],
            [["{{ x.name }}", "{{ x.role }}"]],
            loop=("{%tr for x in partner.authorities %}", "{%tr endfor %}"))
    b.tag("{%p endif %}")
    b.marker("situation.end")


ACTION_COLUMNS = [(label("column_number"), 624), (label("column_action"), 3572), (label("column_lead"), 1361),
                  (label("column_stakeholders"), 1644), (label("column_timeline"), 1869)]


def build_priority(b: Body) -> None:
    # The title: in square brackets while bracketed; in grey once withdrawn.
    b.para("Heading2", "{{ p.begin }}", "{{ p.number }}", "\t",
           "{% if p.is_bracketed %}[{{ p.title }}]{% elif not p.is_withdrawn %}{{ p.title }}{% endif %}",
           Body.styled("{% if p.is_withdrawn %}{{ p.title }}{% endif %}", "WithdrawnTitle"))
    b.tag("{%p if p.is_bracketed %}")
    b.para("StatusLine", Body.styled(" " + label("bracketed_label") + " ", "Bracketed"),
           "  " + label("bracketed_note"))
    b.tag("{%p elif p.is_withdrawn %}")
    b.para("StatusLine", Body.styled(" " + label("withdrawn_label") + " ", "Withdrawn"), "  {{ p.withdrawn_note }}")
    b.tag("{%p else %}")
    b.para("StatusLine", "{{ p.status_line }}")
    b.tag("{%p endif %}")

    # A withdrawn priority keeps its heading and status only: it is no longer proposed.
    b.tag("{%p if not p.is_withdrawn %}")
    b.para("MinorHeading", label("rationale"))
    b.blocks("p.rationale")

    b.tag("{%p if p.cooperation %}")
    b.para("MinorHeading", label("cooperation"))
    b.blocks("p.cooperation")
    b.tag("{%p endif %}")

    b.para("MinorHeading", label("actions"))
    b.tag("{%p if p.actions %}")
    b.table(ACTION_COLUMNS,
            [["{{ a.number }}", "{{ a.text }}", "{{ a.lead_names }}", "{{ a.stakeholders }}", "{{ a.timeline }}"]],
            loop=("{%tr for a in p.actions %}", "{%tr endfor %}"))
    b.tag("{%p else %}")
    b.para("BodyText", label("no_action"))
    b.tag("{%p endif %}")

    b.tag("{%p if p.impact %}")
    b.para("MinorHeading", "{{ p.impact.title }}")
    b.blocks("p.impact.blocks")
    b.tag("{%p endif %}")

    b.tag("{%p if p.references %}")
    b.para("MinorHeading", label("based_on"))
    b.tag("{%p for r in p.references %}")
    b.para("ListBullet", Body.styled("{{ r.kind_label }}: ", "Emphasis"),
           "{{ r.title }}{% if r.url %} ({{ r.url }}){% endif %}")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")
    b.tag("{%p endif %}")
    b.marker("p.end")


def build_areas(b: Body) -> None:
    b.tag("{%p for area in areas %}")
    b.para("Heading1", "{{ area.begin }}", "{{ area.number }}", "\t", "{{ area.title }}")
    b.tag("{%p if area.no_priorities_text %}")
    b.para("BodyText", "{{ area.no_priorities_text }}")
    b.tag("{%p endif %}")
    b.tag("{%p for p in area.priorities %}")
    build_priority(b)
    b.tag("{%p endfor %}")
    b.marker("area.end")
    b.tag("{%p endfor %}")


def build_key_figures(b: Body) -> None:
    b.para("AnnexHeading", "{{ key_figures.begin }}", "{{ titles.key_figures }}")
    b.tag("{%p if key_figures.rows %}")
    b.para("CaptionFlush", "{{ key_figures.caption }}")
    b.table([(label("column_indicator"), 2778), (label("column_value"), 1134), (label("column_unit"), 1701),
             (label("column_year"), 680), (label("column_source"), 2777)],
            [["{{ f.label }}", "{{ f.value }}", "{{ f.unit }}", "{{ f.year }}", "{{ f.source }}"]],
            loop=("{%tr for f in key_figures.rows %}", "{%tr endfor %}"), numeric=(1, 3))
    b.tag("{%p else %}")
    b.para("AnnexText", label("no_key_figures"))
    b.tag("{%p endif %}")
    b.marker("key_figures.end")


def build_action_plan(b: Body) -> None:
    b.para("AnnexHeading", "{{ anchors.action_plan }}", "{{ titles.action_plan }}")
    b.tag("{%p if action_plan %}")
    b.para("AnnexLead", label("action_plan_intro"))
    b.grid(ACTION_COLUMNS, [
        Row.tag("{%tr for g in action_plan %}"),
        Row.group("{{ g.number }}\u2002{{ g.title }}"),
        Row.tag("{%tr for a in g.actions %}"),
        Row.cells(["{{ a.number }}", "{{ a.text }}", "{{ a.lead_names }}", "{{ a.stakeholders }}",
                   "{{ a.timeline }}"]),
        Row.tag("{%tr endfor %}"),
        Row.tag("{%tr endfor %}"),
    ])
    b.tag("{%p else %}")
    b.para("AnnexText", label("action_plan_empty"))
    b.tag("{%p endif %}")


def build_abbreviations(b: Body) -> None:
    b.para("AnnexHeading", "{{ anchors.abbreviations }}", "{{ titles.abbreviations }}")
    b.tag("{%p if abbreviations %}")
    b.table([(label("column_abbreviation"), 2268), (label("column_full_name"), 6802)],
            [["{{ x.code }}", "{{ x.name }}"]], loop=("{%tr for x in abbreviations %}", "{%tr endfor %}"))
    b.tag("{%p else %}")
    b.para("AnnexText", label("abbreviations_empty"))
    b.tag("{%p endif %}")


def build_changes(b: Body) -> None:
    b.para("AnnexHeading", "{{ anchors.changes }}", "{{ titles.changes }}")
    b.para("AnnexLead", "{{ changes.sentence }}")
    b.tag("{%p if changes.has_previous and changes.rows %}")
    # The number column holds "3.3 → 3.4" on one line; the change column "Moved within its area".
    # The answers column lists the register rows a section answers, one per line (docs/returns.md).
    b.table([(label("column_number"), 1304), (label("column_section"), 4082), (label("column_change"), 2097),
             (label("column_answers"), 1587)],
            [["{{ c.number }}", "{{ c.title }}", "{{ c.status_label }}", "{{ c.responds_to_text }}"]],
            loop=("{%tr for c in changes.rows %}", "{%tr endfor %}"))
    b.tag("{%p endif %}")
    b.para("DocumentEnd")


def build_page_setup(doc: Document) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
    section.left_margin = section.right_margin = Twips(MARGIN_SIDE)
    section.top_margin, section.bottom_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
    section.header_distance, section.footer_distance = Twips(HEADER_DISTANCE), Twips(FOOTER_DISTANCE)
    section.gutter = Twips(0)
    section.different_first_page_header_footer = True  # the cover has no header or footer

    header = section.header.paragraphs[0]
    header.style = doc.styles[STYLE_NAMES["Header"]]
    header.add_run("{{ series.title }} \u2013 {{ partner.name }}")
    header.add_run().add_tab()
    header.add_run().add_tab()
    header.add_run("{{ draft.date }}")

    footer = section.footer.paragraphs[0]
    footer.style = doc.styles[STYLE_NAMES["Footer"]]
    footer.add_run("{{ draft.footer }}")
    footer.add_run().add_tab()
    footer.add_run("{{ series.classification }}")
    footer.add_run().add_tab()
    footer.add_run(label("page") + " ")
    for run in Body.field_runs("PAGE", "1"):
        footer._p.append(run)
    footer.add_run(" " + label("page_of") + " ")
    for run in Body.field_runs("NUMPAGES", "1"):
        footer._p.append(run)

    # empty first-page header and footer (the cover)
    section.first_page_header.paragraphs[0].style = doc.styles[STYLE_NAMES["Normal"]]
    section.first_page_footer.paragraphs[0].style = doc.styles[STYLE_NAMES["Normal"]]


def build_core_properties(doc: Document) -> None:
    props = doc.core_properties
    props.title = "{{ series.title }} \u2013 {{ partner.name }}"  # rendered by docxtpl
    props.subject = "{{ draft.title }}"  # rendered by docxtpl
    props.author = "strategy-builder"  # the build sets the drafting team
    props.comments = "Default template of strategy-builder (templates/make_template.py)."
    props.keywords = "BMP; Migration Partnership Strategy"
    props.language = "en-GB"
    props.last_modified_by = "strategy-builder"
    props.revision = 1
    props.created = props.modified = FIXED_DATE.replace(tzinfo=None)
    props.last_printed = FIXED_DATE.replace(tzinfo=None)


def build_document() -> Document:
    doc = Document()
    clean_package(doc)
    build_styles(doc)
    build_numbering(doc)
    build_settings(doc)
    body_element = doc.element.body
    for child in list(body_element):
        if child.tag != qn("w:sectPr"):
            body_element.remove(child)
    build_page_setup(doc)
    b = Body(doc)
    build_cover(b)
    build_document_control(b)
    build_toc(b)
    build_front_matter(b)
    build_situation(b)
    build_areas(b)
    build_key_figures(b)
    build_action_plan(b)
    build_abbreviations(b)
    build_changes(b)
    build_core_properties(doc)
    return doc


# --------------------------------------------------------------------------- deterministic packaging


def _zip_order(name: str) -> tuple[int, str]:
    first = {"[Content_Types].xml": 0, "_rels/.rels": 1}
    return (first.get(name, 2), name)


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps, attributes and entry order (byte-identical rebuilds)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in sorted(source.namelist(), key=_zip_order):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(name), compresslevel=9)
    return out.getvalue()


def build_bytes() -> bytes:
    buffer = io.BytesIO()
    build_document().save(buffer)
    return normalise_zip(buffer.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT, help=f"where to write (default {OUTPUT})")
    args = parser.parse_args(argv)
    data = build_bytes()
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
