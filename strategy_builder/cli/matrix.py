"""``strategy-builder matrix``: the partnership matrix (partners × areas, lead states, timeline) in one view."""

from __future__ import annotations

import sys
from pathlib import Path

import click

import strategy_builder as library
from strategy_builder.cli import cli
from strategy_builder.cli.options import project_argument, verbosity_options
from strategy_builder.cli.output import stderr_console
from strategy_builder.errors import EnvironmentProblem, ExitCode
from strategy_builder.regional.export import FORMATS, MatrixFormat, format_for, render_matrix, write_matrix


@cli.command(epilog="Examples:\n\n    strategy-builder matrix\n\n"
                    "    strategy-builder matrix --out matrix.xlsx\n\n"
                    "    strategy-builder matrix --format html --out matrix.html --draft 3 --project path/to/project")
@project_argument
@click.option("--format", "output_format", type=click.Choice(list(FORMATS)), default=None,
              help="View to write [default: from the --out suffix, else markdown].")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE (replaced atomically) instead of stdout; xlsx needs it.")
@click.option("--draft", type=click.IntRange(min=1), default=None, metavar="N",
              help="Read the inputs snapshot of draft N instead of the current inputs.")
@verbosity_options
def matrix(project_dir: Path, output_format: MatrixFormat | None, out: Path | None, draft: int | None) -> int:
    """The partnership matrix: every partner × the five areas, from the inputs alone.

    Three views: partners × areas (priorities by status, actions, lead states, gaps), lead states ×
    partners × areas (who leads how many actions where), and a timeline of actions by quarter. As
    Markdown or JSON (documented schema, docs/matrix.schema.json) on stdout, or as a file: a
    self-contained sortable HTML page or an xlsx workbook with one sheet per view, each count
    commented with the priorities it counts (section IDs and YAML file:line).
    """
    chosen = format_for(out, output_format)
    if chosen == "xlsx" and out is None:
        raise EnvironmentProblem("an xlsx workbook cannot go to the terminal", hint="add --out matrix.xlsx")
    result = library.partnership_matrix(project_dir, draft)
    errors = stderr_console()
    if result.warnings.items:
        errors.print(f"[yellow]{len(result.warnings.items)} warning(s) in the inputs[/yellow] "
                     "(run 'strategy-builder check' to see them)")
    computed = result.matrix
    if out is None:
        sys.stdout.buffer.write(render_matrix(computed, chosen))
        sys.stdout.flush()
        return ExitCode.OK
    write_matrix(computed, chosen, out)
    errors.print(f"wrote {out} ({chosen}: {len(computed.partners)} partners, {len(computed.priorities)} priorities, "
                 f"{computed.totals['actions']} live actions)")
    return ExitCode.OK
