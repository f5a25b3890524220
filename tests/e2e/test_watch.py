"""``build --preview --watch`` as a real process: it rebuilds the preview of the partner file saved, reports
problems instead of stopping, and Ctrl-C (SIGINT), also in the middle of a rebuild, leaves no partial file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import copy_sample

from strategy_builder.files import is_temporary_name

PARTNER = Path("inputs") / "partners" / "MD.yaml"


def _start(project: Path, *, ignoring_ctrl_c: bool = False) -> subprocess.Popen[str]:
    environment = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "STRATEGY_BUILDER_LAYOUT": "off"}
    environment.pop("STRATEGY_BUILDER_DEBUG", None)

    def ignore_ctrl_c() -> None:  # as nohup or a script's background job starts a command
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    return subprocess.Popen([sys.executable, "-m", "strategy_builder", "build", "--preview", "--watch", "--format",
                             "json", "--project", str(project)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=environment, preexec_fn=ignore_ctrl_c if ignoring_ctrl_c else None)


def _next_event(process: subprocess.Popen[str], timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.strip():
            return json.loads(line)
        if process.poll() is not None:
            break
    errors = process.stderr.read() if process.stderr else ""
    raise AssertionError(f"no event from the watcher (exit {process.poll()}): {errors}")


def _edit(project: Path, text: str) -> None:
    path = project / PARTNER
    path.write_text(path.read_text(encoding="utf-8").replace("situation: |\n", f"situation: |\n  {text}\n\n", 1),
                    encoding="utf-8")


def _assert_whole(preview: Path) -> None:
    assert not [p.name for p in preview.iterdir() if is_temporary_name(p.name)], "a temporary file was left"
    for document in preview.glob("*.docx"):
        with zipfile.ZipFile(document) as archive:  # a partial file is not a readable zip
            assert archive.testzip() is None and "word/document.xml" in archive.namelist()
    json.loads((preview / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture
def watched(tmp_path: Path):  # type: ignore[no-untyped-def]
    project = copy_sample(tmp_path / "project")
    process = _start(project)
    try:
        first = _next_event(process)
        assert first["changed"] == [] and len([p for p in first["build"]["partners"] if not p["language"]]) == 12
        yield project, process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)  # also closes the pipes


@pytest.mark.slow
def test_a_saved_partner_file_rebuilds_its_preview_and_problems_are_reported(watched) -> None:  # type: ignore[no-untyped-def]
    project, process = watched
    _edit(project, "A sentence added while watching.")
    event = _next_event(process)
    assert event["changed"] == [PARTNER.as_posix()]
    assert [p["code"] for p in event["build"]["partners"] if p["rendered"]] == ["MD"]
    with zipfile.ZipFile(project / "build" / "preview" / "MD.docx") as archive:
        assert b"A sentence added while watching." in archive.read("word/document.xml")
    # A broken file is reported, and the watcher goes on.
    (project / PARTNER).write_text("code: MD\nbogus: [\n", encoding="utf-8")
    assert "problems" in _next_event(process)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    _assert_whole(project / "build" / "preview")


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.1])
def test_ctrl_c_during_a_rebuild_leaves_no_partial_file(watched, delay: float) -> None:  # type: ignore[no-untyped-def]
    project, process = watched
    # strategy.yaml rebuilds every partner: a long rebuild to interrupt.
    strategy = project / "inputs" / "strategy.yaml"
    strategy.write_text(strategy.read_text(encoding="utf-8") + "\n# saved\n", encoding="utf-8")
    time.sleep(0.05 + delay)  # the watcher sees the save within 50 ms, then renders twelve documents
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    _assert_whole(project / "build" / "preview")


@pytest.mark.slow
def test_a_watcher_started_ignoring_ctrl_c_goes_on_ignoring_it_and_stops_on_sigterm(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "project")
    process = _start(project, ignoring_ctrl_c=True)
    try:
        _next_event(process)  # the first build
        process.send_signal(signal.SIGINT)
        _edit(project, "Saved after a Ctrl-C the watcher was started to ignore.")
        assert _next_event(process)["changed"] == [PARTNER.as_posix()]  # still watching
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)
    _assert_whole(project / "build" / "preview")
