"""A new immutable draft ``build/drafts/NNN``: its documents planned against the latest draft, laid out
(the contents' page numbers, PDFs), rendered into a staging folder with the manifest, the snapshot of the
inputs and the reports against the previous draft, and published by one rename, or nothing at all."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from strategy_builder.drafts.build_manifest import manifest_json, new_manifest, split_entries
from strategy_builder.drafts.build_types import (
    BuildOptions, BuildResult, PartnerOutcome, Progress, version_outcomes,
)
from strategy_builder.drafts.fingerprint import draft_fingerprint
from strategy_builder.drafts.planning import plan_document, plan_language_versions, published_drafts
from strategy_builder.drafts.render_pass import render_planned, write_staged
from strategy_builder.drafts.round_guard import round_not_advanced
from strategy_builder.errors import EnvironmentProblem, Finding, Findings, InputProblems, Location, Severity
from strategy_builder.layout import MANIFEST_FILE
from strategy_builder.models.manifest import ManifestLayout
from strategy_builder.ooxml.language import default_language

if TYPE_CHECKING:
    from strategy_builder.store import DraftStore
    from strategy_builder.drafts.worker_pool import WorkerPool
    from strategy_builder.models.manifest import Manifest
    from strategy_builder.models.project import Project
    from strategy_builder.render.engine import CompiledTemplate


def write_draft(project: Project, template: CompiledTemplate, store: DraftStore, options: BuildOptions,
                previous_number: int | None, previous: Manifest | None, workers: WorkerPool,
                notify: Progress) -> BuildResult:
    """Write draft ``previous_number + 1`` (the store's next number) and publish it, or answer "unchanged"
    when its fingerprint is the latest draft's; nothing is published when any step fails."""
    if options.partners:
        raise EnvironmentProblem("--partner narrows a preview only", hint="add --preview")
    fingerprint = draft_fingerprint(project, template.sha256)
    if previous is not None and previous.fingerprint == fingerprint and not options.force:
        assert previous_number is not None
        return BuildResult("unchanged", store.layout.draft_dir(previous_number), previous_number, previous_number)
    number = store.next_number()
    stale_round = round_not_advanced(project, previous_number, previous, fingerprint, number)
    if stale_round is not None and options.strict:  # nothing is written: the team decides first
        raise InputProblems(Findings([stale_round.as_error()]))
    # The layout pass (LibreOffice) is imported by drafts only: a preview never pays for it.
    from strategy_builder.drafts.layout_pass import lay_out, plan_layout
    from strategy_builder.office.conversion import ConversionFailed

    want_pdf = project.strategy.build.pdf if options.pdf is None else options.pdf
    plan = plan_layout(template.package, template.path, pdf=want_pdf)
    drafts = published_drafts(store)
    planned = [plan_document(p, project, template.sha256, number, previous_number, previous, drafts=drafts)
               for p in project.partners]
    planned += plan_language_versions(project, planned, default_language(template.package))
    previous_kept = previous_number if previous else None
    with store.staged(number, "draft") as staging:
        laid_out = plan.office is not None
        entries = []
        if laid_out:
            try:
                entries = lay_out(project, template, planned, workers, plan, staging, want_pdf, notify)
            except ConversionFailed as failure:
                if want_pdf:
                    raise
                # A LibreOffice that cannot lay the drafts out costs their page numbers, not the draft.
                laid_out = False
                plan.note = f"the layout pass failed: {failure.message}"
                plan.warnings.append(Finding(
                    Location(str(template.path), None, None, ""), "layout.failed",
                    f"LibreOffice could not lay the drafts out ({failure.message}); the contents has no page "
                    "numbers (Word fills them in when a draft is opened)", Severity.WARNING, failure.hint))
        if not laid_out:
            entries = render_planned(project, template, planned, workers,
                                     lambda name, data: write_staged(staging / name, data), notify)
        layout = ManifestLayout(contents_pages=laid_out, engine=plan.engine, fonts=plan.fonts, note=plan.note)
        entries, versions = split_entries(entries, planned)
        manifest = new_manifest(project, template, number, previous_kept, entries, layout, versions)
        (staging / MANIFEST_FILE).write_bytes(manifest_json(manifest))
        snapshot_inputs(project, staging)
        _write_reports(project, options, store, previous_kept, staging, notify)
        notify("publishing", len(planned), len(planned))
        directory = store.publish(staging, number)
    outcomes = [PartnerOutcome(e.code, e.name, directory / e.file, len(e.sections), e.words, True, e.pages,
                               directory / e.pdf_file if e.pdf_file else None) for e in entries]
    outcomes += version_outcomes(versions, directory, planned)
    warnings = Findings([*plan.warnings, *([stale_round] if stale_round else [])])
    return BuildResult("draft", directory, number, previous_kept, outcomes, warnings=warnings, layout=layout)


def snapshot_inputs(project: Project, target: Path) -> None:
    """Write the input files a draft was built from into ``target/inputs`` (for later diffs): the bytes
    that were validated, not what the files hold now, should someone save one during the build."""
    for document in (project.strategy_document, *(p.document for p in project.partners)):
        destination = target / document.display_name
        destination.parent.mkdir(parents=True, exist_ok=True)
        if document.raw is not None:
            destination.write_bytes(document.raw)
        else:
            shutil.copyfile(document.path, destination)
    for status in project.translations.subjects.values():  # the translations the language versions printed
        if status.file_exists:
            destination = target / status.translation_file
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(project.root / status.translation_file, destination)


def _write_reports(project: Project, options: BuildOptions, store: DraftStore, previous_number: int | None,
                   staging: Path, notify: Progress) -> None:
    """Redlines and the HTML report against the previous draft, written into the staging folder so that
    they are published with the draft (and never added to it afterwards)."""
    settings = project.strategy.build
    redlines = settings.redlines if options.redlines is None else options.redlines
    html = settings.html_report if options.html_report is None else options.html_report
    if previous_number is None or not (redlines or html):
        return
    from strategy_builder.review.draft_reports import write_draft_reports  # only builds that ask pay for it

    notify("comparing with the previous draft", 0, 0)
    write_draft_reports(store.layout.draft_dir(previous_number), staging, project_dir=store.layout.root,
                        redlines=redlines, html=html, author=project.strategy.drafting_team.name,
                        date=project.strategy.consultation.issued)
