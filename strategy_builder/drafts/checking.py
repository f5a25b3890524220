"""``check``: every problem of a project's inputs and translations, as a build of the next draft would find them.

It lives with the drafts because it asks what a build asks before writing: the inputs and the translations
(:func:`strategy_builder.languages.loading.load_project_with_translations`), and whether the next draft
would keep the latest draft's consultation round and dates (:mod:`strategy_builder.drafts.round_guard`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from strategy_builder.drafts.round_guard import next_draft_round_finding
from strategy_builder.errors import Findings
from strategy_builder.inputs.cache import InputCache
from strategy_builder.layout import require_project
from strategy_builder.languages.loading import load_project_with_translations
from strategy_builder.layout import ProjectLayout


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What ``check`` found: every finding (warnings as errors with ``strict``), and how many partners."""

    findings: Findings
    partners: int
    seconds: float


def check_project(root: Path, *, strict: bool = False) -> CheckResult:
    """Validate ``inputs/`` of the project at ``root`` (strategy.yaml, the partner files and the
    translations) and report every problem of every file at once, and whether the next draft would keep
    the latest draft's round and dates although it changed. Files whose bytes were read cleanly
    before are answered from the project's input cache (``build/.cache/inputs``), as a build does. Raises
    :class:`~strategy_builder.errors.EnvironmentProblem` when ``root`` is not a project."""
    require_project(root)
    started = time.perf_counter()
    with InputCache(ProjectLayout.of(root).input_cache_dir) as cache:
        result = load_project_with_translations(root, cache=cache)
    if result.project is not None:  # the next draft under the previous draft's round and dates
        stale_round = next_draft_round_finding(result.project)
        if stale_round is not None:
            result.findings.add(stale_round)
    findings = result.findings.strict() if strict else result.findings
    partners = len(result.project.partners) if result.project else 0
    return CheckResult(findings, partners, time.perf_counter() - started)


__all__ = ["CheckResult", "check_project"]
