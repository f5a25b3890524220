"""``strategy-builder check``: validate every input file and report every problem at once."""

from __future__ import annotations

from pathlib import Path

import click

import strategy_builder as library
from strategy_builder.cli import cli
from strategy_builder.cli.options import format_option, project_argument, verbosity_options
from strategy_builder.cli.output import findings_payload, is_quiet, print_json, render_findings, stdout_console
from strategy_builder.errors import ExitCode


@cli.command(epilog="Example:\n\n    strategy-builder check --strict --format json --project path/to/project")
@project_argument
@click.option("--strict", is_flag=True, help="Treat policy warnings as errors.")
@format_option("text", "json")
@verbosity_options
def check(project_dir: Path, strict: bool, output_format: str) -> int:
    """Validate inputs/strategy.yaml, every inputs/partners/<CODE>.yaml and the translations.

    Reports every problem of every file with file:line:column, the field, a message and a hint, and warns
    when the next draft would keep the latest draft's consultation round and dates although it changed.
    Exits 0 when there are no errors, 1 when there are, 2 when the folder is not a project.
    """
    result = library.check(project_dir, strict=strict)
    findings = result.findings
    if output_format == "json":
        print_json(findings_payload(findings))
    else:
        summary = (None if is_quiet()
                   else f"inputs are valid: {result.partners} partner(s) checked in {result.seconds:.2f} s")
        render_findings(findings, stdout_console(), summary_ok=summary)
        if not findings.has_errors() and findings.warnings and not is_quiet():
            stdout_console().print(f"[green]no errors[/green] ({result.partners} partner(s))")
    return ExitCode.INPUT_PROBLEMS if findings.has_errors() else ExitCode.OK
