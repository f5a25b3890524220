"""strategy_builder/ooxml/package.py: a .docx nobody vouches for is read within its limits (a file past the
size limit, a part that does not match its directory and the tag budget are refused naming the file); media
stay compressed until asked for and are copied byte for byte when a package is written again; relationships
resolve to part names. The zip directory's own checks are in test_zip_archive.py. Archives here are made with
zipfile and namespaces spelled out, not with the tool's own writer, and the limits are small so that every
case is a few bytes."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from strategy_builder.errors import UntrustedDocumentError
from fixtures.archives import SMALL_LIMITS as LIMITS, claim_sizes, noise as _noise, stored_zip as _zip
from strategy_builder.ooxml.package import DocxPackage, Parts, strict, transitional, write_zip
from strategy_builder.ooxml.zip_archive import ZipLimits

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _document(body: str = "<w:p><w:r><w:t>text</w:t></w:r></w:p>") -> bytes:
    return f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'.encode()


def _rels(*relationships: tuple[str, str, str] | tuple[str, str, str, str]) -> bytes:
    items = "".join(f'<Relationship Id="{r[0]}" Type="{r[1]}" Target="{r[2]}"'
                    + (f' TargetMode="{r[3]}"' if len(r) > 3 else "") + "/>" for r in relationships)
    return f'<Relationships xmlns="{PKG_REL}">{items}</Relationships>'.encode()


MAIN = f"{OFFICE}/officeDocument"


def test_the_main_part_is_found_by_its_relationship() -> None:
    package = DocxPackage({"_rels/.rels": _rels(("rId1", MAIN, "/word/main.xml")), "word/main.xml": _document()})
    assert package.main_part_name() == "word/main.xml"
    strict_type = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
    package = DocxPackage({"_rels/.rels": _rels(("rId1", f"{OFFICE}/extended-properties", "docProps/app.xml"),
                                                ("rId2", strict_type, "word/main.xml")),
                           "docProps/app.xml": b"<Properties/>", "word/main.xml": _document()})
    assert package.main_part_name() == "word/main.xml"


def test_without_a_usable_relationship_the_usual_part_is_taken_or_the_file_refused() -> None:
    assert DocxPackage({"word/document.xml": _document()}).main_part_name() == "word/document.xml"
    dangling = _rels(("rId1", MAIN, "word/gone.xml"))
    assert DocxPackage({"_rels/.rels": dangling, "word/document.xml": _document()}).main_part_name() == \
        "word/document.xml"
    with pytest.raises(UntrustedDocumentError) as no_rels:
        DocxPackage({"word/other.xml": _document()}, source="x.docx").main_part_name()
    assert no_rels.value.reason == "not a Word document (no package relationships)"
    assert no_rels.value.path == "x.docx"
    with pytest.raises(UntrustedDocumentError) as no_main:
        DocxPackage({"_rels/.rels": dangling}, source="x.docx").main_part_name()
    assert no_main.value.reason == "not a Word document (no main document part)"
    assert no_main.value.path == "x.docx"
    with pytest.raises(UntrustedDocumentError, match="no package relationships"):
        DocxPackage.from_bytes(_zip({"content.xml": b"<a/>"}), source="x.odt")


def test_relationships_resolve_to_part_names_and_external_targets_are_left_out() -> None:
    image = f"{OFFICE}/image"
    package = DocxPackage({
        "word/document.xml": _document(),
        "word/_rels/document.xml.rels": _rels(
            ("rId1", image, "media/image1.png"), ("rId2", f"{OFFICE}/styles", "/word/styles.xml"),
            ("rId3", f"{OFFICE}/customXml", "../customXml/item1.xml"),
            ("rId4", f"{OFFICE}/hyperlink", "https://example.org/", "External"),
            ("rId5", image, "media/missing.png"), ("rId0", image, "media/image0.png")),
        "word/media/image1.png": b"png", "word/media/image0.png": b"png", "word/styles.xml": b"<w:styles/>",
        "customXml/item1.xml": b"<a/>"})
    assert package.related_parts("word/document.xml") == {
        "rId0": (image, "word/media/image0.png"), "rId1": (image, "word/media/image1.png"),
        "rId2": (f"{OFFICE}/styles", "word/styles.xml"), "rId3": (f"{OFFICE}/customXml", "customXml/item1.xml"),
        "rId5": (image, "word/media/missing.png")}
    assert package.related_parts("word/styles.xml") == {}  # no relationship part
    # Parts of a type that exist, in the order of their ids; the owner is the main part unless named.
    assert package.part_of_type("/image") == ["word/media/image0.png", "word/media/image1.png"]
    assert package.part_of_type("/image", "word/document.xml") == package.part_of_type("/image")
    assert package.part_of_type("/image", "word/styles.xml") == []


def test_relationships_without_their_attributes_do_not_stop_the_reading() -> None:
    broken = f'<Relationships xmlns="{PKG_REL}"><Relationship/><Relationship Id="rId1" Type="{MAIN}"/>' \
             '<Relationship Id="rId2" Target="media/image1.png"/>' \
             f'<Relationship Target="/word/document.xml" Type="{MAIN}"/></Relationships>'
    package = DocxPackage({"_rels/.rels": broken.encode(), "word/document.xml": _document(),
                           "word/_rels/document.xml.rels": broken.encode()})
    assert package.main_part_name() == "word/document.xml"
    related = package.related_parts("word/document.xml")
    assert all(isinstance(key, str) and isinstance(kind, str) and isinstance(name, str)
               for key, (kind, name) in related.items())
    assert package.part_of_type("/officeDocument") == ["word/document.xml"]


def test_media_stay_compressed_until_read_and_are_written_again_byte_for_byte() -> None:
    picture = _noise(3000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # as another program wrote it: its own times and levels
        archive.writestr("[Content_Types].xml", b"<Types/>", zipfile.ZIP_DEFLATED)
        archive.writestr("word/document.xml", _document(), zipfile.ZIP_DEFLATED)
        archive.writestr("word/media/image1.png", picture, zipfile.ZIP_STORED)
        archive.writestr("word/media/image2.emf", bytes(3000), zipfile.ZIP_DEFLATED, 9)
    original = buffer.getvalue()
    package = DocxPackage.from_bytes(original, source="returned.docx")
    parts = package.parts
    assert isinstance(parts, Parts)
    assert not parts.is_held("word/media/image1.png") and parts.is_held("word/document.xml")
    assert set(parts.held()) == {"[Content_Types].xml", "word/document.xml"}
    assert parts["word/media/image1.png"] == picture and parts.open("word/media/image1.png").read() == picture
    assert parts.size("word/media/image1.png") == 3000 and parts.size("word/document.xml") == len(_document())
    assert parts.open("word/document.xml").read() == _document()
    assert parts.member("word/document.xml") is None
    copied = parts.copy()
    copied["word/document.xml"] = _document("")
    assert parts["word/document.xml"] == _document() and copied["word/media/image2.emf"] == bytes(3000)
    assert "word/media/image2.emf" in copied and len(copied) == 4 and list(copied) == list(parts)
    del copied["word/media/image2.emf"]
    assert "word/media/image2.emf" not in copied and "word/media/image2.emf" in parts

    written = package.to_bytes()
    with zipfile.ZipFile(io.BytesIO(original)) as before, zipfile.ZipFile(io.BytesIO(written)) as after:
        for name in ("word/media/image1.png", "word/media/image2.emf"):
            old, new = before.getinfo(name), after.getinfo(name)
            assert (new.compress_type, new.compress_size, new.CRC, new.file_size) == \
                (old.compress_type, old.compress_size, old.CRC, old.file_size)  # copied, not compressed again
            assert after.read(name) == before.read(name)
        assert after.testzip() is None
        assert {i.date_time for i in after.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.create_system for i in after.infolist()} == {0}  # the same bytes whatever system writes
        assert after.namelist()[0] == "[Content_Types].xml"
    again = DocxPackage.from_bytes(written, source="again.docx").to_bytes()
    assert again == written  # what was written once is written again the same


def test_a_held_part_is_compressed_at_the_level_asked_for() -> None:
    parts = {"word/document.xml": _document("".join(f"<w:p><w:r><w:t>{n * n} {n % 7}</w:t></w:r></w:p>"
                                                    for n in range(400)))}
    fast, small = write_zip(parts, compresslevel=1), write_zip(parts, compresslevel=9)
    assert fast == write_zip(parts, compresslevel=1) and len(small) < len(fast)
    with zipfile.ZipFile(io.BytesIO(small)) as archive:
        assert archive.getinfo("word/document.xml").compress_type == zipfile.ZIP_DEFLATED
        assert archive.read("word/document.xml") == parts["word/document.xml"]


def test_with_reuse_the_held_parts_left_alone_are_copied_as_compressed_and_the_changed_compressed_again() -> None:
    styles = _document("".join(f"<w:p><w:r><w:t>{n * n} {n % 7}</w:t></w:r></w:p>" for n in range(300)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # level 9: not the level write_zip compresses at
        for name, data in (("[Content_Types].xml", b"<Types/>"), ("word/document.xml", _document()),
                           ("word/styles.xml", styles)):
            archive.writestr(name, data, zipfile.ZIP_DEFLATED, 9)
    original = buffer.getvalue()
    parts = DocxPackage.from_bytes(original, source="returned.docx").parts
    assert isinstance(parts, Parts)
    changed = parts.copy()
    changed["word/document.xml"] = _document("changed")
    assert changed.unchanged_member("word/styles.xml") is not None
    assert changed.unchanged_member("word/document.xml") is None, "set since: its bytes are not the archive's"
    reused, compressed = write_zip(changed, reuse=True), write_zip(changed)
    with zipfile.ZipFile(io.BytesIO(original)) as before, zipfile.ZipFile(io.BytesIO(reused)) as after, \
            zipfile.ZipFile(io.BytesIO(compressed)) as again:
        assert after.getinfo("word/styles.xml").compress_size == before.getinfo("word/styles.xml").compress_size \
            != again.getinfo("word/styles.xml").compress_size  # copied as it was, not compressed at level 6
        assert after.getinfo("word/document.xml").compress_size == again.getinfo("word/document.xml").compress_size
        assert {name: after.read(name) for name in after.namelist()} == {name: again.read(name)
                                                                         for name in again.namelist()}
        assert after.read("word/document.xml") == _document("changed") and after.testzip() is None
    assert write_zip(changed, reuse=True) == reused


def test_a_member_with_a_broken_local_header_is_refused_when_written() -> None:
    data = bytearray(_zip({"word/document.xml": _document(), "word/media/image1.png": _noise(500)}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        offset = archive.getinfo("word/media/image1.png").header_offset
    data[offset:offset + 4] = b"PK\x09\x09"
    package = DocxPackage.from_bytes(bytes(data), source="returned.docx")  # media are not read yet
    with pytest.raises(UntrustedDocumentError) as refused:
        package.to_bytes()
    assert refused.value.reason == "part word/media/image1.png has a broken local header"
    assert refused.value.path == "returned.docx"


def test_a_member_cut_short_is_refused_when_written() -> None:
    data = _zip({"word/document.xml": _document(), "word/media/image1.png": _noise(500)})
    package = DocxPackage.from_bytes(claim_sizes(data, "word/media/image1.png", compressed=50_000),
                                     source="returned.docx")
    with pytest.raises(UntrustedDocumentError) as refused:
        package.to_bytes()
    assert refused.value.reason == "part word/media/image1.png is cut short"
    assert refused.value.path == "returned.docx"


def test_members_with_extra_fields_unicode_names_or_data_descriptors_are_copied_as_they_are() -> None:
    # Other programs write extra fields in local headers, UTF-8 names (a flag) and, when they stream,
    # sizes after the data (another flag): the copy must still be the same member.
    picture, drawing = _noise(700), _noise(300)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", _document())
        info = zipfile.ZipInfo("word/media/рисунок1.png")
        info.extra = struct.pack("<HH", 0x5455, 5) + b"\x01" + struct.pack("<I", 1_600_000_000)
        archive.writestr(info, picture)
    streamed = io.BytesIO()

    class Unseekable(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, data) -> int:  # type: ignore[no-untyped-def,override]
            return streamed.write(data)

    with zipfile.ZipFile(Unseekable(), "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", _document())
        archive.writestr("word/media/image2.emf", drawing)
    for data, name, content in ((buffer.getvalue(), "word/media/рисунок1.png", picture),
                                (streamed.getvalue(), "word/media/image2.emf", drawing)):
        written = DocxPackage.from_bytes(data, source="returned.docx").to_bytes()
        with zipfile.ZipFile(io.BytesIO(written)) as after:
            assert after.testzip() is None and after.read(name) == content
            entry = after.getinfo(name)
            header = written[entry.header_offset:entry.header_offset + 30]
            flags, crc, compressed, size = struct.unpack_from("<H", header, 6)[0], *struct.unpack_from(
                "<3I", header, 14)
            # Sizes in the local header, no descriptor announced: readers that stream the file find them.
            assert not flags & 0x08 and (crc, compressed, size) == (entry.CRC, entry.compress_size, len(content))


def test_a_member_that_does_not_match_its_directory_is_refused_naming_the_part() -> None:
    data = bytearray(_zip({"word/document.xml": _document(), "word/media/image1.png": _noise(500)},
                          zipfile.ZIP_DEFLATED))
    position = data.find(b"PK\x01\x02")
    while position != -1:  # the image claims fewer bytes than it holds
        length = struct.unpack_from("<H", data, position + 28)[0]
        if bytes(data[position + 46:position + 46 + length]) == b"word/media/image1.png":
            struct.pack_into("<I", data, position + 24, 400)
        position = data.find(b"PK\x01\x02", position + 4)
    package = DocxPackage.from_bytes(bytes(data), source="returned.docx")
    for read in (lambda: package.parts["word/media/image1.png"],
                 lambda: package.parts.open("word/media/image1.png").read(),
                 lambda: package.parts.copy()["word/media/image1.png"]):
        with pytest.raises(UntrustedDocumentError) as refused:
            read()
        assert refused.value.path == "returned.docx" and "part word/media/image1.png" in refused.value.reason


def test_an_xml_part_that_does_not_match_its_directory_is_refused_naming_the_file() -> None:
    data = claim_sizes(_zip({"word/document.xml": _document()}, zipfile.ZIP_DEFLATED), "word/document.xml", size=10)
    with pytest.raises(UntrustedDocumentError) as refused:
        DocxPackage.from_bytes(data, source="returned.docx")
    assert refused.value.path == "returned.docx" and "part word/document.xml" in refused.value.reason


def test_a_package_made_from_parts_in_memory_has_the_parts_interface() -> None:
    package = DocxPackage({"word/document.xml": _document()}, source="draft.docx")
    assert isinstance(package.parts, Parts) and package.parts.source == "draft.docx"
    assert package.parts.held() == {"word/document.xml": _document()}


def test_a_file_past_the_size_limit_is_refused_naming_it(tmp_path: Path) -> None:
    data = _zip({"word/document.xml": _document()})
    path = tmp_path / "returned.docx"
    path.write_bytes(data)
    exact = ZipLimits(max_file_bytes=len(data))
    assert DocxPackage.open(path, exact).main_part_name() == "word/document.xml"
    assert DocxPackage.from_bytes(data, limits=exact).source == "<memory>"
    smaller = ZipLimits(max_file_bytes=len(data) - 1)
    with pytest.raises(UntrustedDocumentError) as refused:
        DocxPackage.open(path, smaller)
    assert refused.value.path == str(path) and f"the limit is {len(data) - 1:,}" in refused.value.reason
    assert refused.value.hint and "docs/security.md" in refused.value.hint
    with pytest.raises(UntrustedDocumentError) as in_memory:
        DocxPackage.from_bytes(data, source="returned.docx", limits=smaller)
    assert in_memory.value.reason == f"the file is {len(data):,} bytes; the limit is {len(data) - 1:,}"
    assert in_memory.value.path == "returned.docx"
    tight = ZipLimits(max_xml_part_bytes=10)  # what the directory says is judged with the file's name
    for read in (lambda: DocxPackage.open(path, tight),
                 lambda: DocxPackage.from_bytes(data, source=str(path), limits=tight)):
        with pytest.raises(UntrustedDocumentError) as part:
            read()
        assert part.value.path == str(path) and "part word/document.xml would be" in part.value.reason
    assert DocxPackage.open(path).source == str(path)
    assert DocxPackage.from_bytes(data, source="returned.docx").source == "returned.docx"
    few_tags = DocxPackage.from_bytes(data, source="returned.docx", limits=ZipLimits(max_xml_tags=3))
    with pytest.raises(UntrustedDocumentError, match="more than 3 tags"):
        few_tags.xml("word/document.xml")
    with pytest.raises(UntrustedDocumentError) as missing:
        DocxPackage.open(tmp_path / "gone.docx")
    assert missing.value.path == str(tmp_path / "gone.docx")
    assert missing.value.reason == "cannot read the file (No such file or directory)"
    with pytest.raises(UntrustedDocumentError) as folder:
        DocxPackage.open(tmp_path)
    assert folder.value.reason == "it is a folder, not a regular file"


def test_parts_already_read_are_not_inflated_again() -> None:
    data = _zip({"word/document.xml": _document()})
    known = {"word/document.xml": _document("<w:p/>")}
    package = DocxPackage.from_bytes(data, known=known)
    assert package.parts["word/document.xml"] == known["word/document.xml"]


def test_a_part_set_anew_is_parsed_anew() -> None:
    package = DocxPackage({"word/document.xml": _document("<w:p/>")})
    first = package.xml("word/document.xml")
    assert package.xml("word/document.xml") is first
    package.parts["word/document.xml"] = _document("<w:p/><w:p/>")
    assert len(package.xml("word/document.xml")[0]) == 2


def test_a_missing_part_asked_for_its_tree_is_refused_naming_the_file() -> None:
    package = DocxPackage({"word/document.xml": _document()}, source="returned.docx")
    with pytest.raises(UntrustedDocumentError) as missing:
        package.xml("word/footnotes.xml")
    assert missing.value.reason == "part word/footnotes.xml is missing" and missing.value.path == "returned.docx"


def test_the_tag_budget_is_shared_by_every_part_of_a_package() -> None:
    twenty = _document("<w:p/>" * 16)  # 20 tags, counted as the parser counts them
    package = DocxPackage({"word/document.xml": twenty, "word/a.xml": twenty, "word/b.xml": twenty},
                          source="returned.docx", limits=LIMITS)
    assert package.parse("word/document.xml").tag == f"{{{W}}}document"
    assert package.xml("word/a.xml") is package.xml("word/a.xml")  # at the budget of 40, cached
    with pytest.raises(UntrustedDocumentError) as refused:
        package.parse("word/b.xml")
    assert refused.value.reason == "the document's XML parts hold more than 40 tags (reached in word/b.xml)"
    assert refused.value.path == "returned.docx"
    with pytest.raises(UntrustedDocumentError) as missing:
        package.parse("word/c.xml")
    assert missing.value.reason == "part word/c.xml is missing" and missing.value.path == "returned.docx"
    assert package.has("word/a.xml") and not package.has("word/c.xml")
    with pytest.raises(UntrustedDocumentError) as bad:
        DocxPackage({"word/document.xml": b"<w:document>"}, source="returned.docx").parse("word/document.xml")
    assert bad.value.path == "returned.docx" and "word/document.xml" in bad.value.reason


def test_a_strict_document_is_read_in_the_transitional_vocabulary() -> None:
    strict_w = "http://purl.oclc.org/ooxml/wordprocessingml/main"
    part = _document().replace(W.encode(), strict_w.encode())
    package = DocxPackage({"word/document.xml": part})
    assert not package.strict
    assert package.xml("word/document.xml").tag == f"{{{W}}}document" and package.strict
    assert transitional(part) == _document() and strict(_document()) == part
    relationships = f"http://purl.oclc.org/ooxml/officeDocument/relationships/x {OFFICE}/x".encode()
    assert transitional(relationships) == f"{OFFICE}/x {OFFICE}/x".encode()
    assert strict(transitional(relationships)) == \
        b"http://purl.oclc.org/ooxml/officeDocument/relationships/x " \
        b"http://purl.oclc.org/ooxml/officeDocument/relationships/x"


def test_a_part_counted_before_it_is_parsed_is_counted_once_by_its_next_parse_and_again_after() -> None:
    """``charge`` counts a part against the tag budget as parsing it would (for a reader that answers for its
    bytes without parsing them) and refuses as parsing would; the part's next parse is then neither counted
    nor checked again, but every parse after that is."""
    twenty = _document("<w:p/>" * 16)  # 20 tags, counted as the parser counts them
    parts = {"word/document.xml": twenty, "word/a.xml": twenty, "word/b.xml": twenty}
    package = DocxPackage(parts, source="returned.docx", limits=LIMITS)  # a budget of 40 tags
    package.charge("word/document.xml")
    package.charge("word/a.xml")
    with pytest.raises(UntrustedDocumentError) as refused:
        package.charge("word/b.xml")
    assert refused.value.reason == "the document's XML parts hold more than 40 tags (reached in word/b.xml)"
    assert refused.value.path == "returned.docx"
    with pytest.raises(UntrustedDocumentError, match="part word/c.xml is missing"):
        package.charge("word/c.xml")
    assert len(package.parse("word/document.xml")) == 1 and len(package.xml("word/a.xml")) == 1  # paid for
    with pytest.raises(UntrustedDocumentError, match="more than 40 tags"):
        package.parse("word/document.xml")  # parsed once more: counted
    again = DocxPackage(parts, source="returned.docx", limits=LIMITS)
    again.charge("word/document.xml")
    again.parse("word/document.xml")  # paid for: 20 tags of 40
    again.parse("word/a.xml")  # 40 of 40
    with pytest.raises(UntrustedDocumentError, match="more than 40 tags"):
        again.parse("word/b.xml")


def test_with_reuse_a_part_set_to_other_bytes_of_the_same_size_is_written_anew() -> None:
    original = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": _document("first"),
                     "word/media/image1.png": _noise(50)}, zipfile.ZIP_DEFLATED)
    parts = DocxPackage.from_bytes(original, source="returned.docx").parts
    assert isinstance(parts, Parts)
    parts["word/document.xml"] = _document("other")
    assert len(_document("other")) == len(_document("first"))
    assert parts.unchanged_member("word/document.xml") is None
    assert parts.unchanged_member("word/media/image1.png") is None, "not held: copied as a member, not reused"
    with zipfile.ZipFile(io.BytesIO(write_zip(parts, reuse=True))) as written:
        assert written.read("word/document.xml") == _document("other")
        assert written.read("word/media/image1.png") == parts["word/media/image1.png"]
    in_memory = DocxPackage({"word/document.xml": _document()}).parts  # no archive to reuse from
    assert write_zip(in_memory, reuse=True) == write_zip(in_memory)
