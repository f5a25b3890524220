"""A published draft, reply or overview folder is never changed: every option naming a file or folder to
write (a report, a redline, a merged return, a register, a patch, an export) refuses one inside it, with
exit 2 and a message naming the folder, before anything is read or written; a report, patch or export is
not written inside inputs/ either. ``diff --redline
build/drafts/001`` wrote its redlines over the draft's own documents, ``matrix --out`` over its manifest and
``consolidate --out`` over a circulated draft.

Runs in this process (``strategy_builder.cli.main``) on one copy of the built sample; about 2 s.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import copy_built_sample
from fixtures.comments.ministry import Remark, annotate
from strategy_builder.cli import main

DRAFT = "build/drafts/001"


@pytest.fixture(scope="module")
def project(built_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("published")
    project = copy_built_sample(built_sample, root / "project")
    returned = project / "AM_001_MFA.docx"
    returned.write_bytes(annotate((project / DRAFT / "AM.docx").read_bytes(),
                                  [Remark("Remittances", "Source?", "Armen Petrosyan")]))
    return project


def _state(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


COMMANDS = {
    "diff --redline FOLDER": ["diff", f"{DRAFT}/AM.docx", f"{DRAFT}/AM.docx", "--redline", DRAFT],
    "diff --redline FILE": ["diff", f"{DRAFT}/AM.docx", f"{DRAFT}/AM.docx", "--redline", f"{DRAFT}/AZ.docx"],
    "diff --html": ["diff", f"{DRAFT}/AM.docx", f"{DRAFT}/AM.docx", "--html", f"{DRAFT}/AM.docx"],
    "matrix --out": ["matrix", "--out", f"{DRAFT}/manifest.json"],
    "consolidate --out": ["consolidate", "AM_001_MFA.docx", "--out", f"{DRAFT}/AM.docx"],
    "comments --register": ["comments", "AM_001_MFA.docx", "--register", f"{DRAFT}/register.xlsx"],
    "register refresh": ["register", "refresh", f"{DRAFT}/register.csv"],
    "propose --patch": ["propose", "AM_001_MFA.docx", "--patch", f"{DRAFT}/AM.patch"],
    "translate export --out": ["translate", "export", "--lang", "ru", "--out", f"{DRAFT}/ru/ru.xlsx"],
    "align --out": ["align", "1", "--lang", "ru", "--format", "html", "--out", f"{DRAFT}/align.html"],
    "schema --output": ["schema", "--output", DRAFT],
}


@pytest.mark.parametrize("args", COMMANDS.values(), ids=COMMANDS.keys())
def test_no_command_writes_into_a_published_draft(project: Path, args: list[str], monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(project)
    before = _state(project / DRAFT)
    with pytest.raises(SystemExit) as done:
        main(args)
    err = capsys.readouterr().err
    assert done.value.code == 2, err
    assert "a published folder that is never changed" in err and str(project / DRAFT) in err
    assert _state(project / DRAFT) == before


INPUT = "inputs/partners/AM.yaml"
INTO_INPUTS = {
    "propose --patch": ["propose", "AM_001_MFA.docx", "--patch", INPUT],
    "diff --html": ["diff", f"{DRAFT}/AM.docx", f"{DRAFT}/AM.docx", "--html", INPUT],
    "align --out": ["align", "1", "--lang", "ru", "--format", "html", "--out", INPUT],
    "matrix --out": ["matrix", "--out", "inputs/matrix.json"],
}


@pytest.mark.parametrize("args", INTO_INPUTS.values(), ids=INTO_INPUTS.keys())
def test_no_report_or_patch_replaces_an_input_file(project: Path, args: list[str], monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """``propose --patch inputs/partners/AM.yaml`` (the file the patch is about) emptied the partner's file,
    without a backup; a report named there replaced it. Nothing is written inside inputs/ but what the team's
    commands edit there (with backups)."""
    monkeypatch.chdir(project)
    before = _state(project / "inputs")
    with pytest.raises(SystemExit) as done:
        main(args)
    err = capsys.readouterr().err
    assert done.value.code == 2, err
    assert "the team's input files" in err and _state(project / "inputs") == before
