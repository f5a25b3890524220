"""What ``build`` is asked and what it answers: its options, its progress callback, and its result with one
outcome per document written (shared by the draft, the preview and the watcher)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from strategy_builder.errors import Findings
from strategy_builder.languages.records import FRONT_MATTER_SUFFIX
from strategy_builder.models.manifest import Manifest, ManifestLanguageDocument, ManifestLayout
from strategy_builder.ooxml.markers import strip_pending
from strategy_builder.ooxml.text_patch import MainPartMemo

if TYPE_CHECKING:
    from strategy_builder.drafts.build_manifest import EntryFragments
    from strategy_builder.drafts.planning import Planned

Progress = Callable[[str, int, int], None]
"""Called with (message, done, total) as the build advances."""


class BuildOptions(NamedTuple):
    """What the user asked of ``build``."""

    force: bool = False
    preview: bool = False
    partners: frozenset[str] = frozenset()
    template: Path | None = None
    jobs: int = 0
    wait_seconds: float = 60.0
    strict: bool = False
    redlines: bool | None = None
    """Write redlines against the previous draft; ``None``: as ``build.redlines`` in strategy.yaml."""
    html_report: bool | None = None
    """Write an HTML diff report against the previous draft; ``None``: as ``build.html_report``."""
    pdf: bool | None = None
    """Write ``<CODE>.pdf`` beside each .docx (needs LibreOffice); ``None``: as ``build.pdf``."""
    allow_untranslated: bool | None = None
    """Circulate language versions whose translations are missing or stale, printing the source text marked
    "translation pending"; ``None``: as ``build.allow_untranslated``."""


@dataclass(slots=True)
class RebuildMemory:
    """What a long-lived process that builds the same preview again and again (``build --preview --watch``)
    keeps from one build to the next; every file is the same bytes as without it.

    ``documents``: per document name (``AM``, ``ru/AM``), what finishing its main part made last time (the
    next one whose wording alone changed is patched, see :mod:`strategy_builder.ooxml.text_patch`; one whose
    structure changed is finished group by group, see :mod:`strategy_builder.ooxml.block_finish`);
    ``manifest``: the preview's manifest as last written, with the stamp (modification time, size, inode)
    its file had then: while the file has that stamp, it is what reading the file would give;
    ``later``: what the input cache learnt during the build, written by :meth:`run_later` once the rebuild
    has been reported (see :class:`~strategy_builder.inputs.cache.InputCache`), which also frees the
    trees the documents' memos gave up."""

    documents: dict[str, MainPartMemo] = field(default_factory=dict)
    manifest: tuple[tuple[int, int, int], Manifest] | None = None
    manifest_fragments: EntryFragments = field(default_factory=dict)
    """The JSON of the manifest's entries as last written
    (see :func:`~strategy_builder.drafts.build_manifest.manifest_json`)."""
    later: list[Callable[[], None]] = field(default_factory=list)

    def run_later(self) -> None:
        """Make the calls put off until the rebuild was reported, in order, check what the documents' memos
        kept (:meth:`MainPartMemo.check`, :meth:`~strategy_builder.ooxml.block_finish.BlockMemo.verify`) and
        free the trees they gave up (see :attr:`MainPartMemo.retired`)."""
        while self.later:
            self.later.pop(0)()
        for memo in self.documents.values():
            memo.check()
            memo.blocks.verify()
            memo.release()

    def document(self, name: str) -> MainPartMemo:
        """The memo of document ``name`` (an empty one the first time)."""
        return self.documents.setdefault(name, MainPartMemo())


class PartnerOutcome(NamedTuple):
    """One partner's document in the result."""

    code: str
    name: str
    path: Path
    sections: int
    words: int
    rendered: bool
    pages: int | None = None
    pdf: Path | None = None
    language: str = ""
    """The language of a language version (``ru``); ``""`` for the source language."""
    pending: int = 0
    """Values a language version printed untranslated."""


@dataclass(slots=True)
class BuildResult:
    """What a build did: a new draft, a preview, or nothing because nothing changed."""

    kind: Literal["draft", "preview", "unchanged"]
    directory: Path
    draft: int | None
    previous: int | None
    partners: list[PartnerOutcome] = field(default_factory=list)
    warnings: Findings = field(default_factory=Findings)
    seconds: float = 0.0
    cleaned: list[Path] = field(default_factory=list)
    template: Path | None = None
    """The Word template the documents were rendered with."""
    packaged_template: bool = False
    """Whether that is the default template shipped with strategy-builder (the project has no templates/)."""
    layout: ManifestLayout | None = None
    register: Path | None = None
    """The comment register (review.register) refreshed after publishing the draft, if one was."""


def version_outcomes(versions: list[ManifestLanguageDocument], directory: Path, planned: list[Planned],
                     rendered: set[str] | None = None) -> list[PartnerOutcome]:
    names = {(plan.language, plan.partner.code): plan.partner.model.name for plan in planned}
    return [PartnerOutcome(d.code, strip_pending(names.get((d.language, d.code), d.code)), directory / d.file,
                           len([s for s in d.sections if not s.id.endswith(FRONT_MATTER_SUFFIX)]), d.words,
                           rendered is None or d.file in rendered, d.pages,
                           directory / d.pdf_file if d.pdf_file else None, d.language, len(d.pending))
            for d in versions]
