"""``strategy-builder diff``: what changed between two drafts (or two .docx files), and why."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

import strategy_builder as library
from strategy_builder.cli import cli, keep_until_exit
from strategy_builder.cli.options import format_option, project_argument, verbosity_options
from strategy_builder.cli.output import plain_stdout
from strategy_builder.errors import ExitCode


@cli.command(epilog="Examples:\n\n    strategy-builder diff 2 3\n\n"
                    "    strategy-builder diff 2 3 --html diff.html --redline redlines/\n\n"
                    "    strategy-builder diff build/drafts/003/AM.docx returned/AM.docx --redline AM-redline.docx\n\n"
                    "    strategy-builder diff 2 3 --project path/to/project --format json --exit-code")
@click.argument("old")
@click.argument("new")
@project_argument
@format_option("text", "json", "markdown")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write a self-contained HTML report to FILE.")
@click.option("--redline", "redline_path", type=click.Path(path_type=Path), default=None,
              help="Also write Word redlines (tracked changes): a folder with <CODE>.docx per partner for two "
                   "drafts, a .docx file for two files.")
@click.option("--author", default=None,
              help="Author of the redlines' changes [default: drafting_team.name of inputs/strategy.yaml].")
@click.option("--date", "date_text", default=None, metavar="YYYY-MM-DD",
              help="Date of the redlines' changes [default: the new draft's issue date].")
@click.option("--all", "show_all", is_flag=True, help="Text output: list unchanged sections too.")
@click.option("--exit-code", is_flag=True,
              help="Exit 1 when the documents differ in anything a reader sees (like git diff --exit-code).")
@click.option("--lang", "language", default=None, metavar="LANGUAGE",
              help="Compare the drafts' documents in this language version (ru/<CODE>.docx).")
@verbosity_options
def diff(old: str, new: str, project_dir: Path, output_format: str, html_file: Path | None,
         redline_path: Path | None, author: str | None, date_text: str | None, show_all: bool,
         exit_code: bool, language: str | None) -> int:
    """Compare OLD and NEW: each a draft number (3), a draft folder or a .docx file.

    Sections are matched by their tracked IDs, so a moved priority shows as moved. Reports per partner
    and area the sections added, removed, moved, renumbered and changed (as the draft's own changes
    table does), the words changed in paragraphs and table cells, and, for two builds, the input fields
    (file:line) behind each change. Content outside tracked sections (cover, changes table) is shown
    apart. Every .docx is read as untrusted input.
    """
    try:
        date = dt.date.fromisoformat(date_text) if date_text else None
    except ValueError as error:
        raise click.BadParameter(f"{date_text!r} is not a date like 2010-11-15", param_hint="--date") from error
    report = library.diff_report(old, new, project_dir, html=html_file, redlines=redline_path, author=author,
                                 date=date, language=language)
    keep_until_exit(report)
    if redline_path is not None:
        click.echo(f"wrote {len(report.redlines)} redline(s) to {redline_path}", err=True)
    if html_file is not None:
        click.echo(f"wrote {html_file}", err=True)
    if output_format == "json":
        from strategy_builder.review.report_json import render_json

        sys.stdout.write(render_json(report.view))
    elif output_format == "markdown":
        from strategy_builder.review.report_markdown import render_markdown

        sys.stdout.write(render_markdown(report.view))
    else:
        from strategy_builder.review.report_terminal import render_terminal

        render_terminal(report.view, plain_stdout(), show_unchanged=show_all)
    if exit_code and report.comparison.has_changes:
        return ExitCode.INPUT_PROBLEMS
    return ExitCode.OK
