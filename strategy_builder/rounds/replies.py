"""``reply``: what became of each ministry's comments, sent back with the new draft.

For a draft N, every ministry that returned comments on an earlier draft of a partner gets a reply: a Word
"response to comments" (:mod:`strategy_builder.rounds.reply_document`) and the redline from the draft it
commented on to draft N (written by the diff's redline writer, :mod:`strategy_builder.review.draft_reports`).
The rows come from the comment register (read by its own library), their places in the new draft from the
drafts' manifests. The letter's words come from the ``strategy.yaml`` draft N was built from.

The replies are published like drafts (:class:`strategy_builder.store.DraftStore`, series
``replies``): written and verified in a staging folder under the build lock and published by one atomic
rename as ``build/replies/NNN``, never overwritten; the same register, drafts and tool give the same bytes,
and a run whose inputs equal the latest folder's writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

from strategy_builder.digits import whole_number
from strategy_builder import __version__
from strategy_builder.store import DraftStore
from strategy_builder.errors import EnvironmentProblem, Finding, Findings, InputProblems, Location, Severity
from strategy_builder.inputs.loading import load_project
from strategy_builder.layout import (
    MANIFEST_FILE, REDLINES_DIR, REPLIES_DIR, ProjectLayout, read_published_manifest, require_project,
)
from strategy_builder.models.inputs import StrategyFile
from strategy_builder.models.project import Project
from strategy_builder.models.manifest import Manifest, ManifestPartner, ManifestSection
from strategy_builder.models.replies import REPLIES_FORMAT, RepliesManifest, ReplyEntry
from strategy_builder.models.section_changes import classify_sections
from strategy_builder.render.labels import catalogue, fill
from strategy_builder.review.register import RegisterRow, normalise_disposition, open_in_office, read_register
from strategy_builder.rounds.reply_document import ReplyLetter, ReplyLine, reply_document

REGISTER_NAMES = ("register.xlsx", "register.csv", "register.json", "register.html")
"""Where ``reply`` and ``status`` look for the register in the project folder when neither ``--register`` nor
strategy.yaml (``review.register``) names one."""


class PlannedReply(NamedTuple):
    """One ministry's reply about one partner, before it is written."""

    partner: ManifestPartner
    ministry: str
    rows: list[RegisterRow]
    commented: tuple[int, ...]

    @property
    def redline_from(self) -> int:
        return max(self.commented)


@dataclass(slots=True)
class RepliesResult:
    """What ``reply`` did: a new folder of replies, or nothing because nothing changed since the latest."""

    kind: Literal["replies", "unchanged"]
    directory: Path
    number: int
    to_draft: int
    register: Path
    replies: list[ReplyEntry] = field(default_factory=list)
    warnings: Findings = field(default_factory=Findings)
    """What the team may not expect (a reply letter edited since the draft was built)."""

    def payload(self) -> dict[str, object]:
        """The documented JSON form (``reply --format json``)."""
        return {"result": self.kind, "directory": str(self.directory), "number": self.number,
                "to_draft": self.to_draft, "register": str(self.register),
                "replies": [entry.model_dump() for entry in self.replies],
                "warnings": [finding.to_json() for finding in self.warnings.sorted()]}


def find_register(project_dir: Path, register: Path | None, named: str | None = None) -> Path:
    """The register to read: ``register``; else ``named``, the register strategy.yaml names
    (``review.register``, relative to the project folder, the one ``build`` refreshes); else the one
    ``register.*`` of the project folder."""
    if register is not None:
        if not register.is_file():
            raise EnvironmentProblem(f"the register {register} does not exist",
                                     hint="give the register that 'comments --register' keeps")
        return register
    if named:
        if not (project_dir / named).is_file():
            raise EnvironmentProblem(f"the register {named} that strategy.yaml names (review.register) does not "
                                     "exist", hint=f"create it with 'strategy-builder comments RETURNED.docx "
                                     f"--register {named}', or give another with --register FILE")
        return project_dir / named
    found = [project_dir / name for name in REGISTER_NAMES if (project_dir / name).is_file()]
    if len(found) != 1:
        what = "no register" if not found else f"{len(found)} registers ({', '.join(p.name for p in found)})"
        raise EnvironmentProblem(f"{what} in {project_dir}",
                                 hint="name it with --register FILE, or as review.register in inputs/strategy.yaml")
    return found[0]


