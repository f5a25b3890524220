"""Every story of a document is compared, and redlined: footnotes, endnotes, headers and footers, text boxes,
pictures, equations; what is not compared (a chart) is listed and counts.

The pairs are made by LibreOffice and python-docx (tests/fixtures/diff/stories.py), never by our writer: one
changes a footnote's words, one adds an endnote, one changes a header, one edits a text box, one replaces a
picture, one changes an equation, one changes a chart's numbers. ``--exit-code`` must answer 1 for each, and
0 for identical copies and for LibreOffice's round trip of an unchanged draft. The redline of each pair must
read as the new document after Accept All and as the old one after Reject All, in every story.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from lxml import etree
from rich.console import Console

from conftest import require_tool, run_in_process
from fixtures.diff.docs import story_views
from fixtures.diff.stories import (
    JUDGED_ON_SAVED_FILE, LIBREOFFICE_PAIRS, PYTHON_DOCX_BASE, PYTHON_DOCX_PAIRS, StoryPair, build_story_pairs,
    copy_of, python_docx_document, python_docx_pairs, vml_text_box,
)
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.review.compare import compare
from strategy_builder.review.diff import redline
from strategy_builder.review.report_html import render_html
from strategy_builder.review.report_json import render_json
from strategy_builder.review.report_markdown import render_markdown
from strategy_builder.review.report_terminal import render_terminal
from strategy_builder.review.report_view import comparison_view

PAIRS = [*LIBREOFFICE_PAIRS, *PYTHON_DOCX_PAIRS]


@pytest.fixture(scope="module")
def pairs(sample_drafts, tmp_path_factory: pytest.TempPathFactory) -> dict[str, StoryPair]:
    """The story pairs, and LibreOffice's round trip of draft 001's AM.docx (one LibreOffice start)."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    require_tool(path is not None, "LibreOffice (soffice)")
    assert path is not None
    folder = tmp_path_factory.mktemp("stories")
    return build_story_pairs(folder, path, round_trip=[sample_drafts[0] / "AM.docx"])


def _diff_json(old: Path, new: Path, project: Path) -> tuple[int, dict]:
    result = run_in_process("diff", str(old), str(new), str(project), "--format", "json", "--exit-code")
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def _where(payload: dict) -> list[str]:
    """Every location of a change and every name of something not compared, in the JSON report."""
    (partner,) = payload["partners"]
    found = [c["location"] for s in partner["sections"] + partner["outside"] for c in s["changes"]]
    found += [s["title"] for s in partner["sections"] + partner["outside"] if s["status"] != "unchanged"]
    return found + [f"{n['name']} ({n['change']})" for n in partner["not_compared"]]


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", PAIRS)
def test_a_change_in_any_story_is_found_where_it_lives(pairs: dict[str, StoryPair], name: str,
                                                       tmp_path: Path) -> None:
    pair = pairs[name]
    code, payload = _diff_json(pair.old, pair.new, tmp_path)
    assert code == 1 and payload["has_changes"], f"{name}: reported as identical"
    where = _where(payload)
    assert any(pair.where.lower() in w.lower() for w in where), (name, where)
    if not pair.compared:
        assert payload["summary"]["not_compared"] == 1
        (partner,) = payload["partners"]
        assert partner["not_compared"][0]["name"] == pair.where


@pytest.mark.libreoffice
def test_identical_copies_and_a_libreoffice_round_trip_of_a_draft_are_the_same(
        pairs: dict[str, StoryPair], sample_drafts, tmp_path: Path) -> None:
    for old in sorted({pair.old for pair in pairs.values()}):
        code, payload = _diff_json(old, copy_of(old, tmp_path / f"copy-{old.name}"), tmp_path)
        assert code == 0 and not payload["has_changes"], old.name
    # LibreOffice rewrites ids, rsids, styles, settings and the stored page numbers: a reader sees the same.
    draft = sample_drafts[0] / "AM.docx"
    round_trip = pairs["footnote reworded"].old.parent / "AM.docx"  # where LibreOffice wrote it
    code, payload = _diff_json(draft, round_trip, tmp_path)
    assert code == 0 and not payload["has_changes"], _where(payload)


