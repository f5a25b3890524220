"""``propose``: reviewers' tracked changes (returns edited with python-docx) become YAML edits of exactly the values
they touch; what cannot be mapped needs a person; applying twice changes nothing; the next draft prints the
accepted text."""

from __future__ import annotations

import csv
import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_built_sample, run_in_process
from fixtures.returns.reviewer import Edit, accepted_paragraphs, review
from strategy_builder.drafts.builder import BuildOptions, build
from strategy_builder.review.proposal_writing import apply_proposals
from strategy_builder.review.proposals import propose
from strategy_builder.rounds.proposing import propose_returns

AM = "inputs/partners/AM.yaml"

# One return of the Ministry of Foreign Affairs with every kind of wording change, and a change in the template.
MFA_EDITS = [
    # a rationale paragraph (a literal block scalar spread over several lines)
    Edit("centred on security", "centred on national security", author="A. Petrosyan"),
    # a bullet of the needs list, in the same block scalar
    Edit("risk analysis capacity", "risk assessment capacity", author="A. Petrosyan"),
    # a sentence deleted
    Edit("The Government sees this as a precondition for any future dialogue on visa facilitation with the "
         "European Union.", "", author="A. Petrosyan"),
    # an action cell
    Edit("", " and its action plan", after="Expert workshop on the EU integrated border management concept "
                                            "and on drafting a national strategy", author="A. Petrosyan"),
    # a priority's title (the heading, not its copy in the contents)
    Edit("Security of travel and identity documents", "Security of travel, identity and civil documents",
         author="A. Petrosyan", style="Heading2"),
    # two paragraphs rendered from one block scalar (the situation)
    Edit("primarily a country of emigration", "above all a country of emigration", author="A. Petrosyan"),
    Edit("an important source of household income", "a vital source of household income",
         author="A. Petrosyan"),
    # text the template wrote: never applied
    Edit("Future joint cooperation", "Future cooperation", author="A. Petrosyan"),
]


