"""Section markers: the tokens the context puts where a tracked section begins and ends.

A template writes ``{{ section.begin }}`` at the start of a section's heading and ``{{ section.end }}``
after its last paragraph. The tokens are private-use characters around the section ID, which inputs can
never contain (the YAML reader refuses U+E000 and U+E001); after rendering, :mod:`strategy_builder.ooxml.bookmarks`
replaces each token with a Word bookmark and leaves no trace of it in the text. The tokens live here, in the
layer that reads them, so that the template context (above) and the bookmark writer share one definition.
"""

from __future__ import annotations

import hashlib
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
