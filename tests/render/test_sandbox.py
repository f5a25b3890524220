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
from strategy_builder.limits import SANDBOX_RANGE, SANDBOX_VALUE_BYTES
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
    # The filters and operators the sandbox wraps keep Jinja's defaults and arguments.
    wrapped = ("{{ 3 + 2000 }} {{ 3 // 2000 }}|{{ 'a'|center|length }}|{{ 'a\nb'|indent }}|"
               "{{ 'a\n\nb'|indent(2, true) }}|{{ 'a\n\nb'|indent(2, false, true) }}|{{ '%(a)s'|format(a=1) }}|"
               "{{ [1, 2, 3]|batch(2, 0)|list }}|{{ 'zaz'|trim(chars='z') }}|{{ [1, 2, 3]|slice(2)|list }}")
    assert render_bounded(environment.from_string(wrapped), {}) == (
        "2003 0|80|a\n    b|  a\n\n  b|a\n  \n  b|1|[[1, 2], [3, 0]]|a|[[1, 2], [3]]")


def test_a_dict_answers_names_as_jinja_does() -> None:
    """Names a dict's class does not have are looked up as keys at once: the same answers as Jinja's sandbox
    (a key, an undefined name, or the class's attribute where one has the name, unsafe ones refused)."""
    from jinja2 import TemplateError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    values = {"p": {"title": "T & U", "items": "a key", "n": 3, "__class__": "key"}}
    source = ("{{ p.title }}|{{ p.n + 1 }}|{{ p.items is callable }}|{{ p['items'] }}|{{ p.get('n') }}|"
              "{{ p.missing is defined }}")
    ours = BoundedSandbox(autoescape=True)
    theirs = ImmutableSandboxedEnvironment(autoescape=True)
    assert render_bounded(ours.from_string(source), values) == theirs.from_string(source).render(values) == (
        "T &amp; U|4|True|a key|3|False")
    strict = BoundedSandbox(undefined=StrictUndefined, autoescape=True)
    for refused in ("{{ p.missing }}", "{{ p.__class__.__subclasses__() }}"):
        with pytest.raises(TemplateError):  # undefined, and unsafe
            render_bounded(strict.from_string(refused), values)


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
    # ... and so do the document's properties: escaped once when written, never twice ('&amp;lt;').
    title = Document(str(sample_project / "build" / "drafts" / "001" / "AM.docx")).core_properties.title
    assert f"Armenia{field}" in title


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