@pytest.fixture(scope="module")
def python_docx_story_pairs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, StoryPair]:
    """The pairs python-docx writes, without LibreOffice."""
    return python_docx_pairs(tmp_path_factory.mktemp("python-docx-stories"))


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", LIBREOFFICE_PAIRS)
def test_the_redline_of_any_story_accepts_to_new_and_rejects_to_old(pairs: dict[str, StoryPair], name: str) -> None:
    _assert_redline_of_story(pairs[name], name)


@pytest.mark.parametrize("name", PYTHON_DOCX_PAIRS)
def test_the_redline_of_a_python_docx_story_accepts_to_new_and_rejects_to_old(
        python_docx_story_pairs: dict[str, StoryPair], name: str) -> None:
    _assert_redline_of_story(python_docx_story_pairs[name], name)


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
# What a run-level revision (w:ins, w:del, w:moveFrom, w:moveTo) may hold (ECMA-376 CT_RunTrackChange).
REVISION_CONTENT = {f"{{{W_NS}}}{tag}" for tag in (
    "r", "ins", "del", "moveFrom", "moveTo", "bookmarkStart", "bookmarkEnd", "commentRangeStart",
    "commentRangeEnd", "proofErr", "permStart", "permEnd", "sdt", "customXml", "smartTag")}


def _assert_revisions_hold_runs(data: bytes) -> None:
    """Every run-level revision holds runs (or an equation), never a drawing or a piece of one."""
    package = DocxPackage.from_bytes(data, source="redline.docx")
    for name in package.parts:
        if not (name.startswith("word/") and name.endswith(".xml")) or "/_rels/" in name:
            continue
        for tag in ("ins", "del", "moveFrom", "moveTo"):
            for revision in package.xml(name).iter(f"{{{W_NS}}}{tag}"):
                parent = revision.getparent()
                if parent is not None and parent.tag in (f"{{{W_NS}}}rPr", f"{{{W_NS}}}trPr"):
                    continue  # a mark of a paragraph or a row
                for child in revision:
                    assert child.tag in REVISION_CONTENT or child.tag.startswith(f"{{{M_NS}}}"), \
                        (name, tag, child.tag)


def _assert_redline_of_story(pair: StoryPair, name: str) -> None:
    (partner,) = compare(str(pair.old), str(pair.new), pair.old.parent).partners
    assert partner.diff is not None
    data = redline(partner.diff, author="Drafting team", date=dt.date(2010, 11, 15))
    _assert_revisions_hold_runs(data)
    accepted, rejected = story_views(data, "accept"), story_views(data, "reject")
    new, old = story_views(pair.new), story_views(pair.old)
    for story in new:
        if story == "not compared":
            continue  # a chart is not compared, and not redlined
        assert accepted[story] == new[story], (name, story)
        assert rejected[story] == old[story], (name, story)
    changed = [story for story in new if story != "not compared" and new[story] != old[story]]
    assert changed or not pair.compared, f"{name}: the pair does not differ in any story"


@pytest.fixture(scope="module")
def judged_stories(pairs: dict[str, StoryPair], libreoffice_judge, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """LibreOffice's reading of each pair's redline accepted and rejected, and of NEW and OLD (one start); for
    the pairs no text shows (JUDGED_ON_SAVED_FILE), the four results are also saved by LibreOffice as .docx:
    name -> (readings, saved files)."""
    from judges.libreoffice import Job

    folder = tmp_path_factory.mktemp("judged-stories")
    jobs = []
    for index, pair in enumerate(pairs.values()):
        (partner,) = compare(str(pair.old), str(pair.new), pair.old.parent).partners
        assert partner.diff is not None
        path = folder / f"redline-{index}.docx"
        path.write_bytes(redline(partner.diff, author="Drafting team", date=dt.date(2010, 11, 15)))
        saved = [folder / f"{index}-{role}.docx" if not pair.judged else None
                 for role in ("accepted", "rejected", "new", "old")]
        jobs += [Job(path, ["ACCEPT"], saved[0]), Job(path, ["REJECT"], saved[1]), Job(pair.new, [], saved[2]),
                 Job(pair.old, [], saved[3])]
    readings = libreoffice_judge.run(jobs)
    return {name: (readings[4 * i:4 * i + 4], [job.save_as for job in jobs[4 * i:4 * i + 4]])
            for i, name in enumerate(pairs)}


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", [name for name in PAIRS if name not in JUDGED_ON_SAVED_FILE])
def test_libreoffice_accepts_every_story_to_new_and_rejects_it_to_old(judged_stories, name: str) -> None:
    """The same invariant, judged by LibreOffice's own Accept All and Reject All (tests/judges/)."""
    (accepted, rejected, new, old), _ = judged_stories[name]
    for reading in (accepted, rejected, new, old):
        assert not reading.errors, (name, reading.errors)
    for story in new.stories() | old.stories():
        assert accepted.lines(story) == new.lines(story), (name, story)
        assert rejected.lines(story) == old.lines(story), (name, story)
    assert not accepted.redlines and not rejected.redlines, "LibreOffice left changes open"


_WORD = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
         "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
         "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture"}


