"""The regional overview as a Word document, assembled in code from the computed matrix and its figures.

Why in code and not from a docxtpl template: its tables have one column per area and one row per partner,
and it holds pictures; python-docx writes both directly. What it shares with the drafts is what makes a
document tracked: section markers turned into Word bookmarks by the OOXML layer, the bookmark-name →
section-ID mapping and the stamps in custom properties, fixed core properties, a byte-reproducible zip, and
the same strict read-back (:func:`strategy_builder.render.assembly.verify_document`).

Sections (IDs are stable across overviews; see docs/overview.md):

- ``overview/summary`` — chapter 1, the regional picture: totals, the matrix as a table, figure 1;
- ``overview/<area>`` — chapters 2 to 6, one per area of the Joint Declaration (the drafts' chapter numbers);
- ``overview/<area>/<CODE>`` — one partner's priorities in that area;
- ``overview/actions`` — chapter 7, lead states and the timeline, figure 2;
- ``overview/about`` — how the numbers are computed and where they come from.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any, NamedTuple

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.shared import Cm
from docx.table import Table
from docx.text.paragraph import Paragraph

from strategy_builder.models.section_records import stable_hash
from strategy_builder.ooxml import authoring
from strategy_builder.ooxml.markers import begin_marker, bookmark_name, end_marker
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.properties import CoreProperties
from strategy_builder.ooxml.rendered import finish_docx
from strategy_builder.ooxml.stamps import DraftStamps
from strategy_builder.regional.charts import Figure
from strategy_builder.regional.labels import (
    AREA_SHORT, GAP, LEGEND, STATUS_TITLES, TIMELINE_RULE, cell_summary, plural, source_line, status_counts,
)
from strategy_builder.regional.matrix import LIVE_STATUSES, RegionalMatrix
from strategy_builder.regional.overview import OVERVIEW_CODE, OVERVIEW_FILE
from strategy_builder.render.assembly import RenderedDocument, verify_document
from strategy_builder.render.dates import long_date
from strategy_builder.render.house_look import DARK_BLUE, GREY, MID_BLUE, Look, apply_looks, heading


HEADER_FILL = "DCE3EF"
GAP_FILL = "F2F2F2"
RULE = "A6A6A6"
FIGURE_WIDTH = Cm(16)


class OverviewSection(NamedTuple):
    """One tracked section of the overview, as the manifest records it."""

    id: str
    kind: str
    """``chapter``, ``area`` or ``partner_area``."""
    number: str
    title: str
    content_hash: str
    source_file: str
    """The partner's input file for ``partner_area``; empty for sections over every partner."""
    source_line: int | None
    source_path: str


class OverviewStamp(NamedTuple):
    """What the document says about itself: its number, date, authors and the tool."""

    number: int
    tool_version: str
    author: str
    organisation: str
    date: dt.date
    subtitle: str
    disclaimer: str
    period: str = ""
    """The strategy's period as the drafts print it (``Jan 2010 – H1 2011``); empty: the matrix's own text."""

    @property
    def label(self) -> str:
        return f"{self.number:03d}"


def area_section_id(area: str) -> str:
    return f"{OVERVIEW_CODE}/{area}"


def partner_area_section_id(area: str, partner: str) -> str:
    return f"{OVERVIEW_CODE}/{area}/{partner}"


