"""A reply to one ministry as a Word document: a cover letter, then a table of its comments and their fate.

Assembled in code with python-docx, as the regional overview is: its table has one row per register row,
and nothing in it comes from the drafts' template. Every word it prints that is not the ministry's or the
team's comes from the label catalogue (:mod:`strategy_builder.render.labels`). The package is finished as
the drafts are (:func:`strategy_builder.ooxml.rendered.finish_docx`): fixed core properties dated with the
new draft's issue date, stamps, and a byte-reproducible zip; then it is read back strictly.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import NamedTuple

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from strategy_builder.ooxml import authoring
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.properties import CoreProperties
from strategy_builder.ooxml.rendered import finish_docx
from strategy_builder.ooxml.stamps import DraftStamps
from strategy_builder.render.assembly import RenderedDocument, verify_document
from strategy_builder.render.dates import long_date
from strategy_builder.render.house_look import DARK_BLUE, GREY, MID_BLUE, Look, apply_looks, heading
from strategy_builder.render.labels import LabelValue, catalogue, fill, join_list, plural

HEADER_FILL = "DCE3EF"
RULE = "A6A6A6"
DISPOSITION_FILLS = {"accepted": "E2EFDA", "partly accepted": "FFF2CC", "rejected": "F8E0E0", "open": "EDEDED"}
"""Shading of the response cell by disposition; the disposition is also written as a word."""
TABLE_WIDTHS = (1.0, 4.2, 8.6, 7.6, 4.3)
"""Column widths in cm of the landscape table (A4 landscape with 2 cm margins: 25.7 cm)."""


class ReplyLine(NamedTuple):
    """One row of the reply's table: a register row as the ministry will read it."""

    number: int
    row_id: str
    kind: str
    author: str
    date: str
    section: str
    """Where it was, in the draft the ministry commented on (``2.1 Towards ...``), or its nearest heading."""
    quoted: str
    words: str
    detail: str
    disposition: str
    """Normalised: open, accepted, rejected, partly accepted, or the team's own word."""
    note: str
    addressed: str
    """Where it is addressed in the new draft (``2.1 Towards ... (revised)``)."""
    reply_to: int | None = None


class ReplyLetter(NamedTuple):
    """Everything the letter says: from strategy.yaml, the manifests and the register."""

    series: str
    partner: str
    partner_code: str
    ministry: str
    team: str
    organisation: str
    email: str
    classification: str
    issued: dt.date
    deadline: dt.date
    consultation_round: int
    draft: int
    commented: tuple[int, ...]
    redline_from: int | None
    text: str
    """The team's own paragraph for this round (``consultation.reply_letter``), or empty."""
    tool_version: str


class _Writer:
    def __init__(self, labels: dict[str, LabelValue]) -> None:
        self.labels = labels
        self.document: DocxDocument = Document()
        _styles(self.document)
        self._ids = {style.name: style.style_id for style in self.document.styles if style.type == 1}

    def paragraph(self, text: str = "", style: str | None = None, *, bold: bool = False) -> Paragraph:
        paragraph = self.document.add_paragraph()
        if style is not None:
            paragraph._p.style = self._ids[style]
        if text:
            paragraph.add_run(text).bold = bold or None
        return paragraph


def _styles(document: DocxDocument) -> None:
    """Named styles of the letters, in the house look of the drafts (:mod:`strategy_builder.render.house_look`)."""
    apply_looks(document, {
        "Normal": Look(11, after=8, line_spacing=1.1),
        "Title": heading(26, DARK_BLUE, 0, 2, bold=False),
        "Subtitle": heading(14, MID_BLUE, 0, 14, bold=False),
        "Heading 1": heading(15, DARK_BLUE, 0, 8, bold=True),
        "Small Print": Look(9, GREY, after=2),
        "Table Text": Look(9, before=1, after=1, line_spacing=1.0),
        "Letter Field": Look(11, before=1, after=1, line_spacing=1.0),
    })


def _page(document: DocxDocument, landscape: bool) -> None:
    section = document.sections[-1]
    width, height = (Cm(29.7), Cm(21.0)) if landscape else (Cm(21.0), Cm(29.7))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = width, height
    section.top_margin = section.bottom_margin = Cm(2.0)
    section.left_margin = section.right_margin = Cm(2.0) if landscape else Cm(2.5)
    section.header_distance = section.footer_distance = Cm(1.0)


def _header_and_footer(writer: _Writer, letter: ReplyLetter) -> None:
    """The header names the strategy and the ministry; the footer the classification and the page. Each
    section has its own, so that the page number sits at the right margin of portrait and landscape pages."""
    for section in writer.document.sections:
        section.header.is_linked_to_previous = False
        section.footer.is_linked_to_previous = False
        width = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
        header = section.header.paragraphs[0]
        header.text = fill(writer.labels, "reply_header", series=letter.series, partner=letter.partner,
                           ministry=letter.ministry)
        header.style = writer.document.styles["Small Print"]
        footer = section.footer.paragraphs[0]
        footer.style = writer.document.styles["Small Print"]
        footer.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
        if letter.classification:
            footer.add_run(letter.classification)
        authoring.append_tab(footer._p)
        footer.add_run(f"{writer.labels['page']} ")
        authoring.append_field(footer._p, "PAGE", "1")
        footer.add_run(f" {writer.labels['page_of']} ")
        authoring.append_field(footer._p, "NUMPAGES", "1")


