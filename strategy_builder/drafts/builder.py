"""``build``: validated inputs -> a new immutable draft (or the overwritable preview), with its manifest."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from strategy_builder import __version__
from strategy_builder.drafts.worker_pool import RenderJob, WorkerPool, default_jobs, render_all
from strategy_builder.drafts.store import DraftStore
from strategy_builder.errors import (
    EnvironmentProblem, Finding, Findings, InputProblems, Location, TemplateProblem,
)
from strategy_builder.inputs.cache import InputCache
from strategy_builder.inputs.loading import load_project, require_project
from strategy_builder.inputs.policy import for_circulation
from strategy_builder.layout import MANIFEST_FILE, ProjectLayout, read_manifest, write_atomic
from strategy_builder.models.manifest import Manifest, ManifestPartner, ManifestSection
from strategy_builder.models.project import Project, SourcedPartner
from strategy_builder.models.section_records import SectionRecord, partner_sections, stable_hash
from strategy_builder.render.context import DraftStamp, SectionChange, build_context
from strategy_builder.render.assembly import DocumentAssemblyError, DocumentStamp, RenderedDocument
from strategy_builder.render.engine import CompiledTemplate
from strategy_builder.ooxml.markers import bookmark_name

Progress = Callable[[str, int, int], None]
"""Called with (message, done, total) as the build advances."""


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What the user asked of ``build``."""

    force: bool = False
    preview: bool = False
    partners: frozenset[str] = frozenset()
    template: Path | None = None
    jobs: int = 0
    wait_seconds: float = 60.0
    strict: bool = False
    redlines: bool | None = None
    """Write redlines against the previous draft; ``None``: as ``build.redlines`` in strategy.yaml."""
    html_report: bool | None = None
    """Write an HTML diff report against the previous draft; ``None``: as ``build.html_report``."""


@dataclass(frozen=True, slots=True)
class PartnerOutcome:
    """One partner's document in the result."""

    code: str
    name: str
    path: Path
    sections: int
    words: int
    rendered: bool


@dataclass(slots=True)
class BuildResult:
    """What a build did: a new draft, a preview, or nothing because nothing changed."""

    kind: Literal["draft", "preview", "unchanged"]
    directory: Path
    draft: int | None
    previous: int | None
    partners: list[PartnerOutcome] = field(default_factory=list)
    warnings: Findings = field(default_factory=Findings)
    seconds: float = 0.0
    cleaned: list[Path] = field(default_factory=list)
    template: Path | None = None
    """The Word template the documents were rendered with."""
    packaged_template: bool = False
    """Whether that is the default template shipped with strategy-builder (the project has no templates/)."""


def _fingerprint(project: Project, template: CompiledTemplate) -> str:
    return stable_hash({"strategy": project.strategy_document.sha256, "template": template.sha256,
                        "partners": {p.code: p.document.sha256 for p in project.partners}})


def _load(root: Path, options: BuildOptions, cache: InputCache) -> tuple[Project, Findings]:
    result = load_project(root, cache=cache)
    findings = result.findings.strict() if options.strict else result.findings
    if not options.preview:
        findings = for_circulation(findings)
    if findings.has_errors() or result.project is None:
        raise InputProblems(findings)
    unknown = sorted(options.partners - {p.code for p in result.project.partners})
    if unknown:
        raise EnvironmentProblem(f"no partner file for {', '.join(unknown)}",
                                 hint="--partner takes codes of files in inputs/partners/")
    return result.project, Findings(findings.warnings)


def _compile(project: Project, options: BuildOptions) -> CompiledTemplate:
    path = (options.template or project.template_path).resolve()
    if not path.is_file():
        if options.template is not None:
            raise EnvironmentProblem(f"template {path} does not exist")
        raise InputProblems(Findings([Finding(
            project.strategy_document.location(("build", "template")), "build.template-missing",
            f"the template {project.strategy.build.template} does not exist",
            hint="point build.template at a .docx template, relative to the project folder")]))
    return CompiledTemplate(path, cache_dir=ProjectLayout.of(project.root).template_cache_dir)


def _statuses(records: list[SectionRecord], previous: ManifestPartner | None
              ) -> tuple[dict[str, str], list[ManifestSection]]:
    if previous is None:
        return {r.id: "new" for r in records}, []
    before = {s.id: s for s in previous.sections}
    statuses = {r.id: ("new" if r.id not in before else
                       "unchanged" if before[r.id].content_hash == r.content_hash else "changed") for r in records}
    current = {r.id for r in records}
    removed = [s.model_copy(update={"status": "removed"}) for s in previous.sections if s.id not in current]
    return statuses, removed


