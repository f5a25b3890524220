"""``strategy-builder new-round``: start the next consultation round in inputs/strategy.yaml."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.markup import escape

import strategy_builder as library
from strategy_builder.cli import cli
from strategy_builder.cli.options import format_option, iso_date, project_option, verbosity_options
from strategy_builder.cli.output import print_json, stdout_console
from strategy_builder.errors import ExitCode

EPILOG = """Example:

    strategy-builder new-round --issued 2011-01-17 --deadline 2011-02-11
"""


@cli.command("new-round", epilog=EPILOG)
@click.option("--issued", required=True, callback=iso_date, metavar="YYYY-MM-DD",
              help="The issue date of the new round, printed on its drafts.")
@click.option("--deadline", required=True, callback=iso_date, metavar="YYYY-MM-DD",
              help="The date by which the ministries return their comments.")
@click.option("--wait", "wait_seconds", type=click.FloatRange(min=0), default=60.0, show_default=True,
              metavar="SECONDS", help="How long to wait for a build of the project to finish.")
@project_option()
@format_option("text", "json")
@verbosity_options
def new_round(issued: dt.date, deadline: dt.date, wait_seconds: float, project_dir: Path, output_format: str) -> int:
    """Start the next consultation round: consultation.round of inputs/strategy.yaml goes up by one and
    takes the new issue date and deadline.

    Only those three values change; comments, layout, the recipients and the rest of the file are kept
    byte for byte, and the file as it was goes to inputs/.backups/. Refused, with nothing written, when the
    deadline is before the issue date, the new round is not issued after the current one, or the current
    round has not gone out yet (no draft records it). Exit codes: 0 started, 1 refused or strategy.yaml
    invalid, 2 not a project, a file that cannot be written, or a build holding the lock.
    """
    result = library.start_round(project_dir, issued, deadline, wait_seconds=wait_seconds)
    if output_format == "json":
        print_json(result.payload())
        return ExitCode.OK
    before, now = result.previous, result.current
    drafts = ", ".join(f"{n:03d}" for n in result.previous_drafts)
    console = stdout_console()
    console.print(f"[green]Round {now.round} started[/green] in {escape(result.file)}: issued {now.issued}, "
                  f"comments by {now.deadline}")
    console.print(f"  round {before.round}: issued {before.issued}, comments by {before.deadline}; "
                  f"its drafts: {drafts}")
    console.print(f"  [dim]previous file kept as {escape(str(result.backup))}[/dim]")
    console.print(f"The next 'strategy-builder build' writes the first draft of round {now.round}.")
    return ExitCode.OK
