"""The views every diff report draws, and the one iterator of diff operations they share."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from rich.console import Console

from fixtures.diff.docs import make_docx
from strategy_builder.review.compare import compare
from strategy_builder.review.report_html import render_html
from strategy_builder.review.report_json import render_json
from strategy_builder.review.report_markdown import render_markdown
from strategy_builder.review.report_terminal import render_terminal
from strategy_builder.review.report_view import GENERAL_SECTIONS, ChangeView, Piece, comparison_view

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


def _edited_copy(source: Path, target: Path, edits: dict[str, str]) -> Path:
    """``source`` with words of its paragraphs and table cells replaced (each edit made once, within one run)."""
    import docx

    document = docx.Document(str(source))
    paragraphs = list(document.paragraphs) + [p for table in document.tables for row in table.rows
                                              for cell in row.cells for p in cell.paragraphs]
    done = set()
    for paragraph in paragraphs:
        for run in paragraph.runs:
            for old, new in edits.items():
                if old not in done and old in run.text:
                    run.text = run.text.replace(old, new)
                    done.add(old)
    assert done == set(edits)
    document.save(str(target))
    return target


def test_sections_outside_the_areas_have_one_title_in_every_report(sample_drafts, tmp_path: Path) -> None:
    """The migration situation (before the areas) and the key figures (after them) belong to no area: every
    report names their groups "General sections" (Markdown printed "(no area)", the terminal and HTML nothing),
    and the HTML page's two such groups have anchors of their own."""
    old = sample_drafts[0] / "AM.docx"
    new = _edited_copy(old, tmp_path / "AM.docx", {"primarily a country": "mainly a country",
                                                    "Towards integrated border": "Towards an integrated border",
                                                    "fewer than 100": "fewer than 120"})
    view = comparison_view(compare(str(old), str(new), tmp_path))
    [partner] = view.changed_partners
    groups = partner.areas(show_unchanged=False)
    assert [(g.area, g.title) for g in groups] == [(None, GENERAL_SECTIONS),
                                                    ("illegal_migration", "Preventing and fighting illegal migration"),
                                                    (None, GENERAL_SECTIONS)]
    assert [s.id for s in groups[0].sections] == ["AM/situation"]
    assert [s.id for s in groups[2].sections] == ["AM/key-figures"]
    markdown = render_markdown(view)
    console = Console(file=io.StringIO(), width=200, no_color=True)
    render_terminal(view, console)
    terminal = console.file.getvalue()  # type: ignore[attr-defined]
    html = render_html(view)
    assert "no area" not in markdown
    assert markdown.count(f"### {GENERAL_SECTIONS}\n") == 2
    assert terminal.count(f"  {GENERAL_SECTIONS}\n") == 2
    anchors = re.findall(rf'<h3 id="([^"]+)">{GENERAL_SECTIONS}</h3>', html)
    assert len(anchors) == 2 and len(set(anchors)) == 2
    assert all(f'<a href="#{anchor}">{GENERAL_SECTIONS}</a>' in html for anchor in anchors)