class _Writer:
    """Appends paragraphs, tables and figures to a python-docx document and records the sections."""

    def __init__(self, matrix: RegionalMatrix) -> None:
        self.matrix = matrix
        self.document: DocxDocument = Document()
        self.sections: list[OverviewSection] = []
        self._open: list[str] = []
        self._tables = 0
        self._figures = 0
        _styles(self.document)
        # python-docx looks a style up among all ~160 of its template's styles on every assignment by
        # name; the overview assigns thousands, so each name is resolved to its id once.
        self._style_ids = {style.name: style.style_id for style in self.document.styles if style.type == 1}
        self._table_grid = self.document.styles["Table Grid"].style_id

    def styled(self, paragraph: Paragraph, style: str | None) -> Paragraph:
        """Give ``paragraph`` the paragraph style named ``style`` (by its id, resolved once)."""
        if style is not None:
            paragraph._p.style = self._style_ids[style]
        return paragraph

    # -------------------------------------------------------------------------------- primitives

    def paragraph(self, text: str = "", style: str | None = None, *, bold: bool = False,
                  italic: bool = False) -> Paragraph:
        paragraph = self.styled(self.document.add_paragraph(), style)
        if text:
            run = paragraph.add_run(text)
            run.bold, run.italic = bold or None, italic or None
        return paragraph

    def begin(self, section: OverviewSection, heading: str, level: int) -> Paragraph:
        """A heading that opens a tracked section (its marker is the heading's first run)."""
        self.sections.append(section)
        self._open.append(section.id)
        paragraph = self.styled(self.document.add_paragraph(), f"Heading {level}")
        paragraph.add_run(begin_marker(section.id))
        paragraph.add_run(heading)
        return paragraph

    def end(self) -> None:
        """Close the innermost open section (a marker-only paragraph that the OOXML layer dissolves)."""
        self.styled(self.document.add_paragraph(), "Section End").add_run(end_marker(self._open.pop()))

    def table(self, header: list[str], rows: list[list[str]], widths: list[float], *, caption: str,
              description: str, numeric_from: int | None = None, gaps: set[tuple[int, int]] | None = None,
              bold_last: bool = False) -> Table:
        """A captioned table with a repeated, shaded header row; ``gaps`` cells are shaded and say so."""
        self._tables += 1
        label = self.paragraph(f"Table {self._tables}. {caption}", "Caption")
        label.paragraph_format.keep_with_next = True
        table = self.document.add_table(rows=1, cols=len(header))
        table._tbl.tblStyle_val = self._table_grid  # by id, as ``styled`` does
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        authoring.table_borders(table._tbl, RULE)
        authoring.describe_table(table._tbl, caption, description)
        for column, width in enumerate(widths):  # the grid (LibreOffice); each cell below (Word)
            table.columns[column].width = Cm(width)
        first = table.rows[0]
        for index, (cell, text) in enumerate(zip(first.cells, header, strict=True)):
            cell.width = Cm(widths[index])
            run = self.styled(cell.paragraphs[0], "Table Text").add_run(text)
            run.bold = True
            authoring.shade_cell(cell._tc, HEADER_FILL)
        authoring.repeat_header_row(first._tr)
        for row_index, values in enumerate(rows):
            row = table.add_row()
            authoring.keep_row_together(row._tr)
            for column, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
                cell.width = Cm(widths[column])
                paragraph = self.styled(cell.paragraphs[0], "Table Text")
                lines = text.split("\n")
                for number, line in enumerate(lines):
                    run = paragraph.add_run(line)
                    if bold_last and row_index == len(rows) - 1:
                        run.bold = True
                    if number < len(lines) - 1:
                        run.add_break()
                if numeric_from is not None and column >= numeric_from:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                if gaps and (row_index, column) in gaps:
                    authoring.shade_cell(cell._tc, GAP_FILL)
        return table

    def figure(self, figure: Figure) -> None:
        self._figures += 1
        paragraph = self.styled(self.document.add_paragraph(), "Figure")
        paragraph.paragraph_format.keep_with_next = True
        paragraph.add_run().add_picture(io.BytesIO(figure.png), width=FIGURE_WIDTH)
        authoring.describe_pictures(paragraph._p, figure.caption, figure.alt_text)
        self.paragraph(f"Figure {self._figures}. {figure.caption}", "Caption")