def _named_register(project_dir: Path, draft_dir: Path) -> str | None:
    """The register strategy.yaml names today (``review.register``); when today's strategy.yaml has errors,
    the one named by the inputs draft ``draft_dir`` was built from."""
    for folder in (project_dir, draft_dir):
        if (folder / "inputs" / "strategy.yaml").is_file():
            try:
                return _load_strategy(folder).strategy.review.register
            except InputProblems:
                continue
    return None


def load_strategy(folder: Path) -> StrategyFile:
    """The validated strategy.yaml of a project or of a draft's inputs snapshot."""
    return _load_strategy(folder).strategy


def _load_strategy(folder: Path) -> Project:
    result = load_project(folder, only=set())
    if result.project is None:
        raise InputProblems(Findings(result.findings.errors))
    return result.project


def _letter_edited(project_dir: Path, sent: StrategyFile, to_draft: int) -> Finding | None:
    """A warning when the project's reply letter is no longer the one draft ``to_draft`` was built with: the
    replies go out with that draft and print its letter, which the team may not expect after editing."""
    try:
        current = _load_strategy(project_dir)
    except InputProblems:
        return None  # the project's inputs have errors now: 'check' reports them; the draft's letter stands
    if current.strategy.consultation.reply_letter == sent.consultation.reply_letter:
        return None
    path: tuple[str, ...] = ("consultation", "reply_letter")
    return Finding(current.strategy_document.location(path if current.strategy.consultation.reply_letter is not None
                                                      else path[:1]),
                   "reply.letter-edited", f"consultation.reply_letter has changed since draft {to_draft:03d} was "
                   f"built; the replies print draft {to_draft:03d}'s letter, as they go out with it",
                   Severity.WARNING, hint="to send the edited letter, build a new draft and reply with it "
                   "('strategy-builder build', then 'reply ... --to' the new draft)")


def _draft_number(label: str) -> int | None:
    return whole_number(label)


def _not_answered(row: RegisterRow, draft: Manifest) -> str | None:
    """Why draft ``draft`` brings no reply to ``row`` (``None``: it does): ``later`` for a comment on this
    draft or a later one (the next round's), otherwise what the team would need to mend in the register."""
    assert draft.draft is not None  # a published draft
    number = _draft_number(row.draft)
    if number is None:
        return "its Draft cell is not a draft number"
    if number >= draft.draft:
        return "later"
    if not row.ministry:
        return "its Ministry cell is empty"
    if draft.partner(row.partner) is None:
        return f"its partner is not in draft {draft.draft:03d}"
    return None


def skipped_rows(rows: Sequence[RegisterRow], draft: Manifest, ministries: Sequence[str] = (),
                 register: str = "register") -> Findings:
    """A warning per reason for the rows of the register (of ``ministries``, when named) that no reply
    answers although they comment on an earlier draft: a reply never leaves a comment out without a word."""
    wanted = {m.casefold() for m in ministries}
    skipped: dict[str, list[str]] = {}
    for row in rows:
        why = _not_answered(row, draft)
        if why is None or why == "later" or (wanted and row.ministry and row.ministry.casefold() not in wanted):
            continue
        skipped.setdefault(why, []).append(row.id)
    return Findings([Finding(Location(register), "reply.rows-skipped",
                             f"{len(ids)} row(s) of the register are in no reply: {why} ({_listed(ids)})",
                             Severity.WARNING, hint="mend the cells in the register, then run 'reply' again")
                     for why, ids in skipped.items()])


def _listed(ids: list[str], shown: int = 5) -> str:
    return ", ".join(ids[:shown]) + (f" and {len(ids) - shown} more" if len(ids) > shown else "")


