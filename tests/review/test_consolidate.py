"""``consolidate``: three ministries' returns of Armenia's draft 001 merged into one file.

The returns are made by others' software, never by strategy-builder's writer: the Ministry of Labour's in
LibreOffice (edits recorded as tracked changes by a Basic macro), the Ministry of the Interior's and the
Ministry of Foreign Affairs' with python-docx. Labour and Interior rewrite the same words of paragraph 1.1.

Invariants: rejecting every change of the merged file gives the circulated draft (our emulation and
LibreOffice agree); accepting one ministry's changes gives that ministry's return except where it lost a
clash; the tracked sections are the draft's; every comment and change comes back with its author, date
and ministry, as the same register rows as the returns themselves.
"""

from __future__ import annotations

import copy
import json
import zipfile
from collections import Counter
from pathlib import Path

import docx
import pytest

from conftest import copy_sample, run_in_process
from fixtures.comments.ministry import Delete, Insert, Remark, annotate
from judges.libreoffice import Job
from strategy_builder.drafts.builder import BuildOptions, build
from strategy_builder.errors import InputProblems
from strategy_builder.ooxml.accept import accept_all, reject_all
from strategy_builder.ooxml.annotations import read_annotations
from strategy_builder.ooxml.blocks import paragraph_texts
from strategy_builder.ooxml.body import read_body
from strategy_builder.ooxml.edits import read_reviewed_body
from strategy_builder.ooxml.namespaces import AUTHOR
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.stamps import read_stamps
from strategy_builder.review.consolidate import consolidate
from strategy_builder.review.register import rows_from_returns
from strategy_builder.review.returns import read_return

LABOUR, INTERIOR, FOREIGN = "Ministry of Labour", "Ministry of the Interior", "Ministry of Foreign Affairs"
CLASHING = "1.1\tArmenia is"
"""The paragraph Labour and Interior both rewrite."""


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory, libreoffice_judge) -> dict[str, object]:  # noqa: ANN001
    root = tmp_path_factory.mktemp("consolidate")
    project = copy_sample(root / "project")
    for partner in (project / "inputs" / "partners").glob("*.yaml"):
        if partner.stem not in ("AM", "AZ"):
            partner.unlink()
    build(project, BuildOptions(jobs=1))
    draft = project / "build" / "drafts" / "001" / "AM.docx"
    returns = root / "returns"
    returns.mkdir()
    labour = returns / f"AM_001_{LABOUR}.docx"
    libreoffice_judge.run([Job(draft, Job.edits(
        "Anna Petrosyan",
        ("REPLACE", "primarily a country of emigration", "mainly a country of emigration"),
        ("COMMENT", "Remittances are an important source", "Figures need a source.", "AP"),
        ("PARAGRAPH", "Armenia intends to move from a border control model",
         "The Border Guard proposes a joint risk analysis unit.")), save_as=labour)])
    interior = returns / f"AM_001_{INTERIOR}.docx"
    interior.write_bytes(annotate(draft.read_bytes(), [
        Insert("primarily a country", "largely a country", "Armen Grigoryan", "2024-03-06T08:00:00Z"),
        Delete("primarily a country", "Armen Grigoryan", "2024-03-06T08:00:00Z"),
        Delete("significant part of the ", "Armen Grigoryan", "2024-03-06T08:00:00Z"),
        Remark("Resident population", "Use the 2011 census.", "Armen Grigoryan", "2024-03-06T08:00:00Z", "AG",
               resolved=True),
        Remark("Resident population", "The census is not published yet.", "Lusine Avetisyan",
               "2024-03-07T09:00:00Z", reply_to="Use the 2011 census.", resolved=True)]))
    foreign = returns / f"AM_001_{FOREIGN}.docx"
    foreign.write_bytes(annotate(draft.read_bytes(), [
        Insert("Remittances are an important source", " (about a fifth of GDP in 2008)", "Davit Hovhannisyan",
               "2024-03-08T14:30:00Z"),
        Delete(" and diaspora engagement", "Davit Hovhannisyan", "2024-03-08T14:30:00Z"),
        Remark("Towards integrated border management", "Please involve the MFA in the twinning.",
               "Davit Hovhannisyan", "2024-03-08T14:30:00Z", "DH")]))
    output = root / "AM_001_consolidated.docx"
    run = run_in_process("consolidate", str(labour), str(interior), str(foreign), "--out", str(output),
                         "--project", str(project), "--format", "json")
    assert run.returncode == 0, run.stdout + run.stderr
    judged = libreoffice_judge.run([Job(output), Job(output, ["REJECT"]), Job(draft)])
    return {"project": project, "draft": draft, "output": output, "report": json.loads(run.stdout),
            "returns": {LABOUR: labour, INTERIOR: interior, FOREIGN: foreign}, "judged": judged}


