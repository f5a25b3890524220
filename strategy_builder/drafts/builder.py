"""``build``: validated inputs -> a new immutable draft (or the overwritable preview), with its manifest.

This module runs a build from end to end: it loads and validates the inputs, compiles the template, takes
the project's lock and hands over to :mod:`~strategy_builder.drafts.new_draft` (a numbered draft) or
:mod:`~strategy_builder.drafts.preview` (the preview), then refreshes the comment register of a new draft.
The options and the result live in :mod:`~strategy_builder.drafts.build_types`.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path

from strategy_builder import cldr
from strategy_builder.drafts.build_types import BuildOptions, BuildResult, Progress, RebuildMemory
from strategy_builder.drafts.new_draft import write_draft
from strategy_builder.drafts.preview import write_preview
from strategy_builder.store import DraftStore
from strategy_builder.drafts.worker_pool import WorkerPool, default_jobs
from strategy_builder.errors import EnvironmentProblem, Finding, Findings, InputProblems, Severity
from strategy_builder.inputs.cache import InputCache
from strategy_builder.inputs.policy import for_circulation
from strategy_builder.languages.loading import load_project_with_translations, untranslated_for_circulation
from strategy_builder.layout import ProjectLayout, require_project
from strategy_builder.models.project import Project
from strategy_builder.render.engine import CompiledTemplate, read_template_bytes

__all__ = ["BuildOptions", "BuildResult", "Progress", "RebuildMemory", "build", "build_project"]
"""The options, result and progress callback are defined in ``build_types`` and importable from here too."""


def _load(root: Path, options: BuildOptions, cache: InputCache) -> tuple[Project, Findings]:
    # A preview of some partners (the watcher's rebuild of one partner) reads strategy.yaml, their files and
    # their translations only: another partner's file with errors (a colleague's edit under way) does not
    # stop it, and `check` or a draft reports the whole project.
    only = set(options.partners) if options.preview and options.partners else None
    result = load_project_with_translations(root, cache=cache, only=only)
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


def build(root: Path, options: BuildOptions = BuildOptions(), progress: Progress | None = None, *,
          memory: RebuildMemory | None = None) -> BuildResult:
    """Validate, then write a new draft ``build/drafts/NNN`` (or update ``build/preview``).

    ``memory``: what the last preview build of a long-lived process kept (the watcher's), reused where it
    provably gives the same files; see :class:`RebuildMemory`.

    Raises :class:`InputProblems` for invalid inputs, :class:`TemplateProblem` for a template that cannot
    render, :class:`EnvironmentProblem` when another build holds the lock too long.
    """
    started = time.perf_counter()
    notify = progress or (lambda message, done, total: None)
    notify("validating inputs", 0, 0)
    require_project(root)
    # The cache writes what this run learnt about the inputs on a thread of its own, while the build goes on.
    with InputCache(ProjectLayout.of(root).input_cache_dir, background=True,
                    later=memory.later if memory is not None else None) as cache:
        project, warnings = _load(root, options, cache)
        result = build_project(project, options, notify, before_fork=cache.close, memory=memory)
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
                  progress: Progress | None = None, *, before_fork: Callable[[], None] | None = None,
                  memory: RebuildMemory | None = None) -> BuildResult:
    """Build an already validated project (the stage after loading; benchmarks call it directly).

    ``before_fork`` runs before worker processes are forked, if they are (see :class:`WorkerPool`);
    ``memory`` is used by a preview (see :func:`build`)."""
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
            result = write_preview(project, template, store, options, previous_number, previous, workers, notify,
                                   memory)
        else:
            result = write_draft(project, template, store, options, previous_number, previous, workers, notify)
        cldr.save_cache()
    result.cleaned = cleaned
    result.template = template.path
    result.packaged_template = options.template is None and project.uses_packaged_template
    result.seconds = time.perf_counter() - started
    return result
