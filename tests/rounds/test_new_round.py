"""``new-round``, and a new draft that cannot go out unnoticed under the previous round's dates.

The sample: draft 001 goes out in round 1. The team revises a priority and builds again without starting a
new round: ``check`` warns before (``--strict``: an error), ``build --strict`` refuses and writes nothing,
``build`` publishes draft 002 with the warning, naming ``new-round``. The team starts round 2 with
``new-round`` (a first try with impossible dates is refused and changes nothing); only the three values
change in strategy.yaml, the file before is kept; ``check`` and the next build are silent, and draft 003's
manifest and cover give round 2 and its dates. A strategy.yaml with a byte-order mark, Windows line ends,
quoted dates and comments keeps every byte but the three values.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import docx
import pytest

from conftest import copy_sample, run_in_process
from strategy_builder.drafts.builder import BuildOptions, build
from strategy_builder.drafts.round_guard import ROUND_UNCHANGED
from strategy_builder.errors import InputProblems


def _revise(project: Path, old: str, new: str) -> None:
    partner = project / "inputs" / "partners" / "AM.yaml"
    text = partner.read_text(encoding="utf-8")
    assert old in text
    partner.write_text(text.replace(old, new, 1), encoding="utf-8")


def _check(project: Path, *options: str) -> tuple[int, list[dict]]:
    result = run_in_process("check", "--project", str(project), "--format", "json", *options)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, [f for f in json.loads(result.stdout)["findings"] if f["code"] == ROUND_UNCHANGED]


def _new_round(project: Path, issued: str, deadline: str) -> tuple[int, dict]:
    result = run_in_process("new-round", "--issued", issued, "--deadline", deadline, "--project", str(project),
                            "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> dict:
    project = copy_sample(tmp_path_factory.mktemp("round-guard") / "project")  # checks without warnings
    seen: dict = {"project": project}
    seen["first"] = build(project, BuildOptions(jobs=1))
    seen["check first"] = _check(project)
    _revise(project, "title: Towards integrated border management\n",
            "title: Towards integrated border management (revised)\n")
    seen["check revised"] = _check(project)
    seen["check revised strict"] = _check(project, "--strict")
    with pytest.raises(InputProblems) as refused:
        build(project, BuildOptions(jobs=1, strict=True))
    seen["strict refusal"] = refused.value.findings
    seen["drafts after strict"] = sorted(p.name for p in (project / "build" / "drafts").iterdir())
    seen["second"] = build(project, BuildOptions(jobs=1))
    strategy = project / "inputs" / "strategy.yaml"
    seen["strategy before"] = strategy.read_bytes()
    seen["refused"] = _new_round(project, "2011-01-17", "2011-01-10")
    seen["strategy after refusal"] = strategy.read_bytes()
    seen["new round"] = _new_round(project, "2011-01-17", "2011-02-11")
    seen["strategy after"] = strategy.read_bytes()
    seen["status"] = json.loads(run_in_process("status", "--project", str(project), "--format", "json").stdout)
    seen["check new round"] = _check(project)
    _revise(project, "(revised)", "(revised again)")
    seen["check new round revised"] = _check(project)
    seen["third"] = build(project, BuildOptions(jobs=1))
    return seen


def test_the_first_draft_of_a_round_is_not_warned_about(rounds: dict) -> None:
    assert rounds["first"].draft == 1 and list(rounds["first"].warnings) == []
    assert rounds["check first"] == (0, [])


def test_check_warns_before_a_changed_draft_goes_out_under_the_last_rounds_dates(rounds: dict) -> None:
    code, found = rounds["check revised"]
    assert code == 0 and len(found) == 1
    warning = found[0]
    assert (warning["file"], warning["field"], warning["severity"]) == (
        "inputs/strategy.yaml", "consultation.round", "warning")
    strategy = (rounds["project"] / "inputs" / "strategy.yaml").read_text(encoding="utf-8").splitlines()
    assert strategy[warning["line"] - 1].strip().startswith("round:")
    assert "new-round" in warning["hint"] and "001" in warning["message"]
    strict_code, strict = rounds["check revised strict"]
    assert strict_code == 1 and [f["severity"] for f in strict] == ["error"]


def test_build_strict_refuses_and_writes_nothing(rounds: dict) -> None:
    assert [f.code for f in rounds["strict refusal"]] == [ROUND_UNCHANGED]
    assert rounds["drafts after strict"] == ["001"]


def test_build_publishes_the_draft_with_the_warning_naming_new_round(rounds: dict) -> None:
    second = rounds["second"]
    assert second.kind == "draft" and second.draft == 2
    warnings = [w for w in second.warnings if w.code == ROUND_UNCHANGED]
    assert len(warnings) == 1 and "new-round" in (warnings[0].hint or "")
    assert "draft 002" in warnings[0].message and "draft 001" in warnings[0].message


def test_new_round_changes_the_round_and_its_dates_and_nothing_else(rounds: dict) -> None:
    code, started = rounds["new round"]
    assert code == 0
    assert (started["round"], started["issued"], started["deadline"]) == (2, "2011-01-17", "2011-02-11")
    assert started["previous"] == {"round": 1, "issued": "2010-11-15", "deadline": "2010-12-17"}
    assert started["previous_drafts"] == [1, 2]
    before, after = rounds["strategy before"].splitlines(keepends=True), rounds["strategy after"].splitlines(
        keepends=True)
    assert len(before) == len(after)
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert changed == [(b"  round: 1\n", b"  round: 2\n"), (b"  issued: 2010-11-15\n", b"  issued: 2011-01-17\n"),
                       (b"  deadline: 2010-12-17\n", b"  deadline: 2011-02-11\n")]
    backup = rounds["project"] / started["backup"]
    assert started["backup"] == "inputs/.backups/strategy.round-1.yaml"
    assert backup.read_bytes() == rounds["strategy before"]
    status = rounds["status"]
    assert (status["round"], status["drafts"]) == (2, []) and any("round 2" in n for n in status["notes"])


def test_impossible_dates_are_refused_each_at_its_field_and_nothing_is_written(rounds: dict) -> None:
    code, refused = rounds["refused"]
    assert code == 1 and rounds["strategy after refusal"] == rounds["strategy before"]
    assert [(f["field"], f["code"]) for f in refused["findings"]] == [
        ("consultation.deadline", "round.deadline-before-issue")]


def test_a_new_round_clears_the_warning_and_the_draft_records_it(rounds: dict) -> None:
    assert rounds["check new round"] == (0, [])
    assert rounds["check new round revised"] == (0, [])
    third = rounds["third"]
    assert third.draft == 3 and [w for w in third.warnings if w.code == ROUND_UNCHANGED] == []
    manifest = json.loads((third.directory / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["consultation_round"], manifest["issued"], manifest["deadline"]) == (
        2, "2011-01-17", "2011-02-11")
    cover = "\n".join(p.text for p in docx.Document(str(third.directory / "AM.docx")).paragraphs[:40])
    assert "Consultation round 2" in cover and "17 January 2011" in cover and "11 February 2011" in cover
    with zipfile.ZipFile(third.directory / "AM.docx") as package:
        assert "Consultation round 1" not in package.read("word/document.xml").decode("utf-8").split(
            "Document control")[0]


def test_a_hand_formatted_strategy_keeps_every_byte_but_the_three_values(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "project")
    for partner in (project / "inputs" / "partners").glob("*.yaml"):
        if partner.stem != "AM":
            partner.unlink()
    strategy = project / "inputs" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    text = text.replace("  round: 1\n", "  round: 1        # the first round\n").replace(
        "issued: 2010-11-15", 'issued: "2010-11-15"').replace("deadline: 2010-12-17", "deadline: '2010-12-17'  # CET")
    written = ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")
    strategy.write_bytes(written)
    early = run_in_process("new-round", "--issued", "2010-10-01", "--deadline", "2010-12-01", "--project", str(project),
                           "--format", "json")
    assert early.returncode == 1  # no draft of round 1 yet; and not after round 1's issue date
    assert {f["code"] for f in json.loads(early.stdout)["findings"]} == {"round.not-circulated",
                                                                        "round.issued-not-later"}
    assert strategy.read_bytes() == written and not (project / "inputs" / ".backups").exists()
    assert build(project, BuildOptions(jobs=1)).draft == 1
    started = run_in_process("new-round", "--issued", "2011-01-17", "--deadline", "2011-02-11", "--project",
                             str(project))
    assert started.returncode == 0, started.stderr
    assert "Round 2 started" in started.stdout and "strategy.round-1.yaml" in started.stdout
    assert strategy.read_bytes() == written.replace(b"round: 1 ", b"round: 2 ").replace(
        b'"2010-11-15"', b'"2011-01-17"').replace(b"'2010-12-17'", b"'2011-02-11'")
    assert run_in_process("check", "--project", str(project), "--format", "json").returncode == 0
    for usage in (("--issued", "17.01.2011", "--deadline", "2011-02-11", "--project", str(project)),
                  ("--issued", "2011-03-01", "--deadline", "2011-04-01", "--project", str(tmp_path / "nowhere"))):
        assert run_in_process("new-round", *usage).returncode == 2