# Each bound of the sandbox at its limit (rendered) and one past it (refused): a template that builds a value
# of exactly SANDBOX_VALUE_BYTES characters is ordinary, one character more is not. L is that limit; the
# pairs are (at the limit, one past it), rendered with ``L`` and ``R`` (the range limit) in the context.
L, R = SANDBOX_VALUE_BYTES, SANDBOX_RANGE
BOUNDS: dict[str, tuple[str, str]] = {
    "text times n": ("{{ ('x' * L)|length }}", "{{ ('x' * (L + 1))|length }}"),
    "n times text": ("{{ (L * 'x')|length }}", "{{ ((L + 1) * 'x')|length }}"),
    "list times n": ("{{ ([0] * L)|length }}", "{{ ([0] * (L + 1))|length }}"),
    "text plus text": ("{{ ('x' * (L - 1) + 'y')|length }}", "{{ ('x' * L + 'y')|length }}"),
    "list plus list": ("{{ ([0] * (L - 1) + [1])|length }}", "{{ ([0] * L + [1])|length }}"),
    "percent": ("{{ ('%s' % ('x' * (L - 2)))|length }}", "{{ ('%s' % ('x' * (L - 1)))|length }}"),
    "percent with a tuple": ("{{ ('%s%s' % ('x' * 499998, 'y'))|length }}",
                             "{{ ('%s%s' % ('x' * 499999, 'y'))|length }}"),
    "percent width": ("{{ ('%999999s' % 1)|length }}", "{{ ('%1000000s' % 1)|length }}"),
    "power": ("{{ (2 ** 1024) > 0 }} {{ 1 ** 5000 }}", "{{ (2 ** 1025) > 0 }}"),
    "negative power": ("{{ ((-2) ** 1024) > 0 }}", "{{ ((-2) ** 1025) > 0 }}"),
    "tilde": ("{{ ('x' * 500000 ~ 'y' * 500000)|length }}", "{{ ('x' * 500000 ~ 'y' * 500001)|length }}"),
    "ljust": ("{{ 'x'.ljust(L)|length }}", "{{ 'x'.ljust(L + 1)|length }}"),
    "rjust": ("{{ 'x'.rjust(L)|length }}", "{{ 'x'.rjust(L + 1)|length }}"),
    "center method": ("{{ 'x'.center(L)|length }}", "{{ 'x'.center(L + 1)|length }}"),
    "zfill": ("{{ '1'.zfill(L)|length }}", "{{ '1'.zfill(L + 1)|length }}"),
    "expandtabs": ("{{ 'a\tb'.expandtabs(L - 3)|length }}", "{{ 'a\tb'.expandtabs(L - 2)|length }}"),
    "replace method": ("{{ 'ab'.replace('a', 'y' * (L - 2))|length }}",
                       "{{ 'ab'.replace('a', 'y' * (L - 1))|length }}"),
    "replace method, empty old": ("{{ 'ab'.replace('', 'y' * 333332)|length }}",
                                  "{{ 'ab'.replace('', 'y' * 333333)|length }}"),
    "join method": ("{{ 'xy'.join(['a'] * 333333)|length }}", "{{ 'xy'.join(['a'] * 333334)|length }}"),
    "format method": ("{{ '{}'.format('x' * (L - 2))|length }}", "{{ '{}'.format('x' * (L - 1))|length }}"),
    "format method, keyword": ("{{ '{a}'.format(a='x' * (L - 3))|length }}",
                               "{{ '{a}'.format(a='x' * (L - 2))|length }}"),
    "format_map": ("{{ '{a}'.format_map({'a': 'x' * (L - 6)})|length }}",
                   "{{ '{a}'.format_map({'a': 'x' * (L - 5)})|length }}"),
    "format width": ("{{ '{:>999999}'.format(1)|length }}", "{{ '{:>1000000}'.format(1)|length }}"),
    "macro argument": ("{% macro m(v) %}{{ v|length }}{% endmacro %}{{ m(['x' * 499998, 'y' * 499999]) }}",
                       "{% macro m(v) %}{{ v|length }}{% endmacro %}{{ m(['x' * 499998, 'y' * 500000]) }}"),
    "printed list": ("{{ ['x' * 499998, 'y' * 499999] }}", "{{ ['x' * 499998, 'y' * 500000] }}"),
    "printed tuple": ("{{ ('x' * 499998, 'y' * 499999) }}", "{{ ('x' * 499998, 'y' * 500000) }}"),
    "printed mapping": ("{{ {'k': 'x' * (L - 3)} }}", "{{ {'k': 'x' * (L - 2)} }}"),
    "center filter": ("{{ ('x'|center(L))|length }}", "{{ ('x'|center(L + 1))|length }}"),
    "indent filter": ("{{ ('a\nb'|indent(L - 3))|length }}", "{{ ('a\nb'|indent(L - 2))|length }}"),
    "indent filter, first line": ("{{ ('a'|indent(L, true))|length }}", "{{ ('a'|indent(L + 1, true))|length }}"),
    "indent filter, text": ("{{ ('a\nb'|indent('x' * (L - 3)))|length }}",
                            "{{ ('a\nb'|indent('x' * (L - 2)))|length }}"),
    "format filter": ("{{ ('%s'|format('x' * (L - 2)))|length }}", "{{ ('%s'|format('x' * (L - 1)))|length }}"),
    "format filter, value": ("{{ ('%s'|format(['x' * 499998, 'y' * 499997]))|length }}",
                             "{{ ('%s'|format(['x' * 499998, 'y' * 499998]))|length }}"),
    "replace filter": ("{{ ('ab'|replace('a', 'y' * (L - 2)))|length }}",
                       "{{ ('ab'|replace('a', 'y' * (L - 1)))|length }}"),
    "replace filter, count": ("{{ ('aaa'|replace('a', 'y' * (L - 3), 1))|length }}",
                              "{{ ('aaa'|replace('a', 'y' * (L - 2), 1))|length }}"),
    "replace filter, empty old": ("{{ ('ab'|replace('', 'y' * 333332))|length }}",
                                  "{{ ('ab'|replace('', 'y' * 333333))|length }}"),
    "join filter": ("{{ (['a'] * 249999)|join('xy')|length }}", "{{ (['a'] * 250000)|join('xy')|length }}"),
    "batch filter": ("{{ [1, 2]|batch(L)|list|length }}", "{{ [1, 2]|batch(L + 1)|list|length }}"),
    "slice filter": ("{{ [1, 2]|slice(R)|list|length }}", "{{ [1, 2]|slice(R + 1)|list|length }}"),
    "upper filter": ("{{ (['x' * 499998, 'y' * 499999]|upper)|length }}",
                     "{{ (['x' * 499998, 'y' * 500000]|upper)|length }}"),
    "tojson filter": ("{{ (['x' * 499998, 'y' * 499999]|tojson)|length }}",
                      "{{ (['x' * 499998, 'y' * 500000]|tojson)|length }}"),
    "string filter": ("{{ (['x' * 499998, 'y' * 499999]|string)|length }}",
                      "{{ (['x' * 499998, 'y' * 500000]|string)|length }}"),
    "range": ("{{ range(R)|length }}", "{{ range(R + 1)|length }}"),
    "range budget": ("{% for i in range(10) %}{{ range(R - 1)|length }}{% endfor %}",
                     "{% for i in range(10) %}{{ range(R)|length }}{% endfor %}"),
    "printed numbers": ("{{ [0] * 499999 }}", "{{ [0] * 500000 }}"),
    "printed nested list": ("{{ [[0], 'x' * (L - 6)] }}", "{{ [[0], 'x' * (L - 5)] }}"),
    "trim filter": ("{{ (['x' * 499998, 'y' * 499999]|trim('z'))|length }}",
                    "{{ (['x' * 499998, 'y' * 500000]|trim('z'))|length }}"),
    "ljust with a tab": ("{{ '\t'.ljust(L)|length }}", "{{ '\t'.ljust(L + 1)|length }}"),
    "percent without texts": ("{{ (('%d' + 'x' * (L - 4) + '%d') % (1, 2))|length }}",
                              "{{ (('%d' + 'x' * (L - 4) + '%d') % ('a', 2))|length }}"),
    "format_map estimate": ("{{ '{a}{a}'.format_map({'a': 'x' * 499994})|length }}",
                            "{{ '{a}{a}'.format_map({'a': 'x' * 499995})|length }}"),
    "percent with a mapping": ("{{ ('%(a)s%(a)s' % {'a': 'x' * 499992})|length }}",
                               "{{ ('%(a)s%(a)s' % {'a': 'x' * 499993})|length }}"),
    "format reaching into a mapping": ("{{ '{0[k]}{0[k]}'.format({'k': 'x' * 499991})|length }}",
                                       "{{ '{0[k]}{0[k]}'.format({'k': 'x' * 499992})|length }}"),
    "rendered part": ("{% for i in range(16) %}{{ 'y' * L }}{% endfor %}",
                      "{% for i in range(16) %}{{ 'y' * L }}{% endfor %}z"),
}


