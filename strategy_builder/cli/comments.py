"""``strategy-builder comments``: read returned drafts and keep the comment register."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

import strategy_builder as library
from strategy_builder.digits import whole_number
from strategy_builder.cli import INTERNAL_ERROR, cli
from strategy_builder.cli.options import format_option, verbosity_options
from strategy_builder.cli.output import print_json, stderr_console, stdout_console
from strategy_builder.errors import EnvironmentProblem, ExitCode
from strategy_builder.inputs.root import locate_project
from strategy_builder.review.register import (
    BACKUP_DIR, COMMENTS_SCHEMA, COMMENTS_SCHEMA_VERSION, RegisterRow, RegisterUpdate,
)
from strategy_builder.review.returns import ReturnsBatch

EPILOG = """Examples:

    strategy-builder comments returns/AM_003_*.docx --register register.xlsx --summary

    strategy-builder comments --project path/to/project --ministry "Ministry of Labour" AM.docx
"""

SLOW_FILE_SECONDS = 30


@cli.command(epilog=EPILOG)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--project", "project", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder whose build/drafts/NNN/manifest.json give YAML files and lines "
                   "[default: found upward from the current folder]. A folder given among FILES is taken "
                   "as the project folder too.")
@click.option("--register", "register", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Comment register to create or update: .xlsx, .csv, .html or .json. The previous version "
                   f"is kept in {BACKUP_DIR}/ beside it.")
@click.option("--ministry", default=None,
              help="The returning ministry for every FILE [default: from each file name, e.g. "
                   "AM_003_Ministry of Labour.docx -> Ministry of Labour].")
@click.option("--summary", is_flag=True, help="Print counts by partner, area, ministry and disposition.")
@click.option("--force", is_flag=True,
              help="Update the register even though Excel or LibreOffice seems to have it open (a stale lock "
                   "file left by a crash).")
@format_option("text", "json")
@verbosity_options
def comments(files: tuple[Path, ...], project: Path | None, register: Path | None, ministry: str | None,
             summary: bool, force: bool, output_format: str) -> int:
    """Read returned drafts (FILE.docx...) and list every comment, reply and tracked change.

    Each item is tied to its tracked section, partner, area and priority, and to the YAML file and
    line that produced the section in the draft the file came from. Items outside tracked sections,
    and files not made by strategy-builder, are listed with their nearest heading.

    A file that cannot be read safely is reported and skipped; the others are still processed.
    With --register, only the register's own columns of its known rows are refreshed and new rows are
    appended: dispositions, notes, added columns, rows and sheets are never changed.
    Exit codes: 0 all files read, 1 some file could not be read, 2 usage error, or a register that is
    open in an office program, unreadable, of the wrong shape or not writable (left untouched),
    3 internal error.
    """
    paths, project_dir = _split_arguments(files, project)
    result = library.read_comments(paths, project_dir, ministry=ministry, register=register, force=force,
                                   summary=summary)
    batch, update, counts = result.batch, result.register, result.summary
    for path, seconds in zip((f.path for f in batch.files), batch.seconds, strict=True):
        if seconds > SLOW_FILE_SECONDS:
            stderr_console().print(f"[yellow]{escape(str(path))}: reading took {seconds:.0f} s[/yellow]")
    if output_format == "json":
        _print_json(batch, update, counts)
    else:
        _print_text(batch, update, counts)
    if batch.internal_error:
        return INTERNAL_ERROR
    return ExitCode.INPUT_PROBLEMS if batch.failed else ExitCode.OK


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
    return row.as_json()


def _register_json(update: RegisterUpdate | None) -> dict[str, object] | None:
    if update is None:
        return None
    return {"file": str(update.path), "written": str(update.written) if update.written else None,
            "rows": update.rows, "added": update.added, "updated": update.updated,
            "added_columns": list(update.added_columns), "backup": str(update.backup) if update.backup else None,
            "notes": list(update.notes)}


def _print_json(batch: ReturnsBatch, update: RegisterUpdate | None, counts: dict[str, dict[str, int]] | None) -> None:
    print_json({
        "schema": COMMENTS_SCHEMA, "schema_version": COMMENTS_SCHEMA_VERSION,
        "files": [{"file": str(r.path), "ministry": r.ministry, "partner": r.partner,
                   "draft": whole_number(r.draft), "draft_label": r.draft or None,
                   "made_by_strategy_builder": r.made_by_strategy_builder, "notes": r.notes,
                   "items": [_row_json(row) for row in items]} for r, items in zip(batch.files, batch.rows,
                                                                                    strict=True)],
        "failed": [{"file": str(failure.path), "error": failure.reason} for failure in batch.failed],
        "register": _register_json(update),
        "summary": counts,
    })


def _print_text(batch: ReturnsBatch, update: RegisterUpdate | None, counts: dict[str, dict[str, int]] | None) -> None:
    console = stdout_console()
    for returned, items in zip(batch.files, batch.rows, strict=True):  # rows: one list per returned file
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
            who = row.author or "(no author)"
            if row.ministry != returned.ministry:  # a consolidated file: each item is its ministry's
                who += f" ({row.ministry})"
            console.print(f"      {escape(who)}, {escape(row.date or 'no date')}{escape(detail)}: {escape(text)}")
            if row.quoted:
                console.print(f"      [dim]on: {escape(row.quoted[:160])}[/dim]")
    errors = stderr_console()
    for failure in batch.failed:
        errors.print(f"[bold red]error:[/bold red] {escape(str(failure.path))}: {escape(failure.reason)}")
    if update is not None:
        columns = f", column(s) added: {', '.join(update.added_columns)}" if update.added_columns else ""
        if update.written is None:
            state = "unchanged (nothing new)"
        else:
            state = f"{update.added} added, {update.updated} updated{columns}"
        console.print(f"register {escape(str(update.path))}: {update.rows} row(s), {escape(state)}")
        if update.backup is not None:
            console.print(f"  [dim]previous version kept as {escape(str(update.backup))}[/dim]")
        for note in update.notes:
            console.print(f"  [yellow]note:[/yellow] {escape(note)}")
    if counts is not None:
        for dimension, values in counts.items():
            table = Table(title=f"by {dimension}", title_justify="left")
            table.add_column(dimension.capitalize())
            table.add_column("Rows", justify="right")
            for key, number in values.items():
                table.add_row(escape(key), str(number))
            console.print(table)
    console.print(f"{len(batch.files)} file(s) read, {len(batch.failed)} failed, {sum(map(len, batch.rows))} item(s)")
