"""Why a section changed between two builds: which input fields (file and line), or the template or tool.

Each draft's manifest records, per section, the hash of its input data and the field path it came
from; each draft folder keeps a snapshot of its inputs (``<draft>/inputs/``, written by the build), so
the YAML of both sides can be compared field by field even after the inputs have moved on. Without a
snapshot the current input file is used when its hash is the one the manifest recorded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from strategy_builder.digits import whole_number
from strategy_builder.files import RefusedFile, read_limited
from strategy_builder.limits import YAML_FILE_BYTES
from strategy_builder.models.source_map import FieldPath, YamlDocument, format_path, value_at

if TYPE_CHECKING:  # the comparison's sections carry an attribution; this module only reads them
    from strategy_builder.models.manifest import Manifest, ManifestSection
    from strategy_builder.review.diff import SectionDiff

Cause = Literal["inputs", "order", "template", "tool", "draft", "unknown"]
FieldChangeKind = Literal["changed", "added", "removed"]
MAX_FIELDS = 25
"""Field changes listed per section; a rewritten priority is summarised by its first fields."""


class FieldChange(NamedTuple):
    """One changed input field: its path, both values, and where it is written (new side, else old)."""

    path: str
    change: Literal["changed", "added", "removed"]
    old: Any
    new: Any
    file: str
    line: int | None


@dataclass(slots=True)
class Attribution:
    """The cause of a section's change and the evidence for it."""

    cause: Cause
    summary: str
    fields: list[FieldChange] = field(default_factory=list)
    source_file: str | None = None
    source_line: int | None = None


def _parse_path(text: str) -> FieldPath:
    return tuple(p if (n := whole_number(p)) is None else n for p in text.split(".") if p)


def field_changes(old: Any, new: Any,
                  path: FieldPath = ()) -> list[tuple[FieldPath, FieldPath, FieldChangeKind, Any, Any]]:
    """Leaf differences of two YAML values: (old path, new path, kind, old, new); list items match by ``id``."""
    result: list[tuple[FieldPath, FieldPath, FieldChangeKind, Any, Any]]
    if isinstance(old, dict) and isinstance(new, dict):
        result = []
        for key in dict.fromkeys([*new, *old]):
            if key not in old:
                result.append((path + (key,), path + (key,), "added", None, new[key]))
            elif key not in new:
                result.append((path + (key,), path + (key,), "removed", old[key], None))
            else:
                result.extend(field_changes(old[key], new[key], path + (key,)))
        return result
    if isinstance(old, list) and isinstance(new, list):
        ids_old = [x.get("id") if isinstance(x, dict) else None for x in old]
        ids_new = [x.get("id") if isinstance(x, dict) else None for x in new]
        if all(ids_old) and all(ids_new) and old and new:
            result = []
            for index, item in enumerate(new):
                if item["id"] in ids_old:
                    before = ids_old.index(item["id"])
                    result.extend((a[:len(path)] + (before,) + a[len(path) + 1:], b, kind, x, y)
                                  for a, b, kind, x, y in field_changes(old[before], item, path + (index,)))
                else:
                    result.append((path + (index,), path + (index,), "added", None, item))
            result.extend((path + (i,), path + (i,), "removed", item, None)
                          for i, item in enumerate(old) if item["id"] not in ids_new)
            if [i for i in ids_new if i in ids_old] != [i for i in ids_old if i in ids_new]:
                result.append((path, path, "changed", [i for i in ids_old], [i for i in ids_new]))
            return result
        if len(old) == len(new):
            return [c for index, (a, b) in enumerate(zip(old, new, strict=True))
                    for c in field_changes(a, b, path + (index,))]
    if old != new:
        return [(path, path, "changed", old, new)]
    return []


class DraftInputs:
    """The YAML documents of one draft, read from its snapshot (or the matching current file)."""

    def __init__(self, draft_dir: Path, project_dir: Path) -> None:
        self.draft_dir = draft_dir
        self.project_dir = project_dir
        self.cache: dict[str, YamlDocument | None] = {}

    def document(self, relative: str, sha256: str | None) -> YamlDocument | None:
        if relative not in self.cache:
            self.cache[relative] = None
            # The draft's snapshot first; today's file only if it is the one this draft was built from.
            for candidate, must_match in ((self.draft_dir / relative, False), (self.project_dir / relative, True)):
                if not candidate.is_file():
                    continue
                if must_match and (sha256 is None or _sha256(candidate) != sha256):
                    continue
                from strategy_builder.inputs.yamlsource import read_yaml  # only builds carry inputs

                document, _ = read_yaml(candidate, relative)
                if document is not None:
                    self.cache[relative] = document
                    break
        return self.cache[relative]