def _drafts(labels: dict[str, LabelValue], numbers: tuple[int, ...]) -> str:
    return plural(labels, "reply_drafts", len(numbers), list=join_list(labels, [f"{n:03d}" for n in numbers]))


def _letter(writer: _Writer, letter: ReplyLetter, lines: list[ReplyLine]) -> None:
    labels = writer.labels
    if letter.organisation:
        writer.paragraph(letter.organisation, "Small Print")
    writer.paragraph(str(labels["reply_title"]), "Title")
    writer.paragraph(fill(labels, "reply_subtitle", series=letter.series, partner=letter.partner), "Subtitle")
    sender = letter.team + (f", {letter.organisation}" if letter.organisation else "") + \
        (f" ({letter.email})" if letter.email else "")
    fields = [(labels["reply_to"], letter.ministry), (labels["reply_from"], sender),
              (labels["reply_date"], long_date(letter.issued, labels)),
              (labels["reply_subject"], fill(labels, "reply_subject_text", drafts=_drafts(labels, letter.commented),
                                             partner=letter.partner)),
              (labels["reply_consultation"], fill(labels, "reply_round_text", round=letter.consultation_round,
                                                  draft=f"{letter.draft:03d}",
                                                  deadline=long_date(letter.deadline, labels)))]
    table = writer.document.add_table(rows=0, cols=2)
    table.autofit = False
    for name, value in fields:
        row = table.add_row()
        for cell, text, width, bold in ((row.cells[0], str(name), 3.2, True), (row.cells[1], value, 12.8, False)):
            cell.width = Cm(width)
            paragraph = cell.paragraphs[0]
            paragraph._p.style = writer._ids["Letter Field"]
            paragraph.add_run(text).bold = bold or None
    table.columns[0].width, table.columns[1].width = Cm(3.2), Cm(12.8)
    rule = writer.paragraph("", "Small Print")
    rule.paragraph_format.space_after = Pt(12)
    authoring.bottom_border(rule._p, RULE)
    issued = long_date(letter.issued, labels)
    writer.paragraph(fill(labels, "reply_opening", ministry=letter.ministry, drafts=_drafts(labels, letter.commented),
                          series=letter.series, partner=letter.partner, draft=f"{letter.draft:03d}", issued=issued))
    for text in letter.text.split("\n\n"):
        if text.strip():
            writer.paragraph(" ".join(text.split()))
    if letter.redline_from is not None:
        writer.paragraph(fill(labels, "reply_redline", old=f"{letter.redline_from:03d}", draft=f"{letter.draft:03d}"))
    writer.paragraph(_summary(labels, lines))
    writer.paragraph(fill(labels, "reply_closing", draft=f"{letter.draft:03d}",
                          deadline=long_date(letter.deadline, labels)))
    writer.paragraph(str(labels["reply_regards"])).paragraph_format.space_after = Pt(18)
    writer.paragraph(letter.team, bold=True).paragraph_format.space_after = Pt(0)
    if letter.organisation:
        writer.paragraph(letter.organisation)


def _summary(labels: dict[str, LabelValue], lines: list[ReplyLine]) -> str:
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.disposition] = counts.get(line.disposition, 0) + 1
    order = ["accepted", "partly accepted", "rejected", "open"]
    parts = []
    for disposition in order + sorted(d for d in counts if d not in order):
        n = counts.get(disposition, 0)
        if not n:
            continue
        key = f"reply_count_{disposition}"
        parts.append(fill(labels, key, n=n) if key in labels else
                     fill(labels, "reply_count_other", n=n, disposition=disposition))
    return fill(labels, "reply_summary", items=plural(labels, "reply_items", len(lines)),
                list=join_list(labels, parts))