def plan_replies(rows: Sequence[RegisterRow], draft: Manifest, ministries: Sequence[str] = ()) -> list[PlannedReply]:
    """The replies draft ``draft`` brings: per partner in it and ministry (all, or those named), the rows of the
    register on earlier drafts of that partner. A named ministry without rows is an error (exit 1)."""
    assert draft.draft is not None  # a published draft
    wanted = {m.casefold(): m for m in ministries}
    groups: dict[tuple[str, str], list[RegisterRow]] = {}
    names: dict[tuple[str, str], str] = {}
    for row in rows:
        if _not_answered(row, draft) is not None:
            continue
        if wanted and row.ministry.casefold() not in wanted:
            continue
        key = (row.partner, row.ministry.casefold())
        groups.setdefault(key, []).append(row)
        names.setdefault(key, row.ministry)
    missing = sorted(set(wanted) - {ministry for _, ministry in groups})
    if missing:
        known = sorted({r.ministry for r in rows if r.ministry})
        raise InputProblems(Findings([Finding(
            Location("register"), "reply.no-rows",
            f"no comments of '{wanted[m]}' on a draft before draft {draft.draft:03d} in the register",
            hint=f"ministries in the register: {', '.join(known) or 'none'}") for m in missing]))
    planned = []
    for group_key, group in sorted(groups.items()):
        partner = draft.partner(group_key[0])
        assert partner is not None  # filtered above
        commented = tuple(sorted({int(r.draft) for r in group}))
        planned.append(PlannedReply(partner, names[group_key], group, commented))
    return planned


def section_fates(old: ManifestPartner | None, new: ManifestPartner) -> dict[str, tuple[str, ManifestSection | None]]:
    """Section ID of the commented draft -> (what became of it in the new draft, its section there), by the
    one classification of section changes that the drafts' changes tables and ``diff`` show."""
    if old is None:
        return {}
    new_by_id = {s.id: s for s in new.sections}
    result: dict[str, tuple[str, ManifestSection | None]] = {}
    for change in classify_sections([s.facts() for s in old.sections], [s.facts() for s in new.sections]):
        if change.old is None:
            continue  # added since: no comment was made on it
        status = "moved_edited" if change.status == "moved" and change.edited else change.status
        result[change.old.id] = (status, new_by_id.get(change.new.id) if change.new is not None else None)
    return result


def _lines(reply: PlannedReply, manifests: dict[int, Manifest | None], new: ManifestPartner) -> list[ReplyLine]:
    labels = catalogue()
    fates: dict[int, dict[str, tuple[str, ManifestSection | None]]] = {}
    order: dict[int, dict[str, int]] = {}
    for number in reply.commented:
        manifest = manifests.get(number)
        old = manifest.partner(new.code) if manifest is not None else None
        fates[number] = section_fates(old, new)
        order[number] = {s.id: i for i, s in enumerate(old.sections)} if old is not None else {}
    position = {id(row): index for index, row in enumerate(reply.rows)}
    ordered = sorted(reply.rows, key=lambda r: (int(r.draft), order[int(r.draft)].get(r.section, -1), position[id(r)]))
    numbers = {row.id: index for index, row in enumerate(ordered, start=1)}
    lines = []
    for row in ordered:
        fate, section = fates[int(row.draft)].get(row.section, ("outside", None)) if row.section else ("outside", None)
        if section is None or fate == "removed":
            addressed = str(labels["reply_addressed_removed" if fate == "removed" else "reply_addressed_outside"])
        else:
            addressed = fill(labels, f"reply_addressed_{fate}", number=section.number, title=section.title)
        where = f"{row.number} {row.section_title}".strip() if row.section else \
            fill(labels, "reply_section_outside", heading=row.heading or "\u2013")
        lines.append(ReplyLine(numbers[row.id], row.id, row.kind, row.author, row.date, where, row.quoted, row.remark,
                               row.detail, normalise_disposition(row.disposition), row.note.strip(), addressed,
                               numbers.get(row.reply_to) if row.reply_to else None))
    return lines


