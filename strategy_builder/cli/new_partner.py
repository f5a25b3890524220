"""``strategy-builder new-partner``: scaffold a valid partner file with all five areas."""

from __future__ import annotations

from pathlib import Path

import click

from strategy_builder.cli import cli
from strategy_builder.cli.output import stdout_console
from strategy_builder.errors import ExitCode
from strategy_builder.inputs.scaffold import scaffold_partner


@cli.command("new-partner", epilog="Example:\n\n    strategy-builder new-partner AM --project path/to/project")
@click.argument("code")
@click.option("--project", "project_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Project folder holding inputs/.")
@click.option("--force", is_flag=True, help="Overwrite an existing partner file.")
def new_partner(code: str, project_dir: Path, force: bool) -> int:
    """Create inputs/partners/CODE.yaml for a partner state declared in inputs/strategy.yaml."""
    target = scaffold_partner(project_dir, code, overwrite=force)
    stdout_console().print(f"[green]created[/green] {target}")
    return ExitCode.OK
