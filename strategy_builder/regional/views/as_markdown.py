"""The matrix as Markdown: the three views as pipe tables, for a wiki page or a message."""

from __future__ import annotations

from strategy_builder.regional.labels import (
    AREA_SHORT, GAP, LEGEND, TIMELINE_RULE, action_line, cell_summary, source_line, total_summary,
)
from strategy_builder.regional.matrix import RegionalMatrix


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _row(values: list[str]) -> str:
    return "| " + " | ".join(_cell(v) for v in values) + " |"


def _table(header: list[str], rows: list[list[str]], right_from: int) -> list[str]:
    align = ["---" if i < right_from else "---:" for i in range(len(header))]
    return [_row(header), "| " + " | ".join(align) + " |", *(_row(r) for r in rows)]


def matrix_markdown(matrix: RegionalMatrix) -> str:
    """The partners × areas, lead states and timeline views, with a legend and the source line."""
    areas = matrix.areas
    lines = [f"# Partnership matrix: {matrix.source.series_title}", "", source_line(matrix), "",
             "## Partners × areas", ""]
    header = ["Partner", *(f"{AREA_SHORT[a.key]} (ch. {a.chapter})" for a in areas), "All areas"]
    rows = []
    for partner, total in zip(matrix.partners, matrix.partner_totals, strict=True):
        cells = [matrix.cell(partner.code, a.key) for a in areas]
        summaries = [f"**{GAP}**" + cell_summary(c)[len(GAP):] if c.gap else cell_summary(c) for c in cells]
        rows.append([f"{partner.code} {partner.name}", *summaries,
                     total_summary(total.counts, total.actions, total.gaps)])
    rows.append(["**All partners**", *(total_summary(t.counts, t.actions, t.gaps) for t in matrix.area_totals),
                 total_summary(matrix.totals, matrix.totals["actions"], matrix.totals["gaps"])])
    lines += _table(header, rows, len(header))
    lines += ["", LEGEND, "", "## Lead states × partners × areas", "",
              "Live actions each state leads, per partner and area.", ""]
    header = ["Lead state", "Area", *(p.code for p in matrix.partners), "Total"]
    rows = []
    for state, lead_total in zip(matrix.lead_states, matrix.lead_totals, strict=True):
        for area in areas:
            led = [matrix.lead_cell(state.code, p.code, area.key) for p in matrix.partners]
            rows.append([f"{state.code} {state.name}", AREA_SHORT[area.key],
                         *(str(len(c.actions)) if c else "–" for c in led), str(lead_total.by_area[area.key])])
        rows.append([f"**{state.code} all areas**", "", "", *([""] * (len(matrix.partners) - 1)),
                     f"**{lead_total.actions}** ({lead_total.partners} partners)"])
    lines += _table(header, rows, 2)
    lines += ["", "## Timeline of actions by quarter", "", TIMELINE_RULE, ""]
    header = ["Area", "Partner", *matrix.quarters]
    rows = []
    for area in areas:
        for partner in matrix.partners:
            active = [matrix.timeline_cell(area.key, partner.code, q) for q in matrix.quarters]
            if any(active):
                rows.append([AREA_SHORT[area.key], partner.code,
                             *(str(len(c.actions)) if c else "–" for c in active)])
    rows.append(["**All areas**", "**All partners**", *(f"**{q.actions}**" for q in matrix.quarter_totals)])
    lines += _table(header, rows, 2)
    if matrix.undated_actions:
        lines += ["", f"Actions without a timeline ({len(matrix.undated_actions)}):", ""]
        lines += [f"- {action_line(matrix.action(a))}" for a in matrix.undated_actions]
    return "\n".join(lines) + "\n"