def _job(partner: SourcedPartner, project: Project, template_sha256: str, number: int | None,
         previous_number: int | None, previous: Manifest | None, *, circulated: bool = True
         ) -> tuple[RenderJob, list[SectionRecord], dict[str, str], list[ManifestSection]]:
    strategy = project.strategy
    records = partner_sections(partner, strategy)
    statuses, removed = _statuses(records, previous.partner(partner.code) if previous else None)
    changes = tuple(SectionChange(r.id, r.number, r.title, statuses[r.id]) for r in records)  # type: ignore[arg-type]
    changes += tuple(SectionChange(s.id, s.number, s.title, "removed") for s in removed)
    stamp = DraftStamp(number, previous_number if previous else None, changes)
    context = build_context(partner, strategy, stamp, records)
    label = stamp.label
    document_stamp = DocumentStamp(
        partner=partner.code, draft_label=label, tool_version=__version__,
        inputs_sha256=stable_hash([project.strategy_document.sha256, partner.document.sha256]),
        template_sha256=template_sha256, author=strategy.drafting_team.name,
        title=f"{strategy.series.title} – {partner.model.name}",
        subject=f"{strategy.series.title}: {partner.model.name}, draft {label}",
        date=strategy.consultation.issued)
    job = RenderJob(partner.code, context, document_stamp, [r.id for r in records], circulated)
    return job, records, statuses, removed


def _manifest_partner(partner: SourcedPartner, document: RenderedDocument, records: list[SectionRecord],
                      statuses: dict[str, str], removed: list[ManifestSection]) -> ManifestPartner:
    sections = [ManifestSection(id=r.id, kind=r.kind, number=r.number, title=r.title, bookmark=bookmark_name(r.id),
                                content_hash=r.content_hash, source_file=r.source_file, source_line=r.source_line,
                                source_path=r.source_path, status=statuses[r.id])  # type: ignore[arg-type]
                for r in records]
    return ManifestPartner(code=partner.code, name=partner.model.name, file=f"{partner.code}.docx",
                           docx_sha256=document.sha256, input_file=partner.document.display_name,
                           input_sha256=partner.document.sha256, words=document.words, sections=sections,
                           removed_sections=removed)


Planned = tuple[RenderJob, list[SectionRecord], dict[str, str], list[ManifestSection]]


def _render_planned(project: Project, template: CompiledTemplate, planned: list[Planned], workers: WorkerPool,
                    write: Callable[[str, bytes], object], notify: Progress) -> list[ManifestPartner]:
    """Render the planned partners, hand each document to ``write`` as it is done, and return their
    manifest entries; a template failure becomes a :class:`TemplateProblem` naming partner and part."""
    entries = []
    notify("rendering", 0, len(planned))
    try:
        documents = render_all(template, [job for job, *_ in planned], workers)
        # One document per planned job, in order.
        for index, (document, (job, records, statuses, removed)) in enumerate(zip(documents, planned, strict=True),
                                                                              start=1):
            partner = project.partner(job.partner)
            assert partner is not None
            write(f"{job.partner}.docx", document.data)
            entries.append(_manifest_partner(partner, document, records, statuses, removed))
            notify(f"rendered {job.partner}", index, len(planned))
    except DocumentAssemblyError as error:
        raise _assembly_problem(error, template) from error
    return entries


def _manifest(project: Project, template: CompiledTemplate, number: int | None, previous: int | None,
              partners: list[ManifestPartner]) -> Manifest:
    strategy = project.strategy
    try:
        template_file = template.path.relative_to(project.root).as_posix()
    except ValueError:
        template_file = str(template.path)
    return Manifest(tool_version=__version__, draft=number, previous_draft=previous,
                    fingerprint=_fingerprint(project, template), template_file=template_file,
                    template_sha256=template.sha256, strategy_file=project.strategy_document.display_name,
                    strategy_sha256=project.strategy_document.sha256,
                    consultation_round=strategy.consultation.round, issued=strategy.consultation.issued.isoformat(),
                    partners=sorted(partners, key=lambda p: p.code))


def _manifest_json(manifest: Manifest) -> bytes:
    return (manifest.model_dump_json(indent=2) + "\n").encode("utf-8")


def _assembly_problem(error: DocumentAssemblyError, template: CompiledTemplate) -> TemplateProblem:
    return TemplateProblem(Findings([Finding(
        Location(str(template.path), None, None, error.part), "build.document",
        f"partner {error.partner}: {error.message}",
        hint="run 'strategy-builder template-check' on the template")]))


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
    return [_job(p, project, template_sha256, number, previous_number, previous)[0] for p in partners]


