"""The ``strategy-builder`` command line: one module per command, errors turned into messages and exit codes.

Commands are loaded when they run: :data:`COMMANDS` names each command's module and its one-line summary,
so that ``--help``, ``--version`` and shell completion of command names import no command module (and
none of the libraries the commands use). A command module registers its command on :data:`cli` when it
is imported; it parses options, calls one function of the library (:mod:`strategy_builder`) and renders
the result or the findings (:mod:`strategy_builder.cli.output`).
"""

from __future__ import annotations

import gc

GC_ALLOCATIONS = 100_000
"""Allocations between two runs of the garbage collector's youngest generation (Python's default: 700)."""

# Objects that live as long as the process keep arriving while a command imports its libraries and builds
# its models, and the collector, woken every 700 allocations, scans them again and again: 5-10 % of the CPU
# time of a build or a preview (measured). Woken every 100,000 allocations it still collects (a watcher
# runs for hours) and costs next to nothing. Set here, before click and lxml are imported, and not only
# when a command starts: the collector's runs during those imports were 1.5 % of the instructions of a
# diff as the first command of a session.
gc.set_threshold(GC_ALLOCATIONS, 10, 10)

import importlib  # noqa: E402 - after the collector is set (above)
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any, NamedTuple  # noqa: E402

import click  # noqa: E402

from strategy_builder import __version__  # noqa: E402
from strategy_builder.errors import (  # noqa: E402
    EnvironmentProblem, ExitCode, InputProblems, StrategyBuilderError, TemplateProblem,
)

INTERNAL_ERROR = 3
"""Exit code of an unexpected failure (a bug in strategy-builder); documented in docs/cli.md."""

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

_KEPT: list[object] | None = None
"""What commands leave to the end of the process (:func:`keep_until_exit`); ``None`` unless the process ends
with the command."""


def keep_until_exit(value: object) -> None:
    """Let ``value`` (a command's result, with every document it read) live until the process ends, when the
    process ends with the command: freeing tens of thousands of objects just before the process goes is
    work nobody waits for, and a command's process ends without freeing anything
    (:func:`strategy_builder.warm_start.end_process`; a 12-partner diff's comparison took about 40 ms to
    free). Otherwise (a caller that goes on, such as the tests) nothing is kept."""
    if _KEPT is not None:
        _KEPT.append(value)


class CommandEntry(NamedTuple):
    """Where a command lives and what ``--help`` says of it, known without importing it."""

    module: str
    """The module under ``strategy_builder/cli/`` that defines the command (``@cli.command`` or ``@cli.group``)."""
    summary: str
    """The first sentence of the command's help, as ``strategy-builder --help`` lists it."""


COMMANDS: dict[str, CommandEntry] = {
    "align": CommandEntry("align", "For draft DRAFT, section by section: is each language version in step with the "
                                   "source?"),
    "build": CommandEntry("build", "Build a new draft build/drafts/NNN/ with one <CODE>.docx per partner and a "
                                   "manifest.json."),
    "check": CommandEntry("check", "Validate inputs/strategy.yaml, every inputs/partners/<CODE>.yaml and the "
                                   "translations."),
    "comments": CommandEntry("comments", "Read returned drafts (FILE.docx...) and list every comment, reply and "
                                         "tracked change."),
    "consolidate": CommandEntry("consolidate", "Merge the returns (FILE.docx...) of one partner's draft into one "
                                               ".docx."),
    "context": CommandEntry("template", "Print the exact template context of partner CODE for the next draft, as "
                                        "JSON."),
    "diff": CommandEntry("diff", "Compare OLD and NEW: each a draft number (3), a draft folder or a .docx file."),
    "init": CommandEntry("init", "Start a new project in DIR (default: the current folder)."),
    "matrix": CommandEntry("matrix", "The partnership matrix: every partner × the five areas, from the inputs "
                                     "alone."),
    "new-partner": CommandEntry("new_partner", "Create inputs/partners/CODE.yaml for a partner state declared in "
                                               "inputs/strategy.yaml."),
    "new-round": CommandEntry("new_round", "Start the next consultation round: consultation.round of "
                                           "inputs/strategy.yaml goes up by one and takes the new issue date and "
                                           "deadline."),
    "overview": CommandEntry("overview", "Write the regional overview build/overview/NNN/ for senior officials."),
    "propose": CommandEntry("propose", "Propose every tracked change of returned drafts (FILE.docx...) as a new "
                                       "value of the YAML input it was printed from."),
    "register": CommandEntry("register", "The comment register of returned drafts."),
    "reply": CommandEntry("reply", "Write replies to ministries (MINISTRY..., or --all) that go out with draft "
                                   "DRAFT."),
    "schema": CommandEntry("schema", "Write the JSON Schemas (draft-07) of strategy.yaml and partner files, for "
                                     "yaml-language-server."),
    "sections": CommandEntry("sections", "List the tracked sections of FILE.docx with their heading and text "
                                         "length."),
    "status": CommandEntry("status", "Show the current consultation round: which partners' drafts went out in "
                                     "which draft, which ministries returned them (from the register), the rows "
                                     "still open per partner and ministry, and what is overdue once the deadline "
                                     "has passed."),
    "template-check": CommandEntry("template", "Check a Word template against the template contract "
                                              "(docs/templates.md)."),
    "translate": CommandEntry("translate", "The translations of the language versions declared under 'languages' "
                                           "in inputs/strategy.yaml."),
}
"""Every command: name -> where it lives and its summary. This table is how a command exists: the
group imports a command's module only when that command runs or shows its own help, so ``--help``,
``--version`` and completion import none. Adding a command = its module under ``cli/`` plus one line
here, and nothing else in this file (docs/architecture.md, "Adding a command");
``tests/cli/test_lazy_commands.py`` fails for a command module missing here, a summary that differs from
the command's help, and a command module imported at start-up."""


