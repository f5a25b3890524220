"""The diff as Markdown, for pull requests and e-mail: deletions ``~~−…~~``, insertions ``**+…**``.

The − and + markers keep the meaning where strikethrough or bold is not rendered (plain-text e-mail).
"""

from __future__ import annotations

from strategy_builder.review.report_view import SECTION_STATUSES, ChangeView, ComparisonView, SectionView, one_line

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
    changes = section.shown_changes
    lines.extend(f"  - {_change(c)}" for c in changes[:MAX_CHANGES])
    if len(changes) > MAX_CHANGES:
        lines.append(f"  - … {len(changes) - MAX_CHANGES} more change(s)")
    lines.extend(f"  - why: {_md(line)}" for line in section.why[:8])


def render_markdown(view: ComparisonView) -> str:
    """The report of a comparison as Markdown text: the headline, the changed partners, one line for the
    unchanged ones and one for the text written for each draft."""
    lines = [f"# Changes from {_md(view.old.label)} to {_md(view.new.label)}", "", _md(view.headline)]
    if view.metadata:
        lines.append("")
        lines.extend(f"- {item.field}: `{item.old}` → `{item.new}`" for item in view.metadata)
    changed = view.changed_partners
    if len(changed) > 1:
        lines += ["", "| Partner | Status | " + " | ".join(s.capitalize() for s in SECTION_STATUSES) + " |",
                  "|---|---|" + "---:|" * len(SECTION_STATUSES)]
        for partner in changed:
            lines.append(f"| {_md(partner.label)} | {partner.status} | "
                         + " | ".join(str(partner.counts.get(s, 0)) for s in SECTION_STATUSES) + " |")
    for partner in changed:
        lines += ["", f"## {_md(partner.label)}"]
        if partner.status in ("added", "removed"):
            lines += ["", f"Partner {partner.status}."]
            continue
        for group in partner.areas(show_unchanged=False):
            lines += ["", f"### {_md(group.title)}", ""]
            for section in group.sections:
                _section(section, lines)
        if not view.builds and partner.changed_outside:
            lines += ["", "### Outside tracked sections", ""]
            for section in partner.changed_outside:
                _section(section, lines)
        if partner.not_compared:
            lines += ["", "### Not compared (counted as differences)", ""]
            lines.extend(f"- {_md(line)}" for line in partner.not_compared_lines)
        if partner.comments_line:
            lines += ["", f"*{_md(partner.comments_line)}*"]
        if partner.unchanged_sections:
            lines += ["", f"*{partner.unchanged_sections} section(s) unchanged.*"]
    if view.unchanged_partners and (changed or len(view.unchanged_partners) > 1):
        lines += ["", f"Unchanged: {_md(', '.join(view.unchanged_partners))}."]
    if view.unchanged_comments:
        lines += ["", f"*{_md(view.unchanged_comments)}*"]
    if view.draft_text:
        lines += ["", f"*{_md(view.draft_text)}*"]
    return "\n".join(lines) + "\n"


__all__ = ["render_markdown"]
