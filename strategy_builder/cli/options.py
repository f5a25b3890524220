"""The options every command shares, defined once: the project folder, ``--format``, ``-q`` and ``-v``.

Conventions (docs/cli.md, "Common options"):

- ``--project DIR`` names the project folder on every command that reads a project. Without it the project
  is found by searching upward from the current folder for ``inputs/strategy.yaml``
  (:func:`strategy_builder.inputs.root.locate_project`). Commands that took the folder as a trailing
  positional argument still accept it there, as a hidden alias of ``--project``.
- ``--format text|json`` on every command that reports something; JSON goes to stdout.
- ``-q/--quiet`` leaves only results, findings and errors; ``-v/--verbose`` adds details (which project and
  template were used, timings).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from strategy_builder.cli import output
from strategy_builder.inputs.root import locate_project

PROJECT_HELP = "Project folder (the one holding inputs/strategy.yaml) [default: found upward from the current folder]."


class HiddenArgument(click.Argument):
    """A positional argument kept for compatibility: accepted, but not shown in the usage line."""

    def get_usage_pieces(self, ctx: click.Context) -> list[str]:
        return []


def _apply_verbosity(ctx: click.Context, param: click.Parameter, value: int) -> int:
    # Both callbacks run on every invocation (with 0 when not given), so the level never leaks from an
    # earlier invocation in the same process.
    ctx.meta[f"strategy_builder.{param.name}"] = value
    # Given before the command name (``strategy-builder -q build``), the group counted them (cli/__init__.py).
    meta = ctx.meta
    output.set_verbosity(meta.get("strategy_builder.verbose", 0) + meta.get("strategy_builder.group_verbose", 0)
                         - meta.get("strategy_builder.quiet", 0) - meta.get("strategy_builder.group_quiet", 0))
    return value


def verbosity_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """``-q/--quiet`` and ``-v/--verbose``; they set the level that :mod:`strategy_builder.cli.output` reads."""
    function = click.option("-v", "--verbose", count=True, expose_value=False, callback=_apply_verbosity,
                            is_eager=True, help="Say more: which project and template are used, timings.")(function)
    function = click.option("-q", "--quiet", count=True, expose_value=False, callback=_apply_verbosity,
                            is_eager=True, help="Print only results, findings and errors.")(function)
    return function


def format_option(*choices: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--format`` with the given choices, the first being the default."""
    return click.option("--format", "output_format", type=click.Choice(list(choices)), default=choices[0],
                        show_default=True, help="Output for people (text) or machines (json).")


def project_option(*, positional_alias: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--project DIR``; the command receives the folder found as ``project_dir``.

    With ``positional_alias``, a trailing PROJECT_DIR argument (the older form) is accepted too; place the
    decorator right below the command's own arguments so that it comes after them.
    """

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def run(*args: Any, project: Path | None, project_positional: Path | None = None, **kwargs: Any) -> Any:
            if project is not None and project_positional is not None and project != project_positional:
                raise click.UsageError(f"two project folders given: --project {project} and {project_positional}")
            location = locate_project(project or project_positional)
            if location.how == "found" and location.path != Path("."):
                output.detail(f"project: {location.path} (found upward from the current folder)")
            return function(*args, project_dir=location.path, **kwargs)

        decorated: Callable[..., Any] = run
        if positional_alias:
            decorated = click.argument("project_positional", cls=HiddenArgument, required=False, default=None,
                                       metavar="[PROJECT_DIR]",
                                       type=click.Path(file_okay=False, path_type=Path))(decorated)
        return click.option("--project", "project", type=click.Path(file_okay=False, path_type=Path), default=None,
                            metavar="DIR", help=PROJECT_HELP)(decorated)

    return decorate


project_argument = project_option(positional_alias=True)
"""``--project DIR`` plus the older trailing PROJECT_DIR (see :func:`project_option`)."""


def iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    """A click callback reading an option's value as a date written ``YYYY-MM-DD`` (``None`` stays ``None``)."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not a date like 2011-02-10") from error