def _what_no_text_shows(path: Path) -> dict[str, list[tuple[str, ...]]]:
    """Read with plain lxml (none of strategy-builder's readers) from a .docx: each picture's alt text (the
    ``descr`` and ``title`` of its ``wp:docPr``) and size (its ``wp:extent`` in EMU), and each field's
    instruction and result in the body (complex fields and simple ones), in document order."""
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    pictures = []
    for picture in body.iterfind(".//pic:pic", _WORD):
        frame = next(a for a in picture.iterancestors() if a.tag in (f"{{{_WORD['wp']}}}inline",
                                                                       f"{{{_WORD['wp']}}}anchor"))
        properties, extent = frame.find("wp:docPr", _WORD), frame.find("wp:extent", _WORD)
        pictures.append((properties.get("descr", ""), properties.get("title", ""), extent.get("cx"), extent.get("cy")))
    fields, stack = [], []  # stack: [instruction, result, in result?] of the open complex fields
    w = f"{{{_WORD['w']}}}"
    for element in body.iter(f"{w}fldChar", f"{w}instrText", f"{w}t", f"{w}fldSimple"):
        if element.tag == f"{w}fldSimple":
            fields.append((element.get(f"{w}instr", "").strip(), "".join(element.itertext()).strip()))
        elif element.tag == f"{w}fldChar":
            kind = element.get(f"{w}fldCharType")
            if kind == "begin":
                stack.append(["", "", False])
            elif kind == "separate" and stack:
                stack[-1][2] = True
            elif kind == "end" and stack:
                instruction, result, _ = stack.pop()
                fields.append((instruction.strip(), result.strip()))
        elif stack and element.tag == f"{w}instrText" and not stack[-1][2]:
            stack[-1][0] += element.text or ""
        elif stack and element.tag == f"{w}t" and stack[-1][2]:
            stack[-1][1] += element.text or ""
    return {"pictures": pictures, "fields": fields}


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(
        strict=True, reason="LibreOffice drops a tracked change inside a field's result: after its Accept All or "
                            "Reject All the result is empty (Word keeps it); a field inserted or deleted whole is "
                            "computed again, so no redline gives back the result NEW stores"))
    if name == "cross-reference's result changed" else name for name in sorted(JUDGED_ON_SAVED_FILE)])
def test_libreoffice_accepts_alt_text_size_and_field_results_to_new_and_rejects_them_to_old(
        judged_stories, name: str) -> None:
    """The pictures' alt text and size and the fields' results, which no text shows, read from the .docx files
    LibreOffice saves after its own Accept All and Reject All, and from its saves of NEW and OLD."""
    readings, saved = judged_stories[name]
    for reading in readings:
        assert not reading.errors, (name, reading.errors)
    accepted, rejected, new, old = (_what_no_text_shows(path) for path in saved)
    assert new != old, f"{name}: LibreOffice's saves of NEW and OLD do not differ in what is judged"
    assert accepted == new, name
    assert rejected == old, name
    assert not readings[0].redlines and not readings[1].redlines, "LibreOffice left changes open"