def _table(writer: _Writer, letter: ReplyLetter, lines: list[ReplyLine]) -> None:
    labels = writer.labels
    writer.document.add_section(WD_SECTION.NEW_PAGE)
    _page(writer.document, landscape=True)
    writer.paragraph(str(labels["reply_table_caption"]), "Heading 1")
    old = f"{max(letter.commented):03d}" if letter.commented else ""
    header = [str(labels["reply_column_number"]), fill(labels, "reply_column_section", draft=old),
              str(labels["reply_column_item"]), str(labels["reply_column_response"]),
              fill(labels, "reply_column_addressed", draft=f"{letter.draft:03d}")]
    table = writer.document.add_table(rows=1, cols=len(header))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    authoring.table_borders(table._tbl, RULE)
    authoring.describe_table(table._tbl, str(labels["reply_table_caption"]),
                             "One row per comment or proposed change of the ministry: where it was, what it said, "
                             "the drafting team's response and where it is addressed in the new draft.")
    for column, width in enumerate(TABLE_WIDTHS):
        table.columns[column].width = Cm(width)
    for cell, text, width in zip(table.rows[0].cells, header, TABLE_WIDTHS, strict=True):
        cell.width = Cm(width)
        paragraph = cell.paragraphs[0]
        paragraph._p.style = writer._ids["Table Text"]
        paragraph.add_run(text).bold = True
        authoring.shade_cell(cell._tc, HEADER_FILL)
    authoring.repeat_header_row(table.rows[0]._tr)
    for line in lines:
        row = table.add_row()
        authoring.keep_row_together(row._tr)
        cells = row.cells
        for cell, width in zip(cells, TABLE_WIDTHS, strict=True):
            cell.width = Cm(width)
            cell.paragraphs[0]._p.style = writer._ids["Table Text"]
        cells[0].paragraphs[0].add_run(str(line.number))
        cells[1].paragraphs[0].add_run(line.section)
        _item(writer, cells[2], line)
        _response(writer, cells[3], line)
        cells[4].paragraphs[0].add_run(line.addressed)


def _item(writer: _Writer, cell, line: ReplyLine) -> None:  # noqa: ANN001 - python-docx's _Cell
    labels = writer.labels
    first = cell.paragraphs[0]
    kind = labels.get(f"reply_kind_{line.kind}", line.kind)
    first.add_run(str(kind)).bold = True
    if line.reply_to is not None:
        first.add_run(f" ({fill(labels, 'reply_in_reply_to', number=line.reply_to)})")
    if line.quoted:
        quoted = cell.add_paragraph()
        quoted._p.style = writer._ids["Table Text"]
        quoted.add_run(fill(labels, "reply_on", quoted=_shorten(line.quoted, 300))).italic = True
    words = cell.add_paragraph()
    words._p.style = writer._ids["Table Text"]
    words.add_run(f"\u201c{line.words}\u201d" if line.kind not in ("comment", "reply") and line.words else line.words)
    if line.detail:
        words.add_run(f" [{line.detail}]")
    who = cell.add_paragraph()
    who._p.style = writer._ids["Small Print"]
    try:
        date = long_date(dt.date.fromisoformat(line.date[:10]), labels)
    except ValueError:  # no date, or none a calendar knows (LibreOffice writes 0-00-00 for some comments)
        date = ""
    who.add_run(fill(labels, "reply_by", author=line.author or "\u2013", date=date) if date else line.author)


def _response(writer: _Writer, cell, line: ReplyLine) -> None:  # noqa: ANN001 - python-docx's _Cell
    labels = writer.labels
    key = f"reply_disposition_{line.disposition}"
    cell.paragraphs[0].add_run(str(labels.get(key, line.disposition))).bold = True
    if line.note:
        for text in line.note.split("\n"):
            if text.strip():
                paragraph = cell.add_paragraph()
                paragraph._p.style = writer._ids["Table Text"]
                paragraph.add_run(text.strip())
    authoring.shade_cell(cell._tc, DISPOSITION_FILLS.get(line.disposition, "FFFFFF"))


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"


def reply_document(letter: ReplyLetter, lines: list[ReplyLine], *, language: str = "en") -> RenderedDocument:
    """The reply (verified: every XML part parses) as a finished, byte-reproducible .docx."""
    writer = _Writer(catalogue(language))
    _page(writer.document, landscape=False)
    _letter(writer, letter, lines)
    _table(writer, letter, lines)
    _header_and_footer(writer, letter)
    buffer = io.BytesIO()
    writer.document.save(buffer)
    package = DocxPackage.from_bytes(buffer.getvalue(), source="reply.docx")
    authoring.drop_part(package, "docProps/thumbnail.jpeg")  # python-docx's picture of an empty page
    main = package.main_part_name()
    title = f"{fill(writer.labels, 'reply_title')} \u2013 {letter.ministry}"
    contents = finish_docx(
        package.parts, {main: package.parts[main].decode("utf-8")}, main,
        stamps=DraftStamps(partner=letter.partner_code, draft=f"{letter.draft:03d}", version=letter.tool_version,
                           series="replies"),
        core=CoreProperties(title=title, subject=f"{letter.series} \u2013 {letter.partner}", author=letter.team,
                            version=f"{letter.draft:03d}", keywords="BMP; Migration Partnership Strategy; reply",
                            description=f"Reply to the {letter.ministry} generated by strategy-builder "
                                        f"{letter.tool_version}", date=letter.issued),
        track_changes=False)
    return verify_document(letter.partner_code, contents.data, [])


__all__ = ["ReplyLetter", "ReplyLine", "reply_document"]
