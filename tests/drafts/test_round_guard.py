"""What the next draft is compared with (docs/build.md): when the latest draft's manifest cannot be read,
nothing is compared with it, and build and check say so instead of starting the changes table afresh
in silence."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_in_process

CODE = "draft.previous-unreadable"


def test_an_unreadable_manifest_of_the_latest_draft_is_said_by_check_and_build(built_project: Path) -> None:
    sample_project = built_project  # draft 001 of the sample
    manifest = sample_project / "build" / "drafts" / "001" / "manifest.json"
    manifest.write_text("{broken", encoding="utf-8")

    checked = run_in_process("check", "--format", "json", "--project", str(sample_project))
    assert checked.returncode == 0, checked.stderr
    (finding,) = [f for f in json.loads(checked.stdout)["findings"] if f["code"] == CODE]
    assert finding["severity"] == "warning" and finding["file"].endswith("001/manifest.json")

    strict = run_in_process("build", "--strict", "--format", "json", "--project", str(sample_project))
    assert strict.returncode == 1 and CODE in strict.stdout
    assert not (sample_project / "build" / "drafts" / "002").exists()

    built = run_in_process("build", "--format", "json", "--project", str(sample_project))
    assert built.returncode == 0, built.stderr
    assert CODE in built.stdout
    assert (sample_project / "build" / "drafts" / "002" / "manifest.json").is_file()
