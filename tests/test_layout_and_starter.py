"""Top-level modules on their own: the folder layout of a project and atomic writes (layout.py), and a new
project written by ``init`` (starter.py)."""

from __future__ import annotations

import datetime as dt
import json
import re
import os
import stat
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from strategy_builder.errors import EnvironmentProblem
from strategy_builder.inputs.loading import load_project
from strategy_builder.layout import (
    ProjectLayout, draft_dir_name, language_document, manifest_or_problem, read_manifest, require_project,
    write_atomic,
)
from strategy_builder.starter import init_project, partner_code, starter_strategy


def test_drafts_are_numbered_folders_with_a_manifest(tmp_path: Path) -> None:
    layout = ProjectLayout.of(tmp_path)
    assert layout.draft_numbers() == [] and layout.latest() is None
    for number, manifest in ((1, True), (2, True), (3, False)):
        folder = layout.draft_dir(number)
        folder.mkdir(parents=True)
        if manifest:
            (folder / "manifest.json").write_text("{broken", encoding="utf-8")
    (layout.drafts_dir / "notes").mkdir()
    assert layout.draft_dir(3).name == draft_dir_name(3) == "003"
    assert layout.draft_numbers() == [1, 2] and layout.taken_draft_numbers() == [1, 2, 3]
    assert layout.latest() == (2, None)  # an unreadable manifest is no manifest
    assert read_manifest(layout.draft_dir(1)) is None and read_manifest(tmp_path / "absent") is None
    problem = manifest_or_problem(layout.draft_dir(1))  # there but damaged: why, not "none"
    assert isinstance(problem, str) and problem and manifest_or_problem(layout.draft_dir(3)) is None
    assert layout.folder_of_label("003") == layout.drafts_dir / "003"
    assert layout.folder_of_label("PREVIEW") == layout.preview_dir
    assert layout.folder_of_label("002", "overview") == tmp_path.resolve() / "build/overview/002"
    assert language_document("AM") == "AM.docx" and language_document("AM", "ru", ".pdf") == "ru/AM.pdf"
    assert layout.partner_file("AM") == layout.partners_dir / "AM.yaml"
    assert layout.display_name(layout.partner_file("AM")) == "inputs/partners/AM.yaml"
    assert layout.display_name(Path("/elsewhere/x.yaml")) == "/elsewhere/x.yaml"


def test_a_manifest_read_again_is_what_its_file_holds_now(built_sample: Path, tmp_path: Path) -> None:
    """A process remembers the manifest it read from a folder with the bytes it read: the same bytes give it
    again without parsing them (a build reads the latest draft's twice, a watcher every draft's at every save), and any
    other bytes are read, even written in place with the same size and modification time."""
    folder = tmp_path / "001"
    folder.mkdir()
    original = (built_sample / "build" / "drafts" / "001" / "manifest.json").read_bytes()
    path = folder / "manifest.json"
    path.write_bytes(original)
    first = read_manifest(folder)
    assert first is not None and read_manifest(folder) is first  # the same bytes: not parsed again
    with pytest.raises(ValidationError):  # shared by every reader: none may change it for the others
        first.consultation_round = 2  # type: ignore[misc]
    status = path.stat()
    changed = original.replace(b'"consultation_round": 1', b'"consultation_round": 7', 1)
    assert len(changed) == len(original) and changed != original
    with open(path, "r+b") as stream:  # in place: the same file, the same size
        stream.write(changed)
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))  # and the same modification time
    again = read_manifest(folder)
    assert again is not None and again.consultation_round == 7 and first.consultation_round == 1
    path.write_bytes(b"{broken")
    assert read_manifest(folder) is None and isinstance(manifest_or_problem(folder), str)


def test_a_folder_without_inputs_is_not_a_project(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentProblem, match="does not exist"):
        require_project(tmp_path / "absent")
    with pytest.raises(EnvironmentProblem, match="has no inputs/ folder") as refused:
        require_project(tmp_path)
    assert "strategy-builder init" in (refused.value.hint or "")
    (tmp_path / "inputs").mkdir()
    require_project(tmp_path)


