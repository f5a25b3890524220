"""``consolidate``: several ministries' returns of one partner's draft merged into one .docx.

Each return is read as the circulated draft plus that ministry's edits (:mod:`strategy_builder.ooxml.edits`),
once it is checked to answer that draft and named by its ministry
(:mod:`strategy_builder.review.consolidation_inputs`). Every edit and comment is placed on the draft's
paragraph it belongs to, and where two ministries' edits overlap the first ministry's change is kept
(:mod:`strategy_builder.review.consolidation_plan`); this module writes the plan into the circulated draft,
with a comment written by strategy-builder at each clash naming the other ministry and its wording, and
reports what it did (:mod:`strategy_builder.review.consolidation_results`).

Every tracked change and comment keeps its author and date; its author becomes ``Author (Ministry)``, and
the file lists its ministries (:class:`strategy_builder.ooxml.stamps.Consolidation`), so readers of the
merged file split it back into the ministries' items (:func:`strategy_builder.review.returns.read_returned`).

Invariants (tests/review/test_consolidate.py): rejecting every change of the merged file gives the circulated
draft; accepting one ministry's changes and rejecting the others gives that ministry's return wherever it
has no clash; the tracked sections are those of the draft.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from strategy_builder.errors import Finding, Findings, InputProblems, Location
from strategy_builder.files import name_text
from strategy_builder.layout import ProjectLayout, language_document, refuse_output, write_atomic
from strategy_builder.ooxml.annotations import read_annotations
from strategy_builder.ooxml.comments import MergedComment, comment_elements, write_comments
from strategy_builder.ooxml.edits import ReviewedBody, Token, paragraph_places, read_reviewed_body
from strategy_builder.ooxml.merge import AuthorLabel, BodyWriter, ParagraphPlan, Placed, circulated_copy
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.stamps import CONSOLIDATION_AUTHOR, Consolidation, author_label, write_consolidation
from strategy_builder.review.consolidation_inputs import OpenedReturn, check_same_draft, name_ministries, open_returns
from strategy_builder.review.consolidation_plan import (
    ClashResolver, ParagraphTarget, PlacedToken, align_return, place_edits,
)
from strategy_builder.review.consolidation_results import ConsolidationResult, Difference, ReturnSummary
from strategy_builder.review.returns import RETURN_LIMITS


def consolidate(paths: list[Path], output: Path, *, project_dir: Path | None = None,
                ministries: dict[str, str] | None = None) -> ConsolidationResult:
    """Merge the returns ``paths`` of one partner's draft into ``output`` (written atomically).

    ``ministries`` maps a file (path, name or stem) to its ministry. Raises :class:`InputProblems` naming every
    file that cannot be merged (unreadable, not a draft, another partner or draft, two files of one ministry).
    An ``output`` inside a published folder or ``inputs/`` is refused (exit 2) before anything is read.
    """
    refuse_output(output, "the consolidated return")
    if not paths:
        raise InputProblems(Findings([Finding(Location("consolidate"), "consolidate.no-files", "no returns given")]))
    returns = open_returns(paths)
    partner, draft, language = check_same_draft(returns)
    name_ministries(returns, ministries or {})
    base_package, base_name = _base(returns, project_dir, partner, draft, language)
    base = read_reviewed_body(base_package)
    places = paragraph_places(base_package, base)
    result = ConsolidationResult(output, partner, draft, base_name)
    for returned in returns:
        returned.body = read_reviewed_body(returned.package)
        align_return(base, returned, result.differences)
        for what, where, who in returned.body.unmerged:
            result.differences.append(Difference(returned.ministry, f"{what} by {who.author or 'no author'} "
                                                                    "(not merged)", where))
    targets = place_edits(base, returns)
    merge = ClashResolver(base, places, returns)
    for index, target in enumerate(targets):
        merge.resolve(index, target)
    labels = [r.ministry for r in returns]

    def label(source: int, author: str) -> str:
        return author_label(author, labels[source])

    comments, comment_ids = _comments(returns, label)
    writer = BodyWriter(base_package, label)
    conflict_ids: dict[int, list[tuple[str, PlacedToken, PlacedToken]]] = {}
    for conflict in merge.conflict_comments:
        comment_id = str(len(comments))
        comments.append(MergedComment(comment_id, CONSOLIDATION_AUTHOR, conflict.date, "SB", text=conflict.text))
        conflict_ids.setdefault(conflict.paragraph, []).append((comment_id, conflict.first, conflict.last))
    anchored = _write_paragraphs(base, targets, writer, comment_ids, conflict_ids)
    _unanchored(returns, comment_ids, anchored, base, writer)
    write_comments(base_package, comments)
    writer.finish()
    write_consolidation(base_package, Consolidation(
        ministries=tuple(labels), files=tuple(name_text(r.path.name) for r in returns), dropped=tuple(merge.dropped)))
    write_atomic(output, base_package.to_bytes())
    for problem in writer.problems:
        result.differences.append(Difference("", problem, "body"))
    comment_count = Counter(source for source, _ in comment_ids)
    for returned in returns:
        # Changes as a reader of returns counts them (adjacent pieces of one edit are one change).
        dropped = sum(1 for d in merge.dropped if d.ministry == returned.ministry)
        changes = len(read_annotations(returned.package).changes)
        result.returns.append(ReturnSummary(returned.path, returned.ministry, comment_count[returned.index],
                                            changes - dropped, dropped))
    result.clashes = merge.clashes
    return result


def _base(returns: list[OpenedReturn], project_dir: Path | None, partner: str, draft: str,
          language: str) -> tuple[DocxPackage, str]:
    """The circulated draft (of the returns' language version) from the project, else the first return with
    its changes rejected."""
    if project_dir is not None:
        layout = ProjectLayout.of(project_dir)
        path = layout.folder_of_label(draft) / language_document(partner, language or None)
        if path.is_file():
            return DocxPackage.open(path), layout.display_name(path)
    first = returns[0]
    return circulated_copy(DocxPackage.open(first.path, RETURN_LIMITS)), \
        f"{first.path.name} with its changes rejected (draft {draft} of {partner} is not in the project)"


def _comments(returns: list[OpenedReturn],
              label: AuthorLabel) -> tuple[list[MergedComment], dict[tuple[int, str], str]]:
    """Every comment of every return, renumbered: (the merged comments, (return, file id) -> merged id)."""
    comments: list[MergedComment] = []
    ids: dict[tuple[int, str], str] = {}
    for returned in returns:
        annotations = read_annotations(returned.package)
        elements = comment_elements(returned.package)
        for comment in annotations.comments:
            ids[(returned.index, comment.comment_id)] = str(len(comments))
            comments.append(MergedComment(
                str(len(comments)), label(returned.index, comment.author), comment.date,
                comment.initials, element=elements.get(comment.comment_id),
                parent_id=ids.get((returned.index, comment.parent_id)) if comment.parent_id else None,
                done=comment.resolved, account=comment.author_account))
    return comments, ids


def _write_paragraphs(base: ReviewedBody, targets: list[ParagraphTarget], writer: BodyWriter,
                      comment_ids: dict[tuple[int, str], str],
                      conflict_ids: dict[int, list[tuple[str, PlacedToken, PlacedToken]]]) -> set[str]:
    """Write every base paragraph's plan; returns the merged ids of the comments that found an anchor."""
    anchored: set[str] = set()
    for index, (original, target) in enumerate(zip(base.paragraphs, targets, strict=True)):
        items = list(target.items)
        for comment_id, first, last in conflict_ids.get(index, []):
            # In the kept ministry's stream, just around its change, so that the comment covers it.
            start = Token("start", first.start, first.start, comment=comment_id)
            end = Token("end", last.end, last.end, comment=comment_id)
            reference = Token("reference", last.end, last.end, comment=comment_id)
            items.append(PlacedToken(first.source, start, first.start, first.start, first.order - 0.5, True))
            items.append(PlacedToken(last.source, end, last.end, last.end, last.order + 0.25, True))
            items.append(PlacedToken(last.source, reference, last.end, last.end, last.order + 0.5, True))
        points = []
        for item in _ordered_points(items):
            comment_id = ""
            if item.token.kind in ("start", "end", "reference"):
                comment_id = item.token.comment if item.synthetic else \
                    comment_ids.get((item.source, item.token.comment), "")
                if not comment_id:
                    continue
                anchored.add(comment_id)
            points.append(Placed(item.source, item.token, item.start, item.end, comment_id))
        ranges = [Placed(i.source, i.token, i.start, i.end) for i in items if not i.token.is_point]
        plan = ParagraphPlan(
            original.elements[0], ranges, points,
            mark_deleted=target.mark_deleted[0] if target.mark_deleted else None,
            paragraph_format=target.paragraph_format[0] if target.paragraph_format else None,
            row_deleted=target.row_deleted[0] if target.row_deleted else None,
            rows_after=list(target.rows_after))
        if ranges or points or plan.mark_deleted or plan.paragraph_format or plan.row_deleted or plan.rows_after:
            writer.write(plan)
    return anchored


def _ordered_points(items: list[PlacedToken]) -> list[PlacedToken]:
    """Point items by offset; at one offset: comment ranges that end there, then every return's insertions
    (in file order), then ranges that start there."""
    points = [i for i in items if i.token.is_point]

    def category(item: PlacedToken, group: list[PlacedToken]) -> int:
        own = [g for g in group if g.source == item.source]
        edits = [g for g in own if g.token.kind in ("insert", "break")]
        if item.token.kind in ("insert", "break") or not edits:
            return {"end": 0, "reference": 0, "start": 2}.get(item.token.kind, 1)
        first_edit, last_edit = min(e.order for e in edits), max(e.order for e in edits)
        if item.order < first_edit and item.token.kind in ("end", "reference"):
            return 0
        if item.order > last_edit and item.token.kind == "start":
            return 2
        return 1

    by_offset: dict[int, list[PlacedToken]] = {}
    for item in points:
        by_offset.setdefault(item.start, []).append(item)
    ordered = []
    for offset in sorted(by_offset):
        group = by_offset[offset]
        ordered.extend(sorted(group, key=lambda i: (category(i, group), i.source, i.order)))
    return ordered


def _unanchored(returns: list[OpenedReturn], comment_ids: dict[tuple[int, str], str], anchored: set[str],
                base: ReviewedBody, writer: BodyWriter) -> None:
    """Comments whose anchor is not in a merged paragraph (in a footnote, in text added without tracking, or
    nowhere): anchored at the start of the paragraph they belong to, else of the document."""
    if not base.paragraphs:
        return
    for returned in returns:
        assert returned.body is not None
        home: dict[str, int] = dict(returned.body.note_comments)
        for index, original in enumerate(returned.body.paragraphs):
            for token in original.tokens:
                if token.kind in ("start", "reference"):
                    home.setdefault(token.comment, index)
        for (source, file_id), comment_id in comment_ids.items():
            if source != returned.index or comment_id in anchored:
                continue
            own = home.get(file_id)
            mapped = [j for j in returned.mapping if own is not None and j <= own]
            base_index = returned.mapping[max(mapped)][0] if mapped else 0
            element = base.paragraphs[base_index].elements[-1]
            start = Token("start", 0, 0, comment=comment_id)
            end = Token("end", 0, 0, comment=comment_id)
            reference = Token("reference", 0, 0, comment=comment_id)
            writer.write(ParagraphPlan(element, [], [Placed(source, start, 0, 0, comment_id),
                                                     Placed(source, end, 0, 0, comment_id),
                                                     Placed(source, reference, 0, 0, comment_id)]))


__all__ = ["consolidate"]
