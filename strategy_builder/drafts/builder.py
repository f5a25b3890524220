"""``build``: validated inputs -> a new immutable draft (or the overwritable preview), with its manifest."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from strategy_builder import __version__, cldr
from strategy_builder.drafts.worker_pool import WorkerPool, default_jobs, render_all
from strategy_builder.drafts.fingerprint import draft_fingerprint
from strategy_builder.drafts.planning import (
    Planned, plan_document, plan_language_versions, published_drafts,
)
from strategy_builder.drafts.round_guard import round_not_advanced
from strategy_builder.drafts.store import DraftStore
from strategy_builder.errors import (
    EnvironmentProblem, Finding, Findings, InputProblems, Location, Severity, TemplateProblem,
)
from strategy_builder.files import environment_errors, environment_problem
from strategy_builder.inputs.cache import InputCache
from strategy_builder.languages.records import FRONT_MATTER_SUFFIX, language_entry
from strategy_builder.languages.loading import load_project_with_translations, untranslated_for_circulation
from strategy_builder.inputs.policy import for_circulation
from strategy_builder.layout import (
    MANIFEST_FILE, ProjectLayout, provenance_file_name, read_manifest, require_project,
    write_atomic,
)
from strategy_builder.models.manifest import (
    Manifest, ManifestLanguageDocument, ManifestLayout, ManifestPartner, ManifestSection,
)
from strategy_builder.models.translations import STRATEGY_SUBJECT
from strategy_builder.models.project import Project, SourcedPartner
from strategy_builder.models.provenance import values_json
from strategy_builder.render.assembly import DocumentAssemblyError, RenderedDocument
from strategy_builder.render.context import Pages
from strategy_builder.render.engine import CompiledTemplate, read_template_bytes
from strategy_builder.ooxml.language import default_language
from strategy_builder.ooxml.markers import strip_pending

if TYPE_CHECKING:
    from strategy_builder.drafts.layout_pass import LayoutPlan
    from strategy_builder.office.libreoffice import ConversionPool

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
    pdf: bool | None = None
    """Write ``<CODE>.pdf`` beside each .docx (needs LibreOffice); ``None``: as ``build.pdf``."""
    allow_untranslated: bool | None = None
    """Circulate language versions whose translations are missing or stale, printing the source text marked
    "translation pending"; ``None``: as ``build.allow_untranslated``."""


@dataclass(frozen=True, slots=True)
class PartnerOutcome:
    """One partner's document in the result."""

    code: str
    name: str
    path: Path
    sections: int
    words: int
    rendered: bool
    pages: int | None = None
    pdf: Path | None = None
    language: str = ""
    """The language of a language version (``ru``); ``""`` for the source language."""
    pending: int = 0
    """Values a language version printed untranslated."""


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
    layout: ManifestLayout | None = None
    register: Path | None = None
    """The comment register (review.register) refreshed after publishing the draft, if one was."""


def _fingerprint(project: Project, template: CompiledTemplate) -> str:
    return draft_fingerprint(project, template.sha256)


def _load(root: Path, options: BuildOptions, cache: InputCache) -> tuple[Project, Findings]:
    # A preview of some partners reads their translations only (the watcher's rebuild of one partner).
    translating = options.partners if options.preview and options.partners else None
    result = load_project_with_translations(root, cache=cache, translating=translating)
    findings = result.findings.strict() if options.strict else result.findings
    if not options.preview:
        findings = for_circulation(findings)
        allowed = options.allow_untranslated
        if allowed is None and result.project is not None:
            allowed = result.project.strategy.build.allow_untranslated
        if not allowed:
            findings = untranslated_for_circulation(findings)
    if findings.has_errors() or result.project is None:
        raise InputProblems(findings)
    unknown = sorted(options.partners - {p.code for p in result.project.partners})
    if unknown:
        raise EnvironmentProblem(f"no partner file for {', '.join(unknown)}",
                                 hint="--partner takes codes of files in inputs/partners/")
    return result.project, Findings(findings.warnings)


