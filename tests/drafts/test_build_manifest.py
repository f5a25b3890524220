"""The manifest's bytes (drafts/build_manifest.py): written from the entries' kept JSON, they are what pydantic
writes for the whole manifest."""

from __future__ import annotations

from pathlib import Path

from strategy_builder.drafts.build_manifest import EntryFragments, manifest_json
from strategy_builder.models.manifest import Manifest


def test_the_manifest_written_from_kept_entries_is_the_manifest_written_whole(built_sample: Path) -> None:
    written = (built_sample / "build" / "drafts" / "001" / "manifest.json").read_bytes()
    manifest = Manifest.from_json(written)
    assert manifest.partners and manifest.language_versions  # both lists of entries are spliced in
    fragments: EntryFragments = {}
    assert manifest_json(manifest) == written
    assert manifest_json(manifest, fragments) == written  # every entry written, and kept
    assert {id(entry) for entry in [*manifest.partners, *manifest.language_versions]} == set(fragments)
    kept = dict(fragments)
    assert manifest_json(manifest, fragments) == written  # every entry taken from what was kept
    assert all(fragments[key][1] is kept[key][1] for key in kept)
    # One entry new (a partner rebuilt): written again, the old one's JSON no longer kept.
    rebuilt = manifest.partners[0].model_copy(update={"words": manifest.partners[0].words + 1})
    changed = manifest.model_copy(update={"partners": [rebuilt, *manifest.partners[1:]]})
    assert manifest_json(changed, fragments) == manifest_json(changed)
    assert id(manifest.partners[0]) not in fragments and id(rebuilt) in fragments
    # Without language versions (excluded, as always) and without any entry.
    for bare in (manifest.model_copy(update={"language_versions": []}),
                 manifest.model_copy(update={"partners": [], "language_versions": []})):
        assert manifest_json(bare, {}) == manifest_json(bare)
