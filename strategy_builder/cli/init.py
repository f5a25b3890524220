"""``strategy-builder init``: start a project folder that checks and builds as it is."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

import strategy_builder as library
from strategy_builder.cli import cli
from strategy_builder.cli.options import format_option, verbosity_options
from strategy_builder.cli.output import note, print_json, stdout_console
from strategy_builder.errors import ExitCode

EPILOG = """Examples:

    strategy-builder init newteam --partner AM --partner GE

    strategy-builder init --sample demo
"""


@cli.command(epilog=EPILOG)
@click.argument("directory", required=False, default=Path("."), metavar="[DIR]",
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--partner", "partners", multiple=True, metavar="CODE",
              help="A partner state (ISO 3166-1 alpha-2 code): declared in strategy.yaml, with its own partner "
                   "file (repeatable).")
@click.option("--sample", is_flag=True, help="Start from the illustrative sample (twelve partners) instead.")
@click.option("--force", is_flag=True, help="Replace files that exist already, keeping a copy of each in .backups/ "
                                           "beside it (other files are left alone).")
@format_option("text", "json")
@verbosity_options
def init(directory: Path, partners: tuple[str, ...], sample: bool, force: bool, output_format: str) -> int:
    """Start a new project in DIR (default: the current folder).

    Writes inputs/strategy.yaml (series, period, states, stakeholders, drafting team, consultation round),
    one inputs/partners/CODE.yaml per --partner, the JSON Schemas for editors, templates/strategy.docx (a
    copy of the default template shipped with strategy-builder) and a .gitignore for build/. The project
    checks and builds as it is. Nothing is overwritten without --force: exit 2 names the files.
    """
    started = library.init_project(directory, list(partners), sample=sample, force=force)
    if output_format == "json":
        print_json({"directory": str(directory), "written": started.written, "partners": started.partners,
                    "sample": sample, "kept": started.kept})
        return ExitCode.OK
    console = stdout_console()
    kind = "the illustrative sample" if sample else "a new project"
    console.print(f"[green]created[/green] {kind} in {escape(str(directory))}:")
    for name in started.written:
        console.print(f"  {escape(name)}")
    if started.kept:
        console.print("the files replaced were kept first:")
        for name in started.kept:
            console.print(f"  {escape(name)}")
    where = "" if directory == Path(".") else f"cd {directory} && "
    if not partners and not sample:
        note("[cyan]hint:[/cyan] no partner state yet: declare partner states under 'states' in "
             "inputs/strategy.yaml, then run 'strategy-builder new-partner CODE' for each "
             "(or start with 'strategy-builder init --partner CODE')")
    note(f"next: {escape(where)}strategy-builder check, then strategy-builder build")
    return ExitCode.OK
