"""``strategy-builder template-check`` and ``context``: the template contract, checked and shown."""

from __future__ import annotations

import hashlib
from pathlib import Path

import click

from strategy_builder.cli import cli, format_option, project_argument, project_option, verbosity_options
from strategy_builder.cli.output import findings_payload, print_json, render_findings, stdout_console
from strategy_builder.drafts.builder import plan_next_draft
from strategy_builder.errors import EnvironmentProblem, ExitCode, InputProblems
from strategy_builder.inputs.loading import load_project, require_project
from strategy_builder.models.project import Project
from strategy_builder.render.engine import read_template_bytes
from strategy_builder.render.template_check import check_template


def _project(project_dir: Path) -> Project:
    require_project(project_dir)
    result = load_project(project_dir)
    if result.project is None:
        raise InputProblems(result.findings)
    return result.project


@cli.command("template-check", epilog="Example:\n\n    strategy-builder template-check templates/my-ministry.docx")
@click.argument("template", required=False, type=click.Path(dir_okay=False, path_type=Path))
@project_option()
@format_option("text", "json")
@verbosity_options
def template_check(template: Path | None, project_dir: Path, output_format: str) -> int:
    """Check a Word template against the template contract (docs/templates.md).

    Reports Jinja syntax errors with the part and the offending text, every variable the context does not
    provide (body, headers, footers, footnotes, endnotes, document properties), attributes that fail when
    rendering each partner of the project, and section markers the template loses. TEMPLATE defaults to
    build.template of inputs/strategy.yaml.
    """
    project = _project(project_dir)
    path = template or project.template_path
    if not path.exists():
        raise EnvironmentProblem(f"template {path} does not exist")
    sha = hashlib.sha256(read_template_bytes(path)).hexdigest()
    jobs = plan_next_draft(project, sha)
    _, findings = check_template(path, {j.partner: j.context for j in jobs}, {j.partner: j.stamp for j in jobs},
                                 {j.partner: j.expected_sections for j in jobs})
    if output_format == "json":
        print_json(findings_payload(findings))
    else:
        render_findings(findings, stdout_console(),
                        summary_ok=f"{path}: the template renders all {len(jobs)} partner(s) and keeps every section")
    return ExitCode.INPUT_PROBLEMS if findings.has_errors() else ExitCode.OK


@cli.command("context", epilog="Example:\n\n    strategy-builder context AM > am-context.json")
@click.argument("code")
@project_argument
@verbosity_options
def context_command(code: str, project_dir: Path) -> int:
    """Print the exact template context of partner CODE for the next draft, as JSON."""
    project = _project(project_dir)
    code = code.upper()
    if project.partner(code) is None:
        raise EnvironmentProblem(f"no partner {code} in {project.root / 'inputs/partners'}",
                                 hint="codes: " + ", ".join(p.code for p in project.partners))
    path = project.template_path
    sha = hashlib.sha256(read_template_bytes(path)).hexdigest() if path.is_file() else ""
    print_json(plan_next_draft(project, sha, [code])[0].context)
    return ExitCode.OK
