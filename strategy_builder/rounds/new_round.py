"""Starting the next consultation round: ``strategy-builder new-round``.

The round a draft goes out in is named in ``inputs/strategy.yaml`` (``consultation``: ``round``, ``issued``,
``deadline``) and printed on the cover of every draft of the round. :func:`start_round` moves it on: the round
goes up by one and takes the new dates. Only those three values change, each with as few bytes as its style
allows (:class:`strategy_builder.inputs.yaml_edit.YamlEditor`): comments, quoting, key order, the recipients
and the line endings stay as the team wrote them. The file before the change is kept in ``inputs/.backups/``.

Nothing is written (exit 1, every reason at once, each at its field of ``strategy.yaml``) when the deadline is
before the issue date, the new round would not be issued after the current one, round 99 is reached, or the
current round has not gone out yet (no draft records it): starting a round twice by mistake would skip one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, NamedTuple

from strategy_builder.store import DraftStore
from strategy_builder.errors import Finding, Findings, InputProblems
from strategy_builder.files import environment_errors, replace_file
from strategy_builder.inputs.loading import load_project
from strategy_builder.inputs.yaml_edit import EditRefused, YamlEditor
from strategy_builder.layout import BACKUPS_DIR, ProjectLayout, require_project
from strategy_builder.models.inputs import Consultation
from strategy_builder.models.source_map import YamlDocument

LAST_ROUND = 99
"""The highest round ``strategy.yaml`` accepts (``consultation.round``: 1-99)."""

BACKUP_DIR = BACKUPS_DIR
"""Where, inside ``inputs/``, the file before a new round is kept."""

ROUND = ("consultation", "round")
ISSUED = ("consultation", "issued")
DEADLINE = ("consultation", "deadline")


class RoundDates(NamedTuple):
    """A consultation round and its dates."""

    round: int
    issued: dt.date
    deadline: dt.date

    @classmethod
    def of(cls, consultation: Consultation) -> RoundDates:
        return cls(consultation.round, consultation.issued, consultation.deadline)

    def payload(self) -> dict[str, Any]:
        return {"round": self.round, "issued": self.issued.isoformat(), "deadline": self.deadline.isoformat()}


class NewRound(NamedTuple):
    """What :func:`start_round` did."""

    file: str
    """``strategy.yaml`` as the project names it (``inputs/strategy.yaml``)."""
    previous: RoundDates
    current: RoundDates
    previous_drafts: tuple[int, ...]
    """The drafts that went out in the previous round."""
    backup: Path
    """The file as it was before, in ``inputs/.backups/``."""

    def payload(self) -> dict[str, Any]:
        """The ``--format json`` form (docs/cli.md)."""
        return {"file": self.file, **self.current.payload(), "previous": self.previous.payload(),
                "previous_drafts": list(self.previous_drafts), "backup": str(self.backup)}


def _round_drafts(layout: ProjectLayout) -> dict[int, int]:
    """Draft number -> the round its manifest records (drafts with a readable manifest)."""
    return {number: manifest.consultation_round for number, manifest in layout.published_manifests()[0].items()}


def _refusals(strategy: YamlDocument, current: RoundDates, issued: dt.date, deadline: dt.date,
              drafts: dict[int, int]) -> list[Finding]:
    """Every reason not to start the next round, each at the field of strategy.yaml it concerns."""
    where = strategy.location
    found = []
    if deadline < issued:
        found.append(Finding(where(DEADLINE), "round.deadline-before-issue",
                             f"the new deadline {deadline} is before the new issue date {issued}",
                             hint="give --deadline a date on or after --issued"))
    if issued <= current.issued:
        found.append(Finding(where(ISSUED), "round.issued-not-later",
                             f"round {current.round + 1} would be issued on {issued}, not after round "
                             f"{current.round} (issued {current.issued})",
                             hint=f"give --issued a date after {current.issued}"))
    if current.round >= LAST_ROUND:
        found.append(Finding(where(ROUND), "round.last",
                             f"round {current.round} is the last a strategy.yaml can name (1-{LAST_ROUND})",
                             hint="start a new strategy.yaml for a new consultation"))
    this_round = [n for n, r in drafts.items() if r == current.round]
    if not this_round:
        latest = max(drafts) if drafts else None
        built = (f"the latest draft, {latest:03d}, went out in round {drafts[latest]}" if latest is not None
                 else "no draft has been built yet")
        found.append(Finding(where(ROUND), "round.not-circulated",
                             f"round {current.round} has not gone out yet: no draft records it ({built})",
                             hint=f"build round {current.round}'s drafts first; to change its dates, edit "
                                  "consultation.issued and consultation.deadline in inputs/strategy.yaml"))
    return found


def _backup_path(folder: Path, round_number: int) -> Path:
    backup = folder / f"strategy.round-{round_number}.yaml"
    number = 1
    while backup.exists():
        number += 1
        backup = folder / f"strategy.round-{round_number}-{number}.yaml"
    return backup


def start_round(project_dir: Path, issued: dt.date, deadline: dt.date, *, wait_seconds: float = 60.0) -> NewRound:
    """Start the next consultation round in ``inputs/strategy.yaml``: round + 1, issued ``issued``, comments by
    ``deadline``; nothing else of the file changes.

    Raises :class:`InputProblems` (nothing written) for an invalid strategy.yaml or a refusal (see the
    module), :class:`EnvironmentProblem` when the file cannot be written or a build holds the lock.
    """
    require_project(project_dir)
    layout = ProjectLayout.of(project_dir)
    # Under the build lock: a build running now finishes with the dates it read, and the drafts seen are all.
    with DraftStore(layout.root).locked(wait_seconds):
        loaded = load_project(layout.root, only=set())
        if loaded.project is None:
            raise InputProblems(Findings(loaded.findings.errors))
        strategy = loaded.project.strategy_document
        current = RoundDates.of(loaded.project.strategy.consultation)
        drafts = _round_drafts(layout)
        refusals = _refusals(strategy, current, issued, deadline, drafts)
        if refusals:
            raise InputProblems(Findings(refusals))
        raw = strategy.raw if strategy.raw is not None else strategy.path.read_bytes()
        new_round = current.round + 1
        try:
            editor = YamlEditor(raw, strategy.display_name)
            editor.set_value(ROUND, str(new_round))
            editor.set_value(ISSUED, issued.isoformat())
            editor.set_value(DEADLINE, deadline.isoformat())
        except EditRefused as refused:
            raise InputProblems(Findings([Finding(
                strategy.location(ROUND), "round.not-editable", f"the round cannot be changed in place: {refused}",
                hint="set consultation.round, issued and deadline by hand")])) from refused
        folder = layout.inputs_dir / BACKUP_DIR
        with environment_errors(folder, "keep a copy of strategy.yaml in"):
            folder.mkdir(parents=True, exist_ok=True)
            backup = _backup_path(folder, current.round)
            replace_file(backup, raw, clean_folder=True)
        with environment_errors(strategy.path, "write"):
            replace_file(strategy.path, editor.result())
    return NewRound(strategy.display_name, current, RoundDates(new_round, issued, deadline),
                    tuple(n for n, r in sorted(drafts.items()) if r == current.round),
                    Path(layout.display_name(backup)))


__all__ = ["NewRound", "RoundDates", "start_round"]
