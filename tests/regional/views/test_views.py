"""The four views of the partnership matrix (regional/views/): every count in the JSON, the workbook, the HTML page
and the Markdown equals what the partner files say, counted independently (tests/fixtures/matrix.py)."""

from __future__ import annotations

import html.parser
import io
import json
import zipfile
from collections import defaultdict
from pathlib import Path

import jsonschema
import openpyxl
import pytest

from conftest import REPO, copy_sample
from fixtures.matrix import AREAS, SHORT, STATUSES, expected, matrix_of
from strategy_builder.regional.matrix import RegionalMatrix
from strategy_builder.regional.views.as_html import matrix_html
from strategy_builder.regional.views.as_json import matrix_json, matrix_json_schema_text, matrix_payload
from strategy_builder.regional.views.as_markdown import matrix_markdown
from strategy_builder.regional.views.as_xlsx import matrix_xlsx


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RegionalMatrix]:
    project = copy_sample(tmp_path_factory.mktemp("matrix") / "project")
    return project, matrix_of(project)


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


def test_every_workbook_prints_its_headers_in_the_font_of_its_cells(sample: tuple[Path, RegionalMatrix],
                                                                      tmp_path: Path) -> None:
    """The matrix, a new register and the translators' export: every font of their styles names its typeface
    and size (a bold font without them, as openpyxl's Font(bold=True) writes it, is printed by LibreOffice
    in another typeface at 10 pt)."""
    import re

    from strategy_builder.languages.exchange import export_translations
    from strategy_builder.review.register.columns import RegisterRow
    from strategy_builder.review.register.table import new_register_plan
    from strategy_builder.review.register.xlsxfile import new_xlsx

    project, matrix = sample
    register = new_xlsx(new_register_plan([RegisterRow(id="C-0001", partner="AM", draft="001", kind="comment",
                                                       author="Anna", remark="A remark")]))
    export = export_translations(project, "ru", tmp_path / "ru.xlsx").path.read_bytes()
    for name, workbook in (("matrix", matrix_xlsx(matrix)), ("register", register), ("export", export)):
        with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
            styles = archive.read("xl/styles.xml").decode("utf-8")
        fonts = re.findall(r"<font>(.*?)</font>", re.search(r"<fonts[^>]*>(.*)</fonts>", styles).group(1))
        assert len(fonts) >= 2, (name, styles)  # the default and the bold one of the headers
        assert {re.search(r'<name val="([^"]+)"', f).group(1) if "<name " in f else None for f in fonts} \
            == {"Calibri"}, (name, fonts)
        assert {re.search(r'<sz val="([^"]+)"', f).group(1) if "<sz " in f else None for f in fonts} == {"11"}, \
            (name, fonts)
