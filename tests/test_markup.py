"""Console markup printed without rich (strategy_builder/markup.py): the same text as rich prints, tabs and
control codes included; the CLI's own uses are tested in tests/cli/test_plain_console.py."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from strategy_builder.markup import PlainConsole, cell_width, escape, render


def _rich(markup: str) -> str:
    buffer = io.StringIO()
    Console(file=buffer, highlight=False, soft_wrap=True, emoji=False, width=1_000_000, no_color=True,
            force_terminal=False).print(markup)
    return buffer.getvalue()


LINES = st.lists(st.sampled_from(["\t", "\n", "\r", "\x07", "\x0c", "a", "Ж", "中", "[bold]a\tb[/bold]", "[dim]x[/dim]",
                                  escape("[b]"), "word "]), max_size=25).map("".join)
"""Markup with tabs after narrow and wide characters, line breaks, control codes and styles."""


@given(LINES)
def test_tabs_and_control_codes_print_as_rich_prints_them(markup: str) -> None:
    assert render(markup) + "\n" == _rich(markup)


def test_tab_stops_count_wide_characters_as_two_columns() -> None:
    assert render("中\tx") == "中      x"
    assert render("abcdefg\tx") == "abcdefg x"
    assert render("abcdefgh\tx") == "abcdefgh        x"
    assert cell_width("中a") == 3 and cell_width("Жa") == 2


def test_struck_text_is_struck_on_a_terminal() -> None:
    coloured = io.StringIO()
    PlainConsole(coloured, colour=True).print("[bold red strike]\\[-old-][/]")
    assert coloured.getvalue() == "\x1b[0m\x1b[1;31;9m[-old-]\x1b[0m\n"
