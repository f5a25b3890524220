"""The partnership matrix: every count equals what the partner files say, in every view.

The expected numbers are computed here from the YAML files themselves (PyYAML's BaseLoader: every scalar a
string, no strategy-builder code), then compared with the JSON, the xlsx sheets and the HTML page.
"""

from __future__ import annotations

import html.parser
import io
import json
import shutil
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import jsonschema
import openpyxl
import pytest
import yaml

from conftest import REPO, copy_sample, run_cli
from strategy_builder.inputs.loading import load_project
from strategy_builder.regional.matrix import RegionalMatrix, compute_matrix
from strategy_builder.regional.views.as_html import matrix_html
from strategy_builder.regional.views.as_json import matrix_json, matrix_json_schema_text, matrix_payload
from strategy_builder.regional.views.as_markdown import matrix_markdown
from strategy_builder.regional.views.as_xlsx import matrix_xlsx

AREAS = ["illegal_migration", "readmission_return", "legal_migration", "integration", "migration_development"]
STATUSES = ["agreed", "proposed", "bracketed", "withdrawn"]
SHORT = {"Illegal migration": "illegal_migration", "Readmission and return": "readmission_return",
         "Legal migration": "legal_migration", "Integration": "integration",
         "Migration and development": "migration_development"}


# ------------------------------------------------------------------------------- the independent count


