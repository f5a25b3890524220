"""Two reviewed documents' sections classified by the one classification of section changes.

Each section's status comes from :func:`strategy_builder.models.section_changes.classify_sections`, the
classification the build uses for a draft's changes table and manifest. For two builds the classification
compares the manifests' content hashes (and the words, for edits made outside the build); for any other
documents it compares each section's words without its own number, so that a section whose number changed
only because others moved is ``renumbered``. Sections are matched by ID (a priority that moved to another
area by its key), or by heading, a retitled heading by its content.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from strategy_builder.models.section_changes import SectionChange, SectionFacts, classify_sections, draft_section_facts
from strategy_builder.ooxml.blocks import Block
from strategy_builder.review.align import similarity, visible_key
from strategy_builder.review.review_document import ReviewDocument, SectionInfo, bare_title, number_pattern

if TYPE_CHECKING:  # two builds' manifests come from the caller
    from strategy_builder.models.manifest import ManifestSection


@lru_cache(maxsize=8192)
def _shown(key: tuple[object, ...]) -> str:
    """A block's :func:`visible_key` as text; remembered, since two drafts share most of their paragraphs."""
    return str(key)


def _fingerprint(blocks: list[Block], info: SectionInfo) -> str:
    """The section's words (whitespace collapsed) without its own number: equal when only the number changed.

    The text itself, not a hash of it: fingerprints are only compared with each other, in this process (a
    hash would cost loading OpenSSL's hashes, 3 ms of a diff, and hashing every section)."""
    text = "\n".join(_shown(visible_key(block)) for block in blocks)
    if info.number:
        text = number_pattern(info.number).sub("#", text)
    return text


def _document_facts(document: ReviewDocument, manifest: dict[str, ManifestSection] | None) -> list[SectionFacts]:
    """The facts of every tracked or heading section of ``document``; ``manifest`` (a build's sections by ID)
    adds the content hash of each section's inputs to what its words say."""
    facts = []
    blocks: dict[str, list[Block]] = {}  # each section's blocks over its segments (section_blocks, at once)
    for segment in document.segments:
        blocks.setdefault(segment.owner, []).extend(segment.blocks)
    for info in document.sections.values():
        if info.kind == "outside":
            continue
        words = _fingerprint(blocks.get(info.key, []), info)
        if info.kind == "tracked" and info.section_id:
            recorded = manifest.get(info.section_id) if manifest is not None else None
            if recorded is not None:
                facts.append(draft_section_facts(info.section_id, recorded.kind, recorded.title, recorded.number,
                                                 f"{recorded.content_hash}|{words}"))
            else:
                kind = "priority" if info.section_id.count("/") == 2 else ""
                facts.append(draft_section_facts(info.section_id, kind, bare_title(info.title), info.number, words))
        else:
            facts.append(SectionFacts(info.key, bare_title(info.title), info.number, words, None, None, info.area,
                                      "heading"))
    return facts


def _heading_pairs(old: ReviewDocument, new: ReviewDocument) -> dict[str, str]:
    """Old key -> new key of retitled headings whose content is mostly the same (Dice >= 0.5 on words),
    matched in order (documents without tracked sections)."""
    if old.tracked and new.tracked:
        return {}
    old_only = [k for k, s in old.sections.items() if k not in new.sections and s.kind == "heading"]
    new_only = [k for k, s in new.sections.items() if k not in old.sections and s.kind == "heading"]
    pairs: dict[str, str] = {}
    used: set[str] = set()
    for key in old_only:
        old_text = " ".join(b.text for b in old.section_blocks(key))
        best, best_score = None, 0.5
        for candidate in new_only:
            if candidate in used:
                continue
            score = similarity(old_text, " ".join(b.text for b in new.section_blocks(candidate)))
            if score >= best_score:
                best, best_score = candidate, score
        if best is not None:
            pairs[key] = best
            used.add(best)
    return pairs


def classify_documents(old: ReviewDocument, new: ReviewDocument,
                       old_manifest: Sequence[ManifestSection] | None = None,
                       new_manifest: Sequence[ManifestSection] | None = None) -> list[SectionChange]:
    """The classification of the two documents' sections (outside content aside).

    With both builds' manifest sections, sections are compared as the build compared them (the hashes of
    their inputs), and by their words too.
    """
    both = old_manifest is not None and new_manifest is not None and old.tracked and new.tracked
    old_index = {s.id: s for s in old_manifest} if both and old_manifest is not None else None
    new_index = {s.id: s for s in new_manifest} if both and new_manifest is not None else None
    return classify_sections(_document_facts(old, old_index), _document_facts(new, new_index),
                             pairs=_heading_pairs(old, new))


__all__ = ["classify_documents"]
