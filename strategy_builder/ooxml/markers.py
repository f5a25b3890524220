"""Section markers: the tokens the context puts where a tracked section begins and ends.

A template writes ``{{ section.begin }}`` at the start of a section's heading and ``{{ section.end }}``
after its last paragraph. The tokens are private-use characters around the section ID, which inputs can
never contain (the YAML reader refuses U+E000 and U+E001); after rendering, :mod:`strategy_builder.ooxml.bookmarks`
replaces each token with a Word bookmark and leaves no trace of it in the text. The tokens live here, in the
layer that reads them, so that the template context (above) and the bookmark writer share one definition.
"""

from __future__ import annotations

import re

OPEN = "\ue000"
CLOSE = "\ue001"
MARKER_PATTERN = re.compile(f"{OPEN}sb:(begin|end|anchor):([^{CLOSE}]+){CLOSE}")

BOOKMARK_PREFIX = "sb_"
"""Prefix of the bookmarks of tracked sections (and of the custom properties that name their sections)."""


def begin_marker(section_id: str) -> str:
    """The token that opens section ``section_id``."""
    return f"{OPEN}sb:begin:{section_id}{CLOSE}"


def end_marker(section_id: str) -> str:
    """The token that closes section ``section_id``."""
    return f"{OPEN}sb:end:{section_id}{CLOSE}"


def bookmark_name(section_id: str) -> str:
    """A Word-legal bookmark name for a section ID (letters, digits, underscore; 19 characters).

    Word and LibreOffice keep such names through an edit-and-save; the mapping back to the section ID is
    stored in the document's custom properties under the same name.
    """
    import hashlib  # here: loading OpenSSL's hashes costs a diff of two files (which names none) 3 ms

    return BOOKMARK_PREFIX + hashlib.sha256(section_id.encode("utf-8")).hexdigest()[:16]


ANCHOR_PATTERN_KIND = "anchor"
"""Marker kind of a heading that is not a tracked section but has a place in the contents (the executive
summary, the annexes): it becomes a hidden bookmark (``_Toc...``, as Word names those of its contents)."""


def anchor_marker(name: str) -> str:
    """The token that puts the bookmark ``name`` at the start of a heading (see :func:`anchor_name`)."""
    return f"{OPEN}sb:anchor:{name}{CLOSE}"


def anchor_name(key: str) -> str:
    """The hidden bookmark of an untracked heading: ``summary`` -> ``_Toc_summary``."""
    return f"_Toc_{key}"


LOGO_MARKER = f"{OPEN}sb:logo{CLOSE}"
"""What ``series.logo`` holds when strategy.yaml names a logo: the build puts the picture in its place."""


PENDING_MARKER = f"{OPEN}sb:pending{CLOSE}"
"""Put by a language version before a text printed in the source language because its translation is
missing or stale; the build replaces it with the "translation pending" label and highlights the run."""


def strip_pending(text: str) -> str:
    """``text`` without pending markers (for document properties, which cannot be highlighted)."""
    return text.replace(PENDING_MARKER, "")


# ----------------------------------------------------------------------------- value markers
#
# Every text the context renders from one YAML scalar (a paragraph of the situation, a priority's title, an
# action's text...) is wrapped in a pair of value markers carrying the value's index in the draft's table
# of values (see :mod:`strategy_builder.models.provenance`). The assembly turns each pair into a bookmark
# (:mod:`strategy_builder.ooxml.value_bookmarks`), so that a returned draft still says which YAML value
# every piece of its text came from. Unlike section markers, value markers never fail a build: a template
# that cuts one off (``|truncate``), renders a value twice or puts one in a header simply gets fewer
# bookmarks, and every stray marker is removed. The index is written in decimal digits and ``/``, which
# no Jinja filter changes (``upper``, ``title``...), between two private-use characters that inputs can
# never contain (the YAML reader refuses them).

VALUE_OPEN = "\ue002"
VALUE_CLOSE = "\ue003"
VALUE_MARKER_PATTERN = re.compile(f"{VALUE_OPEN}(/?)([0-9]{{1,9}}){VALUE_CLOSE}")
_STRAY_VALUE_CHARACTERS = re.compile(f"[{VALUE_OPEN}{VALUE_CLOSE}]")

VALUE_BOOKMARK_PREFIX = "sv_"
"""Prefix of the bookmarks that carry rendered values: ``sv_12`` (value 12), ``sv_12_2`` (its second copy)."""
_VALUE_BOOKMARK = re.compile(r"^sv_([0-9]{1,9})(?:_([0-9]{1,4}))?$")


def mark_value(index: int, text: str) -> str:
    """``text`` wrapped in the markers of value ``index``."""
    return f"{VALUE_OPEN}{index}{VALUE_CLOSE}{text}{VALUE_OPEN}/{index}{VALUE_CLOSE}"


def strip_value_markers(text: str) -> str:
    """``text`` without any value marker (nor a stray half of one)."""
    if VALUE_OPEN not in text and VALUE_CLOSE not in text:
        return text
    return _STRAY_VALUE_CHARACTERS.sub("", VALUE_MARKER_PATTERN.sub("", text))


def value_bookmark_name(index: int, occurrence: int = 1) -> str:
    """The bookmark of the ``occurrence``-th rendering of value ``index`` (a template may print a value twice)."""
    return f"{VALUE_BOOKMARK_PREFIX}{index}" if occurrence == 1 else f"{VALUE_BOOKMARK_PREFIX}{index}_{occurrence}"


def parse_value_bookmark(name: str) -> tuple[int, int] | None:
    """``sv_12_2`` -> ``(12, 2)``; ``None`` for any other name."""
    match = _VALUE_BOOKMARK.match(name)
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2) or 1)