# What each refusal above names: the check that caught it, so that another check catching it by accident
# would fail the test.
TEXT, WIDTH = "a formatted text", "a width or precision in a format string"
REFUSED_AS = {
    "batch filter": "the size of |batch of 1,000,001", "center filter": "the width of |center of 1,000,001",
    "center method": "a width in center() of 1,000,001", "expandtabs": "a text with expanded tabs",
    "format filter": TEXT, "format filter, value": TEXT, "format method": TEXT, "format method, keyword": TEXT,
    "format reaching into a mapping": TEXT, "format width": WIDTH, "format_map": TEXT, "format_map estimate": TEXT,
    "indent filter": "an indented text", "indent filter, first line": "the width of |indent of 1,000,001",
    "indent filter, text": "an indented text", "join filter": "a joined text",
    "join method": "a joined text", "list plus list": "a joined text or list",
    "list times n": "a repeated text or list",
    "ljust": "a width in ljust() of 1,000,001", "ljust with a tab": "a width in ljust() of 1,000,001",
    "macro argument": "a value passed to a macro or function", "n times text": "a repeated text or list",
    "negative power": "a power with exponent 1,025", "percent": TEXT, "percent width": WIDTH,
    "percent with a mapping": TEXT, "percent with a tuple": TEXT, "percent without texts": TEXT,
    "power": "a power with exponent 1,025", "printed list": "a printed value", "printed mapping": "a printed value",
    "printed nested list": "a printed value", "printed numbers": "a printed value", "printed tuple": "a printed value",
    "range": "range() of 100,001 items", "range budget": "the items of all range() calls of one document",
    "rendered part": "the rendered part", "replace filter": "a text after |replace",
    "replace filter, count": "a text after |replace", "replace filter, empty old": "a text after |replace",
    "replace method": "a text after replace()", "replace method, empty old": "a text after replace()",
    "rjust": "a width in rjust() of 1,000,001", "slice filter": "|slice into 100,001 parts",
    "string filter": "the value of |string", "text plus text": "a joined text or list",
    "text times n": "a repeated text or list", "tilde": "a joined text", "tojson filter": "the value of |tojson",
    "trim filter": "the value of |trim", "upper filter": "the value of |upper",
    "zfill": "a width in zfill() of 1,000,001",
}


