"""PDF benchmark: ``build --pdf`` per document, and the cost of laying drafts out for their contents,
against a plain ``soffice --convert-to pdf`` loop over the same drafts, in the same run.

Run by hand (not in the test suite; needs LibreOffice):

    python benchmarks/pdf_bench.py               # appends to benchmarks/RESULTS.md
    python benchmarks/pdf_bench.py --no-write --repeat 3

Every measurement is a whole process (``python -m strategy_builder build ...`` or ``soffice``), start-up
included, on a fresh copy of the sample; the kinds take turns so that all see the same drift of a shared
machine, and medians are reported:

- ``no layout``: ``build --force`` with ``STRATEGY_BUILDER_LAYOUT=off`` (the render pipeline alone);
- ``contents``: ``build --force`` (the drafts laid out by LibreOffice for the page numbers of the contents);
- ``pdf``: ``build --force --pdf`` (laid out, then converted to PDF and the page numbers checked);
- ``plain loop``: one ``soffice --headless --convert-to pdf`` process per draft, in turn, over the
  documents the ``contents`` build wrote (a warm profile, as a user's loop would have);
- ``one call``: one ``soffice --convert-to pdf`` process for all drafts (for context).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe_machine, publish  # benchmarks/machine.py: the script folder is on sys.path

REPO = Path(__file__).resolve().parent.parent


def _fresh(parent: Path, name: str) -> Path:
    project = parent / name
    for folder in ("inputs", "templates", "schemas"):
        shutil.copytree(REPO / folder, project / folder)
    return project


def _timed(arguments: list[str], environment: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(arguments, check=True, capture_output=True, env={**os.environ, **(environment or {})}, cwd=REPO)
    return time.perf_counter() - started


def _build(project: Path, *extra: str, layout: bool = True) -> float:
    return _timed([sys.executable, "-m", "strategy_builder", "build", "--project", str(project), "--force", *extra],
                  {"STRATEGY_BUILDER_LAYOUT": "on" if layout else "off"})


def _soffice(profile: Path, documents: list[Path], out: Path) -> float:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice is not None, "LibreOffice is not installed"
    return _timed([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                   "--outdir", str(out), *map(str, documents)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="rounds (medians are reported)")
    parser.add_argument("--no-write", action="store_true", help="do not append to benchmarks/RESULTS.md")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pdf-bench-") as scratch:
        parent = Path(scratch)
        projects = {kind: _fresh(parent, kind) for kind in ("plain", "contents", "pdf")}
        # A first build of each: profiles and caches exist, drafts to convert exist, as on a team's machine.
        _build(projects["plain"], layout=False)
        _build(projects["contents"])
        _build(projects["pdf"], "--pdf")
        drafts = sorted((projects["contents"] / "build/drafts/001").glob("*.docx"))
        profile = parent / "lo-profile"
        _soffice(profile, drafts[:1], parent / "warm")  # create the loop's profile once

        runs: dict[str, list[float]] = {k: [] for k in ("no layout", "contents", "pdf", "plain loop", "one call")}
        for round_number in range(args.repeat):
            runs["no layout"].append(_build(projects["plain"], layout=False))
            runs["contents"].append(_build(projects["contents"]))
            runs["pdf"].append(_build(projects["pdf"], "--pdf"))
            out = parent / f"loop-{round_number}"
            runs["plain loop"].append(sum(_soffice(profile, [d], out) for d in drafts))
            runs["one call"].append(_soffice(profile, drafts, parent / f"call-{round_number}"))
            print(json.dumps({k: round(v[-1], 2) for k, v in runs.items()}), flush=True)

    count = len(drafts)
    median = {kind: statistics.median(values) for kind, values in runs.items()}
    lines = [
        f"## pdf benchmark — {dt.date.today().isoformat()}",
        "",
        f"Machine: {describe_machine()}; {_office_version()}",
        "",
        f"{count} sample drafts, whole processes, medians of {args.repeat} rounds (kinds taking turns):",
        "",
        f"- `build --force`, no layout pass: {median['no layout']:.2f} s",
        f"- `build --force`, laid out for the contents' page numbers: {median['contents']:.2f} s "
        f"(the layout pass costs {median['contents'] - median['no layout']:.2f} s, "
        f"{(median['contents'] - median['no layout']) / count:.2f} s per document)",
        f"- `build --force --pdf`: {median['pdf']:.2f} s, {median['pdf'] / count:.2f} s per document",
        f"- plain `soffice --convert-to pdf` loop, one process per draft: {median['plain loop']:.2f} s, "
        f"{median['plain loop'] / count:.2f} s per document",
        f"- one `soffice --convert-to pdf` call for all drafts (context): {median['one call']:.2f} s",
        f"- ratios: `build --pdf` / plain loop = {median['pdf'] / median['plain loop']:.2f}; "
        f"layout overhead / plain loop = {(median['contents'] - median['no layout']) / median['plain loop']:.2f}",
        "",
    ]
    publish(lines, append=not args.no_write)


def _office_version() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return "no LibreOffice"
    return subprocess.run([soffice, "--version"], capture_output=True, text=True).stdout.split("(")[0].strip()


if __name__ == "__main__":
    main()
