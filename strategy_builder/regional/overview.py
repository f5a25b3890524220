"""``overview``: the inputs → the matrix → two figures → the overview document → ``build/overview/NNN/``.

An overview is numbered and published like a draft: it is written and verified in a hidden staging folder
under the project's one build lock, flushed to disk and renamed into place in one step, so that
``build/overview/NNN/`` appears complete or not at all and earlier overviews are never touched. The folder
holds ``overview.docx``, the figures as PNG and SVG, ``matrix.json``, ``manifest.json`` (the same model as a
draft's, ``series: overview``) and a snapshot of the inputs, which ``diff`` reads to say which YAML fields
changed. Same inputs (and draft numbers quoted) and the same strategy-builder give byte-identical files.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from strategy_builder import __version__
from strategy_builder.drafts.changes import manifest_sections, section_changes
from strategy_builder.store import DraftStore
from strategy_builder.errors import Findings
from strategy_builder.layout import MANIFEST_FILE, OVERVIEW_DIR
from strategy_builder.models.manifest import Manifest, ManifestPartner
from strategy_builder.models.section_records import stable_hash
from strategy_builder.regional.matrix import RegionalMatrix
from strategy_builder.regional.source import RegionalInputs, load_regional_inputs

if TYPE_CHECKING:
    from strategy_builder.regional.overview_document import OverviewSection

OVERVIEW_CODE = "overview"
"""The overview's code: its stamp ``strategy_builder.partner``, its manifest entry, the first part of its IDs."""
OVERVIEW_FILE = "overview.docx"

Progress = Callable[[str], None]
LAYOUT_VERSION = "1"
"""Changes when the overview's layout changes without a new tool version (part of the fingerprint)."""


class OverviewOptions(NamedTuple):
    """What the user asked of ``overview``."""

    draft: int | None = None
    """Build from the inputs snapshot of this draft instead of the current inputs."""
    force: bool = False
    """Write a new overview even when nothing changed since the last one."""
    pdf: bool = False
    wait_seconds: float = 60.0


@dataclass(slots=True)
class OverviewResult:
    """What ``overview`` did: a new overview, or nothing because nothing changed."""

    kind: str
    """``overview`` or ``unchanged``."""
    directory: Path
    number: int
    previous: int | None
    files: list[Path] = field(default_factory=list)
    sections: int = 0
    words: int = 0
    warnings: Findings = field(default_factory=Findings)
    seconds: float = 0.0
    matrix: RegionalMatrix | None = None


def _fingerprint(matrix: RegionalMatrix) -> str:
    source = matrix.source
    return stable_hash({"inputs": source.inputs_sha256, "draft": source.draft, "numbers": source.numbers_from_draft,
                        "tool": __version__, "layout": LAYOUT_VERSION})


def _manifest(inputs: RegionalInputs, matrix: RegionalMatrix, number: int, previous: Manifest | None,
              previous_number: int | None, sections: list[OverviewSection], docx_sha256: str, words: int
              ) -> Manifest:
    project = inputs.project
    old = previous.partner(OVERVIEW_CODE) if previous is not None else None
    # Compared with the previous overview as drafts compare theirs: the one classification of changes.
    entries, removed = manifest_sections(sections, section_changes(sections, old), old)
    document = ManifestPartner(code=OVERVIEW_CODE, name="Regional overview", file=OVERVIEW_FILE,
                               docx_sha256=docx_sha256, input_file=project.strategy_document.display_name,
                               input_sha256=matrix.source.inputs_sha256, words=words, sections=entries,
                               removed_sections=removed)
    return Manifest(series="overview", tool_version=__version__, draft=number,
                    previous_draft=previous_number if previous is not None else None,
                    fingerprint=_fingerprint(matrix), template_file="",
                    template_sha256=stable_hash({"layout": LAYOUT_VERSION, "tool": __version__}),
                    strategy_file=project.strategy_document.display_name,
                    strategy_sha256=project.strategy_document.sha256,
                    consultation_round=project.strategy.consultation.round,
                    issued=project.strategy.consultation.issued.isoformat(), partners=[document])