def _compile(project: Project, options: BuildOptions) -> CompiledTemplate:
    path = (options.template or project.template_path).resolve()
    if not path.exists():
        if options.template is not None:
            raise EnvironmentProblem(f"template {path} does not exist")
        raise InputProblems(Findings([Finding(
            project.strategy_document.location(("build", "template")), "build.template-missing",
            f"the template {project.strategy.build.template} does not exist",
            hint="point build.template at a .docx template, relative to the project folder")]))
    data = read_template_bytes(path)
    key = (path, hashlib.sha256(data).hexdigest())
    if key not in _COMPILED:
        # A long-lived process (build --preview --watch, a library user) compiles each template content once.
        _COMPILED.clear()
        _COMPILED[key] = CompiledTemplate(path, data, cache_dir=ProjectLayout.of(project.root).template_cache_dir)
    return _COMPILED[key]


_COMPILED: dict[tuple[Path, str], CompiledTemplate] = {}
"""The template compiled last, by path and content (rendering never changes a compiled template)."""


def _manifest_partner(partner: SourcedPartner, document: RenderedDocument, sections: list[ManifestSection],
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


def _render_planned(project: Project, template: CompiledTemplate, planned: list[Planned], workers: WorkerPool,
                    write: Callable[[str, bytes], object], notify: Progress) -> list[ManifestPartner]:
    """Render the planned partners, hand each document to ``write`` as it is done, and return their
    manifest entries; a template failure becomes a :class:`TemplateProblem` naming partner and part."""
    entries = []
    notify("rendering", 0, len(planned))
    try:
        documents = render_all(template, [p.job for p in planned], workers)
        # One document per planned job, in order.
        for index, (document, plan) in enumerate(zip(documents, planned, strict=True), start=1):
            write(plan.file, document.data)
            if plan.job.values is not None:  # the source language's documents: where each value came from
                write(provenance_file_name(plan.job.partner), values_json(plan.job.values))
            entries.append(_manifest_partner(plan.partner, document, plan.sections, plan.removed, plan.name))
            notify(f"rendered {plan.name}", index, len(planned))
    except DocumentAssemblyError as error:
        raise _assembly_problem(error, template) from error
    return entries


def _manifest(project: Project, template: CompiledTemplate, number: int | None, previous: int | None,
              partners: list[ManifestPartner], layout: ManifestLayout | None = None,
              language_versions: list[ManifestLanguageDocument] | None = None) -> Manifest:
    strategy = project.strategy
    template_file = ProjectLayout.of(project.root).recorded_name(template.path)  # ../common/custom.docx outside
    return Manifest(tool_version=__version__, draft=number, previous_draft=previous,
                    fingerprint=_fingerprint(project, template), template_file=template_file,
                    template_sha256=template.sha256, strategy_file=project.strategy_document.display_name,
                    strategy_sha256=project.strategy_document.sha256,
                    consultation_round=strategy.consultation.round, issued=strategy.consultation.issued.isoformat(),
                    deadline=strategy.consultation.deadline.isoformat(),
                    partners=sorted(partners, key=lambda p: p.code), layout=layout,
                    language_versions=sorted(language_versions or [], key=lambda d: (d.language, d.code)))


def _manifest_json(manifest: Manifest) -> bytes:
    # A draft without language versions keeps the manifest it always had, byte for byte.
    exclude = None if manifest.language_versions else {"language_versions"}
    return (manifest.model_dump_json(indent=2, exclude=exclude) + "\n").encode("utf-8")


def _split_entries(entries: list[ManifestPartner], planned: list[Planned]
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
    for status in project.translations.subjects.values():  # the translations the language versions printed
        if status.file_exists:
            destination = target / status.translation_file
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(project.root / status.translation_file, destination)


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
    if result.kind == "draft":
        _refresh_register(project, result, notify)
    warnings.extend(result.warnings)
    result.warnings = warnings
    result.seconds = time.perf_counter() - started
    return result


def _refresh_register(project: Project, result: BuildResult, notify: Progress) -> None:
    """Refresh the register named in strategy.yaml (review.register) with the new draft: which draft
    changed and cites each row. A register that is missing, open in an office program, locked or damaged is
    left untouched, with a warning (the draft is published either way)."""
    name = project.strategy.review.register
    if not name:
        return
    from strategy_builder.review.dispositions import refresh_register  # only projects with a register pay

    path = project.root / name
    where = project.strategy_document.location(("review", "register"))
    if not path.exists():
        result.warnings.add(Finding(where, "register.missing", f"the register {name} does not exist; it was not "
                                    "refreshed", Severity.WARNING,
                                    hint="create it with 'strategy-builder comments RETURNED.docx --register FILE'"))
        return
    notify("refreshing the register", 0, 0)
    try:
        refresh_register(path, project.root)
    except EnvironmentProblem as problem:
        result.warnings.add(Finding(where, "register.not-refreshed", f"the register was not refreshed: "
                                    f"{problem.message}", Severity.WARNING,
                                    hint=(problem.hint or "") + "; then run 'strategy-builder register refresh'"))
        return
    result.register = path


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
    if options.preview and options.pdf:
        raise EnvironmentProblem("--pdf writes the PDFs of a draft; a preview is not laid out",
                                 hint="drop --preview to write a draft with PDFs, or drop --pdf")
    if project.translations:  # what CLDR answered before: a preview printing nothing new loads no locale data
        cldr.use_cache(ProjectLayout.of(project.root).cldr_cache_dir)
    with store.locked(options.wait_seconds):
        cleaned = store.clean_leftovers()
        latest = store.layout.latest()
        previous_number, previous = (latest if latest else (None, None))
        if options.preview:
            result = _preview(project, template, store, options, previous_number, previous, workers, notify)
        else:
            result = _draft(project, template, store, options, previous_number, previous, workers, notify)
        cldr.save_cache()
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
    stale_round = round_not_advanced(project, previous_number, previous, _fingerprint(project, template), number)
    if stale_round is not None and options.strict:  # nothing is written: the team decides first
        raise InputProblems(Findings([stale_round.as_error()]))
    # The layout pass (LibreOffice) is imported by drafts only: a preview never pays for it.
    from strategy_builder.drafts.layout_pass import plan_layout
    from strategy_builder.office.libreoffice import ConversionFailed

    want_pdf = project.strategy.build.pdf if options.pdf is None else options.pdf
    plan = plan_layout(template.package, template.path, pdf=want_pdf)
    drafts = published_drafts(store)
    planned = [plan_document(p, project, template.sha256, number, previous_number, previous, drafts=drafts)
               for p in project.partners]
    planned += plan_language_versions(project, planned, default_language(template.package))
    with environment_errors(store.folder, "create a draft folder in"):
        staging = store.new_staging()
    previous_kept = previous_number if previous else None
    try:
        laid_out = plan.office is not None
        entries = []
        if laid_out:
            try:
                entries = _laid_out(project, template, planned, workers, plan, staging, want_pdf, notify)
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
            entries = _render_planned(project, template, planned, workers,
                                      lambda name, data: _write(staging / name, data), notify)
        layout = ManifestLayout(contents_pages=laid_out, engine=plan.engine, fonts=plan.fonts, note=plan.note)
        entries, versions = _split_entries(entries, planned)
        manifest = _manifest(project, template, number, previous_kept, entries, layout, versions)
        (staging / MANIFEST_FILE).write_bytes(_manifest_json(manifest))
        snapshot_inputs(project, staging)
        _write_reports(project, options, store, previous_kept, staging, notify)
        notify("publishing", len(planned), len(planned))
        directory = store.publish(staging, number)
    except OSError as error:  # a full disk, a read-only file system...: nothing was published
        shutil.rmtree(staging, ignore_errors=True)
        raise environment_problem(error, store.draft_dir(number), f"write draft {number:03d} to") from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    outcomes = [PartnerOutcome(e.code, e.name, directory / e.file, len(e.sections), e.words, True, e.pages,
                               directory / e.pdf_file if e.pdf_file else None) for e in entries]
    outcomes += _version_outcomes(versions, directory, planned)
    warnings = Findings([*plan.warnings, *([stale_round] if stale_round else [])])
    return BuildResult("draft", directory, number, previous_kept, outcomes, warnings=warnings, layout=layout)


def _version_outcomes(versions: list[ManifestLanguageDocument], directory: Path, planned: list[Planned],
                      rendered: set[str] | None = None) -> list[PartnerOutcome]:
    names = {(plan.language, plan.partner.code): plan.partner.model.name for plan in planned}
    return [PartnerOutcome(d.code, strip_pending(names.get((d.language, d.code), d.code)), directory / d.file,
                           len([s for s in d.sections if not s.id.endswith(FRONT_MATTER_SUFFIX)]), d.words,
                           rendered is None or d.file in rendered, d.pages,
                           directory / d.pdf_file if d.pdf_file else None, d.language, len(d.pending))
            for d in versions]


def _stranded_headings(docx: Path, pdf: Path) -> frozenset[str]:
    """The section headings that end a page of ``pdf`` (the layout of ``docx``): those whose keep-with-next
    chain (status line, minor heading) is followed by text on a later page."""
    from strategy_builder.office.pdf import bookmark_pages
    from strategy_builder.ooxml.package import DocxPackage
    from strategy_builder.ooxml.pagination import heading_chains

    chains = heading_chains(DocxPackage.open(docx))
    pages = bookmark_pages(pdf, sorted({name for chain in chains for name in chain}))
    return frozenset(heading for heading, follower in chains
                     if heading in pages and follower in pages and pages[follower] > pages[heading])


def _pages_of(pdf: Path, plan: Planned) -> dict[str, int]:
    from strategy_builder.office.pdf import bookmark_pages

    return bookmark_pages(pdf, [entry["anchor"] for entry in plan.job.context["contents"]])


def _laid_out(project: Project, template: CompiledTemplate, planned: list[Planned], workers: WorkerPool,
              layout: LayoutPlan, staging: Path, want_pdf: bool, notify: Progress) -> list[ManifestPartner]:
    """Render the drafts with the page numbers of their contents (see :mod:`strategy_builder.drafts.layout_pass`)
    into ``staging``, and their PDFs when ``want_pdf``; returns the manifest entries."""
    from strategy_builder.drafts.layout_pass import clean_folder, placeholder_for
    from strategy_builder.office.libreoffice import ConversionPool, PdfExport
    from strategy_builder.office.pdf import page_count

    assert layout.office is not None
    scratch = staging / ".layout"
    office_dir = ProjectLayout.of(project.root).office_dir
    count = len(planned)
    try:
        with ConversionPool(layout.office, workers=max(1, min(workers.processes, count)), scratch=office_dir,
                            profiles=office_dir / "profiles") as pool:
            # 1. Lay out with placeholders as wide as the widest number; widen them for long documents.
            pages: dict[str, Pages] = {p.name: Pages(placeholder=placeholder_for(0)) for p in planned}
            pending = list(planned)
            trial_dir = scratch / "trial"
            for attempt in range(3):
                notify("laying out the contents", 0, count)
                trial = [p.with_pages(project, pages[p.name]) for p in pending]
                # One flat folder: LibreOffice names each PDF after its document's stem (ru/AM -> ru__AM).
                _render_planned(project, template, trial, workers,
                                lambda name, data: _write(trial_dir / f"{_flat(name)}", data), lambda *a: None)
                pdfs = pool.convert([trial_dir / _flat(p.file) for p in trial], scratch / "trial-pdf", PdfExport())
                again = []
                for plan, pdf in zip(trial, pdfs, strict=True):
                    code = plan.name
                    used, needed = pages[code].placeholder, placeholder_for(page_count(pdf))
                    breaks = pages[code].breaks
                    if attempt < 2:  # the last layout is taken as it is, its page numbers with it
                        breaks |= _stranded_headings(trial_dir / _flat(plan.file), pdf)
                    # 100 pages or more: lay out again with a placeholder as wide as three digits; a heading
                    # left at the end of a page: again with a page break before it.
                    if attempt < 2 and (len(needed) > len(used) or breaks != pages[code].breaks):
                        pages[code] = Pages(placeholder=max(needed, used, key=len), breaks=breaks)
                        again.append(code)
                    else:
                        pages[code] = Pages(_pages_of(pdf, plan), max(needed, used, key=len), breaks)
                clean_folder(trial_dir)
                pending = [p for p in planned if p.name in again]
                if not pending:
                    break
            final = [p.with_pages(project, pages[p.name]) for p in planned]
            entries = _render_planned(project, template, final, workers,
                                      lambda name, data: _write(staging / name, data), notify)
            if not want_pdf:
                return entries
            return _with_pdfs(project, template, final, entries, pool, workers, staging, scratch, notify,
                              layout.warnings)
    finally:
        clean_folder(scratch)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _flat(name: str) -> str:
    """A document's name as a file name of one flat folder: ``ru/AM.docx`` -> ``ru__AM.docx``."""
    return name.replace("/", "__")


def _with_pdfs(project: Project, template: CompiledTemplate, final: list[Planned], entries: list[ManifestPartner],
               pool: ConversionPool, workers: WorkerPool, staging: Path, scratch: Path,
               notify: Progress, warnings: list[Finding]) -> list[ManifestPartner]:
    """Convert the final drafts to PDF; a document whose headings moved (its printed numbers no longer match)
    is rendered with the pages its PDF shows and converted again, twice at most, then published with a
    warning (``layout.unstable``) rather than silently."""
    from strategy_builder.drafts.layout_pass import placeholder_for
    from strategy_builder.office.libreoffice import PdfExport
    from strategy_builder.office.pdf import page_count

    by_code = {e.code: e for e in entries}
    plans = {p.name: p for p in final}
    pending = list(plans)
    for attempt in range(3):
        notify("writing PDFs", 0, len(pending))
        sources = []
        for code in pending:  # LibreOffice names PDFs by stem: language versions go through flat links
            source = staging / f"{code}.docx"
            if "/" in code:
                link = scratch / "sources" / _flat(f"{code}.docx")
                link.parent.mkdir(parents=True, exist_ok=True)
                link.unlink(missing_ok=True)
                os.link(source, link)
                source = link
            sources.append(source)
        pdfs = pool.convert(sources, scratch / f"pdf-{attempt}", PdfExport(issued=project.strategy.consultation.issued))
        moved = []
        for code, pdf in zip(pending, pdfs, strict=True):
            plan = plans[code]
            actual = _pages_of(pdf, plan)
            printed = {entry["anchor"]: entry["page"] for entry in plan.job.context["contents"]}
            entry = by_code[code]
            if any(str(actual.get(anchor, "")) != page for anchor, page in printed.items()):
                if attempt < 2:
                    moved.append(code)
                    plans[code] = plan.with_pages(project, Pages(actual, placeholder_for(page_count(pdf)),
                                                                 plan.job.stamp.page_breaks))
                    continue
                warnings.append(Finding(
                    Location(entry.file, None, None, ""), "layout.unstable",
                    f"{code}: the page numbers of the contents still moved after two more layouts; some may be "
                    "off by one", Severity.WARNING, "report it with the draft; Word corrects them with F9"))
            data = pdf.read_bytes()  # reproducible: the pool fixed its date and identifier
            (staging / f"{code}.pdf").write_bytes(data)
            by_code[code] = entry.model_copy(update={
                "pages": page_count(pdf), "pdf_file": f"{code}.pdf",
                "pdf_sha256": hashlib.sha256(data).hexdigest()})
        if not moved:
            break
        again = [plans[code] for code in moved]
        for entry in _render_planned(project, template, again, workers,
                                     lambda name, data: _write(staging / name, data), lambda *a: None):
            by_code[entry.code] = entry
        pending = moved
    return [by_code[e.code] for e in entries]


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
    with environment_errors(folder, "create the preview folder"):
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
        rendered = _render_planned(project, template, to_render, workers,
                                   lambda name, data: write_atomic(folder / name, data, durable=False), notify)
    sources_rendered, versions_rendered = _split_entries(rendered, to_render)
    for entry in sources_rendered:
        manifest_partners[entry.code] = entry
    for document in versions_rendered:
        versions[document.language, document.code] = document
    for code, entry in sorted(manifest_partners.items()):
        if code in selected_codes:
            outcomes[code] = PartnerOutcome(code, entry.name, folder / entry.file, len(entry.sections), entry.words,
                                            code not in kept)
    selected_versions = [d for d in versions.values() if d.code in selected_codes]
    manifest = _manifest(project, template, None, previous_number if previous else None,
                         list(manifest_partners.values()), language_versions=list(versions.values()))
    with environment_errors(folder / MANIFEST_FILE, "write the preview's manifest"):
        write_atomic(folder / MANIFEST_FILE, _manifest_json(manifest), durable=False)
    fresh = {d.file for d in versions_rendered}
    return BuildResult("preview", folder, None, previous_number,
                       [outcomes[c] for c in sorted(outcomes)]
                       + _version_outcomes(sorted(selected_versions, key=lambda d: (d.language, d.code)), folder,
                                           to_render, fresh))
