"""A comparison as every report sees it: typed views computed once, and the one iterator of diff operations.

:func:`comparison_view` turns a :class:`~strategy_builder.review.compare.Comparison` into views (sides,
partners, sections grouped by area, changes with their word operations). The JSON report is their
:meth:`ComparisonView.as_json`; the terminal, Markdown and HTML reports draw the same views, and show a
change's words through :meth:`ChangeView.pieces`, so that no report can disagree with another.
"""

# No ``from __future__ import annotations`` here, unlike elsewhere: this module's seven NamedTuples have 59
# fields, and a NamedTuple compiles each annotation that is a string (a ForwardRef) as its class is made.
# Evaluated annotations are read as they are: 0.5 % of the instructions of a whole ``diff`` (callgrind).
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from strategy_builder.models.areas import AREA_TITLES
from strategy_builder.models.section_changes import CHANGE_STATUSES
from strategy_builder.review.change_list import Change
from strategy_builder.review.compare import Comparison, MetaChange, PartnerDiff, Side
from strategy_builder.review.diff import SectionDiff
from strategy_builder.review.not_compared import NotCompared

if TYPE_CHECKING:  # only two builds have attributions (and their inputs to read): imported by them
    from strategy_builder.review.attribution import Attribution

SCHEMA = "strategy-builder-diff"
SCHEMA_VERSION = 2
SECTION_STATUSES = CHANGE_STATUSES
PARTNER_STATUSES = ("added", "removed", "changed", "unchanged")
SHORT_VALUE = 60
"""Input values up to this length are quoted in "why" lines; longer ones (prose) show once, as a word diff."""

PieceKind = Literal["equal", "insert", "delete"]


class Piece(NamedTuple):
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


class ChangeView(NamedTuple):
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


class SectionView(NamedTuple):
    """One section of one partner's comparison."""

    key: str
    id: str | None
    old_id: str | None
    """The ID on the old side (another one after a move to another area)."""
    kind: str
    title: str
    old_title: str | None
    retitled: bool
    area: str | None
    area_title: str | None
    old_area: str | None
    old_area_title: str | None
    status: str
    moved: bool
    edited: bool
    old_number: str | None
    new_number: str | None
    old_position: int | None
    new_position: int | None
    changes: tuple[ChangeView, ...]
    attribution: "Attribution | None"

    @property
    def visible_changes(self) -> list[ChangeView]:
        """The changes a reader needs to see: not whitespace-only ones, not pure renumbering."""
        return [c for c in self.changes if c.visible]

    @property
    def status_line(self) -> str:
        """``moved (5.3 → 6.4) from Integration of legally residing migrants to Migration, mobility and
        development, edited``: the status with what
        a reader wants to know next to it (a renumbered section: ``renumbered (2.3 → 2.2)``)."""
        text = self.status
        if self.status in ("moved", "renumbered", "changed") and self.old_number and self.new_number \
                and self.old_number != self.new_number:
            text += f" ({self.old_number} → {self.new_number})"
        if self.status == "moved" and self.old_area != self.area and self.old_area_title:
            text += f" from {self.old_area_title}" + (f" to {self.area_title}" if self.area_title else "")
        if self.status == "moved" and self.edited:
            text += ", edited"
        return text

    @property
    def shown_changes(self) -> list[ChangeView]:
        """The changes a report lists under the section: none for an added or removed one (its title says
        it; the HTML page shows its text), the visible ones otherwise."""
        return [] if self.status in ("added", "removed", "unchanged") else self.visible_changes

    @property
    def hidden_changes(self) -> int:
        """Changes of spacing or of the section's own number only, which reports count but do not show."""
        return 0 if self.status in ("added", "removed") else len(self.changes) - len(self.visible_changes)

    @property
    def why(self) -> list[str]:
        """The evidence of the change, one line each: an input field (file:line, path; a short value quoted,
        while prose is shown once, as the word diff of the section's text), or the attribution's summary."""
        found = self.attribution
        if found is None:
            return []
        if not found.fields:
            return [found.summary]
        lines = []
        for item in found.fields:
            line = f"{item.file}:{item.line}" if item.line else item.file
            line += f" {item.path} {item.change}"
            old, new = _short(item.old), _short(item.new)
            if item.change == "changed" and old is not None and new is not None:
                line += f": “{old}” → “{new}”"
            lines.append(line)
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key, "id": self.id, "old_id": self.old_id, "kind": self.kind, "title": self.title,
            "old_title": self.old_title, "retitled": self.retitled, "area": self.area, "area_title": self.area_title,
            "old_area": self.old_area, "old_area_title": self.old_area_title, "status": self.status,
            "moved": self.moved, "edited": self.edited, "old_number": self.old_number,
            "new_number": self.new_number, "old_position": self.old_position, "new_position": self.new_position,
            "changes": [c.as_json() for c in self.changes], "attribution": _attribution_json(self.attribution),
        }


