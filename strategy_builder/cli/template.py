"""``strategy-builder template-check`` and ``context``: the template contract, checked and shown."""

from __future__ import annotations

from pathlib import Path

import click

import strategy_builder as library
from strategy_builder.cli import cli
from strategy_builder.cli.options import format_option, project_argument, project_option, verbosity_options
from strategy_builder.cli.output import findings_payload, print_json, render_findings, stdout_console
from strategy_builder.errors import ExitCode


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
    checked = library.check_template(project_dir, template)
    findings = checked.findings
    if output_format == "json":
        print_json(findings_payload(findings))
    else:
        render_findings(findings, stdout_console(), summary_ok=f"{checked.template}: the template renders all "
                                                            f"{checked.partners} partner(s) and keeps every section")
    return ExitCode.INPUT_PROBLEMS if findings.has_errors() else ExitCode.OK


@cli.command("context", epilog="Example:\n\n    strategy-builder context AM > am-context.json")
@click.argument("code")
@project_argument
@verbosity_options
def context_command(code: str, project_dir: Path) -> int:
    """Print the exact template context of partner CODE for the next draft, as JSON."""
    print_json(library.template_context(project_dir, code))
    return ExitCode.OK
