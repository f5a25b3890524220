"""Files that are not regular files (a FIFO, a folder, a link to a device) are refused before they are read:
nothing hangs, nothing reads without end, and a partner file of that kind stops check and build."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import run_cli


@pytest.mark.parametrize("kind", ["fifo", "folder", "device link"])
def test_a_partner_file_that_is_not_a_regular_file_stops_check_and_build(sample_project: Path, kind: str) -> None:
    partner = sample_project / "inputs" / "partners" / "AM.yaml"
    partner.unlink()
    if kind == "fifo":
        os.mkfifo(partner)
    elif kind == "folder":
        partner.mkdir()
    else:
        partner.symlink_to("/dev/zero")
    for command in ("check", "build") if kind == "fifo" else ("check",):  # build reads inputs as check does
        result = run_cli(command, "--project", str(sample_project), "--format", "json", timeout=60)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        [finding] = [f for f in json.loads(result.stdout)["findings"] if f["file"] == "inputs/partners/AM.yaml"]
        assert finding["code"] == "file.not-regular" and "not a regular file" in finding["message"]
    assert not (sample_project / "build" / "drafts").exists()


def test_sections_of_a_device_or_a_fifo_ends_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "returned.docx"
    os.mkfifo(fifo)
    for path in ("/dev/zero", str(fifo)):
        result = run_cli("sections", path, "--format", "json", timeout=30)
        assert result.returncode == 1, result.stderr
        error = json.loads(result.stdout)["error"]
        assert path in error["message"] and "not a regular file" in error["message"]
    result = run_cli("comments", str(fifo), "/dev/zero", "--project", str(tmp_path), "--format", "json", timeout=30)
    assert result.returncode == 1
    assert {f["file"] for f in json.loads(result.stdout)["failed"]} == {str(fifo), "/dev/zero"}
