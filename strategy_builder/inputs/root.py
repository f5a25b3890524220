"""Where a project is: the nearest folder at or above a starting folder that holds ``inputs/strategy.yaml``.

Every command finds its project this way (as git finds ``.git``), so that it works from any subfolder of a
project (``inputs/partners``, ``build/drafts``); a folder given explicitly is used as it is.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from strategy_builder.layout import INPUTS_DIR, STRATEGY_FILE


def find_project_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``inputs/strategy.yaml``, or ``None``."""
    start = start.absolute()
    for folder in (start, *start.parents):
        if (folder / INPUTS_DIR / STRATEGY_FILE).is_file():
            return folder
    return None


class ProjectLocation(NamedTuple):
    """The project folder a command works on, and how it was chosen."""

    path: Path
    """The folder, relative to the current folder when it lies inside or above it (``.``, ``../..``)."""
    how: str
    """``"given"`` (named explicitly), ``"found"`` (searched upward) or ``"current"`` (no project found: the
    current folder, which the command then reports as not being a project)."""


def locate_project(explicit: Path | None, cwd: Path | None = None) -> ProjectLocation:
    """The project folder: ``explicit`` when given, else the nearest project at or above ``cwd``."""
    if explicit is not None:
        return ProjectLocation(explicit, "given")
    here = (cwd or Path.cwd()).absolute()
    root = find_project_root(here)
    if root is None:
        return ProjectLocation(Path("."), "current")
    return ProjectLocation(Path(os.path.relpath(root, here)), "found")
