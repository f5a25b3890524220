"""The CLI documents itself and docs/cli.md cannot drift from it (commands are iterated, never listed here).

- every command's ``--help`` ends with an example (its epilog starts with "Example");
- docs/cli.md has a section ``## `strategy-builder NAME` `` for every registered command, and names every
  option of the command in that section;
- docs/inputs.md names every field of the input models, so a new field cannot go undocumented.
"""

from __future__ import annotations

import re
import typing

import click
import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from conftest import REPO
from strategy_builder.cli import cli
from strategy_builder.cli.options import HiddenArgument
from strategy_builder.errors import ExitCode
from strategy_builder.models.inputs import PartnerFile, StrategyFile

CLI_MD = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
INPUTS_MD = (REPO / "docs" / "inputs.md").read_text(encoding="utf-8")
_CONTEXT = click.Context(cli, info_name="strategy-builder")
COMMANDS = cli.list_commands(_CONTEXT)
"""Every command, as the group lists it (its module is imported only when the command is looked up)."""


def _command(name: str) -> click.Command:
    """A command by its name (imported on demand, as when it runs); ``translate status`` names a subcommand."""
    group, _, sub = name.partition(" ")
    command = cli.get_command(_CONTEXT, group)
    assert command is not None, group
    return command.commands[sub] if sub and isinstance(command, click.Group) else command


def section(name: str) -> str:
    """The text of docs/cli.md's section for command ``name`` (up to the next ``## `` heading)."""
    match = re.search(rf"^## `strategy-builder {re.escape(name)}`\n(.*?)(?=^## |\Z)", CLI_MD, re.M | re.S)
    assert match, f"docs/cli.md has no section '## `strategy-builder {name}`'"
    return match.group(1)


