"""Converting documents with headless LibreOffice: a pool of workers, each running one office process at a time.

The API (``build --pdf``, the layout pass of the contents and the regional overview use it)::

    office = require_libreoffice("build --pdf")          # EnvironmentProblem (exit 2) naming the package
    with ConversionPool(office, workers=2) as pool:
        pdfs = pool.convert([Path("AM.docx"), Path("GE.docx")], out_dir)   # out_dir/AM.pdf, out_dir/GE.pdf
        # PdfExport(issued=date): byte-identical PDFs (creation date and identifier fixed)

* Finding LibreOffice (:func:`~strategy_builder.office.installation.require_libreoffice`) and its fonts:
  :mod:`strategy_builder.office.installation`; starting and killing its processes:
  :mod:`strategy_builder.office.processes`.
* :class:`ConversionPool` keeps ``workers`` worker slots, each with its own LibreOffice profile for the
  pool's lifetime (parallel LibreOffice processes sharing a profile collide). A worker runs one headless
  LibreOffice process that converts a batch of at most ``documents_per_process`` documents, then a fresh
  one: the restart bounds what a long run can accumulate, and a process that crashes or hangs costs only
  its batch. Documents a crashed process had finished are kept; the one it was converting is tried once
  more on its own; the rest go back to the queue. A document that fails twice is reported in one
  :class:`ConversionFailed` after every other document was converted.
* No process outlives the pool: every process is killed (its whole process group) when a conversion ends,
  fails or is interrupted, and on Linux the office binary is started with a parent-death signal, so even
  a build killed with SIGKILL takes its LibreOffice processes with it.

Why processes of ``soffice --convert-to`` rather than a UNO connection to one long-lived office (as
``unoserver`` does): measured on the 12 sample drafts, a converting process costs 0.6 s to start and then
0.1 s per document, while a UNO-driven office costs 0.8 s to start and 0.11 s per document, and UNO needs
Debian's ``python3-uno`` for the system Python, which ``libreoffice-writer-nogui`` does not bring. A
second ``soffice`` call cannot hand documents to a running headless office either: the office quits
after the first forwarded conversion. See docs/build.md ("PDF and the layout pass").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import shutil
import subprocess
import tempfile
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from strategy_builder.errors import EnvironmentProblem
from strategy_builder.office.installation import LibreOffice, require_libreoffice
from strategy_builder.office.pdf import make_reproducible
from strategy_builder.office.processes import (
    RESTART_REQUESTED, describe_exit, die_with_parent, kill_group, log_tail, office_environment, sweep_dead_pools,
)


class PdfExport(NamedTuple):
    """Options of LibreOffice's PDF export (``writer_pdf_Export``)."""

    tagged: bool = True
    """A tagged PDF (structure for screen readers and reflow)."""
    outline: bool = True
    """The PDF's bookmarks (outline) from the headings."""
    bookmark_destinations: bool = True
    """Word bookmarks become named destinations: how the layout pass learns the page of each heading."""
    issued: dt.date | None = None
    """With a date, each PDF gets it as its creation date and a file identifier derived from its source's
    bytes, so that the same document always gives the same PDF (:func:`strategy_builder.office.pdf.
    make_reproducible`); without, LibreOffice's clock time stays."""

    def filter_argument(self) -> str:
        options = {"UseTaggedPDF": self.tagged, "ExportBookmarks": self.outline,
                   "ExportBookmarksToPDFDestination": self.bookmark_destinations}
        encoded = {name: {"type": "boolean", "value": "true" if value else "false"} for name, value in options.items()}
        return "pdf:writer_pdf_Export:" + json.dumps(encoded, separators=(",", ":"))


class FailedConversion(NamedTuple):
    """A document LibreOffice could not convert, and why."""

    source: Path
    reason: str


class ConversionFailed(EnvironmentProblem):
    """Some documents could not be converted (the others were); exit code 2 like any environment problem."""

    def __init__(self, failures: list[FailedConversion]) -> None:
        names = ", ".join(f.source.name for f in failures[:5]) + (" ..." if len(failures) > 5 else "")
        super().__init__(f"LibreOffice could not convert {len(failures)} document(s): {names} "
                         f"({failures[0].reason})",
                         hint="open the document in LibreOffice to see why; run again to retry")
        self.failures = failures


class WorkerProcess(NamedTuple):
    """A running LibreOffice process of the pool (handed to ``on_start``, which tests use to kill one)."""

    pid: int
    worker: int
    sources: tuple[Path, ...]
    output_dir: Path


@dataclass(slots=True)
class _Item:
    index: int
    source: Path
    target: Path
    staged: Path
    attempts: int = 0


class _Run(NamedTuple):
    worker: int
    items: list[_Item]
    process: subprocess.Popen[bytes]
    output_dir: Path
    log: Path
    deadline: float
    filter_argument: str
    restarted: bool = False