def _texts(path: Path, change=None) -> list[str]:  # noqa: ANN001
    package = DocxPackage.open(path)
    root = copy.deepcopy(package.xml(package.main_part_name()))
    if change is not None:
        change(root)
    return [text.strip() for text in paragraph_texts(root) if text.strip()]


def test_rejecting_every_change_gives_the_circulated_draft(merged: dict) -> None:
    assert _texts(merged["output"], reject_all) == _texts(merged["draft"])
    opened, rejected, draft = merged["judged"]
    assert rejected.errors == [] and rejected.lines() == draft.lines()  # LibreOffice agrees


@pytest.mark.parametrize("ministry", [LABOUR, INTERIOR, FOREIGN])
def test_accepting_one_ministry_gives_its_return(merged: dict, ministry: str) -> None:
    def only_theirs(root) -> None:  # noqa: ANN001
        reject_all(root, where=lambda element: not element.get(AUTHOR, "").endswith(f"({ministry})"))
        accept_all(root)

    path = merged["returns"][ministry]
    framed = read_reviewed_body(DocxPackage.open(path)).framed  # LibreOffice moves the cover's frames
    actual = [t for t in _texts(merged["output"], only_theirs) if " ".join(t.split()) not in framed]
    expected = _texts(path, accept_all)
    lost = ministry == INTERIOR  # Labour's file came first: its wording of 1.1 is kept
    if lost:
        assert [t for t in actual if t.startswith(CLASHING)] != [t for t in expected if t.startswith(CLASHING)]
        actual = [t for t in actual if not t.startswith(CLASHING)]
        expected = [t for t in expected if not t.startswith(CLASHING)]
    assert actual == expected


def test_every_item_keeps_its_author_date_and_ministry_as_the_same_register_rows(merged: dict) -> None:
    project = merged["project"]
    singles = [row for path in merged["returns"].values() for row in rows_from_returns([read_return(path, project)])]
    consolidated = rows_from_returns([read_return(merged["output"], project)])

    def facts(rows) -> dict[str, tuple]:  # noqa: ANN001
        return {r.id: (r.ministry, r.kind, r.author, r.date, r.section, r.remark, r.reply_to) for r in rows}

    assert len(singles) == len(consolidated) == len(facts(singles))
    assert facts(consolidated) == facts(singles)
    assert Counter(r.ministry for r in consolidated) == Counter(r.ministry for r in singles)


def test_importing_returns_and_the_consolidated_file_counts_nothing_twice(merged: dict, tmp_path: Path) -> None:
    register = tmp_path / "register.json"
    project = merged["project"]
    first = run_in_process("comments", *map(str, merged["returns"].values()), "--project", str(project),
                           "--register", str(register), "--format", "json")
    assert first.returncode == 0, first.stderr
    second = run_in_process("comments", str(merged["output"]), "--project", str(project), "--register", str(register),
                            "--format", "json")
    assert second.returncode == 0, second.stderr
    info = json.loads(second.stdout)["register"]
    assert info["added"] == 0 and info["rows"] == json.loads(first.stdout)["register"]["rows"]


def test_replies_and_resolved_threads_survive(merged: dict) -> None:
    comments = read_annotations(DocxPackage.open(merged["output"])).comments
    by_text = {c.text: c for c in comments}
    reply = by_text["The census is not published yet."]
    parent = by_text["Use the 2011 census."]
    assert reply.parent_id == parent.comment_id and parent.resolved is True
    assert parent.author == f"Armen Grigoryan ({INTERIOR})" and parent.date == "2024-03-06T08:00:00Z"
    assert by_text["Figures need a source."].author == f"Anna Petrosyan ({LABOUR})"


