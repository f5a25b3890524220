"""``strategy-builder new-partner``: scaffold a valid partner file with all five areas."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

import strategy_builder as library
from strategy_builder.cli import cli
from strategy_builder.cli.options import format_option, project_option, verbosity_options
from strategy_builder.cli.output import print_json, stdout_console
from strategy_builder.errors import ExitCode


@cli.command("new-partner", epilog="Example:\n\n    strategy-builder new-partner AM --project path/to/project")
@click.argument("code")
@project_option()
@click.option("--force", is_flag=True, help="Overwrite an existing partner file.")
@format_option("text", "json")
@verbosity_options
def new_partner(code: str, project_dir: Path, force: bool, output_format: str) -> int:
    """Create inputs/partners/CODE.yaml for a partner state declared in inputs/strategy.yaml.

    The file validates as it is: all five areas, each with a reason for having no priorities yet, and a
    commented example priority. An existing file is never overwritten without --force, and with it a copy
    is kept in inputs/partners/.backups/ first.
    """
    written = library.new_partner(project_dir, code, overwrite=force)
    previous = None if written.previous is None else str(written.previous)
    if output_format == "json":
        print_json({"created": str(written.path), "code": code.strip(), "previous": previous})
    else:
        console = stdout_console()
        console.print(f"[green]created[/green] {escape(str(written.path))}")
        if previous is not None:
            console.print(f"  previous file kept as {escape(previous)}")
    return ExitCode.OK
