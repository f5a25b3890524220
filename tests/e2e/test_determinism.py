"""Deterministic builds: the same inputs, template and draft number give byte-identical files in separate
processes, whatever the time zone, the locale, the hash seed, the number of workers or the clock, and every
date in a draft comes from the inputs (docs/build.md, "Deterministic").

Each of two environments builds draft 001 of a copy of the sample (three partners), then, after the same
edit, draft 002 with its redlines and HTML report. The second differs from the first in everything that
could leak into a file (time zone, locale, hash seed, worker processes) and runs under libfaketime with the
clock set in 2031, so that any date taken from the clock would show (``.ci/run`` installs the ``faketime``
package; without it the clock is the only thing not varied, and the test that needs it skips on a laptop).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import copy_sample, require_tool, run_cli

FAKED_NOW = "2031-02-03 23:59:59"
ENVIRONMENTS = {
    "east": {"TZ": "Pacific/Kiritimati", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "PYTHONHASHSEED": "1"},
    "west": {"TZ": "America/Adak", "LC_ALL": "POSIX", "LANG": "C", "PYTHONHASHSEED": "4242",
             "FAKETIME": f"@{FAKED_NOW}", "FAKETIME_DONT_RESET": "1", "FAKETIME_DONT_FAKE_MONOTONIC": "1"},
}
JOBS = {"east": "1", "west": "3"}
PARTNERS = ("AM", "GE", "MD")
ISO_DATE = re.compile(rb"(?<![0-9])(\d{4}-\d{2}-\d{2})(?![0-9])")


def _libfaketime() -> Path | None:
    for folder in ("/usr/lib/x86_64-linux-gnu/faketime", "/usr/lib/aarch64-linux-gnu/faketime",
                   "/usr/lib/faketime", "/usr/local/lib/faketime"):
        library = Path(folder) / "libfaketime.so.1"
        if library.is_file():
            return library
    return None


def _edit(project: Path) -> None:
    path = project / "inputs/partners/AM.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "title: Towards integrated border management", "title: Towards an integrated border management", 1),
        encoding="utf-8")


def _build_in(folder: Path, name: str) -> Path:
    environment = dict(ENVIRONMENTS[name])
    library = _libfaketime()
    if "FAKETIME" in environment and library is not None:
        environment["LD_PRELOAD"] = str(library)
    project = copy_sample(folder / name)
    for path in (project / "inputs" / "partners").glob("*.yaml"):
        if path.stem not in PARTNERS:
            path.unlink()  # a warning for the undeclared file, not an error
    for extra in ((), ("--redlines", "--html-report")):
        result = run_cli("build", "--project", str(project), "--jobs", JOBS[name], *extra, env=environment)
        assert result.returncode == 0, (name, result.stdout, result.stderr)
        _edit(project)
    return project / "build" / "drafts"


def _files(drafts: Path) -> dict[str, bytes]:
    return {p.relative_to(drafts).as_posix(): p.read_bytes() for p in sorted(drafts.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("determinism")
    return {name: _build_in(folder, name) for name in ENVIRONMENTS}


def test_builds_in_other_time_zones_locales_hash_seeds_and_worker_counts_are_byte_identical(built) -> None:
    east, west = _files(built["east"]), _files(built["west"])
    assert sorted(east) == sorted(west)
    assert sorted({name.split("/")[1] for name in east if name.endswith(".docx")}) == [f"{c}.docx" for c in PARTNERS] \
        + ["redlines"]
    assert "002/diff.html" in east and "002/redlines/AM.docx" in east
    differing = [name for name in east if east[name] != west[name]]
    assert not differing, differing


def test_the_faked_clock_was_in_force() -> None:
    """The comparison above covers the clock only where libfaketime is installed (as .ci/run does)."""
    library = _libfaketime()
    require_tool(library is not None, "libfaketime (Debian package faketime)")
    environment = {**ENVIRONMENTS["west"], "LD_PRELOAD": str(library)}
    result = subprocess.run([sys.executable, "-c", "import datetime; print(datetime.date.today())"],
                            capture_output=True, text=True, env={**os.environ, **environment}, timeout=60)
    assert result.stdout.strip() == FAKED_NOW.split()[0], result


def _input_dates(drafts: Path) -> set[bytes]:
    dates: set[bytes] = set()
    for path in (drafts / "002" / "inputs").rglob("*.yaml"):
        dates.update(ISO_DATE.findall(path.read_bytes()))
    return dates


def test_every_date_in_a_draft_comes_from_the_inputs(built) -> None:
    drafts = built["west"]
    strategy = yaml.safe_load((drafts / "002/inputs/strategy.yaml").read_text(encoding="utf-8"))
    issued = str(strategy["consultation"]["issued"])
    allowed = _input_dates(drafts)
    assert issued.encode() in allowed
    for path in sorted(drafts.rglob("*")):
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as archive:
                assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}, path
                for info in archive.infolist():
                    found = set(ISO_DATE.findall(archive.read(info)))
                    assert found <= allowed, (path, info.filename, found - allowed)
                core = archive.read("docProps/core.xml").decode("utf-8")
                for tag in ("created", "modified"):
                    assert re.search(rf"<dcterms:{tag}[^>]*>{issued}T00:00:00Z</dcterms:{tag}>", core), (path, core)
        elif path.suffix in (".json", ".html"):
            found = set(ISO_DATE.findall(path.read_bytes()))
            assert found <= allowed, (path, found - allowed)
