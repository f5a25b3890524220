"""``strategy-builder register refresh``: which later draft answered each row of the comment register."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

import strategy_builder as library
from strategy_builder.cli import cli
from strategy_builder.cli.options import format_option, project_option, verbosity_options
from strategy_builder.cli.output import print_json, stdout_console
from strategy_builder.errors import ExitCode


@cli.command("register", epilog="Example:\n\n    strategy-builder register refresh review/register.xlsx")
@click.argument("action", metavar="ACTION", type=click.Choice(["refresh"]))
@click.argument("register_file", metavar="[REGISTER]", required=False,
                type=click.Path(dir_okay=False, path_type=Path))
@project_option()
@click.option("--force", is_flag=True,
              help="Refresh even though Excel or LibreOffice seems to have the register open (a stale lock file).")
@format_option("text", "json")
@verbosity_options
def register(action: str, register_file: Path | None, project_dir: Path, force: bool,
             output_format: str) -> int:
    """The comment register of returned drafts. ACTION 'refresh' writes, for every row of REGISTER, the
    state of its section in the latest draft, the first later draft in which the section changed and the
    drafts that cite the row (responds_to in the inputs).

    REGISTER defaults to review.register of inputs/strategy.yaml. Only these columns of the tool are
    written; dispositions, notes, added columns and sheets are kept, the previous version is kept in
    .register-backups/ beside it. Exit codes: 0 done, 2 the register is missing, open in an office program,
    locked or damaged (left untouched), 3 internal error.
    """
    update = library.refresh_register(project_dir, register_file, force=force)
    if output_format == "json":
        print_json({"file": str(update.path), "written": str(update.written) if update.written else None,
                    "rows": update.rows, "updated": update.updated,
                    "backup": str(update.backup) if update.backup else None, "notes": list(update.notes)})
    else:
        state = f"{update.updated} row(s) updated" if update.written else "unchanged"
        stdout_console().print(f"register {escape(str(update.path))}: {update.rows} row(s), {state}")
        if update.backup is not None:
            stdout_console().print(f"  [dim]previous version kept as {escape(str(update.backup))}[/dim]")
        for note in update.notes:
            stdout_console().print(f"  [yellow]note:[/yellow] {escape(note)}")
    return ExitCode.OK
