"""The template sandbox: values never become markup, and what a template may build is bounded.

Each bomb below would take gigabytes or hours in Jinja's own sandbox; here each is refused at once with a
SandboxLimitError (a problem of the template, exit 1), and the whole module runs in about 5 s.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from docx import Document
from jinja2 import StrictUndefined
from lxml import etree

from conftest import run_cli
from strategy_builder.render.sandbox import BoundedSandbox, SandboxLimitError, render_bounded, unsafe_constructs

BOMBS = {
    "range": "{{ range(10**9)|list }}",
    "nested ranges": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "string times": "{{ 'x' * 10**10 }}",
    "list times": "{{ [1] * 10**9 }}",
    "power": "{{ 2 ** 100000 }}",
    "padding method": "{{ 'x'.ljust(10**9) }}",
    "format width": "{{ '{:>999999999}'.format(1) }}",
    "percent width": "{{ '%999999999s' % 1 }}",
    "center filter": "{{ 'a'|center(10**9) }}",
    "indent filter": "{{ ('a\n' * 1000)|indent(10**6) }}",
    "batch filter": "{{ [1, 2]|batch(10**9, 0)|list }}",
    "slice filter": "{{ [1, 2]|slice(10**9)|list }}",
    "replace growth": "{{ ('x' * 1000)|replace('x', 'y' * 1000)|replace('y', 'z' * 1000) }}",
    "join growth": "{{ ('x' * 100000).join(['y'] * 100000) }}",
    "concatenation doubling": "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
                              "{% endfor %}{{ ns.s|length }}",
    "macro doubling": "{% macro f(s, n) %}{{ f(s ~ s, n - 1) if n else s|length }}{% endmacro %}{{ f('x', 40) }}",
    "nested list printed": "{% set ns = namespace(l=[1]) %}{% for i in range(60) %}{% set ns.l = [ns.l, ns.l] %}"
                           "{% endfor %}{{ ns.l }}",
    "nested list as text": "{% set ns = namespace(l=[1]) %}{% for i in range(60) %}{% set ns.l = [ns.l, ns.l] %}"
                           "{% endfor %}{{ ns.l|tojson|length }}",
    "output": "{% for x in range(100000) %}{{ 'y' * 1000 }}{% endfor %}",
    "recursion": "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(1) }}",
}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_every_bomb_is_refused_before_it_explodes(name: str) -> None:
    environment = BoundedSandbox(undefined=StrictUndefined, autoescape=True)
    with pytest.raises(SandboxLimitError):
        render_bounded(environment.from_string(BOMBS[name]), {})


def test_ordinary_templates_are_untouched() -> None:
    environment = BoundedSandbox(undefined=StrictUndefined, autoescape=True)
    source = ("{{ a ~ '-' ~ b }} {{ items|join(', ') }} {{ '%s/%s'|format(1, 2) }} {{ 'x{}'.format(3) }} "
              "{{ items|length * 2 }} {% for i in range(3) %}{{ i }}{% endfor %} {{ a|upper|center(9) }} "
              "{{ {'k': items}|tojson }}")
    assert render_bounded(environment.from_string(source), {"a": "A & B", "b": "<c>", "items": ["x", "y"]}) == (
        'A &amp; B-&lt;c&gt; x, y 1/2 x3 4 012   A &amp; B   {"k": ["x", "y"]}')


@pytest.mark.parametrize("source", ["{{ x|safe }}", "{% filter safe %}{{ x }}{% endfilter %}", "{{ x|urlize }}",
                                    "{{ x|xmlattr }}", "{% autoescape false %}{{ x }}{% endautoescape %}"])
def test_every_construct_that_bypasses_escaping_is_found(source: str) -> None:
    environment = BoundedSandbox(undefined=StrictUndefined, autoescape=True)
    assert unsafe_constructs(environment.parse(source))
    assert not unsafe_constructs(environment.parse("{{ x|e }} {{ x|upper }} {% if x %}{{ x }}{% endif %}"))


def test_template_check_refuses_safe_and_a_build_cannot_be_tricked_into_a_field(sample_project: Path,
                                                                                tmp_path: Path) -> None:
    document = Document(str(sample_project / "templates/strategy.docx"))
    document.add_paragraph("{{ partner.name | safe }}")
    unsafe = tmp_path / "unsafe.docx"
    document.save(str(unsafe))
    result = run_cli("template-check", str(unsafe), "--project", str(sample_project), "--format", "json")
    assert result.returncode == 1, result.stderr
    finding = next(f for f in json.loads(result.stdout)["findings"] if f["code"] == "template.unsafe")
    assert finding["field"] == "word/document.xml" and "'|safe'" in finding["message"]

    # Without |safe, markup in a value stays text: no live field reaches a circulated draft.
    partner = sample_project / "inputs" / "partners" / "AM.yaml"
    field = '</w:t></w:r><w:fldSimple w:instr="INCLUDETEXT http://example.org/x"/><w:r><w:t>'
    partner.write_text(partner.read_text().replace("name: Armenia", f"name: 'Armenia{field}'", 1))
    built = run_cli("build", "--project", str(sample_project), "--jobs", "1")
    assert built.returncode == 0, built.stderr
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    instructions, texts = [], []
    with zipfile.ZipFile(sample_project / "build" / "drafts" / "001" / "AM.docx") as archive:
        for name in archive.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                root = etree.fromstring(archive.read(name))
                instructions += [e.get(f"{w}instr", "") for e in root.iter(f"{w}fldSimple")]
                instructions += [e.text or "" for e in root.iter(f"{w}instrText")]
                texts += [t.text or "" for t in root.iter(f"{w}t")]
    assert not any("INCLUDETEXT" in instruction for instruction in instructions)
    assert any("INCLUDETEXT" in text for text in texts)  # the name is shown as text, as typed


def test_a_template_past_the_sandbox_limits_is_a_template_problem_not_a_bug(sample_project: Path,
                                                                            tmp_path: Path) -> None:
    document = Document(str(sample_project / "templates/strategy.docx"))
    document.add_paragraph("{{ range(10**9)|list|length }} {{ 'x' * 10**10 }}")
    bomb = tmp_path / "bomb.docx"
    document.save(str(bomb))
    result = run_cli("build", "--project", str(sample_project), "--template", str(bomb), "--jobs", "1",
                     "--format", "json")
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert any("range() of 1,000,000,000 items" in f["message"] and f["field"] == "word/document.xml"
               for f in findings), findings
    assert "internal error" not in result.stderr and not (sample_project / "build" / "drafts" / "001").exists()