def _styles(document: DocxDocument) -> None:
    """Named styles of the overview, in the house look of the drafts (:mod:`strategy_builder.render.house_look`)."""
    apply_looks(document, {
        "Normal": Look(10.5, after=6, line_spacing=1.1),
        "Heading 1": heading(17, DARK_BLUE, 0, 10, bold=True, page_break_before=True),
        "Heading 2": heading(12.5, MID_BLUE, 14, 4, bold=True),
        "Title": heading(30, DARK_BLUE, 0, 6, bold=False),
        "Subtitle": heading(15, MID_BLUE, 0, 18, bold=False),
        "Caption": Look(9, GREY, bold=False, italic=True, before=6, after=6),
        "Table Text": Look(8.5, before=1, after=1, line_spacing=1.0),
        "Small Print": Look(9, GREY),
        "Figure": Look(10.5, alignment=WD_ALIGN_PARAGRAPH.CENTER),
        "Cover Line": Look(12),
        "Contents Entry": Look(11, after=4),
        # An end-of-section paragraph kept after a table: a thin gap.
        "Section End": Look(2, colour=None, font=None, after=0, line_spacing=1.0),
    })
    contents = document.styles["Contents Entry"].paragraph_format
    contents.tab_stops.add_tab_stop(Cm(16), WD_TAB_ALIGNMENT.RIGHT, 1)  # dotted leader


# ------------------------------------------------------------------------------------------ the document


def _section(section_id: str, kind: str, number: str, title: str, content: Any, file: str = "",
             line: int | None = None, path: str = "") -> OverviewSection:
    return OverviewSection(section_id, kind, number, title, stable_hash(content), file, line, path)


def _cover(writer: _Writer, stamp: OverviewStamp, matrix: RegionalMatrix) -> None:
    section = writer.document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.orientation = WD_ORIENT.PORTRAIT
    section.top_margin = section.bottom_margin = Cm(2.2)
    section.left_margin = section.right_margin = Cm(2.5)
    section.different_first_page_header_footer = True
    for _ in range(5):
        writer.paragraph()
    writer.paragraph(matrix.source.series_title, "Title")
    writer.paragraph("Regional overview of the partner states' priorities", "Subtitle")
    if stamp.subtitle:
        writer.paragraph(stamp.subtitle, "Cover Line")
    writer.paragraph(f"Period {stamp.period or matrix.source.period}", "Cover Line")
    writer.paragraph()
    writer.paragraph(f"Overview {stamp.label}", "Cover Line", bold=True)
    writer.paragraph(f"{long_date(stamp.date)} · consultation round {matrix.source.consultation_round}", "Cover Line")
    writer.paragraph(f"{len(matrix.partners)} partner states · {len(matrix.priorities)} priorities · "
                     f"{plural(matrix.totals['actions'], 'live action')}", "Cover Line")
    writer.paragraph(f"{_source_line(matrix)} Inputs sha256 {matrix.source.inputs_sha256[:16]}.", "Small Print")
    for _ in range(6):
        writer.paragraph()
    team = stamp.author + (f", {stamp.organisation}" if stamp.organisation else "")
    writer.paragraph(f"Prepared by {team}", "Small Print")
    if stamp.disclaimer:
        writer.paragraph(stamp.disclaimer, "Small Print", italic=True)
    _page_numbers(writer, stamp)


def _source_line(matrix: RegionalMatrix) -> str:
    """The matrix's source line with its issue date written as the document writes dates (17 January 2011)."""
    return source_line(matrix, long_date(dt.date.fromisoformat(matrix.source.issued)))


def _page_numbers(writer: _Writer, stamp: OverviewStamp) -> None:
    section = writer.document.sections[0]
    header = section.header.paragraphs[0]
    header.text = f"{writer.matrix.source.series_title} · regional overview {stamp.label}"
    header.style = writer.document.styles["Small Print"]
    footer = section.footer.paragraphs[0]
    footer.style = writer.document.styles["Small Print"]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run("Page ")
    authoring.append_field(footer._p, "PAGE", "1")
    footer.add_run(" of ")
    authoring.append_field(footer._p, "NUMPAGES", "1")