GENERAL_SECTIONS = "General sections"
"""The title of a group of sections outside the five areas (the migration situation, the key figures)."""


class AreaGroup(NamedTuple):
    """Consecutive sections of one area, or of none (``area`` ``None``, titled :data:`GENERAL_SECTIONS`)."""

    area: str | None
    title: str
    sections: tuple[SectionView, ...]


def by_area(sections: tuple[SectionView, ...] | list[SectionView]) -> list[AreaGroup]:
    """Sections grouped by area, in document order (sections without an area form their own groups: the
    situation before the areas, the key figures after them)."""
    groups: list[tuple[str | None, list[SectionView]]] = []
    for section in sections:
        if groups and groups[-1][0] == section.area_title:
            groups[-1][1].append(section)
        else:
            groups.append((section.area_title, [section]))
    return [AreaGroup(items[0].area if title else None, title or GENERAL_SECTIONS, tuple(items))
            for title, items in groups]


class PartnerView(NamedTuple):
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
    """Content outside tracked sections (cover, changes table, headers and footers), reported apart."""
    not_compared: tuple[NotCompared, ...] = ()
    """What the diff does not compare (charts, SmartArt, embedded objects, drawings) and found to differ."""
    comments: tuple[int, int] = (0, 0)
    """The number of comments of the old and the new document (not part of the diff)."""

    @property
    def not_compared_lines(self) -> list[str]:
        """``chart 2 (in 4.2 Seasonal work): changed``, one per item."""
        return [f"{item.name} (in {item.where}): {item.change}" for item in self.not_compared]

    @property
    def comments_line(self) -> str | None:
        """``comments: 2 → 5 (not part of the diff)`` when either document has comments."""
        if not any(self.comments):
            return None
        return f"comments: {self.comments[0]} → {self.comments[1]} (not part of the diff)"

    @property
    def label(self) -> str:
        return f"{self.code} {self.name or ''}".strip()

    def areas(self, *, show_unchanged: bool = True) -> list[AreaGroup]:
        """The sections grouped by area; without ``show_unchanged`` only the sections that changed."""
        return by_area([s for s in self.sections if show_unchanged or s.status != "unchanged"])

    @property
    def changed_outside(self) -> list[SectionView]:
        return [s for s in self.outside if s.status != "unchanged"]

    @property
    def unchanged_sections(self) -> int:
        return self.counts.get("unchanged", 0)

    @property
    def counts_text(self) -> str:
        """``1 added, 3 moved, 4 renumbered``: the section statuses other than unchanged that occur."""
        return ", ".join(f"{self.counts[s]} {s}" for s in SECTION_STATUSES if s != "unchanged" and self.counts.get(s))

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "status": self.status, "old_file": self.old_file,
                "new_file": self.new_file, "tracked": self.tracked, "counts": self.counts,
                "outside_changed": self.outside_changed, "sections": [s.as_json() for s in self.sections],
                "outside": [s.as_json() for s in self.outside],
                "not_compared": [{"kind": n.kind, "name": n.name, "where": n.where, "change": n.change}
                                 for n in self.not_compared],
                "comments": {"old": self.comments[0], "new": self.comments[1]}}


class SideView(NamedTuple):
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


