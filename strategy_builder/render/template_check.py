"""Check a docxtpl template against the context contract before anyone builds with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from strategy_builder.errors import Finding, Findings, Location, Severity, TemplateProblem
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.properties import CUSTOM_PART
from strategy_builder.render.assembly import DocumentAssemblyError, DocumentStamp, render_document
from strategy_builder.render.engine import CompiledTemplate


def check_template(path: Path, contexts: dict[str, dict[str, Any]], stamps: dict[str, DocumentStamp],
                   expected_sections: dict[str, list[str]]) -> tuple[CompiledTemplate | None, Findings]:
    """Every problem of the template at ``path``: XML and Jinja syntax errors per part, names the context
    does not provide (statically, in every templated part and core property), undefined attributes found by
    rendering each given partner context, and lost section markers.
    """
    findings = Findings()
    try:
        template = CompiledTemplate(path)
    except TemplateProblem as problem:
        return None, problem.findings
    except Exception as error:  # noqa: BLE001 - unreadable files are reported, not raised
        findings.add(Finding(Location(str(path)), "template.unreadable", f"cannot read the template: {error}"))
        return None, findings

    provided = set(next(iter(contexts.values()))) if contexts else set()
    for part, names in sorted(template.undeclared_variables().items()):
        for name in sorted(names - provided):
            findings.add(Finding(Location(str(path), None, None, part), "template.undefined-variable",
                                 f"'{name}' is used in {part} but the context does not provide it",
                                 hint="top-level names: " + ", ".join(sorted(provided))))
    _check_unrendered_properties(template.package, path, findings)
    if findings.has_errors():
        return template, findings

    seen: set[tuple[str, str]] = set()
    for code, context in contexts.items():
        try:
            render_document(template, context, stamps[code], expected_sections[code])
        except DocumentAssemblyError as error:
            cause = error.__cause__
            message = error.message
            if isinstance(cause, jinja2.UndefinedError):
                message = f"{cause.message} (while rendering partner {code})"
            key = (error.part, str(cause.message if isinstance(cause, jinja2.TemplateError) else error.message))
            if key in seen:
                continue
            seen.add(key)
            findings.add(Finding(Location(str(path), getattr(cause, "lineno", None), None, error.part),
                                 "template.render", message,
                                 hint="see docs/templates.md for the variables every partner provides"))
    return template, findings


def _check_unrendered_properties(package: DocxPackage, path: Path, findings: Findings) -> None:
    """Jinja in parts strategy-builder does not render (custom and extended properties) would stay literal."""
    for part in (CUSTOM_PART, "docProps/app.xml"):
        if package.has(part):
            text = package.parts[part].decode("utf-8", "replace")
            if "{{" in text or "{%" in text:
                findings.add(Finding(Location(str(path), None, None, part), "template.unrendered-part",
                                     f"{part} contains Jinja tags, which are not rendered there",
                                     Severity.WARNING,
                                     hint="use the core properties (title, subject, description, keywords)"))