def test_the_clash_is_kept_as_the_first_ministrys_change_with_a_comment_naming_the_other(merged: dict) -> None:
    conflicts = merged["report"]["conflicts"]
    assert len(conflicts) == 1
    clash = conflicts[0]
    assert clash["section"] == "AM/situation" and clash["kept"]["ministry"] == LABOUR
    assert "mainly a country" in clash["kept"]["wording"]
    assert [(o["ministry"], "largely a country" in o["wording"]) for o in clash["others"]] == [(INTERIOR, True)]
    notes = [c for c in read_annotations(DocxPackage.open(merged["output"])).comments
             if c.author == "strategy-builder"]
    assert len(notes) == 1 and INTERIOR in notes[0].text and "largely a country" in notes[0].text
    assert "mainly a country of emigration" in notes[0].quoted  # anchored on the kept change


def test_the_tracked_sections_survive(merged: dict) -> None:
    draft, output = DocxPackage.open(merged["draft"]), DocxPackage.open(merged["output"])
    assert read_stamps(output).sections == read_stamps(draft).sections
    assert read_stamps(output).stamps.partner == "AM" and read_stamps(output).stamps.draft == "001"
    ids = [s.section_id for s in read_body(output).tracked_sections]
    assert ids == [s.section_id for s in read_body(draft).tracked_sections] and len(ids) > 10


def test_libreoffice_opens_it_with_every_comment_and_change(merged: dict) -> None:
    opened = merged["judged"][0]
    assert opened.errors == []
    assert len(opened.comments) == 5  # 4 of the ministries (one a reply) and the note on the clash
    authors = {author for _, author in opened.redlines}
    assert {f"Anna Petrosyan ({LABOUR})", f"Armen Grigoryan ({INTERIOR})",
            f"Davit Hovhannisyan ({FOREIGN})"} <= authors


def test_consolidating_twice_gives_the_same_bytes(merged: dict, tmp_path: Path) -> None:
    again = tmp_path / "again.docx"
    consolidate(list(merged["returns"].values()), again, project_dir=merged["project"])
    assert again.read_bytes() == merged["output"].read_bytes()


def _restamped(source: Path, target: Path, old: bytes, new: bytes) -> Path:
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w") as out:
        for info in archive.infolist():
            data = archive.read(info)
            out.writestr(info, data.replace(old, new) if info.filename == "docProps/custom.xml" else data)
    return target


def test_returns_of_other_drafts_partners_or_unknown_files_are_refused(merged: dict, tmp_path: Path) -> None:
    project = merged["project"]
    labour, interior = merged["returns"][LABOUR], merged["returns"][INTERIOR]
    other_draft = _restamped(interior, tmp_path / "AM_002_Ministry of Justice.docx", b">001<", b">002<")
    other_partner = project / "build" / "drafts" / "001" / "AZ.docx"
    unknown = tmp_path / "memo.docx"
    docx.Document().save(str(unknown))
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    output = tmp_path / "out.docx"
    result = run_in_process("consolidate", str(labour), str(other_draft), str(other_partner), str(unknown), "--out",
                            str(output), "--project", str(project), "--format", "json")
    assert result.returncode == 1 and not output.exists()
    codes = {(Path(f["file"]).name, f["code"]) for f in json.loads(result.stdout)["findings"]}
    assert codes == {(other_draft.name, "consolidate.other-draft"), ("AZ.docx", "consolidate.other-partner"),
                     ("memo.docx", "consolidate.not-a-draft")}
    with pytest.raises(InputProblems) as unreadable:
        consolidate([labour, broken], output, project_dir=project)
    assert [(f.location.file, f.code) for f in unreadable.value.findings] == [(str(broken), "consolidate.unreadable")]
    twice = run_in_process("consolidate", str(labour), str(interior), "--ministry", f"{interior.name}={LABOUR}",
                           "--out", str(output), "--project", str(project))
    assert twice.returncode == 1 and "consolidate.same-ministry" in twice.stderr and not output.exists()
    control = run_in_process("consolidate", str(labour), "--ministry", f"{labour.name}=Labour\x02", "--out",
                             str(output), "--project", str(project))
    assert control.returncode == 2 and "control character" in control.stderr and not output.exists()
    odd_name = tmp_path / "AM_001_Labour\x01.docx"  # a control character in a file name becomes U+FFFD
    odd_name.write_bytes(labour.read_bytes())
    assert consolidate([odd_name], output, project_dir=project).returns[0].ministry == "Labour\ufffd"
    output.unlink()
    not_word = run_in_process("consolidate", str(labour), "--out", str(tmp_path / "out.txt"), "--project", str(project))
    assert not_word.returncode == 2 and "ending in .docx" in not_word.stderr and not (tmp_path / "out.txt").exists()