def _file_name(text: str) -> str:
    """A file name from a ministry's name: characters no file system accepts become ``-``."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", text).strip(" .-")
    return cleaned or "ministry"


def _row_facts(row: RegisterRow) -> list[str]:
    return [row.id, row.ministry, row.partner, row.draft, row.kind, row.author, row.date, row.section, row.number,
            row.section_title, row.heading, row.quoted, row.remark, row.detail, row.reply_to,
            normalise_disposition(row.disposition), row.note]


def _fingerprint(planned: list[PlannedReply], draft: Manifest, manifests: dict[int, Manifest | None],
                 strategy_sha: str, ministries: Sequence[str]) -> str:
    facts = {"tool": __version__, "format": REPLIES_FORMAT, "draft": [draft.draft, draft.fingerprint],
             "commented": {str(n): m.fingerprint if m else None for n, m in sorted(manifests.items())},
             "strategy": strategy_sha, "ministries": sorted(m.casefold() for m in ministries),
             "replies": [[p.partner.code, p.ministry, [_row_facts(r) for r in p.rows]] for p in planned]}
    return hashlib.sha256(json.dumps(facts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _latest(store: DraftStore) -> tuple[int, RepliesManifest] | None:
    numbers = store.layout.draft_numbers(REPLIES_DIR)
    if not numbers:
        return None
    try:
        manifest = RepliesManifest.model_validate_json((store.draft_dir(numbers[-1]) / MANIFEST_FILE).read_bytes())
    except (OSError, ValueError):
        return None
    return numbers[-1], manifest


def write_replies(project_dir: Path, to_draft: int, *, ministries: Sequence[str] = (), register: Path | None = None,
                  wait_seconds: float = 60.0, force: bool = False) -> RepliesResult:
    """Write the replies that go out with draft ``to_draft`` into a new ``build/replies/NNN`` (see the module).

    ``ministries`` names the ministries to answer (default: every ministry of the register with comments on
    an earlier draft of a partner in ``to_draft``). Raises :class:`EnvironmentProblem` (exit 2) when the draft
    or the register is missing or another build holds the lock, :class:`InputProblems` (exit 1) when a named
    ministry has no rows.
    """
    require_project(project_dir)
    layout = ProjectLayout.of(project_dir)
    draft_dir = layout.draft_dir(to_draft)
    draft = read_published_manifest(draft_dir)
    if draft is None or draft.draft is None:
        raise EnvironmentProblem(f"there is no draft {to_draft:03d} in {layout.display_name(layout.drafts_dir)}",
                                 hint=f"drafts: {', '.join(f'{n:03d}' for n in layout.draft_numbers()) or 'none'}")
    register_path = find_register(layout.root, register, _named_register(layout.root, draft_dir))
    rows = read_register(register_path)
    planned = plan_replies(rows, draft, ministries)
    if not planned:
        raise InputProblems(Findings([Finding(Location(str(register_path)), "reply.nothing",
                                              f"the register holds no comments on a draft before draft "
                                              f"{to_draft:03d} of its partners", hint="import returns with "
                                              "'strategy-builder comments FILE... --register FILE'")]))
    snapshot = draft_dir if (draft_dir / "inputs" / "strategy.yaml").is_file() else layout.root
    strategy = load_strategy(snapshot)
    warnings = skipped_rows(rows, draft, ministries, layout.display_name(register_path))
    for note in rows.notes:  # a Disposition no spreadsheet computed is read as open: the replies would say so
        warnings.add(Finding(Location(str(register_path)), "reply.register-uncomputed", note, Severity.WARNING))
    if (lock := open_in_office(register_path)) is not None:
        warnings.add(Finding(Location(str(register_path)), "reply.register-open",
                             f"the register is open in {lock.describe()}: what is not saved there is not in these "
                             "replies", Severity.WARNING,
                             hint="save it there, then run 'reply' again: a register that changed gives new replies"))
    if snapshot != layout.root and (edited := _letter_edited(layout.root, strategy, to_draft)) is not None:
        warnings.add(edited)
    manifests = {n: read_published_manifest(layout.draft_dir(n)) for p in planned for n in p.commented}
    fingerprint = _fingerprint(planned, draft, manifests, draft.strategy_sha256, ministries)
    store = DraftStore(layout.root, REPLIES_DIR)
    with store.locked(wait_seconds):
        store.clean_leftovers()
        latest = _latest(store)
        if latest is not None and latest[1].fingerprint == fingerprint and not force:
            return RepliesResult("unchanged", store.draft_dir(latest[0]), latest[0], to_draft, register_path,
                                 latest[1].replies, warnings)
        number = store.next_number()
        staging = store.new_staging()
        try:
            entries = _write(staging, planned, draft, manifests, strategy, layout)
            manifest = RepliesManifest(
                tool_version=__version__, number=number, to_draft=to_draft, issued=draft.issued,
                consultation_round=draft.consultation_round,
                register_file=layout.recorded_name(register_path.resolve()),
                register_sha256=hashlib.sha256(register_path.read_bytes()).hexdigest(), fingerprint=fingerprint,
                ministries=list(ministries), replies=entries)
            (staging / MANIFEST_FILE).write_bytes((manifest.model_dump_json(indent=2) + "\n").encode())
            directory = store.publish(staging, number)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return RepliesResult("replies", directory, number, to_draft, register_path, entries, warnings)


def _write(staging: Path, planned: list[PlannedReply], draft: Manifest, manifests: dict[int, Manifest | None],
           strategy: StrategyFile, layout: ProjectLayout) -> list[ReplyEntry]:
    from strategy_builder.review.compare import compare
    from strategy_builder.review.draft_reports import write_redlines

    assert draft.draft is not None  # a published draft
    issued = dt.date.fromisoformat(draft.issued[:10])
    consultation, team = strategy.consultation, strategy.drafting_team
    redlines: dict[tuple[str, int], Path | None] = {}
    entries = []
    for reply in planned:
        code = reply.partner.code
        key = (code, reply.redline_from)
        if key not in redlines:
            old = layout.draft_dir(reply.redline_from) / f"{code}.docx"
            new = layout.draft_dir(draft.draft) / reply.partner.file
            path = staging / REDLINES_DIR / f"{code}_{reply.redline_from:03d}-{draft.draft:03d}.docx"
            if old.is_file() and new.is_file():
                comparison = compare(str(old), str(new), layout.root)
                write_redlines(comparison, path, author=team.name, date=issued)
            redlines[key] = path if path.is_file() else None
        redline = redlines[key]
        letter = ReplyLetter(
            series=strategy.series.title, partner=reply.partner.name, partner_code=code, ministry=reply.ministry,
            team=team.name, organisation=team.organisation or "", email=team.email or "",
            classification=strategy.series.classification or "", issued=issued, deadline=consultation.deadline,
            consultation_round=consultation.round, draft=draft.draft, commented=reply.commented,
            redline_from=reply.redline_from if redline is not None else None,
            text=consultation.reply_letter or "", tool_version=__version__)
        lines = _lines(reply, manifests, reply.partner)
        document = reply_document(letter, lines)
        name = f"{code}_{_file_name(reply.ministry)}.docx"
        (staging / name).write_bytes(document.data)
        counts: dict[str, int] = {}
        for line in lines:
            counts[line.disposition] = counts.get(line.disposition, 0) + 1
        entries.append(ReplyEntry(
            partner=code, partner_name=reply.partner.name, ministry=reply.ministry, file=name,
            docx_sha256=document.sha256,
            redline_file=redline.relative_to(staging).as_posix() if redline is not None else None,
            redline_sha256=hashlib.sha256(redline.read_bytes()).hexdigest() if redline is not None else None,
            commented_drafts=list(reply.commented), redline_from=reply.redline_from if redline is not None else None,
            rows=[line.row_id for line in lines], dispositions=dict(sorted(counts.items()))))
    return entries


__all__ = ["REGISTER_NAMES", "PlannedReply", "RepliesResult", "find_register", "load_strategy", "plan_replies",
           "section_fates", "skipped_rows", "write_replies"]
