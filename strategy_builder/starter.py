"""``strategy-builder init``: a new project folder that checks and builds as it is.

A starter project holds ``inputs/strategy.yaml`` (series, period, states, stakeholders, drafting team,
consultation round), one partner file per partner asked for, the JSON Schemas its files point at, the
default Word template (a copy of the one shipped inside the package) and a ``.gitignore`` for ``build/``.
With ``sample=True`` the inputs are the illustrative sample instead. Nothing existing is overwritten
unless ``force`` is given, and then a copy of each file it replaces is kept in ``.backups/`` beside it;
the files are written all together or not at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from strategy_builder.layout import TRANSLATIONS_DIR, keep_previous
from strategy_builder.errors import EnvironmentProblem
from strategy_builder.files import environment_problem, replace_files
from strategy_builder.inputs.hints import iso_country_name
from strategy_builder.layout import INPUTS_DIR, PARTNERS_DIR, STRATEGY_FILE
from strategy_builder.inputs.scaffold import scaffold_text
from strategy_builder.inputs.schema import SCHEMA_DIR, render_schemas
from strategy_builder.resources import DEFAULT_TEMPLATE, packaged_sample, packaged_template

GITIGNORE = ("# Drafts, previews and caches that strategy-builder writes\nbuild/\n"
             "# Files as they were before new-round, translate or a --force replaced them (git keeps history)\n"
             ".backups/\n"
             "# A write killed half-way leaves a hidden temporary file; the next write of that file removes it\n"
             ".*.tmp\n")


@dataclass(slots=True)
class StartedProject:
    """What :func:`init_project` wrote (paths relative to the project folder, in writing order)."""

    root: Path
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    """Copies of the files ``force`` replaced (``<folder>/.backups/<name>.<time>.<suffix>``), when they differed."""
    partners: list[str] = field(default_factory=list)
    sample: bool = False


def starter_strategy(partners: list[tuple[str, str]], today: dt.date) -> str:
    """The text of a new team's ``inputs/strategy.yaml`` declaring ``partners`` (code, name)."""
    issued = today.isoformat()
    deadline = (today + dt.timedelta(days=28)).isoformat()
    examples = ("  # Leading and other participating states (those that may lead actions), e.g.:\n"
                "  # - {code: CZ, name: Czech Republic, role: leading, institution: Ministry of the Interior}\n"
                "  # - {code: AT, name: Austria}")
    if partners:
        states = ("  # Partner states: one file inputs/partners/<CODE>.yaml each ('strategy-builder new-partner')\n"
                  + "\n".join(f"  - {{code: {code}, name: {name}, role: partner}}" for code, name in partners)
                  + "\n" + examples)
    else:
        states = ("  # None yet. Declare each partner state here, then 'strategy-builder new-partner CODE' writes its\n"
                  "  # file inputs/partners/<CODE>.yaml; e.g.\n"
                  "  # - {code: AM, name: Armenia, role: partner}\n" + examples + "\n  []")
    return f"""\
# yaml-language-server: $schema=../schemas/strategy.schema.json
# Settings shared by every partner's draft; docs/inputs.md describes each field.
series:
  title: Migration Partnership Strategy
  subtitle: Building Migration Partnerships (BMP) process
  period:
    start: {today.year}-{today.month:02d}
    end: {today.year + 1}-H2

states:
{states}

stakeholders:
  - {{code: IOM, name: International Organization for Migration}}
  - {{code: UNHCR, name: Office of the United Nations High Commissioner for Refugees}}
  - {{code: ICMPD, name: International Centre for Migration Policy Development}}

abbreviations:
  # Every other abbreviation the drafts use, with its full name: each draft lists those it uses.
  BMP: Building Migration Partnerships

drafting_team:
  name: Strategy Drafting Team
  # organisation: Ministry of ...
  # email: drafting-team@example.org

consultation:
  round: 1
  issued: {issued}
  deadline: {deadline}

build:
  template: {DEFAULT_TEMPLATE}
"""


def partner_code(text: str) -> tuple[str, str]:
    """``am`` -> ``("AM", "Armenia")``; refuses (exit 2) what is not an ISO 3166-1 alpha-2 code."""
    code = text.strip().upper()
    name = iso_country_name(code) if len(code) == 2 and code.isalpha() else None
    if name is None:
        raise EnvironmentProblem(f"'{text}' is not an ISO 3166-1 alpha-2 country code",
                                 hint="give partner states by their two-letter code, e.g. --partner AM")
    return code, name


def _planned(partners: list[tuple[str, str]], sample: bool, today: dt.date) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    inputs = f"{INPUTS_DIR}/"
    if sample:
        source = packaged_sample()
        files[inputs + STRATEGY_FILE] = (source / STRATEGY_FILE).read_bytes()
        for path in sorted((source / PARTNERS_DIR).glob("*.yaml")):
            files[f"{inputs}{PARTNERS_DIR}/{path.name}"] = path.read_bytes()
        for path in sorted((source / TRANSLATIONS_DIR).glob("*/*.yaml")):  # the Russian versions of the sample
            files[f"{inputs}{TRANSLATIONS_DIR}/{path.parent.name}/{path.name}"] = path.read_bytes()
    else:
        files[inputs + STRATEGY_FILE] = starter_strategy(partners, today).encode("utf-8")
        for code, name in partners:
            files[f"{inputs}{PARTNERS_DIR}/{code}.yaml"] = scaffold_text(code, name).encode("utf-8")
    for name, text in render_schemas().items():
        files[f"{SCHEMA_DIR}/{name}"] = text.encode("utf-8")
    files[DEFAULT_TEMPLATE] = packaged_template().read_bytes()
    files[".gitignore"] = GITIGNORE.encode("utf-8")
    return files


def init_project(root: Path, partners: list[str] = (), *, sample: bool = False,  # type: ignore[assignment]
                 force: bool = False, today: dt.date | None = None) -> StartedProject:
    """Write a new project into ``root`` (created if needed).

    Raises :class:`EnvironmentProblem` (exit 2) naming the files that exist already, before writing
    anything, unless ``force``; and for a partner code that is not an ISO 3166-1 alpha-2 code.
    """
    if sample and partners:
        raise EnvironmentProblem("--sample brings its own twelve partners; give either --sample or --partner")
    codes = list(dict.fromkeys(partner_code(p) for p in partners))
    files = _planned(codes, sample, today or dt.date.today())
    if root.exists() and not root.is_dir():
        raise EnvironmentProblem(f"{root} exists and is not a folder")
    existing = [name for name in files if (root / name).exists()]
    if existing and not force:
        shown = ", ".join(str(root / name) for name in existing[:5]) + (" ..." if len(existing) > 5 else "")
        raise EnvironmentProblem(f"{len(existing)} file(s) exist already and would be overwritten: {shown}",
                                 hint="init never overwrites a project; pass --force to replace these files "
                                      "(other files are left alone), or choose another folder")
    started = StartedProject(root, partners=[code for code, _ in codes], sample=sample)
    try:
        for name, data in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            kept = keep_previous(root / name, unless=data)  # --force: what the team had there, kept first
            if kept is not None:
                started.kept.append(kept.relative_to(root).as_posix())
        replace_files({root / name: data for name, data in files.items()}, durable=False)  # all, or none
        started.written.extend(files)
    except OSError as error:
        raise environment_problem(error, root, "write") from error
    return started
