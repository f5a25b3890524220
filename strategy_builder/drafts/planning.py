"""What each document of a draft is made from: the plan of a build, before anything is rendered.

For each partner the next draft (or the preview) includes, :func:`plan_document` gathers its section records,
their status against the previous draft, the earlier drafts that included it, the register rows it answers
and its template context; :func:`plan_language_versions` adds its documents in other languages.
:func:`plan_next_draft` gives the render jobs without building (``context`` and ``template-check``).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from strategy_builder import __version__, cldr
from strategy_builder.drafts.changes import manifest_sections, section_changes
from strategy_builder.store import DraftStore
from strategy_builder.drafts.worker_pool import RenderJob
from strategy_builder.files import read_limited
from strategy_builder.languages.apply import translated_partner, translated_strategy
from strategy_builder.languages.records import previous_titles
from strategy_builder.layout import language_document
from strategy_builder.limits import LOGO_BYTES
from strategy_builder.models.inputs import StrategyFile
from strategy_builder.models.manifest import Manifest, ManifestPartner, ManifestSection
from strategy_builder.models.project import Project, SourcedPartner
from strategy_builder.models.provenance import ValueLog
from strategy_builder.models.section_changes import SectionChange
from strategy_builder.models.section_records import SectionRecord, partner_sections, stable_hash
from strategy_builder.models.translations import STRATEGY_SUBJECT, SubjectTranslation
from strategy_builder.ooxml.markers import strip_pending
from strategy_builder.render.assembly import DocumentStamp
from strategy_builder.render.context import DraftRecord, DraftStamp, Pages, VersionFacts, build_context
from strategy_builder.render.labels import catalogue, fill


class LanguagePlan(NamedTuple):
    """What a language version of a partner's document is made from."""

    translation: SubjectTranslation
    strategy_translation: SubjectTranslation | None
    facts: VersionFacts
    """What the version prints in its language besides its models (old titles, abbreviations)."""


class Planned(NamedTuple):
    """One document as planned: the render job and what its manifest entry needs. A language version has
    the translated ``partner`` and ``strategy`` and the source's records (same IDs and numbers)."""

    job: RenderJob
    partner: SourcedPartner
    records: list[SectionRecord]
    sections: list[ManifestSection]
    """The manifest's sections, with their status against the previous draft."""
    removed: list[ManifestSection]
    stamp: DraftStamp
    strategy: StrategyFile
    language: str = "en"
    version: LanguagePlan | None = None
    """Set for a language version (a document in another language than the source)."""

    @property
    def name(self) -> str:
        """The document's name inside a draft folder, without suffix: ``AM``, or ``ru/AM``."""
        return language_document(self.partner.code, self.language if self.version else None, "")

    @property
    def file(self) -> str:
        return f"{self.name}.docx"

    def with_pages(self, project: Project, pages: Pages) -> Planned:
        """The same document with these page numbers in its contents (and no request to update fields)."""
        values = ValueLog(self.partner.code, self.partner.document.display_name) if self.job.values else None
        context = build_context(self.partner, self.strategy, self.stamp, self.records, values, pages=pages,
                                language=self.language, version=self.version.facts if self.version else None)
        document_stamp = self.job.stamp._replace(update_fields=not pages.numbers, page_breaks=pages.breaks)
        return self._replace(job=self.job._replace(context=context, stamp=document_stamp,
                                                   values=values))


Drafts = list[tuple[int, Manifest]]
"""The published drafts with a readable manifest, oldest first (``build`` warns about the latest one's)."""


def published_drafts(store: DraftStore) -> Drafts:
    return list(store.layout.published_manifests()[0].items())


def _history(code: str, drafts: Drafts, number: int | None) -> tuple[DraftRecord, ...]:
    """The earlier drafts that included partner ``code`` (before draft ``number``; all for a preview)."""
    records = []
    for n, manifest in drafts:
        if (number is None or n < number) and manifest.partner(code) is not None:
            try:
                issued = dt.date.fromisoformat(manifest.issued)
            except ValueError:
                continue
            records.append(DraftRecord(n, issued, manifest.consultation_round))
    return tuple(records)


def _withdrawn_in(partner: SourcedPartner, drafts: Drafts) -> tuple[tuple[str, int], ...]:
    """(section ID, first draft of the latest run of drafts that showed it withdrawn) of each priority that
    is withdrawn now and was already withdrawn in the previous draft."""
    code = partner.code
    withdrawn = [f"{code}/{area_key}/{p.id}" for area_key, area in partner.model.areas.items()
                 for p in area.priorities if p.status.value == "withdrawn"]
    result = []
    for section_id in withdrawn:
        since = None
        for n, manifest in reversed(drafts):
            entry = manifest.partner(code)
            section = next((s for s in entry.sections if s.id == section_id), None) if entry else None
            if section is None or section.priority_status != "withdrawn":
                break
            since = n
        if since is not None:
            result.append((section_id, since))
    return tuple(result)


