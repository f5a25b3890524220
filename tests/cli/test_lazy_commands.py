"""Commands are loaded when they run: --help, --version and the completion of command names import no
command module and none of the libraries the commands use; the table of commands (``COMMANDS`` in
strategy_builder/cli/__init__.py) cannot drift from the command modules.

These tests are what keeps a new command lazy: a command module that registers a command missing from
``COMMANDS`` fails here, and so does a command module imported when the CLI starts.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

import click
import pytest

from conftest import REPO
from strategy_builder.cli import COMMANDS, cli

_LOADED = """
import sys
from strategy_builder.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("\\n".join(sorted(sys.modules)), file=sys.stderr)
"""
HEAVY = ("pydantic", "lxml", "docx", "docxtpl", "jinja2", "yaml", "rich", "openpyxl", "pycountry", "babel")
"""Libraries that commands use and that take tens of milliseconds each to import."""
INFRASTRUCTURE = {"__init__", "options", "output"}
"""The modules of strategy_builder/cli/ that are not commands."""
COMMAND_MODULES = sorted(path.stem for path in (REPO / "strategy_builder" / "cli").glob("*.py")
                         if path.stem not in INFRASTRUCTURE)


def _modules_after(*args: str, env: dict[str, str] | None = None) -> tuple[str, set[str]]:
    result = subprocess.run([sys.executable, "-c", _LOADED, *args], capture_output=True, text=True, timeout=60,
                            env={**os.environ, **(env or {})})
    return result.stdout, set(result.stderr.split())


@pytest.mark.parametrize("args", [("--help",), ("--version",), ("-h",)])
def test_help_and_version_import_no_command_and_no_heavy_library(args: tuple[str, ...]) -> None:
    output, loaded = _modules_after(*args)
    assert output.strip()
    commands = sorted(m for m in loaded if m.startswith("strategy_builder.cli.") and m.rpartition(".")[2]
                      not in INFRASTRUCTURE)
    assert not commands, (f"the CLI imports command modules at start-up: {commands}; list commands in COMMANDS "
                          "(strategy_builder/cli/__init__.py) instead of importing them")
    ours = {m for m in loaded if m.startswith("strategy_builder")}
    assert ours <= {"strategy_builder", "strategy_builder.cli", "strategy_builder.cli.output",
                    "strategy_builder.errors", "strategy_builder.markup", "strategy_builder.records"}, ours
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}


def test_completing_a_command_name_imports_no_command() -> None:
    env = {"_STRATEGY_BUILDER_COMPLETE": "bash_complete", "COMP_WORDS": "strategy-builder b", "COMP_CWORD": "1"}
    output, loaded = _modules_after(env=env)
    assert "plain,build" in output
    assert not {m for m in loaded if m.startswith("strategy_builder.cli.") and m != "strategy_builder.cli.output"}
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}


def test_every_command_is_listed_with_its_own_summary() -> None:
    context = click.Context(cli, info_name="strategy-builder")
    for name, (module, summary) in COMMANDS.items():
        command = cli.get_command(context, name)
        assert command is not None and command.name == name, f"{name}: strategy_builder.cli.{module} defines no " \
                                                             f"command {name!r}"
        # The listing shortens the summary as click shortens the command's own help.
        assert click.Command(name, help=summary).get_short_help_str(200) == command.get_short_help_str(200), \
            f"{name}: the summary in COMMANDS differs from the first sentence of the command's help"
        assert command.callback is not None and command.callback.__module__ == f"strategy_builder.cli.{module}"


def test_every_command_module_is_listed() -> None:
    """Import every module of strategy_builder/cli/ and compare what registered itself with COMMANDS: this
    holds whichever way a command is made (``@cli.command``, ``@cli.group``, ``cli.add_command``)."""
    for module in COMMAND_MODULES:
        importlib.import_module(f"strategy_builder.cli.{module}")
    registered = {name: command.callback.__module__.rpartition(".")[2] if command.callback else "?"
                  for name, command in cli.commands.items()}
    missing = {name: module for name, module in registered.items() if name not in COMMANDS}
    assert not missing, ("commands missing from COMMANDS in strategy_builder/cli/__init__.py (add "
                         "'name': CommandEntry('module', 'first sentence of its help'), see docs/architecture.md, "
                         f"'Adding a command'): {missing}")
    assert {name: COMMANDS[name].module for name in registered} == registered
    silent = sorted(set(COMMAND_MODULES) - set(registered.values()))
    assert not silent, f"modules of strategy_builder/cli/ that define no command: {silent} (shared code belongs " \
                       "in the library, or in cli/options.py or cli/output.py)"



def test_diff_of_two_files_imports_no_input_model_and_no_template_engine(tmp_path) -> None:
    """``diff OLD.docx NEW.docx --redline OUT`` reads documents only: the input models (pydantic), YAML,
    Jinja2 and python-docx stay out of its process (they are most of a build's start-up)."""
    from fixtures.diff.docs import make_docx

    old, new = make_docx(["One.", "Two."], tmp_path / "old.docx"), make_docx(["One.", "Three."], tmp_path / "new.docx")
    assert old != new
    output, loaded = _modules_after("diff", str(tmp_path / "old.docx"), str(tmp_path / "new.docx"), "--project",
                                    str(tmp_path), "--redline", str(tmp_path / "redline.docx"))
    assert "Three" in output and (tmp_path / "redline.docx").is_file()
    assert not {m for m in loaded if m.split(".")[0] in ("pydantic", "yaml", "jinja2", "docx", "docxtpl")}
