"""The diff for people at a terminal (rich): a summary table, then each changed partner by area.

Insertions and deletions carry ``{+ +}`` and ``[- -]`` markers as well as colour (wdiff style), so the
report reads the same without colour, in a log or through a screen reader.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from strategy_builder.review.report_json import by_area, one_line, status_line, trimmed_ops, visible_changes

_STATUS_STYLE = {"added": "green", "removed": "red", "moved": "cyan", "changed": "yellow", "unchanged": "dim"}
_STATUS_MARK = {"added": "+", "removed": "-", "moved": "↕", "changed": "~", "unchanged": " "}
MAX_CHANGES = 8
"""Changes shown per section; the JSON and HTML reports have all of them."""


def _ops_markup(ops: list[dict[str, str]]) -> str:
    pieces = []
    for op, text in trimmed_ops(ops):
        text = escape(text.replace("\t", " ").replace("\n", " ⏎ "))
        if op == "insert":
            pieces.append(f"[bold green underline]{{+{text}+}}[/]")
        elif op == "delete":
            pieces.append(f"[bold red strike]\\[-{text}-][/]")
        else:
            pieces.append(f"[dim]{text}[/]")
    return "".join(pieces)


def _change_line(change: dict[str, Any]) -> str:
    where = f"[dim]{escape(change['location'])}:[/] " if change["location"] else ""
    if change["kind"] == "changed":
        return where + _ops_markup(change["ops"])
    if change["kind"] == "inserted":
        return where + f"[bold green underline]{{+{escape(one_line(change['new_text']))}+}}[/]"
    return where + f"[bold red strike]\\[-{escape(one_line(change['old_text']))}-][/]"


def _section(console: Console, section: dict[str, Any], indent: str) -> None:
    status = section["status"]
    style = _STATUS_STYLE[status]
    title = escape(one_line(section["title"], 100))
    console.print(f"{indent}[{style}]{_STATUS_MARK[status]} {escape(status_line(section)):<10}[/] {title}")
    if section["retitled"]:
        console.print(f"{indent}    [dim]was:[/] {escape(one_line(section['old_title'], 100))}")
    if status in ("changed", "moved"):
        changes = visible_changes(section)
        for change in changes[:MAX_CHANGES]:
            console.print(f"{indent}    {_change_line(change)}")
        if len(changes) > MAX_CHANGES:
            console.print(f"{indent}    [dim]… {len(changes) - MAX_CHANGES} more change(s)[/]")
    attribution = section["attribution"]
    if attribution:
        fields = attribution["fields"]
        if fields:
            for field in fields[:5]:
                where = f"{field['file']}:{field['line']}" if field["line"] else field["file"]
                console.print(f"{indent}    [magenta]why:[/] {escape(where)}  {escape(field['path'])} "
                              f"{escape(field['change'])}")
        else:
            console.print(f"{indent}    [magenta]why:[/] {escape(attribution['summary'])}")


def render_terminal(payload: dict[str, Any], console: Console, *, show_unchanged: bool = False) -> None:
    """Print the report of :func:`comparison_payload` ``payload`` on ``console``."""
    old, new = payload["old"], payload["new"]
    console.print(f"[bold]{escape(old['label'])}[/] → [bold]{escape(new['label'])}[/]")
    for item in payload["metadata"]:
        console.print(f"  [magenta]{escape(item['field'])}[/]: {escape(item['old'][:16])} → "
                      f"{escape(item['new'][:16])}")
    partners = payload["partners"]
    if len(partners) > 1:
        table = Table(show_edge=False, pad_edge=False, box=None)
        for column in ("partner", "status", "added", "removed", "moved", "changed", "unchanged", "outside"):
            table.add_column(column, justify="left" if column in ("partner", "status") else "right")
        for partner in partners:
            counts = partner["counts"]
            style = _STATUS_STYLE.get(partner["status"], "")
            table.add_row(escape(f"{partner['code']} {partner['name'] or ''}".strip()),
                          f"[{style}]{partner['status']}[/]",
                          *(str(counts[k] or "") for k in ("added", "removed", "moved", "changed")),
                          str(counts["unchanged"]), "changed" if partner["outside_changed"] else "")
        console.print(table)
    for partner in partners:
        if partner["status"] in ("added", "removed"):
            console.print(f"\n[bold]{escape(partner['code'])}[/] {escape(partner['name'] or '')}: "
                          f"[{_STATUS_STYLE[partner['status']]}]partner {partner['status']}[/]")
            continue
        shown = [s for s in partner["sections"] if show_unchanged or s["status"] != "unchanged"]
        if not shown:
            continue  # draft-level changes only: the table says so
        console.print(f"\n[bold]{escape(partner['code'])}[/] {escape(partner['name'] or '')}")
        for area, sections in by_area(shown):
            indent = "  "
            if area:
                console.print(f"  [bold underline]{escape(area)}[/]")
                indent = "    "
            for section in sections:
                _section(console, section, indent)
        changed_outside = [s for s in partner["outside"] if s["status"] != "unchanged"]
        if changed_outside:
            count = sum(len(visible_changes(s)) for s in changed_outside)
            why = changed_outside[0]["attribution"]["summary"] if changed_outside[0]["attribution"] else ""
            console.print(f"  [dim]outside tracked sections: {count} change(s)"
                          + (f" — {escape(why)}" if why else "") + "[/]")
    unchanged = [p["code"] for p in partners if p["status"] == "unchanged"]
    summary = payload["summary"]["sections"]
    console.print("\n" + ", ".join(f"{n} {k}" for k, n in summary.items() if n and k != "unchanged")
                  + (" section(s)" if any(n for k, n in summary.items() if k != "unchanged") else "no section changed")
                  + (f"; unchanged partner(s): {' '.join(unchanged)}" if unchanged and len(partners) > 1 else ""))


__all__ = ["render_terminal"]
