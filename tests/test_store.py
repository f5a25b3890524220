"""The draft store (docs/build.md, "Drafts are immutable and nothing is lost"): numbers are never given
twice, leftovers of interrupted builds are removed and reported, the lock reports the other build, a
published draft is never overwritten and follows the umask."""

from __future__ import annotations

import os
from pathlib import Path

import filelock
import pytest

from conftest import copy_sample
from strategy_builder.drafts.builder import BuildOptions, build
from strategy_builder.store import DraftStore
from strategy_builder.errors import EnvironmentProblem


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = copy_sample(tmp_path / "p")
    for path in (root / "inputs" / "partners").glob("*.yaml"):
        if path.stem != "AM":
            path.unlink()
    return root


def test_leftovers_of_interrupted_builds_are_removed_and_reported(project: Path) -> None:
    drafts, preview = project / "build" / "drafts", project / "build" / "preview"
    leftovers = [drafts / ".staging-abc", drafts / ".tmp-1", preview / ".staging-def", preview / ".tmp-2",
                 preview / ".AM.docx.k9ya4l5p.tmp"]  # the last as files.replace_file names its temporaries
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.name.startswith(".staging-"):
            path.mkdir()
            (path / "AM.docx").write_bytes(b"half-written")
        else:
            path.write_bytes(b"half-written")
    kept = drafts / "notes.txt"
    kept.write_text("a file of the team's", encoding="utf-8")
    result = build(project, BuildOptions(jobs=1))
    assert sorted(map(str, result.cleaned)) == sorted(map(str, leftovers))
    assert not any(path.exists() for path in leftovers)
    assert kept.read_text(encoding="utf-8") == "a file of the team's"
    assert result.draft == 1


def test_a_killed_builds_temporaries_in_the_template_cache_are_removed_once_an_hour_old(project: Path) -> None:
    """Jinja's bytecode cache writes each compiled part through a temporary of its own; a build killed while
    writing one leaves it, and the entry is never written again. The next build removes those an hour old
    (younger ones may be another build's write under way) and reports them; the cache's entries stay."""
    import time

    build(project, BuildOptions(preview=True, jobs=1))
    cache = project / "build" / ".cache" / "templates"
    entries = sorted(cache.iterdir())
    assert any(p.name.startswith("__jinja2_") and p.name.endswith(".cache") for p in entries)
    stale = cache / "__jinja2_0b5e9f0c4d2a7e1f8c3b6a9d0e2f4a6c8b1d3e5f.cachek9ya4l5p.tmp"  # as Jinja names it
    young = cache / "__jinja2_1c6f0a1d5e3b8f2a9d4c7b0e1f3a5b7d9c2e4f6a.cacheq1w2e3r4.tmp"
    for path in (stale, young):
        path.write_bytes(b"half-written bytecode")
    hours_ago = time.time() - 2 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    result = build(project, BuildOptions(preview=True, jobs=1))
    assert result.cleaned == [stale] and not stale.exists() and young.exists()
    assert all(p.exists() for p in entries)


def test_a_number_is_never_given_twice(project: Path) -> None:
    """A folder without a manifest (a draft being written by hand, or damaged) keeps its number."""
    incomplete = project / "build" / "drafts" / "007"
    incomplete.mkdir(parents=True)
    result = build(project, BuildOptions(jobs=1))
    assert (result.draft, result.previous) == (8, None)
    assert DraftStore(project).latest()[0] == 8
    assert DraftStore(project).next_number() == 9
    assert not any(incomplete.iterdir())


def test_the_lock_reports_the_other_build_and_is_free_again_afterwards(project: Path) -> None:
    store = DraftStore(project)
    (project / "build").mkdir()
    with filelock.FileLock(str(project / "build" / ".build.lock")):
        with pytest.raises(EnvironmentProblem) as refused:
            with store.locked(0.2):
                pytest.fail("the lock was given twice")
        assert "another build is running" in str(refused.value)
        assert "--wait" in (refused.value.hint or "")
    with store.locked(0.2):
        pass
    with store.locked(0.2):  # released by the first, again
        pass


