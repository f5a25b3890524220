"""``strategy-builder translate``: the language versions' translations (status, export, import)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from strategy_builder.cli import cli, format_option, project_argument, verbosity_options
from strategy_builder.cli.output import print_json, render_findings, stdout_console
from strategy_builder.errors import ExitCode


@cli.group(epilog="Example:\n\n    strategy-builder translate status --project path/to/project")
def translate() -> None:
    """The translations of the language versions declared under 'languages' in inputs/strategy.yaml.

    Translations live in inputs/translations/<language>/<CODE>.yaml (and strategy.yaml), keyed by the
    field paths and IDs of the source; each value records the fingerprint of the source text it was
    translated from, so that a later change of the source makes it stale.
    """


@translate.command("status", epilog="Example:\n\n    strategy-builder translate status --format json")
@project_argument
@click.option("--values", "show_values", is_flag=True, help="Also list every missing and stale value with its "
                                                            "source file and line.")
@format_option("text", "json")
@verbosity_options
def status(project_dir: Path, show_values: bool, output_format: str) -> int:
    """Per partner and language: how many values are translated, missing and stale.

    Stale: the source text changed since the translation was made. Country names that are not translated
    are printed as CLDR names them in the language, and count as translated.
    """
    from strategy_builder.languages.status import translation_status

    report = translation_status(project_dir)
    if output_format == "json":
        print_json(report.to_json())
        return ExitCode.OK
    console = stdout_console()
    if not report.translations:
        console.print("No language versions: inputs/strategy.yaml declares no language but the source "
                      f"({report.translations.source_language}).")
        return ExitCode.OK
    table = Table()
    for column, justify in (("Language", "left"), ("Partner", "left"), ("Translated", "right"),
                            ("Missing", "right"), ("Stale", "right"), ("File", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for (language, _), item in sorted(report.translations.subjects.items()):
        counts = item.counts()
        who = "(strategy.yaml: every draft)" if item.subject == "strategy" else item.subject
        table.add_row(language, who, f"{counts['translated']}/{counts['total']}",
                      _count(counts["missing"], "red"), _count(counts["stale"], "yellow"),
                      item.translation_file + ("" if item.file_exists else " [dim](none yet)[/dim]"))
    console.print(table)
    if show_values:
        for (language, _), item in sorted(report.translations.subjects.items()):
            for value in item.pending:
                where = report.source_location(item, value.value)
                console.print(escape(f"{language}  {value.state:7}  {where}  {value.value.key}"))
    pending = sum(len(item.pending) for item in report.translations.subjects.values())
    if pending and not show_values:
        console.print(f"{pending} value(s) missing or stale: 'translate status --values' lists them; "
                      "'translate export --only missing,stale' writes them for translators.")
    findings = [f for f in report.findings if not f.code.startswith("translation.") or
                f.code not in ("translation.missing", "translation.stale", "translation.missing-file")]
    if findings:
        from strategy_builder.errors import Findings

        render_findings(Findings(findings), console)
    return ExitCode.OK


def _count(value: int, colour: str) -> str:
    return f"[{colour}]{value}[/{colour}]" if value else "0"
