"""Where the regional picture is read from: the current inputs, or the inputs snapshot of a published draft."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from strategy_builder.errors import EnvironmentProblem, Findings, InputProblems
from strategy_builder.inputs.loading import load_project
from strategy_builder.layout import ProjectLayout, require_project
from strategy_builder.models.manifest import Manifest
from strategy_builder.models.project import Project
from strategy_builder.regional.matrix import RegionalMatrix, compute_matrix


class RegionalInputs(NamedTuple):
    """A validated project (current inputs or a draft's snapshot), its warnings, and what it was read from."""

    project: Project
    warnings: Findings
    draft: int | None
    """The draft whose snapshot was read; ``None`` for the current inputs."""
    numbers_from_draft: int | None
    """The draft whose section numbers these inputs give (see :class:`.MatrixSource`)."""

    def matrix(self) -> RegionalMatrix:
        """The matrix of these inputs (computed each call: callers keep the one they compute)."""
        return compute_matrix(self.project, draft=self.draft, numbers_from_draft=self.numbers_from_draft)


def _same_inputs(project: Project, manifest: Manifest | None) -> bool:
    if manifest is None or manifest.strategy_sha256 != project.strategy_document.sha256:
        return False
    built = {p.code: p.input_sha256 for p in manifest.partners}
    return built == {p.code: p.document.sha256 for p in project.partners}


def load_regional_inputs(project_dir: Path, draft: int | None = None) -> RegionalInputs:
    """Read and validate the inputs of ``project_dir`` (or of its draft ``draft``).

    Raises :class:`InputProblems` with every finding when the inputs have errors, and
    :class:`EnvironmentProblem` when the project or the draft (or its inputs snapshot) does not exist.
    """
    require_project(project_dir)
    layout = ProjectLayout.of(project_dir)
    if draft is not None:
        folder = layout.draft_dir(draft)
        if not ProjectLayout(folder).inputs_dir.is_dir():
            numbers = layout.draft_numbers()
            known = ", ".join(str(n) for n in numbers) if numbers else "none yet"
            what = "has no inputs snapshot" if folder.is_dir() else "does not exist"
            raise EnvironmentProblem(f"draft {draft} {what} ({folder})",
                                     hint=f"drafts of this project: {known}")
        result = load_project(folder)
        numbers_from: int | None = draft
    else:
        result = load_project(project_dir, cache_dir=layout.input_cache_dir)
        numbers_from = None
    if result.findings.has_errors() or result.project is None:
        raise InputProblems(result.findings)
    if draft is None:
        latest = layout.latest()
        if latest is not None and _same_inputs(result.project, latest[1]):
            numbers_from = latest[0]
    return RegionalInputs(result.project, Findings(result.findings.warnings), draft, numbers_from)


class MatrixResult(NamedTuple):
    """The partnership matrix of a project's inputs (or of a draft's snapshot), and the inputs' warnings."""

    matrix: RegionalMatrix
    warnings: Findings


def partnership_matrix(project_dir: Path, draft: int | None = None) -> MatrixResult:
    """The matrix of ``project_dir``'s current inputs, or of draft ``draft``'s snapshot; raises as
    :func:`load_regional_inputs` does. Its views: :func:`strategy_builder.regional.export.render_matrix`
    (bytes) and :func:`~strategy_builder.regional.export.write_matrix` (a file)."""
    inputs = load_regional_inputs(project_dir, draft)
    return MatrixResult(inputs.matrix(), inputs.warnings)
