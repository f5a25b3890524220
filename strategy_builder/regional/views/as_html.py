"""The matrix as one self-contained HTML page: sortable tables, no network, readable without colour.

Sorting is a few lines of inline script (click a column header; the totals stay in the table foot).
Gaps say "gap" in words and are hatched, so that nothing depends on colour; every cell links to the list
of the priorities and actions it counts, with section IDs and YAML ``file:line``.
"""

from __future__ import annotations

import html

from strategy_builder.regional.labels import (
    AREA_SHORT, GAP, LEGEND, STATUS_TITLES, TIMELINE_RULE, action_line, cell_summary, priority_line, source_line,
    total_summary,
)
from strategy_builder.regional.matrix import MatrixCell, RegionalMatrix

_CSS = """
:root { --ink: #1f1f1f; --muted: #5f6368; --line: #c8ccd0; --head: #e8edf4; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 110rem; padding: 1rem 2rem 4rem;
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid var(--line); }
p.source, p.legend, .muted { color: var(--muted); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: .6rem 0; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; vertical-align: top; }
thead th { background: var(--head); position: sticky; top: 0; text-align: left; }
tbody th, tfoot th { text-align: left; }
th button { all: unset; cursor: pointer; font-weight: 700; }
th button::after { content: " \\2195"; color: var(--muted); font-weight: 400; }
th[aria-sort="ascending"] button::after { content: " \\2191"; }
th[aria-sort="descending"] button::after { content: " \\2193"; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.gap { background: repeating-linear-gradient(45deg, #fff, #fff 5px, #eee 5px, #eee 10px); font-weight: 700; }
tfoot td, tfoot th { font-weight: 700; border-top: 2px solid var(--ink); }
td a { color: inherit; }
.cell-list h3 { font-size: 1rem; margin: 1.2rem 0 .3rem; }
.cell-list ul { margin: .2rem 0 .6rem; }
@media print { thead th { position: static; } th button::after { content: ""; } }
"""

_SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("thead th").forEach(function (th, column) {
    var button = th.querySelector("button");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("thead th").forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      function key(row) {
        var cell = row.cells[column];
        var value = cell.getAttribute("data-sort");
        return value === null ? cell.textContent.trim().toLowerCase() : Number(value);
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var order = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y));
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _anchor(partner: str, area: str) -> str:
    return f"cell-{partner}-{area}"


def _th(label: str, *, numeric: bool = False) -> str:
    css = ' class="num"' if numeric else ""
    return f'<th scope="col"{css}><button type="button">{_e(label)}</button></th>'


def _count(value: int | None, link: str | None = None) -> str:
    if not value:
        return '<td class="num" data-sort="0">–</td>'
    text = f'<a href="#{link}">{value}</a>' if link else str(value)
    return f'<td class="num" data-sort="{value}">{text}</td>'


def _summary_cell(cell: MatrixCell) -> str:
    live = sum(cell.counts[s] for s in ("agreed", "proposed", "bracketed"))
    css = ' class="gap"' if cell.gap else ""
    return (f'<td{css} data-sort="{live}"><a href="#{_anchor(cell.partner, cell.area)}">'
            f"{_e(cell_summary(cell))}</a></td>")


def matrix_html(matrix: RegionalMatrix) -> str:
    """The whole page as text (UTF-8 when written)."""
    title = f"Partnership matrix: {matrix.source.series_title}"
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">', f"<title>{_e(title)}</title>",
             f"<style>{_CSS}</style>", "</head>", "<body>", f"<h1>{_e(title)}</h1>",
             f'<p class="source">{_e(source_line(matrix))}</p>',
             '<nav><a href="#partners-areas">Partners × areas</a> · <a href="#lead-states">Lead states</a> · '
             '<a href="#timeline">Timeline</a> · <a href="#priorities">Priorities by partner and area</a></nav>']
    parts += _partners_areas(matrix) + _lead_states(matrix) + _timeline(matrix) + _priorities(matrix)
    parts += [f"<script>{_SCRIPT}</script>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _partners_areas(matrix: RegionalMatrix) -> list[str]:
    out = ['<h2 id="partners-areas">Partners × areas</h2>', f'<p class="legend">{_e(LEGEND)}</p>',
           '<div class="scroll"><table class="sortable"><thead><tr>', _th("Partner"),
           *(_th(f"{AREA_SHORT[a.key]} (ch. {a.chapter})") for a in matrix.areas),
           _th("Live priorities", numeric=True), _th("Actions", numeric=True), _th("Gaps", numeric=True),
           "</tr></thead><tbody>"]
    for partner, total in zip(matrix.partners, matrix.partner_totals, strict=True):
        live = sum(total.counts[s] for s in ("agreed", "proposed", "bracketed"))
        out.append(f'<tr><th scope="row">{_e(partner.code)} {_e(partner.name)}</th>'
                   + "".join(_summary_cell(matrix.cell(partner.code, a.key)) for a in matrix.areas)
                   + _count(live) + _count(total.actions) + _count(total.gaps) + "</tr>")
    out.append("</tbody><tfoot><tr><th scope=\"row\">All partners</th>"
               + "".join(f"<td>{_e(total_summary(t.counts, t.actions, t.gaps))}</td>" for t in matrix.area_totals)
               + f'<td class="num">{sum(matrix.totals[s] for s in ("agreed", "proposed", "bracketed"))}</td>'
               + f'<td class="num">{matrix.totals["actions"]}</td><td class="num">{matrix.totals["gaps"]}</td>'
               + "</tr></tfoot></table></div>")
    return out


def _lead_states(matrix: RegionalMatrix) -> list[str]:
    out = ['<h2 id="lead-states">Lead states × partners × areas</h2>',
           '<p class="legend">Live actions each state leads, per partner and area (an action with two lead states '
           "counts for both).</p>", '<div class="scroll"><table class="sortable"><thead><tr>', _th("Lead state"),
           _th("Area"), *(_th(p.code, numeric=True) for p in matrix.partners), _th("Total", numeric=True),
           "</tr></thead><tbody>"]
    for state, total in zip(matrix.lead_states, matrix.lead_totals, strict=True):
        for area in matrix.areas:
            cells = "".join(_count(len(c.actions) if (c := matrix.lead_cell(state.code, p.code, area.key)) else 0,
                                   _anchor(p.code, area.key)) for p in matrix.partners)
            out.append(f'<tr><th scope="row">{_e(state.code)} {_e(state.name)}</th><td>{_e(AREA_SHORT[area.key])}'
                       f"</td>{cells}{_count(total.by_area[area.key])}</tr>")
    out.append('</tbody><tfoot><tr><th scope="row">All lead states</th><td></td>'
               + "<td></td>" * len(matrix.partners)
               + f'<td class="num">{sum(t.actions for t in matrix.lead_totals)}</td></tr></tfoot></table></div>')
    return out


def _timeline(matrix: RegionalMatrix) -> list[str]:
    out = ['<h2 id="timeline">Timeline of actions by quarter</h2>', f'<p class="legend">{_e(TIMELINE_RULE)}</p>',
           '<div class="scroll"><table class="sortable"><thead><tr>', _th("Area"), _th("Partner"),
           *(_th(q, numeric=True) for q in matrix.quarters), "</tr></thead><tbody>"]
    for area in matrix.areas:
        for partner in matrix.partners:
            cells = [matrix.timeline_cell(area.key, partner.code, q) for q in matrix.quarters]
            if not any(cells):
                continue
            out.append(f"<tr><td>{_e(AREA_SHORT[area.key])}</td><th scope=\"row\">{_e(partner.code)}</th>"
                       + "".join(_count(len(c.actions) if c else 0, _anchor(partner.code, area.key)) for c in cells)
                       + "</tr>")
    out.append('</tbody><tfoot><tr><th scope="row" colspan="2">All areas and partners</th>'
               + "".join(f'<td class="num">{q.actions}</td>' for q in matrix.quarter_totals)
               + "</tr></tfoot></table></div>")
    if matrix.undated_actions:
        out.append(f"<p>Actions without a timeline ({len(matrix.undated_actions)}):</p><ul>"
                   + "".join(f"<li>{_e(action_line(matrix.action(a)))}</li>" for a in matrix.undated_actions)
                   + "</ul>")
    return out


def _priorities(matrix: RegionalMatrix) -> list[str]:
    out = ['<h2 id="priorities">Priorities by partner and area</h2><div class="cell-list">']
    for partner in matrix.partners:
        for area in matrix.areas:
            cell = matrix.cell(partner.code, area.key)
            out.append(f'<h3 id="{_anchor(partner.code, area.key)}">{_e(partner.code)} {_e(partner.name)} — '
                       f'{_e(area.title)} <span class="muted">({_e(cell.section_id)}, '
                       f"{_e(cell.file)}:{cell.line})</span></h3>")
            if not cell.priorities:
                reason = f": {cell.gap_reason}" if cell.gap_reason else ""
                out.append(f"<p><strong>{GAP}</strong> — no priorities{_e(reason)}</p>")
                continue
            items = []
            for section_id in cell.priorities:
                priority = matrix.priority(section_id)
                actions = "".join(f"<li>{_e(action_line(matrix.action(a)))}</li>" for a in priority.actions)
                items.append(f"<li><strong>{_e(STATUS_TITLES[priority.status])}</strong> "
                             f"{_e(priority_line(priority))}" + (f"<ul>{actions}</ul>" if actions else "") + "</li>")
            if cell.gap:
                out.append(f"<p><strong>{GAP}</strong> — no live priority</p>")
            out.append("<ul>" + "".join(items) + "</ul>")
    out.append("</div>")
    return out
