"""``strategy-builder schema``: write (or check) the JSON Schemas of the input files."""

from __future__ import annotations

from pathlib import Path

import click

import strategy_builder as library
from strategy_builder.cli import cli
from strategy_builder.cli.options import format_option, project_argument, verbosity_options
from strategy_builder.cli.output import is_quiet, print_json, stdout_console
from strategy_builder.errors import ExitCode
from strategy_builder.inputs.schema import SCHEMA_DIR


@cli.command(epilog="Example:\n\n    strategy-builder schema --check")
@project_argument
@click.option("--output", "output_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=f"Folder to write to [default: the project's {SCHEMA_DIR}/].")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 if the files on disk differ from the current schemas.")
@format_option("text", "json")
@verbosity_options
def schema(project_dir: Path, output_dir: Path | None, check_only: bool, output_format: str) -> int:
    """Write the JSON Schemas (draft-07) of strategy.yaml and partner files, for yaml-language-server.

    Input files point at them with a first line such as
    '# yaml-language-server: $schema=../../schemas/partner.schema.json'.
    """
    update = library.write_schemas(output_dir, project=project_dir, check_only=check_only)
    folder, stale = update.folder, update.stale
    console = stdout_console()
    if output_format == "json":
        key = "out_of_date" if check_only else "written"
        print_json({"folder": str(folder), key: [str(t) for t in stale], "up_to_date": not stale or not check_only})
        return ExitCode.INPUT_PROBLEMS if check_only and stale else ExitCode.OK
    if check_only:
        for target in stale:
            console.print(f"[red]out of date:[/red] {target}")
        if stale:
            console.print("run 'strategy-builder schema' to update")
            return ExitCode.INPUT_PROBLEMS
        if not is_quiet():
            console.print("[green]schemas are up to date[/green]")
        return ExitCode.OK
    for target in stale:
        console.print(f"wrote {target}")
    if not stale and not is_quiet():
        console.print("[green]schemas are up to date[/green]")
    return ExitCode.OK
