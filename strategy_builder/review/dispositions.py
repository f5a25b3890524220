"""Dispositions linked to drafts: which later draft answered each row of the comment register.

A priority, an action, an area, a key figure or the situation lists in ``responds_to`` the register rows it
answers (``propose --apply`` adds the rows of the changes it applies). Each draft's manifest records, per
section, those IDs. From the manifests of the drafts, :func:`register_links` computes for every register
row: the state of its section in the latest draft (unchanged, changed, removed, renumbered with its current
number, moved), the first later draft in which the section changed, and the drafts that cite the row (the
states are those of the one classification of section changes, :mod:`strategy_builder.models.section_changes`);
:func:`refresh_register` writes them into the register's own columns (through
:func:`strategy_builder.review.register.update_register`: a register open in an office program, locked or
damaged is refused and left untouched; dispositions, notes and added columns are never written).
:func:`responds_to_findings` checks the IDs of the inputs against the register named in strategy.yaml.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from strategy_builder.digits import whole_number
from strategy_builder.errors import EnvironmentProblem, Finding, Findings, InputProblems, Severity
from strategy_builder.layout import ProjectLayout, manifest_problem, refuse_published, require_project
from strategy_builder.models.manifest import Manifest
from strategy_builder.models.section_changes import SectionChange, SectionFacts, classify_sections, draft_section_facts
from strategy_builder.models.project import Project
from strategy_builder.models.source_map import FieldPath

if TYPE_CHECKING:  # the register's modules (openpyxl among them) load only when a register is read
    from strategy_builder.review.register import RegisterRow, RegisterUpdate

NONE_YET = "none yet"
"""What the link columns say when there is nothing to say yet (an empty cell would keep an older value)."""


class RowLinks(NamedTuple):
    """The register's link columns of one row."""

    latest_state: str
    changed_in: str
    cited_by: str


def _facts(manifest: Manifest, partner: str) -> list[SectionFacts]:
    entry = manifest.partner(partner)
    return [] if entry is None else [draft_section_facts(s.id, s.kind, s.title, s.number, s.content_hash)
                                     for s in entry.sections]


class _Comparisons:
    """The one classification of section changes (:func:`classify_sections`) between the draft a row
    commented on and each later draft, computed once per partner and pair of drafts."""

    def __init__(self, manifests: dict[int, Manifest]) -> None:
        self.manifests = manifests
        self._cache: dict[tuple[str, int, int], dict[str, SectionChange]] = {}

    def change(self, partner: str, old: int, new: int, section_id: str) -> SectionChange | None:
        key = (partner, old, new)
        if key not in self._cache:
            changes = classify_sections(_facts(self.manifests[old], partner), _facts(self.manifests[new], partner))
            self._cache[key] = {c.old.id: c for c in changes if c.old is not None}
        return self._cache[key].get(section_id)


def register_links(rows: list[RegisterRow], project_dir: Path) -> dict[str, RowLinks]:
    """Row ID -> its link columns, from the manifests of the project's drafts."""
    layout = ProjectLayout.of(project_dir)
    manifests, unreadable = layout.published_manifests()
    if unreadable:  # read without it, a row would say "none yet" of a draft that changed or cites it
        number, reason = next(iter(unreadable.items()))
        raise manifest_problem(layout.draft_dir(number), reason)
    cited: dict[str, list[str]] = {}
    for number, manifest in sorted(manifests.items()):
        ids = {row_id for partner in manifest.partners for s in partner.sections for row_id in s.responds_to}
        for row_id in ids:
            cited.setdefault(row_id, []).append(f"{number:03d}")
    latest = max(manifests, default=None)
    comparisons = _Comparisons(manifests)
    links = {}
    for row in rows:
        citing = ", ".join(cited.get(row.id, [])) or NONE_YET
        commented = whole_number(row.draft)
        if commented not in manifests or latest is None or not row.section or not row.partner:
            links[row.id] = RowLinks("", "", citing)
            continue
        assert commented is not None
        if comparisons.change(row.partner, commented, commented, row.section) is None:
            links[row.id] = RowLinks("", "", citing)  # not a section of that draft (outside the sections)
            continue
        changed_in = NONE_YET
        for number in sorted(n for n in manifests if n > commented):
            change = comparisons.change(row.partner, commented, number, row.section)
            if change is None or change.status == "removed" or change.edited:
                changed_in = f"{number:03d}"
                break
        state = _state(comparisons.change(row.partner, commented, latest, row.section), latest)
        links[row.id] = RowLinks(state, changed_in, citing)
    return links


def _state(change: SectionChange | None, number: int) -> str:
    """The section's state in the latest draft, compared with the draft that was commented on."""
    label = f"draft {number:03d}"
    if change is None or change.status == "removed":
        return f"removed ({label})"
    words = {"moved": "moved", "renumbered": "renumbered", "changed": "changed", "unchanged": "unchanged",
             "added": "added"}[change.status]
    if change.status == "moved" and change.edited:
        words = "moved and changed"
    if change.number_changed:
        words += f", now {change.new_number}"
    return f"{words} ({label})"