@pytest.fixture(scope="module")
def drafted(built_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with draft 001 built (shared; tests copy it before changing anything)."""
    return copy_built_sample(built_sample, tmp_path_factory.mktemp("propose") / "project")


@pytest.fixture
def project(drafted: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(drafted, copy, symlinks=True)
    return copy


def _return(project: Path, name: str, edits: list[Edit]) -> Path:
    return review(project / "build/drafts/001/AM.docx", project / name, edits)


def test_wording_changes_become_edits_of_exactly_those_values(project: Path) -> None:
    returned = _return(project, "AM_001_MFA.docx", MFA_EDITS)
    before = (project / AM).read_bytes()
    result = propose([returned], project)
    paths = {".".join(map(str, p.path)) for p in result.proposals}
    assert paths == {"situation", "areas.illegal_migration.priorities.0.rationale",
                     "areas.illegal_migration.priorities.0.actions.0.text",
                     "areas.illegal_migration.priorities.1.title"}
    assert [n.reason for n in result.needs_person] == ["template-text"]
    assert result.needs_person[0].changes[0].text == "Future joint cooperation"
    assert all(p.status == "proposed" for p in result.proposals)
    for proposal in result.proposals:
        assert proposal.file == AM and proposal.line is not None
        assert all(c.author == "A. Petrosyan" and c.row_id.startswith("T-") for c in proposal.changes)
    rationale = next(p for p in result.proposals if p.path[-1] == "rationale")
    assert "centred on national security" in rationale.new and "risk assessment capacity" in rationale.new
    assert "precondition" not in rationale.new and len(rationale.row_ids) == 5
    assert (project / AM).read_bytes() == before  # nothing written without --apply

    applied = apply_proposals(result, project)
    assert applied.files == [AM] and applied.backup is not None
    assert (applied.backup / AM).read_bytes() == before
    after = (project / AM).read_bytes()
    _only_values_changed(before, after, {
        "Armenia is primarily", "Remittances are an important", "centred on security", "The\n",
        "Government sees", "Union.\n", "risk analysis capacity", "Expert workshop on the EU",
        "title: Security of travel"})

    # Applying the same return again changes nothing.
    again = propose([returned], project)
    assert {p.status for p in again.proposals} == {"already applied"} and not again.edited
    assert apply_proposals(again, project).files == []
    assert (project / AM).read_bytes() == after

    # The next draft prints the returned text with the changes accepted.
    build(project, BuildOptions(jobs=1))
    new_draft = set(accepted_paragraphs(project / "build/drafts/002/AM.docx"))
    accepted = accepted_paragraphs(returned)
    for anchor in ("centred on national security", "risk assessment capacity", "and its action plan",
                   "Security of travel, identity and civil documents", "above all a country",
                   "a vital source", "facilitation of legitimate travel."):
        expected = next(text for text in accepted if anchor in text)
        assert " ".join(expected.split()) in {" ".join(t.split()) for t in new_draft}, anchor


def _only_values_changed(before: bytes, after: bytes, edited: set[str]) -> None:
    """Every line that differs is a line of an edited value or a new ``responds_to`` line."""
    import difflib

    old, new = before.decode().splitlines(keepends=True), after.decode().splitlines(keepends=True)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        for line in old[i1:i2]:
            assert any(mark in line for mark in edited), f"changed line: {line!r}"
        for line in new[j1:j2]:
            assert "responds_to: [T-" in line or any(mark.split()[0] in line for mark in edited) or \
                line.strip().startswith(("Armenia", "Remittances", "management", "- risk", "Expert", "title:")), \
                f"new line: {line!r}"


def test_conflicting_returns_are_listed_and_the_same_edit_counts_once(project: Path) -> None:
    first = _return(project, "AM_001_MFA.docx", [Edit("risk analysis capacity", "risk assessment capacity",
                                                      author="A. Petrosyan"),
                                                 Edit("centred on security", "centred on border security",
                                                      author="A. Petrosyan")])
    second = _return(project, "AM_001_Ministry of Labour.docx", [
        Edit("risk analysis capacity", "risk management capacity", author="L. Hakobyan"),
        Edit("centred on security", "centred on border security", author="L. Hakobyan")])
    result = propose([first, second], project)
    conflicts = [n for n in result.needs_person if n.reason == "conflict"]
    assert len(conflicts) == 1
    assert {c.author for c in conflicts[0].changes} == {"A. Petrosyan", "L. Hakobyan"}
    assert any("risk assessment" in text for text in conflicts[0].alternatives)
    assert any("risk management" in text for text in conflicts[0].alternatives)
    (proposal,) = result.proposals
    # The edit both returns make is applied once, and cites both returns' rows.
    assert proposal.new.count("centred on border security") == 1 and "risk analysis capacity" in proposal.new
    assert {c.returned_file for c in proposal.changes} == {first.name, second.name}


def test_a_consolidated_return_keeps_each_author_and_author_selects(project: Path) -> None:
    consolidated = _return(project, "AM_001_consolidated.docx", [
        Edit("risk analysis capacity", "risk assessment capacity", author="A. Petrosyan"),
        Edit("Armenia is primarily", "Armenia is above all", author="L. Hakobyan")])
    result = propose([consolidated], project)
    authors = {".".join(map(str, p.path)): {c.author for c in p.changes} for p in result.proposals}
    assert authors == {"areas.illegal_migration.priorities.0.rationale": {"A. Petrosyan"},
                       "situation": {"L. Hakobyan"}}
    only = propose([consolidated], project, author="l. hakobyan")
    assert [".".join(map(str, p.path)) for p in only.proposals] == ["situation"] and not only.notes
    misspelt = propose([consolidated], project, author="L. Akobyan")  # nobody's: said, not "0 proposal(s)" alone
    assert not misspelt.proposals
    assert misspelt.notes == ["no tracked change is by 'L. Akobyan': the changes are by A. Petrosyan, L. Hakobyan"]


def test_a_value_edited_since_the_draft_needs_a_person(project: Path) -> None:
    returned = _return(project, "AM_001_MFA.docx", [Edit("risk analysis capacity", "risk assessment capacity")])
    text = (project / AM).read_text()
    (project / AM).write_text(text.replace("in particular Zvartnots airport", "in particular at Zvartnots"))
    result = propose([returned], project)
    assert not result.proposals and [n.reason for n in result.needs_person] == ["edited-since"]
    assert result.needs_person[0].file == AM and result.needs_person[0].line is not None


def test_a_value_whose_responds_to_cannot_be_written_is_not_written_either(project: Path) -> None:
    """An action written as a flow mapping (``- {text: ..., lead: [HU]}``) cannot take a ``responds_to`` list
    in place: the change needs a person (cannot-write) and nothing of it is written; its new text was written
    all the same, and shown in the patch, without the rows it answers."""
    text = (project / AM).read_text(encoding="utf-8")
    block = ("          - text: Expert workshop on the EU integrated border management concept and on drafting a "
             "national strategy\n            lead: [HU]\n            stakeholders: [EU Delegation, ICMPD]\n"
             "            timeline: {start: 2010-09, end: 2010-12}\n")
    assert block in text
    flow = ("          - {text: Expert workshop on the EU integrated border management concept and on drafting a "
            "national strategy, lead: [HU], stakeholders: [EU Delegation, ICMPD], timeline: {start: 2010-09, "
            "end: 2010-12}}\n")
    (project / AM).write_text(text.replace(block, flow), encoding="utf-8")
    returned = _return(project, "AM_001_MFA.docx", [MFA_EDITS[0], MFA_EDITS[3]])
    result = propose([returned], project)
    assert [".".join(map(str, p.path)) for p in result.proposals] == [
        "areas.illegal_migration.priorities.0.rationale"]
    (refused,) = result.needs_person
    assert refused.reason == "cannot-write" and refused.path == "areas.illegal_migration.priorities[0].actions[0].text"
    apply_proposals(result, project)
    after = (project / AM).read_text(encoding="utf-8")
    assert flow in after and "centred on national security" in after


def _dispose(register: Path, decisions: dict[str, str]) -> None:
    """The team's dispositions typed into a CSV register: {text of the changed words: disposition}."""
    with register.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    for row in rows:
        row["Disposition"] = decisions.get(row["Remark or changed text"], row["Disposition"])
    with register.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_a_change_the_register_rejects_or_partly_accepts_is_kept_out(project: Path) -> None:
    """The team's disposition wins over the reviewer's change: a row marked rejected (or partly accepted: the
    team writes its own wording) is never proposed nor applied, and a replacement (a deletion and the
    insertion after it, two rows) is kept out whole when either half is; the other changes still apply."""
    returned = _return(project, "AM_001_MFA.docx", MFA_EDITS[:2])
    register = project / "register.csv"
    made = run_in_process("comments", str(returned), "--project", str(project), "--register", str(register))
    assert made.returncode == 0
    _dispose(register, {"centred on national security": "Rejected"})  # the insertion half only
    strategy = project / "inputs/strategy.yaml"
    strategy.write_text(strategy.read_text(encoding="utf-8") + "review:\n  register: register.csv\n",
                        encoding="utf-8")

    outcome = propose_returns([returned], project, apply=True)
    assert outcome.proposals.register == "register.csv"
    assert sorted((k.disposition, k.change.kind, k.change.text) for k in outcome.proposals.kept_out) == [
        ("rejected", "deletion", "centred on security"), ("rejected", "insertion", "centred on national security")]
    written = (project / AM).read_text(encoding="utf-8")
    assert "risk assessment capacity" in written and "centred on security" in written
    assert "national security" not in written
    kept_rows = {k.change.row_id for k in outcome.proposals.kept_out}
    assert not kept_rows & set(outcome.proposals.proposals[0].row_ids)  # responds_to cites the applied rows only

    # Partly accepted: kept out too (the team writes the agreed wording); shown by the command.
    _dispose(register, {"risk analysis capacity": "partly accepted"})
    shown = run_in_process("propose", str(returned), "--project", str(project), "--format", "json")
    payload = json.loads(shown.stdout)
    assert payload["register"] == "register.csv" and not [p for p in payload["proposals"] if p["status"] == "proposed"]
    assert {(k["disposition"], k["text"]) for k in payload["kept_out"]} >= {
        ("partly accepted", "risk analysis capacity"), ("partly accepted", "risk assessment capacity")}
    text = run_in_process("propose", str(returned), "--project", str(project)).stdout
    assert "kept out (partly accepted in register.csv)" in text and "kept out by the register" in text

    # A register named on the command line that does not exist stops the command (nothing is proposed blind).
    missing = run_in_process("propose", str(returned), "--project", str(project), "--register",
                             str(project / "none.csv"))
    assert missing.returncode == 2 and "none.csv" in missing.stderr


def test_generated_numbers_need_a_person(project: Path) -> None:
    returned = _return(project, "AM_001_MFA.docx", [Edit("2.1.1", "2.1.2")])
    result = propose([returned], project)
    assert [n.reason for n in result.needs_person] == ["generated-number"] and not result.proposals


def test_the_command_prints_a_patch_json_and_applies(project: Path) -> None:
    returned = _return(project, "AM_001_MFA.docx", MFA_EDITS[:2])
    patch = project / "am.patch"
    shown = run_in_process("propose", str(returned), "--project", str(project), "--patch", str(patch), "--format",
                           "json")
    assert shown.returncode == 0, shown.stderr
    payload = json.loads(shown.stdout)
    assert payload["patch"] == patch.read_text() and "+          management model" not in payload["patch"]
    (proposal,) = payload["proposals"]
    assert proposal["file"] == AM and proposal["path"] == "areas.illegal_migration.priorities[0].rationale"
    assert {c["returned_file"] for c in proposal["changes"]} == {returned.name}
    assert proposal["changes"][0]["row_id"] in proposal["row_ids"]
    applied = run_in_process("propose", str(returned), str(project), "--apply")
    assert applied.returncode == 0, applied.stderr
    assert "written: inputs/partners/AM.yaml" in applied.stdout
    # check runs afterwards: no errors; the sample names no register, so the IDs could not be checked
    assert "0 error(s)" in applied.stdout and "responds_to.no-register" in applied.stdout
    assert "responds_to: [T-" in (project / AM).read_text()
    assert run_in_process("check", "--project", str(project)).returncode == 0


def test_an_apply_that_cannot_keep_its_backup_changes_nothing_and_leaves_no_half_written_file(
        project: Path) -> None:
    """A write that fails part-way (here a file size limit, EFBIG, as a full disk gives ENOSPC) leaves the
    inputs as they were and no backup folder in part: none at all, since nothing was applied."""
    returned = _return(project, "AM_001_MFA.docx", MFA_EDITS[:2])
    before = {p: p.read_bytes() for p in (project / "inputs").rglob("*.yaml")}
    limit = 12_000
    assert (project / AM).stat().st_size > limit
    environment = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    environment.pop("STRATEGY_BUILDER_DEBUG", None)
    done = subprocess.run([sys.executable, "-m", "strategy_builder", "propose", str(returned), "--apply",
                           "--project", str(project)], capture_output=True, text=True, timeout=120, env=environment,
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)))
    assert done.returncode == 2, done.stderr
    assert "AM.yaml" in done.stderr and ".tmp" not in done.stderr and "Traceback" not in done.stderr
    assert {p: p.read_bytes() for p in (project / "inputs").rglob("*.yaml")} == before
    backups = project / "build/.returns"
    assert not [p for p in backups.rglob("*") if p.is_file()] if backups.exists() else True


