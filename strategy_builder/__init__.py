"""strategy-builder: validated YAML inputs to tracked Word drafts of BMP Migration Partnership Strategies.

The library. Every command of the ``strategy-builder`` CLI is one of these functions plus option parsing
and rendering, and anything the CLI does can be done from Python with them::

    import strategy_builder as sb

    result = sb.check("path/to/project")                 # every finding of every input file
    draft = sb.build("path/to/project")                  # the next draft (or BuildOptions(preview=True))
    report = sb.diff_report("1", "2", "path/to/project")  # what changed, and why; report.view for reports

Names are imported on first use, so ``import strategy_builder`` costs nothing until one is used:

Projects and their inputs
    ``load_project(root)`` → ``LoadResult`` (the validated ``Project`` with its translations, or ``None``,
    and every finding);
    ``check(root, strict=False)`` → ``CheckResult``; ``new_partner(root, code)`` writes a partner file;
    ``write_schemas(folder)``; ``init_project(root, partners)`` starts a project.
Drafts
    ``build(root, BuildOptions(...))`` → ``BuildResult`` (a new draft, the preview, or nothing when
    nothing changed); ``watch_previews(root, options, report)`` rebuilds the preview of each partner file
    as it is saved; ``check_template(project_dir, template=None)``; ``template_context(project_dir, code)``.
Reading documents back
    ``compare(old, new, project_dir)`` → ``Comparison`` (drafts by number or folder, or two .docx files);
    ``diff_report(old, new, project_dir, html=..., redlines=...)`` → ``DiffReport`` (the comparison, the
    views every report draws, the files written); ``list_sections(path)`` → the tracked sections of a .docx;
    ``read_returns(paths, project_dir)`` → ``ReturnsBatch`` (every comment and tracked change of returned
    drafts, tied to sections and YAML lines, as register rows); ``update_register(path, rows)`` merges them
    into a comment register, keeping what the team wrote.

Errors are values: a problem in the inputs raises :class:`~strategy_builder.errors.InputProblems` carrying
every :class:`~strategy_builder.errors.Finding`; a problem outside them raises
:class:`~strategy_builder.errors.EnvironmentProblem` (see :mod:`strategy_builder.errors`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    # projects and inputs
    "load_project": "strategy_builder.languages.loading:load_project_with_translations",
    "LoadResult": "strategy_builder.inputs.loading:LoadResult",
    "check": "strategy_builder.drafts.checking:check_project",
    "CheckResult": "strategy_builder.drafts.checking:CheckResult",
    "new_partner": "strategy_builder.inputs.scaffold:scaffold_partner",
    "write_schemas": "strategy_builder.inputs.schema:write_schemas",
    "init_project": "strategy_builder.starter:init_project",
    # drafts
    "build": "strategy_builder.drafts.builder:build",
    "BuildOptions": "strategy_builder.drafts.builder:BuildOptions",
    "BuildResult": "strategy_builder.drafts.builder:BuildResult",
    "check_template": "strategy_builder.drafts.template_tools:check_project_template",
    "template_context": "strategy_builder.drafts.template_tools:template_context",
    "watch_previews": "strategy_builder.drafts.watch:watch_previews",
    # reading documents back
    "compare": "strategy_builder.review.compare:compare",
    "Comparison": "strategy_builder.review.compare:Comparison",
    "diff_report": "strategy_builder.review.draft_reports:diff_report",
    "DiffReport": "strategy_builder.review.draft_reports:DiffReport",
    "list_sections": "strategy_builder.review.section_listing:read_document_sections",
    "read_returns": "strategy_builder.review.returns:read_returns",
    "ReturnsBatch": "strategy_builder.review.returns:ReturnsBatch",
    "update_register": "strategy_builder.review.register:update_register",
}
"""Public name -> ``module:attribute`` where it lives."""

__all__ = [
    "BuildOptions", "BuildResult", "CheckResult", "Comparison", "DiffReport", "LoadResult", "__version__", "build",
    "check", "check_template", "compare", "diff_report", "init_project", "list_sections", "load_project",
    "new_partner", "read_returns", "ReturnsBatch", "template_context", "update_register", "watch_previews",
    "write_schemas",
]


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562); later uses find it in the module's namespace."""
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'strategy_builder' has no attribute {name!r}")
    module, _, attribute = target.partition(":")
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


if TYPE_CHECKING:  # what type checkers and editors see; at run time the names come from __getattr__
    from strategy_builder.drafts.builder import BuildOptions, BuildResult, build
    from strategy_builder.drafts.template_tools import check_project_template as check_template
    from strategy_builder.drafts.template_tools import template_context
    from strategy_builder.drafts.watch import watch_previews
    from strategy_builder.inputs.loading import LoadResult
    from strategy_builder.languages.loading import load_project_with_translations as load_project
    from strategy_builder.drafts.checking import CheckResult
    from strategy_builder.drafts.checking import check_project as check
    from strategy_builder.inputs.scaffold import scaffold_partner as new_partner
    from strategy_builder.inputs.schema import write_schemas
    from strategy_builder.review.compare import Comparison, compare
    from strategy_builder.review.draft_reports import DiffReport, diff_report
    from strategy_builder.review.register import update_register
    from strategy_builder.review.returns import ReturnsBatch, read_returns
    from strategy_builder.review.section_listing import read_document_sections as list_sections
    from strategy_builder.starter import init_project
