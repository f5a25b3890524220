"""The one user of docxtpl: compile a Word template once, render it many times in a sandbox.

docxtpl's own ``DocxTemplate.render`` re-reads the package, re-patches and re-compiles every part for
every document. Here the parts are patched (docxtpl's ``patch_xml``, which makes Word's split runs
Jinja-readable) and compiled once; rendering a partner is then one Jinja call per part. Rendering runs
in a bounded ``ImmutableSandboxedEnvironment`` (:mod:`strategy_builder.render.sandbox`) with
``StrictUndefined`` and autoescape always on, because templates may come from outside the team and values
must appear literally. Only the template's XML parts are held in memory; its images stay compressed in
the template's bytes and are copied into each document as they are.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
from jinja2 import StrictUndefined, TemplateSyntaxError, meta

from strategy_builder.errors import Finding, Findings, Location, TemplateProblem, UntrustedDocumentError
from strategy_builder.files import RefusedFile, environment_errors, read_limited, replace_file
from strategy_builder.limits import DOCX_FILE_BYTES
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.parser import XmlRefused
from strategy_builder.ooxml.properties import read_core_texts
from strategy_builder.render.sandbox import BoundedSandbox, render_bounded, unsafe_constructs
from strategy_builder.ooxml.template_xml import (
    element_text, has_cell_loops, has_listing_characters, paragraphs_joined, paragraphs_on_lines, part_text,
    text_near_line,
)

# Part relationship types whose XML may contain Jinja.
TEMPLATED_RELATIONSHIPS = ("/header", "/footer", "/footnotes", "/endnotes")
CORE_PROPERTY_TAGS = ("title", "subject", "description", "keywords", "category")


def make_environment(sources: dict[str, str] | None = None, cache_dir: Path | None = None) -> jinja2.Environment:
    """The Jinja environment of every render: sandboxed, strict about undefined names, autoescaping.

    ``sources`` (name -> patched part XML) and ``cache_dir`` let compiled parts be reused across runs:
    Jinja's bytecode cache keys each entry on the name and a checksum of the source.
    """
    loader = jinja2.FunctionLoader(lambda name: sources.get(name)) if sources is not None else None
    cache = _BestEffortBytecodeCache(str(cache_dir)) if cache_dir is not None else None
    return BoundedSandbox(undefined=StrictUndefined, autoescape=True, keep_trailing_newline=True,
                          loader=loader, bytecode_cache=cache, auto_reload=False)


COMPILED_FORMAT = "v3"
"""Part of the compiled cache's names: entries of code that checked less (unsafe filters; v2: the parts
copied unchanged into every document) are not reused."""


class _BestEffortBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's bytecode cache, as an optimisation only: a full disk or a read-only cache folder means
    compiling again, never a failed build."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


class TemplatePart(NamedTuple):
    """One compiled part of the template."""

    name: str
    source: str
    template: jinja2.Template | None
    uses_cell_loops: bool


class CompiledTemplate:
    """A docxtpl template read and compiled once; :meth:`render` gives the rendered XML of its parts."""

    def __init__(self, path: Path, data: bytes | None = None, cache_dir: Path | None = None) -> None:
        self.path = path
        self.data = data if data is not None else read_template_bytes(path)
        self.sha256 = hashlib.sha256(self.data).hexdigest()
        self._sources: dict[str, str] = {}
        if cache_dir is not None:
            try:
                cache_dir.mkdir(parents=True, exist_ok=True)
            except OSError:
                cache_dir = None  # a cache is an optimisation: build without it rather than fail
        self.environment = make_environment(self._sources, cache_dir)
        self._docxtpl_instance: Any = None
        self._compiled_cache = (cache_dir / f"{self.sha256}.{COMPILED_FORMAT}.compiled.json"
                                if cache_dir is not None else None)
        cached = self._read_compiled()
        self._patched: dict[str, list] = cached.get("parts", {})
        unpacked = _decode_parts(cached.get("package"))
        # The XML parts as an earlier run unpacked these same bytes within the limits (or unpack them now);
        # images and other members stay compressed in the template's bytes.
        try:
            self.package = DocxPackage.from_bytes(self.data, source=str(path), known=unpacked)
        except UntrustedDocumentError as error:
            raise TemplateProblem(Findings([Finding(Location(str(path)), "template.unreadable", error.reason,
                                                    hint=error.hint)])) from error
        names = cached.get("templated")
        if not (isinstance(names, list) and names and all(name in self.package.parts for name in names)):
            names = [self.package.main_part_name()]
            for suffix in TEMPLATED_RELATIONSHIPS:
                names.extend(self.package.part_of_type(suffix))
        self.main_part: str = names[0]
        self._templated = names
        problems = Findings()
        self.parts: list[TemplatePart] = []
        for name in names:
            part = self._compile(name, problems)
            if part is not None:
                self.parts.append(part)
        self.core_templates = self._compile_core_properties(problems)
        if not cached:  # an entry is only written for a template whose every part parsed (see _write_compiled)
            self._check_copied_parts(problems)
        if problems.has_errors():
            raise TemplateProblem(problems)
        self._write_compiled()

    @property
    def _docxtpl(self) -> Any:
        """docxtpl's template object, made (and docxtpl and python-docx imported, a tenth of a second) only
        when a part must be patched, or rendered text needs docxtpl's listing or cell-loop fixes: a
        template compiled by an earlier run and rendered without those never needs it."""
        if self._docxtpl_instance is None:
            from docxtpl import DocxTemplate

            self._docxtpl_instance = DocxTemplate(io.BytesIO(self.data))
        return self._docxtpl_instance

    def _read_compiled(self) -> dict[str, Any]:
        """What an earlier run compiled from the same template bytes: ``parts`` (part name -> [patched
        source, uses cell loops]), ``templated`` (the parts that may hold Jinja, the main part first) and
        ``package`` (every XML part, base64)."""
        if self._compiled_cache is None:
            return {}
        try:
            cached = json.loads(self._compiled_cache.read_bytes())
        except (OSError, ValueError):
            return {}
        return cached if isinstance(cached, dict) else {}

    def _write_compiled(self) -> None:
        if self._compiled_cache is None or self._compiled_cache.exists():
            return
        compiled = {"parts": {part.name: [part.source, part.uses_cell_loops] for part in self.parts},
                    "templated": self._templated,
                    "package": {name: base64.b64encode(blob).decode("ascii")
                                for name, blob in self.package.parts.held().items()}}
        with contextlib.suppress(OSError):  # a cache is an optimisation: never fail a build for it
            replace_file(self._compiled_cache, json.dumps(compiled).encode("utf-8"), durable=False,
                         keep_metadata=False, clean_folder=True)  # and older versions' .tmp-PID leftovers

    def _location(self, part: str, line: int | None = None) -> Location:
        return Location(str(self.path), line, None, part)

    def _compile(self, name: str, problems: Findings) -> TemplatePart | None:
        from_cache = name in self._patched
        if from_cache:
            # Parsed, patched (docxtpl's dozens of regular expressions) and checked by an earlier run on the
            # same bytes: the cache is only written for a template whose every templated part compiled.
            source, uses_cell_loops = self._patched[name]
        else:
            try:
                raw = part_text(self.package, name)
            except XmlRefused as error:
                problems.add(Finding(self._location(name), "template.xml", str(error)))
                return None
            source = self._docxtpl.patch_xml(raw)
            # docxtpl rewrites '{%tc ...%}' cell loops away, so look for them before patching.
            uses_cell_loops = has_cell_loops(raw)
            if "{{" in source or "{%" in source:
                source = paragraphs_on_lines(source)
        if "{{" not in source and "{%" not in source:
            return TemplatePart(name, source, None, False)
        try:
            unsafe = [] if from_cache else unsafe_constructs(self.environment.parse(source))
            # Loaded by name so that the bytecode cache (when configured) can skip compiling.
            self._sources[f"{self.sha256}/{COMPILED_FORMAT}/{name}"] = source
            template = None if unsafe else self.environment.get_template(f"{self.sha256}/{COMPILED_FORMAT}/{name}")
        except TemplateSyntaxError as error:
            problems.add(Finding(self._location(name, error.lineno), "template.syntax",
                                 f"Jinja syntax error in {name}: {error.message}",
                                 hint=f"near: {text_near_line(source, error.lineno)}"))
            return None
        for line, construct in unsafe:
            problems.add(Finding(self._location(name, line), "template.unsafe",
                                 f"{name} uses {construct}: a value from the inputs could become markup "
                                 "(e.g. a live field) in the document",
                                 hint=f"remove it; values are always escaped. Near: {text_near_line(source, line)}"))
        if template is None:
            return None
        return TemplatePart(name, source, template, uses_cell_loops)

    def _check_copied_parts(self, problems: Findings) -> None:
        """Parse strictly, once per template content, every XML part that documents copy unchanged (styles,
        numbering, theme, ...): the build parses the parts it renders or stamps as it makes each document,
        and checks the others here rather than in each of them (a broken one stops every build)."""
        for name in self.package.parts:
            if name in self._templated or not name.endswith((".xml", ".rels")):
                continue
            try:
                self.package.parse(name)  # not kept: documents copy the part's bytes
            except UntrustedDocumentError as error:
                problems.add(Finding(self._location(name), "template.xml", error.reason))

    def _compile_core_properties(self, problems: Findings) -> dict[str, jinja2.Template]:
        self._core_texts = read_core_texts(self.package)
        # A property is plain text, escaped once where core.xml is serialized: rendering it with XML
        # escaping as well would print '&lt;' for a '<' in a partner's name.
        plain_text = self.environment.overlay(autoescape=False)
        templates = {}
        for local, text in self._core_texts.items():
            if local in CORE_PROPERTY_TAGS and ("{{" in text or "{%" in text):
                name = f"{self.sha256}/{COMPILED_FORMAT}/docProps/core.xml/{local}/text"
                self._sources[name] = text
                try:
                    unsafe = unsafe_constructs(self.environment.parse(text))
                    if not unsafe:
                        templates[local] = plain_text.get_template(name)  # by name: from the bytecode cache
                except TemplateSyntaxError as error:
                    problems.add(Finding(self._location(f"docProps/core.xml ({local})"), "template.syntax",
                                         f"Jinja syntax error in document property '{local}': {error.message}",
                                         hint=f"the property reads: {text[:120]}"))
                    continue
                for _, construct in unsafe:
                    problems.add(Finding(self._location(f"docProps/core.xml ({local})"), "template.unsafe",
                                         f"document property '{local}' uses {construct}",
                                         hint="remove it; values are always escaped"))
        return templates

    def undeclared_variables(self) -> dict[str, set[str]]:
        """Part name -> top-level names the part uses (for template-check)."""
        result: dict[str, set[str]] = {}
        for part in self.parts:
            if part.template is None:
                continue
            ast = self.environment.parse(part.source)
            result[part.name] = set(meta.find_undeclared_variables(ast))
        for name in self.core_templates:
            result[f"docProps/core.xml ({name})"] = set(meta.find_undeclared_variables(
                self.environment.parse(self._core_texts[name])))
        return result

    def render(self, context: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
        """Rendered XML text of every templated part, and rendered core property texts.

        Raises ``jinja2.TemplateError`` (including ``UndefinedError``) with ``part_name`` set on it.
        """
        rendered: dict[str, str] = {}
        for part in self.parts:
            if part.template is None:
                continue
            try:
                xml = render_bounded(part.template, context)
            except jinja2.TemplateError as error:
                error.part_name = part.name  # type: ignore[attr-defined]
                raise
            xml = paragraphs_joined(xml)  # the line breaks compiling added (see _compile)
            if "{_" in xml or "_}" in xml:  # docxtpl's escapes for literal braces
                xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
            if has_listing_characters(xml):
                xml = self._docxtpl.resolve_listing(xml)
            if part.uses_cell_loops:
                xml = element_text(self._docxtpl.fix_tables(xml))
            rendered[part.name] = xml
        properties = {}
        for name, template in self.core_templates.items():
            try:
                properties[name] = render_bounded(template, context)
            except jinja2.TemplateError as error:
                error.part_name = f"docProps/core.xml ({name})"  # type: ignore[attr-defined]
                raise
        return rendered, properties


def read_template_bytes(path: Path) -> bytes:
    """The bytes of a template file within the .docx file limit; a problem of the template (exit 1) when
    it is not a regular file or too large, an environment problem (exit 2) when it cannot be read."""
    try:
        with environment_errors(path, "read the template"):
            return read_limited(path, DOCX_FILE_BYTES, what="template")
    except RefusedFile as refused:
        raise TemplateProblem(Findings([Finding(Location(str(path)), "template.unreadable", refused.reason,
                                                hint=refused.hint)])) from refused


def _decode_parts(encoded: object) -> dict[str, bytes] | None:
    """Part name -> bytes from the compiled cache's ``package``, or ``None`` if it is missing or damaged."""
    if not isinstance(encoded, dict) or not encoded:
        return None
    try:
        return {name: base64.b64decode(text, validate=True) for name, text in encoded.items()}
    except (TypeError, ValueError):
        return None
