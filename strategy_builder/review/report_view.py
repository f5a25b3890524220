"""A comparison as every report sees it: typed views computed once, and the one iterator of diff operations.

:func:`comparison_view` turns a :class:`~strategy_builder.review.compare.Comparison` into views (sides,
partners, sections grouped by area, changes with their word operations). The JSON report is their
:meth:`ComparisonView.as_json`; the terminal, Markdown and HTML reports draw the same views, and show a
change's words through :meth:`ChangeView.pieces`, so that no report can disagree with another.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from strategy_builder.models.inputs import AREA_TITLES
from strategy_builder.review.attribution import Attribution
from strategy_builder.review.compare import Comparison, MetaChange, PartnerDiff, Side
from strategy_builder.review.diff import Change, SectionDiff

SCHEMA = "strategy-builder-diff"
SCHEMA_VERSION = 1
SECTION_STATUSES = ("added", "removed", "moved", "changed", "unchanged")
PARTNER_STATUSES = ("added", "removed", "changed", "unchanged")
_NUMBER = re.compile(r"^\s*(?:\d+|[A-Z])(?:\.\d+)*\.?\s+")

PieceKind = Literal["equal", "insert", "delete"]


@dataclass(frozen=True, slots=True)
class Piece:
    """One diff operation as a report shows it: unchanged, inserted or deleted text."""

    op: PieceKind
    text: str


def one_line(text: str, limit: int = 160) -> str:
    """Text on one line (tabs and breaks as spaces), cut at ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def _trimmed(ops: tuple[Piece, ...], context: int) -> Iterator[Piece]:
    """``ops`` with long unchanged stretches shortened to ``context`` characters around changes."""
    for index, piece in enumerate(ops):
        text = piece.text
        if piece.op == "equal" and len(text) > 2 * context + 1:
            if index == 0:
                text = "…" + text[-context:]
            elif index == len(ops) - 1:
                text = text[:context] + "…"
            else:
                text = text[:context] + " … " + text[-context:]
        yield Piece(piece.op, text)


@dataclass(frozen=True, slots=True)
class ChangeView:
    """One changed, inserted or deleted paragraph, table row or table."""

    kind: Literal["changed", "inserted", "deleted"]
    location: str
    old_text: str
    new_text: str
    ops: tuple[Piece, ...]
    whitespace_only: bool
    renumbered: bool

    @property
    def visible(self) -> bool:
        """Whether a reader needs to see it: not whitespace only, not pure renumbering."""
        return not self.whitespace_only and not self.renumbered

    def pieces(self, *, short: bool = False) -> Iterator[Piece]:
        """The change as diff operations, the one way every report walks it.

        An inserted or deleted block is one piece; a changed paragraph its word operations. ``short``
        (for terminals and Markdown) puts an inserted or deleted block on one line and shortens long
        unchanged stretches to their ends around the changes.
        """
        if self.kind == "inserted":
            yield Piece("insert", one_line(self.new_text) if short else self.new_text)
        elif self.kind == "deleted":
            yield Piece("delete", one_line(self.old_text) if short else self.old_text)
        else:
            yield from _trimmed(self.ops, 40) if short else self.ops

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "location": self.location, "old_text": self.old_text, "new_text": self.new_text,
                "ops": [{"op": p.op, "text": p.text} for p in self.ops], "whitespace_only": self.whitespace_only,
                "renumbered": self.renumbered}