def build_overview(project_dir: Path, options: OverviewOptions = OverviewOptions(),
                   progress: Progress | None = None) -> OverviewResult:
    """Write the next overview ``build/overview/NNN/`` (see the module docstring).

    Raises :class:`~strategy_builder.errors.InputProblems` for invalid inputs and
    :class:`~strategy_builder.errors.EnvironmentProblem` for a missing draft, a busy lock, a missing
    LibreOffice (with ``pdf``) or a folder that cannot be written.
    """
    started = time.perf_counter()
    notify = progress or (lambda message: None)
    notify("validating inputs")
    inputs = load_regional_inputs(project_dir, options.draft)
    matrix = inputs.matrix()
    store = DraftStore(project_dir, OVERVIEW_DIR)
    with store.locked(options.wait_seconds):
        store.clean_leftovers()
        latest = store.latest()
        previous_number, previous = latest if latest else (None, None)
        if previous is not None and previous.fingerprint == _fingerprint(matrix) and not options.force:
            assert previous_number is not None
            return OverviewResult("unchanged", store.draft_dir(previous_number), previous_number, previous_number,
                                  warnings=inputs.warnings, seconds=time.perf_counter() - started, matrix=matrix)
        number = store.next_number()
        with store.staged(number, "overview") as staging:
            result = _write(inputs, matrix, number, previous, previous_number, staging, options, notify)
            notify("publishing")
            directory = store.publish(staging, number)
    result.directory = directory
    result.files = [directory / path.name for path in result.files]
    result.warnings = inputs.warnings
    result.seconds = time.perf_counter() - started
    return result


def _write(inputs: RegionalInputs, matrix: RegionalMatrix, number: int, previous: Manifest | None,
           previous_number: int | None, staging: Path, options: OverviewOptions, notify: Progress) -> OverviewResult:
    # python-docx and matplotlib are imported only when an overview is written, never at start-up.
    from strategy_builder.drafts.new_draft import snapshot_inputs
    from strategy_builder.regional.charts import overview_figures
    from strategy_builder.regional.overview_document import OverviewStamp, overview_document
    from strategy_builder.regional.views.as_json import matrix_json
    from strategy_builder.render.dates import period_text
    from strategy_builder.render.labels import catalogue

    strategy = inputs.project.strategy
    notify("drawing the figures")
    figures = overview_figures(matrix)
    stamp = OverviewStamp(number, __version__, strategy.drafting_team.name, strategy.drafting_team.organisation or "",
                          strategy.consultation.issued, strategy.series.subtitle or "",
                          " ".join((strategy.series.disclaimer or "").split()),
                          period_text(strategy.series.period, catalogue()))
    notify("writing the document")
    document, sections = overview_document(matrix, figures, stamp)
    files = [staging / OVERVIEW_FILE]
    (staging / OVERVIEW_FILE).write_bytes(document.data)
    for figure in figures:
        for suffix, data in ((".png", figure.png), (".svg", figure.svg)):
            (staging / f"{figure.name}{suffix}").write_bytes(data)
            files.append(staging / f"{figure.name}{suffix}")
    (staging / "matrix.json").write_bytes(matrix_json(matrix))
    files.append(staging / "matrix.json")
    manifest = _manifest(inputs, matrix, number, previous, previous_number, sections, document.sha256,
                         document.words)
    (staging / MANIFEST_FILE).write_bytes((manifest.model_dump_json(indent=2) + "\n").encode("utf-8"))
    snapshot_inputs(inputs.project, staging)
    if options.pdf:
        from strategy_builder.office.conversion import PdfExport, convert_to_pdf

        notify("converting to PDF with LibreOffice")
        # The round's issue date, not the clock, dates the PDF: the same inputs give the same bytes.
        files += convert_to_pdf([staging / OVERVIEW_FILE], staging, purpose="overview --pdf",
                                export=PdfExport(issued=strategy.consultation.issued))
    return OverviewResult("overview", staging, number, previous_number if previous is not None else None, files,
                          len(sections), document.words, matrix=matrix)
