"""The one reader and writer of what a draft says about itself (stamps and section names)."""

from __future__ import annotations

from conftest import REPO
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.properties import read_custom_properties, write_custom_properties
from strategy_builder.ooxml.stamps import DraftStamps, read_stamps, write_stamps

STAMPS = DraftStamps(partner="AM", draft="003", version="0.1.0", inputs_sha256="a" * 64, template_sha256="b" * 64)


def _template() -> DocxPackage:
    return DocxPackage.open(REPO / "templates" / "strategy.docx")


def test_written_stamps_and_section_names_read_back() -> None:
    package = _template()
    write_stamps(package, STAMPS, {"sb_0123456789abcdef": "AM/situation"})
    found = read_stamps(DocxPackage.from_bytes(package.to_bytes()))
    assert found.stamps == STAMPS and found.stamps.made_by_strategy_builder
    assert found.sections == {"sb_0123456789abcdef": "AM/situation"}
    assert list(found.stamps.as_dict()) == ["draft", "inputs_sha256", "partner", "template_sha256", "version"]


def test_other_custom_properties_are_kept_and_not_taken_for_stamps() -> None:
    package = _template()
    write_custom_properties(package, {"Client": "Ministry", "strategy_builder.unknown": "x"})
    write_stamps(package, STAMPS, {})
    properties = read_custom_properties(package)
    assert properties["Client"] == "Ministry"
    assert read_stamps(package).stamps == STAMPS


def test_a_document_strategy_builder_did_not_make_has_no_stamps() -> None:
    found = read_stamps(_template())
    assert found.stamps == DraftStamps() and not found.stamps.made_by_strategy_builder
    assert found.sections == {} and found.stamps.as_dict() == {}


def test_stamps_with_stray_spaces_are_read_trimmed() -> None:
    package = _template()
    write_custom_properties(package, {"strategy_builder.partner": " AM ", "strategy_builder.draft": "003\n"})
    stamps = read_stamps(package).stamps
    assert (stamps.partner, stamps.draft) == ("AM", "003")
