"""The partnership matrix (regional/matrix.py): what a change of the partner files changes in it, exactly, and the
``matrix`` command. Its counts are compared with an independent count of the partner files
(tests/fixtures/matrix.py); the views are tested in tests/regional/views/.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl

from conftest import copy_sample, run_in_process
from fixtures.matrix import AREAS, expected, matrix_of
from strategy_builder.regional.matrix import RegionalMatrix


# ------------------------------------------------------------------------------- what changes what


def _differences(before: RegionalMatrix, after: RegionalMatrix) -> dict[str, set]:
    def index(matrix: RegionalMatrix) -> dict[str, dict]:
        return {
            "cells": {(c.partner, c.area): (c.counts, c.actions, c.leads, c.gap) for c in matrix.cells},
            "leads": {(c.lead, c.partner, c.area): len(c.actions) for c in matrix.leads},
            "timeline": {(c.area, c.partner, c.quarter): len(c.actions) for c in matrix.timeline},
        }
    old, new = index(before), index(after)
    return {view: {k for k in old[view].keys() | new[view].keys() if old[view].get(k) != new[view].get(k)}
            for view in old}


def test_a_withdrawn_priority_changes_exactly_its_cells(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "project")
    before = matrix_of(project)
    path = project / "inputs" / "partners" / "AM.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    area_line = next(i for i, line in enumerate(lines) if line.startswith("  legal_migration:"))
    status_line = next(i for i in range(area_line, len(lines)) if lines[i].strip().startswith("status:"))
    lines[status_line] = lines[status_line].split("status:")[0] + "status: withdrawn"
    path.write_text("\n".join(lines), encoding="utf-8")
    after = matrix_of(project)
    changed = _differences(before, after)
    assert changed["cells"] == {("AM", "legal_migration")}
    assert {(p, a) for _, p, a in changed["leads"]} == {("AM", "legal_migration")}
    assert changed["leads"], "the withdrawn priority's actions had lead states"
    assert {(p, a) for a, p, _ in changed["timeline"]} == {("AM", "legal_migration")}
    cell = after.cell("AM", "legal_migration")
    assert cell.counts["withdrawn"] == before.cell("AM", "legal_migration").counts["withdrawn"] + 1
    assert sum(cell.counts.values()) == sum(before.cell("AM", "legal_migration").counts.values())
    assert expected(project)["cells"]["AM", "legal_migration"]["actions"] == cell.actions


def test_an_added_partner_changes_exactly_its_cells(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "project")
    before = matrix_of(project)
    strategy = project / "inputs" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    strategy.write_text(text.replace("  - {code: UZ, name: Uzbekistan, role: partner}\n",
                                     "  - {code: UZ, name: Uzbekistan, role: partner}\n"
                                     "  - {code: MN, name: Mongolia, role: partner}\n"), encoding="utf-8")
    source = (project / "inputs" / "partners" / "BY.yaml").read_text(encoding="utf-8")
    (project / "inputs" / "partners" / "MN.yaml").write_text(
        source.replace("code: BY", "code: MN").replace("name: Belarus", "name: Mongolia"), encoding="utf-8")
    after = matrix_of(project)
    changed = _differences(before, after)
    assert changed["cells"] == {("MN", area) for area in AREAS}
    assert {p for _, p, _ in changed["leads"]} == {"MN"} and {p for _, p, _ in changed["timeline"]} == {"MN"}
    truth = expected(project)["cells"]
    for area in AREAS:
        assert after.cell("MN", area).counts == before.cell("BY", area).counts
        assert after.cell("MN", area).actions == truth["MN", area]["actions"]
    assert after.totals["actions"] == before.totals["actions"] + sum(truth["MN", a]["actions"] for a in AREAS)


# ------------------------------------------------------------------------------- the command


def test_the_command_writes_every_view_and_reports_problems(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "project")
    result = run_in_process("matrix", "--out", str(tmp_path / "m.xlsx"), str(project))
    assert result.returncode == 0, result.stderr
    assert openpyxl.load_workbook(tmp_path / "m.xlsx")["Partners x areas"]["A3"].value == "AM"
    result = run_in_process("matrix", "--format", "json", str(project))
    assert result.returncode == 0 and json.loads(result.stdout)["schema_version"] == 1
    assert run_in_process("matrix", "--format", "xlsx", str(project)).returncode == 2  # binary needs --out
    assert run_in_process("matrix", "--draft", "4", str(project)).returncode == 2
    broken = project / "inputs" / "partners" / "AM.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("status: agreed", "status: aggreed", 1),
                      encoding="utf-8")
    result = run_in_process("matrix", "--format", "json", str(project))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert any(f["file"] == "inputs/partners/AM.yaml" and f["line"] for f in json.loads(result.stdout)["findings"])
    shutil.rmtree(project / "inputs" / "partners")
    assert run_in_process("matrix", str(project)).returncode == 1
