"""The styles a package defines, by id: content copied into it from another package (a return's runs and
paragraphs, its comments) may name only these (:mod:`strategy_builder.ooxml.merge`,
:func:`strategy_builder.ooxml.comments.write_comments`)."""

from __future__ import annotations

from strategy_builder.ooxml.namespaces import STYLE, STYLE_ID
from strategy_builder.ooxml.package import DocxPackage


def known_styles(package: DocxPackage) -> set[str]:
    """The style ids the package defines."""
    names = package.part_of_type("/styles")
    if not names:
        return set()
    return {style.get(STYLE_ID, "") for style in package.xml(names[0]).iter(STYLE)}


__all__ = ["known_styles"]
