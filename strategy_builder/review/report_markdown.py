"""The diff as Markdown, for pull requests and e-mail: deletions ``~~−…~~``, insertions ``**+…**``.

The − and + markers keep the meaning where strikethrough or bold is not rendered (plain-text e-mail).
"""

from __future__ import annotations

from strategy_builder.review.report_view import ChangeView, ComparisonView, SectionView, one_line

MAX_CHANGES = 20


def _md(text: str) -> str:
    """Text safe inside Markdown: characters that would start markup are escaped."""
    flat = text.replace("\t", " ").replace("\n", " ")
    for char in "\\`*_[]<>|~#":
        flat = flat.replace(char, "\\" + char)
    return flat


def _change(change: ChangeView) -> str:
    where = f"*{_md(change.location)}:* " if change.location else ""
    pieces = []
    for piece in change.pieces(short=True):
        text = piece.text
        if change.kind != "changed":
            pieces.append(f"**+{_md(text)}**" if piece.op == "insert" else f"~~−{_md(text)}~~")
        elif not text.strip():
            pieces.append(text.replace("\t", " ").replace("\n", " ") if piece.op == "equal" else f"`{text!r}`")
        elif piece.op in ("insert", "delete"):
            # Spaces stay outside the markers: "** x**" is not bold in Markdown.
            core = text.strip()
            lead, tail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
            marked = f"**+{_md(core)}**" if piece.op == "insert" else f"~~−{_md(core)}~~"
            pieces.append(_md(lead) + marked + _md(tail))
        else:
            pieces.append(_md(text))
    return where + "".join(pieces)


def _section(section: SectionView, lines: list[str]) -> None:
    lines.append(f"- **{_md(section.status_line)}** {_md(one_line(section.title, 120))}")
    if section.retitled and section.old_title is not None:
        lines.append(f"  - was: {_md(one_line(section.old_title, 120))}")
    if section.status in ("changed", "moved"):
        changes = section.visible_changes
        lines.extend(f"  - {_change(c)}" for c in changes[:MAX_CHANGES])
        if len(changes) > MAX_CHANGES:
            lines.append(f"  - … {len(changes) - MAX_CHANGES} more change(s)")
    attribution = section.attribution
    if attribution:
        if attribution.fields:
            for field in attribution.fields[:8]:
                where = f"{field.file}:{field.line}" if field.line else field.file
                values = ""
                if field.change == "changed" and isinstance(field.old, str) and isinstance(field.new, str):
                    values = f": “{_md(one_line(field.old, 80))}” → “{_md(one_line(field.new, 80))}”"
                lines.append(f"  - why: `{where}` `{field.path}` {field.change}{values}")
        else:
            lines.append(f"  - why: {_md(attribution.summary)}")


def render_markdown(view: ComparisonView) -> str:
    """The report of a comparison as Markdown text."""
    lines = [f"# Changes from {_md(view.old.label)} to {_md(view.new.label)}", ""]
    for item in view.metadata:
        lines.append(f"- {item.field}: `{item.old}` → `{item.new}`")
    partners = view.partners
    if len(partners) > 1:
        lines += ["", "| Partner | Status | Added | Removed | Moved | Changed | Unchanged | Outside sections |",
                  "|---|---|---:|---:|---:|---:|---:|---|"]
        for partner in partners:
            counts = partner.counts
            lines.append(f"| {partner.code} {_md(partner.name or '')} | {partner.status} | "
                         + " | ".join(str(counts[k]) for k in ("added", "removed", "moved", "changed", "unchanged"))
                         + f" | {'changed' if partner.outside_changed else ''} |")
    for partner in partners:
        if partner.status in ("added", "removed"):
            lines += ["", f"## {partner.code} {_md(partner.name or '')}", "", f"Partner {partner.status}."]
            continue
        groups = partner.areas(show_unchanged=False)
        changed_outside = partner.changed_outside
        if not groups and not changed_outside:
            continue
        lines += ["", f"## {partner.code} {_md(partner.name or '')}"]
        for group in groups:
            lines += ["", f"### {_md(group.title)}" if group.title else "### (no area)", ""]
            for section in group.sections:
                _section(section, lines)
        if changed_outside:
            count = sum(len(s.visible_changes) for s in changed_outside)
            why = changed_outside[0].attribution.summary if changed_outside[0].attribution else ""
            lines += ["", f"*Outside tracked sections: {count} change(s)" + (f" ({_md(why)})" if why else "") + ".*"]
    if not view.has_changes:
        lines += ["", "No section changed."]
    return "\n".join(lines) + "\n"


__all__ = ["render_markdown"]
