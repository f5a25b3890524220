"""Build benchmark: strategy-builder's build against the naive docxtpl loop, on the sample and synthetic sets.

Run by hand (not in the test suite):

    python benchmarks/build_bench.py            # everything, appends to benchmarks/RESULTS.md
    python benchmarks/build_bench.py --quick    # only the 12-partner comparison; last line ratio_vs_naive=x.xx

Each measurement runs in a fresh process (imports warm inside it, not counted) and is repeated, the kinds
taking turns so that all see the same drift of a shared machine; medians are reported. The naive
baseline is a loop of ``DocxTemplate(path).render(context, autoescape=True)`` then ``save()`` per
partner, on the same template and the same contexts (``sb.template_context``: the build's, without the
invisible marks of where each value came from, as a user of docxtpl would have them). Everything goes
through the public library (``import strategy_builder as sb``) but the synthetic sets, which exist only in
memory (see ``_worker_synthetic``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe_machine  # benchmarks/machine.py: the script folder is on sys.path

import strategy_builder as sb

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "RESULTS.md"


# --------------------------------------------------------------------------- workers (run in child processes)


def _worker_ours(project: str) -> dict[str, float]:
    started = time.perf_counter()
    result = sb.build(Path(project), sb.BuildOptions(force=True))
    return {"seconds": time.perf_counter() - started, "documents": len(result.partners)}


def _worker_naive(project: str) -> dict[str, float]:
    import io

    from docxtpl import DocxTemplate

    root = Path(project)
    loaded = sb.load_project(root).project
    assert loaded is not None
    contexts = {p.code: sb.template_context(root, p.code) for p in loaded.partners}
    out = root / "naive"
    out.mkdir(exist_ok=True)
    template = loaded.template_path
    started = time.perf_counter()
    for code, context in contexts.items():
        document = DocxTemplate(template)
        document.render(context, autoescape=True)
        buffer = io.BytesIO()
        document.save(buffer)
        (out / f"{code}.docx").write_bytes(buffer.getvalue())
    return {"seconds": time.perf_counter() - started, "documents": len(contexts)}


def _worker_warm(project: str) -> dict[str, float]:
    """A forced rebuild with the caches a first build left (not a target; shown for context)."""
    sb.build(Path(project), sb.BuildOptions(force=True))
    started = time.perf_counter()
    result = sb.build(Path(project), sb.BuildOptions(force=True))
    return {"seconds": time.perf_counter() - started, "documents": len(result.partners)}


def _worker_preview(project: str) -> dict[str, float]:
    root = Path(project)
    sb.build(root, sb.BuildOptions(preview=True, force=True))
    partner = root / "inputs" / "partners" / "MD.yaml"
    partner.write_text(partner.read_text().replace("situation: |\n", "situation: |\n  An edit.\n\n", 1))
    started = time.perf_counter()
    result = sb.build(root, sb.BuildOptions(preview=True))
    rendered = sum(1 for p in result.partners if p.rendered)
    return {"seconds": time.perf_counter() - started, "rendered": rendered}


def _worker_synthetic(project: str, count: int) -> dict[str, float]:
    """Build ``count`` generated partners (clones of the sample with varied text) through build_project."""
    import resource

    from synthetic import clone_partners  # benchmarks/synthetic.py

    # The one exception to the public API here: a project that exists only in memory (its partners have
    # no files) is built by the step ``sb.build`` runs after loading the inputs.
    from strategy_builder.drafts.builder import build_project

    loaded = sb.load_project(Path(project)).project
    assert loaded is not None
    synthetic = clone_partners(loaded, count, vary_situation=True)
    started = time.perf_counter()
    build_project(synthetic, sb.BuildOptions(force=True))
    seconds = time.perf_counter() - started
    peak_kib = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                   resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return {"seconds": seconds, "documents": count, "per_document_ms": 1000 * seconds / count,
            "peak_rss_mb": peak_kib / 1024}


# --------------------------------------------------------------------------- driver


def _fresh_project(parent: Path) -> Path:
    project = Path(tempfile.mkdtemp(dir=parent))
    for name in ("inputs", "templates"):
        shutil.copytree(REPO / name, project / name)
    # The 12 English documents the targets were set for, as the naive loop renders them: the sample's Russian
    # versions are measured apart (languages_bench.py).
    strategy = project / "inputs" / "strategy.yaml"
    strategy.write_text(re.sub(r"\nlanguages: .*\n", "\n", strategy.read_text(encoding="utf-8")), encoding="utf-8")
    shutil.rmtree(project / "inputs" / "translations", ignore_errors=True)
    return project


def _run(kind: str, project: Path, *extra: str) -> dict[str, float]:
    # Without the LibreOffice layout pass of drafts (seconds; measured by pdf_bench.py): the render
    # pipeline as before, so that the figures compare with earlier runs and the preview ratio is not
    # flattered by a full build that waits for LibreOffice.
    environment = {**os.environ, "STRATEGY_BUILDER_LAYOUT": "off"}
    output = subprocess.run([sys.executable, __file__, "--worker", kind, str(project), *extra],
                            capture_output=True, text=True, check=True, cwd=REPO, env=environment)
    return json.loads(output.stdout.strip().splitlines()[-1])


def _medians(kinds: list[str], parent: Path, repeat: int) -> dict[str, tuple[float, list[dict[str, float]]]]:
    """Median seconds and the runs of each kind, measured round-robin (one of each kind, ``repeat`` times)
    so that every kind sees the same drift of a shared machine."""
    runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
    for _ in range(repeat):
        for kind in kinds:
            runs[kind].append(_run(kind, _fresh_project(parent)))
    return {kind: (statistics.median(r["seconds"] for r in results), results) for kind, results in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="only the 12-partner comparison")
    parser.add_argument("--repeat", type=int, default=9, help="runs per measurement (medians are reported)")
    parser.add_argument("--no-write", action="store_true", help="do not append to benchmarks/RESULTS.md")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, project, *extra = args.worker
        workers = {"ours": _worker_ours, "naive": _worker_naive, "preview": _worker_preview, "warm": _worker_warm}
        import docxtpl  # noqa: F401  imports first, then freeze, as the CLI does (strategy_builder/cli)

        sb.build, sb.BuildOptions  # noqa: B018  imports the build (the library's names load on first use)
        gc.freeze()
        if kind == "synthetic":
            print(json.dumps(_worker_synthetic(project, int(extra[0]))))
        else:
            print(json.dumps(workers[kind](project)))
        return

    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    with tempfile.TemporaryDirectory() as scratch:
        parent = Path(scratch)
        kinds = ["naive", "ours"] if args.quick else ["naive", "ours", "preview", "warm"]
        measured = _medians(kinds, parent, args.repeat)
        naive, ours = measured["naive"][0], measured["ours"][0]
        ratio = ours / naive
        say(f"- 12-partner sample, full build: strategy-builder {ours * 1000:.0f} ms (median of {args.repeat}), "
            f"naive docxtpl loop {naive * 1000:.0f} ms; ratio {ratio:.2f} (target <= 0.50)")
        if not args.quick:
            preview, runs = measured["preview"]
            say(f"- preview rebuild after editing one partner: {preview * 1000:.1f} ms "
                f"({runs[0]['rendered']:.0f} document re-rendered) = {preview / ours:.3f} of a full build "
                "(target <= 0.15)")
            warm = measured["warm"][0]
            say(f"- for context, not a target: a forced rebuild of all 12 with the caches of a first build: "
                f"{warm * 1000:.0f} ms (the preview is {preview / warm:.2f} of it)")
            for count in (12, 100, 500):
                result = _run("synthetic", _fresh_project(parent), str(count))
                say(f"- synthetic {count} partners: {result['seconds']:.2f} s, "
                    f"{result['per_document_ms']:.1f} ms per document, peak RSS {result['peak_rss_mb']:.0f} MB "
                    "(target: flat per document; < 500 MB at 500)")
    if not args.no_write:
        header = (f"\n## Build benchmark, {dt.date.today().isoformat()}{' (quick)' if args.quick else ''}\n\n"
                  f"Machine: {describe_machine()}. Command: `python benchmarks/build_bench.py"
                  f"{' --quick' if args.quick else ''}{f' --repeat {args.repeat}' if args.repeat != 9 else ''}`."
                  "\n\n")
        with RESULTS.open("a", encoding="utf-8") as stream:
            if RESULTS.stat().st_size == 0:
                stream.write("# Benchmark results\n\nWritten by the scripts in benchmarks/; newest last.\n")
            stream.write(header + "\n".join(lines) + "\n")
    print(f"ratio_vs_naive={ratio:.2f}")


if __name__ == "__main__":
    main()