def test_what_is_not_compared_is_listed_in_every_format_and_counts(tmp_path: Path) -> None:
    pair = python_docx_pairs(tmp_path)["chart changed"]
    html = tmp_path / "diff.html"
    result = run_in_process("diff", str(pair.old), str(pair.new), str(tmp_path), "--format", "markdown", "--html",
                            str(html), "--exit-code")
    assert result.returncode == 1, "a chart that differs is a difference"
    view = comparison_view(compare(str(pair.old), str(pair.new), tmp_path))
    console = Console(file=io.StringIO(), width=200, no_color=True)
    render_terminal(view, console)
    payload = json.loads(render_json(view))
    assert payload["summary"]["not_compared"] == 1 and payload["has_changes"]
    assert payload["partners"][0]["not_compared"][0] == {"kind": "chart", "name": "chart 1",
                                                         "where": "Migration situation", "change": "changed"}
    line = "chart 1 (in Migration situation): changed"
    for name, report in (("terminal", console.file.getvalue()), ("markdown", result.stdout),  # type: ignore[attr-defined]
                         ("html", html.read_text(encoding="utf-8"))):
        assert "Not compared" in report and line in report, name


def test_comments_are_counted_per_side_in_every_format(tmp_path: Path) -> None:
    """Comments are not part of a diff, but each side's count is reported, also when nothing else changed."""
    base = tmp_path / "base.docx"
    base.write_bytes(python_docx_document(**PYTHON_DOCX_BASE))  # type: ignore[arg-type]
    commented = tmp_path / "commented.docx"
    commented.write_bytes(_with_comments(python_docx_document(**PYTHON_DOCX_BASE), 2))  # type: ignore[arg-type]
    edited = tmp_path / "edited.docx"
    edited.write_bytes(_with_comments(python_docx_document(**{**PYTHON_DOCX_BASE, "reference": "Annex B"}), 1))  # type: ignore[arg-type]
    html = tmp_path / "diff.html"
    result = run_in_process("diff", str(base), str(commented), str(tmp_path), "--format", "markdown", "--html",
                            str(html), "--exit-code")
    assert result.returncode == 0, "a comment is not a change of the document's text"
    assert "Comments (not part of the diff): commented 0 → 2." in result.stdout
    assert "Comments (not part of the diff): commented 0 → 2." in html.read_text(encoding="utf-8")
    for new, line in ((commented, "Comments (not part of the diff): commented 0 → 2."),
                      (edited, "comments: 2 → 1 (not part of the diff)")):
        old = base if new is commented else commented
        view = comparison_view(compare(str(old), str(new), tmp_path))
        console = Console(file=io.StringIO(), width=200, no_color=True)
        render_terminal(view, console)
        expected = {"old": 0, "new": 2} if new is commented else {"old": 2, "new": 1}
        assert json.loads(render_json(view))["partners"][0]["comments"] == expected
        for name, report in (("terminal", console.file.getvalue()), ("markdown", render_markdown(view)),  # type: ignore[attr-defined]
                             ("html", render_html(view))):
            assert line in report, (name, new.name)


def _with_comments(data: bytes, count: int) -> bytes:
    """The document with ``count`` comments on its first body paragraph (python-docx's own comments API)."""
    document = docx.Document(io.BytesIO(data))
    paragraph = next(p for p in document.paragraphs if p.text.startswith("Armenia"))
    for index in range(count):
        document.add_comment(paragraph.runs[0], text=f"Please check ({index + 1}).", author="Ministry of Interior")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _sections_document(*, default: str | None, first: str | None, even: str | None, footer: str | None,
                       title_page: bool = True, sections: int = 2) -> bytes:
    """A python-docx document of ``sections`` sections whose first one shows the headers given (``None``:
    that header is not there) and whose others show the same (they are linked to the previous one)."""
    document = docx.Document()
    document.settings.odd_and_even_pages_header_footer = even is not None
    for number in range(sections):
        if number:
            document.add_section()
        document.add_paragraph(f"Section {number + 1}: labour migration and return.")
    section = document.sections[0]
    section.different_first_page_header_footer = title_page
    for story, text in ((section.header, default), (section.first_page_header, first),
                        (section.even_page_header, even), (section.footer, footer)):
        if text is None:
            story.is_linked_to_previous = True
        else:
            story.is_linked_to_previous = False
            story.paragraphs[0].text = text
    for later in document.sections[1:]:
        later.different_first_page_header_footer = title_page
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("removed", "restored"), [("default", True), ("footer", True), ("first", True),
                                                   ("even", False)])
