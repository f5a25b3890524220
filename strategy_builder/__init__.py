"""strategy-builder: validated YAML inputs to tracked Word drafts of BMP Migration Partnership Strategies.

The library. Every command of the ``strategy-builder`` CLI is one of these functions plus option parsing
and rendering, and anything the CLI does can be done from Python with them::

    from pathlib import Path
    import strategy_builder as sb

    project = Path("path/to/project")
    result = sb.check(project)                  # every finding of every input file
    draft = sb.build(project)                   # the next draft (or sb.BuildOptions(preview=True))
    report = sb.diff_report("1", "2", project)  # what changed, and why; report.view for reports

Names are imported on first use, so ``import strategy_builder`` costs nothing until one is used:

Projects and their inputs
    ``load_project(root)`` → ``LoadResult`` (the validated ``Project`` with its translations, or ``None``,
    and every finding);
    ``check(root, strict=False)`` → ``CheckResult``; ``new_partner(root, code)`` → ``NewPartnerFile`` (the
    partner file written, and the copy kept of one it replaced); ``write_schemas(folder)`` (or
    ``project=root`` for its ``schemas/``); ``init_project(root, partners)`` starts a project.
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
    into a comment register, keeping what the team wrote; ``read_comments(paths, project_dir,
    register=...)`` → ``CommentsResult`` does both, as ``comments`` does;
    ``consolidate(paths, output, project_dir=...)`` → ``ConsolidationResult`` merges the returns of one
    partner's draft into one .docx; ``refresh_register(project_dir, register=None)`` writes into the
    register which later draft changed and cites each row; ``redline(diff, author=..., date=...)`` → the
    .docx bytes of one compared document's redline (the ``diff`` of a partner of a ``Comparison``), in
    memory, as ``diff_report`` writes them.
Consultation rounds
    ``round_status(project_dir)`` → ``RoundStatus`` (who returned what, what is open and overdue);
    ``write_replies(project_dir, to_draft, ministries=...)`` → ``RepliesResult`` (a reply per ministry
    with its redline, published as ``build/replies/NNN/``); ``propose_returns(paths, project_dir,
    apply=False)`` → ``ProposeResult`` turns reviewers' tracked changes into edits of the YAML values they
    were printed from (applied, backed up and checked with ``apply=True``); ``start_round(project_dir,
    issued, deadline)`` → ``NewRound`` (the next round in ``strategy.yaml``: round and dates only, every
    other byte kept).
Language versions
    ``translation_status(root)`` → ``TranslationStatus``; ``export_translations(root, language, out)``
    and ``import_translations(root, path)`` exchange them with translators (XLIFF 2.1 or xlsx);
    ``align_languages(root, draft, language=None)`` → ``Alignment`` (is each version in step?).
All partners together
    ``partnership_matrix(project_dir, draft=None)`` → ``MatrixResult`` (partners × areas, lead states,
    timeline); ``render_matrix(matrix, format)`` → the bytes of one of its views (``"json"``,
    ``"markdown"``, ``"html"``, ``"xlsx"``); ``build_overview(project_dir, OverviewOptions(...))`` →
    ``OverviewResult`` writes the regional overview ``build/overview/NNN/``.
Tables the library works by
    ``LIMITS``: every limit on what is read, by name (``LIMITS["Word file"].value``, its ``unit``, what it
    ``applies_to`` and ``why``; the table of docs/security.md); ``REGISTER_COLUMNS``: the comment
    register's columns in order (``header``, ``key``, ``owner``: the tool's or the team's, ``kind``).

Errors are values: a problem in the inputs raises :class:`~strategy_builder.errors.InputProblems` carrying
every :class:`~strategy_builder.errors.Finding`; a problem outside them raises
:class:`~strategy_builder.errors.EnvironmentProblem` (see :mod:`strategy_builder.errors`).
"""

from __future__ import annotations

import importlib

