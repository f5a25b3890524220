"""The ``strategy-builder`` command line: one module per command, errors turned into messages and exit codes."""

from __future__ import annotations

import gc
import os
import sys

import click

from strategy_builder import __version__
from strategy_builder.cli.output import (
    error_payload,
    print_json,
    render_error,
    render_findings,
    set_verbosity,
    stderr_console,
)
from strategy_builder.errors import (
    EnvironmentProblem, ExitCode, InputProblems, StrategyBuilderError, TemplateProblem,
)
from strategy_builder.files import environment_problem

INTERNAL_ERROR = 3
"""Exit code of an unexpected failure (a bug in strategy-builder); documented in docs/cli.md."""

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT_SETTINGS,
             epilog="Example:\n\n    strategy-builder check --project path/to/project")
@click.version_option(__version__, prog_name="strategy-builder")
def cli() -> None:
    """Validate BMP Migration Partnership Strategy inputs and assemble tracked Word drafts.

    A project folder holds inputs/ (strategy.yaml and partners/<CODE>.yaml) and templates/.
    Exit codes: 0 ok, 1 problems in the inputs or documents, 2 usage or environment error,
    3 internal error.
    """


# The shared options live in one module (cli/options.py); these names are kept for the command modules.
from strategy_builder.cli.options import format_option, project_option, verbosity_options  # noqa: E402,F401

project_argument = project_option(positional_alias=True)
"""``--project DIR`` plus the older trailing PROJECT_DIR (see :func:`project_option`)."""


def _wants_json(argv: list[str]) -> bool:
    for index, arg in enumerate(argv):
        if arg == "--format=json" or (arg == "--format" and index + 1 < len(argv) and argv[index + 1] == "json"):
            return True
    return False


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and exit with a documented code; never shows a traceback unless STRATEGY_BUILDER_DEBUG=1."""
    args = list(sys.argv[1:] if argv is None else argv)
    # The tens of thousands of objects created by importing pydantic, lxml and docxtpl never become
    # garbage; moving them out of the collector's sight saves a third of a small build's time.
    gc.freeze()
    set_verbosity(0)
    as_json = _wants_json(args)
    console = stderr_console()

    def fail(error: StrategyBuilderError) -> None:
        if as_json:
            print_json(error_payload(error))
        else:
            render_error(error, console)
        sys.exit(error.exit_code)

    try:
        code = cli.main(args=args, prog_name="strategy-builder", standalone_mode=False)
        sys.exit(int(code or 0))
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.Abort:
        console.print("[red]aborted[/red]")
        sys.exit(130)
    except click.ClickException as error:
        if as_json:
            print_json({"error": {"type": "UsageError", "message": error.format_message(), "hint": None,
                                  "exit_code": int(ExitCode.USAGE_OR_ENVIRONMENT)}})
        error.show()
        sys.exit(ExitCode.USAGE_OR_ENVIRONMENT)
    except (InputProblems, TemplateProblem) as problems:
        if as_json:
            from strategy_builder.cli.output import findings_payload
            print_json(findings_payload(problems.findings))
        else:
            render_findings(problems.findings, console)
        sys.exit(problems.exit_code)
    except StrategyBuilderError as error:
        fail(error)
    except KeyboardInterrupt:
        console.print("[red]interrupted[/red]")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except OSError as error:
        # The file system refused something no check foresaw (permissions, a full disk, a read-only
        # mount, a name too long...): the user's environment, not a bug.
        if os.environ.get("STRATEGY_BUILDER_DEBUG"):
            raise
        fail(environment_problem(error))
    except MemoryError:
        fail(EnvironmentProblem("the command ran out of memory",
                                hint="close other programs, or see the limits of inputs in docs/security.md"))
    except Exception as error:  # noqa: BLE001 - the last line of defence against tracebacks
        if os.environ.get("STRATEGY_BUILDER_DEBUG"):
            raise
        if as_json:
            print_json({"error": {"type": "InternalError", "message": f"{type(error).__name__}: {error}",
                                  "hint": "this is a bug in strategy-builder; re-run with STRATEGY_BUILDER_DEBUG=1 "
                                          "for details and report it", "exit_code": INTERNAL_ERROR}})
        console.print(f"[bold red]internal error:[/bold red] {type(error).__name__}: {error}")
        console.print("  This is a bug in strategy-builder. Re-run with STRATEGY_BUILDER_DEBUG=1 for details "
                      "and report it.")
        sys.exit(INTERNAL_ERROR)


# Each command module registers itself on ``cli`` when imported.
from strategy_builder.cli import (  # noqa: E402,F401
    align, build, check, comments, consolidate, diff, init, matrix, new_partner, overview, reply, schema, sections,
    status, template, translate,
)
