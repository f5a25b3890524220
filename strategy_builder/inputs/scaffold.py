"""Write a new, valid partner file with all five areas, ready for a drafting team to fill in."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from strategy_builder.errors import EnvironmentProblem, Finding, Findings, InputProblems
from strategy_builder.files import environment_errors, replace_file
from strategy_builder.inputs.hints import iso_country_name, not_a_partner_hint, state_hint
from strategy_builder.inputs.yamlsource import read_yaml
from strategy_builder.layout import ProjectLayout, keep_previous
from strategy_builder.models.areas import AREA_KEYS, AREA_TITLES

_EXAMPLE_PRIORITY = """\
    # Example of a priority (uncomment and adapt; the id must never change once circulated):
    # - id: example-priority
    #   title: Title of the priority
    #   status: proposed            # proposed | agreed | bracketed | withdrawn
    #   rationale: |
    #     Why the partner gives this priority (blank line = new paragraph; "- " = bullet).
    #   actions:
    #     - text: What will be done
    #       lead: [CZ]
    #       stakeholders: [IOM]
    #       timeline: {start: 2010-09, end: 2011-H1}
    #   expected_impact:
    #     level: medium              # high | medium | low
    #     text: Expected effect on migration policy.
    #   references:
    #     - {kind: mapping, title: Migration Partnership Mapping}
"""


def scaffold_text(code: str, name: str) -> str:
    """The YAML text of a new partner file for ``code`` (a team's own work: no sample notice)."""
    lines = [
        "# yaml-language-server: $schema=../../schemas/partner.schema.json",
        f"code: {code}",
        f"name: {name}",
        "authorities: []",
        "situation: |",
        f"  A short, objective description of the migration situation in {name}.",
        "key_figures: []",
        "areas:",
    ]
    for index, key in enumerate(AREA_KEYS):
        lines.append(f"  {key}:  # {AREA_TITLES[key]}")
        lines.append("    priorities: []")
        if index == 0:
            lines.append(_EXAMPLE_PRIORITY.rstrip("\n"))
        lines.append("    no_priorities_reason: To be identified with the partner during the expert mission.")
    return "\n".join(lines) + "\n"


class NewPartnerFile(NamedTuple):
    """What :func:`scaffold_partner` wrote: the partner file, and where the file it replaced is kept."""

    path: Path
    previous: Path | None = None
    """The copy in ``inputs/partners/.backups/`` of the file ``overwrite`` replaced (``None``: there was none)."""


def scaffold_partner(root: Path, code: str, *, overwrite: bool = False) -> NewPartnerFile:
    """Create ``inputs/partners/<CODE>.yaml``; the code must be a partner state declared in strategy.yaml.

    With ``overwrite`` an existing file is replaced, after a copy of it is kept in ``.backups/`` beside it."""
    code = code.strip()
    layout = ProjectLayout(root)
    strategy_path = layout.strategy_file
    if not strategy_path.exists():  # a folder or a link loop there is read, and reported as such, below
        raise EnvironmentProblem(f"{strategy_path} does not exist",
                                 hint="run this in a project folder or pass --project")
    document, problems = read_yaml(strategy_path, layout.display_name(strategy_path))
    if document is None:
        raise InputProblems(Findings(problems))
    states = {s.get("code"): s for s in document.data.get("states") or [] if isinstance(s, dict)}
    partners = {str(c): str(s.get("name", c)) for c, s in states.items() if s.get("role") == "partner"}
    if code not in partners:
        entries = document.data.get("states") or []
        index = next((i for i, s in enumerate(entries) if isinstance(s, dict) and s.get("code") == code), None)
        where = ("states", index, "code") if index is not None else ("states",)
        raise InputProblems(Findings([Finding(
            document.location(where, prefer_key=index is None), "partner.not-declared",
            f"{code} is not declared as a partner state in inputs/strategy.yaml",
            hint=not_a_partner_hint(code, document.data) or (state_hint(code, partners) if partners else None))]))
    target = layout.partner_file(code)
    if target.exists() and not overwrite:
        raise EnvironmentProblem(f"{target} already exists", hint="pass --force to overwrite it")
    name = partners.get(code) or iso_country_name(code) or code
    text = scaffold_text(code, name).encode("utf-8")
    with environment_errors(target, "keep a copy of the partner file in"):
        previous = keep_previous(target, unless=text)  # what the team typed, before --force replaces it
    with environment_errors(target, "write the partner file"):  # replaced whole or not at all
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_file(target, text)
    return NewPartnerFile(target, previous)
