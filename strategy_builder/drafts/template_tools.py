"""A project's template checked against the contexts of its next draft, and the context of one partner.

The library side of ``template-check`` and ``context``: both need the jobs the next draft would render
(:func:`strategy_builder.drafts.planning.plan_next_draft`), which is why they live beside the build.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, NamedTuple

from strategy_builder.drafts.planning import plan_next_draft
from strategy_builder.errors import EnvironmentProblem, Findings, InputProblems
from strategy_builder.inputs.loading import load_project
from strategy_builder.layout import ProjectLayout, require_project
from strategy_builder.models.project import Project
from strategy_builder.render.context import without_value_marks


class TemplateCheck(NamedTuple):
    """The findings of a template check and what was checked."""

    template: Path
    partners: int
    findings: Findings


def _project(project_dir: Path, only: set[str] | None = None) -> Project:
    require_project(project_dir)
    result = load_project(project_dir, only=only)
    if result.project is None:
        raise InputProblems(result.findings)
    return result.project


def _sha256(path: Path) -> str:
    from strategy_builder.render.engine import read_template_bytes

    return hashlib.sha256(read_template_bytes(path)).hexdigest()


def check_project_template(project_dir: Path, template: Path | None = None) -> TemplateCheck:
    """Check ``template`` (default: ``build.template`` of strategy.yaml) against the template contract,
    rendering it with the context of every partner of the project's next draft (docs/templates.md)."""
    from strategy_builder.render.template_check import check_template

    project = _project(project_dir)
    path = template or project.template_path
    if not path.exists():
        raise EnvironmentProblem(f"template {path} does not exist")
    jobs = plan_next_draft(project, _sha256(path))
    _, findings = check_template(path, {j.partner: j.context for j in jobs}, {j.partner: j.stamp for j in jobs},
                                 {j.partner: j.expected_sections for j in jobs})
    return TemplateCheck(path, len(jobs), findings)


def template_context(project_dir: Path, code: str) -> dict[str, Any]:
    """The exact template context of partner ``code`` in the project's next draft."""
    code = code.upper()
    # Only this partner's file is read: another partner's file with errors (a colleague's edit under way)
    # does not stop it; `check` reports the whole project.
    project = _project(project_dir, only={code})
    if project.partner(code) is None:
        layout = ProjectLayout.of(project.root)
        raise EnvironmentProblem(f"no partner {code} in {layout.partners_dir}",
                                 hint="codes: " + ", ".join(sorted({p.stem for p in layout.partner_files()})))
    path = project.template_path
    context = plan_next_draft(project, _sha256(path) if path.is_file() else "", [code])[0].context
    return without_value_marks(context)  # the invisible marks of where each value came from are the build's


__all__ = ["TemplateCheck", "check_project_template", "template_context"]
