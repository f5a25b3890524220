"""The watcher in process: a saved partner file rebuilds that partner only; strategy.yaml rebuilds all;
problems are reported and the watch goes on."""

from __future__ import annotations

import gc
import hashlib
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from conftest import copy_sample
from strategy_builder.drafts.builder import BuildOptions, build
from strategy_builder.drafts.watch import WatchEvent, watch_previews
from strategy_builder.errors import InputProblems
from strategy_builder.ooxml.block_finish import BlockMemo
from strategy_builder.ooxml.text_patch import MainPartMemo


def test_each_save_rebuilds_what_it_concerns(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("STRATEGY_BUILDER_LAYOUT", "off")
    project = copy_sample(tmp_path / "project")
    partner = project / "inputs" / "partners" / "GE.yaml"
    translation = project / "inputs" / "translations" / "ru" / "KZ.yaml"
    strategy = project / "inputs" / "strategy.yaml"
    saves = [
        lambda: partner.write_text(partner.read_text(encoding="utf-8").replace("situation: |\n",
                                                                               "situation: |\n  Saved.\n\n", 1)),
        lambda: translation.write_text(translation.read_text(encoding="utf-8").replace(
            "text: Республика Казахстан", "text: Республика Казахстан (сохранено)", 1), encoding="utf-8"),
        lambda: (translation.parent / "KZ.yml").write_bytes(translation.read_bytes()),  # never read: said
        lambda: partner.write_text("code: GE\nbogus: [\n", encoding="utf-8"),
        lambda: strategy.write_text(strategy.read_text(encoding="utf-8") + "\n# saved\n", encoding="utf-8"),
    ]
    events: list[WatchEvent] = []

    collecting: list[bool] = []

    def report(event: WatchEvent) -> None:
        events.append(event)
        collecting.append(gc.isenabled())
        if saves:
            saves.pop(0)()

    give_up = time.monotonic() + 120  # a save the watcher does not see fails the test rather than hang it
    watch_previews(project, BuildOptions(jobs=1), report, stop=lambda: len(events) == 6 or time.monotonic() > give_up,
                   interval=0.01)
    # The garbage collector waits until a save's rebuild is reported, and collects again afterwards.
    assert collecting == [True, False, False, False, False, False] and gc.isenabled()
    first, saved, translated, unread, broken, shared = events
    assert first.changed == () and first.result is not None
    assert len([p for p in first.result.partners if not p.language]) == 12
    assert saved.changed == ("inputs/partners/GE.yaml",) and saved.result is not None
    assert [p.code for p in saved.result.partners if p.rendered] == ["GE"]
    # A saved translation rebuilds that partner: its Russian version is written again.
    assert translated.changed == ("inputs/translations/ru/KZ.yaml",) and translated.result is not None
    assert [(p.code, p.language) for p in translated.result.partners if p.rendered] == [("KZ", "ru")]
    # A translation file the build does not read is watched all the same: its save says it is not read.
    assert unread.changed == ("inputs/translations/ru/KZ.yml",) and unread.result is not None
    assert [f.location.file for f in unread.result.warnings if f.code == "translation.not-read"] == [
        "inputs/translations/ru/KZ.yml"]
    assert isinstance(broken.problem, InputProblems) and broken.result is None
    assert shared.changed == ("inputs/strategy.yaml",)
    # strategy.yaml changed: every partner but the broken one is rebuilt; the broken one is reported.
    assert isinstance(shared.problem, InputProblems)


def _files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


NEW_PRIORITY = """    priorities:
      - id: added-while-watching
        title: A priority added while the watcher runs
        status: proposed
        rationale: |
          Added to see the preview rebuilt with one section more.
"""


def test_every_rebuild_writes_the_files_the_same_builds_write_without_the_watcher(tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                                 monkeypatch) -> None:
    """Byte for byte, after each kind of save: the watcher keeps what one rebuild made for the next (the
    preview's manifest, each document's finished main part, patched when only its wording changed, and its
    groups of blocks, which make a document whose structure changed), and what it writes is what the same
    builds write in a process that keeps nothing."""
    monkeypatch.setenv("STRATEGY_BUILDER_LAYOUT", "off")
    patched: list[bool] = []  # for each finish of a main part with a memo: made from the memo or not
    by_groups: list[bool] = []  # of those, made by groups of blocks
    patch, by_blocks = MainPartMemo.patch, BlockMemo.finish

    def counting_patch(self: MainPartMemo, key: tuple[object, ...], rendered: str,
                       pending_label: str | None = None) -> object:
        result = patch(self, key, rendered, pending_label)
        if result is not None:
            patched.append(True)
        return result

    def counting_groups(self: BlockMemo, key: tuple[object, ...], rendered: str) -> object:
        result = by_blocks(self, key, rendered)
        patched.append(result is not None)
        by_groups.append(result is not None)
        return result

    monkeypatch.setattr(MainPartMemo, "patch", counting_patch)
    monkeypatch.setattr(BlockMemo, "finish", counting_groups)
    project = copy_sample(tmp_path / "watched")

    def edit(name: str, old: str, new: str) -> None:
        path = project / "inputs" / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    saves = [
        lambda: edit("partners/AM.yaml", "situation: |\n", "situation: |\n  Saved once.\n\n"),  # a paragraph more
        lambda: edit("partners/AM.yaml", "Saved once.", "Saved twice, & <more>."),  # a text changed
        lambda: edit("partners/AM.yaml", "    priorities:\n", NEW_PRIORITY),  # a priority added
        lambda: edit("partners/AM.yaml", NEW_PRIORITY, "    priorities:\n"),  # and removed
        lambda: edit("strategy.yaml", "\n", "\n# saved\n"),  # strategy.yaml: every document again
        lambda: edit("translations/ru/KZ.yaml", "text: Республика Казахстан", "text: Республика Казахстан (1)"),
        lambda: edit("partners/AM.yaml", "Saved twice, & <more>.", "Saved a third time:"),  # now a lead-in
        lambda: edit("partners/AM.yaml", "Saved a third time:", "Saved a fourth time:"),
        lambda: edit("partners/AM.yaml", "  Saved a fourth time:\n\n", ""),  # the paragraph removed
        lambda: move_first_priority(),  # a priority moved after the next one
        lambda: edit("partners/AM.yaml", "situation: |\n", "situation: |\n  Saved: a fifth time.\n\n"),
        # A partner with a Russian version: its two documents are rebuilt in this process, with their memos,
        # although two processes may render (a rebuild of every partner shares them out).
        lambda: edit("partners/KZ.yaml", "situation: |\n", "situation: |\n  Saved once.\n\n"),
        lambda: edit("partners/KZ.yaml", "Saved once.", "Saved twice."),
        lambda: edit("partners/KZ.yaml", "  Saved twice.\n\n", ""),
    ]

    def move_first_priority() -> None:
        path = project / "inputs" / "partners" / "AM.yaml"
        text = path.read_text(encoding="utf-8")
        first = text.index("      - id: ")
        second = text.index("      - id: ", first + 1)
        third = text.index("      - id: ", second + 1)
        path.write_text(text[:first] + text[second:third] + text[first:second] + text[third:], encoding="utf-8")
    seen: list[tuple[tuple[str, ...], dict[str, bytes], dict[str, bytes]]] = []

    tried: list[int] = []  # how many patches had been tried when each rebuild was reported

    def report(event: WatchEvent) -> None:
        assert event.problem is None, event.problem
        seen.append((event.changed, _files(project / "inputs"), _files(project / "build" / "preview")))
        tried.append(len(patched))
        if saves:
            saves.pop(0)()

    watch_previews(project, BuildOptions(jobs=2), report, stop=lambda: len(seen) == 15, interval=0.01)
    assert [changed for changed, _, _ in seen][1:] == [("inputs/partners/AM.yaml",)] * 4 + [
        ("inputs/strategy.yaml",), ("inputs/translations/ru/KZ.yaml",)] + [("inputs/partners/AM.yaml",)] * 5 + [
        ("inputs/partners/KZ.yaml",)] * 3
    assert any(patched) and not all(patched)  # (the first rebuild of each document, at least, is made whole)
    assert any(by_groups)
    assert patched[tried[12]:tried[13]] == [True, True]  # "Saved twice.": KZ and its Russian version from memos
    assert patched[tried[2]:tried[3]] == [True]  # a priority added to AM: made by groups

    reference = copy_sample(tmp_path / "reference")  # the same builds, one process each time, nothing kept
    for changed, inputs, preview in seen:
        for name, data in inputs.items():
            (reference / "inputs" / name).write_bytes(data)
        codes = {Path(name).stem for name in changed if "/partners/" in name or "/translations/" in name}
        build(reference, BuildOptions(preview=True, jobs=1, partners=frozenset(codes)))
        assert _files(reference / "build" / "preview") == preview, changed


def test_what_a_rebuild_puts_off_waits_until_the_watcher_is_idle(tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                 monkeypatch) -> None:
    """The input cache's writes (and freeing the memos' old trees) come after the report, at the first poll
    that finds nothing to do, so that whoever reads the report is not kept waiting; a save that comes before
    that has them done first, and stopping leaves none undone."""
    from strategy_builder.drafts.build_types import RebuildMemory
    from strategy_builder.drafts.watch import _Wakeup

    monkeypatch.setenv("STRATEGY_BUILDER_LAYOUT", "off")
    project = copy_sample(tmp_path / "project")
    partner = project / "inputs" / "partners" / "AM.yaml"
    original = partner.read_text(encoding="utf-8")
    order: list[str] = []
    run_later, wait = RebuildMemory.run_later, _Wakeup.wait

    def save(number: int) -> None:
        partner.write_text(original.replace("situation: |\n", f"situation: |\n  Save {number}.\n\n", 1),
                           encoding="utf-8")

    def recording_run_later(self: RebuildMemory) -> None:
        if self.later:
            order.append("put-off work")
        run_later(self)

    def recording_wait(self: _Wakeup, seconds: float) -> set[Path]:
        if order[-1] != "wait":
            order.append("wait")
        if order.count("report") == 2 and order[-2] == "put-off work":
            save(2)  # the watcher is idle: a save seconds after the last one, as people save
        return wait(self, seconds)

    def report(event: WatchEvent) -> None:
        assert event.problem is None, event.problem
        order.append("report")
        if order.count("report") == 1:
            save(1)  # before the watcher was idle (a script, or two saves in quick succession)

    monkeypatch.setattr(RebuildMemory, "run_later", recording_run_later)
    monkeypatch.setattr(_Wakeup, "wait", recording_wait)
    give_up = time.monotonic() + 120  # (an order other than the one expected fails below, never hangs)
    watch_previews(project, BuildOptions(jobs=1), report,
                   stop=lambda: order.count("report") == 3 or time.monotonic() > give_up, interval=0.01)
    assert order == ["report",  # the first build; save 1 follows at once
                     "wait", "put-off work",  # seen by the next poll: what the first build put off, first
                     "report",  # save 1 rebuilt
                     "wait", "put-off work",  # nothing changed: idle; save 2 follows
                     "wait", "report",  # save 2 rebuilt
                     "put-off work"]  # stopped: nothing left undone
    # The last save's file is in the input cache: its put-off writes were made.
    index = (project / "build" / ".cache" / "inputs" / "index.json").read_text(encoding="utf-8")
    assert hashlib.sha256(partner.read_bytes()).hexdigest() in index


def test_ctrl_c_stops_the_watcher_even_when_something_caught_its_keyboard_interrupt(tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                                    monkeypatch) -> None:
    # pydantic, interrupted while it runs Python code, turns the KeyboardInterrupt into its own error (the
    # loader then reports an invalid file): the watcher stops on the signal all the same, and says so.
    monkeypatch.setenv("STRATEGY_BUILDER_LAYOUT", "off")
    project = copy_sample(tmp_path / "project")
    events: list[WatchEvent] = []

    def report(event: WatchEvent) -> None:
        events.append(event)
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)  # the handler runs here
        except KeyboardInterrupt:
            pass  # as a library may do

    handler_before = signal.getsignal(signal.SIGINT)
    give_up = time.monotonic() + 60  # without the signal's flag the watcher would poll on (nothing changes)
    with pytest.raises(KeyboardInterrupt):
        watch_previews(project, BuildOptions(jobs=1, partners=frozenset({"MD"})), report,
                       stop=lambda: time.monotonic() > give_up, interval=0.01)
    assert len(events) == 1
    assert signal.getsignal(signal.SIGINT) is handler_before  # the watcher's handler is gone, the one before is back


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
def test_the_wait_between_polls_ends_with_a_file_written_and_closed_or_moved_in(tmp_path: Path) -> None:
    """A file the kernel reports closed after writing, or renamed into place, is complete: the watcher takes
    it at once. A file still open for writing is not reported complete (the poll sees it and lets it settle)."""
    from strategy_builder.drafts.watch import _Wakeup

    partners = tmp_path / "partners"
    partners.mkdir()
    wakeup = _Wakeup()
    try:
        wakeup.watch({partners})

        def complete_within(seconds: float) -> set[Path]:
            """What the waits of ``seconds`` at most report complete (the first report ends them)."""
            for _ in range(int(seconds / 0.05)):
                if found := wakeup.wait(0.05):
                    return found
            return set()

        with open(partners / "AM.yaml", "w", encoding="utf-8") as stream:
            stream.write("code: AM\n")
            stream.flush()
            assert partners / "AM.yaml" not in complete_within(0.2)
        assert partners / "AM.yaml" in complete_within(5)
        (tmp_path / "GE.yaml").write_text("code: GE\n", encoding="utf-8")
        os.replace(tmp_path / "GE.yaml", partners / "GE.yaml")  # an editor's save through a temporary file
        assert complete_within(5) == {partners / "GE.yaml"}
    finally:
        wakeup.close()