@pytest.mark.parametrize("name", sorted(BOUNDS))
def test_each_bound_of_the_sandbox_at_its_limit_and_one_past_it(name: str) -> None:
    environment = BoundedSandbox(undefined=StrictUndefined, autoescape=True)
    at_limit, past_limit = BOUNDS[name]
    render_bounded(environment.from_string(at_limit), {"L": L, "R": R})
    with pytest.raises(SandboxLimitError) as refused:
        render_bounded(environment.from_string(past_limit), {"L": L, "R": R})
    assert str(refused.value).startswith(f"{REFUSED_AS[name]} exceeds the template sandbox's limit of ")


def test_a_value_built_through_a_mapping_is_bounded_too() -> None:
    """'%(a)s' and '{0[k]}' reach into a mapping: the estimate measures the mapping, so that a short format
    string repeated cannot print one value a thousand times past the limit."""
    environment = BoundedSandbox(undefined=StrictUndefined, autoescape=True)
    for bomb in ("{{ ('%(a)s' * 1000) % {'a': 'x' * 100000} }}", "{{ ('{0[k]}' * 1000).format({'k': 'x' * 100000}) }}",
                 "{{ ('{a}' * 1000).format_map({'a': 'x' * 100000}) }}"):
        with pytest.raises(SandboxLimitError, match="a formatted text"):
            render_bounded(environment.from_string(bomb), {})


def test_the_range_budget_is_per_document_and_range_works_outside_a_bounded_render() -> None:
    environment = BoundedSandbox(undefined=StrictUndefined, autoescape=True)
    six_tenths = environment.from_string("{% for i in range(6) %}{{ range(R)|length }}{% endfor %}")
    for _ in range(2):  # 600,006 items each: together past the budget, each alone within it
        assert render_bounded(six_tenths, {"R": R}) == str(R) * 6
    assert environment.from_string("{{ range(3)|list }}").render() == "[0, 1, 2]"


def test_a_refusal_says_what_and_which_limit() -> None:
    environment = BoundedSandbox(undefined=StrictUndefined, autoescape=True)
    cases = {"{{ range(R + 1)|length }}": ("range() of 100,001 items", "100,000"),
             "{{ 'x' * (L + 1) }}": ("a repeated text or list", "1,000,000"),
             "{{ 'x'.ljust(L + 1) }}": ("a width in ljust() of 1,000,001", "1,000,000"),
             "{{ 2 ** 1025 }}": ("a power with exponent 1,025", "1,024"),
             "{{ [1, 2]|slice(R + 1)|list }}": ("|slice into 100,001 parts", "100,000"),
             "{% for i in range(17) %}{{ 'y' * L }}{% endfor %}": ("the rendered part", "16,000,000")}
    for source, (what, limit) in cases.items():
        with pytest.raises(SandboxLimitError) as refused:
            render_bounded(environment.from_string(source), {"L": L, "R": R})
        assert str(refused.value) == (f"{what} exceeds the template sandbox's limit of {limit} "
                                      "(see the limits in docs/security.md)")


def test_numbers_too_large_and_deep_recursion_are_template_problems() -> None:
    environment = BoundedSandbox(undefined=StrictUndefined, autoescape=True)
    with pytest.raises(SandboxLimitError, match="too large"):
        render_bounded(environment.from_string("{{ 10.0 ** 400 }}"), {})
    with pytest.raises(SandboxLimitError, match="too deeply"):
        render_bounded(environment.from_string(BOMBS["recursion"]), {})


def test_escaping_and_concatenation_follow_the_environment() -> None:
    escaped = BoundedSandbox(undefined=StrictUndefined, autoescape=True)
    assert render_bounded(escaped.from_string("{{ a ~ '&' }}"), {"a": "<b>"}) == "&lt;b&gt;&amp;"
    plain = BoundedSandbox(undefined=StrictUndefined, autoescape=False)
    assert render_bounded(plain.from_string("{{ a ~ '&' }}"), {"a": "<b>"}) == "<b>&"
    for name in ("safe", "urlize", "xmlattr"):
        assert name not in escaped.filters
    assert "lipsum" not in escaped.globals


def test_unsafe_constructs_name_their_line() -> None:
    environment = BoundedSandbox(undefined=StrictUndefined, autoescape=True)
    found = unsafe_constructs(environment.parse("ok\n{{ x|safe }}\n{% autoescape false %}{% endautoescape %}"))
    assert found == [(2, "the filter '|safe' (its result is not escaped)"),
                     (3, "an '{% autoescape %}' block (escaping cannot be switched)")]
