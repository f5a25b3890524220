"""Regional benchmark: the matrix (all four views) and the overview for 12 and 100 partners; cost per partner.

Run by hand from the repository root::

    python benchmarks/regional_bench.py            # print the results
    python benchmarks/regional_bench.py --append   # and add them to benchmarks/RESULTS.md

Every measurement is a whole process (``python`` started, strategy-builder imported, the sample loaded), timed
from outside, median of the runs; inside, the process also times its stages. Synthetic partners are clones
of the sample's twelve with new codes (there are not 100 unused ISO country codes, so they are built in memory by
``benchmarks/synthetic.py``, as ``build_bench.py``'s are). The baseline of the same run is the process that
does everything but the regional work (start, import, load, clone), so that "per partner" is the regional
work alone; the sample is also measured through the real commands (``matrix --out``, ``overview``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LARGE = 100
"""The large set: several times any real region. 500 partners (the set before) make an overview of more than
the 250,000 XML tags a .docx may have (``XML_TAGS`` in the limits; about 1,600 a partner), which
strategy-builder refuses to write, as it would refuse to read it back."""
sys.path.insert(0, str(REPO / "benchmarks"))

from machine import describe_machine, publish  # noqa: E402

import strategy_builder as sb  # noqa: E402


def _project(count: int):  # type: ignore[no-untyped-def]
    """The sample with ``count`` partners (clones of the sample's, codes X000...)."""
    from synthetic import clone_partners  # benchmarks/synthetic.py

    loaded = sb.load_project(REPO).project
    assert loaded is not None
    if count == len(loaded.partners):
        return loaded
    return clone_partners(loaded, count)


def _worker(kind: str, count: int, out: Path) -> dict[str, float]:
    started = time.perf_counter()
    project = _project(count)
    for partner in project.partners:
        partner.model  # noqa: B018 - validate now, so that the regional work is timed alone
    timings: dict[str, float] = {"load": time.perf_counter() - started}
    if kind == "baseline":
        return timings
    # The one exception to the public API here: a project that exists only in memory (its partners have no
    # files) has its matrix computed, and its overview drawn and written, by the steps that
    # ``sb.partnership_matrix`` and ``sb.build_overview`` run after loading the inputs, each timed apart.
    from strategy_builder.regional.matrix import compute_matrix

    render_matrix = sb.render_matrix  # imported before the timings, as the stages' own modules
    mark = time.perf_counter()
    matrix = compute_matrix(project)
    timings["compute"] = time.perf_counter() - mark
    if kind == "matrix":
        for view in ("json", "markdown", "html", "xlsx"):
            mark = time.perf_counter()
            (out / f"matrix.{view}").write_bytes(render_matrix(matrix, view))  # type: ignore[arg-type]
            timings[view] = time.perf_counter() - mark
        return timings
    from strategy_builder.regional.charts import overview_figures  # the exception, as above
    from strategy_builder.regional.overview_document import OverviewStamp, overview_document

    mark = time.perf_counter()
    figures = overview_figures(matrix)
    timings["figures"] = time.perf_counter() - mark
    mark = time.perf_counter()
    stamp = OverviewStamp(1, "bench", "team", "", dt.date(2010, 11, 15), "", "")
    document, _ = overview_document(matrix, figures, stamp)
    (out / "overview.docx").write_bytes(document.data)
    timings["document"] = time.perf_counter() - mark
    return timings


def _process(kind: str, count: int) -> tuple[float, dict[str, float]]:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        result = subprocess.run([sys.executable, __file__, "--worker", kind, str(count), folder], check=True,
                                capture_output=True, text=True)
        return time.perf_counter() - started, json.loads(result.stdout)


def _command(args: list[str], project: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "strategy_builder", *args, "--project", str(project)], check=True,
                   capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--append", action="store_true", help="add the results to benchmarks/RESULTS.md")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--worker", nargs=3, metavar=("KIND", "COUNT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, count, out = args.worker
        print(json.dumps(_worker(kind, int(count), Path(out))))
        return

    lines = [f"## regional benchmark — {dt.date.today().isoformat()}", "",
             f"Machine: {describe_machine()}", ""]
    results: dict[tuple[str, int], tuple[float, dict[str, float]]] = {}
    for count in (12, LARGE):
        runs: dict[str, list[tuple[float, dict[str, float]]]] = {"baseline": [], "matrix": [], "overview": []}
        for _ in range(args.runs):  # kinds take turns, so that a busy moment hits them alike
            for kind in runs:
                runs[kind].append(_process(kind, count))
        for kind, measured in runs.items():
            wall = statistics.median(w for w, _ in measured)
            stages = {k: statistics.median(t[k] for _, t in measured) for k in measured[0][1]}
            results[kind, count] = (wall, stages)
    lines.append(f"Whole processes, median of {args.runs} runs; per partner = (process − baseline process) / "
                 "partners. Baseline: start Python, import, load the sample, clone the partners.")
    lines.append("")
    lines.append("| partners | baseline | matrix (4 views) | per partner | overview (figures + .docx) | per partner |")
    lines.append("| ---: | ---: | ---: | ---: | ---: | ---: |")
    per: dict[tuple[str, int], float] = {}
    for count in (12, LARGE):
        base = results["baseline", count][0]
        cells = [f"{count}", f"{base:.2f} s"]
        for kind in ("matrix", "overview"):
            wall = results[kind, count][0]
            per[kind, count] = (wall - base) / count
            cells += [f"{wall:.2f} s", f"{1000 * per[kind, count]:.1f} ms"]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for kind in ("matrix", "overview"):
        stages = ", ".join(f"{k} {v:.2f} s" for k, v in results[kind, LARGE][1].items())
        marginal = ((results[kind, LARGE][0] - results["baseline", LARGE][0])
                    - (results[kind, 12][0] - results["baseline", 12][0])) / (LARGE - 12)
        lines.append(f"- {kind} at {LARGE} partners, stages inside the process: {stages}")
        lines.append(f"- {kind}: cost per partner at {LARGE} / at 12 = {per[kind, LARGE] / per[kind, 12]:.2f} (at most "
                     f"1.0 is flat: the per-partner cost does not grow; at 12 it still carries the fixed costs, "
                     f"imports and the figures' frames); each partner beyond 12 adds {1000 * marginal:.1f} ms")
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / "project"
        for name in ("inputs", "templates"):
            shutil.copytree(REPO / name, project / name)
        matrix_runs = [_command(["matrix", "--out", str(Path(folder) / "m.xlsx")], project) for _ in range(args.runs)]
        overview_runs = [_command(["overview", "--force"], project) for _ in range(args.runs)]
        import_runs = []
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import docxtpl"], check=True)
            import_runs.append(time.perf_counter() - started)
    lines.append(f"- the sample through the commands: `matrix --out m.xlsx` {statistics.median(matrix_runs):.2f} s, "
                 f"`overview --force` {statistics.median(overview_runs):.2f} s; for scale, "
                 f"`python -c \"import docxtpl\"` {statistics.median(import_runs):.2f} s")
    lines.append("")
    publish(lines, args.append)


if __name__ == "__main__":
    main()
