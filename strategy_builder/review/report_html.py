"""The diff as one self-contained HTML page: no network, navigation by partner and area.

Insertions are ``<ins>`` (underlined, with a visible "+"), deletions ``<del>`` (struck through, with a
visible "−"), so that the meaning never depends on colour alone; colours only reinforce it. Every text
from a document is escaped.
"""

from __future__ import annotations

import html
import re
from typing import Any

from strategy_builder.review.report_json import by_area, one_line, status_line, visible_changes

_CSS = """
:root { --ins: #e6f4ea; --del: #fce8e6; --ink: #1f1f1f; --muted: #5f6368; --line: #dadce0; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
nav { position: fixed; top: 0; bottom: 0; left: 0; width: 17rem; overflow-y: auto; padding: 1rem;
      border-right: 1px solid var(--line); background: #f8f9fa; font-size: 13px; }
nav ul { list-style: none; padding-left: .8rem; margin: .2rem 0; }
nav > ul { padding-left: 0; }
nav a { color: var(--ink); text-decoration: none; } nav a:hover, nav a:focus { text-decoration: underline; }
main { margin-left: 18rem; padding: 1rem 2rem 4rem; max-width: 70rem; }
h1 { font-size: 1.5rem; } h2 { border-bottom: 2px solid var(--line); padding-bottom: .2rem; margin-top: 2.5rem; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
table.summary { border-collapse: collapse; } table.summary th, table.summary td { border: 1px solid var(--line);
  padding: .25rem .6rem; text-align: right; } table.summary th:first-child, table.summary td:first-child,
  table.summary td:nth-child(2) { text-align: left; }
details { border: 1px solid var(--line); border-radius: 4px; margin: .4rem 0; padding: .3rem .7rem; }
summary { cursor: pointer; }
.status { display: inline-block; min-width: 6.5rem; font-weight: 600; text-transform: uppercase; font-size: 12px; }
.added .status { color: #137333; } .removed .status { color: #a50e0e; } .moved .status { color: #185abc; }
.changed .status { color: #8a4b00; } .unchanged .status { color: var(--muted); }
ins { background: var(--ins); text-decoration: underline; text-decoration-thickness: 2px; }
del { background: var(--del); text-decoration: line-through; text-decoration-thickness: 2px; }
ins .m, del .m { font-weight: 700; text-decoration: none; display: inline-block; padding-right: .1em; }
ol.changes { padding-left: 1.2rem; } ol.changes li { margin: .3rem 0; white-space: pre-wrap; }
.where, .why, .muted { color: var(--muted); font-size: 13px; }
.why code { font-size: 12px; }
.legend { border: 1px solid var(--line); padding: .5rem .8rem; display: inline-block; }
@media print { nav { display: none; } main { margin-left: 0; } details { break-inside: avoid; } }
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _slug(*parts: str | None) -> str:
    return "-".join(re.sub(r"[^A-Za-z0-9]+", "-", p or "x").strip("-").lower() or "x" for p in parts)


def _ins(text: str) -> str:
    return f'<ins><span class="m" aria-hidden="true">+</span>{_e(text)}</ins>'


def _del(text: str) -> str:
    return f'<del><span class="m" aria-hidden="true">−</span>{_e(text)}</del>'


def _change(change: dict[str, Any]) -> str:
    where = f'<span class="where">{_e(change["location"])}: </span>' if change["location"] else ""
    if change["kind"] == "inserted":
        body = _ins(change["new_text"])
    elif change["kind"] == "deleted":
        body = _del(change["old_text"])
    else:
        body = "".join(_ins(t) if op == "insert" else _del(t) if op == "delete" else _e(t)
                       for op, t in ((o["op"], o["text"]) for o in change["ops"]))
    return f"<li>{where}{body}</li>"


def _why(attribution: dict[str, Any] | None) -> str:
    if not attribution:
        return ""
    if not attribution["fields"]:
        return f'<p class="why">Why: {_e(attribution["summary"])}</p>'
    items = []
    for field in attribution["fields"]:
        where = f"{field['file']}:{field['line']}" if field["line"] else field["file"]
        values = ""
        if field["change"] == "changed" and not isinstance(field["old"], (dict, list)):
            values = f": {_del(one_line(str(field['old']), 200))} → {_ins(one_line(str(field['new']), 200))}"
        items.append(f"<li><code>{_e(where)}</code> <code>{_e(field['path'])}</code> "
                     f"{_e(field['change'])}{values}</li>")
    return f'<div class="why">Why (input fields):<ul>{"".join(items)}</ul></div>'


def _section(section: dict[str, Any], anchor: str) -> str:
    status = section["status"]
    changes = visible_changes(section) if status in ("changed", "moved") else []
    hidden = len(section["changes"]) - len(changes) if status in ("changed", "moved", "unchanged") else 0
    parts = [f'<details class="{status}" id="{anchor}"' + (" open" if changes else "") + ">",
             f'<summary><span class="status">{_e(status_line(section))}</span> {_e(one_line(section["title"], 200))}'
             "</summary>"]
    if section["retitled"]:
        parts.append(f'<p class="muted">Previously: {_e(one_line(section["old_title"], 200))}</p>')
    if status in ("added", "removed"):
        texts = [c["new_text"] or c["old_text"] for c in section["changes"]]
        mark = _ins if status == "added" else _del
        parts.append('<ol class="changes">' + "".join(f"<li>{mark(t)}</li>" for t in texts) + "</ol>")
    elif changes:
        parts.append('<ol class="changes">' + "".join(_change(c) for c in changes) + "</ol>")
    if hidden > 0:
        parts.append(f'<p class="muted">{hidden} change(s) of numbering or spacing only, not shown.</p>')
    parts.append(_why(section["attribution"]))
    parts.append("</details>")
    return "".join(parts)


def render_html(payload: dict[str, Any], *, title: str | None = None) -> str:
    """The report of :func:`comparison_payload` ``payload`` as a complete, self-contained HTML page."""
    old, new = payload["old"], payload["new"]
    heading = title or f"Changes from {old['label']} to {new['label']}"
    nav: list[str] = ["<ul>"]
    main: list[str] = [f"<h1>{_e(heading)}</h1>",
                       '<p class="legend">Legend: <ins><span class="m">+</span>inserted</ins> &nbsp; '
                       '<del><span class="m">−</span>deleted</del> &nbsp; sections: added, removed, moved, '
                       "changed, unchanged</p>"]
    if payload["metadata"]:
        main.append("<ul>" + "".join(f"<li>{_e(m['field'])}: <code>{_e(m['old'])}</code> → <code>{_e(m['new'])}"
                                     "</code></li>" for m in payload["metadata"]) + "</ul>")
    rows = []
    for partner in payload["partners"]:
        counts = partner["counts"]
        rows.append(f'<tr><td><a href="#{_slug(partner["code"])}">{_e(partner["code"])} {_e(partner["name"] or "")}'
                    f"</a></td><td>{_e(partner['status'])}</td>"
                    + "".join(f"<td>{counts[k]}</td>" for k in ("added", "removed", "moved", "changed", "unchanged"))
                    + f"<td>{'changed' if partner['outside_changed'] else ''}</td></tr>")
    main.append('<table class="summary"><thead><tr><th>Partner</th><th>Status</th><th>Added</th><th>Removed</th>'
                "<th>Moved</th><th>Changed</th><th>Unchanged</th><th>Outside sections</th></tr></thead><tbody>"
                + "".join(rows) + "</tbody></table>")
    for partner in payload["partners"]:
        pid = _slug(partner["code"])
        label = f"{partner['code']} {partner['name'] or ''}".strip()
        nav.append(f'<li><a href="#{pid}">{_e(label)}</a> <span class="muted">({_e(partner["status"])})</span><ul>')
        main.append(f'<section aria-labelledby="{pid}"><h2 id="{pid}">{_e(label)} '
                    f'<span class="muted">— {_e(partner["status"])}</span></h2>')
        if partner["status"] in ("added", "removed"):
            main.append(f"<p>This partner's document was {_e(partner['status'])}.</p></section>")
            nav.append("</ul></li>")
            continue
        for area, sections in by_area(partner["sections"]):
            aid = _slug(partner["code"], area or sections[0]["key"])
            changed = sum(1 for s in sections if s["status"] != "unchanged")
            if area:
                nav.append(f'<li><a href="#{aid}">{_e(area)}</a>' + (f" ({changed})" if changed else "") + "</li>")
                main.append(f'<h3 id="{aid}">{_e(area)}</h3>')
            main.extend(_section(s, _slug(partner["code"], s["key"])) for s in sections)
        if partner["outside"]:
            oid = _slug(partner["code"], "outside")
            nav.append(f'<li><a href="#{oid}">Outside tracked sections</a></li>')
            main.append(f'<h3 id="{oid}">Outside tracked sections '
                        '<span class="muted">(cover, contents, changes table: written for each draft)</span></h3>')
            main.extend(_section(s, _slug(partner["code"], s["key"])) for s in partner["outside"])
        nav.append("</ul></li>")
        main.append("</section>")
    nav.append("</ul>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_e(heading)}</title><style>{_CSS}</style></head><body>"
            f'<nav aria-label="Partners and areas"><strong>{_e(new["label"])}</strong>{"".join(nav)}</nav>'
            f"<main>{''.join(main)}</main></body></html>\n")


__all__ = ["render_html"]
