"""The reports for people lead with what changed and say everything else once.

Draft 003 of a copy of the sample drafts changes one word of one rationale of one partner (Georgia). The
terminal, Markdown and HTML reports of ``diff 2 3`` must: put the headline first; show only the changed
partner in detail and the eleven others on one line; say once, not per partner, that the text written for
each draft (cover, draft number, changes table) differs; show the rationale's change as its word diff,
once (the inserted word, not the old and new paragraphs struck and underlined, and not quoted again in the
"why" line).
"""

from __future__ import annotations

import io
import re
import shutil

import pytest
from rich.console import Console

from strategy_builder.drafts.builder import BuildOptions, build
from strategy_builder.review.compare import compare
from strategy_builder.review.report_html import render_html
from strategy_builder.review.report_markdown import render_markdown
from strategy_builder.review.report_terminal import render_terminal
from strategy_builder.review.report_view import comparison_view

OLD_WORDS = "require a stronger capacity"
NEW_WORDS = "require a much stronger capacity"
RATIONALE = "The Border Police has been modernised in recent years"
DRAFT_TEXT = "Text written for each draft (cover, draft number, changes table)"


@pytest.fixture(scope="module")
def reports(sample_drafts, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The three reports of draft 002 → 003, where 003 inserts one word into Georgia's first rationale."""
    project = tmp_path_factory.mktemp("shape") / "project"
    shutil.copytree(sample_drafts[1].parents[2], project)
    partner = project / "inputs" / "partners" / "GE.yaml"
    text = partner.read_text(encoding="utf-8")
    assert text.count(OLD_WORDS) == 1
    partner.write_text(text.replace(OLD_WORDS, NEW_WORDS), encoding="utf-8")
    assert build(project, BuildOptions(jobs=1)).draft == 3
    view = comparison_view(compare("2", "3", project))
    console = Console(file=io.StringIO(), width=200, no_color=True)
    render_terminal(view, console)
    return {"terminal": console.file.getvalue(), "markdown": render_markdown(view),  # type: ignore[attr-defined]
            "html": render_html(view)}


@pytest.mark.parametrize("kind", ["terminal", "markdown", "html"])
def test_the_report_leads_with_what_changed_and_says_the_rest_once(reports: dict[str, str], kind: str) -> None:
    report = reports[kind]
    headline = report.index("1 of 12 partners changed. GE Georgia: 1 changed.")
    assert headline < report.index("Georgia", headline + 40) < report.index("Unchanged:")
    assert report.count("Unchanged:") == 1
    unchanged = re.search(r"Unchanged: ([^<\n]*)\.", report)
    assert unchanged is not None and len(unchanged.group(1).split(", ")) == 11
    assert "GE Georgia" not in unchanged.group(1)
    assert report.count(DRAFT_TEXT) == 1, "one line per report, not one block per partner"
    for code in ("AM Armenia", "AZ Azerbaijan", "UZ Uzbekistan"):
        assert report.count(code) == 1, f"{code} is unchanged: named once, on the Unchanged line"


@pytest.mark.parametrize("kind", ["terminal", "markdown", "html"])
def test_a_changed_rationale_shows_its_word_diff_once(reports: dict[str, str], kind: str) -> None:
    report = re.sub(r"<p class=\"legend\">.*?</p>", "", reports[kind], flags=re.S)  # the HTML legend shows both marks
    inserted = {"terminal": "{+much +}", "markdown": "**+much**", "html": "much </ins>"}[kind]
    assert report.count(inserted) == 1
    assert not re.search(r"\[-|~~−|<del>", report), "nothing was deleted: no struck text"
    assert report.count("stronger capacity") == 1, "the paragraph is shown once, not old and new"
    if kind == "html":
        assert report.count(RATIONALE) == 1, "the HTML page shows the whole paragraph, once"
    else:
        assert RATIONALE not in report, "terminals and Markdown show the words around the change"
    why = next(line for line in report.splitlines() if "rationale changed" in line)
    assert "stronger" not in why, "the why line names the input line, it does not quote the prose again"


def test_the_html_page_numbers_a_changed_paragraph_once(reports: dict[str, str]) -> None:
    """A changed paragraph starts with its own number (2.1.1): the list that holds the changes draws no
    numbers of its own beside it ("1. 2.1.1 ...")."""
    page = reports["html"]
    assert '<ol class="changes">' in page
    rule = re.search(r"ol\.changes\s*\{([^}]*)\}", page)
    assert rule is not None and re.search(r"list-style(-type)?:\s*none", rule.group(1)), rule
