"""Benchmark of ``diff``: our redline vs python-redlines (Docxodus), and a 12-partner diff with every report.

Run by hand (not part of the tests):

    pip install "python-redlines[docxodus]"      # benchmark-only dependency
    python benchmarks/diff_bench.py [--runs 7] [--no-append]

1. A generated pair of ~25,000-word documents with about 20 edits (changed words, inserted, deleted and
   moved paragraphs, a changed table cell): our redline (read both files, align, write the .docx) against
   python-redlines 2.0 with its Docxodus engine, same files, same machine, medians. The accept/reject
   invariant is checked on both outputs with our emulation of Word's Accept All / Reject All.
2. Two drafts of the 12-partner sample (built in a temporary folder), compared with every report: terminal,
   JSON, Markdown, HTML, attribution and the 12 redlines.

Results are appended to benchmarks/RESULTS.md with the machine (cores, CPU model, RAM) and the date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from machine import describe_machine, publish  # benchmarks/machine.py: the script folder is on sys.path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import docx  # noqa: E402
from rich.console import Console  # noqa: E402

from strategy_builder.review.compare import compare  # noqa: E402
from strategy_builder.review.diff import diff_documents, redline  # noqa: E402
from strategy_builder.review.review_document import read_document  # noqa: E402
from strategy_builder.review.draft_reports import write_html, write_redlines  # noqa: E402
from strategy_builder.review.report_json import render_json  # noqa: E402
from strategy_builder.review.report_markdown import render_markdown  # noqa: E402
from strategy_builder.review.report_terminal import render_terminal  # noqa: E402
from strategy_builder.review.report_view import comparison_view  # noqa: E402

VOCABULARY = ("migration partnership border management labour return readmission asylum integration diaspora "
              "ministry agency capacity training data profile visa document security cooperation strategy "
              "national regional seasonal workers remittances protection victims trafficking procedure "
              "information centre legal framework agreement pilot project evaluation").split()


def _paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(VOCABULARY) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def generate_pair(folder: Path, seed: int = 7) -> tuple[Path, Path, int]:
    """Write old.docx and new.docx (~25,000 words, ~20 edits); returns their paths and the edit count."""
    rng = random.Random(seed)
    blocks: list[tuple[str, object]] = []
    words = 0
    chapter = 0
    while words < 25_000:
        if len([b for b in blocks if b[0] == "p"]) % 12 == 0:
            chapter += 1
            blocks.append(("h", f"Chapter {chapter}: {_paragraph(rng, 4)[:-1]}"))
        if chapter % 10 == 5 and not any(b[0] == "t" and b[1][0] == chapter for b in blocks):  # type: ignore[index]
            blocks.append(("t", (chapter, [[_paragraph(rng, 3) for _ in range(4)] for _ in range(6)])))
        text = _paragraph(rng, rng.randint(15, 35))
        words += len(text.split())
        blocks.append(("p", text))
    new = list(blocks)
    paragraphs = [i for i, b in enumerate(new) if b[0] == "p"]
    edits = 0
    for index in rng.sample(paragraphs, 10):  # changed words
        tokens = str(new[index][1]).split()
        position = rng.randrange(len(tokens) - 1)
        tokens[position] = rng.choice(VOCABULARY)
        tokens.insert(position + 1, "notably")
        new[index] = ("p", " ".join(tokens))
        edits += 1
    for index in sorted(rng.sample(paragraphs, 3), reverse=True):  # deleted paragraphs
        del new[index]
        edits += 1
    for _ in range(3):  # inserted paragraphs
        new.insert(rng.randrange(len(new)), ("p", _paragraph(rng, 25)))
        edits += 1
    headings = [i for i, b in enumerate(new) if b[0] == "h"]
    start = headings[20]  # move a whole chapter (heading and its paragraphs) further down
    end = headings[21]
    chunk = new[start:end]
    del new[start:end]
    target = [i for i, b in enumerate(new) if b[0] == "h"][40]
    new[target:target] = chunk
    edits += 2
    table = next(i for i, b in enumerate(new) if b[0] == "t")
    chapter_number, rows = new[table][1]  # type: ignore[misc]
    rows = [list(r) for r in rows]
    rows[2][1] = rows[2][1].replace(".", " and monitoring.")
    new[table] = ("t", (chapter_number, rows))
    edits += 1
    old_path, new_path = folder / "old.docx", folder / "new.docx"
    for path, content in ((old_path, blocks), (new_path, new)):
        document = docx.Document()
        for kind, value in content:
            if kind == "h":
                document.add_heading(str(value), level=1)
            elif kind == "p":
                document.add_paragraph(str(value))
            else:
                _, cells = value  # type: ignore[misc]
                grid = document.add_table(rows=len(cells), cols=len(cells[0]))
                for r, row in enumerate(cells):
                    for c, text in enumerate(row):
                        grid.cell(r, c).text = text
        document.save(str(path))
    return old_path, new_path, edits


def ours(old: Path, new: Path) -> bytes:
    """Our whole redline pipeline: read both files (as untrusted), align, write the redline."""
    diff = diff_documents(read_document(old), read_document(new))
    return redline(diff, author="BMP Strategy Drafting Team", date=dt.date(2010, 11, 15))


def invariant_holds(redline_bytes: bytes, old: Path, new: Path) -> bool:
    from fixtures.diff.docs import revision_views, texts

    accepted, rejected = revision_views(redline_bytes)
    return accepted == texts(new) and rejected == texts(old)


def timed(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def sample_drafts(folder: Path) -> Path:
    from fixtures.diff.drafts import build_sample_drafts

    old_dir, new_dir = build_sample_drafts(folder)
    return new_dir.parents[2]


def all_reports(project: Path, out: Path) -> None:
    comparison = compare("1", "2", project)
    view = comparison_view(comparison)
    render_json(view)
    render_markdown(view)
    render_terminal(view, Console(file=io.StringIO(), width=120))
    write_html(view, out / "diff.html")
    write_redlines(comparison, out / "redlines", author="BMP Strategy Drafting Team", date=dt.date(2010, 11, 15))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-append", action="store_true", help="print only; do not append to RESULTS.md")
    args = parser.parse_args()
    lines = [f"\n## diff benchmark — {dt.date.today().isoformat()}", "", f"Machine: {describe_machine()}", ""]
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        old, new, edits = generate_pair(folder)
        words = sum(len(p.text.split()) for p in docx.Document(str(old)).paragraphs)
        ours_median, ours_output = timed(lambda: ours(old, new), args.runs)
        ours_ok = invariant_holds(ours_output, old, new)  # type: ignore[arg-type]
        lines.append(f"1. Redline of a generated pair: {words:,} words (paragraphs) plus tables, {edits} edits "
                     f"(changed words, inserted/deleted paragraphs, a moved chapter, a changed table cell).")
        lines.append(f"   - strategy-builder: median {ours_median * 1000:.0f} ms over {args.runs} runs "
                     f"(read both files, align, write the redline); invariant {'holds' if ours_ok else 'FAILS'}")
        try:
            from python_redlines.engines import DocxodusEngine

            engine = DocxodusEngine()
            theirs_runs = max(3, args.runs // 2)
            theirs_median, theirs_output = timed(
                lambda: engine.run_redline("BMP Strategy Drafting Team", old.read_bytes(), new.read_bytes())[0],
                theirs_runs)
            theirs_ok = invariant_holds(theirs_output, old, new)  # type: ignore[arg-type]
            lines.append(f"   - python-redlines 2.0 (Docxodus): median {theirs_median * 1000:.0f} ms over "
                         f"{theirs_runs} runs; invariant {'holds' if theirs_ok else 'FAILS'} (our emulation)")
            lines.append(f"   - ratio: ours is {theirs_median / ours_median:.1f}x faster (target: at least 10x)")
        except ImportError:
            lines.append("   - python-redlines[docxodus] is not installed: no comparison in this run")
        project = sample_drafts(folder / "drafts")
        reports_median, _ = timed(lambda: all_reports(project, folder / "out"), max(3, args.runs // 2))
        lines.append(f"2. Two 12-partner drafts of the sample (1 retitled, 1 deleted, 2 swapped priorities), with "
                     f"attribution, terminal, JSON, Markdown and HTML reports and 12 redlines: median "
                     f"{reports_median * 1000:.0f} ms (target: under 1 s)")
    publish(lines, append=not args.no_append)


if __name__ == "__main__":
    main()
