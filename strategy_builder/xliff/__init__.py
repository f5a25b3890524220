"""XLIFF 2.1, the exchange format of translation tools: typed documents in, bytes out, and back.

Only the core of XLIFF 2 and its Metadata module are used: ``<file>`` per source file, ``<unit>`` per
translatable value with ``<notes>``, one ``<segment>`` with ``<source>`` and ``<target>``, and an
``mda:metadata`` group carrying what strategy-builder needs back (the fingerprint of the source text). The
reader is strict about what it needs and tolerant of everything a CAT tool may add (other modules,
attributes, ``<ignorable>``): what it does not understand it leaves alone.

This package is the only code outside ``ooxml/`` that parses XML; it builds its own hardened parser (no
DTD, no entities, no network), as ``ooxml/parser.py`` does for Word.
"""

from strategy_builder.xliff.document import (
    XLIFF_NAMESPACE, XliffDocument, XliffError, XliffFile, XliffNote, XliffUnit, read_xliff, write_xliff,
)

__all__ = ["XLIFF_NAMESPACE", "XliffDocument", "XliffError", "XliffFile", "XliffNote", "XliffUnit", "read_xliff",
           "write_xliff"]