def test_a_file_merged_by_consolidate_proposes_what_its_returns_propose(project: Path) -> None:
    """A consolidated return (several ministries' changes in one file) gives the same proposals as the
    returns read one by one: each change keeps its author and ministry, none is counted twice, and a clash
    the merged file could not apply still needs a person."""
    labour = _return(project, "AM_001_Ministry of Labour.docx", [
        Edit("Armenia is primarily", "Armenia is above all", author="L. Hakobyan"),
        Edit("risk analysis capacity", "risk management capacity", author="L. Hakobyan")])
    mfa = _return(project, "AM_001_MFA.docx", [
        Edit("Armenia is primarily", "Armenia is above all", author="A. Petrosyan"),
        Edit("risk analysis capacity", "risk assessment capacity", author="A. Petrosyan")])
    merged = project / "AM_001_consolidated.docx"
    made = run_in_process("consolidate", str(labour), str(mfa), "--project", str(project), "--out", str(merged))
    assert made.returncode == 0, made.stdout + made.stderr
    separately = propose([labour, mfa], project)
    together = propose([merged], project)

    def summary(result):  # noqa: ANN001, ANN202
        return {(".".join(map(str, p.path)), p.new) for p in result.proposals}

    assert summary(together) == summary(separately) and len(together.proposals) == 1
    situation = together.proposals[0]
    assert situation.path == ("situation",) and situation.new.count("above all") == 1
    # Each change keeps its ministry and author, and cites the register row reading that return alone gives.
    def cited(items):  # noqa: ANN001, ANN202
        return {(c.author, c.ministry, c.kind, c.row_id) for item in items for c in item.changes}

    assert cited(together.proposals) == cited(separately.proposals)
    assert {(c.author, c.ministry) for c in situation.changes} == {("L. Hakobyan", "Ministry of Labour"),
                                                                   ("A. Petrosyan", "MFA")}
    (conflict,) = [n for n in together.needs_person if n.reason == "conflict"]
    assert {c.ministry for c in conflict.changes} == {"Ministry of Labour", "MFA"}
    assert cited([conflict]) == cited(n for n in separately.needs_person if n.reason == "conflict")


