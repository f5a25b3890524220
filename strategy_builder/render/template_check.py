"""Check a docxtpl template against the context contract before anyone builds with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import jinja2

from strategy_builder.errors import Finding, Findings, Location, Severity, TemplateProblem
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.properties import CUSTOM_PART
from strategy_builder.render.assembly import DocumentAssemblyError, DocumentStamp, render_document
from strategy_builder.render.engine import CompiledTemplate
from strategy_builder.render.sandbox import render_bounded


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
            if key not in seen:
                seen.add(key)
                findings.add(Finding(Location(str(path), getattr(cause, "lineno", None), None, error.part),
                                     "template.render", message, hint=_CONTRACT_HINT))
            if isinstance(cause, jinja2.UndefinedError):
                # Rendering stops at the first undefined value; the others of this partner, all in one run.
                for part, undefined in undefined_uses(template, context):
                    if (part, undefined) not in seen:
                        seen.add((part, undefined))
                        findings.add(Finding(Location(str(path), None, None, part), "template.render",
                                             f"{undefined} (while rendering partner {code})", hint=_CONTRACT_HINT))
    return template, findings


_CONTRACT_HINT = "see docs/templates.md for the variables every partner provides"


class _RecordingUndefined(jinja2.ChainableUndefined):
    """An undefined value that lets rendering go on (empty, false, no items) and records each use of it in
    ``uses``; a subclass per render holds its own list. ``is defined`` tests are not uses."""

    uses: list[str] = []

    def _used(self) -> None:
        self.uses.append(self._undefined_message)

    def __str__(self) -> str:
        self._used()
        return ""

    def __iter__(self):  # type: ignore[no-untyped-def]  # jinja2's own signature
        self._used()
        return iter(())

    def __bool__(self) -> bool:
        self._used()
        return False

    def __len__(self) -> int:
        self._used()
        return 0


def undefined_uses(template: CompiledTemplate, context: dict[str, Any]) -> list[tuple[str, str]]:
    """(part, message) of every use of an undefined value when ``context`` renders ``template``, in order,
    each part rendered to its end (where a strict render stops at the first); other errors end a part."""
    recording = cast(type[_RecordingUndefined], type("RecordingUndefined", (_RecordingUndefined,), {"uses": []}))
    parts = [(part.name, part.template) for part in template.parts if part.template is not None]
    parts += [(f"docProps/core.xml ({name})", core) for name, core in template.core_templates.items()]
    environments = {id(jinja.environment): jinja.environment for _, jinja in parts}
    saved = {key: environment.undefined for key, environment in environments.items()}
    found: list[tuple[str, str]] = []
    try:
        for environment in environments.values():
            environment.undefined = recording
        for name, jinja in parts:
            recording.uses = []
            try:
                render_bounded(jinja, context)
            except jinja2.TemplateError:
                pass  # reported by the strict render, or after the undefined values are put right
            found += [(name, message) for message in dict.fromkeys(recording.uses)]
    finally:
        for key, environment in environments.items():
            environment.undefined = saved[key]
    return found


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
