"""``strategy-builder status``: where the current consultation round stands."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

import strategy_builder as library
from strategy_builder.cli import cli
from strategy_builder.cli.options import format_option, iso_date, project_option, verbosity_options
from strategy_builder.cli.output import print_json, stdout_console
from strategy_builder.errors import ExitCode

EPILOG = """Examples:

    strategy-builder status

    strategy-builder status --register register.xlsx --format json
"""


@cli.command(epilog=EPILOG)
@click.option("--register", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The comment register [default: review.register of strategy.yaml, else the one "
                   "register.xlsx/.csv/.json/.html of the project].")
@click.option("--today", callback=iso_date, default=None, metavar="YYYY-MM-DD",
              help="The date to measure the deadline against [default: today].")
@project_option()
@format_option("text", "json")
@verbosity_options
def status(register: Path | None, today: dt.date | None, project_dir: Path, output_format: str) -> int:
    """Show the current consultation round: which partners' drafts went out in which draft, which
    ministries returned them (from the register), the rows still open per partner and ministry, and
    what is overdue once the deadline has passed.

    Exit codes: 0 shown, 1 invalid strategy.yaml, 2 not a project or an unreadable register.
    """
    result = library.round_status(project_dir, register=register, today=today)
    if output_format == "json":
        print_json(result.payload())
        return ExitCode.OK
    console = stdout_console()
    days = result.days_left
    when = (f"[red]overdue by {-days} day(s)[/red]" if days < 0 else
            "[yellow]due today[/yellow]" if days == 0 else f"{days} day(s) left")
    console.print(f"[bold]Consultation round {result.round}[/bold]: issued {result.issued.isoformat()}, comments "
                  f"due {result.deadline.isoformat()} ({when}); drafts of this round: "
                  f"{', '.join(f'{n:03d}' for n in result.drafts) or 'none yet'}")
    table = Table(title_justify="left")
    for column in ("Partner", "Draft", "Returned by", "Open", "Open (earlier)", "Awaited", "Overdue"):
        table.add_column(column, justify="right" if column.startswith("Open") else "left")
    for partner in result.partners:
        returned = "\n".join(f"{m.ministry} ({m.rows} row(s), {m.open} open)" for m in partner.returned) or "–"
        if result.register is None:
            returned = "unknown"
        table.add_row(f"{partner.code} {escape(partner.name)}",
                      f"{partner.drafts[-1]:03d}" if partner.drafts else "not issued", escape(returned),
                      str(partner.open), str(partner.open_earlier), escape(", ".join(partner.awaited) or "–"),
                      f"[red]{escape(', '.join(partner.overdue))}[/red]" if partner.overdue else "–")
    console.print(table)
    for text in result.notes:
        console.print(f"[yellow]note:[/yellow] {escape(text)}")
    return ExitCode.OK
