"""The manifest a build writes into a draft or the preview: one entry per rendered document (language versions
as their own kind), the draft's record of its inputs and template, and its JSON bytes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from strategy_builder import __version__
from strategy_builder.drafts.fingerprint import draft_fingerprint
from strategy_builder.languages.records import language_entry
from strategy_builder.layout import ProjectLayout
from strategy_builder.models.manifest import (
    Manifest, ManifestLanguageDocument, ManifestLayout, ManifestPartner, ManifestSection,
)

if TYPE_CHECKING:
    from strategy_builder.drafts.planning import Planned
    from strategy_builder.models.project import Project, SourcedPartner
    from strategy_builder.render.assembly import RenderedDocument
    from strategy_builder.render.engine import CompiledTemplate


def manifest_partner(partner: SourcedPartner, document: RenderedDocument, sections: list[ManifestSection],
                     removed: list[ManifestSection], name: str | None = None) -> ManifestPartner:
    """The manifest entry of a source document; a language version's entry is keyed by its ``name``
    (``ru/AM``) while it is being laid out, then becomes a :class:`ManifestLanguageDocument`."""
    priority_statuses = {f"{partner.code}/{area_key}/{p.id}": p.status.value
                         for area_key, area in partner.model.areas.items() for p in area.priorities}
    sections = [s.model_copy(update={"priority_status": priority_statuses.get(s.id)}) for s in sections]
    return ManifestPartner(code=name or partner.code, name=partner.model.name, file=f"{name or partner.code}.docx",
                           docx_sha256=document.sha256, input_file=partner.document.display_name,
                           input_sha256=partner.document.sha256, words=document.words, sections=sections,
                           removed_sections=removed)


def new_manifest(project: Project, template: CompiledTemplate, number: int | None, previous: int | None,
                 partners: list[ManifestPartner], layout: ManifestLayout | None = None,
                 language_versions: list[ManifestLanguageDocument] | None = None, *,
                 fingerprint: str | None = None) -> Manifest:
    """The manifest of a draft (``number``) or of the preview (``None``); ``fingerprint`` replaces the one of the
    loaded project's inputs (a preview's, see :func:`~strategy_builder.drafts.fingerprint.preview_fingerprint`)."""
    strategy = project.strategy
    template_file = ProjectLayout.of(project.root).recorded_name(template.path)  # ../common/custom.docx outside
    return Manifest(tool_version=__version__, draft=number, previous_draft=previous,
                    fingerprint=fingerprint or draft_fingerprint(project, template.sha256), template_file=template_file,
                    template_sha256=template.sha256, strategy_file=project.strategy_document.display_name,
                    strategy_sha256=project.strategy_document.sha256,
                    consultation_round=strategy.consultation.round, issued=strategy.consultation.issued.isoformat(),
                    deadline=strategy.consultation.deadline.isoformat(),
                    partners=sorted(partners, key=lambda p: p.code), layout=layout,
                    language_versions=sorted(language_versions or [], key=lambda d: (d.language, d.code)))


EntryFragments = dict[int, tuple[ManifestPartner | ManifestLanguageDocument, str]]
"""The JSON of manifest entries as :func:`manifest_json` wrote them last (indented as in the manifest), by the
entry's identity (the entry is kept with it, so that the identity stays its own)."""


def manifest_json(manifest: Manifest, fragments: EntryFragments | None = None) -> bytes:
    """The manifest's bytes (pydantic's JSON, indented by two). With ``fragments`` (a watcher's, kept from one
    rebuild to the next) the JSON of an entry written last time is taken from there, the others are written
    and kept: a rebuild of one partner writes one entry of the preview's fifteen. The same bytes either way."""
    # A draft without language versions keeps the manifest it always had, byte for byte.
    exclude = None if manifest.language_versions else {"language_versions"}
    if fragments is None:
        return (manifest.model_dump_json(indent=2, exclude=exclude) + "\n").encode("utf-8")
    # The manifest without its entries, then each list of entries written in place of its "[]", as pydantic
    # writes a list's items: one per line block, indented by four (a key at the first level is found after a
    # line break and two spaces: a string value never holds a raw line break).
    text = manifest.model_copy(update={"partners": [], "language_versions": []}).model_dump_json(
        indent=2, exclude=exclude)
    used: EntryFragments = {}
    for key, entries in (("partners", manifest.partners), ("language_versions", manifest.language_versions)):
        if not entries:
            continue
        written = []
        for entry in entries:
            known = fragments.get(id(entry))
            fragment = known[1] if known is not None and known[0] is entry else \
                "    " + entry.model_dump_json(indent=2).replace("\n", "\n    ")
            used[id(entry)] = (entry, fragment)
            written.append(fragment)
        empty = f'\n  "{key}": []'
        if text.count(empty) != 1:  # not the form pydantic has always written: the whole manifest, as it writes it
            return manifest_json(manifest)
        text = text.replace(empty, f'\n  "{key}": [\n' + ",\n".join(written) + "\n  ]")
    fragments.clear()
    fragments.update(used)
    return (text + "\n").encode("utf-8")


def split_entries(entries: list[ManifestPartner], planned: list[Planned]
                  ) -> tuple[list[ManifestPartner], list[ManifestLanguageDocument]]:
    """The source documents' entries, and the language versions' entries made into their own kind."""
    plans = {plan.name: plan for plan in planned}
    sources, versions = [], []
    for entry in entries:
        plan = plans.get(entry.code)
        if plan is None or plan.version is None:
            sources.append(entry)
        else:
            versions.append(language_entry(plan.partner, plan.records, plan.language, entry.file, entry.docx_sha256,
                                           entry.words, plan.version.translation, plan.version.strategy_translation,
                                           pages=entry.pages, pdf_file=entry.pdf_file, pdf_sha256=entry.pdf_sha256))
    return sources, versions
