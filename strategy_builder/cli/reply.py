"""``strategy-builder reply``: a reply to each ministry with its comments' fate and the redline since its version."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

import strategy_builder as library
from strategy_builder.cli import cli
from strategy_builder.cli.options import format_option, project_option, verbosity_options
from strategy_builder.cli.output import note, print_json, render_findings, stderr_console, stdout_console
from strategy_builder.errors import ExitCode

EPILOG = """Examples:

    strategy-builder reply "Ministry of Labour" --to 3 --register register.xlsx

    strategy-builder reply --all --to 3 --format json
"""


@cli.command(epilog=EPILOG)
@click.argument("ministries", nargs=-1, metavar="[MINISTRY]...")
@click.option("--to", "to_draft", required=True, type=click.IntRange(min=1), metavar="DRAFT",
              help="The new draft the replies accompany (its number, e.g. 3).")
@click.option("--all", "every", is_flag=True, help="Reply to every ministry of the register.")
@click.option("--register", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The comment register [default: review.register of strategy.yaml, else the one "
                   "register.xlsx/.csv/.json/.html of the project].")
@click.option("--force", is_flag=True, help="Write a new folder even if nothing changed since the latest.")
@click.option("--wait", "wait_seconds", type=click.FloatRange(min=0), default=60.0, show_default=True,
              metavar="SECONDS", help="How long to wait for another build or reply to finish.")
@project_option()
@format_option("text", "json")
@verbosity_options
def reply(ministries: tuple[str, ...], to_draft: int, every: bool, register: Path | None, force: bool,
          wait_seconds: float, project_dir: Path, output_format: str) -> int:
    """Write replies to ministries (MINISTRY..., or --all) that go out with draft DRAFT.

    Each reply is a Word "response to comments" for one partner: a cover letter (from strategy.yaml), a
    table of the ministry's comments and tracked changes with their disposition, the drafting team's note
    and where each is addressed in the new draft; beside it the redline from the draft the ministry
    commented on to the new one. They are published together as build/replies/NNN/ with a manifest.
    Exit codes: 0 written (or unchanged), 1 a ministry has no comments in the register, 2 no such draft
    or register, or another build holds the lock.
    """
    if every == bool(ministries):
        raise click.UsageError("name the ministries to reply to, or give --all")
    result = library.write_replies(project_dir, to_draft, ministries=list(ministries), register=register,
                                   wait_seconds=wait_seconds, force=force)
    if output_format == "json":
        print_json(result.payload())
        return ExitCode.OK
    if result.kind == "unchanged":
        note(f"nothing changed since {escape(str(result.directory))}: no new replies written (--force writes them)")
    table = Table(title=f"Replies with draft {result.to_draft:03d}", title_justify="left")
    for column in ("Partner", "Ministry", "Rows", "Dispositions", "Reply", "Redline"):
        table.add_column(column, justify="right" if column == "Rows" else "left")
    for entry in result.replies:
        dispositions = ", ".join(f"{n} {name}" for name, n in entry.dispositions.items())
        table.add_row(entry.partner, escape(entry.ministry), str(len(entry.rows)), escape(dispositions),
                      escape(entry.file), escape(entry.redline_file or "-"))
    stdout_console().print(table)
    if result.kind == "replies":
        note(f"[green]Replies {result.number:03d} written to {escape(str(result.directory))}[/green] "
             f"(register {escape(str(result.register))})")
    if result.warnings.items:
        render_findings(result.warnings, stderr_console())
    return ExitCode.OK