def refresh_register(path: Path, project_dir: Path, *, force: bool = False) -> RegisterUpdate:
    """Write the link columns of every row of the register at ``path`` (see the module docstring).

    Raises :class:`~strategy_builder.review.register.RegisterRefused` (exit 2) for a register that is open
    in an office program, locked, unreadable or of the wrong shape, and one inside a published folder; it is
    then left untouched.
    """
    refuse_published(path, "the register")
    if not path.exists():
        raise EnvironmentProblem(f"{path}: there is no register to refresh",
                                 hint="create it with 'strategy-builder comments RETURNED.docx --register FILE'")
    from strategy_builder.review.register import RegisterRow, read_register, update_register

    rows = read_register(path)
    links = register_links(rows, project_dir)
    fresh = [RegisterRow(id=row.id, latest_state=link.latest_state, changed_in=link.changed_in,
                         cited_by=link.cited_by) for row in rows if (link := links.get(row.id)) is not None]
    return update_register(path, fresh, force=force)


def refresh_project_register(project_dir: Path, register: Path | None = None, *, force: bool = False
                             ) -> RegisterUpdate:
    """:func:`refresh_register` for the project at ``project_dir``: of ``register``, or by default of the
    register its strategy.yaml names (``review.register``). Raises
    :class:`~strategy_builder.errors.InputProblems` when the inputs cannot be read to find that register,
    :class:`~strategy_builder.errors.EnvironmentProblem` when none is named or the register is refused."""
    from strategy_builder.inputs.loading import load_project

    require_project(project_dir)
    if register is None:
        loaded = load_project(project_dir)
        if loaded.project is None:
            raise InputProblems(loaded.findings)
        register = register_path(loaded.project)
        if register is None:
            raise EnvironmentProblem("no register given and strategy.yaml names none",
                                     hint="give REGISTER, or set review.register in inputs/strategy.yaml")
    return refresh_register(register, project_dir, force=force)


def register_path(project: Project) -> Path | None:
    """The register named by ``review.register`` in strategy.yaml, or ``None``."""
    name = project.strategy.review.register
    return (project.root / name) if name else None


def _responds_to(data: Any) -> Iterator[tuple[FieldPath, str]]:
    """(path of the item, row ID) of every ``responds_to`` entry of a partner file's data."""
    if not isinstance(data, dict):
        return
    for index, row in enumerate(data.get("situation_responds_to") or []):
        yield ("situation_responds_to", index), str(row)
    for index, figure in enumerate(data.get("key_figures") or []):
        if isinstance(figure, dict):
            for position, row in enumerate(figure.get("responds_to") or []):
                yield ("key_figures", index, "responds_to", position), str(row)
    for key, area in (data.get("areas") or {}).items():
        if not isinstance(area, dict):
            continue
        for position, row in enumerate(area.get("responds_to") or []):
            yield ("areas", key, "responds_to", position), str(row)
        for index, priority in enumerate(area.get("priorities") or []):
            if not isinstance(priority, dict):
                continue
            base = ("areas", key, "priorities", index)
            for position, row in enumerate(priority.get("responds_to") or []):
                yield (*base, "responds_to", position), str(row)
            for number, action in enumerate(priority.get("actions") or []):
                if isinstance(action, dict):
                    for position, row in enumerate(action.get("responds_to") or []):
                        yield (*base, "actions", number, "responds_to", position), str(row)


def responds_to_findings(project: Project) -> Findings:
    """Warnings for ``responds_to`` IDs the register named in strategy.yaml does not hold (or cannot show)."""
    findings = Findings()
    used = [(partner, path, row) for partner in project.partners
            for path, row in _responds_to(partner.document.data)]
    if not used:
        return findings
    register = register_path(project)
    if register is None:
        partner, path, _ = used[0]
        findings.add(Finding(partner.document.location(path), "responds_to.no-register",
                             "responds_to lists register rows, but strategy.yaml names no register to check them "
                             "against", Severity.WARNING, hint="set review.register in inputs/strategy.yaml"))
        return findings
    where = project.strategy_document.location(("review", "register"))
    from strategy_builder.review.register import read_register

    try:
        known = {row.id for row in read_register(register)} if register.exists() else None
    except EnvironmentProblem as error:
        findings.add(Finding(where, "responds_to.register-unreadable",
                             f"the register cannot be read, so responds_to is not checked: {error}",
                             Severity.WARNING, hint=getattr(error, "hint", None)))
        return findings
    if known is None:
        findings.add(Finding(where, "responds_to.register-missing",
                             f"the register {project.strategy.review.register} does not exist, so responds_to is "
                             "not checked", Severity.WARNING,
                             hint="create it with 'strategy-builder comments RETURNED.docx --register FILE'"))
        return findings
    for partner, path, row in used:
        if row not in known:
            findings.add(Finding(partner.document.location(path), "responds_to.unknown-row",
                                 f"{row} is not a row of the register {project.strategy.review.register}",
                                 Severity.WARNING, hint="check the ID against the register's ID column"))
    return findings


__all__ = ["RowLinks", "refresh_project_register", "refresh_register", "register_links", "register_path",
           "responds_to_findings"]