@dataclass(frozen=True, slots=True)
class SectionView:
    """One section of one partner's comparison."""

    key: str
    id: str | None
    kind: str
    title: str
    old_title: str | None
    retitled: bool
    area: str | None
    area_title: str | None
    status: str
    moved: bool
    edited: bool
    old_number: str | None
    new_number: str | None
    old_position: int | None
    new_position: int | None
    changes: tuple[ChangeView, ...]
    attribution: Attribution | None

    @property
    def visible_changes(self) -> list[ChangeView]:
        """The changes a reader needs to see: not whitespace-only ones, not pure renumbering."""
        return [c for c in self.changes if c.visible]

    @property
    def status_line(self) -> str:
        """``moved (4.2 → 4.1), edited``: the status with what a reader wants to know next to it."""
        text = self.status
        if self.moved and self.old_number and self.new_number and self.old_number != self.new_number:
            text += f" ({self.old_number} → {self.new_number})"
        if self.status == "moved" and self.edited:
            text += ", edited"
        return text

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key, "id": self.id, "kind": self.kind, "title": self.title, "old_title": self.old_title,
            "retitled": self.retitled, "area": self.area, "area_title": self.area_title, "status": self.status,
            "moved": self.moved, "edited": self.edited, "old_number": self.old_number,
            "new_number": self.new_number, "old_position": self.old_position, "new_position": self.new_position,
            "changes": [c.as_json() for c in self.changes], "attribution": _attribution_json(self.attribution),
        }


@dataclass(frozen=True, slots=True)
class AreaGroup:
    """Consecutive sections of one area (``title`` ``None``: sections without an area)."""

    title: str | None
    sections: tuple[SectionView, ...]


def by_area(sections: tuple[SectionView, ...] | list[SectionView]) -> list[AreaGroup]:
    """Sections grouped by area, in document order (sections without an area form their own groups)."""
    groups: list[tuple[str | None, list[SectionView]]] = []
    for section in sections:
        if groups and groups[-1][0] == section.area_title:
            groups[-1][1].append(section)
        else:
            groups.append((section.area_title, [section]))
    return [AreaGroup(title, tuple(items)) for title, items in groups]


@dataclass(frozen=True, slots=True)
class PartnerView:
    """One partner's documents compared."""

    code: str
    name: str | None
    status: str
    old_file: str | None
    new_file: str | None
    tracked: bool
    counts: dict[str, int]
    outside_changed: bool
    sections: tuple[SectionView, ...]
    """The sections a partner's inputs produce (or all sections, for documents without tracked ones)."""
    outside: tuple[SectionView, ...]
    """Content outside tracked sections (cover, changes table), reported apart."""

    @property
    def label(self) -> str:
        return f"{self.code} {self.name or ''}".strip()

    def areas(self, *, show_unchanged: bool = True) -> list[AreaGroup]:
        """The sections grouped by area; without ``show_unchanged`` only the sections that changed."""
        return by_area([s for s in self.sections if show_unchanged or s.status != "unchanged"])

    @property
    def changed_outside(self) -> list[SectionView]:
        return [s for s in self.outside if s.status != "unchanged"]

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "status": self.status, "old_file": self.old_file,
                "new_file": self.new_file, "tracked": self.tracked, "counts": self.counts,
                "outside_changed": self.outside_changed, "sections": [s.as_json() for s in self.sections],
                "outside": [s.as_json() for s in self.outside]}


@dataclass(frozen=True, slots=True)
class SideView:
    """One side of the comparison: a draft or a file."""

    label: str
    kind: str
    path: str
    draft: int | None
    tool_version: str | None
    template_sha256: str | None
    issued: str | None

    def as_json(self) -> dict[str, Any]:
        return {"label": self.label, "kind": self.kind, "path": self.path, "draft": self.draft,
                "tool_version": self.tool_version, "template_sha256": self.template_sha256, "issued": self.issued}


@dataclass(frozen=True, slots=True)
class ComparisonView:
    """Everything the reports show of one comparison."""

    old: SideView
    new: SideView
    has_changes: bool
    partner_counts: dict[str, int]
    section_counts: dict[str, int]
    outside_changed: int
    """How many partners changed outside tracked sections."""
    metadata: tuple[MetaChange, ...]
    partners: tuple[PartnerView, ...]

    def as_json(self) -> dict[str, Any]:
        """The documented JSON form (schema ``strategy-builder-diff``, version 1; docs/diff.md)."""
        return {
            "schema": SCHEMA,
            "schema_version": SCHEMA_VERSION,
            "old": self.old.as_json(),
            "new": self.new.as_json(),
            "has_changes": self.has_changes,
            "summary": {"partners": self.partner_counts, "sections": self.section_counts,
                        "outside_changed": self.outside_changed},
            "metadata": [{"field": m.field, "old": m.old, "new": m.new} for m in self.metadata],
            "partners": [p.as_json() for p in self.partners],
        }


