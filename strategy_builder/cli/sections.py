"""``strategy-builder sections``: the tracked section IDs found in a .docx."""

from __future__ import annotations

from pathlib import Path

import click

import strategy_builder as library
from strategy_builder.cli import cli
from strategy_builder.cli.options import format_option, verbosity_options
from strategy_builder.cli.output import print_json, stdout_console
from strategy_builder.errors import ExitCode


@cli.command(epilog="Example:\n\n    strategy-builder sections --format json returned/AM-ministry.docx")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@format_option("text", "json")
@verbosity_options
def sections(file: Path, output_format: str) -> int:
    """List the tracked sections of FILE.docx with their heading and text length.

    Works on drafts and on drafts edited and saved by Word or LibreOffice. A section whose bookmark is
    present but whose ID mapping was lost is listed with its bookmark name and no ID.
    """
    found = library.list_sections(file)
    if output_format == "json":
        print_json({"file": str(file), "stamps": found.stamps.as_dict(),
                    "sections": [{"id": s.section_id, "bookmark": s.bookmark, "heading": s.heading,
                                  "text_length": s.text_length, "first_paragraph": s.first_paragraph,
                                  "last_paragraph": s.last_paragraph} for s in found.sections]})
        return ExitCode.OK
    console = stdout_console()
    stamps = found.stamps
    if stamps.as_dict():
        console.print(f"{file}: partner {stamps.partner or '?'}, draft {stamps.draft or '?'}, "
                      f"strategy-builder {stamps.version or '?'}")
    if not found.sections:
        console.print(f"{file}: no tracked sections found (not produced by strategy-builder?)")
        return ExitCode.OK
    from rich.table import Table

    table = Table()
    for column, justify in (("Section ID", "left"), ("Heading", "left"), ("Characters", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for section in found.sections:
        table.add_row(section.section_id or f"? ({section.bookmark})", section.heading[:70], f"{section.text_length:,}")
    console.print(table)
    console.print(f"{len(found.sections)} tracked section(s)")
    return ExitCode.OK
