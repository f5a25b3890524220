"""The diff as data: the stable JSON schema (documented in docs/diff.md) that every report renders.

The terminal, Markdown and HTML reports are all drawn from :func:`comparison_payload`, so that they
cannot disagree with each other or with ``--format json``. Bump ``SCHEMA_VERSION`` on any incompatible
change of the shape; adding fields is compatible.
"""

from __future__ import annotations

import json
import re
from typing import Any

from strategy_builder.models.inputs import AREA_TITLES
from strategy_builder.review.compare import Comparison, PartnerDiff, Side
from strategy_builder.review.diff import Change, SectionDiff

SCHEMA = "strategy-builder-diff"
SCHEMA_VERSION = 1
SECTION_STATUSES = ("added", "removed", "moved", "changed", "unchanged")
_NUMBER = re.compile(r"^\s*(?:\d+|[A-Z])(?:\.\d+)*\.?\s+")


def _side(side: Side) -> dict[str, Any]:
    manifest = side.manifest
    return {
        "label": side.label, "kind": side.kind, "path": str(side.path),
        "draft": manifest.draft if manifest else None,
        "tool_version": manifest.tool_version if manifest else None,
        "template_sha256": manifest.template_sha256 if manifest else None,
        "issued": manifest.issued if manifest else None,
    }


def _change(change: Change) -> dict[str, Any]:
    return {"kind": change.kind, "location": change.location, "old_text": change.old_text,
            "new_text": change.new_text, "ops": [{"op": op, "text": text} for op, text in change.ops],
            "whitespace_only": change.whitespace_only, "renumbered": change.renumbered}


def _attribution(section: SectionDiff) -> dict[str, Any] | None:
    found = section.attribution
    if found is None:
        return None
    return {"cause": found.cause, "summary": found.summary, "source_file": found.source_file,
            "source_line": found.source_line,
            "fields": [{"path": f.path, "change": f.change, "old": f.old, "new": f.new, "file": f.file,
                        "line": f.line} for f in found.fields]}


def _area_title(section: SectionDiff, titles: dict[str, str]) -> str | None:
    if section.area is None:
        return None
    return titles.get(section.area) or AREA_TITLES.get(section.area) or section.area  # type: ignore[call-overload]


def _bare_title(title: str | None) -> str:
    return " ".join(_NUMBER.sub("", title or "", count=1).split())


def _section(section: SectionDiff, titles: dict[str, str]) -> dict[str, Any]:
    return {
        "key": section.key, "id": section.section_id, "kind": section.kind, "title": section.title,
        "old_title": section.old_title,
        "retitled": section.old_title is not None and _bare_title(section.old_title) != _bare_title(section.title),
        "area": section.area, "area_title": _area_title(section, titles),
        "status": section.status, "moved": section.moved, "edited": section.edited,
        "old_number": section.old_number, "new_number": section.new_number,
        "old_position": section.old_position, "new_position": section.new_position,
        "changes": [_change(c) for c in section.changes], "attribution": _attribution(section),
    }


def _partner(partner: PartnerDiff) -> dict[str, Any]:
    sections: list[dict[str, Any]] = []
    outside: list[dict[str, Any]] = []
    tracked = False
    if partner.diff is not None:
        tracked = partner.diff.old.tracked and partner.diff.new.tracked
        # Area titles as the document prints them (without the chapter number).
        titles = {s.area: s.title.split("\t")[-1].strip() for s in partner.diff.sections
                  if s.area and s.section_id and s.section_id.count("/") == 1}
        for section in partner.diff.sections:
            target = outside if tracked and section.kind == "outside" else sections
            target.append(_section(section, titles))
    counts = {status: sum(1 for s in sections if s["status"] == status) for status in SECTION_STATUSES}
    return {
        "code": partner.code, "name": partner.name, "status": partner.status,
        "old_file": str(partner.old_file) if partner.old_file else None,
        "new_file": str(partner.new_file) if partner.new_file else None,
        "tracked": tracked, "counts": counts,
        "outside_changed": bool(partner.diff and partner.diff.outside_changed),
        "sections": sections, "outside": outside,
    }


def comparison_payload(comparison: Comparison) -> dict[str, Any]:
    """The documented JSON form of a comparison (schema ``strategy-builder-diff``, version 1)."""
    partners = [_partner(p) for p in comparison.partners]
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "old": _side(comparison.old),
        "new": _side(comparison.new),
        "has_changes": comparison.has_changes,
        "summary": {
            "partners": {status: sum(1 for p in partners if p["status"] == status)
                         for status in ("added", "removed", "changed", "unchanged")},
            "sections": {status: sum(p["counts"][status] for p in partners) for status in SECTION_STATUSES},
            "outside_changed": sum(1 for p in partners if p["outside_changed"]),
        },
        "metadata": [{"field": m.field, "old": m.old, "new": m.new} for m in comparison.metadata],
        "partners": partners,
    }


def render_json(comparison: Comparison) -> str:
    """The payload as indented JSON text."""
    return json.dumps(comparison_payload(comparison), indent=2, ensure_ascii=False, default=str) + "\n"


# ----------------------------------------------------------------------------------- shared helpers


def by_area(sections: list[dict[str, Any]]) -> list[tuple[str | None, list[dict[str, Any]]]]:
    """Sections grouped by area, in document order (sections without an area form their own groups)."""
    groups: list[tuple[str | None, list[dict[str, Any]]]] = []
    for section in sections:
        title = section["area_title"]
        if groups and groups[-1][0] == title:
            groups[-1][1].append(section)
        else:
            groups.append((title, [section]))
    return groups


def trimmed_ops(ops: list[dict[str, str]], context: int = 40) -> list[tuple[str, str]]:
    """Word operations with long unchanged stretches shortened to ``context`` characters around changes."""
    result = []
    for index, item in enumerate(ops):
        op, text = item["op"], item["text"]
        if op == "equal" and len(text) > 2 * context + 1:
            first, last = index == 0, index == len(ops) - 1
            if first:
                text = "…" + text[-context:]
            elif last:
                text = text[:context] + "…"
            else:
                text = text[:context] + " … " + text[-context:]
        result.append((op, text))
    return result


def one_line(text: str, limit: int = 160) -> str:
    """Text on one line (tabs and breaks as spaces), cut at ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def visible_changes(section: dict[str, Any]) -> list[dict[str, Any]]:
    """The changes a reader needs to see: not whitespace-only ones, not pure renumbering."""
    return [c for c in section["changes"] if not c["whitespace_only"] and not c["renumbered"]]


def status_line(section: dict[str, Any]) -> str:
    """``moved (4.2 → 4.1), edited``: the status with what a reader wants to know next to it."""
    text = section["status"]
    if section["moved"] and section["old_number"] and section["new_number"] \
            and section["old_number"] != section["new_number"]:
        text += f" ({section['old_number']} → {section['new_number']})"
    if section["status"] == "moved" and section["edited"]:
        text += ", edited"
    return text


__all__ = ["SCHEMA", "SCHEMA_VERSION", "by_area", "comparison_payload", "one_line", "render_json", "status_line",
           "trimmed_ops", "visible_changes"]