def _section_fields(old_doc: YamlDocument | None, new_doc: YamlDocument | None, old: ManifestSection | None,
                    new: ManifestSection | None, file: str) -> list[FieldChange] | None:
    if old_doc is None or new_doc is None:
        return None
    old_path = _parse_path(old.source_path) if old else None
    new_path = _parse_path(new.source_path) if new else None
    before = value_at(old_doc.data, old_path) if old_path is not None else None
    after = value_at(new_doc.data, new_path) if new_path is not None else None
    base_old, base_new = old_path or new_path or (), new_path or old_path or ()
    changes = []
    for a, b, kind, x, y in field_changes(before, after):
        where_new, where_old = base_new + b, base_old + a
        position = new_doc.source_map.locate(where_new) if kind != "removed" else old_doc.source_map.locate(where_old)
        changes.append(FieldChange(format_path(where_new if kind != "removed" else where_old), kind, x, y, file,
                                   position[0] if position else None))  # type: ignore[arg-type]
    return changes[:MAX_FIELDS]


class BuildPair(NamedTuple):
    """The two builds a comparison of drafts stands on: their manifests and their inputs."""

    old_manifest: Manifest
    new_manifest: Manifest
    old_inputs: DraftInputs
    new_inputs: DraftInputs


def attribute_section(section: SectionDiff, partner: str, builds: BuildPair) -> Attribution | None:
    """Why ``section`` of ``partner`` changed between two builds (input fields, order, template, tool);
    ``None`` when it did not or the manifests do not know it."""
    if section.status == "unchanged":
        return None
    kind, section_id = section.kind, section.section_id
    old_manifest, new_manifest = builds.old_manifest, builds.new_manifest
    old_partner, new_partner = old_manifest.partner(partner), new_manifest.partner(partner)
    old_inputs, new_inputs = builds.old_inputs, builds.new_inputs
    if kind == "outside":
        if old_manifest.template_sha256 != new_manifest.template_sha256:
            return Attribution("template", "the template changed (outside tracked sections)")
        return Attribution("draft", "written for each draft (draft number, date, changes table), not from inputs")
    if section_id is None and section.old_id is None:
        return None
    old_id = section.old_id or section_id  # a priority that moved to another area had another ID
    old = next((s for s in (old_partner.sections if old_partner else []) if s.id == old_id), None)
    new = next((s for s in (new_partner.sections if new_partner else []) if s.id == section_id), None)
    reference = new or old
    if reference is None:
        return None
    file, line = reference.source_file, reference.source_line
    content_changed = old is None or new is None or old.content_hash != new.content_hash
    if not file and content_changed:  # a section of the overview that sums over every partner
        return Attribution("inputs", "counts over every partner changed: see the partners' sections for the "
                                     "input fields")
    if content_changed:
        old_doc = old_inputs.document(old.source_file, old_partner.input_sha256) if old and old_partner else None
        new_doc = new_inputs.document(new.source_file, new_partner.input_sha256) if new and new_partner else None
        fields = _section_fields(old_doc, new_doc, old, new, file)
        if old is None:
            summary = f"added in {file}" + (f":{new.source_line}" if new and new.source_line else "")
        elif new is None:
            summary = f"removed from {file}" + (f" (it was at line {old.source_line})" if old.source_line else "")
        elif fields:
            summary = "; ".join(f"{f.path} {f.change}" for f in fields[:3]) + (" ..." if len(fields) > 3 else "")
        elif fields is None:
            summary = f"its input data changed ({file}); no snapshot of both drafts' inputs to compare fields"
        else:
            summary = "shared settings changed (inputs/strategy.yaml: names of states or stakeholders)"
        return Attribution("inputs", summary, fields or [], file, line)
    if section.status == "moved":
        where = (f"from {old.source_path} to {new.source_path}" if old and new and old.source_path != new.source_path
                 else "among its neighbours")
        return Attribution("order", f"entries reordered in {file}: moved {where}", [], file, line)
    if section.status == "renumbered":
        return Attribution("order", f"numbered {section.old_number} → {section.new_number}: sections before it "
                                    f"were added, removed or moved in {file}", [], file, line)
    if old_manifest.template_sha256 != new_manifest.template_sha256:
        return Attribution("template", "the template changed; the section's inputs did not", [], file, line)
    if old_manifest.tool_version != new_manifest.tool_version:
        return Attribution("tool", f"strategy-builder changed ({old_manifest.tool_version} -> "
                                   f"{new_manifest.tool_version}); the inputs did not", [], file, line)
    return Attribution("unknown", "the inputs, template and tool are unchanged: edited outside the build?",
                       [], file, line)


def _sha256(path: Path) -> str | None:
    """The sha256 of an input file read within the YAML file limit, or ``None`` when it cannot be read."""
    try:
        return hashlib.sha256(read_limited(path, YAML_FILE_BYTES)).hexdigest()
    except (OSError, RefusedFile):
        return None


__all__ = ["Attribution", "BuildPair", "DraftInputs", "FieldChange", "attribute_section", "field_changes"]
