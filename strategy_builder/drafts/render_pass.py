"""Rendering the planned documents of a build: each document handed to a writer as it is done (with the
table of where its values came from), its manifest entry made, and a template that fails to render turned
into a :class:`TemplateProblem` naming the partner and the part."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from strategy_builder.drafts.build_manifest import manifest_partner
from strategy_builder.drafts.worker_pool import WorkerPool, render_all
from strategy_builder.errors import Finding, Findings, Location, TemplateProblem
from strategy_builder.layout import provenance_file_name
from strategy_builder.render.assembly import DocumentAssemblyError

if TYPE_CHECKING:
    from strategy_builder.drafts.build_types import Progress, RebuildMemory
    from strategy_builder.drafts.planning import Planned
    from strategy_builder.models.manifest import ManifestPartner
    from strategy_builder.models.project import Project
    from strategy_builder.render.engine import CompiledTemplate


def render_planned(project: Project, template: CompiledTemplate, planned: list[Planned], workers: WorkerPool,
                   write: Callable[[str, bytes], object], notify: Progress,
                   memory: RebuildMemory | None = None) -> list[ManifestPartner]:
    """Render the planned partners, hand each document to ``write`` as it is done, and return their
    manifest entries; a template failure becomes a :class:`TemplateProblem` naming partner and part.
    ``memory``: what the last build of these documents made (a watcher's), see :class:`RebuildMemory`."""
    entries = []
    notify("rendering", 0, len(planned))
    memos = [memory.document(p.name) for p in planned] if memory is not None else None
    if memos is not None and len({p.job.partner for p in planned}) == 1:
        # A watcher's rebuild of one partner (its document and its language versions) stays in this process,
        # where their memos are: a forked worker could neither use a memo nor keep what it finished for the
        # next save, and starting it costs about what finishing a document does. A wording save of a partner
        # with a Russian version, in process, median of 30: 55-57 ms with a worker; 35-41 ms here, 29 once
        # the Russian version's untranslated values were patched too.
        workers = workers._replace(processes=1)
    try:
        documents = render_all(template, [p.job for p in planned], workers, memos=memos)
        # One document per planned job, in order.
        for index, (document, plan) in enumerate(zip(documents, planned, strict=True), start=1):
            write(plan.file, document.data)
            if plan.job.values is not None:  # the source language's documents: where each value came from
                write(provenance_file_name(plan.job.partner), plan.job.values.json())
            entries.append(manifest_partner(plan.partner, document, plan.sections, plan.removed, plan.name))
            notify(f"rendered {plan.name}", index, len(planned))
    except DocumentAssemblyError as error:
        raise _assembly_problem(error, template) from error
    return entries


def _assembly_problem(error: DocumentAssemblyError, template: CompiledTemplate) -> TemplateProblem:
    return TemplateProblem(Findings([Finding(
        Location(str(template.path), None, None, error.part), "build.document",
        f"partner {error.partner}: {error.message}",
        hint="run 'strategy-builder template-check' on the template")]))


def write_staged(path: Path, data: bytes) -> None:
    """Write a file of a staging folder (published as a whole, by one rename, or removed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
