"""``strategy-builder translate``: the language versions' translations (status, export, import)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

import strategy_builder as library
from strategy_builder.cli import cli
from strategy_builder.cli.options import (
    format_option, project_argument, project_option, verbosity_options,
)
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
    report = library.translation_status(project_dir)
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
    if report.problems.items:
        render_findings(report.problems, console)
    return ExitCode.OK


def _count(value: int, colour: str) -> str:
    return f"[{colour}]{value}[/{colour}]" if value else "0"


@translate.command("export", epilog="Examples:\n\n    strategy-builder translate export --lang ru --out ru.xlf\n\n"
                                    "    strategy-builder translate export --lang ru --only missing,stale "
                                    "--out ru.xlsx")
@project_argument
@click.option("--lang", "language", required=True, metavar="LANGUAGE", help="The language version to export (ru).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write: .xlf or .xliff (XLIFF 2.1, for CAT tools) or .xlsx (a spreadsheet).")
@click.option("--only", "only", default=None, metavar="STATES",
              help="Only values in these states, comma-separated: missing, stale, translated [default: all].")
@click.option("--partner", "partners", multiple=True, metavar="CODE",
              help="Only this partner's values (repeatable); strategy.yaml's texts are always included.")
@format_option("text", "json")
@verbosity_options
def export(project_dir: Path, language: str, out: Path, only: str | None, partners: tuple[str, ...],
           output_format: str) -> int:
    """Write the values of a language version for translators, with the source text, notes on where each one
    is printed and what it is, the previous translation of a stale value, and the fingerprint of the source
    (which 'translate import' records)."""
    from strategy_builder.languages.exchange import STATES

    states = None
    if only is not None:
        states = {state.strip() for state in only.split(",") if state.strip()}
        unknown = sorted(states - set(STATES))
        if unknown:
            raise click.BadParameter(f"{', '.join(unknown)}: choose among {', '.join(STATES)}", param_hint="--only")
    result = library.export_translations(project_dir, language, out, only=states,
                                         partners={p.upper() for p in partners} if partners else None)
    if output_format == "json":
        print_json({"file": str(result.path), "language": result.language, "units": result.counts,
                    "backup": str(result.backup) if result.backup is not None else None})
        return ExitCode.OK
    total = sum(result.counts.values())
    parts = ", ".join(f"{n} {state}" for state, n in sorted(result.counts.items())) or "nothing to translate"
    kept = f" (the previous file kept as {escape(str(result.backup))})" if result.backup is not None else ""
    stdout_console().print(f"[green]Exported[/green] {total} value(s) ({parts}) to {escape(str(result.path))}{kept}")
    return ExitCode.OK


@translate.command("import", epilog="Example:\n\n    strategy-builder translate import ru-returned.xlf")
@project_option()
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@format_option("text", "json")
@verbosity_options
def import_(project_dir: Path, file: Path, output_format: str) -> int:
    """Import translated values from FILE (.xlf, .xliff or .xlsx, as 'translate export' wrote it) into
    inputs/translations/: only the values it carries change, each with the fingerprint of the source text
    it was translated from; a value translated from an older source text is imported as stale. A copy of
    each file changed goes to .backups/ beside it. With any error nothing is written (exit 1)."""
    result = library.import_translations(project_dir, file)
    if output_format == "json":
        print_json({"file": str(file), "language": result.language, "counts": dict(result.counts),
                    "changed_files": result.files, "backups": [str(path) for path in result.backups],
                    "warnings": [f.to_json() for f in result.warnings.sorted()]})
        return ExitCode.OK
    console = stdout_console()
    if result.warnings.items:
        from strategy_builder.cli.output import render_findings as show

        show(result.warnings, console)
    counts = result.counts
    console.print(f"[green]Imported[/green] {escape(str(file))} ({result.language}): {counts['new']} new, "
                  f"{counts['updated']} updated, {counts['unchanged']} unchanged, {counts['stale']} stale, "
                  f"{counts['empty']} without a translation")
    for name in result.files:
        console.print(f"  wrote {name}")
    for backup in result.backups:
        console.print(f"  [dim]previous version kept as {escape(str(backup))}[/dim]")
    return ExitCode.OK

