"""``strategy-builder overview``: the regional overview document of every partner, numbered like a draft."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

import strategy_builder as library
from strategy_builder.cli import cli
from strategy_builder.cli.options import format_option, project_option, verbosity_options
from strategy_builder.cli.output import note, print_json, stderr_console, stdout_console
from strategy_builder.errors import ExitCode

if TYPE_CHECKING:
    from strategy_builder.regional.overview import OverviewResult


def _payload(result: OverviewResult, root: Path) -> dict[str, Any]:
    def rel(path: Path) -> str:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return str(path)

    return {"result": result.kind, "overview": result.number, "previous_overview": result.previous,
            "directory": rel(result.directory), "files": [rel(p) for p in result.files],
            "sections": result.sections, "words": result.words, "seconds": round(result.seconds, 3),
            "warnings": [f.to_json() for f in result.warnings.sorted()]}


@cli.command(epilog="Examples:\n\n    strategy-builder overview\n\n"
                    "    strategy-builder overview --draft 3 --pdf --project path/to/project")
@project_option()
@click.option("--draft", type=click.IntRange(min=1), default=None, metavar="N",
              help="Build from the inputs snapshot of draft N instead of the current inputs.")
@click.option("--pdf", is_flag=True, help="Also write overview.pdf (needs LibreOffice).")
@click.option("--force", is_flag=True, help="Write a new overview even if nothing changed since the last one.")
@click.option("--wait", "wait_seconds", type=click.FloatRange(min=0), default=60.0, show_default=True,
              help="Seconds to wait for a build of the same project to finish.")
@format_option("text", "json")
@verbosity_options
def overview(project_dir: Path, draft: int | None, pdf: bool, force: bool, wait_seconds: float,
             output_format: str) -> int:
    """Write the regional overview build/overview/NNN/ for senior officials.

    A Word document with a cover, contents, the partnership matrix as a table, one chapter per area of
    the Joint Declaration summarising every partner's priorities (titles, status, lead states, section
    numbers in each partner's draft), lead states and a timeline, and two figures, also written as PNG
    and SVG beside it. Numbered and published like a draft (build/overview/NNN/ appears complete or not
    at all), its sections are tracked: 'diff' and 'comments' work on it. When nothing changed since the
    last overview, none is written (use --force).
    """
    options = library.OverviewOptions(draft=draft, force=force, pdf=pdf, wait_seconds=wait_seconds)
    errors = stderr_console()
    result = library.build_overview(project_dir, options, None if output_format == "json" else note)
    if output_format == "json":
        print_json(_payload(result, project_dir))
        return ExitCode.OK
    console = stdout_console()
    if result.warnings.items:
        errors.print(f"[yellow]{len(result.warnings.items)} warning(s) in the inputs[/yellow] "
                     "(run 'strategy-builder check' to see them)")
    if result.kind == "unchanged":
        console.print(f"[green]Nothing changed[/green] since overview {result.number:03d}; no overview written. "
                      "Use --force to write one anyway.")
        return ExitCode.OK
    since = f" (previous: overview {result.previous:03d})" if result.previous else ""
    console.print(f"[green]Overview {result.number:03d} written[/green] to {result.directory}{since}: "
                  f"{result.sections} tracked sections, {result.words:,} words, {result.seconds:.2f} s")
    for path in result.files:
        console.print(f"  {path.name}")
    return ExitCode.OK
