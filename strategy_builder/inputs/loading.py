"""Load a project's inputs: read every YAML file, validate it, and check the files against each other."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, NamedTuple, TypeVar

from pydantic import BaseModel, ValidationError

from strategy_builder.errors import Finding, Findings, Location, Severity
from strategy_builder.limits import LOGO_BYTES
from strategy_builder.inputs.diagnostics import MAX_FINDINGS_PER_FILE, validation_findings
from strategy_builder.inputs.hints import (
    DeferredHints, close_match_hint, iso_country_name, not_a_partner_hint, state_hint,
)
from strategy_builder.inputs.partial import partial_partner
from strategy_builder.inputs.policy import policy_findings, undefined_abbreviations
from strategy_builder.models.abbreviations import used_in_strategy
from strategy_builder.inputs.cache import CacheDamaged, CachedInput, InputCache
from strategy_builder.inputs.yamlsource import parse_yaml, read_source
from strategy_builder.layout import INPUTS_DIR, PARTNERS_DIR, ProjectLayout
from strategy_builder.models.inputs import PartnerFile, StrategyFile
from strategy_builder.models.project import Project, SourcedPartner
from strategy_builder.models.source_map import YamlDocument

ModelT = TypeVar("ModelT", bound=BaseModel)


class LoadResult(NamedTuple):
    """The project (``None`` when any error prevents building) and every finding, errors and warnings."""

    project: Project | None
    findings: Findings


def _validate(model: type[ModelT], document: YamlDocument) -> tuple[ModelT | None, list[Finding]]:
    try:
        return model.model_validate(document.data), []
    except ValidationError as error:
        return None, validation_findings(error, model, document)


@dataclass(frozen=True, slots=True)
class _ReadFile(Generic[ModelT]):
    """One input file read: its document (``None`` when unreadable), its model when it was validated now,
    the cached reading when the same bytes validated cleanly before (then ``model`` is ``None``, see
    :func:`_revalidate`), and the findings of reading and validating it."""

    document: YamlDocument | None = None
    model: ModelT | None = None
    cached: CachedInput | None = None
    problems: list[Finding] = field(default_factory=list)


def _read(path: Path, display_name: str, model: type[ModelT], cache: InputCache | None) -> _ReadFile[ModelT]:
    """Read and validate one file, or find that the same bytes were read and validated cleanly before."""
    raw, problems = read_source(path, display_name)
    if raw is None:
        return _ReadFile(problems=problems)
    if cache is not None and (cached := cache.lookup(raw, path, display_name)) is not None:
        return _ReadFile(cached.document, cached=cached)
    document, problems = parse_yaml(raw, path, display_name)
    if document is None:
        return _ReadFile(problems=problems)
    validated, problems = _validate(model, document)
    if cache is not None and validated is not None:
        cache.store(document, {"code": getattr(validated, "code", None)})
    return _ReadFile(document, validated, None, problems)


def _revalidate(model: type[ModelT], cached: CachedInput, code: str | None = None) -> ModelT:
    """The model of a file the cache answered for: its data validated cleanly before, with this code
    (and, for a partner, gave the ``code`` the cache recorded)."""
    for from_source in (False, True):  # a damaged payload: validate the file's bytes, read again
        try:
            validated = model.model_validate_json(cached.data_json(from_source=from_source))
        except (ValidationError, CacheDamaged):
            continue
        if code is None or getattr(validated, "code", None) == code:
            return validated
    raise CacheDamaged(cached.document.display_name)  # reading is deterministic: a hand-edited index


def _checked(document: YamlDocument, context: str, cache: InputCache | None,
             check: Callable[[], list[Finding]]) -> list[Finding]:
    """The findings of ``check`` on a valid file, remembered per file, name and ``context``."""
    if cache is not None and (found := cache.checks(document, context)) is not None:
        return found
    found = check()
    if cache is not None:
        cache.store_checks(document, context, found)
    return found


def load_project(root: Path, *, only: set[str] | None = None, cache_dir: Path | None = None,
                 cache: InputCache | None = None) -> LoadResult:
    """Read and validate ``inputs/`` of the project at ``root``; report every problem of every file.

    ``only`` restricts the partners that are read (by file stem) for quick previews. ``cache_dir`` (or an
    open ``cache``, which the caller closes) lets files whose bytes were read cleanly before skip the YAML
    parse and the checks (see :mod:`strategy_builder.inputs.cache`); their models are validated, from the
    data that validated then, when first used.
    """
    if cache is None and cache_dir is not None:
        with InputCache(cache_dir) as own_cache:
            return load_project(root, only=only, cache=own_cache)
    layout = ProjectLayout.of(root)
    root = layout.root
    findings = Findings()
    strategy_path = layout.strategy_file
    strategy: StrategyFile | None = None
    strategy_document: YamlDocument | None = None
    if not strategy_path.exists():
        findings.add(Finding(Location(layout.display_name(strategy_path)), "project.no-strategy",
                             "inputs/strategy.yaml is missing",
                             hint="run the command inside a project or pass --project DIR; "
                                  "'strategy-builder init' starts a new project"))
    else:
        read = _read(strategy_path, layout.display_name(strategy_path), StrategyFile, cache)
        strategy_document, strategy = read.document, read.model
        if read.cached is not None:
            strategy = _revalidate(StrategyFile, read.cached)
        findings.extend(read.problems)
        if strategy is not None and strategy_document is not None:
            findings.extend(_checked(strategy_document, "strategy", cache,
                                     functools.partial(_check_strategy, strategy, strategy_document)))
            findings.extend(_check_logo(strategy, strategy_document))

    partners: list[SourcedPartner] = []
    files = layout.partner_files()
    if only is not None:
        files = [p for p in files if p.stem in only]
    if not files and only is None:
        findings.add(Finding(Location(f"{INPUTS_DIR}/{PARTNERS_DIR}/"), "project.no-partners",
                             "no partner files found",
                             hint="add one with 'strategy-builder new-partner CODE'"))
    for path in files:
        read_partner = _read(path, layout.display_name(path), PartnerFile, cache)
        document, model, cached = read_partner.document, read_partner.model, read_partner.cached
        findings.extend(read_partner.problems)
        if document is None:
            continue
        if cached is not None and cached.summary.get("code") == path.stem:
            # The usual case (a file named after its code) needs no validation until its model is used.
            partner = SourcedPartner.deferred(path.stem, document,
                                              functools.partial(_revalidate, PartnerFile, cached, path.stem))
        elif cached is not None:
            partner = SourcedPartner(_revalidate(PartnerFile, cached, cached.summary.get("code")), document)
        elif model is not None:
            partner = SourcedPartner(model, document)
        else:
            # A schema error does not hide the other problems: what validates of the file is still checked
            # against strategy.yaml and the policy rules (see partial.py). It is never built.
            if strategy is not None and (partial := partial_partner(document.data)) is not None:
                findings.extend(_partner_checks(SourcedPartner(partial, document), path, strategy))
            continue
        twin = next((p for p in partners if p.code == partner.code), None)
        # AM.yaml and AM.yml: two drafts for one partner. (A file whose code differs from its name gets
        # partner.code-mismatch instead, and the file it collides with is not blamed.)
        if twin is not None and path.stem == partner.code and twin.document.path.stem == partner.code:
            findings.add(Finding(document.location(("code",)), "partner.duplicate",
                                 f"partner {partner.code} is already defined in {twin.document.display_name}",
                                 hint="keep one file per partner state; delete or merge the other"))
            continue
        if strategy is not None and strategy_document is not None:
            findings.extend(_checked(document, strategy_document.sha256, cache, functools.partial(
                _partner_checks, partner, path, strategy)))
        partners.append(partner)

    if strategy is not None and only is None:
        present = {p.code for p in partners}
        for code in strategy.partner_codes:
            if code not in present and not any(p.stem == code for p in files):
                index = next(i for i, s in enumerate(strategy.states) if s.code == code)
                findings.add(Finding(strategy_document.location(("states", index, "code")),  # type: ignore[union-attr]
                                     "project.partner-file-missing",
                                     f"partner state {code} has no file inputs/partners/{code}.yaml",
                                     Severity.WARNING,
                                     hint=f"run 'strategy-builder new-partner {code}'"))

    if cache is not None:
        cache.flush()
    if findings.has_errors() or strategy is None or strategy_document is None:
        return LoadResult(None, findings)
    project = Project(root, strategy, strategy_document, tuple(sorted(partners, key=lambda p: p.code)))
    return LoadResult(project, findings)


def _partner_checks(partner: SourcedPartner, path: Path, strategy: StrategyFile) -> list[Finding]:
    """Everything checked of one valid partner file against strategy.yaml.

    Hints that compare an unknown value with every declared one ("did you mean ...?") are computed only
    for the findings that are shown (at most :data:`MAX_FINDINGS_PER_FILE`), once per distinct value: a
    file of 40,000 mistyped codes costs one pass over the file, not 40,000 comparisons with each code.
    """
    hints = DeferredHints()
    found = [*_check_partner(partner, path, strategy, hints), *policy_findings(partner, strategy, hints)]
    return hints.resolve(_capped(found))


def _capped(found: list[Finding]) -> list[Finding]:
    """At most :data:`MAX_FINDINGS_PER_FILE` findings of one file, in file order, and a note of the rest."""
    if len(found) <= MAX_FINDINGS_PER_FILE:
        return found
    ordered = sorted(found, key=lambda f: (f.location.line or 0, f.location.column or 0))
    kept, dropped = ordered[:MAX_FINDINGS_PER_FILE], ordered[MAX_FINDINGS_PER_FILE:]
    severity = Severity.ERROR if any(f.severity is Severity.ERROR for f in dropped) else Severity.WARNING
    return [*kept, Finding(dropped[0].location, "findings.too-many",
                           f"{len(dropped)} more problem(s) in this file from here on are not listed "
                           f"(only the first {MAX_FINDINGS_PER_FILE} are)", severity,
                           hint="fix the problems listed, then run 'strategy-builder check' again")]


def _check_strategy(strategy: StrategyFile, document: YamlDocument) -> list[Finding]:
    findings: list[Finding] = []
    seen: dict[str, int] = {}
    for index, state in enumerate(strategy.states):
        path = ("states", index, "code")
        if iso_country_name(state.code) is None:
            findings.append(Finding(document.location(path), "state.not-iso",
                                    f"'{state.code}' is not an ISO 3166-1 alpha-2 country code",
                                    hint=state_hint(state.code, {})))
        if state.code in seen:
            findings.append(Finding(document.location(path), "state.duplicate",
                                    f"state {state.code} is declared twice (also at states[{seen[state.code]}])"))
        seen.setdefault(state.code, index)
    codes: dict[str, int] = {}
    for index, stakeholder in enumerate(strategy.stakeholders):
        if stakeholder.code in codes:
            findings.append(Finding(document.location(("stakeholders", index, "code")), "stakeholder.duplicate",
                                    f"stakeholder {stakeholder.code} is declared twice"))
        codes.setdefault(stakeholder.code, index)
    if not strategy.partner_codes:
        findings.append(Finding(document.location(("states",), prefer_key=True), "state.no-partner",
                                "no state has role 'partner'", hint="set 'role: partner' on the partner states"))
    findings.extend(undefined_abbreviations(used_in_strategy(strategy), strategy, document))
    return findings


def _check_logo(strategy: StrategyFile, document: YamlDocument) -> list[Finding]:
    """The logo's checks: looked at on every run, as they concern a file that the input cache does not key
    (a logo removed while strategy.yaml stayed the same is reported)."""
    findings: list[Finding] = []
    logo = document.path.parent.parent / strategy.series.logo if strategy.series.logo is not None else None
    if logo is not None and not logo.is_file():
        findings.append(Finding(document.location(("series", "logo")), "series.logo-missing",
                                f"the logo {strategy.series.logo} does not exist",
                                hint="give the path of a PNG or JPEG file relative to the project folder"))
    elif logo is not None and logo.stat().st_size > LOGO_BYTES:
        findings.append(Finding(document.location(("series", "logo")), "series.logo-too-large",
                                f"the logo {strategy.series.logo} is {logo.stat().st_size:,} bytes; the limit is "
                                f"{LOGO_BYTES:,}", hint="a logo of a few tens of KB prints as well"))
    return findings


def _check_partner(partner: SourcedPartner, path: Path, strategy: StrategyFile,
                   deferred: DeferredHints) -> list[Finding]:
    model, document = partner.model, partner.document
    findings: list[Finding] = []
    known = {s.code: s.name for s in strategy.states}
    partners = {s.code: s.name for s in strategy.states if s.role.value == "partner"}
    # In a file that did not validate (partial.py), a part that did not is None: its schema error says why.
    if model.code is None:
        pass
    elif model.code != path.stem:
        findings.append(Finding(document.location(("code",)), "partner.code-mismatch",
                                f"the code {model.code} does not match the file name {path.name}",
                                hint=f"rename the file to {model.code}.yaml or set 'code: {path.stem}'"))
    if model.code is not None and model.code not in partners:
        findings.append(Finding(document.location(("code",)), "partner.not-declared",
                                f"{model.code} is not declared as a partner state in inputs/strategy.yaml",
                                hint=not_a_partner_hint(model.code, strategy) or state_hint(model.code, partners)))
    stakeholders = [s.code for s in strategy.stakeholders]
    declared = set(stakeholders)

    def stakeholder_hint(code: str) -> str | None:
        return (close_match_hint(code, stakeholders, "stakeholders")
                + " (declare new ones under 'stakeholders' in inputs/strategy.yaml)")

    def iso_hint(code: str) -> str | None:
        return state_hint(code, known)

    seen_ids: dict[str, str] = {}
    for area_key, area in model.areas.items():
        if area is None:
            continue
        for p_index, priority in enumerate(area.priorities):
            if priority is None:
                continue
            base = ("areas", area_key, "priorities", p_index)
            if priority.id is None:
                pass
            elif priority.id in seen_ids:
                findings.append(Finding(document.location((*base, "id")), "priority.duplicate-id",
                                        f"priority id '{priority.id}' is already used in {seen_ids[priority.id]}",
                                        hint="ids must be unique within a partner; they become section IDs"))
            if priority.id is not None:
                seen_ids.setdefault(priority.id, f"areas.{area_key}")
            for a_index, action in enumerate(priority.actions):
                if action is None:
                    continue
                for s_index, code in enumerate(action.stakeholders):
                    if code is not None and code not in declared:
                        findings.append(deferred.add(Finding(
                            document.location((*base, "actions", a_index, "stakeholders", s_index)),
                            "stakeholder.unknown", f"'{code}' is not a known stakeholder"),
                            ("stakeholder", code), stakeholder_hint))
                for l_index, code in enumerate(action.lead):
                    # A declared state's code is checked once, where strategy.yaml declares it.
                    if code is not None and code not in known and iso_country_name(code) is None:
                        findings.append(deferred.add(Finding(
                            document.location((*base, "actions", a_index, "lead", l_index)),
                            "state.not-iso", f"'{code}' is not an ISO 3166-1 alpha-2 country code"),
                            ("state", code), iso_hint))
    return findings