# Structural changes, written with python-docx's lxml tree as Word records them: never applied.
_MARK_IDS = iter(range(7000, 8000))


def _mark(tag: str) -> object:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    element.set(qn("w:id"), str(next(_MARK_IDS)))
    element.set(qn("w:author"), "R. Eviewer")
    element.set(qn("w:date"), "2026-11-20T10:00:00Z")
    return element


def _paragraph_with(document, text: str):  # noqa: ANN001, ANN202
    from docx.oxml.ns import qn

    return next(p for p in document.element.body.iter(qn("w:p"))
                if text in "".join(t.text or "" for t in p.iter(qn("w:t"))))


def _wrap_runs(paragraph, tag: str) -> None:  # noqa: ANN001
    from docx.oxml.ns import qn

    for run in list(paragraph.findall(qn("w:r"))):
        wrapper = _mark(tag)
        run.addprevious(wrapper)
        wrapper.append(run)
        if tag in ("w:del", "w:moveFrom"):
            for text in run.findall(qn("w:t")):
                text.tag = qn("w:delText")


def _mark_paragraph(paragraph, tag: str) -> None:  # noqa: ANN001
    from docx.oxml.ns import qn

    properties = paragraph.get_or_add_pPr()
    run_properties = properties.find(qn("w:rPr"))
    if run_properties is None:
        run_properties = properties.makeelement(qn("w:rPr"), {})
        properties.append(run_properties)
    run_properties.append(_mark(tag))


