"""``strategy-builder consolidate``: several ministries' returns of one draft merged into one .docx."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

import strategy_builder as library
from strategy_builder.cli import cli
from strategy_builder.cli.options import format_option, verbosity_options
from strategy_builder.cli.output import note, print_json, stdout_console
from strategy_builder.errors import ExitCode
from strategy_builder.inputs.root import locate_project

EPILOG = """Examples:

    strategy-builder consolidate returns/AM_003_*.docx --out returns/AM_003_consolidated.docx

    strategy-builder consolidate a.docx b.docx --ministry a.docx=Labour --out AM.docx
"""


def _ministries(values: tuple[str, ...]) -> dict[str, str]:
    named: dict[str, str] = {}
    for value in values:
        file, separator, name = value.partition("=")
        if not separator or not file.strip() or not name.strip():
            raise click.BadParameter(f"{value!r} is not FILE=NAME", param_hint="--ministry")
        if any(not character.isprintable() for character in name):  # it becomes an author in the document
            raise click.BadParameter(f"{value!r}: the ministry's name has a control character",
                                     param_hint="--ministry")
        named[file.strip()] = name.strip()
    return named


@cli.command(epilog=EPILOG)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The consolidated .docx to write (replaced atomically if it exists).")
@click.option("--ministry", "ministries", multiple=True, metavar="FILE=NAME",
              help="The ministry of one returned file (repeatable) [default: from the file name, e.g. "
                   "AM_003_Ministry of Labour.docx -> Ministry of Labour; else the file's most frequent author].")
@click.option("--project", "project", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              help="Project folder whose build/drafts/NNN/<CODE>.docx is the circulated draft [default: found "
                   "upward from the current folder; without one, the first return with its changes rejected].")
@format_option("text", "json")
@verbosity_options
def consolidate(files: tuple[Path, ...], output: Path, ministries: tuple[str, ...], project: Path | None,
                output_format: str) -> int:
    """Merge the returns (FILE.docx...) of one partner's draft into one .docx.

    Every comment (with replies and resolved state) and every tracked change of every return is kept with
    its author and date; its author becomes 'Author (Ministry)'. Where two ministries changed the same words
    the first file's change is kept and a comment names the other ministry's wording; each such clash is
    listed. Returns of different partners or drafts are refused. Exit codes: 0 written, 1 a file cannot be
    merged (each is named), 2 usage error or the output cannot be written.
    """
    named = _ministries(ministries)
    if any(output.resolve() == f.resolve() for f in files):
        raise click.UsageError("--out must not be one of the returned files")
    if output.suffix.lower() != ".docx":
        raise click.UsageError(f"--out {output}: consolidate writes a Word document; give a file name ending in "
                               ".docx")
    location = locate_project(project)
    project_dir = location.path if location.how != "current" or project is not None else None
    result = library.consolidate(list(files), output, project_dir=project_dir, ministries=named)
    if output_format == "json":
        print_json(result.payload())
        return ExitCode.OK
    console = stdout_console()
    table = Table(title=f"{result.partner}, draft {result.draft}: {len(result.returns)} return(s) merged",
                  title_justify="left")
    for column in ("File", "Ministry", "Comments", "Changes", "Not applied"):
        table.add_column(column, justify="right" if column in ("Comments", "Changes", "Not applied") else "left")
    for entry in result.returns:
        table.add_row(escape(entry.path.name), escape(entry.ministry), str(entry.comments), str(entry.changes),
                      str(entry.dropped))
    console.print(table)
    for number, clash in enumerate(result.clashes, start=1):
        where = clash.section_id or f"near \"{clash.heading or 'start of document'}\""
        label = "same change" if clash.same else "conflict"
        console.print(f"[bold yellow]{label} {number}[/bold yellow] in {escape(where)}")
        console.print(f"  circulated:  {escape(clash.original)}")
        console.print(f"  [green]kept[/green] ({escape(clash.kept_ministry)}): {escape(clash.kept_wording)}")
        for ministry, wording in zip(clash.other_ministries, clash.other_wordings, strict=True):
            console.print(f"  [red]not applied[/red] ({escape(ministry)}): {escape(wording)}")
    for difference in result.differences:
        who = f"{difference.ministry}: " if difference.ministry else ""
        console.print(f"[yellow]not merged[/yellow] {escape(who + difference.what)}: {escape(difference.where)}")
    note(f"circulated draft: {escape(result.base)}")
    note(f"[green]wrote {escape(str(output))}[/green] ({len(result.clashes)} conflict(s))")
    return ExitCode.OK
