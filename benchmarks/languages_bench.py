"""What language versions cost: a full build of the sample with and without its Russian versions, and a
preview after editing a partner that has a Russian version (two documents re-rendered, CLDR data loaded).

Each measurement runs in a worker process of its own, timed after its imports as build_bench.py times
its builds, without the LibreOffice layout pass (measured by pdf_bench.py); medians of --repeat runs, each
in a fresh copy of the sample. The baseline of the same run is
the sample with ``languages`` removed: the target is that a preview after editing a translated partner stays
within 0.15 of a full build, as the preview target of build_bench.py says for any partner.

    python benchmarks/languages_bench.py [--repeat 7] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
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
ENV = {**os.environ, "STRATEGY_BUILDER_LAYOUT": "off"}


def _project(parent: Path, languages: bool) -> Path:
    project = Path(tempfile.mkdtemp(dir=parent))
    for name in ("inputs", "templates"):
        shutil.copytree(REPO / name, project / name)
    if not languages:
        strategy = project / "inputs" / "strategy.yaml"
        strategy.write_text(re.sub(r"\nlanguages: .*\n", "\n", strategy.read_text(encoding="utf-8")), encoding="utf-8")
        shutil.rmtree(project / "inputs" / "translations")
    return project


def _worker(kind: str, project: str) -> None:
    """In a fresh process, as build_bench.py measures: imports first, then the timed call."""
    import gc
    import json

    import docxtpl  # noqa: F401  imports first, then freeze, as the CLI does (strategy_builder/cli)

    sb.build, sb.BuildOptions  # noqa: B018  imports the build (the library's names load on first use)
    gc.freeze()
    root = Path(project)
    if kind.startswith("preview"):
        sb.build(root, sb.BuildOptions(preview=True, force=True))
        partner = root / "inputs" / "partners" / f"{kind.split('-')[1]}.yaml"
        partner.write_text(partner.read_text(encoding="utf-8").replace("situation: |\n", "situation: |\n  An edit.\n\n",
                                                                       1), encoding="utf-8")
        started = time.perf_counter()
        result = sb.build(root, sb.BuildOptions(preview=True))
    else:
        started = time.perf_counter()
        result = sb.build(root, sb.BuildOptions(force=True))
    print(json.dumps({"seconds": time.perf_counter() - started,
                      "rendered": sum(1 for p in result.partners if p.rendered)}))


def _run(kind: str, project: Path) -> dict[str, float]:
    import json

    output = subprocess.run([sys.executable, __file__, "--worker", kind, str(project)], env=ENV, check=True,
                            capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(*args.worker)
        return
    kinds = {"plain": ("full", False), "languages": ("full", True), "preview_kz": ("preview-KZ", True),
             "preview_md": ("preview-MD", True)}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in kinds}
    with tempfile.TemporaryDirectory() as scratch:
        parent = Path(scratch)
        for _ in range(args.repeat):  # interleaved, so that a change of load hits every kind alike
            for name, (kind, languages) in kinds.items():
                runs[name].append(_run(kind, _project(parent, languages)))
    median = {name: statistics.median(r["seconds"] for r in results) for name, results in runs.items()}
    plain, languages, kz, md = (median[k] for k in ("plain", "languages", "preview_kz", "preview_md"))
    lines = [
        f"- full build of the sample without its languages (12 documents): {plain * 1000:.0f} ms; with its 3 Russian "
        f"versions (15 documents): {languages * 1000:.0f} ms ({languages / plain:.2f}x)",
        f"- preview after editing KZ ({runs['preview_kz'][0]['rendered']:.0f} documents re-rendered: English and "
        f"Russian): {kz * 1000:.1f} ms = {kz / languages:.3f} of the full build with languages "
        "(target <= 0.15)",
        f"- preview after editing MD ({runs['preview_md'][0]['rendered']:.0f} document, no Russian version): "
        f"{md * 1000:.1f} ms = {md / languages:.3f} of it (target <= 0.15)",
    ]
    for line in lines:
        print(line)
    if not args.no_write:
        header = (f"\n## Languages benchmark, {dt.date.today().isoformat()}\n\nMachine: {describe_machine()}. "
                  f"Command: `python benchmarks/languages_bench.py --repeat {args.repeat}` (in worker processes after "
                  "their imports, as build_bench.py measures; medians; no layout pass).\n\n")
        with RESULTS.open("a", encoding="utf-8") as stream:
            stream.write(header + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
