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
from pathlib import Path
from typing import NamedTuple

from strategy_builder.errors import EnvironmentProblem
from strategy_builder.files import environment_errors, replace_files
from strategy_builder.layout import RETURNS_BACKUP_DIR, ProjectLayout
from strategy_builder.review.proposal_results import Proposals
from strategy_builder.store import DraftStore


class AppliedProposals(NamedTuple):
    """What :func:`apply_proposals` wrote: the files, and where their previous content is kept."""

    files: list[str]
    backup: Path | None


def apply_proposals(proposals: Proposals, project_dir: Path) -> AppliedProposals:
    """Write :attr:`Proposals.edited` into the input files (atomically), keeping the previous content of each
    in ``build/.returns/NNN/`` with ``proposals.json``; nothing is written when nothing changes."""
    if not proposals.edited:
        return AppliedProposals([], None)
    layout = ProjectLayout.of(project_dir)
    for name, (before, _) in proposals.edited.items():
        path = layout.root / name
        if path.read_bytes() != before:
            raise EnvironmentProblem(f"{path}: the file changed while the returns were read",
                                     hint="run propose again")
    folder = _keep_previous_inputs(layout.root, proposals)
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


def _keep_previous_inputs(project_dir: Path, proposals: Proposals) -> Path:
    """The next numbered folder of ``build/.returns`` holding the files as they were and ``proposals.json``,
    published as a draft is (written in a hidden staging folder, then renamed under the build lock): complete
    or absent, whether the disk fills up, the folder is refused or the process is killed."""
    record = {"applied": dt.datetime.now().isoformat(timespec="seconds"), **proposals.as_json()}
    store = DraftStore(project_dir, RETURNS_BACKUP_DIR)
    with store.locked(LOCK_WAIT_SECONDS), environment_errors(store.folder, "keep the previous inputs in"):
        store.clean_leftovers()
        staging = store.new_staging()
        try:
            for name, (before, _) in proposals.edited.items():
                target = staging / name
                with environment_errors(Path(project_dir) / name, "keep the previous content of"):
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(before)
            (staging / "proposals.json").write_bytes(
                (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
            return store.publish(staging, store.next_number())
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


LOCK_WAIT_SECONDS = 60.0
"""How long ``--apply`` waits for a build that holds the project's lock (it reads the inputs being changed)."""


__all__ = ["AppliedProposals", "apply_proposals"]
