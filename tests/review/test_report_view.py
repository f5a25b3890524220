"""The views every diff report draws, and the one iterator of diff operations they share."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

from fixtures.diff.docs import make_docx
from strategy_builder.review.compare import compare
from strategy_builder.review.report_html import render_html
from strategy_builder.review.report_json import render_json
from strategy_builder.review.report_markdown import render_markdown
from strategy_builder.review.report_terminal import render_terminal
from strategy_builder.review.report_view import ChangeView, Piece, comparison_view

LONG = "word " * 30


def test_pieces_of_a_changed_paragraph_full_and_short() -> None:
    change = ChangeView("changed", "", LONG + "old end", LONG + "new end",
                        (Piece("equal", LONG), Piece("delete", "old"), Piece("insert", "new"), Piece("equal", " end")),
                        whitespace_only=False, renumbered=False)
    assert list(change.pieces()) == list(change.ops)
    short = list(change.pieces(short=True))
    assert short[0].op == "equal" and short[0].text.startswith("…") and len(short[0].text) == 41
    assert short[1:] == list(change.ops[1:])


def test_pieces_of_inserted_and_deleted_blocks() -> None:
    inserted = ChangeView("inserted", "", "", "a\tnew\nparagraph", (), False, False)
    deleted = ChangeView("deleted", "table 1, row 2", "gone", "", (), False, False)
    assert list(inserted.pieces()) == [Piece("insert", "a\tnew\nparagraph")]
    assert list(inserted.pieces(short=True)) == [Piece("insert", "a new paragraph")]
    assert list(deleted.pieces()) == [Piece("delete", "gone")]


def test_every_report_shows_the_words_of_the_one_view(tmp_path: Path) -> None:
    old = make_docx([("h1", "Borders"), "Border guards are trained.", "A paragraph that goes away."],
                    tmp_path / "old.docx")
    new = make_docx([("h1", "Borders"), "Border guards are trained twice.", "A <new> & added paragraph."],
                    tmp_path / "new.docx")
    assert old and new
    view = comparison_view(compare(str(tmp_path / "old.docx"), str(tmp_path / "new.docx"), tmp_path))
    pieces = [p for partner in view.partners for s in partner.sections for c in s.visible_changes
              for p in c.pieces() if p.op != "equal"]
    inserted = " ".join(p.text for p in pieces if p.op == "insert")
    deleted = " ".join(p.text for p in pieces if p.op == "delete")
    assert "twice" in inserted and "<new>" in inserted and "goes away" in deleted
    payload = json.loads(render_json(view))
    assert payload == view.as_json() and payload["has_changes"] is True
    markdown = render_markdown(view)
    html = render_html(view)
    console = Console(file=io.StringIO(), width=200, no_color=True)
    render_terminal(view, console)
    terminal = console.file.getvalue()  # type: ignore[attr-defined]
    assert "**+twice**" in markdown and "{+ twice+}" in terminal and "> twice</ins>" in html
    assert "&lt;new&gt; &amp; added" in html and "<new>" not in html
    assert "goes away" in terminal and "goes away" in markdown and "goes away" in html
