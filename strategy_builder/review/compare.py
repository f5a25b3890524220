"""What ``diff OLD NEW`` compares: drafts (by number or folder) partner by partner, or two .docx files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from strategy_builder.digits import whole_number
from strategy_builder.errors import EnvironmentProblem
from strategy_builder.layout import ProjectLayout, read_manifest
from strategy_builder.records import ValueRecord
from strategy_builder.review.diff import DocumentDiff, diff_documents
from strategy_builder.review.review_document import ReviewDocument, read_document

if TYPE_CHECKING:  # a manifest is read (and its models imported) only for a draft folder that has one
    from strategy_builder.models.manifest import Manifest, ManifestSection
    from strategy_builder.review.attribution import BuildPair

PartnerStatus = Literal["added", "removed", "changed", "unchanged"]


class Side(ValueRecord):
    """One side of a comparison: a draft folder (with its manifest when it has one) or a single file."""

    __slots__ = ("label", "kind", "path", "manifest", "documents")

    label: str
    kind: Literal["draft", "file"]
    path: Path
    manifest: Manifest | None
    documents: dict[str, Path]
    """Partner code (or file stem) -> .docx path."""

    def __init__(self, label: str, kind: Literal["draft", "file"], path: Path, manifest: Manifest | None = None,
                 documents: dict[str, Path] | None = None) -> None:
        self.label = label
        self.kind = kind
        self.path = path
        self.manifest = manifest
        self.documents = {} if documents is None else documents

    @property
    def draft_number(self) -> int | None:
        return self.manifest.draft if self.manifest is not None else None


class PartnerDiff(NamedTuple):
    """One partner's documents compared (``diff`` is ``None`` when the partner is on one side only)."""

    code: str
    name: str | None
    status: PartnerStatus
    old_file: Path | None
    new_file: Path | None
    diff: DocumentDiff | None = None


class MetaChange(NamedTuple):
    """A change of what the drafts were built with (template, tool, strategy settings)."""

    field: str
    old: str | int
    """As the manifest records it: an integer for ``consultation_round``, text for the others."""
    new: str | int


class Comparison(ValueRecord):
    """Everything a report needs: both sides, every partner's diff and the metadata changes."""

    __slots__ = ("old", "new", "partners", "metadata")

    old: Side
    new: Side
    partners: list[PartnerDiff]
    metadata: list[MetaChange]

    def __init__(self, old: Side, new: Side, partners: list[PartnerDiff],
                 metadata: list[MetaChange] | None = None) -> None:
        self.old = old
        self.new = new
        self.partners = partners
        self.metadata = [] if metadata is None else metadata

    @property
    def has_changes(self) -> bool:
        """Whether the documents differ in anything a reader sees (the ``--exit-code`` question): a section,
        a partner added or removed, or content outside tracked sections (such as the draft number)."""
        return any(p.status != "unchanged" or (p.diff is not None and p.diff.outside_changed) for p in self.partners)

    @property
    def both_builds(self) -> bool:
        return self.old.manifest is not None and self.new.manifest is not None


def _draft_side(folder: Path, label: str, language: str | None = None) -> Side:
    manifest = read_manifest(folder)
    if manifest is not None:
        documents = {p.code: folder / p.file for p in manifest.partners}
        if language is not None:  # a language version: its documents, ru/<CODE>.docx
            documents = {d.code: folder / d.file for d in manifest.language_versions if d.language == language}
            if not documents:
                raise EnvironmentProblem(f"{folder}: the draft has no '{language}' version",
                                         hint="languages are declared in inputs/strategy.yaml; see the manifest's "
                                              "language_versions")
        if manifest.draft is not None:
            label = f"{'overview' if manifest.series == 'overview' else 'draft'} {manifest.draft:03d}"
            label += f" ({language})" if language else ""
    else:
        documents = {p.stem: p for p in sorted(folder.glob("*.docx")) if not p.name.startswith("~$")}
    if not documents:
        raise EnvironmentProblem(f"{folder}: no .docx files and no manifest.json in this folder",
                                 hint="give a draft number, a draft folder or a .docx file")
    return Side(label, "draft", folder, manifest, documents)


def resolve_side(spec: str, project_dir: Path, *, role: str, language: str | None = None) -> Side:
    """Turn ``3``, ``build/drafts/003`` or ``AM.docx`` into a :class:`Side`; errors name ``role`` (OLD/NEW).
    ``language``: a draft's documents in that language version (``ru/<CODE>.docx``)."""
    number = whole_number(spec)
    if number is not None:
        layout = ProjectLayout.of(project_dir)
        folder = layout.draft_dir(number)
        if not folder.is_dir():
            numbers = layout.draft_numbers()
            known = ", ".join(str(n) for n in numbers) if numbers else "none yet"
            raise EnvironmentProblem(f"{role}: there is no draft {number} in {layout.drafts_dir}",
                                     hint=f"drafts of this project: {known}; or pass --project DIR")
        return _draft_side(folder, f"draft {number:03d}", language)
    path = Path(spec)
    if path.is_dir():
        return _draft_side(path, str(path), language)
    if path.is_file():
        return Side(str(path), "file", path, None, {path.stem: path})
    raise EnvironmentProblem(f"{role}: {spec} is neither a draft number, a draft folder nor a file",
                             hint="examples: 3, build/drafts/003, returned/AM.docx")


