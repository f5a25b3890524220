"""Comparisons and the files written for them: redlines (one per partner, or one file) and the HTML report.

``diff_report`` is the library side of ``strategy-builder diff``; ``write_draft_reports`` is what
``build`` calls on the staging folder of a new draft, before it is published, when ``build.redlines`` /
``build.html_report`` are set in ``strategy.yaml``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from strategy_builder.errors import EnvironmentProblem
from strategy_builder.files import environment_errors
from strategy_builder.layout import HTML_REPORT, REDLINES_DIR, ProjectLayout, refuse_output, write_atomic
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.properties import read_core_texts
from strategy_builder.review.compare import Comparison, Side, compare, compare_sides, resolve_side
from strategy_builder.review.diff import redline
from strategy_builder.review.report_view import ComparisonView, comparison_view

DEFAULT_AUTHOR = "strategy-builder"


def write_redlines(comparison: Comparison, target: Path, *, author: str, date: dt.date) -> list[Path]:
    """Write redlines: ``target/<CODE>.docx`` per partner for drafts, or ``target`` itself for one pair.

    Partners present on one side only get no redline (there is nothing to compare them with).
    """
    pairs = [p for p in comparison.partners if p.diff is not None]
    single = comparison.old.kind == "file" or comparison.new.kind == "file"
    if single and target.suffix.lower() != ".docx":
        raise EnvironmentProblem(f"--redline {target}: comparing two files writes one .docx; give a file name "
                                 "ending in .docx")
    if not single and target.suffix.lower() == ".docx":
        raise EnvironmentProblem(f"--redline {target}: comparing two drafts writes one redline per partner; "
                                 "give a directory")
    written = []
    for partner in pairs:
        path = target if single else target / f"{partner.code}.docx"
        with environment_errors(path, "write the redline"):
            write_atomic(path, redline(partner.diff, author=author, date=date))  # type: ignore[arg-type]
        written.append(path)
    return written


def write_html(comparison: Comparison | ComparisonView, path: Path) -> Path:
    """Write the self-contained HTML report to ``path``."""
    view = comparison if isinstance(comparison, ComparisonView) else comparison_view(comparison)
    from strategy_builder.review.report_html import render_html  # jinja2, imported only for an HTML report

    with environment_errors(path, "write the report"):
        write_atomic(path, render_html(view).encode("utf-8"))
    return path


def drafting_team(side: Side, project_dir: Path) -> str | None:
    """The drafting team's name from the side's inputs snapshot, else from the project's strategy.yaml."""
    for folder in (side.path if side.kind == "draft" else None, project_dir):
        if folder is None:
            continue
        layout = ProjectLayout(folder)
        path = layout.strategy_file
        if path.is_file():
            from strategy_builder.inputs.yamlsource import read_yaml  # YAML, imported only when there is some

            document, _ = read_yaml(path, layout.display_name(path))
            team = document.data.get("drafting_team") if document is not None else None
            if isinstance(team, dict) and isinstance(team.get("name"), str):
                return team["name"]
    return None


def issue_date(side: Side, package: DocxPackage | None = None) -> dt.date | None:
    """The date a side was issued: the draft manifest's ``issued``, else the file's modification stamp
    (read from ``package`` when the file was read already)."""
    if side.manifest is not None:
        try:
            return dt.date.fromisoformat(side.manifest.issued[:10])
        except ValueError:
            pass
    if side.kind == "file":
        package = package if package is not None else DocxPackage.open(side.path)
        modified = read_core_texts(package).get("modified", "").strip()
        try:
            return dt.date.fromisoformat(modified[:10]) if modified else None
        except ValueError:
            return None
    return None


@dataclass(frozen=True, slots=True)
class DiffReport:
    """A comparison, the views every report draws from it, and the files written for it."""

    comparison: Comparison
    view: ComparisonView
    redlines: list[Path] = field(default_factory=list)
    html: Path | None = None


def diff_report(old: str, new: str, project_dir: Path, *, html: Path | None = None, redlines: Path | None = None,
                author: str | None = None, date: dt.date | None = None, language: str | None = None) -> DiffReport:
    """Compare OLD and NEW (draft numbers, draft folders or .docx files) and write the files asked for.

    ``redlines`` is a folder (two drafts: one ``<CODE>.docx`` per partner) or a ``.docx`` file (two
    files); their changes are by ``author`` (default: the drafting team of the new side's inputs, else
    ``strategy-builder``) on ``date`` (default: the new side's issue date, else today). ``html`` is the
    self-contained HTML report. ``language`` compares two drafts' documents in that language version.
    Either inside a published folder or ``inputs/`` is refused (exit 2) before anything is read
    (:func:`~strategy_builder.layout.refuse_output`).
    """
    if html is not None:
        refuse_output(html, "the HTML report")
    if redlines is not None:
        refuse_output(redlines, "the redlines")
    comparison = compare(old, new, project_dir, language)
    view = comparison_view(comparison)
    written: list[Path] = []
    if redlines is not None:
        read = next((p.diff.new.body.package for p in comparison.partners
                     if p.diff is not None and p.new_file == comparison.new.path), None)
        date = date or issue_date(comparison.new, read) or dt.date.today()
        author = author or drafting_team(comparison.new, project_dir) or DEFAULT_AUTHOR
        written = write_redlines(comparison, redlines, author=author, date=date)
    if html is not None:
        write_html(view, html)
    return DiffReport(comparison, view, written, html)


def write_draft_reports(previous_draft_dir: Path, new_draft_dir: Path, *, project_dir: Path, redlines: bool,
                        html: bool, author: str, date: dt.date) -> list[Path]:
    """Write ``<new>/redlines/<CODE>.docx`` and/or ``<new>/diff.html`` against the previous draft.

    ``new_draft_dir`` may be the build's staging folder (it needs the ``.docx`` files and manifest.json;
    an ``inputs/`` snapshot in both folders gives field-level attribution in the HTML report);
    ``project_dir`` is the project folder, whose inputs stand in for a missing snapshot.
    """
    if not redlines and not html:
        return []
    comparison = compare_sides(resolve_side(str(previous_draft_dir), project_dir, role="previous draft"),
                               resolve_side(str(new_draft_dir), project_dir, role="new draft"),
                               project_dir=project_dir)
    written: list[Path] = []
    if redlines:
        written.extend(write_redlines(comparison, new_draft_dir / REDLINES_DIR, author=author, date=date))
    if html:
        written.append(write_html(comparison, new_draft_dir / HTML_REPORT))
    return written


__all__ = ["DEFAULT_AUTHOR", "DiffReport", "diff_report", "drafting_team", "issue_date", "write_draft_reports",
           "write_html", "write_redlines"]
