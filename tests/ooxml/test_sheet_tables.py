"""ooxml/sheet_tables.py: an Excel table's part read (its range, header and totals rows) and grown to take in
appended rows and columns, with everything else in the part kept byte for byte."""

from __future__ import annotations

from strategy_builder.ooxml.sheet_tables import SheetTable, grown_table, read_table

TABLE = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         b'<table xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" id="1" name="Register1" '
         b'displayName="Register1" ref="A1:D3" headerRowCount="1" totalsRowShown="0">'
         b'<autoFilter ref="A1:D3"><filterColumn colId="1"><filters><filter val="open"/></filters></filterColumn>'
         b'</autoFilter><tableColumns count="4"><tableColumn id="1" name="ID"/><tableColumn id="2" '
         b'name="Disposition"/><tableColumn id="3" name="Note"/><tableColumn id="7" name="Owner"/></tableColumns>'
         b'<tableStyleInfo name="TableStyleMedium2" showFirstColumn="0" showRowStripes="1"/></table>')


def test_a_table_is_read_with_its_range_and_rows() -> None:
    table = read_table(TABLE, "xl/tables/table1.xml")
    assert table == SheetTable("xl/tables/table1.xml", "Register1", 0, 1, 3, 3, 1, 0)
    assert table.ref == "A1:D3" and table.covers(0, 1) and table.covers(3, 3) and not table.covers(4, 2)
    assert not table.covers(0, 4)
    with_totals = read_table(TABLE.replace(b'headerRowCount="1"', b'totalsRowCount="1"'), "t.xml")
    assert with_totals is not None and (with_totals.header_rows, with_totals.totals_rows) == (1, 1)
    assert read_table(TABLE.replace(b'ref="A1:D3" h', b'ref="Sheet1!#REF!" h'), "t.xml") is None


def test_a_table_grows_down_and_right_keeping_the_rest_of_its_part() -> None:
    table = read_table(TABLE, "xl/tables/table1.xml")
    assert table is not None
    grown = grown_table(TABLE, table, 5, ["Cited by drafts", "A & B"])
    assert b'ref="A1:F5" headerRowCount' in grown and b'<autoFilter ref="A1:F5">' in grown
    assert (b'<tableColumns count="6">' in grown and b'<tableColumn id="8" name="Cited by drafts"/><tableColumn '
            b'id="9" name="A &amp; B"/></tableColumns>' in grown)  # ids never reused
    assert grown.replace(b"A1:F5", b"A1:D3").replace(b'count="6"', b'count="4"').replace(
        b'<tableColumn id="8" name="Cited by drafts"/><tableColumn id="9" name="A &amp; B"/>', b"") == TABLE
    assert read_table(grown, "t.xml") == SheetTable("t.xml", "Register1", 0, 1, 5, 5, 1, 0)
    assert grown_table(TABLE, table, 3, []) == TABLE  # nothing to take in: the same bytes


def test_a_prefixed_table_grows_too() -> None:
    prefixed = (b'<x:table xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" id="2" name="T" '
                b'ref="B2:C4"><x:autoFilter ref=\'B2:C4\'/><x:tableColumns count="2"><x:tableColumn id="1" '
                b'name="ID"/><x:tableColumn id="2" name="Disposition"/></x:tableColumns></x:table>')
    table = read_table(prefixed, "t.xml")
    assert table is not None and table.ref == "B2:C4"
    grown = grown_table(prefixed, table, 6, ["Note"])
    assert b'ref="B2:D6"' in grown and b"<x:autoFilter ref='B2:D6'/>" in grown
    assert b'<x:tableColumn id="3" name="Note"/></x:tableColumns>' in grown