def test_a_published_draft_is_never_overwritten_and_follows_the_umask(project: Path) -> None:
    first = build(project, BuildOptions(jobs=1))
    before = {p.name: p.read_bytes() for p in first.directory.iterdir() if p.is_file()}
    store = DraftStore(project)
    staging = store.new_staging()
    (staging / "AM.docx").write_bytes(b"another")
    assert staging.parent == project / "build" / "drafts" and staging.name.startswith(".staging-"), \
        "a staging folder lies beside the drafts (one file system: the rename is atomic) and is known as a leftover"
    with pytest.raises(EnvironmentProblem) as refused:
        store.publish(staging, 1)
    assert "never overwritten" in str(refused.value)
    assert {p.name: p.read_bytes() for p in first.directory.iterdir() if p.is_file()} == before
    mask = os.umask(0)
    os.umask(mask)
    assert first.directory.stat().st_mode & 0o777 == 0o777 & ~mask
    assert staging.stat().st_mode & 0o777 == 0o777 & ~mask
    published = store.publish(staging, 2)
    assert published == project / "build" / "drafts" / "002" and (published / "AM.docx").read_bytes() == b"another"
    assert not staging.exists()


def test_a_fresh_project_gets_its_folders_and_each_series_its_own(project: Path) -> None:
    staging = DraftStore(project).new_staging()
    assert staging.parent == project / "build" / "drafts"
    overview = DraftStore(project, "overview")
    assert overview.draft_dir(3) == project / "build" / "overview" / "003"
    assert overview.new_staging().parent == project / "build" / "overview"


def test_leftovers_of_a_preview_are_removed_when_there_is_no_draft_yet(project: Path) -> None:
    leftover = project / "build" / "preview" / ".tmp-AM.docx"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half-written")
    result = build(project, BuildOptions(preview=True, jobs=1))
    assert result.cleaned == [leftover] and not leftover.exists()


def test_publishing_flushes_a_tree_of_folders_and_keeps_every_file(project: Path) -> None:
    store = DraftStore(project)
    staging = store.new_staging()
    written = {f"ru/{code}.docx": code.encode() for code in ("AM", "MD")}
    written |= {f"provenance/{code}.json": b"{}" for code in ("AM", "MD")} | {"manifest.json": b"{}", "empty": b""}
    for name, data in written.items():
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        (staging / name).write_bytes(data)
    published = store.publish(staging, 1)
    assert {p.relative_to(published).as_posix(): p.read_bytes() for p in published.rglob("*") if p.is_file()} \
        == written


@pytest.mark.parametrize("unflushable", ["ru/AM.docx", "ru/figures"])
def test_a_draft_whose_file_or_folder_cannot_be_flushed_is_not_published(project: Path, unflushable: str) -> None:
    """Every file and folder of a draft, at any depth, is on disk before the draft appears: a flush that fails
    stops the publication. Here the one that fails is a link to a file or folder of /proc, which refuses
    fsync (as a failing disk would)."""
    store = DraftStore(project)
    staging = store.new_staging()
    (staging / "ru").mkdir()
    (staging / "manifest.json").write_bytes(b"{}")
    (staging / unflushable).symlink_to("/proc/self/status" if unflushable.endswith(".docx") else "/proc/self")
    with pytest.raises(OSError):
        store.publish(staging, 1)
    assert not store.draft_dir(1).exists() and staging.is_dir()


def test_a_staged_folder_that_fails_is_removed_and_an_os_error_names_the_folder(project: Path) -> None:
    # The one protocol of drafts and overviews: fill a staging folder, publish it by a rename; a failure
    # inside leaves nothing, and an OS error (a full disk) is an environment problem naming the number.
    store = DraftStore(project)
    with pytest.raises(EnvironmentProblem) as refused, store.staged(7, "draft") as staging:
        (staging / "AM.docx").write_bytes(b"part")
        raise OSError(28, "No space left on device")
    assert "draft 007" in refused.value.message
    with pytest.raises(KeyboardInterrupt), store.staged(7, "draft") as staging:
        raise KeyboardInterrupt
    assert not [p for p in store.folder.iterdir() if p.name.startswith(".staging-")]
    with store.staged(7, "draft") as staging:
        (staging / "AM.docx").write_bytes(b"whole")
        published = store.publish(staging, 7)
    assert (published / "AM.docx").read_bytes() == b"whole" and not staging.exists()