@dataclass(slots=True)
class PoolStatistics:
    """What a pool did: processes started, processes that crashed or hung, documents converted."""

    processes: int = 0
    crashed: int = 0
    documents: int = 0
    seconds: float = 0.0
    batches: list[int] = field(default_factory=list)


class ConversionPool:
    """Workers that convert documents with headless LibreOffice (see the module docstring)."""

    def __init__(self, office: LibreOffice, *, workers: int = 1, documents_per_process: int = 24,
                 seconds_per_document: float = 120.0, startup_seconds: float = 90.0, attempts: int = 2,
                 scratch: Path | None = None, profiles: Path | None = None,
                 on_start: Callable[[WorkerProcess], None] | None = None) -> None:
        """``scratch``: where the pool keeps its temporary folders (default: the system's temporary folder);
        ``profiles``: a folder that keeps the workers' LibreOffice profiles from one pool to the next (creating
        a profile costs about two seconds); by default they are temporary. ``on_start`` is called with every
        process started."""
        if workers < 1 or documents_per_process < 1 or attempts < 1:
            raise ValueError("workers, documents_per_process and attempts must be at least 1")
        self.office = office
        self.workers = workers
        self.documents_per_process = documents_per_process
        self.seconds_per_document = seconds_per_document
        self.startup_seconds = startup_seconds
        self.attempts = attempts
        self.on_start = on_start
        self.statistics = PoolStatistics()
        if scratch is not None:
            scratch.mkdir(parents=True, exist_ok=True)
            sweep_dead_pools(scratch)
        self._home = Path(tempfile.mkdtemp(prefix=f"pool-{os.getpid()}-", dir=scratch))
        self._profiles = profiles if profiles is not None else self._home
        self._running: list[_Run] = []
        self._closed = False
        self._issued: dt.date | None = None

    # ------------------------------------------------------------------ lifetime

    def __enter__(self) -> ConversionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Kill whatever still runs and remove the workers' profiles (idempotent)."""
        self._kill_all()
        if not self._closed:
            shutil.rmtree(self._home, ignore_errors=True)
            self._closed = True

    def __del__(self) -> None:  # a pool left unclosed must not leave processes behind
        with contextlib.suppress(Exception):
            self.close()

    # ------------------------------------------------------------------ conversion

    def convert(self, sources: Sequence[Path], out_dir: Path, export: PdfExport | None = None) -> list[Path]:
        """Convert ``sources`` (.docx or anything Writer opens) to ``out_dir/<stem>.pdf``, in parallel.

        Returns the PDF paths in the order of ``sources``. Each PDF appears complete or not at all (written
        beside its final name, then renamed). Raises :class:`ConversionFailed` listing the documents that
        failed twice, after converting all the others; stems must be unique.
        """
        if self._closed:
            raise RuntimeError("the pool is closed")
        stems = [source.stem for source in sources]
        if len(set(stems)) != len(stems):
            raise ValueError("documents to convert into one folder need distinct names")
        if not sources:
            return []
        started = time.perf_counter()
        export = export or PdfExport()
        out_dir.mkdir(parents=True, exist_ok=True)
        # Inputs are staged under neutral names (no surprises from spaces, colons or non-ASCII in paths),
        # outputs land in a hidden folder next to their final place, so that publishing them is a rename.
        job = Path(tempfile.mkdtemp(prefix="convert-", dir=self._home))
        landing = Path(tempfile.mkdtemp(prefix=".converting-", dir=out_dir))
        try:
            items = []
            for index, source in enumerate(sources):
                staged = job / f"d{index:05d}{source.suffix or '.docx'}"
                shutil.copyfile(source, staged)
                items.append(_Item(index, source, out_dir / f"{source.stem}.pdf", staged))
            self._issued = export.issued
            failures = self._run(items, job, landing, export.filter_argument())
        finally:
            self._kill_all()
            shutil.rmtree(job, ignore_errors=True)
            shutil.rmtree(landing, ignore_errors=True)
        self.statistics.seconds += time.perf_counter() - started
        if failures:
            raise ConversionFailed(failures)
        return [item.target for item in items]

    def _batches(self, items: list[_Item]) -> deque[list[_Item]]:
        count = max(min(self.workers, len(items)), math.ceil(len(items) / self.documents_per_process))
        # Dealt round-robin, so that each batch gets a share of long and short documents.
        return deque(batch for batch in (items[i::count] for i in range(count)) if batch)

    def _run(self, items: list[_Item], job: Path, landing: Path, filter_argument: str) -> list[FailedConversion]:
        queue = self._batches(items)
        failures: list[FailedConversion] = []
        free = list(range(self.workers))
        sequence = 0
        while queue or self._running:
            while queue and free:
                sequence += 1
                self._start(free.pop(0), queue.popleft(), job / f"out-{sequence}", job / f"log-{sequence}.txt",
                            filter_argument)
            time.sleep(0.02)
            for run in list(self._running):
                polled = run.process.poll()
                timed_out = polled is None and time.monotonic() > run.deadline
                if polled is None and not timed_out:
                    continue
                if timed_out:
                    kill_group(run.process)
                code = run.process.wait()
                self._running.remove(run)
                if code == RESTART_REQUESTED and not run.restarted and not timed_out:
                    # A fresh profile was just created and the office asks to be started again, as its
                    # launcher would do: the same worker runs the same batch once more.
                    self._start(run.worker, run.items, run.output_dir, run.log, run.filter_argument, restarted=True)
                    continue
                free.append(run.worker)
                free.sort()
                retry = self._finish(run, code, timed_out, landing, failures)
                for batch in reversed(retry):
                    queue.appendleft(batch)
        return failures

    def _start(self, worker: int, items: list[_Item], output_dir: Path, log: Path, filter_argument: str,
               restarted: bool = False) -> None:
        profile = self._profiles / f"profile-{worker}"
        output_dir.mkdir(parents=True, exist_ok=True)
        arguments = [str(self.office.executable), f"-env:UserInstallation={profile.as_uri()}", "--headless",
                     "--invisible", "--nologo", "--norestore", "--nolockcheck", "--nodefault",
                     "--convert-to", filter_argument, "--outdir", str(output_dir),
                     *(str(item.staged) for item in items)]
        with open(log, "ab") as stream:
            process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=stream, stderr=subprocess.STDOUT,
                                       env=office_environment(self.office.direct), start_new_session=True,
                                       preexec_fn=die_with_parent if self.office.direct else None)
        deadline = time.monotonic() + self.startup_seconds + self.seconds_per_document * len(items)
        run = _Run(worker, items, process, output_dir, log, deadline, filter_argument, restarted)
        self._running.append(run)
        if not restarted:
            self.statistics.processes += 1
            self.statistics.batches.append(len(items))
        if self.on_start is not None:
            self.on_start(WorkerProcess(process.pid, worker, tuple(item.source for item in items), output_dir))

    def _finish(self, run: _Run, code: int, timed_out: bool, landing: Path,
                failures: list[FailedConversion]) -> list[list[_Item]]:
        """Publish what a finished process produced; return the batches to run again."""
        produced = [item for item in run.items if _complete_pdf(run.output_dir / f"{item.staged.stem}.pdf")]
        for item in produced:
            temporary = landing / item.target.name
            os.replace(run.output_dir / f"{item.staged.stem}.pdf", temporary)
            if self._issued is not None:
                seed = hashlib.sha256(item.staged.read_bytes()).hexdigest()
                temporary.write_bytes(make_reproducible(temporary.read_bytes(), self._issued, seed))
            os.replace(temporary, item.target)
            self.statistics.documents += 1
        missing = [item for item in run.items if item not in produced]
        shutil.rmtree(run.output_dir, ignore_errors=True)
        if not missing:
            return []
        abnormal = timed_out or code != 0
        if abnormal:
            self.statistics.crashed += 1
        # After a crash only the first missing document was being converted; the others never started.
        tried = missing[:1] if abnormal else missing
        reason = ("LibreOffice did not finish within the time allowed" if timed_out else
                  f"LibreOffice stopped ({describe_exit(code)})" if abnormal else
                  "LibreOffice could not open or export it")
        retry: list[list[_Item]] = []
        for item in tried:
            item.attempts += 1
            if item.attempts >= self.attempts:
                failures.append(FailedConversion(item.source, f"{reason}; {log_tail(run.log)}".rstrip("; ")))
            else:
                retry.append([item])  # on its own, so that a document that crashes again harms no other
        untried = missing[1:] if abnormal else []
        if untried:
            retry.append(untried)
        return retry

    def _kill_all(self) -> None:
        for run in self._running:
            kill_group(run.process)
            with contextlib.suppress(Exception):
                run.process.wait(timeout=10)
        self._running.clear()


def convert_to_pdf(sources: Sequence[Path], out_dir: Path, *, workers: int = 1,
                   export: PdfExport | None = None, purpose: str = "PDF conversion") -> list[Path]:
    """One-shot conversion with a temporary pool: ``out_dir/<stem>.pdf`` for each source (see the pool).

    Pass ``export=PdfExport(issued=date)`` for PDFs that are byte-identical from one run to the next."""
    office = require_libreoffice(purpose)
    with ConversionPool(office, workers=workers) as pool:
        return pool.convert(sources, out_dir, export)


def _complete_pdf(path: Path) -> bool:
    """A PDF that LibreOffice finished writing (it ends with ``%%EOF``)."""
    try:
        with open(path, "rb") as stream:
            stream.seek(0, os.SEEK_END)
            size = stream.tell()
            stream.seek(max(0, size - 1024))
            return size > 0 and b"%%EOF" in stream.read()
    except OSError:
        return False


__all__ = ["ConversionFailed", "ConversionPool", "FailedConversion", "PdfExport", "PoolStatistics", "WorkerProcess",
           "convert_to_pdf"]
