"""``build --preview --watch``: one long-lived process that rebuilds the preview of each partner file saved.

The watcher polls the modification stamp (time, size, inode) of ``inputs/strategy.yaml``, every partner file,
every translation file and the template, every :data:`POLL_SECONDS`. A saved partner file, or a saved
translation of one partner (``inputs/translations/<language>/<CODE>.yaml``), rebuilds that partner's preview
(with its language versions); a saved ``strategy.yaml``, its translation or the template rebuilds every
selected partner's. The process keeps what a rebuild can
reuse warm: imports, the compiled template (see :func:`strategy_builder.drafts.builder.build`), and the
input cache, which answers for every file that did not change.

Polling decides what changed: a project has a few dozen files, so a poll is a few dozen ``stat`` calls
(about 0.17 ms for the sample's 18 files: every 20 ms, under 1 % of one core while idle; the template's path is
read from strategy.yaml only when that file changed); it works the same on every operating system and on network
shares, where kernel notifications often do not arrive. On Linux the wait between two polls also ends as
soon as the kernel reports a file of the watched folders written and closed, or moved into place
(inotify, through ``inotify_simple``, a small pure-Python wrapper): such a file is complete and is rebuilt
at once, without the polling delay (10 ms on average) or the settling wait (see :func:`_settled`) that
a change only seen by polling gets. Where notifications do not arrive, the poll sees the change as before.

Nothing is ever half-written: documents and the preview's manifest are written atomically, so stopping
the watcher (Ctrl-C) during a rebuild leaves the previous file or the new one, never a part of one.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from strategy_builder.drafts.builder import BuildOptions, BuildResult, RebuildMemory, build
from strategy_builder.errors import StrategyBuilderError
from strategy_builder.inputs.yaml_pieces import remembering_pieces
from strategy_builder.layout import YAML_SUFFIXES, ProjectLayout, require_project

POLL_SECONDS = 0.02
"""How often the files are looked at: the longest wait between a save and the start of a rebuild."""
SETTLE_SECONDS = 0.01
"""A file changed less than this long ago is looked at once more when it is that old, so that a save in
several writes is read whole (a file found older is read at once)."""

Stamp = tuple[int, int, int]


class WatchEvent(NamedTuple):
    """One rebuild: the files whose change caused it, and what it wrote or the problem that stopped it."""

    changed: tuple[str, ...]
    """The files that changed (relative to the project), empty for the first build."""
    result: BuildResult | None = None
    problem: StrategyBuilderError | None = None
    seconds: float = 0.0
    """From the moment the change was seen to the moment the preview was written (or the problem found)."""


def _stamp(path: Path) -> Stamp | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size, status.st_ino


def _template_path(layout: ProjectLayout, options: BuildOptions) -> Path | None:
    """The template the previews use, as far as the inputs say (a broken strategy.yaml says nothing)."""
    if options.template is not None:
        return options.template
    from strategy_builder.inputs.yamlsource import read_yaml

    document, _ = read_yaml(layout.strategy_file, "inputs/strategy.yaml")
    settings = document.data.get("build") if document is not None else None
    written = settings.get("template") if isinstance(settings, dict) else None
    return layout.root / (written if isinstance(written, str) and written else "templates/strategy.docx")


def _translation_files(layout: ProjectLayout) -> list[Path]:
    """Every ``inputs/translations/<language>/<name>.yaml`` (listed with os.scandir: at every poll), and every
    ``<name>.yml`` there: never read, but saving one rebuilds what it concerns, whose findings say so."""
    folder = layout.translations_dir
    if not folder.is_dir():
        return []
    found: list[Path] = []
    with contextlib.suppress(OSError), os.scandir(folder) as languages:  # (a folder it may not read: none, as glob)
        for language in languages:
            if language.is_dir():
                with contextlib.suppress(OSError), os.scandir(language.path) as entries:
                    found += (Path(entry.path) for entry in entries if entry.name.endswith(YAML_SUFFIXES))
    return sorted(found)


class _Files:
    """The files a watcher looks at, with their stamps; the template's path is read from strategy.yaml
    only when that file changed (a poll is then a few dozen ``stat`` calls and no YAML parse)."""

    def __init__(self, layout: ProjectLayout, options: BuildOptions) -> None:
        self.layout = layout
        self.options = options
        self._strategy: Stamp | None = None
        self._template: Path | None = None
        self._template_known = False

    def stamps(self) -> dict[Path, Stamp | None]:
        layout = self.layout
        strategy = _stamp(layout.strategy_file)
        if not self._template_known or strategy != self._strategy:
            self._template, self._strategy, self._template_known = \
                _template_path(layout, self.options), strategy, True
        stamps = {layout.strategy_file: strategy}
        for path in [*layout.partner_files(), *_translation_files(layout)]:
            stamps[path] = _stamp(path)
        if self._template is not None:
            stamps[self._template] = _stamp(self._template)
        return stamps


class _Wakeup:
    """The wait between two polls: :data:`POLL_SECONDS` at most, ended early on Linux when the kernel reports
    a file of a watched folder written and closed, or moved into it (the file is then complete)."""

    _COMPLETE = 0x08 | 0x80
    """IN_CLOSE_WRITE | IN_MOVED_TO: a writer closed the file, or a finished file was renamed into place."""
    _WAKE = _COMPLETE | 0x100 | 0x200 | 0x40
    """... and IN_CREATE, IN_DELETE, IN_MOVED_FROM: a file appeared or went away."""

    def __init__(self) -> None:
        self._notify: Any = None
        self._folders: dict[int, Path] = {}
        if not sys.platform.startswith("linux"):
            return
        try:
            from inotify_simple import INotify

            self._notify = INotify()
        except (ImportError, OSError):  # not installed, or no inotify instance left: polling alone
            self._notify = None

    def watch(self, folders: set[Path]) -> None:
        """Also report the files of ``folders`` (a folder already watched costs one system call)."""
        if self._notify is None:
            return
        for folder in folders:
            try:
                self._folders[self._notify.add_watch(folder, self._WAKE)] = folder
            except OSError:  # gone, or the user's limit of watches reached: the poll still sees it
                continue

    def wait(self, seconds: float) -> set[Path]:
        """Wait up to ``seconds``; the files reported complete meanwhile (none where there is no inotify)."""
        if self._notify is None:
            time.sleep(seconds)
            return set()
        complete = set()
        for event in self._notify.read(timeout=max(1, round(seconds * 1000))):
            folder = self._folders.get(event.wd)
            if folder is not None and event.mask & self._COMPLETE and event.name:
                complete.add(folder / event.name)
        return complete

    def close(self) -> None:
        if self._notify is not None:
            self._notify.close()


def _settled(path: Path, stamp: Stamp | None) -> Stamp | None:
    """The stamp of ``path`` once it stops changing (an editor may write a file in several steps): a file
    last written :data:`SETTLE_SECONDS` ago or longer is taken as it is, a fresher one looked at again once
    it is that old. An empty file is looked at again until it is not (for half a second at most): saving
    empties a file before it writes it, and a writer can be paused in between on a busy machine."""
    for _ in range(50):
        if stamp is None:
            return None
        age = (time.time_ns() - stamp[0]) / 1e9
        if stamp[1] and age >= SETTLE_SECONDS:
            return stamp
        time.sleep(SETTLE_SECONDS - age if 0 <= age < SETTLE_SECONDS else SETTLE_SECONDS)
        again = _stamp(path)
        if again == stamp and stamp[1]:
            return stamp
        stamp = again
    return stamp


class _Interruption:
    """Ctrl-C (SIGINT) and SIGTERM, remembered as well as raised.

    A ``KeyboardInterrupt`` raised while a library runs Python code on its behalf can come back as that
    library's error: pydantic turns it into a validation or serialization error, which the loader reports
    as a problem of the input file. The watcher would then carry on, or stop with an internal error; the
    flag says that the user asked to stop whatever the exception became."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: dict[int, object] = {}

    def _raise(self, signum: int, frame: object) -> None:
        self.requested = True
        raise KeyboardInterrupt

    def __enter__(self) -> _Interruption:
        if threading.current_thread() is threading.main_thread():  # signals reach the main thread only
            for number in (signal.SIGINT, signal.SIGTERM):
                if signal.getsignal(number) == signal.SIG_IGN:
                    # Started ignoring it (nohup, a script's background job): the watcher goes on ignoring it,
                    # as every other command does, and stops on the signals it was left to take.
                    continue
                self._previous[number] = signal.signal(number, self._raise)
        return self

    def __exit__(self, *exc: object) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)  # type: ignore[arg-type]