def _quarters(start: str, end: str) -> list[str]:
    """Quarters touched by a timeline written as years, months, quarters or halves (computed here)."""
    def months(text: str) -> tuple[int, int]:
        year, _, rest = text.partition("-")
        base = int(year) * 12
        if not rest:
            return base, base + 11
        if rest.startswith("Q"):
            q = int(rest[1:])
            return base + 3 * q - 3, base + 3 * q - 1
        if rest.startswith("H"):
            h = int(rest[1:])
            return base + 6 * h - 6, base + 6 * h - 1
        return base + int(rest) - 1, base + int(rest) - 1

    first, last = months(start)[0], months(end)[1]
    return [f"{q // 4}-Q{q % 4 + 1}" for q in range(first // 3, last // 3 + 1)]


def expected(project: Path) -> dict[str, dict]:
    """cells[(partner, area)] = {status counts, actions, leads, gap}; leads[(lead, partner, area)] = n;
    timeline[(area, partner, quarter)] = n — from the YAML files alone."""
    cells, leads, timeline = {}, Counter(), Counter()
    for path in sorted((project / "inputs" / "partners").glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        code = data["code"]
        for area in AREAS:
            priorities = data["areas"][area].get("priorities") or []
            counts = Counter(p.get("status", "proposed") for p in priorities)
            live = [p for p in priorities if p.get("status", "proposed") != "withdrawn"]
            actions = [a for p in live for a in (p.get("actions") or [])]
            cells[code, area] = {
                **{s: counts[s] for s in STATUSES}, "actions": len(actions),
                "leads": sorted({lead for a in actions for lead in (a.get("lead") or [])}), "gap": not live}
            for action in actions:
                for lead in set(action.get("lead") or []):
                    leads[lead, code, area] += 1
                if action.get("timeline"):
                    for quarter in _quarters(action["timeline"]["start"], action["timeline"]["end"]):
                        timeline[area, code, quarter] += 1
    return {"cells": cells, "leads": dict(leads), "timeline": dict(timeline)}


def matrix_of(project: Path) -> RegionalMatrix:
    result = load_project(project)
    assert result.project is not None, result.findings.items
    return compute_matrix(result.project)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RegionalMatrix]:
    project = copy_sample(tmp_path_factory.mktemp("matrix") / "project")
    return project, matrix_of(project)


# ------------------------------------------------------------------------------- every view, every cell


def test_every_cell_of_the_json_equals_the_partner_files(sample: tuple[Path, RegionalMatrix]) -> None:
    project, matrix = sample
    truth = expected(project)
    payload = json.loads(matrix_json(matrix))
    assert len(payload["cells"]) == 12 * 5
    for cell in payload["cells"]:
        want = truth["cells"][cell["partner"], cell["area"]]
        assert cell["counts"] == {s: want[s] for s in STATUSES}, cell["section_id"]
        assert (cell["actions"], cell["leads"], cell["gap"]) == (want["actions"], want["leads"], want["gap"])
        assert len(cell["priorities"]) == sum(want[s] for s in STATUSES)
    assert {(c["lead"], c["partner"], c["area"]): len(c["actions"]) for c in payload["leads"]} == truth["leads"]
    assert {(c["area"], c["partner"], c["quarter"]): len(c["actions"]) for c in payload["timeline"]} \
        == truth["timeline"]
    assert payload["totals"]["actions"] == sum(c["actions"] for c in truth["cells"].values())
    assert payload["totals"]["gaps"] == sum(c["gap"] for c in truth["cells"].values()) > 0


def test_every_cell_of_the_workbook_equals_the_partner_files(sample: tuple[Path, RegionalMatrix],
                                                             tmp_path: Path) -> None:
    project, matrix = sample
    truth = expected(project)
    path = tmp_path / "matrix.xlsx"
    path.write_bytes(matrix_xlsx(matrix))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:3] == ["Partners x areas", "Lead states", "Timeline"]

    sheet = book["Partners x areas"]
    assert sheet.freeze_panes == "C3" and sheet.auto_filter.ref.startswith("A2:")
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$2"
    headers = [c.value for c in sheet[2]]
    seen = 0
    for row in sheet.iter_rows(min_row=3):
        code = row[0].value
        if code == "All":
            break
        for index, area in enumerate(AREAS):
            block = row[2 + index * 6: 2 + index * 6 + 6]
            want = truth["cells"][code, area]
            assert [c.value for c in block[:4]] == [want[s] for s in STATUSES], (code, area)
            assert block[4].value == want["actions"]
            assert block[5].value == ("gap" if want["gap"] else ", ".join(want["leads"]))
            for status_cell, status in zip(block[:4], STATUSES, strict=True):
                # A non-zero count names what it counts: section IDs and YAML file:line.
                if status_cell.value:
                    text = status_cell.comment.text
                    assert text.count(f"({status})") == status_cell.value
                    assert f"{code}/{area}/" in text and f"inputs/partners/{code}.yaml:" in text
                else:
                    assert status_cell.comment is None
            seen += 1
    assert seen == 60 and headers[2:8] == ["Agreed", "Proposed", "Bracketed", "Withdrawn", "Actions", "Lead states"]

    leads = book["Lead states"]
    partners = [c.value for c in leads[1]][4:-1]
    found = {}
    for row in leads.iter_rows(min_row=2, values_only=True):
        area = SHORT[row[3]]
        for partner, value in zip(partners, row[4:-1], strict=True):
            if value:
                found[row[0], partner, area] = value
    assert found == truth["leads"]

    timeline = book["Timeline"]
    quarters = [c.value for c in timeline[1]][2:]
    rows = list(timeline.iter_rows(min_row=2, values_only=True))
    total = next(r for r in rows if r[0] == "All areas")
    found, per_quarter = {}, defaultdict(int)
    for row in rows[:rows.index(total)]:
        found.update({(SHORT[row[0]], row[1], q): v for q, v in zip(quarters, row[2:], strict=True) if v})
    for (_, _, quarter), count in truth["timeline"].items():
        per_quarter[quarter] += count
    assert found == truth["timeline"]
    assert dict(zip(quarters, total[2:], strict=True)) == {q: per_quarter.get(q, 0) for q in quarters}


def test_the_html_page_parses_and_is_self_contained(sample: tuple[Path, RegionalMatrix]) -> None:
    project, matrix = sample
    truth = expected(project)
    page = matrix_html(matrix)

    class Checker(html.parser.HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []
            self.external: list[str] = []
            self.gap_cells = 0
            self.sortable = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values = dict(attrs)
            for name in ("src", "href"):
                if values.get(name) and not values[name].startswith("#"):
                    self.external.append(values[name])
            if tag == "td" and values.get("class") == "gap":
                self.gap_cells += 1
            if tag == "table" and "sortable" in (values.get("class") or ""):
                self.sortable += 1
            if tag not in ("meta", "br", "link", "input"):
                self.stack.append(tag)

        def handle_endtag(self, tag: str) -> None:
            assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
            self.stack.pop()

    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.stack == [] and checker.external == [] and checker.sortable == 3
    assert checker.gap_cells == sum(c["gap"] for c in truth["cells"].values())
    # Readable without colour: gaps say so in words.
    assert page.count(">gap<") + page.count(">gap (") >= checker.gap_cells


def test_markdown_and_json_schema(sample: tuple[Path, RegionalMatrix]) -> None:
    _, matrix = sample
    text = matrix_markdown(matrix)
    assert "## Partners × areas" in text and "## Lead states × partners × areas" in text and "## Timeline" in text
    committed = (REPO / "docs" / "matrix.schema.json").read_text(encoding="utf-8")
    assert committed == matrix_json_schema_text(), "docs/matrix.schema.json is stale: regenerate it (see docs)"
    jsonschema.validate(matrix_payload(matrix), json.loads(committed))
    workbook = matrix_xlsx(matrix)
    assert workbook == matrix_xlsx(matrix), "the workbook is not deterministic"
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:  # not the time of writing, which changes every second
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert f">{matrix.source.issued}T00:00:00Z</dcterms:modified>" in core, core


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
    result = run_cli("matrix", "--out", str(tmp_path / "m.xlsx"), str(project))
    assert result.returncode == 0, result.stderr
    assert openpyxl.load_workbook(tmp_path / "m.xlsx")["Partners x areas"]["A3"].value == "AM"
    result = run_cli("matrix", "--format", "json", str(project))
    assert result.returncode == 0 and json.loads(result.stdout)["schema_version"] == 1
    assert run_cli("matrix", "--format", "xlsx", str(project)).returncode == 2  # binary needs --out
    assert run_cli("matrix", "--draft", "4", str(project)).returncode == 2
    broken = project / "inputs" / "partners" / "AM.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("status: agreed", "status: aggreed", 1),
                      encoding="utf-8")
    result = run_cli("matrix", "--format", "json", str(project))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert any(f["file"] == "inputs/partners/AM.yaml" and f["line"] for f in json.loads(result.stdout)["findings"])
    shutil.rmtree(project / "inputs" / "partners")
    assert run_cli("matrix", str(project)).returncode == 1