# typing.TYPE_CHECKING without importing typing: this module is imported by the warm start's client before
# every command, where typing alone took 3.5 ms (type checkers read any TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    # projects and inputs
    "load_project": "strategy_builder.languages.loading:load_project_with_translations",
    "LoadResult": "strategy_builder.inputs.loading:LoadResult",
    "check": "strategy_builder.drafts.checking:check_project",
    "CheckResult": "strategy_builder.drafts.checking:CheckResult",
    "new_partner": "strategy_builder.inputs.scaffold:scaffold_partner",
    "NewPartnerFile": "strategy_builder.inputs.scaffold:NewPartnerFile",
    "write_schemas": "strategy_builder.inputs.schema:write_schemas",
    "init_project": "strategy_builder.starter:init_project",
    # drafts
    "build": "strategy_builder.drafts.builder:build",
    "BuildOptions": "strategy_builder.drafts.build_types:BuildOptions",
    "BuildResult": "strategy_builder.drafts.build_types:BuildResult",
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
    "read_comments": "strategy_builder.review.returns:read_comments",
    "CommentsResult": "strategy_builder.review.returns:CommentsResult",
    "refresh_register": "strategy_builder.review.dispositions:refresh_project_register",
    "consolidate": "strategy_builder.review.consolidate:consolidate",
    "ConsolidationResult": "strategy_builder.review.consolidation_results:ConsolidationResult",
    # consultation rounds
    "round_status": "strategy_builder.rounds.status:round_status",
    "RoundStatus": "strategy_builder.rounds.status:RoundStatus",
    "write_replies": "strategy_builder.rounds.replies:write_replies",
    "RepliesResult": "strategy_builder.rounds.replies:RepliesResult",
    "propose_returns": "strategy_builder.rounds.proposing:propose_returns",
    "ProposeResult": "strategy_builder.rounds.proposing:ProposeResult",
    "start_round": "strategy_builder.rounds.new_round:start_round",
    "NewRound": "strategy_builder.rounds.new_round:NewRound",
    # language versions
    "translation_status": "strategy_builder.languages.status:translation_status",
    "TranslationStatus": "strategy_builder.languages.status:TranslationStatus",
    "export_translations": "strategy_builder.languages.exchange:export_translations",
    "import_translations": "strategy_builder.languages.exchange:import_translations",
    "align_languages": "strategy_builder.languages.align:align",
    "Alignment": "strategy_builder.languages.align:Alignment",
    # all partners together
    "partnership_matrix": "strategy_builder.regional.source:partnership_matrix",
    "MatrixResult": "strategy_builder.regional.source:MatrixResult",
    "build_overview": "strategy_builder.regional.overview:build_overview",
    "OverviewOptions": "strategy_builder.regional.overview:OverviewOptions",
    "OverviewResult": "strategy_builder.regional.overview:OverviewResult",
    "render_matrix": "strategy_builder.regional.export:render_matrix",
    # reading documents back, in memory
    "redline": "strategy_builder.review.diff:redline",
    # tables
    "LIMITS": "strategy_builder.limits:LIMITS",
    "REGISTER_COLUMNS": "strategy_builder.review.register.columns:COLUMNS",
}
"""Public name -> ``module:attribute`` where it lives."""

__all__ = [
    "__version__", "align_languages", "Alignment", "build", "build_overview", "BuildOptions", "BuildResult", "check",
    "check_template", "CheckResult", "CommentsResult", "compare", "Comparison", "consolidate", "ConsolidationResult",
    "diff_report", "DiffReport", "export_translations", "import_translations", "init_project", "LIMITS",
    "list_sections", "load_project", "LoadResult", "MatrixResult", "new_partner", "NewPartnerFile", "NewRound",
    "OverviewOptions",
    "OverviewResult", "partnership_matrix", "propose_returns", "ProposeResult", "read_comments", "read_returns",
    "redline", "refresh_register", "REGISTER_COLUMNS", "render_matrix", "RepliesResult", "ReturnsBatch",
    "round_status", "RoundStatus", "start_round", "template_context", "translation_status", "TranslationStatus",
    "update_register", "watch_previews", "write_replies", "write_schemas",
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
    from strategy_builder.drafts.build_types import BuildOptions, BuildResult
    from strategy_builder.drafts.builder import build
    from strategy_builder.drafts.template_tools import check_project_template as check_template
    from strategy_builder.drafts.template_tools import template_context
    from strategy_builder.drafts.watch import watch_previews
    from strategy_builder.inputs.loading import LoadResult
    from strategy_builder.languages.loading import load_project_with_translations as load_project
    from strategy_builder.drafts.checking import CheckResult
    from strategy_builder.drafts.checking import check_project as check
    from strategy_builder.inputs.scaffold import NewPartnerFile
    from strategy_builder.inputs.scaffold import scaffold_partner as new_partner
    from strategy_builder.inputs.schema import write_schemas
    from strategy_builder.review.compare import Comparison, compare
    from strategy_builder.review.draft_reports import DiffReport, diff_report
    from strategy_builder.review.register import update_register
    from strategy_builder.review.returns import ReturnsBatch, read_returns
    from strategy_builder.review.section_listing import read_document_sections as list_sections
    from strategy_builder.rounds.new_round import NewRound, start_round
    from strategy_builder.starter import init_project
    from strategy_builder.languages.align import Alignment
    from strategy_builder.languages.align import align as align_languages
    from strategy_builder.languages.exchange import export_translations, import_translations
    from strategy_builder.languages.status import TranslationStatus, translation_status
    from strategy_builder.regional.overview import OverviewOptions, OverviewResult, build_overview
    from strategy_builder.regional.source import MatrixResult, partnership_matrix
    from strategy_builder.review.consolidate import consolidate
    from strategy_builder.review.consolidation_results import ConsolidationResult
    from strategy_builder.review.returns import CommentsResult, read_comments
    from strategy_builder.rounds.replies import RepliesResult, write_replies
    from strategy_builder.rounds.status import RoundStatus, round_status
    from strategy_builder.review.dispositions import refresh_project_register as refresh_register
    from strategy_builder.rounds.proposing import ProposeResult, propose_returns
    from strategy_builder.regional.export import render_matrix
    from strategy_builder.review.diff import redline
    from strategy_builder.limits import LIMITS
    from strategy_builder.review.register.columns import COLUMNS as REGISTER_COLUMNS