def _answers(records: list[SectionRecord], changes: list[SectionChange], previous: ManifestPartner | None
             ) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Section ID -> the register rows it answers that the previous draft did not cite yet (the changes table
    cites the rows a section answers for the first time); a section that moved is compared with its old ID."""
    cited = {s.id: set(s.responds_to) for s in previous.sections} if previous is not None else {}
    rows = {r.id: r.responds_to for r in records}
    result = []
    for change in changes:
        if change.new is None or not rows.get(change.id):
            continue
        already = cited.get(change.old_id or change.id, set())
        fresh = tuple(row for row in rows[change.id] if row not in already)
        if fresh:
            result.append((change.id, fresh))
    return tuple(result)


def plan_document(partner: SourcedPartner, project: Project, template_sha256: str, number: int | None,
         previous_number: int | None, previous: Manifest | None, *, circulated: bool = True,
         drafts: Drafts | None = None) -> Planned:
    strategy = project.strategy
    records = partner_sections(partner, strategy)
    previous_partner = previous.partner(partner.code) if previous else None
    changes = section_changes(records, previous_partner)
    sections, removed = manifest_sections(records, changes, previous_partner)
    answered = {r.id: r.responds_to for r in records}
    sections = [s.model_copy(update={"responds_to": list(answered.get(s.id, ()))}) for s in sections]
    drafts = drafts or []
    stamp = DraftStamp(number, previous_number if previous else None, tuple(changes),
                       history=_history(partner.code, drafts, number),
                       withdrawn_in=_withdrawn_in(partner, drafts),
                       answers=_answers(records, changes, previous_partner))
    values = ValueLog(partner.code, partner.document.display_name)
    context = build_context(partner, strategy, stamp, records, values, language=strategy.source_language)
    label = stamp.label
    logo = strategy.series.logo
    labels = catalogue(strategy.source_language)
    document_stamp = DocumentStamp(
        partner=partner.code, draft_label=label, tool_version=__version__,
        inputs_sha256=stable_hash([project.strategy_document.sha256, partner.document.sha256]),
        template_sha256=template_sha256, author=strategy.drafting_team.name,
        title=f"{strategy.series.title} – {partner.model.name}",
        subject=f"{strategy.series.title}: {partner.model.name}, draft {label}",
        date=strategy.consultation.issued, keywords=fill(labels, "properties_keywords", partner=partner.code),
        description=fill(labels, "properties_description", label=label, version=__version__),
        logo=read_limited(project.root / logo, LOGO_BYTES, what="logo") if logo else None)
    job = RenderJob(partner.code, context, document_stamp, [r.id for r in records], circulated, values)
    return Planned(job, partner, records, sections, removed, stamp, strategy, strategy.source_language)


def plan_language_versions(project: Project, sources: list[Planned], source_tag: str,
                   wanted: set[tuple[str, str]] | None = None) -> list[Planned]:
    """The language versions of the planned source documents (of the (language, code) pairs ``wanted``, or of
    all declared ones): the translated models rendered with the language's labels and dates, the source's
    records and stamp, pending values marked."""
    translations = project.translations
    by_code = {plan.partner.code: plan for plan in sources}
    plans: list[Planned] = []
    for language in translations.languages:
        strategy_translation = translations.of(language, STRATEGY_SUBJECT)
        strategy = translated_strategy(project.strategy, strategy_translation)
        labels = catalogue(language)
        for code in translations.partners(language):
            base = by_code.get(code)
            translation = translations.of(language, code)
            if base is None or translation is None or (wanted is not None and (language, code) not in wanted):
                continue
            partner = translated_partner(base.partner, translation)
            facts = VersionFacts(previous_titles(project.root, base.stamp.previous, language, code, base.stamp.changes),
                                 strategy_translation.abbreviation_forms() if strategy_translation else {})
            context = build_context(partner, strategy, base.stamp, base.records, language=language, version=facts)
            pending = translation.pending or (strategy_translation.pending if strategy_translation else [])
            title = strip_pending(f"{strategy.series.title} – {partner.model.name}")
            document_stamp = base.job.stamp._replace(
                title=title, author=strip_pending(strategy.drafting_team.name),
                subject=f"{title}, {strip_pending(fill(labels, 'footer_draft', label=base.stamp.label))}",
                keywords=fill(labels, "properties_keywords", partner=code),
                description=fill(labels, "properties_description", label=base.stamp.label, version=__version__),
                language=language, language_tag=cldr.language_tag(language),
                pending=(fill(labels, "translation_pending"), source_tag) if pending else None)
            # A language version prints translations, not the YAML values: it carries no table of values
            # (propose maps changes of the source language's documents only).
            job = base.job._replace(context=context, stamp=document_stamp, values=None)
            plans.append(Planned(job, partner, base.records, base.sections, base.removed, base.stamp, strategy,
                                 language, LanguagePlan(translation, strategy_translation, facts)))
    return plans


def plan_next_draft(project: Project, template_sha256: str, codes: list[str] | None = None) -> list[RenderJob]:
    """The render jobs (context, stamp, expected sections) the next draft would use, without a lock.

    For ``context`` and ``template-check``: the draft number is the next free one and section statuses
    compare with the latest draft.
    """
    store = DraftStore(project.root)
    latest = store.layout.latest()
    previous_number, previous = latest if latest else (None, None)
    number = store.next_number()
    partners = [p for p in project.partners if codes is None or p.code in codes]
    drafts = published_drafts(store)
    return [plan_document(p, project, template_sha256, number, previous_number, previous, drafts=drafts).job
            for p in partners]


__all__ = ["Drafts", "LanguagePlan", "Planned", "plan_document", "plan_language_versions", "plan_next_draft",
           "published_drafts"]