class ComparisonView(NamedTuple):
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

    @property
    def builds(self) -> bool:
        """Whether both sides are numbered builds (drafts or overviews with a manifest)."""
        return self.old.draft is not None and self.new.draft is not None

    def _shown(self, partner: PartnerView) -> bool:
        # Between two builds, text outside tracked sections is written for each draft: one line for all.
        return partner.status != "unchanged" or (not self.builds and partner.outside_changed)

    @property
    def changed_partners(self) -> list[PartnerView]:
        """The partners a report shows in detail: changed, added or removed (or, unless both sides are
        builds, changed outside tracked sections)."""
        return [p for p in self.partners if self._shown(p)]

    @property
    def unchanged_partners(self) -> list[str]:
        """``AZ Azerbaijan``... of the partners without changes: one line in every report."""
        return [p.label for p in self.partners if not self._shown(p)]

    @property
    def unchanged_comments(self) -> str | None:
        """One line with the comments of the partners not shown in detail, when any document has comments:
        ``Comments (not part of the diff): AM Armenia 0 → 3.`` (a changed partner shows its own line)."""
        counts = [f"{p.label} {p.comments[0]} → {p.comments[1]}" for p in self.partners
                  if not self._shown(p) and any(p.comments)]
        return f"Comments (not part of the diff): {', '.join(counts)}." if counts else None

    @property
    def headline(self) -> str:
        """What changed, in one sentence: ``1 of 12 partners changed. AM Armenia: 1 added, 4 renumbered.``"""
        if not self.has_changes:
            return "No differences."
        parts = [f"{p.label}: {_partner_summary(p)}" for p in self.changed_partners]
        text = "; ".join(parts) + "." if parts else "No section changed."
        if len(self.partners) > 1:
            changed = sum(self.partner_counts[s] for s in ("added", "removed", "changed"))
            text = f"{changed} of {len(self.partners)} partners changed. " + text
        return text

    @property
    def draft_text(self) -> str | None:
        """The one line about the text a build writes into every draft (cover, draft number, changes table)
        when it differs between two builds; ``None`` otherwise (other comparisons show it per partner)."""
        changed = [p for p in self.partners if p.outside_changed]
        if not self.builds or not changed:
            return None
        where = sorted({s.title for p in changed for s in p.changed_outside})
        count = (f"all {len(changed)} documents" if len(changed) == len(self.partners) and len(changed) > 1
                 else ", ".join(p.code for p in changed))
        return (f"Text written for each draft (cover, draft number, changes table) differs in {count}, as in every "
                f"new draft ({'; '.join(where)}).")

    def as_json(self) -> dict[str, Any]:
        """The documented JSON form (schema ``strategy-builder-diff``, version 2; docs/diff.md)."""
        return {
            "schema": SCHEMA,
            "schema_version": SCHEMA_VERSION,
            "old": self.old.as_json(),
            "new": self.new.as_json(),
            "has_changes": self.has_changes,
            "summary": {"partners": self.partner_counts, "sections": self.section_counts,
                        "outside_changed": self.outside_changed,
                        "not_compared": sum(len(p.not_compared) for p in self.partners)},
            "metadata": [{"field": m.field, "old": m.old, "new": m.new} for m in self.metadata],
            "partners": [p.as_json() for p in self.partners],
        }


# ------------------------------------------------------------------------------------------ building


def _attribution_json(found: "Attribution | None") -> dict[str, Any] | None:
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


def _partner_summary(partner: PartnerView) -> str:
    pieces = [partner.counts_text] if partner.counts_text else []
    if partner.not_compared:
        pieces.append(f"{len(partner.not_compared)} not compared")
    if partner.changed_outside and not pieces:
        pieces.append("changed outside tracked sections")
    return ", ".join(pieces) or partner.status


def _short(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value)
    return text if len(text) <= SHORT_VALUE and "\n" not in text else None


def _area_title(area: str | None, titles: dict[str, str]) -> str | None:
    if area is None:
        return None
    return titles.get(area) or AREA_TITLES.get(area) or area


def _section(section: SectionDiff, titles: dict[str, str]) -> SectionView:
    return SectionView(
        key=section.key, id=section.section_id, old_id=section.old_id, kind=section.kind, title=section.title,
        old_title=section.old_title, retitled=section.retitled, area=section.area,
        area_title=_area_title(section.area, titles), old_area=section.old_area,
        old_area_title=_area_title(section.old_area, titles), status=section.status, moved=section.moved,
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
    counts: dict[str, int] = {status: sum(1 for s in sections if s.status == status) for status in SECTION_STATUSES}
    return PartnerView(partner.code, partner.name, partner.status,
                       str(partner.old_file) if partner.old_file else None,
                       str(partner.new_file) if partner.new_file else None, tracked, counts,
                       bool(partner.diff and partner.diff.outside_changed), tuple(sections), tuple(outside),
                       tuple(partner.diff.not_compared) if partner.diff else (),
                       partner.diff.comments if partner.diff else (0, 0))


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
           "SECTION_STATUSES", "SectionView", "SideView", "by_area", "comparison_view", "one_line"]
