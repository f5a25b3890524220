"""``build --preview``: the overwritable preview in ``build/preview``, brought up to date document by document.

A partner's preview is rendered again only when its input file changed (or ``--force``), a language version
also when a translation it prints changed; the template, the strategy file, the tool and the latest draft
must be those the preview was made with, otherwise every document is rendered again. Partners outside
``--partner`` keep their entries. Each file is replaced atomically, the manifest last.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from strategy_builder import __version__
from strategy_builder.drafts.build_manifest import manifest_json, new_manifest, split_entries
from strategy_builder.drafts.fingerprint import preview_fingerprint
from strategy_builder.drafts.build_types import BuildOptions, BuildResult, PartnerOutcome, Progress, version_outcomes
from strategy_builder.drafts.planning import plan_document, plan_language_versions, published_drafts
from strategy_builder.drafts.render_pass import render_planned
from strategy_builder.files import environment_errors
from strategy_builder.layout import MANIFEST_FILE, read_manifest, write_atomic
from strategy_builder.models.manifest import ManifestLanguageDocument, ManifestPartner
from strategy_builder.models.translations import STRATEGY_SUBJECT
from strategy_builder.ooxml.language import default_language

if TYPE_CHECKING:
    from strategy_builder.drafts.build_types import RebuildMemory
    from strategy_builder.store import DraftStore
    from strategy_builder.drafts.worker_pool import WorkerPool
    from strategy_builder.models.manifest import Manifest
    from strategy_builder.models.project import Project, SourcedPartner
    from strategy_builder.render.engine import CompiledTemplate


def write_preview(project: Project, template: CompiledTemplate, store: DraftStore, options: BuildOptions,
                  previous_number: int | None, previous: Manifest | None, workers: WorkerPool,
                  notify: Progress, memory: RebuildMemory | None = None) -> BuildResult:
    """Bring ``build/preview`` up to date (the module's docstring says what is rendered again) and return
    what it holds for the selected partners. ``memory``: what the last preview build of a long-lived
    process kept (the manifest it wrote, its documents' finished parts), see :class:`RebuildMemory`."""
    folder = store.layout.preview_dir
    with environment_errors(folder, "create the preview folder"):
        folder.mkdir(parents=True, exist_ok=True)
    existing = _remembered_manifest(folder, memory)
    reusable = existing if existing is not None and existing.template_sha256 == template.sha256 \
        and existing.strategy_sha256 == project.strategy_document.sha256 \
        and existing.tool_version == __version__ and existing.previous_draft == previous_number else None
    selected = [p for p in project.partners if not options.partners or p.code in options.partners]
    kept: dict[str, ManifestPartner] = {}
    stale: list[SourcedPartner] = []
    for partner in selected:
        old = reusable.partner(partner.code) if reusable else None
        if (old is not None and old.input_sha256 == partner.document.sha256
                and (folder / old.file).is_file() and not options.force):
            kept[partner.code] = old
        else:
            stale.append(partner)
    # A language version is rendered again when its partner is, or when a translation it prints changed.
    kept_versions: dict[tuple[str, str], ManifestLanguageDocument] = {}
    wanted: set[tuple[str, str]] = set()
    selected_codes = {p.code for p in selected}
    for (language, code), translation in sorted(project.translations.subjects.items()):
        if code == STRATEGY_SUBJECT or code not in selected_codes:
            continue
        old_version = reusable.language_document(code, language) if reusable else None
        strategy_translation = project.translations.of(language, STRATEGY_SUBJECT)
        if (old_version is not None and code in kept and old_version.translation_sha256 == translation.sha256
                and old_version.strategy_translation_sha256 == (strategy_translation.sha256 if strategy_translation
                                                                else None)
                and (folder / old_version.file).is_file()):
            kept_versions[language, code] = old_version
        else:
            wanted.add((language, code))
    bases = [p for p in selected if p in stale or any(code == p.code for _, code in wanted)]
    drafts = published_drafts(store) if bases else []
    sources = [plan_document(p, project, template.sha256, None, previous_number, previous, circulated=False,
                             drafts=drafts) for p in bases]
    to_render = [plan for plan in sources if plan.partner in stale]
    to_render += plan_language_versions(project, sources, default_language(template.package), wanted)
    outcomes: dict[str, PartnerOutcome] = {}
    manifest_partners: dict[str, ManifestPartner] = dict(kept)
    versions: dict[tuple[str, str], ManifestLanguageDocument] = dict(kept_versions)
    if reusable is not None:  # partners outside --partner keep their previous preview entry
        for entry in reusable.partners:
            if entry.code not in selected_codes and (folder / entry.file).is_file():
                manifest_partners.setdefault(entry.code, entry)
        for document in reusable.language_versions:
            if document.code not in selected_codes and (folder / document.file).is_file():
                versions.setdefault((document.language, document.code), document)
    with environment_errors(folder, "write the preview to"):
        rendered = render_planned(project, template, to_render, workers,
                                  lambda name, data: write_atomic(folder / name, data, durable=False), notify,
                                  memory)
    sources_rendered, versions_rendered = split_entries(rendered, to_render)
    for entry in sources_rendered:
        manifest_partners[entry.code] = entry
    for document in versions_rendered:
        versions[document.language, document.code] = document
    for code, entry in sorted(manifest_partners.items()):
        if code in selected_codes:
            outcomes[code] = PartnerOutcome(code, entry.name, folder / entry.file, len(entry.sections), entry.words,
                                            code not in kept)
    selected_versions = [d for d in versions.values() if d.code in selected_codes]
    fingerprint = preview_fingerprint(project.strategy_document.sha256, template.sha256,
                                      list(manifest_partners.values()), list(versions.values()))
    manifest = new_manifest(project, template, None, previous_number if previous else None,
                            list(manifest_partners.values()), language_versions=list(versions.values()),
                            fingerprint=fingerprint)
    with environment_errors(folder / MANIFEST_FILE, "write the preview's manifest"):
        if memory is not None:
            memory.manifest = None  # until the file and what it holds are known again
        write_atomic(folder / MANIFEST_FILE, manifest_json(manifest, memory.manifest_fragments if memory else None),
                     durable=False)
        if memory is not None:
            stamp = _stamp(folder / MANIFEST_FILE)
            memory.manifest = (stamp, manifest) if stamp is not None else None
    fresh = {d.file for d in versions_rendered}
    return BuildResult("preview", folder, None, previous_number,
                       [outcomes[c] for c in sorted(outcomes)]
                       + version_outcomes(sorted(selected_versions, key=lambda d: (d.language, d.code)), folder,
                                          to_render, fresh))


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size, status.st_ino


def _remembered_manifest(folder: Path, memory: RebuildMemory | None) -> Manifest | None:
    """The preview's manifest: as ``memory`` holds it while the file is the one it wrote (same modification
    time, size and inode: a manifest written since, by another build, is read), otherwise read."""
    if memory is not None and memory.manifest is not None and memory.manifest[0] == _stamp(folder / MANIFEST_FILE):
        return memory.manifest[1]
    return read_manifest(folder)