@contextlib.contextmanager
def _collection_put_off() -> Iterator[None]:
    """Python's cyclic garbage collector held off while a rebuild runs, until it has been reported, like the
    input cache's writes (:meth:`RebuildMemory.run_later`, at the first poll that finds nothing to do): a
    collection a rebuild's allocations set off runs after the report, while the watcher waits for the next
    save. With Python's default threshold (a program calling :func:`watch_previews` itself) that is about
    2.5 ms a structural rebuild on average, and 15 ms for the occasional full collection; the command line
    raises the threshold (``cli.main``), where collections are rare, and this keeps the rare one out of the
    time from a save to its report too. (Reference counting frees everything else as usual.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _rebuild(root: Path, options: BuildOptions, changed: tuple[str, ...], seen: float,
             interruption: _Interruption, memory: RebuildMemory) -> WatchEvent:
    try:
        result = build(root, options, memory=memory)
    except Exception as error:
        if interruption.requested:  # what the interrupted library made of the KeyboardInterrupt
            raise KeyboardInterrupt from error
        if not isinstance(error, StrategyBuilderError):
            raise
        return WatchEvent(changed, problem=error, seconds=time.perf_counter() - seen)
    return WatchEvent(changed, result=result, seconds=time.perf_counter() - seen)


def watch_previews(root: Path, options: BuildOptions, report: Callable[[WatchEvent], None], *,
                   stop: Callable[[], bool] = lambda: False, interval: float = POLL_SECONDS) -> None:
    """Build the preview of ``root`` (the partners of ``options.partners``, or all), then rebuild the preview
    of each partner file as it is saved, and of every partner when strategy.yaml or the template is saved;
    ``report`` is told of every rebuild. Runs until ``stop()`` is true or the process is interrupted
    (Ctrl-C or SIGTERM: ``KeyboardInterrupt`` propagates; no file is left half-written)."""
    # A saved file is read again piece by piece, its unchanged pieces as composed last time (inputs/yaml_pieces.py).
    with _Interruption() as interruption, remembering_pieces():
        _watch(root, options, report, lambda: stop() or interruption.requested, interval, interruption)
    if interruption.requested:  # noticed between two polls, or made into a problem by a library
        raise KeyboardInterrupt


def _watch(root: Path, options: BuildOptions, report: Callable[[WatchEvent], None], stop: Callable[[], bool],
           interval: float, interruption: _Interruption) -> None:
    require_project(root)
    layout = ProjectLayout.of(root)
    options = options._replace(preview=True)
    selected = set(options.partners)
    files = _Files(layout, options)
    known = files.stamps()  # before the first build: a save during it is seen afterwards
    wakeup = _Wakeup()
    memory = RebuildMemory()  # what one rebuild leaves for the next (the same files as without it)
    try:
        wakeup.watch(_folders(layout, known))
        report(_rebuild(root, options, (), time.perf_counter(), interruption, memory))
        while not stop():
            complete = wakeup.wait(interval)
            current = files.stamps()
            if current == known:
                # Idle: now the work a rebuild put off until it was reported (the input cache's writes,
                # freeing the trees the memos gave up). Not right after the report: the process reading it
                # (a terminal, an editor's task runner) is woken by it and gets the processor first, where
                # the watcher busy with this work would keep it waiting about a millisecond.
                memory.run_later()
                continue
            seen = time.perf_counter()
            memory.run_later()  # a save before the watcher was idle: what the last rebuild put off first
            with _collection_put_off():
                known = _next(root, options, selected, layout, known, current, complete, seen, interruption,
                              report, memory)
            wakeup.watch(_folders(layout, known))
        memory.run_later()  # stopped by stop(): nothing is left undone
    finally:
        wakeup.close()


def _folders(layout: ProjectLayout, stamps: dict[Path, Stamp | None]) -> set[Path]:
    """The folders whose files the watcher looks at, and those where new ones appear."""
    return {layout.inputs_dir, layout.partners_dir, layout.translations_dir,
            *(path.parent for path in stamps)} - {layout.root}


def _next(root: Path, options: BuildOptions, selected: set[str], layout: ProjectLayout,
          known: dict[Path, Stamp | None], current: dict[Path, Stamp | None], complete: set[Path], seen: float,
          interruption: _Interruption, report: Callable[[WatchEvent], None], memory: RebuildMemory
          ) -> dict[Path, Stamp | None]:
    """Rebuild what the change from ``known`` to ``current`` concerns; the stamps to compare the next poll with.
    A file in ``complete`` (reported written and closed) is taken as it is, any other changed file once settled."""
    changed = sorted(path for path in {*known, *current} if known.get(path) != current.get(path))
    for path in changed:
        stamp = current.get(path)
        if path in current and not (path in complete and stamp is not None and stamp[1]):
            current[path] = _settled(path, stamp)
    partner_files = {path for path in changed if _partner_of(path, layout) is not None}
    shared = [path for path in changed if path not in partner_files]
    codes = {str(_partner_of(path, layout)) for path in partner_files
             if path in current and current[path] is not None}
    names = tuple(layout.display_name(path) for path in changed)
    if shared or not codes:
        # strategy.yaml (or its translation), the template, or a file removed: every selected partner again.
        report(_rebuild(root, options._replace(partners=frozenset(selected)), names, seen,
                        interruption, memory))
    elif not selected or codes & selected:  # (a partner outside --partner is not rebuilt)
        codes = codes & selected if selected else codes
        report(_rebuild(root, options._replace(partners=frozenset(codes)), names, seen, interruption,
                        memory))
    return current

def _partner_of(path: Path, layout: ProjectLayout) -> str | None:
    """The partner whose preview a saved file concerns: its partner file or one of its translations."""
    if path.parent == layout.partners_dir:
        return path.stem.upper()
    if path.parent.parent == layout.translations_dir and path.stem != "strategy":
        return path.stem.upper()
    return None


__all__ = ["POLL_SECONDS", "WatchEvent", "watch_previews"]
