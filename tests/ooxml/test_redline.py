"""The Word redline: native tracked changes whose Accept All gives NEW and Reject All gives OLD."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.diff.docs import make_docx, revision_views, texts
from strategy_builder.ooxml.namespaces import W
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.review.diff import diff_documents, redline
from strategy_builder.review.review_document import read_document

AUTHOR = "BMP Strategy Drafting Team"
DATE = dt.date(2010, 11, 15)


def make_redline(old: bytes, new: bytes) -> bytes:
    diff = diff_documents(read_document(old, source="old.docx"), read_document(new, source="new.docx"))
    return redline(diff, author=AUTHOR, date=DATE)


def assert_marks_in_schema_order(data: bytes) -> None:
    """Where the marks sit, as ECMA-376 orders them (Accept All and Reject All cannot show this): one
    ``w:pPr`` first in a paragraph, one ``w:rPr`` in it before ``w:sectPr`` and ``w:pPrChange``, one
    ``w:trPr`` first in a row (after ``w:tblPrEx``), one insertion or deletion mark per paragraph mark or
    row, and every move range closed under the same id."""
    from lxml import etree

    root = etree.fromstring(document_xml(data).encode("utf-8"))
    w = f"{{{W}}}"
    body = root.find(f"{w}body")
    assert body is None or body.find(f"{w}sectPr") is None or body[-1].tag == f"{w}sectPr"  # CT_Body: sectPr last
    for paragraph in root.iter(f"{w}p"):
        properties = paragraph.findall(f"{w}pPr")
        assert len(properties) <= 1 and (not properties or paragraph.index(properties[0]) == 0)
        for ppr in properties:
            tail = [c.tag for c in ppr if c.tag in (f"{w}rPr", f"{w}sectPr", f"{w}pPrChange")]
            assert tail == sorted(tail, key=[f"{w}rPr", f"{w}sectPr", f"{w}pPrChange"].index)
            assert len(ppr.findall(f"{w}rPr")) <= 1
            assert ppr.index(ppr.findall(f"{w}rPr")[0]) == len(ppr) - len(tail) if tail else True
            for mark in ppr.findall(f"{w}rPr"):
                assert len([c for c in mark if c.tag in (f"{w}ins", f"{w}del")]) <= 1
    for row in root.iter(f"{w}tr"):
        properties = row.findall(f"{w}trPr")
        assert len(properties) <= 1
        exceptions = row.findall(f"{w}tblPrEx")
        assert len(exceptions) <= 1 and (not exceptions or row.index(exceptions[0]) == 0)
        if properties:
            before = [c.tag for c in row[:row.index(properties[0])]]
            assert before in ([], [f"{w}tblPrEx"]), before
            assert len([c for c in properties[0] if c.tag in (f"{w}ins", f"{w}del")]) <= 1
    for kind in ("moveFrom", "moveTo"):
        starts = {e.get(f"{w}id"): e.get(f"{w}name") for e in root.iter(f"{w}{kind}RangeStart")}
        ends = {e.get(f"{w}id") for e in root.iter(f"{w}{kind}RangeEnd")}
        assert set(starts) == ends and all(starts.values())
        # Every moved run lies inside a range of its kind, and every range holds a moved run.
        inside: set[str] = set()
        open_range: str | None = None
        for element in root.iter(f"{w}{kind}RangeStart", f"{w}{kind}RangeEnd", f"{w}{kind}"):
            if element.tag == f"{w}{kind}RangeStart":
                assert open_range is None
                open_range = element.get(f"{w}id")
            elif element.tag == f"{w}{kind}RangeEnd":
                assert open_range == element.get(f"{w}id")
                open_range = None
            elif open_range is not None:
                inside.add(open_range)
            else:  # only a paragraph's mark may come before the range its paragraph opens (w:pPr is first)
                paragraph = element.getparent().getparent().getparent()  # w:rPr, w:pPr, w:p
                assert element.getparent().tag == f"{w}rPr" and paragraph.tag == f"{w}p", f"w:{kind} outside"
                assert paragraph.find(f"{w}{kind}RangeStart") is not None, f"w:{kind} outside its range"
        assert open_range is None and inside == set(starts)
    # Word cannot insert or delete the last paragraph mark of a cell: a new or removed row or table marks
    # the row, and its cells' last paragraphs carry no mark of their own.
    for row in root.iter(f"{w}tr"):
        row_marks = [c.tag for c in row.findall(f"{w}trPr/*") if c.tag in (f"{w}ins", f"{w}del")]
        if row_marks:
            for cell in row.iter(f"{w}tc"):
                paragraphs = [c for c in cell if c.tag == f"{w}p"]
                marks = [[c.tag for c in p.findall(f"{w}pPr/{w}rPr/*") if c.tag in (f"{w}ins", f"{w}del")]
                         for p in paragraphs]
                assert marks[-1] == [] and all(m == row_marks for m in marks[:-1]), (row_marks, marks)


def assert_invariant(old: bytes, new: bytes) -> bytes:
    data = make_redline(old, new)
    accepted, rejected = revision_views(data)
    assert accepted == texts(new)
    assert rejected == texts(old)
    assert_marks_in_schema_order(data)
    return data


def document_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def test_words_changed_inside_a_paragraph_are_tracked_word_by_word() -> None:
    old = make_docx(["The committee met in Chisinau on Monday.", "Unchanged paragraph."])
    new = make_docx(["The joint committee met in Tbilisi on Monday.", "Unchanged paragraph."])
    xml = document_xml(assert_invariant(old, new))
    assert "<w:delText xml:space=\"preserve\">Chisinau</w:delText>" in xml
    assert xml.count("<w:ins ") == 2  # "joint " and "Tbilisi"
    assert f'w:author="{AUTHOR}"' in xml and 'w:date="2010-11-15T00:00:00Z"' in xml


def test_inserted_and_deleted_paragraphs_at_start_middle_and_end() -> None:
    old = make_docx(["first", "second", "third", "last"])
    new = make_docx(["new opening", "first", "third", "inserted", "last", "appended", "appended again"])
    assert_invariant(old, new)
    assert_invariant(new, old)


def test_formatting_runs_are_split_and_kept() -> None:
    old = make_docx([["Plain start ", "bold words here", " plain end"]])
    new = make_docx([["Plain start ", "bold words there", " plain end and more"]])
    xml = document_xml(assert_invariant(old, new))
    assert xml.count("<w:b/>") >= 2  # the bold run keeps its formatting on both sides of the split


def test_tables_cells_rows_and_whole_tables() -> None:
    old = make_docx(["Before", ("table", [["No.", "Action"], ["1", "Train border guards"], ["2", "Old row"]]),
                     "Between", ("table", [["gone", ["whole", "table"]]]), "After"])
    new = make_docx(["Before", ("table", [["No.", "Action"], ["1", "Train all border guards"], ["3", "New row"],
                                          ["4", ["two", "paragraphs"]]]), "Between", "After",
                     ("table", [["brand", ["new", "table"]]])])
    xml = document_xml(assert_invariant(old, new))
    assert "<w:trPr><w:del " in xml.replace("\n", "") or "<w:del w:id" in xml
    assert_invariant(new, old)


def test_rows_deleted_and_inserted_at_the_start_middle_and_end_of_a_table() -> None:
    rows = [["No.", "Action"], ["1", "Train border guards"], ["2", "Open a migration centre"],
            ["3", "Sign the readmission agreement"], ["4", "Fund return counselling"]]
    old = make_docx(["Before", ("table", rows), "After"])
    new = make_docx(["Before", ("table", [rows[1], rows[3], ["5", "Pilot circular migration"]]), "After"])
    assert_invariant(old, new)
    assert_invariant(new, old)


def test_moved_sections_use_move_markup_with_paired_names(sample_drafts) -> None:
    old_dir, new_dir = sample_drafts
    diff = diff_documents(read_document(old_dir / "AM.docx"), read_document(new_dir / "AM.docx"))
    data = redline(diff, author=AUTHOR, date=DATE)
    xml = document_xml(data)
    accepted, rejected = revision_views(data)
    assert accepted == texts(new_dir / "AM.docx")
    assert rejected == texts(old_dir / "AM.docx")
    assert "<w:moveFrom " in xml and "<w:moveTo " in xml
    assert_marks_in_schema_order(data)
    package = DocxPackage.from_bytes(data)
    root = package.xml("word/document.xml")
    names_from = {e.get(f"{{{W}}}name") for e in root.iter(f"{{{W}}}moveFromRangeStart")}
    names_to = {e.get(f"{{{W}}}name") for e in root.iter(f"{{{W}}}moveToRangeStart")}
    assert names_from and names_from == names_to
    ids = [e.get(f"{{{W}}}id") for e in root.iter(*(f"{{{W}}}{t}" for t in ("ins", "del", "moveFrom", "moveTo")))]
    assert len(ids) == len(set(ids)), "revision ids must be unique"


@pytest.mark.corpus
def test_new_documents_own_tracked_changes_are_accepted_first(corpus) -> None:
    tracked = (corpus / "OpenXmlPowerTools/TestFiles/RP/RP002-Deleted-Text.docx").read_bytes()
    plain = make_docx(["Something else entirely."])
    assert_invariant(plain, tracked)
    assert_invariant(tracked, plain)


def test_redline_is_deterministic() -> None:
    old = make_docx(["alpha beta", ("table", [["a", "b"]])])
    new = make_docx(["alpha gamma", ("table", [["a", "c"]])])
    assert make_redline(old, new) == make_redline(old, new)


# ------------------------------------------------------------------------------------------ property

WORDS = ["migration", "border", "the", "and", "Ministry", "2010", ",", ".", "\u00a0", "labour", "return", "-"]


def _sentence(draw) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=0, max_size=8))
    return " ".join(words)


@st.composite
def paragraph_lists(draw) -> tuple[list, list]:
    """An old list of paragraphs and cells, and a new one made from it by random edits."""
    old = [_sentence(draw) for _ in range(draw(st.integers(1, 7)))]
    new: list = []
    for text in old:
        action = draw(st.sampled_from(["keep", "keep", "edit", "delete", "insert"]))
        if action == "keep":
            new.append(text)
        elif action == "edit":
            words = text.split(" ")
            position = draw(st.integers(0, len(words)))
            words[position:position + draw(st.integers(0, 2))] = draw(st.lists(st.sampled_from(WORDS), max_size=3))
            new.append(" ".join(words))
        elif action == "insert":
            new.extend([_sentence(draw), text])
    if draw(st.booleans()):
        new.append(_sentence(draw))
    runs = draw(st.booleans())
    if runs:  # split some paragraphs into bold/plain runs at random places
        new = [[t[:len(t) // 2], t[len(t) // 2:]] if len(t) > 3 else t for t in new]
    if draw(st.booleans()):
        cells = [[_sentence(draw) for _ in range(2)] for _ in range(draw(st.integers(1, 3)))]
        changed = [list(row) for row in cells]
        if draw(st.booleans()):
            changed[0][1] = _sentence(draw)
        if draw(st.booleans()):
            changed.append([_sentence(draw), _sentence(draw)])
        old.append(("table", cells))
        new.append(("table", changed))
    return old, new


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraph_lists())
def test_property_accept_gives_new_and_reject_gives_old(pair) -> None:
    old, new = pair
    assert_invariant(make_docx(old), make_docx(new))


@pytest.mark.libreoffice
def test_libreoffice_keeps_every_revision_of_a_redline(sample_drafts, soffice, tmp_path) -> None:
    from conftest import convert_with_libreoffice

    old_dir, new_dir = sample_drafts
    diff = diff_documents(read_document(old_dir / "AM.docx"), read_document(new_dir / "AM.docx"))
    source = tmp_path / "AM-redline.docx"
    source.write_bytes(redline(diff, author=AUTHOR, date=DATE))
    saved = convert_with_libreoffice(soffice, source, tmp_path / "out", "docx:MS Word 2007 XML")
    accepted, rejected = revision_views(saved.read_bytes())

    # LibreOffice writes page-break-before as a break character and cannot delete (or insert) the
    # paragraph mark just before a table, which leaves an empty paragraph: compare the non-empty texts.
    def words(texts_: list[str]) -> list[str]:
        return [t.strip() for t in texts_ if t.strip()]

    assert words(accepted) == words(texts(new_dir / "AM.docx"))
    assert words(rejected) == words(texts(old_dir / "AM.docx"))
    assert "w:moveFrom" in document_xml(saved.read_bytes())


@pytest.mark.corpus
def test_paragraphs_inserted_at_the_end_inside_content_controls(corpus) -> None:
    # Each of the last paragraphs sits in its own block content control: no paragraph mark can move up.
    old = (corpus / "OpenXmlPowerTools/TestFiles/WC/WC061-Style-Added.docx").read_bytes()
    new = (corpus / "OpenXmlPowerTools/NewDocxDocuments/ContentControls.docx").read_bytes()
    assert_invariant(old, new)
    assert_invariant(new, old)


# ------------------------------------------------------------------------------- notes, rows, marks

def _docx_with_notes(paragraphs: list[tuple[str, list[str]]], kind: str = "footnote") -> bytes:
    """A .docx written by python-docx whose paragraphs end with footnotes or endnotes (``(text, notes)``),
    the notes in a footnotes (endnotes) part as Word writes it."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    document = docx.Document()
    notes = [f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
             f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
             f'</w:p></w:{kind}>']
    for text, paragraph_notes in paragraphs:
        paragraph = document.add_paragraph(text)
        for note in paragraph_notes:
            number = len(notes)
            notes.append(f'<w:{kind} w:id="{number}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/>'
                         f'</w:rPr><w:{kind}Ref/></w:r><w:r><w:t xml:space="preserve"> {note}</w:t></w:r></w:p>'
                         f'</w:{kind}>')
            paragraph._p.append(parse_xml(f'<w:r xmlns:w="{W}"><w:rPr><w:vertAlign w:val="superscript"/>'
                                          f'</w:rPr><w:{kind}Reference w:id="{number}"/></w:r>'))
    part = Part(PackURI(f"/word/{kind}s.xml"),
                f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}s+xml",
                f'<w:{kind}s xmlns:w="{W}">{"".join(notes)}</w:{kind}s>'.encode("utf-8"), document.part.package)
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES if kind == "footnote" else RELATIONSHIP_TYPE.ENDNOTES)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _notes_marked(data: bytes, kind: str) -> dict[str, str]:
    """Note text -> how a reader of the redline sees it in Word: ``inserted`` (every word in ``w:ins``),
    ``deleted`` (every word in ``w:del``) or ``plain``."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read(f"word/{kind}s.xml"))
    w = f"{{{W}}}"
    seen = {}
    for note in root.iter(f"{w}{kind}"):
        words = list(note.iter(f"{w}t", f"{w}delText"))
        if not words:
            continue
        text = "".join(t.text or "" for t in words).strip()
        holders = {t.getparent().getparent().tag for t in words}
        seen[text] = ("inserted" if holders == {f"{w}ins"} else "deleted" if holders == {f"{w}del"}
                      else "plain")
    return seen


@pytest.mark.parametrize("kind", ["footnote", "endnote"])
def test_notes_added_removed_and_reworded_are_marked_in_the_notes_themselves(kind: str) -> None:
    from fixtures.diff.docs import story_views

    old = _docx_with_notes([("Border guards are trained every year.", ["Agreed in 2010."]),
                            ("Return counselling is offered.", ["Funded by the partners.", "Run by IOM."]),
                            ("The closing words of the priority.", [])], kind)
    new = _docx_with_notes([("Border guards are trained every spring.", []),
                            ("Return counselling is offered.", ["Funded by the partners and the EU.",
                                                                "Run by IOM and the ministry."]),
                            ("A paragraph added with a note of its own.", ["A note of the new paragraph."]),
                            ("The closing words of the priority.", ["A note added to a kept paragraph."])], kind)
    data = assert_invariant(old, new)
    for view, source in (("accept", new), ("reject", old)):
        assert story_views(data, view)[f"{kind}s"] == story_views(source)[f"{kind}s"], view
    marked = _notes_marked(data, kind)
    # A note added with its reference is shown inserted, a removed one deleted; a reworded note is edited.
    assert marked["A note of the new paragraph."] == "inserted"
    assert marked["A note added to a kept paragraph."] == "inserted"
    assert marked["Agreed in 2010."] == "deleted"
    assert marked["Funded by the partners and the EU."] == marked["Run by IOM and the ministry."] == "plain"


def _with_xml(data: bytes, edit) -> bytes:
    """``data`` opened with python-docx, ``edit(document)`` applied to its XML, saved again (as a
    ministry's editor that writes such markup would)."""
    import docx

    document = docx.Document(io.BytesIO(data))
    edit(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _row_exceptions(document) -> None:
    """Each row of each table gets table-property exceptions (``w:tblPrEx``) first, as Word writes a row
    whose borders differ from its table's."""
    from docx.oxml import parse_xml

    for table in document.tables:
        for row in table._tbl.tr_lst:
            row.insert(0, parse_xml(f'<w:tblPrEx xmlns:w="{W}"><w:tblBorders><w:top w:val="single"/>'
                                    '</w:tblBorders></w:tblPrEx>'))


def test_rows_with_table_property_exceptions_keep_their_mark_after_them() -> None:
    rows = [["No.", "Action"], ["1", "Train border guards"], ["2", "Open a migration centre"]]
    old = _with_xml(make_docx(["Before", ("table", rows), "After"]), _row_exceptions)
    new = _with_xml(make_docx(["Before", ("table", [rows[0], rows[2], ["3", "Pilot circular migration"]]),
                               "After", ("table", [["a new", "table"]])]), _row_exceptions)
    assert_invariant(old, new)
    assert_invariant(new, old)


def _nest_table(document) -> None:
    """A table of two rows inside the second cell of the first table's last row."""
    cell = document.tables[0].rows[-1].cells[1]
    nested = cell.add_table(rows=2, cols=1)
    nested.cell(0, 0).text = "nested first"
    nested.cell(1, 0).text = "nested second"
    cell.add_paragraph("after the nested table")


def test_a_row_holding_a_nested_table_is_marked_with_every_row_inside_it() -> None:
    rows = [["No.", "Action"], ["1", "Train border guards"]]
    old = make_docx(["Before", ("table", rows), "After"])
    new = _with_xml(make_docx(["Before", ("table", rows + [["2", "Open a migration centre"]]), "After"]),
                    _nest_table)
    for data in (assert_invariant(old, new), assert_invariant(new, old)):
        from lxml import etree

        root = etree.fromstring(document_xml(data).encode("utf-8"))
        w = f"{{{W}}}"
        marked = [row for row in root.iter(f"{w}tr") if row.find(f"{w}trPr/{w}ins") is not None
                  or row.find(f"{w}trPr/{w}del") is not None]
        assert len(marked) == 3  # the new row and the two rows of the table inside it


def _formatted_marks(document) -> None:
    """Every paragraph mark bold (``w:pPr/w:rPr``), and a section break after the second paragraph."""
    from docx.oxml import parse_xml

    for paragraph in document.paragraphs:
        paragraph._p.get_or_add_pPr().append(parse_xml(f'<w:rPr xmlns:w="{W}"><w:b/></w:rPr>'))


def test_paragraph_marks_already_formatted_or_holding_a_section_break_are_marked_first() -> None:
    import docx

    old = _with_xml(make_docx(["first", "second", "third"]), _formatted_marks)
    document = docx.Document(io.BytesIO(make_docx(["first", "inserted", "third", "appended"])))
    _formatted_marks(document)
    document.add_section()  # the section so far ends with a new paragraph holding its w:sectPr
    document.add_paragraph("a new section")
    buffer = io.BytesIO()
    document.save(buffer)
    new = buffer.getvalue()
    for data in (assert_invariant(old, new), assert_invariant(new, old)):
        from lxml import etree

        root = etree.fromstring(document_xml(data).encode("utf-8"))
        w = f"{{{W}}}"
        for marks in root.iter(f"{w}rPr"):
            if marks.getparent().tag == f"{w}pPr":
                tags = [c.tag for c in marks]
                revisions = [i for i, t in enumerate(tags) if t in (f"{w}ins", f"{w}del")]
                assert revisions in ([], [0]), tags  # CT_ParaRPr: the revision mark comes first


def _cells_in_content_controls(document) -> None:
    """The cells of each row of the first table inside a content control (``w:sdt``), as Word writes a
    form's repeating rows."""
    from docx.oxml import parse_xml

    for row in document.tables[0]._tbl.tr_lst:
        for cell in list(row.tc_lst):
            control = parse_xml(f'<w:sdt xmlns:w="{W}"><w:sdtPr/><w:sdtContent/></w:sdt>')
            cell.addprevious(control)
            control[1].append(cell)


def test_a_changed_row_whose_cells_are_in_content_controls_is_edited_in_its_cells() -> None:
    rows = [["No.", "Action"], ["1", "Train border guards"], ["2", "Open a migration centre"]]
    old = _with_xml(make_docx(["Before", ("table", rows), "After"]), _cells_in_content_controls)
    new = _with_xml(make_docx(["Before", ("table", [rows[0], ["1", "Train all border guards"], rows[2]]), "After"]),
                    _cells_in_content_controls)
    xml = document_xml(assert_invariant(old, new))
    assert '<w:t xml:space="preserve"> all</w:t></w:r></w:ins>' in xml and "<w:trPr>" not in xml  # edited in place


def _marked_paragraphs(data: bytes) -> list[tuple[str, str]]:
    """(text, the revision of its paragraph mark or ``""``) of every paragraph of the body, tables included."""
    from lxml import etree

    root = etree.fromstring(document_xml(data).encode("utf-8"))
    w = f"{{{W}}}"
    found = []
    for paragraph in root.iter(f"{w}p"):
        marks = [c.tag[len(w):] for c in paragraph.findall(f"{w}pPr/{w}rPr/*") if c.tag in (f"{w}ins", f"{w}del")]
        found.append(("".join(t.text or "" for t in paragraph.iter(f"{w}t", f"{w}delText")), "".join(marks)))
    return found


def test_a_paragraph_added_or_removed_at_the_end_marks_the_paragraph_mark_before_it() -> None:
    """Word cannot insert or delete the last paragraph mark of the document or of a cell (docs/diff.md): the
    paragraph before carries the mark, and the last one has none."""
    old = make_docx(["first", "last", ("table", [["cell", "kept"]]), "after the table"])
    new = make_docx(["first", "last", ("table", [[["cell", "added in the cell"], "kept"]]), "after the table",
                     "appended", "appended again"])
    added = _marked_paragraphs(assert_invariant(old, new))
    assert added[-3:] == [("after the table", "ins"), ("appended", "ins"), ("appended again", "")]
    assert ("cell", "ins") in added and ("added in the cell", "") in added
    removed = _marked_paragraphs(assert_invariant(new, old))
    assert removed[-3:] == [("after the table", "del"), ("appended", "del"), ("appended again", "")]
    assert ("cell", "del") in removed and ("added in the cell", "") in removed
    # Every paragraph removed: they come back before the section's properties, which stay last; and back.
    assert [text for text, _ in _marked_paragraphs(assert_invariant(make_docx(["first", "second"]),
                                                                    make_docx([])))] == ["first", "second"]
    assert _marked_paragraphs(assert_invariant(make_docx([]), make_docx(["first", "second"]))) == [
        ("first", "ins"), ("second", "ins")]  # no paragraph before them to carry the last mark


def _lead_in_document(changed: bool) -> bytes:
    """Forty blocks of a paragraph, a lead-in ending in a colon and one to four list items: pages of a
    redline of two such documents end at every kind of place, a lead-in among them (without its keep)."""
    import docx

    document = docx.Document()
    for block in range(40):
        taken = " taken" if changed and block % 3 == 0 else ""
        document.add_paragraph(f"Paragraph {block} explains the measures{taken} in some detail, "
                               + "with enough words to fill a line or two of the page. " * (1 + block % 3))
        document.add_paragraph(f"The measures of block {block} are:")
        for item in range(1 + block % 4):
            document.add_paragraph(f"measure {item} of block {block}", style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _keeps_with_next(data: bytes) -> dict[str, bool]:
    from lxml import etree

    root = etree.fromstring(document_xml(data).encode("utf-8"))
    w = f"{{{W}}}"
    return {"".join(t.text or "" for t in p.iter(f"{w}t", f"{w}delText")): p.find(f"{w}pPr/{w}keepNext") is not None
            for p in root.find(f"{w}body").iter(f"{w}p")}


def test_a_lead_in_keeps_with_the_list_it_introduces() -> None:
    """A paragraph ending in a colon keeps with the next paragraph or table (as the drafts' lead-ins do), whether
    it is kept, inserted or deleted; no other paragraph gains a keep, and Accept All and Reject All still give
    NEW and OLD."""
    old = make_docx(["Intro.", "The old measures were:", "first", "Before a table:",
                     ("table", [["a", "b"]]), "Middle.", "Kept lead-in:", "item", "Last words:"])
    new = make_docx(["Intro.", "first", "Before a table:", ("table", [["a", "b"]]), "Middle.",
                     "Kept lead-in, reworded:", "item", "New lead-in:", "new item", "Last words:"])
    data = make_redline(old, new)
    kept = _keeps_with_next(data)
    assert {text for text, keep in kept.items() if keep} == {
        "The old measures were:", "Before a table:", "Kept lead-in, reworded:", "New lead-in:"}
    assert kept["Last words:"] is False  # nothing follows it
    assert_invariant(old, new)


@pytest.mark.libreoffice
def test_libreoffice_never_ends_a_page_of_a_redline_with_a_lead_in(soffice, tmp_path) -> None:
    """Laid out by LibreOffice, no page of a long redline ends with a lead-in: it goes to the next page with its
    list (without the keep, pages 2 and 7 of this one ended with "The measures of block N are:")."""
    from pypdf import PdfReader

    from conftest import convert_with_libreoffice

    source = tmp_path / "redline.docx"
    source.write_bytes(make_redline(_lead_in_document(False), _lead_in_document(True)))
    pdf = convert_with_libreoffice(soffice, source, tmp_path / "out")
    pages = [page.extract_text() for page in PdfReader(pdf).pages]
    assert len(pages) > 5
    last_lines = [next(line for line in reversed(text.splitlines()) if line.strip()) for text in pages]
    assert not [line for line in last_lines if line.rstrip().endswith(":")], last_lines