def _contents(writer: _Writer, entries: list[tuple[str, str, str]]) -> None:
    """The contents: each chapter's number and title, and its page (a PAGEREF field to its bookmark)."""
    writer.paragraph().add_run().add_break(WD_BREAK.PAGE)
    heading = writer.paragraph("Contents", "Heading 1")
    heading.paragraph_format.page_break_before = False
    for number, title, section_id in entries:
        paragraph = writer.paragraph(f"{number}\u2003{title}" if number else title, "Contents Entry")
        authoring.append_tab(paragraph._p)
        authoring.append_field(paragraph._p, f"PAGEREF {bookmark_name(section_id)} \\h", "")


def _summary(writer: _Writer, figure: Figure) -> None:
    matrix = writer.matrix
    totals = matrix.totals
    live = sum(totals[s] for s in LIVE_STATUSES)
    cells = len(matrix.cells)
    writer.begin(_section(f"{OVERVIEW_CODE}/summary", "chapter", "1", "The regional picture",
                          {"totals": totals, "cells": [cell_summary(c) for c in matrix.cells],
                           "partners": [p.name for p in matrix.partners]}), "1\u2003The regional picture", 1)
    writer.paragraph(
        f"The {len(matrix.partners)} partner states hold {len(matrix.priorities)} priorities across the five areas "
        f"of the Joint Declaration: {totals['agreed']} agreed, {totals['proposed']} proposed, "
        f"{totals['bracketed']} bracketed and {totals['withdrawn']} withdrawn. The {live} live priorities (all but "
        f"the withdrawn) carry {plural(totals['actions'], 'action')}. {totals['gaps']} of the {cells} "
        f"combinations of partner and area have no live priority (gaps).")
    writer.paragraph(
        "Table 1 shows, for every partner and area, the priorities by status, the actions and the states "
        "leading them; chapters 2 to 6 list the priorities themselves, with their numbers in each partner's "
        "strategy. Figure 1 shows the same picture at a glance.")
    header = ["Partner", *(f"{a.chapter} {AREA_SHORT[a.key]}" for a in matrix.areas)]
    rows, gaps = [], set()
    for row_index, partner in enumerate(matrix.partners):
        row = [f"{partner.name} ({partner.code})"]
        for column, area in enumerate(matrix.areas, start=1):
            cell = matrix.cell(partner.code, area.key)
            if cell.gap:
                gaps.add((row_index, column))
                row.append(cell_summary(cell))
            else:
                statuses = status_counts(cell.counts)
                row.append(f"{statuses}\n{plural(cell.actions, 'action')}" + (
                    f"\n{', '.join(cell.leads)}" if cell.leads else ""))
        rows.append(row)
    rows.append(["All partners", *(f"{status_counts(t.counts)}\n{plural(t.actions, 'action')}\n"
                                   f"{plural(t.gaps, GAP)}" for t in matrix.area_totals)])
    writer.table(header, rows, [3.0] + [2.6] * len(matrix.areas),
                 caption="Priorities by status, live actions and lead states, by partner and area",
                 description="One row per partner, one column per area; each cell gives the priorities by status "
                             "(A agreed, P proposed, B bracketed, W withdrawn), the live actions and the lead "
                             "states, or 'gap'.", gaps=gaps, bold_last=True)
    writer.paragraph(LEGEND, "Small Print")
    writer.figure(figure)
    writer.end()