class LazyGroup(click.Group):
    """A group whose commands are imported only when one is run (or asked for its own help)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(f"strategy_builder.cli.{COMMANDS[cmd_name].module}")  # registers itself
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list of commands from their summaries, as click lays it out, without importing them."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        # A bare Command shortens its help the way click does for the real one.
        rows = [(name, click.Command(name, help=_summary(self, name)).get_short_help_str(limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[Any]:
        """Command names (with their summaries) and the group's options, without importing a command."""
        from click.shell_completion import CompletionItem

        items = [CompletionItem(name, help=_summary(self, name)) for name in self.list_commands(ctx)
                 if name.startswith(incomplete)]
        return items + click.Command.shell_complete(self, ctx, incomplete)


def _summary(group: click.Group, name: str) -> str:
    if name in COMMANDS:
        return COMMANDS[name].summary
    return group.commands[name].get_short_help_str()


def _note_verbosity(ctx: click.Context, param: click.Parameter, value: int) -> int:
    # Before the command: counted here, added to the command's own -q/-v by cli/options.py (the command's
    # context shares ``meta`` with the group's), so that ``strategy-builder -q build`` = ``build -q``.
    ctx.meta[f"strategy_builder.group_{param.name}"] = value
    return value


@click.group(cls=LazyGroup, context_settings=CONTEXT_SETTINGS,
             epilog="Example:\n\n    strategy-builder check --project path/to/project")
@click.version_option(__version__, prog_name="strategy-builder")
@click.option("-q", "--quiet", count=True, expose_value=False, callback=_note_verbosity, is_eager=True,
              help="Print only results, findings and errors (also accepted after the command).")
@click.option("-v", "--verbose", count=True, expose_value=False, callback=_note_verbosity, is_eager=True,
              help="Say more: which project and template are used, timings (also after the command).")
def cli() -> None:
    """Validate BMP Migration Partnership Strategy inputs and assemble tracked Word drafts.

    A project folder holds inputs/ (strategy.yaml and partners/<CODE>.yaml) and templates/.
    Exit codes: 0 ok, 1 problems in the inputs or documents, 2 usage or environment error,
    3 internal error.
    """