def _name(side: Side, code: str) -> str | None:
    if side.manifest is not None:
        partner = side.manifest.partner(code)
        return partner.name if partner else None
    return None


def _pair_documents(old: Side, new: Side) -> list[tuple[str, Path | None, Path | None]]:
    """Which old document goes with which new one."""
    if old.kind == "file" and new.kind == "file":
        (old_path,), (new_path,) = old.documents.values(), new.documents.values()
        return [(new_path.stem, old_path, new_path)]
    if old.kind == "file" or new.kind == "file":
        # A returned file against a draft: the file says which partner it is (or is named after it).
        file_side, draft_side = (old, new) if old.kind == "file" else (new, old)
        (path,) = file_side.documents.values()
        document = read_document(path)
        code = document.partner or path.stem
        other = draft_side.documents.get(code)
        language = document.body.stamps.stamps.language
        if language and draft_side.manifest is not None:  # a returned language version: its own draft document
            version = draft_side.manifest.language_document(code, language)
            other = draft_side.path / version.file if version is not None else None
        if other is None:
            raise EnvironmentProblem(f"{path}: partner {code} is not in {draft_side.label}",
                                     hint="compare it with a .docx file instead")
        return [(code, path, other) if file_side is old else (code, other, path)]
    codes = list(dict.fromkeys([*new.documents, *old.documents]))
    return [(code, old.documents.get(code), new.documents.get(code)) for code in codes]


def _metadata(old: Side, new: Side) -> list[MetaChange]:
    if old.manifest is None or new.manifest is None:
        return []
    changes = []
    for name in ("tool_version", "template_sha256", "strategy_sha256", "consultation_round", "issued"):
        before, after = getattr(old.manifest, name), getattr(new.manifest, name)
        if before != after:
            changes.append(MetaChange(name, before, after))
    return changes


def _builds(old: Side, new: Side, project_dir: Path) -> BuildPair | None:
    if old.manifest is None or new.manifest is None:
        return None
    from strategy_builder.review.attribution import BuildPair, DraftInputs  # two builds only: their inputs

    return BuildPair(old.manifest, new.manifest, DraftInputs(old.path, project_dir), DraftInputs(new.path, project_dir))


def _attribute(diff: DocumentDiff, partner: str, builds: BuildPair) -> None:
    from strategy_builder.review.attribution import attribute_section

    for section in diff.sections:
        section.attribution = attribute_section(section, partner, builds)


def _recorded(side: Side, code: str) -> list[ManifestSection] | None:
    """The sections a build recorded for partner ``code`` (``None`` for a side that is not a build)."""
    if side.manifest is None or side.kind != "draft":
        return None
    partner = side.manifest.partner(code)
    return partner.sections if partner is not None else None


def compare_sides(old: Side, new: Side, *, project_dir: Path,
                  documents: dict[Path, ReviewDocument] | None = None) -> Comparison:
    """Compare two sides partner by partner; ``documents`` may hold already read documents by path.

    When both sides are builds, every changed, moved, added or removed section carries its attribution
    (the input fields, template or tool behind it); ``project_dir`` is the project whose current inputs
    stand in for a draft without an inputs snapshot.
    """
    cache = documents if documents is not None else {}
    builds = _builds(old, new, project_dir)

    def load(path: Path) -> ReviewDocument:
        if path not in cache:
            cache[path] = read_document(path)
        return cache[path]

    partners: list[PartnerDiff] = []
    for code, old_path, new_path in _pair_documents(old, new):
        name = _name(new, code) or _name(old, code)
        if old_path is None or new_path is None:
            partners.append(PartnerDiff(code, name, "added" if old_path is None else "removed", old_path, new_path))
            continue
        # Two builds: their sections are classified as the build classified them (the manifests' hashes).
        diff = diff_documents(load(old_path), load(new_path), old_manifest=_recorded(old, code),
                              new_manifest=_recorded(new, code))
        if builds is not None:
            _attribute(diff, code, builds)
        status: PartnerStatus = "changed" if diff.has_changes else "unchanged"
        partners.append(PartnerDiff(code, name, status, old_path, new_path, diff))
    return Comparison(old, new, partners, _metadata(old, new))


def compare(old_spec: str, new_spec: str, project_dir: Path, language: str | None = None) -> Comparison:
    """Resolve OLD and NEW (draft numbers, draft folders or files) and compare them; ``language`` compares the
    drafts' documents in that language version."""
    return compare_sides(resolve_side(old_spec, project_dir, role="OLD", language=language),
                         resolve_side(new_spec, project_dir, role="NEW", language=language), project_dir=project_dir)


__all__ = ["Comparison", "MetaChange", "PartnerDiff", "Side", "compare", "compare_sides", "resolve_side"]