def _inserted_paragraph(document) -> None:  # noqa: ANN001
    import copy

    from docx.oxml.ns import qn

    paragraph = _paragraph_with(document, "centred on security")
    new = copy.deepcopy(paragraph)
    for mark in list(new.iter(qn("w:bookmarkStart"), qn("w:bookmarkEnd"))):
        mark.getparent().remove(mark)
    for run in new.findall(qn("w:r"))[1:]:
        new.remove(run)
    for text in new.iter(qn("w:t")):
        text.text = "A paragraph the reviewer added."
    _wrap_runs(new, "w:ins")
    _mark_paragraph(new, "w:ins")
    paragraph.addnext(new)


def _deleted_paragraph(document) -> None:  # noqa: ANN001
    paragraph = _paragraph_with(document, "centred on security")
    _wrap_runs(paragraph, "w:del")
    _mark_paragraph(paragraph, "w:del")


def _moved_text(document) -> None:  # noqa: ANN001
    import copy

    from docx.oxml.ns import qn

    source = _paragraph_with(document, "centred on security")
    run = source.findall(qn("w:r"))[-1]
    moved = copy.deepcopy(run)
    away = _mark("w:moveFrom")
    run.addprevious(away)
    away.append(run)
    for text in run.findall(qn("w:t")):
        text.tag = qn("w:delText")
    arrived = _mark("w:moveTo")
    arrived.append(moved)
    _paragraph_with(document, "Armenia is primarily").append(arrived)


