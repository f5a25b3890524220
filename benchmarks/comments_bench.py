"""Benchmark of ``comments`` on the largest returned document its limits let through.

Run by hand (not part of the tests):

    python benchmarks/comments_bench.py [--runs 3] [--no-append]

The document is generated from templates/strategy.docx with a ``word/document.xml`` close to the tag
budget of a document (``sb.LIMITS["XML tags per document"]``, strategy_builder/limits.py): paragraphs of
ten tracked insertions each, every one with its own run properties, all by one author at one time (so
they merge into one change, the case that once took quadratic time). ``strategy-builder comments FILE
--format json`` is run in a fresh process each time; the median wall time and the peak memory of the
process are reported and appended to benchmarks/RESULTS.md with the machine and the date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from machine import describe_machine, publish  # benchmarks/machine.py: the script folder is on sys.path

import strategy_builder as sb

REPO = Path(__file__).resolve().parent.parent
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
INSERTIONS_PER_PARAGRAPH = 10
TAGS_PER_PARAGRAPH = 2 + INSERTIONS_PER_PARAGRAPH * 10
XML_TAGS = sb.LIMITS["XML tags per document"].value
PARAGRAPHS = (XML_TAGS - 5_000) // TAGS_PER_PARAGRAPH  # the template's other parts hold the rest


def worst_case(target: Path) -> tuple[int, int, int]:
    """Write the generated document to ``target``; returns (bytes, elements, tags) of its document.xml."""
    insertion = ('<w:ins w:id="{}" w:author="Ministry" w:date="2010-12-01T10:00:00Z"><w:r><w:rPr><w:b/><w:i/>'
                 '</w:rPr><w:t>w</w:t></w:r></w:ins>')
    body = "".join("<w:p>" + "".join(insertion.format(p * INSERTIONS_PER_PARAGRAPH + k)
                                     for k in range(INSERTIONS_PER_PARAGRAPH)) + "</w:p>"
                   for p in range(PARAGRAPHS))
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>{body}'
           "<w:sectPr/></w:body></w:document>")
    with zipfile.ZipFile(REPO / "templates" / "strategy.docx") as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = xml.encode() if info.filename == "word/document.xml" else source.read(info)
            out.writestr(info.filename, data)
    return len(xml.encode()), xml.count("<w:"), xml.count("<")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-append", action="store_true", help="print only; do not append to RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        document = Path(temporary) / "returned.docx"
        size, elements, tags = worst_case(document)
        seconds = []
        for _ in range(args.runs):
            started = time.perf_counter()
            result = subprocess.run([sys.executable, "-m", "strategy_builder", "comments", str(document),
                                     "--project", str(REPO), "--format", "json"],
                                    capture_output=True, text=True, cwd=temporary)
            seconds.append(time.perf_counter() - started)
            report = json.loads(result.stdout)
            if report["failed"] or not report["files"]:
                raise SystemExit(f"the document was not read: {report['failed']}")
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    lines = [f"\n## comments benchmark — {dt.date.today().isoformat()}", "", f"Machine: {describe_machine()}", "",
             f"- a returned document.xml of {size / 2**20:.1f} MiB, {elements:,} elements ({tags:,} tags), "
             f"{PARAGRAPHS * INSERTIONS_PER_PARAGRAPH:,} tracked insertions: read in "
             f"{statistics.median(seconds):.2f} s (median of {args.runs}, the whole process), "
             f"peak memory {peak_mb:.0f} MB"]
    publish(lines, append=not args.no_append)


if __name__ == "__main__":
    main()