def build(root: Path, options: BuildOptions = BuildOptions(), progress: Progress | None = None) -> BuildResult:
    """Validate, then write a new draft ``build/drafts/NNN`` (or update ``build/preview``).

    Raises :class:`InputProblems` for invalid inputs, :class:`TemplateProblem` for a template that cannot
    render, :class:`EnvironmentProblem` when another build holds the lock too long.
    """
    started = time.perf_counter()
    notify = progress or (lambda message, done, total: None)
    notify("validating inputs", 0, 0)
    require_project(root)
    # The cache writes what this run learnt about the inputs on a thread of its own, while the build goes on.
    with InputCache(ProjectLayout.of(root).input_cache_dir, background=True) as cache:
        project, warnings = _load(root, options, cache)
        result = build_project(project, options, notify, before_fork=cache.close)
    result.warnings = warnings
    result.seconds = time.perf_counter() - started
    return result


def build_project(project: Project, options: BuildOptions = BuildOptions(),
                  progress: Progress | None = None, *, before_fork: Callable[[], None] | None = None
                  ) -> BuildResult:
    """Build an already validated project (the stage after loading; benchmarks call it directly).

    ``before_fork`` runs before worker processes are forked, if they are (see :class:`WorkerPool`)."""
    started = time.perf_counter()
    notify = progress or (lambda message, done, total: None)
    notify("compiling template", 0, 0)
    template = _compile(project, options)
    store = DraftStore(project.root)
    workers = WorkerPool(options.jobs or default_jobs(), before_fork)
    with store.locked(options.wait_seconds):
        cleaned = store.clean_leftovers()
        latest = store.layout.latest()
        previous_number, previous = (latest if latest else (None, None))
        if options.preview:
            result = _preview(project, template, store, options, previous_number, previous, workers, notify)
        else:
            result = _draft(project, template, store, options, previous_number, previous, workers, notify)
    result.cleaned = cleaned
    result.template = template.path
    result.packaged_template = options.template is None and project.uses_packaged_template
    result.seconds = time.perf_counter() - started
    return result


def _draft(project: Project, template: CompiledTemplate, store: DraftStore, options: BuildOptions,
           previous_number: int | None, previous: Manifest | None, workers: WorkerPool,
           notify: Progress) -> BuildResult:
    if options.partners:
        raise EnvironmentProblem("--partner narrows a preview only", hint="add --preview")
    if previous is not None and previous.fingerprint == _fingerprint(project, template) and not options.force:
        assert previous_number is not None
        return BuildResult("unchanged", store.layout.draft_dir(previous_number), previous_number, previous_number)
    number = store.next_number()
    planned = [_job(p, project, template.sha256, number, previous_number, previous) for p in project.partners]
    staging = store.new_staging()
    previous_kept = previous_number if previous else None
    try:
        entries = _render_planned(project, template, planned, workers,
                                  lambda name, data: (staging / name).write_bytes(data), notify)
        manifest = _manifest(project, template, number, previous_kept, entries)
        (staging / MANIFEST_FILE).write_bytes(_manifest_json(manifest))
        snapshot_inputs(project, staging)
        _write_reports(project, options, store, previous_kept, staging, notify)
        notify("publishing", len(planned), len(planned))
        directory = store.publish(staging, number)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    outcomes = [PartnerOutcome(e.code, e.name, directory / e.file, len(e.sections), e.words, True) for e in entries]
    return BuildResult("draft", directory, number, previous_kept, outcomes)


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


def _preview(project: Project, template: CompiledTemplate, store: DraftStore, options: BuildOptions,
             previous_number: int | None, previous: Manifest | None, workers: WorkerPool,
             notify: Progress) -> BuildResult:
    folder = store.layout.preview_dir
    folder.mkdir(parents=True, exist_ok=True)
    existing = read_manifest(folder)
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
    to_render = [_job(p, project, template.sha256, None, previous_number, previous, circulated=False)
                 for p in stale]
    outcomes: dict[str, PartnerOutcome] = {}
    manifest_partners: dict[str, ManifestPartner] = dict(kept)
    if reusable is not None:  # partners outside --partner keep their previous preview entry
        for entry in reusable.partners:
            if entry.code not in {p.code for p in selected} and (folder / entry.file).is_file():
                manifest_partners.setdefault(entry.code, entry)
    for entry in _render_planned(project, template, to_render, workers,
                                 lambda name, data: write_atomic(folder / name, data, durable=False),
                                 notify):
        manifest_partners[entry.code] = entry
    for code, entry in sorted(manifest_partners.items()):
        if any(p.code == code for p in selected):
            outcomes[code] = PartnerOutcome(code, entry.name, folder / entry.file, len(entry.sections), entry.words,
                                            code not in kept)
    manifest = _manifest(project, template, None, previous_number if previous else None,
                         list(manifest_partners.values()))
    write_atomic(folder / MANIFEST_FILE, _manifest_json(manifest), durable=False)
    return BuildResult("preview", folder, None, previous_number, [outcomes[c] for c in sorted(outcomes)])
