"""``strategy-builder align``: whether the language versions of a draft are in step with the source."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

import strategy_builder as library
from strategy_builder.cli import cli
from strategy_builder.cli.options import format_option, project_option, verbosity_options
from strategy_builder.cli.output import print_json, stdout_console
from strategy_builder.errors import ExitCode

_STYLE = {"behind": "bold red", "pending": "yellow", "new": "cyan", "in step": "green"}


@cli.command(epilog="Examples:\n\n    strategy-builder align 2 --lang ru\n\n"
                    "    strategy-builder align 2 --format html --out align-002.html")
@project_option()
@click.argument("draft", type=click.IntRange(min=1))
@click.option("--lang", "language", default=None, metavar="LANGUAGE", help="Only this language version (ru).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file instead of stdout (for --format html).")
@format_option("text", "json", "html")
@verbosity_options
def align(project_dir: Path, draft: int, language: str | None, out: Path | None, output_format: str) -> int:
    """For draft DRAFT, section by section: is each language version in step with the source?

    A section is in step when every value of it was printed translated from that draft's source text;
    pending when some were printed untranslated; behind when its source text changed since the previous
    draft and its translation did not. HTML shows the source and the translation side by side.
    """
    result = library.align_languages(project_dir, draft, language)
    if output_format in ("json", "html"):
        if output_format == "json":
            import json

            text = json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"
        else:
            from strategy_builder.languages.align import alignment_html

            text = alignment_html(result)
        if out is not None:
            from strategy_builder.layout import write_output

            write_output(out, text.encode("utf-8"), "the alignment report")
            stdout_console().print(f"wrote {escape(str(out))}")
        elif output_format == "json":
            print_json(result.to_json())
        else:
            click.echo(text, nl=False)
        return ExitCode.OK
    console = stdout_console()
    if result.note:
        console.print(escape(result.note))
    compared = f"compared with draft {result.previous:03d}" if result.previous else "a first draft: nothing to compare"
    console.print(f"Draft {result.draft:03d}, {compared}")
    table = Table()
    for column, justify in (("Version", "left"), ("No.", "left"), ("Section", "left"), ("State", "left"),
                            ("Source changed", "left"), ("Translation changed", "left"), ("Pending", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]

    def yes_no(value: bool | None) -> str:
        return "–" if value is None else "yes" if value else "no"

    for document in result.documents:
        for section in document.sections:
            style = _STYLE[section.state]
            table.add_row(escape(document.file), section.number, escape(section.title[:60]),
                          f"[{style}]{section.state}[/{style}]", yes_no(section.source_changed),
                          yes_no(section.translation_changed), str(section.pending or ""))
    if result.documents:
        console.print(table)
        behind = sum(1 for d in result.documents for s in d.sections if s.behind)
        pending = sum(1 for d in result.documents for s in d.sections if not s.in_step)
        console.print(f"{behind} section(s) behind the source, {pending} with values pending translation")
    return ExitCode.OK
