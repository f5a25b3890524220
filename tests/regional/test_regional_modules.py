"""The modules of regional/ on their own, on the sample's matrix: the shared wording (labels.py), a view written
to a file in the format its name says (export.py), the two figures (charts.py) and the overview document with
its tracked sections (overview_document.py)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import docx
import pytest

from conftest import copy_sample
from fixtures.matrix import AREAS, matrix_of
from strategy_builder.errors import EnvironmentProblem
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.stamps import read_stamps
from strategy_builder.regional.charts import Figure, overview_figures
from strategy_builder.regional.export import format_for, render_matrix, write_matrix
from strategy_builder.regional.labels import (
    GAP, action_line, cell_summary, plural, priority_line, source_line, status_counts, total_summary, where,
)
from strategy_builder.regional.matrix import RegionalMatrix
from strategy_builder.regional.overview_document import (
    OverviewStamp, area_section_id, overview_document, partner_area_section_id,
)
from strategy_builder.review.section_listing import read_document_sections


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> RegionalMatrix:
    return matrix_of(copy_sample(tmp_path_factory.mktemp("regional") / "project"))


def test_the_shared_wording() -> None:
    assert [plural(1, "action"), plural(3, "action"), plural(0, "gap"), plural(2, "priority", "priorities")] == [
        "1 action", "3 actions", "0 gaps", "2 priorities"]
    assert status_counts({"agreed": 2, "proposed": 1, "bracketed": 0, "withdrawn": 0}) == "2 A · 1 P"
    assert status_counts({"agreed": 0}) == "none"
    assert total_summary({"agreed": 7, "proposed": 7, "bracketed": 1}, 34, 2) == "7 A · 7 P · 1 B · 34 actions · 2 gaps"
    assert where("inputs/partners/AM.yaml", 62) == "inputs/partners/AM.yaml:62" and where("x.yaml", None) == "x.yaml"


def test_cells_priorities_and_actions_are_summarised_with_their_source(matrix: RegionalMatrix) -> None:
    for cell in matrix.cells:
        summary = cell_summary(cell)
        assert summary.startswith(GAP) if cell.gap else f"{cell.actions} action" in summary
        assert all(lead in summary for lead in cell.leads)
    priority = matrix.priorities[0]
    line = priority_line(priority)
    assert line.startswith(f"{priority.number} {priority.title} ({priority.status})")
    assert line.endswith(f"{priority.file}:{priority.line}") and priority.section_id in line
    action = next(a for a in matrix.actions if len(a.text) > 30)
    short = action_line(action, width=20)
    assert short.startswith(f"{action.partner} {action.number} ") and "…" in short
    assert f"{action.file}:{action.line}" in short and "lead " in short
    assert "current inputs" in source_line(matrix)


def test_a_view_goes_to_the_file_its_name_says(matrix: RegionalMatrix, tmp_path: Path) -> None:
    assert [format_for(tmp_path / n, None) for n in ("m.xlsx", "m.HTM", "m.json", "m.md")] == [
        "xlsx", "html", "json", "markdown"]
    assert format_for(None, None) == "markdown" and format_for(tmp_path / "m.txt", "json") == "json"
    with pytest.raises(EnvironmentProblem, match="cannot tell the format"):
        format_for(tmp_path / "m.txt", None)
    write_matrix(matrix, "json", tmp_path / "m.json")
    payload = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert len(payload["partners"]) == len(matrix.partners) == 12
    assert render_matrix(matrix, "markdown").decode("utf-8").count("\n") > 12
    assert render_matrix(matrix, "xlsx")[:2] == b"PK"
    with pytest.raises(EnvironmentProblem, match="cannot write"):
        write_matrix(matrix, "json", tmp_path / "m.json" / "inside")


@pytest.fixture(scope="module")
def figures(matrix: RegionalMatrix) -> tuple[Figure, Figure]:
    return overview_figures(matrix)


def test_both_figures_in_both_formats_with_alt_text(figures: tuple[Figure, Figure]) -> None:
    assert [f.name for f in figures] == ["partners-areas", "timeline"]
    for figure in figures:
        assert figure.png.startswith(b"\x89PNG") and b"<svg" in figure.svg[:500]
        assert figure.caption and len(figure.alt_text) > len(figure.caption)


def test_the_overview_document_has_a_tracked_section_per_area_and_partner(
        matrix: RegionalMatrix, figures: tuple[Figure, Figure], tmp_path: Path) -> None:
    stamp = OverviewStamp(3, "9.9", "Drafting team", "BMP", dt.date(2010, 11, 20), "Senior officials' meeting",
                          "For discussion")
    rendered, sections = overview_document(matrix, figures, stamp)
    ids = [s.id for s in sections]
    assert area_section_id(AREAS[0]) in ids and partner_area_section_id(AREAS[0], "AM") in ids
    assert len(ids) == len(set(ids)) and set(rendered.sections) == set(ids)
    package = DocxPackage.from_bytes(rendered.data)
    (tmp_path / "overview.docx").write_bytes(rendered.data)
    found = {s.section_id for s in read_document_sections(tmp_path / "overview.docx").sections}
    assert set(ids) <= found
    assert read_stamps(package).stamps.draft == "003"
    document = docx.Document(io.BytesIO(rendered.data))
    assert len(document.inline_shapes) == 2
    assert all(shape._inline.docPr.get("descr") for shape in document.inline_shapes)
    again, _ = overview_document(matrix, figures, stamp)
    assert again.data == rendered.data  # byte-identical for the same inputs
