"""Drawings in a rendered document: ids that template loops duplicate."""

from __future__ import annotations

import re

_DOCPR_ID = re.compile(rb'(<wp:docPr\b[^>]*?\bid=")(\d+)(")')


def renumber_drawing_ids(document_xml: bytes) -> bytes:
    """Give every ``wp:docPr`` a unique id, in document order: a loop repeating a picture repeats its id,
    and Word refuses a document with duplicate drawing ids."""
    counter = iter(range(1, 10_000_000))
    return _DOCPR_ID.sub(lambda m: m.group(1) + str(next(counter)).encode() + m.group(3), document_xml)
