"""The manifest model: format 2 is written; format 1 manifests (drafts built before) are still read."""

from __future__ import annotations

import json

import pytest

from strategy_builder.models.manifest import MANIFEST_FORMAT, Manifest


def _section(section_id: str, status: str) -> dict:
    return {"id": section_id, "kind": "priority", "number": "2.1", "title": "T", "bookmark": "sb_x",
            "content_hash": "0" * 64, "source_file": "inputs/partners/AM.yaml", "source_line": 3,
            "source_path": "areas.integration.priorities.0", "status": status}


def _manifest(format_: int, statuses: list[str]) -> dict:
    return {"format": format_, "tool": "strategy-builder", "tool_version": "0.1.0", "draft": 2, "previous_draft": 1,
            "fingerprint": "f", "template_file": "templates/strategy.docx", "template_sha256": "t",
            "strategy_file": "inputs/strategy.yaml", "strategy_sha256": "s", "consultation_round": 1,
            "issued": "2010-11-15",
            "partners": [{"code": "AM", "name": "Armenia", "file": "AM.docx", "docx_sha256": "d",
                          "input_file": "inputs/partners/AM.yaml", "input_sha256": "i", "words": 10,
                          "sections": [_section(f"AM/integration/p{i}", s) for i, s in enumerate(statuses)],
                          "removed_sections": [_section("AM/integration/gone", "removed")]}]}


def test_a_format_1_manifest_is_read_with_its_statuses_in_format_2_words() -> None:
    manifest = Manifest.from_json(json.dumps(_manifest(1, ["new", "changed", "unchanged"])))
    assert manifest.format == MANIFEST_FORMAT == 2
    (partner,) = manifest.partners
    assert [s.status for s in partner.sections] == ["added", "changed", "unchanged"]
    assert [s.edited for s in partner.sections] == [False, True, False]
    assert partner.sections[0].previous_number is None
    assert partner.removed_sections[0].status == "removed"


def test_format_2_round_trips_and_unknown_formats_are_refused() -> None:
    data = _manifest(2, ["added", "moved", "renumbered"])
    data["partners"][0]["sections"][1].update(previous_id="AM/legal_migration/p1", previous_number="4.1",
                                              previous_title="T", edited=False)
    manifest = Manifest.from_json(json.dumps(data))
    assert Manifest.from_json(manifest.model_dump_json()) == manifest
    assert manifest.partners[0].sections[1].previous_id == "AM/legal_migration/p1"
    for bad in (_manifest(3, []), {"format": 1}, [1, 2]):
        with pytest.raises(ValueError):
            Manifest.from_json(json.dumps(bad))