def test_the_ministry_comes_from_the_option_the_file_name_or_the_author(merged: dict, tmp_path: Path) -> None:
    project = merged["project"]
    unnamed = tmp_path / "AM_001.docx"  # nothing in the name but the partner and the draft
    unnamed.write_bytes(merged["returns"][INTERIOR].read_bytes())
    result = consolidate([merged["returns"][LABOUR], unnamed], tmp_path / "a.docx", project_dir=project)
    assert [r.ministry for r in result.returns] == [LABOUR, "Armen Grigoryan"]
    named = consolidate([merged["returns"][LABOUR], unnamed], tmp_path / "b.docx", project_dir=project,
                        ministries={"AM_001.docx": "Ministry of Justice"})
    assert [r.ministry for r in named.returns] == [LABOUR, "Ministry of Justice"]
    with pytest.raises(InputProblems) as slip:  # a FILE that is none of the returns: said, never ignored
        consolidate([merged["returns"][LABOUR], unnamed], tmp_path / "c.docx", project_dir=project,
                    ministries={"AM-001.docx": "Ministry of Justice"})
    [finding] = slip.value.findings
    assert finding.code == "consolidate.ministry-file" and "AM_001.docx" in (finding.hint or "")
    assert not (tmp_path / "c.docx").exists()


def test_returns_of_a_language_version_merge_onto_that_version(tmp_path: Path) -> None:
    """Two ministries return the Russian version of Kazakhstan's draft: its base is ru/KZ.docx, rejecting
    every change gives it back, and an English return of the same draft is refused."""
    project = copy_sample(tmp_path / "project")
    for partner in (project / "inputs" / "partners").glob("*.yaml"):
        if partner.stem != "KZ":
            partner.unlink()
    build(project, BuildOptions(jobs=1))
    folder = project / "build" / "drafts" / "001"
    russian = folder / "ru" / "KZ.docx"
    words = next(run.text for paragraph in docx.Document(str(russian)).paragraphs for run in paragraph.runs
                 if len(run.text.split(" ")) > 12 and "\t" not in run.text
                 and not (paragraph.style.name or "").startswith("Cover")).split(" ")
    first, second = " ".join(words[2:4]), " ".join(words[6:8])
    returns = []
    for name, anchor, author in (("Министерство труда", first, "Айгуль Серикова"),
                                 ("Министерство иностранных дел", second, "Ержан Ахметов")):
        path = tmp_path / f"KZ_001_{name}.docx"
        path.write_bytes(annotate(russian.read_bytes(), [
            Remark(anchor, "Уточнить формулировку.", author, "2010-12-01T10:00:00Z"),
            Delete(anchor, author, "2010-12-01T10:00:00Z")]))
        returns.append(path)
    output = tmp_path / "KZ_ru.docx"
    result = consolidate(returns, output, project_dir=project)
    assert result.base == "build/drafts/001/ru/KZ.docx" and not result.clashes and not result.differences
    assert _texts(output, reject_all) == _texts(russian)
    english = tmp_path / "KZ_001_Ministry of Justice.docx"
    english.write_bytes((folder / "KZ.docx").read_bytes())
    with pytest.raises(InputProblems) as mixed:
        consolidate([returns[0], english], tmp_path / "mixed.docx", project_dir=project)
    assert [f.code for f in mixed.value.findings] == ["consolidate.other-language"]
