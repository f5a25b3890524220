"""Render many partners' documents, in parallel processes that share one compiled template."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from strategy_builder.models.provenance import ValueLog
from strategy_builder.render.assembly import DocumentStamp, RenderedDocument, render_document
from strategy_builder.render.engine import CompiledTemplate
from strategy_builder.ooxml.rendered import MainPartMemo


class RenderJob(NamedTuple):
    """Everything a worker needs to render one partner (picklable)."""

    partner: str
    context: dict[str, Any]
    stamp: DocumentStamp
    expected_sections: list[str]
    circulated: bool = True
    """A draft (compact, read back and verified) rather than a preview; see :func:`render_document`."""
    values: ValueLog | None = None
    """The values the context marked, written beside the document as their table (workers do not need it)."""


_TEMPLATE: CompiledTemplate | None = None


def _render(job: RenderJob, memo: MainPartMemo | None = None) -> RenderedDocument:
    assert _TEMPLATE is not None
    return render_document(_TEMPLATE, job.context, job.stamp, job.expected_sections, circulated=job.circulated,
                           memo=memo)


def default_jobs() -> int:
    """Worker processes to use: one per available core."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class WorkerPool(NamedTuple):
    """How many processes may render, and what must happen before any is forked."""

    processes: int
    before_fork: Callable[[], None] | None = None
    """Called once before the first fork: forking while another thread runs is unsafe, so a caller with
    a background thread (the input cache's writer) finishes it here."""


def _can_fork() -> bool:
    return hasattr(os, "fork")  # where fork exists, multiprocessing offers the "fork" start method


def _start_worker(parent: int) -> None:
    """In a forked worker: ignore Ctrl-C, and die with the parent.

    A terminal sends SIGINT to every process of the command; the parent answers it (it cancels what no worker
    has started, waits for what they are rendering, and exits 130), while a worker interrupted as it waits
    for work would print multiprocessing's traceback. A parent killed outright (SIGKILL) cannot stop its
    workers: the kernel does (a worker waiting for work would wait forever, it holds the queue's other end)."""
    from strategy_builder.office.processes import die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()
    if os.getppid() != parent:  # the parent died before the kernel was asked
        os._exit(1)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def render_all(template: CompiledTemplate, jobs: list[RenderJob], pool: WorkerPool,
               on_done: Callable[[RenderedDocument], None] | None = None,
               memos: Sequence[MainPartMemo | None] | None = None) -> Iterator[RenderedDocument]:
    """Render ``jobs`` in order, yielding each document as soon as it and its predecessors are done.

    With more than one job and process, forked processes inherit the compiled template from this
    process, so nothing is re-read or re-compiled per document. This process is one of the ``processes``:
    it renders the first share of the jobs itself while the forked ones render the rest (one fork fewer,
    and its documents need not be sent back). Rendering errors propagate unchanged. ``memos`` (one per job, or
    none) are used by the jobs this process renders (see :func:`render_document`; forked ones render
    without).
    """
    global _TEMPLATE
    _TEMPLATE = template
    workers = pool.processes
    memo_of = memos if memos is not None else [None] * len(jobs)
    if workers <= 1 or len(jobs) <= 1 or not _can_fork():
        for job, memo in zip(jobs, memo_of, strict=True):
            document = _render(job, memo)
            if on_done:
                on_done(document)
            yield document
        return
    if pool.before_fork is not None:
        pool.before_fork()
    import multiprocessing  # the process pool's modules only when there is something to share out
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    processes = min(workers, len(jobs))
    # This process also writes each document and its manifest entry as it is yielded: it takes the smaller
    # share when the jobs do not divide evenly.
    own = len(jobs) // processes
    executor = ProcessPoolExecutor(max_workers=processes - 1, mp_context=context,
                                   initializer=_start_worker, initargs=(os.getpid(),))
    try:
        # The first submit forks the workers. SIGINT waits meanwhile (blocked, then delivered here), so that no
        # worker can receive it before it ignores it.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            forked = [executor.submit(_render, job) for job in jobs[own:]]
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        for job, memo in zip(jobs[:own], memo_of[:own], strict=True):
            document = _render(job, memo)
            if on_done:
                on_done(document)
            yield document
        for future in forked:
            document = future.result()
            if on_done:
                on_done(document)
            yield document
    except BaseException:  # interrupted, failed, or the consumer stopped: what no worker has started is dropped
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    executor.shutdown(wait=True)
