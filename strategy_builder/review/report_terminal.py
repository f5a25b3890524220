"""The diff for people at a terminal (rich): a summary table, then each changed partner by area.

Insertions and deletions carry ``{+ +}`` and ``[- -]`` markers as well as colour (wdiff style), so the
report reads the same without colour, in a log or through a screen reader.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from strategy_builder.review.report_view import ChangeView, ComparisonView, SectionView, one_line

_STATUS_STYLE = {"added": "green", "removed": "red", "moved": "cyan", "changed": "yellow", "unchanged": "dim"}
_STATUS_MARK = {"added": "+", "removed": "-", "moved": "↕", "changed": "~", "unchanged": " "}
MAX_CHANGES = 8
"""Changes shown per section; the JSON and HTML reports have all of them."""


def _change_line(change: ChangeView) -> str:
    where = f"[dim]{escape(change.location)}:[/] " if change.location else ""
    pieces = []
    for piece in change.pieces(short=True):
        text = escape(piece.text.replace("\t", " ").replace("\n", " ⏎ ")) if change.kind == "changed" \
            else escape(piece.text)
        if piece.op == "insert":
            pieces.append(f"[bold green underline]{{+{text}+}}[/]")
        elif piece.op == "delete":
            pieces.append(f"[bold red strike]\\[-{text}-][/]")
        else:
            pieces.append(f"[dim]{text}[/]")
    return where + "".join(pieces)


def _section(console: Console, section: SectionView, indent: str) -> None:
    status = section.status
    style = _STATUS_STYLE[status]
    title = escape(one_line(section.title, 100))
    console.print(f"{indent}[{style}]{_STATUS_MARK[status]} {escape(section.status_line):<10}[/] {title}")
    if section.retitled and section.old_title is not None:
        console.print(f"{indent}    [dim]was:[/] {escape(one_line(section.old_title, 100))}")
    if status in ("changed", "moved"):
        changes = section.visible_changes
        for change in changes[:MAX_CHANGES]:
            console.print(f"{indent}    {_change_line(change)}")
        if len(changes) > MAX_CHANGES:
            console.print(f"{indent}    [dim]… {len(changes) - MAX_CHANGES} more change(s)[/]")
    attribution = section.attribution
    if attribution:
        if attribution.fields:
            for field in attribution.fields[:5]:
                where = f"{field.file}:{field.line}" if field.line else field.file
                console.print(f"{indent}    [magenta]why:[/] {escape(where)}  {escape(field.path)} "
                              f"{escape(field.change)}")
        else:
            console.print(f"{indent}    [magenta]why:[/] {escape(attribution.summary)}")


def render_terminal(view: ComparisonView, console: Console, *, show_unchanged: bool = False) -> None:
    """Print the report of a comparison on ``console``."""
    console.print(f"[bold]{escape(view.old.label)}[/] → [bold]{escape(view.new.label)}[/]")
    for item in view.metadata:
        console.print(f"  [magenta]{escape(item.field)}[/]: {escape(item.old[:16])} → {escape(item.new[:16])}")
    partners = view.partners
    if len(partners) > 1:
        table = Table(show_edge=False, pad_edge=False, box=None)
        for column in ("partner", "status", "added", "removed", "moved", "changed", "unchanged", "outside"):
            table.add_column(column, justify="left" if column in ("partner", "status") else "right")
        for partner in partners:
            counts = partner.counts
            style = _STATUS_STYLE.get(partner.status, "")
            table.add_row(escape(partner.label), f"[{style}]{partner.status}[/]",
                          *(str(counts[k] or "") for k in ("added", "removed", "moved", "changed")),
                          str(counts["unchanged"]), "changed" if partner.outside_changed else "")
        console.print(table)
    for partner in partners:
        if partner.status in ("added", "removed"):
            console.print(f"\n[bold]{escape(partner.code)}[/] {escape(partner.name or '')}: "
                          f"[{_STATUS_STYLE[partner.status]}]partner {partner.status}[/]")
            continue
        groups = partner.areas(show_unchanged=show_unchanged)
        if not groups:
            continue  # draft-level changes only: the table says so
        console.print(f"\n[bold]{escape(partner.code)}[/] {escape(partner.name or '')}")
        for group in groups:
            indent = "  "
            if group.title:
                console.print(f"  [bold underline]{escape(group.title)}[/]")
                indent = "    "
            for section in group.sections:
                _section(console, section, indent)
        changed_outside = partner.changed_outside
        if changed_outside:
            count = sum(len(s.visible_changes) for s in changed_outside)
            why = changed_outside[0].attribution.summary if changed_outside[0].attribution else ""
            console.print(f"  [dim]outside tracked sections: {count} change(s)"
                          + (f" — {escape(why)}" if why else "") + "[/]")
    unchanged = [p.code for p in partners if p.status == "unchanged"]
    summary = view.section_counts
    console.print("\n" + ", ".join(f"{n} {k}" for k, n in summary.items() if n and k != "unchanged")
                  + (" section(s)" if any(n for k, n in summary.items() if k != "unchanged") else "no section changed")
                  + (f"; unchanged partner(s): {' '.join(unchanged)}" if unchanged and len(partners) > 1 else ""))


__all__ = ["render_terminal"]