def test_a_header_or_footer_only_the_old_document_shows_comes_back_deleted(tmp_path: Path, removed: str,
                                                                         restored: bool) -> None:
    texts = {"default": "Migration Partnership Strategy – Armenia", "first": "Cover page",
             "even": "Armenia – even pages", "footer": "Draft for consultation"}
    old, new = tmp_path / "old.docx", tmp_path / "new.docx"
    old.write_bytes(_sections_document(**texts))  # type: ignore[arg-type]
    new.write_bytes(_sections_document(**{**texts, removed: None}))  # type: ignore[arg-type]
    (partner,) = compare(str(old), str(new), tmp_path).partners
    assert partner.diff is not None
    data = redline(partner.diff, author="Drafting team", date=dt.date(2010, 11, 15))
    accepted, rejected = story_views(data, "accept"), story_views(data, "reject")
    assert accepted["headers and footers"] == story_views(new)["headers and footers"]
    if restored:  # Reject All shows it again, on every section that showed it
        assert rejected["headers and footers"] == story_views(old)["headers and footers"]
        assert any(texts[removed] in line and "sections 1–2" in line for line in rejected["headers and footers"])
    else:  # whether even pages differ is the document's setting: nothing comes back
        assert rejected["headers and footers"] == accepted["headers and footers"]
    assert rejected["body"] == accepted["body"] == story_views(old)["body"]


def _two_headers(first: str | None, second: str | None) -> bytes:
    """Two sections, each with its own default header (``None``: none of its own; the second one then
    shows the first one's)."""
    document = docx.Document()
    document.add_paragraph("Section 1: labour migration.")
    document.add_section()
    document.add_paragraph("Section 2: return and readmission.")
    for section, text in zip(document.sections, (first, second), strict=True):
        section.header.is_linked_to_previous = text is None
        if text is not None:
            section.header.paragraphs[0].text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("old_headers", "new_headers", "restored"), [
    ((None, "Annex – Armenia"), (None, None), True),
    (("Strategy – Armenia", "Annex – Armenia"), ("Strategy – Armenia", None), False),
])
def test_a_header_only_a_later_section_showed_comes_back_there_unless_that_section_shows_another(
        tmp_path: Path, old_headers: tuple, new_headers: tuple, restored: bool) -> None:
    old, new = tmp_path / "old.docx", tmp_path / "new.docx"
    old.write_bytes(_two_headers(*old_headers))
    new.write_bytes(_two_headers(*new_headers))
    data = _redline_of(old, new, tmp_path)
    # Accept All shows what NEW shows, the first section's header on the second one included.
    assert story_views(data, "accept")["headers and footers"] == story_views(new)["headers and footers"]
    for sect in DocxPackage.from_bytes(data).xml("word/document.xml").iter(f"{{{W_NS}}}sectPr"):
        kinds = [child.tag.endswith(("}headerReference", "}footerReference")) for child in sect]
        assert kinds == sorted(kinds, reverse=True)  # CT_SectPr: the references come first
    rejected = story_views(data, "reject")["headers and footers"]
    if restored:  # Reject All shows it again, on the second section only
        assert rejected == story_views(old)["headers and footers"] == ["header (default), section 2: Annex – Armenia"]
    else:  # a header does not come back where NEW's section shows the previous one's (a documented limit)
        assert rejected == story_views(new)["headers and footers"]


def test_a_first_page_header_does_not_come_back_where_the_new_document_has_no_first_page(tmp_path: Path) -> None:
    old, new = tmp_path / "old.docx", tmp_path / "new.docx"
    old.write_bytes(_sections_document(default="Strategy", first="Cover page", even=None, footer=None))
    new.write_bytes(_sections_document(default="Strategy", first=None, even=None, footer=None, title_page=False))
    (partner,) = compare(str(old), str(new), tmp_path).partners
    assert partner.diff is not None
    data = redline(partner.diff, author="Drafting team", date=dt.date(2010, 11, 15))
    assert story_views(data, "reject")["headers and footers"] == story_views(new)["headers and footers"]


