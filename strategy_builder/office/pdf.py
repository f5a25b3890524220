"""Reading LibreOffice's PDFs back: the page of each Word bookmark, and fixed dates for byte-identical files.

LibreOffice exports every Word bookmark as a named destination when asked
(:attr:`PdfExport.bookmark_destinations`); the layout pass reads their pages to write the contents.
A PDF written twice from the same document differs only in its creation date and its file identifier;
:func:`make_reproducible` sets both from the document, in place and at the same length, so that the
cross-reference offsets stay valid.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path


def destination_name(bookmark: str) -> str:
    """The name LibreOffice gives the PDF destination of a Word bookmark: characters other than ASCII
    letters and digits are written as their hexadecimal code (``sb_1f`` -> ``sb5F1f``)."""
    return "".join(c if c.isascii() and c.isalnum() else f"{ord(c):02X}" for c in bookmark)


def bookmark_pages(pdf: Path, bookmarks: list[str]) -> dict[str, int]:
    """Bookmark -> page (1-based) of those ``bookmarks`` the PDF has a destination for."""
    from pypdf import PdfReader  # imported here: only drafts that are laid out pay for it

    reader = PdfReader(str(pdf))
    destinations = reader.named_destinations
    wanted = {destination_name(b): b for b in bookmarks}
    pages: dict[str, int] = {}
    for name, destination in destinations.items():
        bookmark = wanted.get(str(name).lstrip("/"))
        if bookmark is None:
            continue
        page = reader.get_destination_page_number(destination)
        if page is not None and page >= 0:
            pages[bookmark] = page + 1
    return pages


def page_count(pdf: Path) -> int:
    """The number of pages of a PDF."""
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


_CREATION = re.compile(rb"/(CreationDate|ModDate)\(D:(\d{14})")
_IDENTIFIER = re.compile(rb"/ID \[ ?<([0-9A-Fa-f]{32})>\s*<([0-9A-Fa-f]{32})> ?\]")
_CHECKSUM = re.compile(rb"/DocChecksum /([0-9A-Fa-f]{32})")


def make_reproducible(data: bytes, date: dt.date, seed: str) -> bytes:
    """``data`` with its creation date set to ``date`` (midnight UTC), and its file identifier and
    LibreOffice's ``/DocChecksum`` (a hash over the content and the time) derived from ``seed`` (e.g. the
    hash of the .docx it was made from). Same length, so offsets stay valid."""
    stamp = date.strftime("%Y%m%d").encode("ascii") + b"000000"
    data = _CREATION.sub(lambda m: b"/" + m.group(1) + b"(D:" + stamp, data)
    identifier = hashlib.md5(seed.encode("utf-8"), usedforsecurity=False).hexdigest().upper().encode("ascii")
    data = _IDENTIFIER.sub(lambda m: m.group(0).replace(m.group(1), identifier).replace(m.group(2), identifier),
                           data)
    checksum = hashlib.md5(b"checksum:" + seed.encode("utf-8"), usedforsecurity=False).hexdigest().upper()
    return _CHECKSUM.sub(b"/DocChecksum /" + checksum.encode("ascii"), data)
