"""The plain console prints console markup as rich does (same text, same table) without importing rich, so
that a build's summary, its findings and a preview of one partner cost no rich."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.markup import escape as rich_escape
from rich.table import Table

from conftest import copy_sample
from strategy_builder.cli.output import PlainConsole, escape, print_table

PIECES = st.lists(st.sampled_from([*"ab[]/\\ #@=-Ж中\t\r\x07\n", "bold", "dim", "red"]), max_size=30).map("".join)
"""Texts made of brackets, backslashes and style names (what console markup could read as tags), tabs and
line breaks (rich expands tabs to its stops) and control codes (rich drops them)."""


def _rich(markup: str | Table) -> str:
    buffer = io.StringIO()
    Console(file=buffer, highlight=False, soft_wrap=True, emoji=False, width=1_000_000, no_color=True,
            force_terminal=False).print(markup)
    return buffer.getvalue()


def _plain(markup: str) -> str:
    buffer = io.StringIO()
    PlainConsole(buffer, colour=False).print(markup)
    return buffer.getvalue()


@given(PIECES)
def test_escape_is_riches_and_escaped_text_prints_as_it_is(text: str) -> None:
    assert escape(text) == rich_escape(text)
    assert _plain(escape(text)) == _rich(escape(text))
    # (Console markup reads "\\[" as "[" wherever it is, and escaping doubles a last backslash for markup
    # that goes on after it: rich prints such texts changed too.)
    if "\\[" not in text and not text.endswith("\\") and not set(text) & set("\t\r\x07"):
        assert _plain(escape(text)) == text + "\n"


def test_markup_prints_the_same_text_as_rich() -> None:
    for markup in ["[bold red]error:[/bold red] the file a\\[b] is missing", "[dim]12:00[/dim] x: [green]wrote[/green]",
                   "priorities[0].title  [dim](translation.stale)[/dim]", "\\\\[bold]x[/bold]", "[yellow]open",
                   f"  {escape('a [bold] b')}  [dim](code)[/dim]", "[bold]Ж\t中[/bold]\tb\n\tc\r\x07d\t"]:
        assert _plain(markup) == _rich(markup), markup


def test_colours_on_a_terminal_and_none_elsewhere() -> None:
    coloured = io.StringIO()
    PlainConsole(coloured, colour=True).print("[bold red]error:[/bold red] x")
    assert coloured.getvalue() == "\x1b[0m\x1b[1;31merror:\x1b[0m x\n"
    assert _plain("[bold red]error:[/bold red] x") == "error: x\n"


def test_a_table_is_drawn_as_rich_draws_it() -> None:
    columns = [("Partner", "left"), ("Sections", "right"), ("Words", "right"), ("File", "left")]
    rows = [["MD Moldova", "23", "4,315", "build/preview/MD.docx [dim](unchanged)[/dim]"],
            ["KZ Казахстан", "10", "1,750", "build/preview/ru/KZ.docx [yellow](3 pending)[/yellow]"],
            ["CN 中国", "1", "9", escape("odd [name].docx")]]
    table = Table(title=None, show_lines=False)
    for name, justify in columns:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(*row)
    buffer = io.StringIO()
    print_table(PlainConsole(buffer, colour=False), columns, rows)  # type: ignore[arg-type]
    assert buffer.getvalue() == _rich(table)


def test_a_preview_of_one_partner_imports_no_rich(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "project")
    code = ("import sys\nfrom strategy_builder.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n"
            "    print('exit', e.code, file=sys.stderr)\nprint('rich' in sys.modules, file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", code, "build", "--preview", "--partner", "MD", "--project",
                             str(project)], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "STRATEGY_BUILDER_LAYOUT": "off"})
    assert "exit 0" in result.stderr and "┃ Partner" in result.stdout and "MD Moldova" in result.stdout
    assert result.stderr.split()[-1] == "False", "rich was imported"