def _area_chapter(writer: _Writer, area_index: int) -> None:
    matrix = writer.matrix
    area = matrix.areas[area_index]
    total = matrix.area_totals[area_index]
    gaps = [p for p in matrix.partners if matrix.cell(p.code, area.key).gap]
    leads = [(t.lead, t.by_area[area.key]) for t in matrix.lead_totals if t.by_area[area.key]]
    content = {"total": [total.counts, total.actions, total.gaps], "gaps": [p.code for p in gaps], "leads": leads}
    writer.begin(_section(area_section_id(area.key), "area", area.chapter, area.title, content),
                 f"{area.chapter}\u2003{area.title}", 1)
    live = sum(total.counts[s] for s in LIVE_STATUSES)
    text = (f"{total.partners_with_priorities} of {len(matrix.partners)} partner states have live priorities in this "
            f"area: {plural(live, 'live priority', 'live priorities')} ("
            f"{total.counts['agreed']} agreed, {total.counts['proposed']} proposed, {total.counts['bracketed']} "
            f"bracketed) with {plural(total.actions, 'action')}")
    text += (", led by " + ", ".join(f"{matrix.state_name(code)} ({n})" for code, n in leads) + "." if leads
             else ".")
    if total.counts["withdrawn"]:
        text += f" {plural(total.counts['withdrawn'], 'priority', 'priorities')} withdrawn."
    writer.paragraph(text)
    if gaps:
        writer.paragraph("No live priority (gap): " + ", ".join(p.name for p in gaps) + ".", italic=True)
    for partner in matrix.partners:
        _partner_area(writer, area.key, partner.code)
    writer.end()


def _partner_area(writer: _Writer, area: str, code: str) -> None:
    matrix = writer.matrix
    cell = matrix.cell(code, area)
    name = matrix.partner_name(code)
    priorities = [matrix.priority(p) for p in cell.priorities]
    content = {"name": name, "cell": [cell.counts, cell.actions, cell.leads, cell.gap, cell.gap_reason],
               "priorities": [[p.number, p.title, p.status, p.leads, len(p.actions)] for p in priorities]}
    writer.begin(_section(partner_area_section_id(area, code), "partner_area", "", f"{name} ({code})", content,
                          cell.file, cell.line, f"areas.{area}"), f"{name} ({code})", 2)
    if not priorities:
        writer.paragraph(f"No priority in this area ({GAP})." + (f" {cell.gap_reason}" if cell.gap_reason else ""),
                         italic=True)
    else:
        rows = [[p.number, p.title, STATUS_TITLES[p.status], ", ".join(p.leads) or "–",
                 str(sum(1 for a in p.actions if matrix.action(a).live))] for p in priorities]
        writer.table(["No.", "Priority", "Status", "Lead states", "Actions"], rows, [1.2, 8.6, 2.2, 2.8, 1.5],
                     caption=f"{name}: priorities in {AREA_SHORT[area].lower()} (numbers of {code}'s strategy)",
                     description=f"The priorities of {name} in this area with their number in its strategy, "
                                 "status, lead states and number of live actions.", numeric_from=4)
        if cell.gap:
            writer.paragraph(f"No live priority ({GAP}): every priority in this area is withdrawn.", "Small Print")
    writer.end()


def _actions_chapter(writer: _Writer, figure: Figure) -> None:
    matrix = writer.matrix
    content = {"leads": [[t.lead, t.by_area, t.partners] for t in matrix.lead_totals],
               "quarters": [[q.quarter, q.by_area] for q in matrix.quarter_totals],
               "undated": list(matrix.undated_actions)}
    number = str(len(matrix.areas) + 2)
    writer.begin(_section(f"{OVERVIEW_CODE}/actions", "chapter", number, "Lead states and timeline", content),
                 f"{number}\u2003Lead states and timeline", 1)
    leads_table, quarters_table = writer._tables + 1, writer._tables + 2
    writer.paragraph(f"Table {leads_table} counts the live actions each state leads in each area, over all partners "
                     f"(an action with two lead states counts for both). Figure 2 and Table {quarters_table} show "
                     "when the live actions take place. " + TIMELINE_RULE)
    header = ["Lead state", *(a.chapter for a in matrix.areas), "Total", "Partners"]
    rows = [[f"{matrix.state_name(t.lead)} ({t.lead})", *(str(t.by_area[a.key]) for a in matrix.areas),
             str(t.actions), str(t.partners)] for t in matrix.lead_totals]
    writer.table(header, rows, [4.6] + [1.5] * len(matrix.areas) + [1.6, 1.8],
                 caption="Live actions by lead state and area (columns: chapter numbers of the areas)",
                 description="One row per lead state; the live actions it leads in each area, in all, and the "
                             "number of partners it leads actions for.", numeric_from=1)
    writer.figure(figure)
    header = ["Quarter", *(a.chapter for a in matrix.areas), "All areas"]
    rows = [[q.quarter, *(str(q.by_area[a.key]) for a in matrix.areas), str(q.actions)] for q in matrix.quarter_totals]
    writer.table(header, rows, [3.0] + [1.6] * len(matrix.areas) + [2.0],
                 caption="Live actions by quarter and area (columns: chapter numbers of the areas)",
                 description="One row per quarter; the live actions whose timeline touches it, by area.",
                 numeric_from=1)
    if matrix.undated_actions:
        writer.paragraph(f"{plural(len(matrix.undated_actions), 'live action')} without a timeline are not counted "
                         "in any quarter.", "Small Print")
    writer.end()