# ------------------------------------------------------------------------------------------ building


def _attribution_json(found: Attribution | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {"cause": found.cause, "summary": found.summary, "source_file": found.source_file,
            "source_line": found.source_line,
            "fields": [{"path": f.path, "change": f.change, "old": f.old, "new": f.new, "file": f.file,
                        "line": f.line} for f in found.fields]}


def _side(side: Side) -> SideView:
    manifest = side.manifest
    return SideView(side.label, side.kind, str(side.path), manifest.draft if manifest else None,
                    manifest.tool_version if manifest else None, manifest.template_sha256 if manifest else None,
                    manifest.issued if manifest else None)


def _change(change: Change) -> ChangeView:
    return ChangeView(change.kind, change.location, change.old_text, change.new_text,
                      tuple(Piece(op, text) for op, text in change.ops),
                      change.whitespace_only, change.renumbered)


def _bare_title(title: str | None) -> str:
    return " ".join(_NUMBER.sub("", title or "", count=1).split())


def _section(section: SectionDiff, titles: dict[str, str]) -> SectionView:
    area_title = None
    if section.area is not None:
        area_title = titles.get(section.area) or AREA_TITLES.get(section.area) or section.area
    return SectionView(
        key=section.key, id=section.section_id, kind=section.kind, title=section.title, old_title=section.old_title,
        retitled=section.old_title is not None and _bare_title(section.old_title) != _bare_title(section.title),
        area=section.area, area_title=area_title, status=section.status, moved=section.moved,
        edited=section.edited, old_number=section.old_number, new_number=section.new_number,
        old_position=section.old_position, new_position=section.new_position,
        changes=tuple(_change(c) for c in section.changes), attribution=section.attribution)


def _partner(partner: PartnerDiff) -> PartnerView:
    sections: list[SectionView] = []
    outside: list[SectionView] = []
    tracked = False
    if partner.diff is not None:
        tracked = partner.diff.old.tracked and partner.diff.new.tracked
        # Area titles as the document prints them (without the chapter number).
        titles = {s.area: s.title.split("\t")[-1].strip() for s in partner.diff.sections
                  if s.area and s.section_id and s.section_id.count("/") == 1}
        for section in partner.diff.sections:
            target = outside if tracked and section.kind == "outside" else sections
            target.append(_section(section, titles))
    counts = {status: sum(1 for s in sections if s.status == status) for status in SECTION_STATUSES}
    return PartnerView(partner.code, partner.name, partner.status,
                       str(partner.old_file) if partner.old_file else None,
                       str(partner.new_file) if partner.new_file else None, tracked, counts,
                       bool(partner.diff and partner.diff.outside_changed), tuple(sections), tuple(outside))


def comparison_view(comparison: Comparison) -> ComparisonView:
    """The views of ``comparison`` that every report draws."""
    partners = tuple(_partner(p) for p in comparison.partners)
    return ComparisonView(
        old=_side(comparison.old), new=_side(comparison.new), has_changes=comparison.has_changes,
        partner_counts={status: sum(1 for p in partners if p.status == status) for status in PARTNER_STATUSES},
        section_counts={status: sum(p.counts[status] for p in partners) for status in SECTION_STATUSES},
        outside_changed=sum(1 for p in partners if p.outside_changed),
        metadata=tuple(comparison.metadata), partners=partners)


__all__ = ["AreaGroup", "ChangeView", "ComparisonView", "PartnerView", "Piece", "SCHEMA", "SCHEMA_VERSION",
           "SectionView", "SideView", "by_area", "comparison_view", "one_line"]
