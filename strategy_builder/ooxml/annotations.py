"""Everything a reviewer left in a returned document, located: comments, replies and tracked changes.

:func:`read_annotations` reads the stories of a document once and hands the review layer typed values:
the document's stamps, its tracked sections over body paragraphs, every comment and change with the body
paragraph it belongs to, and the nearest heading of every body paragraph.
"""

from __future__ import annotations

from typing import NamedTuple

from strategy_builder.ooxml.bookmarks import FoundSection, find_sections
from strategy_builder.ooxml.comments import Comment, read_comments
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.stamps import DocumentStamps, read_stamps
from strategy_builder.ooxml.stories import Locator, document_stories
from strategy_builder.ooxml.tracked import Change, read_changes
from strategy_builder.ooxml.value_edits import ValueEdits, read_value_edits


class Annotations(NamedTuple):
    """The comments and tracked changes of a document, and what locates them."""

    stamps: DocumentStamps
    sections: list[FoundSection]
    """The tracked sections over body paragraphs (empty for a document strategy-builder did not make)."""
    comments: list[Comment]
    changes: list[Change]
    headings: list[str]
    """For every body paragraph, the text of the nearest heading at or before it (``""``: none)."""
    value_edits: ValueEdits | None = None
    """The body's text as pieces in and around printed values (only when asked for: ``values=True``)."""

    def heading(self, paragraph: int | None) -> str:
        """The nearest heading at or before body paragraph ``paragraph`` (``""``: none or unknown)."""
        if paragraph is None or not self.headings:
            return ""
        return self.headings[min(max(paragraph, 0), len(self.headings) - 1)]


def read_annotations(package: DocxPackage, *, values: bool = False) -> Annotations:
    """Read every comment and tracked change of ``package`` with their places, in document order; with
    ``values``, also which printed value every piece of the body's text belongs to (for ``propose``)."""
    stories = document_stories(package)
    locator = Locator(package, stories)
    stamps = read_stamps(package)
    sections = (find_sections(stories[0].root, stamps.sections, locator.paragraphs)
                if stamps.stamps.made_by_strategy_builder else [])
    comments = read_comments(package, stories, locator)
    changes = read_changes(stories, locator)
    headings = [locator.heading(index) for index in range(len(locator.paragraphs))]
    edits = read_value_edits(stories[0].root, changes, locator) if values else None
    return Annotations(stamps, sections, comments, changes, headings, edits)


__all__ = ["Annotations", "read_annotations"]