def test_an_atomic_write_replaces_the_whole_file_and_follows_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "file.json"
    write_atomic(target, b"old")
    write_atomic(target, b"new", durable=False)
    assert target.read_bytes() == b"new" and [p.name for p in target.parent.iterdir()] == ["file.json"]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(OSError):
        write_atomic(tmp_path / "folder.json", b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deep", "folder.json"]  # no temporary file left


def test_an_output_open_in_an_office_program_is_refused_untouched(tmp_path: Path) -> None:
    """A consolidated return, a redline, a matrix or an export open in Word, Excel or LibreOffice (their lock
    file beside it) is not replaced: the program would overwrite it on its next save, or the replacement what
    is not saved there yet."""
    from strategy_builder.layout import refuse_output, write_output

    out = tmp_path / "AM_003_consolidated.docx"
    out.write_bytes(b"what Word shows")
    (tmp_path / "~$_003_consolidated.docx").write_bytes(b"\x04Lena" + b" " * 50)  # Word's owner file
    with pytest.raises(EnvironmentProblem, match="open in Microsoft Office by Lena") as refused:
        write_output(out, b"merged again", "the consolidated return")
    assert refused.value.exit_code == 2 and "nothing was written" in refused.value.message
    assert out.read_bytes() == b"what Word shows"
    refuse_output(tmp_path / "another.docx", "the consolidated return")  # another file: written as usual


def test_partner_codes_are_iso_codes() -> None:
    assert partner_code(" am ") == ("AM", "Armenia")
    for wrong in ("ARM", "XX", "1"):
        with pytest.raises(EnvironmentProblem, match="not an ISO 3166-1 alpha-2"):
            partner_code(wrong)


def test_the_starter_strategy_declares_its_partners_and_dates_from_today() -> None:
    text = starter_strategy([("AM", "Armenia"), ("GE", "Georgia")], dt.date(2026, 12, 2))
    data = yaml.safe_load(text)
    assert data["states"] == [{"code": "AM", "name": "Armenia", "role": "partner"},
                              {"code": "GE", "name": "Georgia", "role": "partner"}]
    assert data["series"]["period"] == {"start": "2026-12", "end": "2027-H2"}
    assert data["consultation"]["round"] == 1 and str(data["consultation"]["deadline"]) == "2026-12-30"
    assert yaml.safe_load(starter_strategy([], dt.date(2026, 12, 2)))["states"] == []


def test_init_writes_a_project_that_loads_and_never_overwrites(tmp_path: Path) -> None:
    started = init_project(tmp_path / "new", ["am"], today=dt.date(2026, 12, 2))
    assert started.partners == ["AM"] and "inputs/partners/AM.yaml" in started.written
    loaded = load_project(tmp_path / "new")
    assert loaded.project is not None and [p.code for p in loaded.project.partners] == ["AM"]
    assert not loaded.findings.has_errors()
    schema = json.loads((tmp_path / "new/schemas/partner.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"].startswith("http://json-schema.org/draft-07")
    strategy = tmp_path / "new/inputs/strategy.yaml"
    strategy.write_text(strategy.read_text(encoding="utf-8") + "# the team's note\n", encoding="utf-8")
    with pytest.raises(EnvironmentProblem, match="exist already") as refused:
        init_project(tmp_path / "new", ["AM"])
    assert "--force" in (refused.value.hint or "")
    assert strategy.read_text(encoding="utf-8").endswith("# the team's note\n")
    with pytest.raises(EnvironmentProblem, match="either --sample or --partner"):
        init_project(tmp_path / "other", ["AM"], sample=True)


def test_init_force_keeps_a_copy_of_each_file_it_replaces(tmp_path: Path) -> None:
    init_project(tmp_path / "new", ["AM"], today=dt.date(2026, 12, 2))
    strategy, ignored = tmp_path / "new/inputs/strategy.yaml", tmp_path / "new/.gitignore"
    typed = strategy.read_bytes() + b"# the team's note\n"
    strategy.write_bytes(typed)
    ignored.write_bytes(ignored.read_bytes() + b"*.pdf\n")
    started = init_project(tmp_path / "new", [], sample=True, force=True)
    # strategy.yaml and AM.yaml (the sample's differ) and .gitignore; not the schemas or template, unchanged
    assert [re.sub(r"\.\d{8}-\d{6}(-\d+)?", "", name) for name in started.kept] == [
        "inputs/.backups/strategy.yaml", "inputs/partners/.backups/AM.yaml", ".backups/.gitignore"]
    assert (tmp_path / "new" / started.kept[0]).read_bytes() == typed
    assert (tmp_path / "new" / started.kept[2]).read_bytes().endswith(b"*.pdf\n")


@pytest.mark.parametrize("partners", [["AM"], ["AM", "GE", "MD"]])
def test_a_new_project_checks_without_a_single_finding(tmp_path: Path, partners: list[str]) -> None:
    """A team's first `check` after `init` is clean: the starter files raise no warning of their own (such
    as an abbreviation of the series' subtitle without its full name)."""
    from strategy_builder.drafts.checking import check_project

    init_project(tmp_path / "new", partners, today=dt.date(2026, 12, 2))
    assert [(f.code, f.message) for f in check_project(tmp_path / "new").findings] == []


def test_every_backup_has_a_name_of_its_own_and_the_newest_are_kept(tmp_path: Path) -> None:
    """keep_previous, the one home of backups: NAME.STAMP[-N].SUFFIX in the folder beside the file, never one
    replacing another, the newest ``kept`` of that file kept, other files' backups untouched."""
    from strategy_builder.layout import BACKUPS_DIR, keep_previous

    path = tmp_path / "KZ.yaml"
    (tmp_path / BACKUPS_DIR).mkdir()
    other = tmp_path / BACKUPS_DIR / "UZ.20260101-000000.yaml"
    other.write_text("another file's")
    assert keep_previous(path) is None  # nothing to keep
    made = []
    for number in range(4):
        path.write_text(f"version {number}")
        made.append(keep_previous(path, kept=3))
    assert keep_previous(path, unless=b"version 3") is None  # replacing it would lose nothing
    assert all(re.fullmatch(r"KZ\.\d{8}-\d{6}(-\d+)?\.yaml", p.name) for p in made if p is not None)
    assert sorted((tmp_path / BACKUPS_DIR).iterdir()) == sorted([other, *made[1:]])
    assert [p.read_text() for p in made[1:] if p is not None] == ["version 1", "version 2", "version 3"]
    kept = keep_previous(path, data=b"as read before", folder=".register-backups")
    assert kept is not None and kept.parent.name == ".register-backups" and kept.read_bytes() == b"as read before"
