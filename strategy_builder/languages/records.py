"""What a draft records about a language version: per section, the hashes of its source and its translation.

``align`` compares these between drafts: a section whose source text changed while what the language
version printed did not is a translation that fell behind; a section with pending values is not in step.
The texts outside tracked sections (the executive summary, strategy.yaml's texts) are one pseudo-section,
``<CODE>/front-matter``.

The changes table of a language version names sections of the previous draft (a removed priority, the old
title of a retitled one) in the version's language: :func:`previous_titles` finds what the previous draft's
version printed, in the translations it recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from strategy_builder.languages.files import read_translation_file
from strategy_builder.layout import ProjectLayout
from strategy_builder.models.areas import AREA_KEYS
from strategy_builder.models.manifest import ManifestLanguageDocument, ManifestPendingValue, ManifestTranslatedSection
from strategy_builder.models.project import SourcedPartner
from strategy_builder.models.section_changes import SectionChange
from strategy_builder.models.section_records import SectionRecord, stable_hash
from strategy_builder.models.translations import SubjectTranslation, ValueStatus, fingerprint

FRONT_MATTER_SUFFIX = "/front-matter"


def front_matter_id(code: str) -> str:
    """The pseudo-section of a partner's texts outside tracked sections: ``AM/front-matter``."""
    return f"{code}{FRONT_MATTER_SUFFIX}"


def _section_of(status: ValueStatus, code: str) -> str:
    return status.value.section_id or front_matter_id(code)


def section_statuses(code: str, translation: SubjectTranslation,
                     strategy_translation: SubjectTranslation | None) -> dict[str, list[ValueStatus]]:
    """The value statuses of a partner's language version, by section ID (strategy.yaml's texts and the
    summary under the front matter)."""
    grouped: dict[str, list[ValueStatus]] = {}
    for status in [*(strategy_translation.values if strategy_translation else []), *translation.values]:
        grouped.setdefault(_section_of(status, code), []).append(status)
    return grouped


def translated_sections(code: str, records: list[SectionRecord], translation: SubjectTranslation,
                        strategy_translation: SubjectTranslation | None) -> list[ManifestTranslatedSection]:
    """Every section of the document (the front matter first), with the hashes ``align`` compares."""
    grouped = section_statuses(code, translation, strategy_translation)
    sections = []
    for section_id in [front_matter_id(code), *(r.id for r in records)]:
        statuses = grouped.get(section_id, [])
        sections.append(ManifestTranslatedSection(
            id=section_id,
            source_hash=stable_hash([[s.value.key, s.value.fingerprint] for s in statuses]),
            # The translations themselves (not what was printed: a pending value prints the new source text).
            translation_hash=stable_hash([[s.value.key, s.entry.text if s.entry else None] for s in statuses]),
            values=len(statuses), pending=sum(1 for s in statuses if s.pending)))
    return sections


def language_entry(partner: SourcedPartner, records: list[SectionRecord], language: str, file: str, sha256: str,
                   words: int, translation: SubjectTranslation, strategy_translation: SubjectTranslation | None,
                   *, pages: int | None = None, pdf_file: str | None = None,
                   pdf_sha256: str | None = None) -> ManifestLanguageDocument:
    """The manifest entry of one partner's document in ``language``."""
    code = partner.code
    pending = []
    for subject in (strategy_translation, translation):
        if subject is None:
            continue
        for status in subject.pending:
            assert status.state in ("missing", "stale")
            pending.append(ManifestPendingValue(
                key=status.value.key, state=status.state, source_file=subject.source_file,
                source_line=_line(partner, subject, status), section_id=status.value.section_id))
    return ManifestLanguageDocument(
        code=code, language=language, file=file, docx_sha256=sha256, words=words, pages=pages, pdf_file=pdf_file,
        pdf_sha256=pdf_sha256, translation_file=translation.translation_file, translation_sha256=translation.sha256,
        strategy_translation_sha256=strategy_translation.sha256 if strategy_translation else None,
        sections=translated_sections(code, records, translation, strategy_translation), pending=pending)


def _line(partner: SourcedPartner, subject: SubjectTranslation, status: ValueStatus) -> int | None:
    if subject.subject != partner.code:
        return None  # a value of strategy.yaml: its line is in the translation status, not in the partner file
    return partner.line_of(status.value.path)


def _title_key(section_id: str) -> str | None:
    """The translation key of a section's title (``areas.<area>.priorities[<id>].title``); ``None`` for a
    section whose title is a label (a chapter, the situation, the key figures)."""
    parts = section_id.split("/")
    if len(parts) != 3 or parts[1] not in AREA_KEYS:
        return None
    return f"areas.{parts[1]}.priorities[{parts[2]}].title"


def previous_titles(root: Path, previous: int | None, language: str, code: str,
                    changes: Iterable[SectionChange]) -> dict[str, str]:
    """Old section ID -> the title in ``language`` of a section of the previous draft that the changes table
    names as it was (a removed section, the old title of a retitled one).

    A title is known when a translation of exactly the old source title (its fingerprint) is in the
    translations the previous draft recorded (``build/drafts/NNN/inputs/translations/``), else in today's
    translation file (where a translation of a removed priority stays until someone deletes it). A title
    not found is left out: the changes table says it is not translated.
    """
    wanted = {c.old.id: c.old.title for c in changes
              if c.old is not None and (c.new is None or c.retitled) and _title_key(c.old.id)}
    if not wanted:
        return {}
    layout = ProjectLayout.of(root)
    current = layout.translation_file(language, code)
    files = [layout.draft_dir(previous) / layout.display_name(current)] if previous is not None else []
    found: dict[str, str] = {}
    for path in [*files, current]:
        if not path.is_file():
            continue
        entries = read_translation_file(path, layout.display_name(path))[0].entries
        for section_id, title in wanted.items():
            entry = entries.get(_title_key(section_id) or "")
            if section_id not in found and entry is not None and entry.source == fingerprint(title):
                found[section_id] = entry.text
    return found