def _inserted_row(document) -> None:  # noqa: ANN001
    import copy

    from docx.oxml.ns import qn

    row = next(tr for tr in document.element.body.iter(qn("w:tr"))
               if "Expert workshop on the EU" in "".join(t.text or "" for t in tr.iter(qn("w:t"))))
    new = copy.deepcopy(row)
    for element in list(new.iter(qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:r"))):
        element.getparent().remove(element)
    new.get_or_add_trPr().append(_mark("w:ins"))
    row.addnext(new)


def _deleted_row(document) -> None:  # noqa: ANN001
    from docx.oxml.ns import qn

    row = next(tr for tr in document.element.body.iter(qn("w:tr"))
               if "Expert workshop on the EU" in "".join(t.text or "" for t in tr.iter(qn("w:t"))))
    row.get_or_add_trPr().append(_mark("w:del"))
    for paragraph in row.iter(qn("w:p")):
        _wrap_runs(paragraph, "w:del")


def _emptied_value(document) -> None:  # noqa: ANN001
    _wrap_runs(_paragraph_with(document, "Expert workshop on the EU integrated border management"), "w:del")


@pytest.mark.parametrize(("change", "reason"), [
    (_inserted_paragraph, "paragraphs"), (_deleted_paragraph, "paragraphs"), (_moved_text, "moved"),
    (_inserted_row, "table-structure"), (_deleted_row, "table-structure"), (_emptied_value, "cannot-express")])
def test_structural_changes_need_a_person_and_are_never_applied(project: Path, change, reason: str) -> None:  # noqa: ANN001
    from docx import Document

    document = Document(str(project / "build/drafts/001/AM.docx"))
    change(document)
    returned = project / "AM_001_MFA.docx"
    document.save(str(returned))
    before = (project / AM).read_bytes()
    result = propose([returned], project)
    assert not result.proposals and not result.edited
    assert result.needs_person and {n.reason for n in result.needs_person} == {reason}
    assert all(c.returned_file == returned.name and c.author == "R. Eviewer"
               for n in result.needs_person for c in n.changes)
    assert apply_proposals(result, project).files == [] and (project / AM).read_bytes() == before


def test_a_language_version_return_needs_a_person(project: Path) -> None:
    """The Russian version prints translations: a wording change there is carried by the translation files, never
    proposed as an edit of the source's YAML."""
    from docx import Document

    russian = project / "build/drafts/001/ru/KZ.docx"
    paragraph = next(p.text for p in Document(str(russian)).paragraphs if "экспертной миссии" in p.text)
    word = next(w for w in paragraph.split() if len(w) > 8 and w.isalpha())
    returned = review(russian, project / "KZ_001_MFA.docx", [Edit(word, word.upper(), author="R. Eviewer")])
    result = propose([returned], project)
    assert not result.proposals and not result.edited
    assert [(n.reason, n.detail) for n in result.needs_person] == [("language-version", "ru")]


def test_a_disposition_no_spreadsheet_computed_is_said(project: Path) -> None:
    """A register written by a program whose Disposition is a formula nobody computed: its change is proposed
    (the row reads as open), and a note names the sheet and cell and says to open and save the register."""
    import openpyxl

    returned = _return(project, "AM_001_MFA.docx", MFA_EDITS[:1])
    register = project / "register.xlsx"
    assert run_in_process("comments", str(returned), "--project", str(project), "--register",
                          str(register)).returncode == 0
    workbook = openpyxl.load_workbook(register)
    workbook["Register"]["B2"] = '=IF(TRUE(),"rejected","open")'
    workbook.save(register)
    outcome = propose_returns([returned], project, register=register)
    assert [n for n in outcome.proposals.notes if "sheet 'Register', cell B2" in n and "Excel or LibreOffice" in n]