def test_commands_are_registered() -> None:
    assert {"check", "schema", "new-partner"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_help_ends_with_an_example(name: str) -> None:
    command = _command(name)
    assert command.epilog and command.epilog.startswith("Example"), f"{name}: the epilog must start with 'Example'"
    result = CliRunner().invoke(cli, [name, "--help"], prog_name="strategy-builder", terminal_width=100)
    assert result.exit_code == 0, result.output
    last = [line.strip() for line in result.output.splitlines() if line.strip()][-1]
    assert last.startswith("strategy-builder "), f"{name} --help ends with {last!r}, not an example"
    assert f"strategy-builder {name}" in last


def test_the_group_help_ends_with_an_example_and_the_exit_codes() -> None:
    result = CliRunner().invoke(cli, ["--help"], prog_name="strategy-builder", terminal_width=100)
    assert result.exit_code == 0
    assert [line.strip() for line in result.output.splitlines() if line.strip()][-1].startswith("strategy-builder ")
    text = " ".join(result.output.split())
    assert "0 ok, 1 problems in the inputs or documents, 2 usage or environment error, 3 internal error" in text


COMMON_OPTIONS = ("--project", "--quiet", "--verbose")
"""Options every command shares; docs/cli.md describes them once, under "Common options"."""


def common_section() -> str:
    match = re.search(r"^## Common options\n(.*?)(?=^## |\Z)", CLI_MD, re.M | re.S)
    assert match, "docs/cli.md has no section '## Common options'"
    return match.group(1)


@pytest.mark.parametrize("name", COMMANDS)
def test_docs_cli_has_a_section_naming_every_option(name: str) -> None:
    text = section(name)
    command = _command(name)
    for param in command.params:
        if isinstance(param, click.Option):
            for option in (*param.opts, *param.secondary_opts):
                if option in COMMON_OPTIONS:
                    assert option in common_section(), f"docs/cli.md, Common options: {option} is not documented"
                elif option.startswith("--") and option != "--help":
                    assert option in text, f"docs/cli.md, section {name}: option {option} is not documented"
        elif isinstance(param, HiddenArgument):
            assert name in common_section(), f"docs/cli.md, Common options: {name}'s PROJECT_DIR alias"
        elif isinstance(param, click.Argument):
            assert param.human_readable_name.upper() in text.upper(), f"{name}: argument {param.name}"
    assert re.search(rf"^strategy-builder {re.escape(name)}\b", text, re.M), f"{name}: no example in docs/cli.md"


def test_docs_cli_lists_every_command_in_its_table() -> None:
    table = CLI_MD[:CLI_MD.index("## Exit codes")]
    for name in COMMANDS:
        assert f"[`{name}`](#strategy-builder-{name})" in table, name
    documented = set(re.findall(r"^## `strategy-builder ([a-z-]+)`", CLI_MD, re.M))
    assert documented == set(COMMANDS), f"documented but not registered: {documented - set(COMMANDS)}"


def test_docs_cli_exit_codes_and_json_keys() -> None:
    for code in [*ExitCode, 3]:
        assert re.search(rf"^\| \*\*{int(code)}\*\* \|", CLI_MD, re.M), code
    for key in ("file", "line", "column", "field", "code", "severity", "message", "hint", "errors", "warnings",
                "findings"):
        assert f"`{key}`" in CLI_MD, key


# --------------------------------------------------------------------------- docs/inputs.md


def _fields(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[tuple[str, str]]:
    """(model name, field name) of ``model`` and of every model it contains."""
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    found = set()
    for name, info in model.model_fields.items():
        found.add((model.__name__, name))
        stack = [info.annotation]
        while stack:
            annotation = stack.pop()
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                found |= _fields(annotation, seen)
            stack.extend(typing.get_args(annotation))
    return found


@pytest.mark.parametrize("model", [StrategyFile, PartnerFile], ids=["strategy.yaml", "partner"])
def test_docs_inputs_names_every_field(model: type[BaseModel]) -> None:
    missing = sorted(f"{owner}.{name}" for owner, name in _fields(model) if f"`{name}`" not in INPUTS_MD)
    assert not missing, f"docs/inputs.md does not document: {missing}"


def test_docs_inputs_states_the_limits_of_the_reader() -> None:
    from strategy_builder.inputs.yamlsource import MAX_DEPTH, MAX_FILE_BYTES
    assert MAX_FILE_BYTES == 1 << 20 and "1 MiB" in INPUTS_MD
    assert f"{MAX_DEPTH} levels" in INPUTS_MD
    for text in ("yaml-language-server", "# $schema:", "--strict", "NO", "U+000B"):
        assert text in INPUTS_MD, text


WORKS_ON_A_PROJECT = {"check", "schema", "new-partner", "build", "template-check", "context", "diff", "comments",
                      "matrix", "align", "translate status", "translate export", "translate import"}
"""Commands that work on an existing project (``init`` creates one in DIR; the others read only the files given)."""
REPORTS_WITHOUT_FORMAT_JSON = {"context": "always prints JSON", "matrix": "has its own --format of views"}




def _options(name: str) -> set[str]:
    return {o for p in _command(name).params if isinstance(p, click.Option) for o in (*p.opts, *p.secondary_opts)}


def _leaves(name: str) -> list[str]:
    command = _command(name)
    return [f"{name} {sub}" for sub in command.commands] if isinstance(command, click.Group) else [name]


LEAF_COMMANDS = sorted(leaf for name in COMMANDS for leaf in _leaves(name))
"""Every command that runs (a group's subcommands, ``translate status``, instead of the group)."""


@pytest.mark.parametrize("name", LEAF_COMMANDS)
def test_every_command_follows_the_common_conventions(name: str) -> None:
    options = _options(name)
    assert {"-q", "--quiet", "-v", "--verbose"} <= options, f"{name}: use cli.options.verbosity_options"
    if name in WORKS_ON_A_PROJECT:
        assert "--project" in options, f"{name}: use cli.options.project_option"
    if name not in REPORTS_WITHOUT_FORMAT_JSON:
        [choice] = [p for p in _command(name).params if isinstance(p, click.Option) and "--format" in p.opts]
        assert "json" in choice.type.choices, f"{name}: --format json"  # type: ignore[attr-defined]
