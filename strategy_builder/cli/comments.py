"""``strategy-builder comments``: read returned drafts and keep the comment register."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from strategy_builder.cli import INTERNAL_ERROR, cli, format_option, verbosity_options
from strategy_builder.cli.output import print_json, stderr_console, stdout_console
from strategy_builder.errors import EnvironmentProblem, ExitCode, UntrustedDocumentError
from strategy_builder.inputs.root import locate_project
from strategy_builder.review.register import (
    RegisterRow, merge, read_register, rows_from_returns, summarise, write_register,
)
from strategy_builder.review.returns import ManifestIndex, ReturnedFile, read_return

EPILOG = """Examples:

    strategy-builder comments returns/AM_003_*.docx --register register.xlsx --summary

    strategy-builder comments --project path/to/project --ministry "Ministry of Labour" AM.docx
"""


@cli.command(epilog=EPILOG)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--project", "project", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder whose build/drafts/NNN/manifest.json give YAML files and lines "
                   "[default: found upward from the current folder]. A folder given among FILES is taken "
                   "as the project folder too.")
@click.option("--register", "register", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Comment register to create or update: .xlsx, .csv, .html or .json.")
@click.option("--ministry", default=None,
              help="The returning ministry for every FILE [default: from each file name, e.g. "
                   "AM_003_Ministry of Labour.docx -> Ministry of Labour].")
@click.option("--summary", is_flag=True, help="Print counts by partner, area, ministry and disposition.")
@format_option("text", "json")
@verbosity_options
def comments(files: tuple[Path, ...], project: Path | None, register: Path | None, ministry: str | None,
             summary: bool, output_format: str) -> int:
    """Read returned drafts (FILE.docx...) and list every comment, reply and tracked change.

    Each item is tied to its tracked section, partner, area and priority, and to the YAML file and
    line that produced the section in the draft the file came from. Items outside tracked sections,
    and files not made by strategy-builder, are listed with their nearest heading.

    A file that cannot be read safely is reported and skipped; the others are still processed.
    Exit codes: 0 all files read, 1 some file could not be read, 2 usage error or unreadable
    register, 3 internal error.
    """
    paths, project_dir = _split_arguments(files, project)
    existing = read_register(register) if register is not None else []  # fail before any work
    manifests = ManifestIndex(project_dir)
    returns: list[ReturnedFile] = []
    failed: list[tuple[Path, str]] = []
    internal = False
    for path in paths:
        started = time.perf_counter()
        try:
            returns.append(read_return(path, project_dir, ministry=ministry, manifests=manifests))
        except UntrustedDocumentError as error:
            failed.append((path, error.reason))
        except Exception as error:  # noqa: BLE001 - one odd file must not stop the batch
            failed.append((path, f"internal error while reading ({type(error).__name__}: {error})"))
            internal = True
        if time.perf_counter() - started > 30:
            stderr_console().print(f"[yellow]{escape(str(path))}: reading took "
                                   f"{time.perf_counter() - started:.0f} s[/yellow]")
    # Rows are made per file (their IDs do not depend on the other files of the batch).
    per_file = [rows_from_returns([returned]) for returned in returns]
    rows = [row for file_rows in per_file for row in file_rows]
    register_info = None
    all_rows = rows
    if register is not None:
        result = merge(existing, rows)
        write_register(register, result.rows)
        all_rows = result.rows
        register_info = {"file": str(register), "rows": len(result.rows), "added": result.added,
                         "updated": result.updated}
    counts = summarise(all_rows) if summary else None
    if output_format == "json":
        _print_json(returns, per_file, failed, register_info, counts)
    else:
        _print_text(returns, per_file, failed, register_info, counts)
    if internal:
        return INTERNAL_ERROR
    return ExitCode.INPUT_PROBLEMS if failed else ExitCode.OK


def _split_arguments(files: tuple[Path, ...], project: Path | None) -> tuple[list[Path], Path]:
    """Files to read, and the project folder (``--project``, a folder among FILES, or ``.``)."""
    folders = [f for f in files if f.is_dir()]
    paths = [f for f in files if not f.is_dir()]
    if len(folders) > 1 or (folders and project is not None and folders[0].resolve() != project.resolve()):
        raise click.UsageError("give one project folder (--project DIR or one folder among the files)")
    if not paths:
        raise click.UsageError("no .docx file given")
    project_dir = project or (folders[0] if folders else locate_project(None).path)
    if not project_dir.is_dir():
        raise EnvironmentProblem(f"project folder {project_dir} does not exist")
    return paths, project_dir


def _row_json(row: RegisterRow) -> dict[str, object]:
    return dataclasses.asdict(row)


def _print_json(returns: list[ReturnedFile], rows: list[list[RegisterRow]], failed: list[tuple[Path, str]],
                register_info: dict[str, object] | None, counts: dict[str, dict[str, int]] | None) -> None:
    print_json({
        "files": [{"file": str(r.path), "ministry": r.ministry, "partner": r.partner, "draft": r.draft,
                   "made_by_strategy_builder": r.made_by_strategy_builder, "notes": r.notes,
                   "items": [_row_json(row) for row in items]} for r, items in zip(returns, rows, strict=True)],
        "failed": [{"file": str(path), "error": reason} for path, reason in failed],
        "register": register_info,
        "summary": counts,
    })


def _print_text(returns: list[ReturnedFile], rows: list[list[RegisterRow]], failed: list[tuple[Path, str]],
                register_info: dict[str, object] | None, counts: dict[str, dict[str, int]] | None) -> None:
    console = stdout_console()
    for returned, items in zip(returns, rows, strict=True):  # rows: one list per returned file
        kinds = sum(1 for r in items if r.kind in ("comment", "reply"))
        origin = (f"partner {returned.partner}, draft {returned.draft}" if returned.made_by_strategy_builder
                  else "not made by strategy-builder")
        console.print(f"[bold]{escape(str(returned.path))}[/bold]  {escape(origin)}, ministry "
                      f"{escape(returned.ministry)}: {kinds} comment(s), {len(items) - kinds} change(s)")
        for note in returned.notes:
            console.print(f"  [yellow]note:[/yellow] {escape(note)}")
        for row in items:
            where = (f"{row.number} {row.section_title} ({row.section})" if row.section
                     else f"near \"{row.heading or 'start of document'}\"")
            source = f"  {row.yaml_file}:{row.yaml_line}" if row.yaml_file else ""
            console.print(f"  [cyan]{row.id}[/cyan] {row.kind:<11} {escape(where)}[dim]{escape(source)}[/dim]")
            text = row.remark if len(row.remark) <= 200 else row.remark[:197] + "..."
            flags = [row.detail] if row.detail else []
            flags += ["resolved"] if row.resolved == "yes" else []
            flags += [f"reply to {row.reply_to}"] if row.reply_to else []
            detail = f" [{'; '.join(flags)}]" if flags else ""
            console.print(f"      {escape(row.author or '(no author)')}, {escape(row.date or 'no date')}"
                          f"{escape(detail)}: {escape(text)}")
            if row.quoted:
                console.print(f"      [dim]on: {escape(row.quoted[:160])}[/dim]")
    errors = stderr_console()
    for path, reason in failed:
        errors.print(f"[bold red]error:[/bold red] {escape(str(path))}: {escape(reason)}")
    if register_info is not None:
        console.print(f"register {escape(str(register_info['file']))}: {register_info['rows']} row(s), "
                      f"{register_info['added']} added, {register_info['updated']} updated")
    if counts is not None:
        for dimension, values in counts.items():
            table = Table(title=f"by {dimension}", title_justify="left")
            table.add_column(dimension.capitalize())
            table.add_column("Rows", justify="right")
            for key, number in values.items():
                table.add_row(escape(key), str(number))
            console.print(table)
    console.print(f"{len(returns)} file(s) read, {len(failed)} failed, {sum(map(len, rows))} item(s)")
