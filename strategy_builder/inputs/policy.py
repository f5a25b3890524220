"""Policy checks beyond types: what a partnership strategy should contain (warnings; errors with --strict)."""

from __future__ import annotations

from strategy_builder.errors import Finding, Findings, Severity
from strategy_builder.inputs.hints import DeferredHints, state_hint
from strategy_builder.models.abbreviations import FieldPath, full_names, used_in_partner
from strategy_builder.models.inputs import Period, Status, StrategyFile
from strategy_builder.models.source_map import YamlDocument
from strategy_builder.models.project import SourcedPartner

BLOCKS_CIRCULATION = frozenset({"policy.lead-not-participating"})
"""Warnings that a draft for circulation may not carry: ``build`` treats them as errors (a preview shows them)."""


_NOT_CIRCULATED = ("A draft for circulation cannot name it: 'build' refuses it and 'check --strict' fails; "
                   "a preview shows it.")


def for_circulation(findings: Findings) -> Findings:
    """``findings`` with those that block a circulated draft (:data:`BLOCKS_CIRCULATION`) made errors."""
    return Findings([f.as_error() if f.code in BLOCKS_CIRCULATION else f for f in findings])


def undefined_abbreviations(used: dict[str, FieldPath], strategy: StrategyFile,
                            document: YamlDocument) -> list[Finding]:
    """A warning for each abbreviation a draft would print without a full name in its abbreviations annex."""
    names = full_names(strategy)
    return [Finding(document.location(path), "abbreviation.undefined",
                    f"the abbreviation {code} is used but has no full name",
                    Severity.WARNING,
                    f"add it to 'abbreviations' in inputs/strategy.yaml, e.g. '{code}: <full name>'")
            for code, path in used.items() if code not in names]


def policy_findings(partner: SourcedPartner, strategy: StrategyFile,
                    deferred: DeferredHints | None = None) -> list[Finding]:
    """Warnings for one partner: empty areas, priorities without actions or impact, stray leads and dates.

    Hints for lead states are left to ``deferred`` (made only for the findings shown), or made at once
    without it.
    """
    model, document = partner.model, partner.document
    findings: list[Finding] = []
    participating = {s.code: s.name for s in strategy.states}
    period = strategy.series.period
    hints = deferred or DeferredHints()

    def lead_hint(code: str) -> str | None:
        return ". ".join(filter(None, [state_hint(code, participating), _NOT_CIRCULATED]))

    def warn(path: tuple[str | int, ...], code: str, message: str, hint: str | None = None,
             prefer_key: bool = False) -> None:
        findings.append(Finding(document.location(path, prefer_key=prefer_key), code, message,
                                Severity.WARNING, hint))

    # A partner read from a file that did not validate (partial.py) has None for each part that did not:
    # such parts are not judged here (their schema errors are reported), and a present but invalid optional
    # value (a timeline, an expected impact) is not a missing one.
    for area_key, area in model.areas.items():
        if area is None:
            continue
        area_path = ("areas", area_key)
        active = [p for p in area.priorities if p is None or p.status is not Status.WITHDRAWN]
        if not active and not area.no_priorities_reason:
            what = "only withdrawn priorities" if area.priorities else "no priorities"
            warn(area_path, "policy.area-empty", f"area '{area_key}' has {what} and no reason",
                 "add priorities, or state why there are none in 'no_priorities_reason'", prefer_key=True)
        if active and area.no_priorities_reason:
            warn((*area_path, "no_priorities_reason"), "policy.stale-reason",
                 f"area '{area_key}' has priorities and also a reason for having none",
                 "delete 'no_priorities_reason'; the draft does not print it while the area has priorities",
                 prefer_key=True)
        for p_index, priority in enumerate(area.priorities):
            base = (*area_path, "priorities", p_index)
            if priority is None or priority.status is Status.WITHDRAWN:
                continue
            named = f"priority '{priority.id}'" if priority.id else "this priority"  # (an id missing is an error)
            if not priority.actions:
                warn((*base, "id"), "policy.no-action", f"{named} has no action",
                     "a partnership must be operational: add at least one action with a lead and a timeline")
            if priority.expected_impact is None:
                warn((*base, "id"), "policy.no-impact",
                     f"{named} has no expected-impact assessment",
                     "add 'expected_impact' with a level (high, medium, low) and a text")
            for a_index, action in enumerate(priority.actions):
                if action is None:
                    continue
                action_path = (*base, "actions", a_index)
                if not action.lead:
                    warn(action_path, "policy.no-lead", "this action has no lead state",
                         "add 'lead: [CZ]' with one or more participating states")
                for l_index, code in enumerate(action.lead):
                    if code is not None and code not in participating:
                        warn((*action_path, "lead", l_index), "policy.lead-not-participating",
                             f"lead state {code} is not a participating state")
                        hints.add(findings[-1], ("lead", code), lead_hint)
                timeline = action.timeline
                if timeline is None:
                    warn(action_path, "policy.no-timeline", "this action has no timeline",
                         "add e.g. 'timeline: {start: 2010-09, end: 2011-H1}'")
                if isinstance(timeline, Period) and (timeline.start.first_month < period.start.first_month
                                             or timeline.end.last_month > period.end.last_month):
                    warn((*action_path, "timeline"), "policy.timeline-outside-period",
                         f"the timeline {timeline.start}–{timeline.end} lies outside the strategy period "
                         f"{period.start}–{period.end}",
                         "move the action into the period or extend 'series.period' in inputs/strategy.yaml")
    declared = {s.code for s in strategy.stakeholders}
    findings.extend(undefined_abbreviations(used_in_partner(model, declared), strategy, document))
    return findings if deferred is not None else hints.resolve(findings)