def test_a_replaced_picture_is_deleted_just_before_its_replacement(
        python_docx_story_pairs: dict[str, StoryPair]) -> None:
    pair = python_docx_story_pairs["picture replaced"]
    (partner,) = compare(str(pair.old), str(pair.new), pair.old.parent).partners
    assert partner.diff is not None
    data = redline(partner.diff, author="Drafting team", date=dt.date(2010, 11, 15))
    root = DocxPackage.from_bytes(data).xml("word/document.xml")
    w = f"{{{W_NS}}}"
    [deleted] = [e for e in root.iter(f"{w}del") if e.find(f".//{w}drawing") is not None]
    [inserted] = [e for e in root.iter(f"{w}ins") if e.find(f".//{w}drawing") is not None]
    assert deleted.getnext() is inserted, etree.tostring(deleted.getparent())[:300]


def _redline_of(old: Path, new: Path, folder: Path) -> bytes:
    """The redline of two files, compared as `diff` compares them."""
    (partner,) = compare(str(old), str(new), folder).partners
    assert partner.diff is not None
    return redline(partner.diff, author="Drafting team", date=dt.date(2010, 11, 15))


def _alternate_text_box(text: str) -> str:
    """A text box as Word writes it: DrawingML in mc:Choice, the same text in VML in mc:Fallback."""
    wps = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
    return (f'<w:r xmlns:w="{W_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
            'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
            f'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:wps="{wps}" '
            'xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
            '<wp:inline><wp:extent cx="2000000" cy="500000"/><wp:docPr id="70" name="Text Box 1"/><a:graphic>'
            f'<a:graphicData uri="{wps}"><wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr/><wps:txbx><w:txbxContent>'
            f'<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>'
            '</a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape '
            f'style="width:200pt;height:40pt"><v:textbox><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
            '</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>')


def test_an_edited_text_box_keeps_no_fallback_showing_the_old_text(tmp_path: Path) -> None:
    paths = []
    for name, text in (("old", "Lead states: Poland."), ("new", "Lead states: Poland, Hungary.")):
        document = docx.Document()
        document.add_paragraph("Partners of the mobility partnership.")
        document.add_paragraph("See: ")._p.append(parse_xml(_alternate_text_box(text)))
        paths.append(tmp_path / f"{name}.docx")
        document.save(str(paths[-1]))
    data = _redline_of(paths[0], paths[1], tmp_path)
    _assert_revisions_hold_runs(data)
    assert story_views(data, "accept")["text boxes"] == story_views(paths[1])["text boxes"]
    assert story_views(data, "reject")["text boxes"] == story_views(paths[0])["text boxes"]
    xml = DocxPackage.from_bytes(data).parts["word/document.xml"].decode("utf-8")
    assert "mc:Fallback" not in xml and "Lead states: Poland.<" not in xml  # no copy shows the old text whole


@pytest.mark.parametrize("removed", [True, False])
@pytest.mark.parametrize("kind", ["DrawingML with a VML fallback", "VML alone"])
def test_a_text_box_removed_from_or_added_to_a_paragraph_is_deleted_or_inserted_whole(
        tmp_path: Path, removed: bool, kind: str) -> None:
    """The box comes or goes whole: its DrawingML and its VML fallback (or its VML shape) in one revision."""
    make = _alternate_text_box if kind.startswith("DrawingML") else vml_text_box
    paths = []
    for name, box in (("old", removed), ("new", not removed)):
        document = docx.Document()
        document.add_paragraph("Partners of the mobility partnership.")
        paragraph = document.add_paragraph("See the box: " if box else "See the list of lead states.")
        if box:
            paragraph._p.append(parse_xml(make("Lead states: Poland.")))
        paths.append(tmp_path / f"{name}.docx")
        document.save(str(paths[-1]))
    data = _redline_of(paths[0], paths[1], tmp_path)
    _assert_revisions_hold_runs(data)
    for view, source in (("accept", paths[1]), ("reject", paths[0])):
        assert story_views(data, view)["text boxes"] == story_views(source)["text boxes"], view
        assert story_views(data, view)["body"] == story_views(source)["body"], view
    root = DocxPackage.from_bytes(data).xml("word/document.xml")
    [box] = root.iter("{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"
                      if make is _alternate_text_box else f"{{{W_NS}}}pict")
    assert box.getparent().getparent().tag == f"{{{W_NS}}}{'del' if removed else 'ins'}"
