"""``strategy-builder schema``: write (or check) the JSON Schemas of the input files."""

from __future__ import annotations

from pathlib import Path

import click

from strategy_builder.cli import cli, project_argument
from strategy_builder.cli.output import stdout_console
from strategy_builder.errors import EnvironmentProblem, ExitCode
from strategy_builder.inputs.schema import SCHEMA_DIR, render_schemas


@cli.command(epilog="Example:\n\n    strategy-builder schema --check")
@project_argument
@click.option("--output", "output_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=f"Folder to write to (default: PROJECT_DIR/{SCHEMA_DIR}).")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 if the files on disk differ from the current schemas.")
def schema(project_dir: Path, output_dir: Path | None, check_only: bool) -> int:
    """Write the JSON Schemas (draft-07) of strategy.yaml and partner files, for yaml-language-server.

    Input files point at them with a first line such as
    '# yaml-language-server: $schema=../../schemas/partner.schema.json'.
    """
    folder = output_dir or project_dir / SCHEMA_DIR
    console = stdout_console()
    stale = []
    for name, text in render_schemas().items():
        target = folder / name
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current == text:
            continue
        stale.append(target)
        if not check_only:
            try:
                folder.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
            except OSError as error:
                raise EnvironmentProblem(f"cannot write {target}: {error.strerror}") from error
    if check_only:
        for target in stale:
            console.print(f"[red]out of date:[/red] {target}")
        if stale:
            console.print("run 'strategy-builder schema' to update")
            return ExitCode.INPUT_PROBLEMS
        console.print("[green]schemas are up to date[/green]")
        return ExitCode.OK
    for target in stale:
        console.print(f"wrote {target}")
    if not stale:
        console.print("[green]schemas are up to date[/green]")
    return ExitCode.OK
