"""The diff's terminal report is lines of console markup: printed by the CLI's plain console (no rich) it is
the same text as on rich's console, the table of partners included."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from rich.table import Table

from fixtures.diff.docs import make_docx
from strategy_builder.markup import PlainConsole, escape
from strategy_builder.review.compare import compare
from strategy_builder.review.report_terminal import render_terminal, table_lines
from strategy_builder.review.report_view import comparison_view


def _rich_console() -> Console:
    """The console the CLI printed the report on before: no wrapping, no width limit, no colour (a pipe)."""
    return Console(file=io.StringIO(), highlight=False, soft_wrap=True, emoji=False, width=1_000_000,
                   no_color=True, force_terminal=False)


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two folders of three documents: two of them changed (one with tabs, brackets and a wide character,
    one in Russian with a table), one not."""
    root = tmp_path_factory.mktemp("terminal")
    old, new = root / "old", root / "new"
    old.mkdir()
    new.mkdir()
    make_docx([("h1", "2.3\tBorders"), "Guards\tare trained.", "Training [bold] centres."], old / "AM.docx")
    make_docx([("h1", "2.3\tBorders"), "Guards\tare trained twice.", "Training [bold] centres opened.",
               "Ж\tadded\tw\u4e2dith tabs."], new / "AM.docx")
    make_docx([("h1", "Границы"), "Пограничники обучены.", ("table", [["a", "b"], ["c", "d"]])], old / "GE.docx")
    make_docx([("h1", "Границы"), "Пограничники хорошо обучены.", ("table", [["a", "b"], ["c", "d e"]])],
              new / "GE.docx")
    for folder in (old, new):
        make_docx([("h1", "Same"), "Nothing changes here."], folder / "UZ.docx")
    return old, new


@pytest.mark.parametrize("show_unchanged", [False, True])
def test_the_plain_report_is_riches_text(drafts: tuple[Path, Path], tmp_path: Path, show_unchanged: bool) -> None:
    view = comparison_view(compare(str(drafts[0]), str(drafts[1]), tmp_path))
    assert len(view.changed_partners) == 2, "two changed partners: the report has its table"
    rich = _rich_console()
    render_terminal(view, rich, show_unchanged=show_unchanged)
    plain = io.StringIO()
    render_terminal(view, PlainConsole(plain, colour=False), show_unchanged=show_unchanged)
    assert plain.getvalue() == rich.file.getvalue()  # type: ignore[attr-defined]
    text = plain.getvalue()
    assert "{+ twice+}" in text and "{+ хорошо+}" in text and "partner  status" in text
    assert "{+Ж added w中ith tabs.+}" in text


def test_the_table_is_drawn_as_riches() -> None:
    columns = ("partner", "status", "added", "moved")
    rows = [[escape("AM Armenia [x]"), "[yellow]changed[/]", "1", ""], [escape("ΚΥ 中国"), "[green]added[/]", "", "12"],
            [escape("GE"), "[red]removed[/]", "", ""]]
    table = Table(show_edge=False, pad_edge=False, box=None)
    for column in columns:
        table.add_column(column, justify="left" if column in ("partner", "status") else "right")
    for row in rows:
        table.add_row(*row)
    rich = _rich_console()
    rich.print(table)
    plain = io.StringIO()
    console = PlainConsole(plain, colour=False)
    for line in table_lines(columns, rows, right=("added", "moved")):
        console.print(line)
    assert plain.getvalue() == rich.file.getvalue()  # type: ignore[attr-defined]
