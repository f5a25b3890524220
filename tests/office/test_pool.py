"""The LibreOffice worker pool: converts in parallel, survives a killed worker, never leaves a process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from conftest import copy_built_sample, require_tool
from strategy_builder.office.conversion import ConversionFailed, ConversionPool, WorkerProcess
from strategy_builder.office.installation import LibreOffice, find_libreoffice

pytestmark = pytest.mark.libreoffice


def _office() -> LibreOffice:
    office = find_libreoffice()
    require_tool(office is not None, "LibreOffice (soffice)")
    assert office is not None
    return office


def _processes_mentioning(marker: str) -> list[int]:
    """PIDs of live processes whose command line contains ``marker`` (a folder only this test uses)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            state = next((line for line in (entry / "status").read_text().splitlines()
                          if line.startswith("State:")), "")
        except OSError:
            continue
        if marker in command and "zombie" not in state:
            found.append(int(entry.name))
    return found


def _wait_until_gone(marker: str, seconds: float = 15) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = _processes_mentioning(marker)
        if not left:
            return []
        time.sleep(0.1)
    return _processes_mentioning(marker)


@pytest.fixture(scope="module")
def profiles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """LibreOffice profiles shared by the module's pools (creating one costs about two seconds)."""
    return tmp_path_factory.mktemp("profiles")


@pytest.fixture(scope="module")
def documents(built_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Six drafts of the sample (three long, three short), copied once for the module."""
    project = copy_built_sample(built_sample, tmp_path_factory.mktemp("pool") / "project")
    folder = project / "build" / "drafts" / "001"
    return [folder / f"{code}.docx" for code in ("AM", "BY", "GE", "TM", "UA", "UZ")]


def test_a_pool_converts_in_parallel_and_leaves_no_process(documents: list[Path], tmp_path: Path,
                                                            profiles: Path) -> None:
    office = _office()
    scratch = tmp_path / "scratch"
    with ConversionPool(office, workers=2, documents_per_process=2, scratch=scratch, profiles=profiles) as pool:
        pdfs = pool.convert(documents, tmp_path / "pdf")
        assert _processes_mentioning(str(scratch)) == []  # nothing runs between conversions
    assert [p.name for p in pdfs] == [f"{d.stem}.pdf" for d in documents]
    for pdf in pdfs:
        assert pdf.read_bytes().startswith(b"%PDF-")
    # Six documents, at most two per process: restarted after every second document.
    assert pool.statistics.processes == 3 and pool.statistics.batches == [2, 2, 2]
    assert sorted(p.name for p in (tmp_path / "pdf").iterdir()) == sorted(p.name for p in pdfs)  # no leftovers
    assert not scratch.exists() or not any(scratch.iterdir())


def test_a_worker_killed_mid_conversion_costs_nothing(documents: list[Path], tmp_path: Path,
                                                      profiles: Path) -> None:
    office = _office()
    scratch = tmp_path / "scratch"
    started: list[WorkerProcess] = []
    killed: list[int] = []

    def kill_after_first_document(process: WorkerProcess) -> None:
        # The same worker may start twice (a fresh profile asks for a restart): kill the latest process.
        started.append(process)
        if len(started) > 1:
            return

        def watch() -> None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not killed:
                if any(process.output_dir.glob("*.pdf")):
                    pid = started[-1].pid
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                time.sleep(0.01)

        threading.Thread(target=watch, daemon=True).start()

    with ConversionPool(office, workers=1, scratch=scratch, profiles=profiles,
                        on_start=kill_after_first_document) as pool:
        pdfs = pool.convert(documents, tmp_path / "pdf")
    assert killed
    assert all(pdf.is_file() and pdf.read_bytes().startswith(b"%PDF-") for pdf in pdfs)
    assert pool.statistics.crashed == 1
    assert pool.statistics.documents == len(documents)
    assert _wait_until_gone(str(scratch)) == []


def test_a_document_that_cannot_be_converted_is_named_after_the_others_are_done(
        documents: list[Path], tmp_path: Path, profiles: Path) -> None:
    office = _office()
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 this is not a real document")
    sources = [documents[1], broken, documents[3]]
    with ConversionPool(office, workers=1, scratch=tmp_path / "scratch", profiles=profiles) as pool:
        with pytest.raises(ConversionFailed) as failure:
            pool.convert(sources, tmp_path / "pdf")
    assert [f.source for f in failure.value.failures] == [broken]
    assert "broken.docx" in failure.value.message
    assert (tmp_path / "pdf" / f"{documents[1].stem}.pdf").is_file()
    assert (tmp_path / "pdf" / f"{documents[3].stem}.pdf").is_file()
    assert not (tmp_path / "pdf" / "broken.pdf").exists()


_CONVERTING_SCRIPT = textwrap.dedent("""
    import sys
    from pathlib import Path
    from strategy_builder.office.conversion import ConversionPool
    from strategy_builder.office.installation import find_libreoffice

    sources = [Path(p) for p in sys.argv[2:]]
    with ConversionPool(find_libreoffice(), workers=2, documents_per_process=1, scratch=Path(sys.argv[1]),
                        on_start=lambda p: print("started", p.pid, flush=True)) as pool:
        pool.convert(sources * 1, Path(sys.argv[1]) / "pdf")
    print("done", flush=True)
""")


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_an_interrupted_conversion_leaves_no_process_behind(documents: list[Path], tmp_path: Path,
                                                             how: signal.Signals) -> None:
    _office()
    scratch = tmp_path / "scratch"
    copies = []
    for index in range(4):  # enough work that the signal arrives while LibreOffice is converting
        for document in documents:
            copy = tmp_path / "in" / f"{document.stem}{index}.docx"
            copy.parent.mkdir(exist_ok=True)
            copy.write_bytes(document.read_bytes())
            copies.append(copy)
    process = subprocess.Popen([sys.executable, "-c", _CONVERTING_SCRIPT, str(scratch), *map(str, copies)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("started"), first + (process.stderr.read() if process.stderr else "")
    time.sleep(0.3)
    assert _processes_mentioning(str(scratch)), "LibreOffice should be converting now"
    process.send_signal(how)
    process.communicate(timeout=60)  # also closes the pipes
    assert process.returncode != 0
    assert _wait_until_gone(str(scratch)) == []


def test_pdfs_with_an_issue_date_are_byte_identical(documents: list[Path], tmp_path: Path, profiles: Path) -> None:
    import datetime as dt

    from strategy_builder.office.conversion import PdfExport

    office = _office()
    export = PdfExport(issued=dt.date(2010, 11, 15))
    outputs = []
    for attempt in range(2):
        with ConversionPool(office, scratch=tmp_path / f"scratch{attempt}", profiles=profiles) as pool:
            [pdf] = pool.convert([documents[1]], tmp_path / f"pdf{attempt}", export)
        outputs.append(pdf.read_bytes())
        time.sleep(1.1)  # LibreOffice's own creation date has a resolution of one second
    assert outputs[0] == outputs[1]
    assert b"/CreationDate(D:20101115000000" in outputs[0]