def _about(writer: _Writer, stamp: OverviewStamp) -> None:
    matrix = writer.matrix
    number = str(len(matrix.areas) + 3)
    writer.begin(_section(f"{OVERVIEW_CODE}/about", "chapter", number, "About this overview",
                          {"source": _source_line(matrix)}), f"{number}\u2003About this overview", 1)
    for text in (
            "This overview is generated from the same input files as the partners' draft strategies. Every "
            "number in it is counted once, in the partnership matrix, which is also available as a spreadsheet "
            "and a web page ('strategy-builder matrix').",
            _source_line(matrix), LEGEND,
            "Section numbers (such as 3.2) are the numbers of the priorities in each partner's strategy, so that "
            "a reader can turn to the full text."):
        writer.paragraph(text)
    writer.end()


def overview_document(matrix: RegionalMatrix, figures: tuple[Figure, Figure], stamp: OverviewStamp
                      ) -> tuple[RenderedDocument, list[OverviewSection]]:
    """The overview .docx (verified: every XML part parses, every section's bookmark is there) and its sections."""
    writer = _Writer(matrix)
    _cover(writer, stamp, matrix)
    entries = [("1", "The regional picture", f"{OVERVIEW_CODE}/summary"),
               *((a.chapter, a.title, area_section_id(a.key)) for a in matrix.areas),
               (str(len(matrix.areas) + 2), "Lead states and timeline", f"{OVERVIEW_CODE}/actions"),
               (str(len(matrix.areas) + 3), "About this overview", f"{OVERVIEW_CODE}/about")]
    _contents(writer, entries)
    _summary(writer, figures[0])
    for index in range(len(matrix.areas)):
        _area_chapter(writer, index)
    _actions_chapter(writer, figures[1])
    _about(writer, stamp)
    return _package(writer, stamp), writer.sections


def _package(writer: _Writer, stamp: OverviewStamp) -> RenderedDocument:
    buffer = io.BytesIO()
    writer.document.save(buffer)
    package = DocxPackage.from_bytes(buffer.getvalue(), source=OVERVIEW_FILE)
    authoring.drop_part(package, "docProps/thumbnail.jpeg")  # python-docx's picture of an empty page
    main = package.main_part_name()
    title = f"{writer.matrix.source.series_title} – regional overview"
    # Markers become bookmarks, drawings are renumbered, and Word is asked to refresh fields (it fills the
    # contents' page numbers; LibreOffice computes them); Track Changes stays off in an overview.
    contents = finish_docx(
        package.parts, {main: package.parts[main].decode("utf-8")}, main,
        stamps=DraftStamps(partner=OVERVIEW_CODE, draft=stamp.label, version=stamp.tool_version,
                           inputs_sha256=writer.matrix.source.inputs_sha256, series=OVERVIEW_CODE),
        core=CoreProperties(
            title=title, subject=f"{title} {stamp.label}", author=stamp.author, version=stamp.label,
            keywords="BMP; Migration Partnership Strategy; regional overview",
            description=f"Regional overview {stamp.label} generated by strategy-builder {stamp.tool_version}",
            date=stamp.date),
        track_changes=False)
    return verify_document(OVERVIEW_CODE, contents.data, [s.id for s in writer.sections])
