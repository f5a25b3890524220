"""The diff as Markdown, for pull requests and e-mail: deletions ``~~−…~~``, insertions ``**+…**``.

The − and + markers keep the meaning where strikethrough or bold is not rendered (plain-text e-mail).
"""

from __future__ import annotations

from typing import Any

from strategy_builder.review.report_json import by_area, one_line, status_line, trimmed_ops, visible_changes

MAX_CHANGES = 20


def _md(text: str) -> str:
    """Text safe inside Markdown: characters that would start markup are escaped."""
    flat = text.replace("\t", " ").replace("\n", " ")
    for char in "\\`*_[]<>|~#":
        flat = flat.replace(char, "\\" + char)
    return flat


def _ops(ops: list[dict[str, str]]) -> str:
    pieces = []
    for op, text in trimmed_ops(ops):
        if not text.strip():
            pieces.append(text.replace("\t", " ").replace("\n", " ") if op == "equal" else f"`{text!r}`")
        elif op in ("insert", "delete"):
            # Spaces stay outside the markers: "** x**" is not bold in Markdown.
            core = text.strip()
            lead, tail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
            marked = f"**+{_md(core)}**" if op == "insert" else f"~~−{_md(core)}~~"
            pieces.append(_md(lead) + marked + _md(tail))
        else:
            pieces.append(_md(text))
    return "".join(pieces)


def _change(change: dict[str, Any]) -> str:
    where = f"*{_md(change['location'])}:* " if change["location"] else ""
    if change["kind"] == "changed":
        return where + _ops(change["ops"])
    if change["kind"] == "inserted":
        return where + f"**+{_md(one_line(change['new_text']))}**"
    return where + f"~~−{_md(one_line(change['old_text']))}~~"


def _section(section: dict[str, Any], lines: list[str]) -> None:
    lines.append(f"- **{_md(status_line(section))}** {_md(one_line(section['title'], 120))}")
    if section["retitled"]:
        lines.append(f"  - was: {_md(one_line(section['old_title'], 120))}")
    if section["status"] in ("changed", "moved"):
        changes = visible_changes(section)
        lines.extend(f"  - {_change(c)}" for c in changes[:MAX_CHANGES])
        if len(changes) > MAX_CHANGES:
            lines.append(f"  - … {len(changes) - MAX_CHANGES} more change(s)")
    attribution = section["attribution"]
    if attribution:
        if attribution["fields"]:
            for field in attribution["fields"][:8]:
                where = f"{field['file']}:{field['line']}" if field["line"] else field["file"]
                values = ""
                if field["change"] == "changed" and isinstance(field["old"], str) and isinstance(field["new"], str):
                    values = f": “{_md(one_line(field['old'], 80))}” → “{_md(one_line(field['new'], 80))}”"
                lines.append(f"  - why: `{where}` `{field['path']}` {field['change']}{values}")
        else:
            lines.append(f"  - why: {_md(attribution['summary'])}")


def render_markdown(payload: dict[str, Any]) -> str:
    """The report of :func:`comparison_payload` ``payload`` as Markdown text."""
    old, new = payload["old"], payload["new"]
    lines = [f"# Changes from {_md(old['label'])} to {_md(new['label'])}", ""]
    for item in payload["metadata"]:
        lines.append(f"- {item['field']}: `{item['old']}` → `{item['new']}`")
    partners = payload["partners"]
    if len(partners) > 1:
        lines += ["", "| Partner | Status | Added | Removed | Moved | Changed | Unchanged | Outside sections |",
                  "|---|---|---:|---:|---:|---:|---:|---|"]
        for partner in partners:
            counts = partner["counts"]
            lines.append(f"| {partner['code']} {_md(partner['name'] or '')} | {partner['status']} | "
                         + " | ".join(str(counts[k]) for k in ("added", "removed", "moved", "changed", "unchanged"))
                         + f" | {'changed' if partner['outside_changed'] else ''} |")
    for partner in partners:
        if partner["status"] in ("added", "removed"):
            lines += ["", f"## {partner['code']} {_md(partner['name'] or '')}", "", f"Partner {partner['status']}."]
            continue
        shown = [s for s in partner["sections"] if s["status"] != "unchanged"]
        changed_outside = [s for s in partner["outside"] if s["status"] != "unchanged"]
        if not shown and not changed_outside:
            continue
        lines += ["", f"## {partner['code']} {_md(partner['name'] or '')}"]
        for area, sections in by_area(shown):
            lines += ["", f"### {_md(area)}" if area else "### (no area)", ""]
            for section in sections:
                _section(section, lines)
        if changed_outside:
            count = sum(len(visible_changes(s)) for s in changed_outside)
            why = changed_outside[0]["attribution"]["summary"] if changed_outside[0]["attribution"] else ""
            lines += ["", f"*Outside tracked sections: {count} change(s)" + (f" ({_md(why)})" if why else "") + ".*"]
    if not payload["has_changes"]:
        lines += ["", "No section changed."]
    return "\n".join(lines) + "\n"


__all__ = ["render_markdown"]
