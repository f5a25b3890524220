"""Proposals written into the input files: atomically, with the previous files kept.

:func:`apply_proposals` writes what :attr:`strategy_builder.review.proposal_results.Proposals.edited` holds (the
bytes :class:`strategy_builder.inputs.yaml_edit.YamlEditor` made: only the edited values changed) and keeps
the previous content of every file written, with ``proposals.json`` (what was applied), in
``build/.returns/NNN/``; a write that fails leaves the inputs as they were and no backup in part.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from strategy_builder.errors import EnvironmentProblem
from strategy_builder.files import environment_errors, replace_file, replace_files
from strategy_builder.layout import BUILD_DIR, RETURNS_BACKUP_DIR, ProjectLayout
from strategy_builder.review.proposal_results import Proposals


@dataclass(frozen=True, slots=True)
class AppliedProposals:
    """What :func:`apply_proposals` wrote: the files, and where their previous content is kept."""

    files: list[str]
    backup: Path | None


def apply_proposals(proposals: Proposals, project_dir: Path) -> AppliedProposals:
    """Write :attr:`Proposals.edited` into the input files (atomically), keeping the previous content of each
    in ``build/.returns/NNN/`` with ``proposals.json``; nothing is written when nothing changes."""
    if not proposals.edited:
        return AppliedProposals([], None)
    layout = ProjectLayout.of(project_dir)
    backups = layout.root / BUILD_DIR / RETURNS_BACKUP_DIR
    for name, (before, _) in proposals.edited.items():
        path = layout.root / name
        if path.read_bytes() != before:
            raise EnvironmentProblem(f"{path}: the file changed while the returns were read",
                                     hint="run propose again")
    folder = _keep_previous_inputs(backups, proposals)
    written = sorted(proposals.edited)
    try:
        with environment_errors(layout.root, "write"):  # the error names the file it concerns
            replace_files({layout.root / name: proposals.edited[name][1] for name in written})
    except BaseException:
        if all(_holds(layout.root / name, proposals.edited[name][0]) for name in written):
            shutil.rmtree(folder, ignore_errors=True)  # nothing was applied: no backup of it either
        raise
    return AppliedProposals(written, folder)


def _holds(path: Path, content: bytes) -> bool:
    try:
        return path.read_bytes() == content
    except OSError:
        return False


def _keep_previous_inputs(backups: Path, proposals: Proposals) -> Path:
    """The next numbered folder of ``backups`` holding the files as they were and ``proposals.json``:
    complete, or (on a full disk, a refused folder) removed again, never half-written."""
    record = {"applied": dt.datetime.now().isoformat(timespec="seconds"), **proposals.as_json()}
    with environment_errors(backups, "keep the previous inputs in"):
        backups.mkdir(parents=True, exist_ok=True)
        taken = [int(p.name) for p in backups.iterdir() if p.name.isdigit()]
        folder = backups / f"{max(taken, default=0) + 1:03d}"
        folder.mkdir()
        try:
            for name, (before, _) in proposals.edited.items():
                target = folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                replace_file(target, before)
            replace_file(folder / "proposals.json",
                         (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    return folder


__all__ = ["AppliedProposals", "apply_proposals"]
