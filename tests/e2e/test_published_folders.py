"""A published draft, reply or overview folder is never changed: every option naming a file or folder to
write (a report, a redline, a merged return, a register, a patch, an export) refuses one inside it, with
exit 2 and a message naming the folder, and nothing is written; a report, patch or export is not written
inside inputs/ either. ``diff --redline build/drafts/001`` wrote its redlines over the draft's own
documents, ``matrix --out`` over its manifest and ``consolidate --out`` over a circulated draft. The guard
is the library's: its writers refuse the same paths when a program calls them.

Runs in this process (``strategy_builder.cli.main``) on one copy of the built sample; about 2 s.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
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


def _library_calls(project: Path, into: Path) -> dict[str, Callable[[], object]]:
    """Every function of the public library that writes a file or folder its caller names, told to write it
    inside ``into``."""
    import strategy_builder as sb

    document, returned = str(project / DRAFT / "AM.docx"), project / "AM_001_MFA.docx"
    return {
        "diff_report(html=)": lambda: sb.diff_report(document, document, project, html=into / "AM.docx"),
        "diff_report(redlines=)": lambda: sb.diff_report(document, document, project, redlines=into),
        "consolidate": lambda: sb.consolidate([returned], into / "AM.docx", project_dir=project),
        "update_register": lambda: sb.update_register(into / "register.xlsx", []),
        "read_comments(register=)": lambda: sb.read_comments([returned], project, register=into / "register.xlsx"),
        "refresh_register": lambda: sb.refresh_register(project, register=into / "register.csv"),
        "propose_returns(patch=)": lambda: sb.propose_returns([returned], project, patch=into / "AM.patch"),
        "export_translations": lambda: sb.export_translations(project, "ru", into / "ru.xlsx"),
        "write_schemas": lambda: sb.write_schemas(into),
    }


def test_the_library_refuses_to_write_into_a_published_draft_too(project: Path) -> None:
    """The guard lived in the CLI's options: a program calling the library could overwrite a circulated draft
    (``consolidate(..., "build/drafts/001/AM.docx")``). Each writer refuses it itself (exit 2), unchanged."""
    from strategy_builder.errors import EnvironmentProblem

    before = _state(project / DRAFT)
    for name, call in _library_calls(project, project / DRAFT).items():
        with pytest.raises(EnvironmentProblem, match="a published folder that is never changed") as refused:
            call()
        assert str(project / DRAFT) in refused.value.message, name
    assert _state(project / DRAFT) == before


def test_the_library_writes_no_report_patch_or_export_into_inputs(project: Path) -> None:
    from strategy_builder.errors import EnvironmentProblem

    before = _state(project / "inputs")
    calls = _library_calls(project, project / "inputs" / "partners")
    for name in ("diff_report(html=)", "consolidate", "propose_returns(patch=)", "export_translations",
                 "write_schemas"):
        with pytest.raises(EnvironmentProblem, match="the team's input files"):
            calls[name]()
    assert _state(project / "inputs") == before
