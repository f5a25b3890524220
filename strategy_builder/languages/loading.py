"""Loading a project with its language versions: the inputs as ``check`` reads them, plus the translations."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from strategy_builder.errors import Findings
from strategy_builder.inputs.cache import InputCache
from strategy_builder.inputs.loading import LoadResult, load_project
from strategy_builder.languages.files import load_translations
from strategy_builder.layout import ProjectLayout


def load_project_with_translations(root: Path, *, only: set[str] | None = None,
                                   cache: InputCache | None = None) -> LoadResult:
    """Read and validate ``inputs/`` (see :func:`strategy_builder.inputs.loading.load_project`) and, when
    the inputs are valid, the translation files of every declared language (``inputs/translations/``).

    ``only`` (a preview of some partners) reads only those partners and their translations. Either way
    only the languages the partners are printed in are read, with their translation of ``strategy.yaml``:
    the others concern no document being made.

    The project carries its :class:`~strategy_builder.models.translations.Translations`; translation
    problems are findings like any other, and missing or stale values are warnings at the source's line.
    A project that declares no language and has no ``inputs/translations/`` reads nothing more.
    """
    result = load_project(root, only=only, cache=cache)
    project = result.project
    if project is None:
        return result
    if len(project.strategy.languages) <= 1 and not ProjectLayout.of(project.root).translations_dir.is_dir():
        return result
    selection = frozenset(only) if only is not None else None
    translations, found = load_translations(project, selection=selection, every_partner=only is None)
    findings = Findings([*result.findings, *found])
    if findings.has_errors():
        return LoadResult(None, findings)
    return LoadResult(dataclasses.replace(project, translations=translations), findings)


UNTRANSLATED = frozenset({"translation.missing", "translation.stale", "translation.missing-file"})
"""Findings that are warnings for ``check`` and previews but stop a circulated build."""


def untranslated_for_circulation(findings: Findings) -> Findings:
    """Missing and stale translations as errors: a circulated draft refuses them unless
    ``--allow-untranslated`` (or ``build.allow_untranslated``) prints the source text marked pending."""
    hint = ("a draft for circulation needs every translation; 'build --allow-untranslated' prints the source "
            "text instead, marked 'translation pending'")
    return Findings([f.as_error()._replace(hint=f"{f.hint}; {hint}" if f.hint else hint)
                     if f.code in UNTRANSLATED else f for f in findings])