def _wants_json(argv: list[str]) -> bool:
    for index, arg in enumerate(argv):
        if arg == "--format=json" or (arg == "--format" and index + 1 < len(argv) and argv[index + 1] == "json"):
            return True
    return False


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and exit with a documented code; never shows a traceback unless STRATEGY_BUILDER_DEBUG=1."""
    try:
        _main(argv)
    finally:
        if argv is None:  # the process ends here (a caller passing arguments may go on)
            # Python's shutdown collects garbage over every object of the process once more before it frees
            # them: about a tenth of a preview's CPU time (measured), for objects that die with the process
            # anyway. Frozen, they are freed without that scan.
            gc.freeze()


def _main(argv: list[str] | None) -> None:
    global _KEPT
    _KEPT = [] if argv is None else None  # see keep_until_exit
    args = list(sys.argv[1:] if argv is None else argv)
    # The tens of thousands of objects created by importing pydantic, lxml and docxtpl never become
    # garbage; moving them out of the collector's sight saves a third of a small build's time. (The
    # libraries a command uses are imported when it runs: a second freeze then would cost more than
    # it saves on the short commands, so this one covers the start-up.)
    gc.freeze()
    gc.set_threshold(GC_ALLOCATIONS, 10, 10)  # again: a caller may have changed it since the import (above)
    as_json = _wants_json(args)
    from strategy_builder.cli import output

    output.set_verbosity(0)
    output.prepare_streams(own_process=argv is None)

    def say(payload: Callable[[], object], text: Callable[[], None]) -> None:
        """``payload()`` as JSON on stdout with ``--format json``, else ``text()`` (on stderr); ``text()`` also
        when stdout cannot take the JSON (a full disk, a reader gone), so that what went wrong is still said."""
        if as_json:
            try:
                output.print_json(payload())
                return
            except OSError:
                pass
        text()

    def fail(error: StrategyBuilderError) -> None:
        say(lambda: output.error_payload(error), lambda: output.render_error(error, output.plain_stderr()))
        sys.exit(error.exit_code)

    try:
        code = cli.main(args=args, prog_name="strategy-builder", standalone_mode=False)
        sys.exit(int(code or 0))
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.Abort:
        output.plain_stderr().print("[red]aborted[/red]")
        sys.exit(130)
    except click.ClickException as error:
        usage = {"error": {"type": "UsageError", "message": error.format_message(), "hint": None,
                           "exit_code": int(ExitCode.USAGE_OR_ENVIRONMENT)}}
        say(lambda: usage, lambda: None)
        error.show()
        sys.exit(ExitCode.USAGE_OR_ENVIRONMENT)
    except (InputProblems, TemplateProblem) as problems:
        findings = problems.findings
        say(lambda: output.findings_payload(findings), lambda: output.render_findings(findings, output.plain_stderr()))
        sys.exit(problems.exit_code)
    except StrategyBuilderError as error:
        fail(error)
    except KeyboardInterrupt:
        output.plain_stderr().print("[red]interrupted[/red]")
        sys.exit(130)
    except OSError as error:
        # The file system refused something no check foresaw (permissions, a full disk, a read-only
        # mount, a name too long...): the user's environment, not a bug.
        if os.environ.get("STRATEGY_BUILDER_DEBUG"):
            raise
        from strategy_builder.files import environment_problem

        fail(environment_problem(error))
    except MemoryError:
        fail(EnvironmentProblem("the command ran out of memory",
                                hint="close other programs, or see the limits of inputs in docs/security.md"))
    except Exception as error:  # noqa: BLE001 - the last line of defence against tracebacks
        if os.environ.get("STRATEGY_BUILDER_DEBUG"):
            raise
        internal = {"error": {"type": "InternalError", "message": f"{type(error).__name__}: {error}",
                              "hint": "this is a bug in strategy-builder; re-run with STRATEGY_BUILDER_DEBUG=1 for "
                                      "details and report it",
                              "exit_code": INTERNAL_ERROR}}
        say(lambda: internal, lambda: None)
        console = output.plain_stderr()
        console.print(f"[bold red]internal error:[/bold red] {type(error).__name__}: {error}")
        console.print("  This is a bug in strategy-builder. Re-run with STRATEGY_BUILDER_DEBUG=1 for details "
                      "and report it.")
        sys.exit(INTERNAL_ERROR)


_SHARED_OPTIONS = {"format_option", "project_argument", "project_option", "verbosity_options"}


def __getattr__(name: str) -> Any:
    """The shared options under their older names here (``from strategy_builder.cli import format_option``),
    imported on first use; new code imports them from :mod:`strategy_builder.cli.options`."""
    if name in _SHARED_OPTIONS:
        from strategy_builder.cli import options

        return getattr(options, name)
    raise AttributeError(f"module 'strategy_builder.cli' has no attribute {name!r}")


# No command module is imported here: a command exists by its line in COMMANDS above, and its module is
# imported when it runs (docs/architecture.md, "Adding a command"; tests/cli/test_lazy_commands.py).
