"""The diff for people at a terminal: what changed first, then each changed partner by area.

Insertions and deletions carry ``{+ +}`` and ``[- -]`` markers as well as colour (wdiff style), so the
report reads the same without colour, in a log or through a screen reader. Unchanged partners are one
line, and so is the text a build writes into every draft.

The report is lines of console markup (:mod:`strategy_builder.markup`), the table of partners included,
so that it prints the same on rich's console and on the plain one the CLI uses (which spares a diff
importing rich).
"""

from __future__ import annotations

from collections.abc import Sequence

from strategy_builder.markup import Printer, cell_width, escape, render
from strategy_builder.review.report_view import SECTION_STATUSES, ChangeView, ComparisonView, SectionView, one_line

_STATUS_STYLE = {"added": "green", "removed": "red", "moved": "cyan", "renumbered": "blue", "changed": "yellow",
                 "unchanged": "dim"}
_STATUS_MARK = {"added": "+", "removed": "-", "moved": "↕", "renumbered": "#", "changed": "~", "unchanged": " "}
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


def _section(console: Printer, section: SectionView, indent: str) -> None:
    status = section.status
    style = _STATUS_STYLE.get(status, "")
    title = escape(one_line(section.title, 100))
    console.print(f"{indent}[{style}]{_STATUS_MARK.get(status, ' ')} {escape(section.status_line):<10}[/] {title}")
    if section.retitled and section.old_title is not None:
        console.print(f"{indent}    [dim]was:[/] {escape(one_line(section.old_title, 100))}")
    changes = section.shown_changes
    for change in changes[:MAX_CHANGES]:
        console.print(f"{indent}    {_change_line(change)}")
    if len(changes) > MAX_CHANGES:
        console.print(f"{indent}    [dim]… {len(changes) - MAX_CHANGES} more change(s)[/]")
    for line in section.why[:5]:
        console.print(f"{indent}    [magenta]why:[/] {escape(line)}")


def table_lines(columns: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[str] = ()) -> list[str]:
    """A table as lines of markup, drawn as rich draws a ``Table(box=None, show_edge=False, pad_edge=False)``:
    bold headers, each column as wide as its widest cell, two spaces between columns, the ``right`` columns
    right-aligned. Cells are markup; their width is that of their text."""
    header = [f"[bold]{escape(name)}[/bold]" for name in columns]
    table = [header, *rows]
    widths = [max(cell_width(render(row[index])) for row in table) for index in range(len(columns))]
    lines = []
    for row in table:
        cells = []
        for name, cell, width in zip(columns, row, widths, strict=True):
            gap = " " * (width - cell_width(render(cell)))
            cells.append(gap + cell if name in right else cell + gap)
        lines.append("  ".join(cells))
    return lines


def render_terminal(view: ComparisonView, console: Printer, *, show_unchanged: bool = False) -> None:
    """Print the report of a comparison on ``console``: the headline, the changed partners, one line for the
    unchanged ones and one for the text written for each draft. ``show_unchanged`` lists unchanged sections
    of the changed partners too."""
    console.print(f"[bold]{escape(view.old.label)}[/] → [bold]{escape(view.new.label)}[/]: {escape(view.headline)}")
    for item in view.metadata:
        old, new = str(item.old)[:16], str(item.new)[:16]
        console.print(f"  [magenta]{escape(item.field)}[/]: {escape(old)} → {escape(new)}")
    changed = view.changed_partners
    if len(changed) > 1:  # only a comparison of drafts has partners to tabulate
        rows = [[escape(partner.label), f"[{_STATUS_STYLE.get(partner.status, '')}]{partner.status}[/]",
                 *(str(partner.counts.get(k) or "") for k in SECTION_STATUSES)] for partner in changed]
        for line in table_lines(("partner", "status", *SECTION_STATUSES), rows, right=SECTION_STATUSES):
            console.print(line)
    for partner in changed:
        if partner.status in ("added", "removed"):
            console.print(f"\n[bold]{escape(partner.label)}[/]: "
                          f"[{_STATUS_STYLE[partner.status]}]partner {partner.status}[/]")
            continue
        unchanged = partner.unchanged_sections
        console.print(f"\n[bold]{escape(partner.label)}[/]"
                      + (f" [dim]({unchanged} section(s) unchanged)[/]" if unchanged and not show_unchanged else ""))
        for group in partner.areas(show_unchanged=show_unchanged):
            console.print(f"  [bold underline]{escape(group.title)}[/]")
            for section in group.sections:
                _section(console, section, "    ")
        if not view.builds and partner.changed_outside:
            console.print("  [bold underline]Outside tracked sections[/]")
            for section in partner.changed_outside:
                _section(console, section, "    ")
        if partner.not_compared:
            console.print("  [bold underline]Not compared[/] [dim](counted as differences)[/]")
            for line in partner.not_compared_lines:
                console.print(f"    [yellow]![/] {escape(line)}")
        if partner.comments_line:
            console.print(f"  [dim]{escape(partner.comments_line)}[/]")
    if view.unchanged_partners and (changed or len(view.unchanged_partners) > 1):
        console.print(f"\nUnchanged: {escape(', '.join(view.unchanged_partners))}.")
    if view.unchanged_comments:
        console.print(f"[dim]{escape(view.unchanged_comments)}[/]")
    if view.draft_text:
        console.print(f"[dim]{escape(view.draft_text)}[/]")


__all__ = ["render_terminal"]
