"""A change in a footnote or a text box of a returned draft is reported in the tracked section that holds it,
with its story named ("footnote 1 of 2.1.2"); a changed header is reported as the header it is.

The returns are made as a ministry makes them, with python-docx and plain lxml on a real draft of the sample
(tracked sections with stable IDs), never with strategy-builder's writer: one adds a footnote to a paragraph of
priority 2.1, a text box (VML) to a paragraph of priority 4.2, a text box (DrawingML) to a cell of 4.2's table
of actions and words to the default header; a second return words the footnote and the text boxes
differently. ``diff`` (JSON and terminal, as processes) and the library's
comparison must place each change in its priority.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml

from conftest import run_cli
from fixtures.diff.docs import story_views
from strategy_builder.review.compare import compare
from strategy_builder.review.diff import redline

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
WPS_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
BORDERS = "AM/illegal_migration/integrated-border-management"
"""Priority 2.1 of draft 001: its second numbered paragraph (2.1.2) gets the footnote."""
ORIENTATION = "AM/legal_migration/pre-departure-orientation"
"""Priority 4.2 of draft 001: its second numbered paragraph (4.2.2) gets a text box, and so does the cell of
the lead states of its action 4.2.b (row 3 of its one table)."""
IN_A_CELL = "table 1, row 3, cell 3: text box 1"
HEADER_NOTE = " – comments of the Ministry of Labour"


def _footnotes(text: str) -> bytes:
    return (f'<w:footnotes xmlns:w="{W_NS}">'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
            '</w:footnote><w:footnote w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
            f'<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'
            '</w:footnotes>').encode("utf-8")


def _numbered_paragraph(document: docx.document.Document, heading: str):  # -> docx.text.paragraph.Paragraph
    """The second numbered paragraph under the priority heading ``heading`` (not its line in the contents)."""
    paragraphs = document.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.style.name.startswith("Heading") and heading in p.text)
    return [p for p in paragraphs[start + 1:] if p.style.name == "Numbered Paragraph"][1]


def _drawing_text_box(text: str) -> str:
    """A text box as Word 2010 and later write it (DrawingML ``wps:txbx``), inline in a run."""
    return (f'<w:r xmlns:w="{W_NS}" xmlns:wp="{WP_NS}" xmlns:a="{A_NS}" xmlns:wps="{WPS_NS}"><w:drawing><wp:inline>'
            '<wp:extent cx="1800000" cy="400000"/><wp:docPr id="501" name="Text Box 1"/><a:graphic>'
            f'<a:graphicData uri="{WPS_NS}"><wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:prstGeom prst="rect"/>'
            f'</wps:spPr><wps:txbx><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></wps:txbx>'
            '<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')


def make_return(draft: Path, target: Path, *, footnote: str, text_box: str, cell_box: str) -> Path:
    """``draft`` as a ministry returns it: a footnote in 2.1.2, a text box in 4.2.2 and one in the table of
    4.2's actions, words added to the header."""
    document = docx.Document(str(draft))
    border = _numbered_paragraph(document, "Towards integrated border management")
    assert border.text.startswith("2.1.2\t")
    notes = Part(PackURI("/word/footnotes.xml"), FOOTNOTES, _footnotes(footnote), document.part.package)
    document.part.relate_to(notes, RELATIONSHIP_TYPE.FOOTNOTES)
    border._p.append(parse_xml(f'<w:r xmlns:w="{W_NS}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                               '<w:footnoteReference w:id="1"/></w:r>'))
    orientation = _numbered_paragraph(document, "Pre-departure information and orientation")
    assert orientation.text.startswith("4.2.2\t")
    orientation._p.append(parse_xml(
        f'<w:r xmlns:w="{W_NS}" xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape '
        f'style="width:200pt;height:40pt"><v:textbox><w:txbxContent><w:p><w:r><w:t>{text_box}</w:t></w:r></w:p>'
        '</w:txbxContent></v:textbox></v:shape></w:pict></w:r>'))
    actions = next(t for t in document.tables if t.rows[-1].cells[0].text == "4.2.b")
    actions.rows[-1].cells[2].paragraphs[0]._p.append(parse_xml(_drawing_text_box(cell_box)))
    header = next(p for p in document.sections[0].header.paragraphs if p.text.strip())
    header.add_run(HEADER_NOTE)
    document.save(str(target))
    return target


@pytest.fixture(scope="module")
def returns(sample_drafts, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """Draft 001's AM.docx, a first return of it and a second return with the footnote and text box reworded."""
    folder = tmp_path_factory.mktemp("returns")
    draft = sample_drafts[0] / "AM.docx"
    first = make_return(draft, folder / "AM-first.docx", footnote="Agreed with the State Border Guard Service.",
                        text_box="Contact point: Ministry of Labour.", cell_box="Also: Czech Republic.")
    second = make_return(draft, folder / "AM-second.docx",
                         footnote="Agreed with the State Border Guard Service in May 2010.",
                         text_box="Contact point: Ministry of Labour and Social Affairs.",
                         cell_box="Also: Czech Republic, Poland.")
    return draft, first, second


def _changes(payload: dict) -> dict[str | None, list[str]]:
    """Section ID (``None`` for what lies outside tracked sections, by title) -> the locations of its changes."""
    (partner,) = payload["partners"]
    found: dict[str | None, list[str]] = {}
    for section in partner["sections"]:
        if section["changes"]:
            found[section["id"]] = [change["location"] for change in section["changes"]]
    for section in partner["outside"]:
        if section["status"] != "unchanged":
            found.setdefault(None, []).append(section["title"])
    return found


def test_a_footnote_text_box_and_header_added_to_a_draft_are_reported_where_they_live(returns, tmp_path: Path) -> None:
    draft, first, _ = returns
    project = draft.parents[3]
    # The return against the draft's file, and against the draft by its number (its manifest's sections).
    for old in (str(draft), "1"):
        result = run_cli("diff", old, str(first), "--project", str(project), "--format", "json", "--exit-code")
        assert result.returncode == 1, (old, result.stderr)
        payload = json.loads(result.stdout)
        assert _changes(payload) == {BORDERS: ["footnote 1 of 2.1.2"],
                                     ORIENTATION: [IN_A_CELL, "text box 1 of 4.2.2"],
                                     None: ["Header (default), section 1"]}, old
        (partner,) = payload["partners"]
        statuses = {s["id"]: s["status"] for s in partner["sections"]}
        assert statuses[BORDERS] == statuses[ORIENTATION] == "changed", old
        assert {s for s, status in statuses.items() if status != "unchanged"} == {BORDERS, ORIENTATION}, old

    terminal = run_cli("diff", str(draft), str(first), "--project", str(tmp_path))
    assert terminal.returncode == 0, terminal.stderr
    lines = [line.strip() for line in terminal.stdout.splitlines()]

    def below(title: str, count: int = 1) -> list[str]:
        """The lines printed under a section's line: its changes."""
        at = next(i for i, text in enumerate(lines) if text.endswith(title))
        return lines[at + 1:at + 1 + count]

    (footnote,) = below("2.1 Towards integrated border management")
    assert footnote.startswith("footnote 1 of 2.1.2: {+Agreed with")
    in_cell, box = below("4.2 Pre-departure information and orientation", 2)
    assert in_cell == f"{IN_A_CELL}: {{+Also: Czech Republic.+}}"
    assert box.startswith("text box 1 of 4.2.2: {+Contact point")
    (header,) = below("Header (default), section 1")
    assert header.endswith(f"{{+{HEADER_NOTE}+}}")


def test_a_reworded_footnote_and_text_box_are_reported_in_their_priorities(returns, tmp_path: Path) -> None:
    _, first, second = returns
    result = run_cli("diff", str(first), str(second), "--project", str(tmp_path), "--format", "json", "--exit-code")
    assert result.returncode == 1, result.stderr
    assert _changes(json.loads(result.stdout)) == {BORDERS: ["footnote 1 of 2.1.2"],
                                                   ORIENTATION: [IN_A_CELL, "text box 1 of 4.2.2"]}
    # The library's comparison, which every view draws from, says the same.
    (partner,) = compare(str(first), str(second), tmp_path).partners
    assert partner.diff is not None
    changed = {s.section_id: s for s in partner.diff.sections if s.changes}
    assert set(changed) == {BORDERS, ORIENTATION}
    (footnote,) = changed[BORDERS].changes
    assert (footnote.location, footnote.kind) == ("footnote 1 of 2.1.2", "changed")
    assert ("insert", "in May 2010") in [(op, text.strip()) for op, text in footnote.ops]
    cell_box, box = changed[ORIENTATION].changes  # in reading order: the table of actions comes first
    assert (box.location, box.kind) == ("text box 1 of 4.2.2", "changed")
    assert box.new_text == "Contact point: Ministry of Labour and Social Affairs."
    assert (cell_box.location, cell_box.kind) == (IN_A_CELL, "changed")
    assert ("insert", ", Poland") in cell_box.ops
    # The redline marks them in their stories: Accept All gives the second return, Reject All the first.
    data = redline(partner.diff, author="Drafting team", date=dt.date(2010, 11, 15))
    old_views, new_views = story_views(first), story_views(second)
    assert old_views["footnotes"] != new_views["footnotes"] and old_views["text boxes"] != new_views["text boxes"]
    assert story_views(data, "accept") == new_views
    assert story_views(data, "reject") == old_views
