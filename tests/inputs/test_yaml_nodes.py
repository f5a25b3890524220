"""The node-tree composer (inputs/yaml_nodes.py) reads every text exactly as the event composer of yamlsource does.

``parse_yaml_with(..., "nodes")`` composes from libyaml's node tree where it can and hands every other text to the
event composer; ``parse_yaml_with(..., "events")`` is the reference. For each text both must give equal data, the
same source map (values and keys, same positions, same order) or the same findings (code, message, location, field,
hint). The texts: every YAML file of the repository, the traps of test_yaml_traps.py applied to the sample, edge
cases written out, and hypothesis-generated texts from a grammar of YAML (and from fragments of tricky YAML).

Two more properties keep the fast path honest:

- the pre-scan never misses an anchor, alias or tag that libyaml's parser reports (it would otherwise compose a
  file the event composer refuses);
- a file the event composer accepts and the pre-scan lets through is composed from nodes (a fast path that fell
  back everywhere would pass the equality checks while doing nothing).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from strategy_builder.inputs import yaml_nodes, yamlsource
from strategy_builder.inputs.yamlsource import parse_yaml_with
from yaml_grammar import DEPTH, FRAGMENTS, nested, yaml_texts

REPOSITORY = Path(__file__).resolve().parents[2]
NAME = "inputs/partners/XX.yaml"
PATH = Path(NAME)

pytestmark = pytest.mark.skipif(yaml_nodes._NODE_LOADER is None or yamlsource._LOADER is yaml.SafeLoader,
                                reason="PyYAML is built without libyaml: only the event composer exists")


# --------------------------------------------------------------------------- the comparison


def _outcome(raw: bytes, composer: yamlsource.Composer) -> tuple[Any, ...]:
    document, findings = parse_yaml_with(raw, PATH, NAME, composer)
    if document is None:
        return ("findings", findings)  # NamedTuples: code, message, severity, hint and the whole Location
    source_map = document.source_map
    # Lists of items: equal dicts in the same order, and a value's type is compared through repr (None vs "").
    return ("document", repr(document.data), list(source_map.values.items()), list(source_map.keys.items()),
            document.sha256, document.raw, document.display_name, document.path)


def _events_accept(text: str) -> bool:
    """Whether libyaml's events, composed by _Composer, give a document (the reference the node tree must match)."""
    return not isinstance(yamlsource._compose(text, NAME, yaml.CSafeLoader), list)


def _libyaml_properties(text: str) -> list[str]:
    """The anchors, aliases and tags libyaml's parser reports for ``text``, up to its first error."""
    found: list[str] = []
    loader = yaml.CSafeLoader(text)
    try:
        while (event := loader.get_event()) is not None:
            if getattr(event, "anchor", None) is not None:
                found.append(f"&{event.anchor}" if not isinstance(event, yaml.AliasEvent) else f"*{event.anchor}")
            if getattr(event, "tag", None) is not None:
                found.append(f"!{event.tag}")
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return found


def assert_same(raw: bytes | str, *, fast: bool | None = None) -> None:
    """Both composers read ``raw`` alike; ``fast`` (when given) says whether the node tree must compose it."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", errors="surrogatepass")
    assert _outcome(raw, "nodes") == _outcome(raw, "events")
    text, problem = yamlsource._decode(raw, NAME)
    if text is None or problem is not None:
        return
    properties = _libyaml_properties(text)
    if properties:
        assert yaml_nodes._may_hold_node_property(text), f"the pre-scan misses {properties} in {text!r}"
    composed = yaml_nodes.compose_nodes(text)
    if composed is not None:  # only texts the event composer accepts, into equal data (raw positions included)
        reference = yamlsource._compose(text, NAME, yaml.CSafeLoader)
        assert not isinstance(reference, list), reference
        assert repr(composed[0]) == repr(reference[0])
        assert composed[1] == reference[1].source_map
    elif not yaml_nodes._may_hold_node_property(text) and yamlsource._check_characters(text, NAME) is None \
            and yamlsource._check_tabs(text, NAME) is None:  # a text parse_yaml would compose (a lone surrogate
        # would even stop libyaml's reader with an exception of its own)
        assert not _events_accept(text), f"a text the event composer accepts fell back: {text!r}"
    if fast is not None:
        assert (composed is not None) == fast


# --------------------------------------------------------------------------- the repository's files


def _repository_yaml() -> list[Path]:
    # resources/sample is a link to inputs/ in a checkout (a copy in a wheel): each file once.
    roots = [REPOSITORY / "inputs", REPOSITORY / "strategy_builder" / "resources" / "sample", REPOSITORY / "tests"]
    files: dict[Path, Path] = {}
    for root in roots:
        for path in sorted(root.rglob("*.yaml")) if root.exists() else []:
            files.setdefault(path.resolve(), path)
    return list(files.values())


REPOSITORY_YAML = _repository_yaml()


def test_the_repository_has_yaml_files_to_compare() -> None:
    assert len(REPOSITORY_YAML) >= 17  # the sample's twelve partners, strategy.yaml and its translations


@pytest.mark.parametrize("path", REPOSITORY_YAML, ids=lambda path: str(path.relative_to(REPOSITORY)))
def test_every_yaml_file_of_the_repository_is_composed_from_nodes_alike(path: Path) -> None:
    # The sample's files are all valid and hold no property: the node tree composes every one of them (GE.yaml
    # writes "Health & Social", which the pre-scan must let through).
    assert_same(path.read_bytes(), fast=True)


def _load_traps() -> list[Any]:
    """The traps of test_yaml_traps.py (mutations of the sample, one refusal each), loaded by path."""
    traps = Path(__file__).with_name("test_yaml_traps.py")
    spec = importlib.util.spec_from_file_location("_yaml_traps_for_nodes", traps)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return list(module.TRAPS)


TRAPS = _load_traps()


@pytest.mark.parametrize("trap", TRAPS, ids=lambda trap: trap.id)
def test_every_trap_is_refused_alike(trap: Any) -> None:
    # A trap the composers refuse goes to the event composer; the others (characters and encodings refused
    # before composing, a top level that is not a mapping refused after) may be composed from nodes.
    composing = trap.code.startswith("yaml.") and trap.code not in ("yaml.top-level", "yaml.tab-indentation")
    assert_same(trap.mutate((REPOSITORY / trap.file).read_bytes()),
                fast=False if composing or trap.id.startswith("escape") else None)


# --------------------------------------------------------------------------- edge cases



EDGE_CASES: list[tuple[str, str, bool]] = [
    # (id, text, composed from nodes)
    ("plain", "a: b\n", True),
    ("null-words", "a:\nb: ~\nc: null\nd: Null\ne: NULL\nf: nUll\ng: ''\nh: \"~\"\ni: 'null'\n", True),
    ("null-word-keys", "~: a\nnull: b\n'': c\n", True),
    ("empty-key", ": a\n", False),  # a syntax error in block context
    ("empty-explicit-key", "? \n: a\n", True),
    ("empty-flow-key", "{? : a}\n", True),
    ("every-style", "p: plain\ns: 'single ''q'''\nd: \"tab\\there \\u00e9\"\nl: |\n  one\n   two\n\n"
                    "f: >-\n  folded\n  on\n\nk: |+\n  kept\n\n", True),
    ("chomping", "a: |-\n  x\nb: >+\n  y\n\nc: |2\n    indented\n", True),
    ("flow", "a: [1, 'two', \"three\", {four: 4, five: [5]}]\nb: {c: d, e: }\n", True),
    ("flow-multiline", "a: [\n  x,\n  y\n]\nb: {\n c: d\n}\n", True),
    ("sequences", "a:\n- b\n- - c\n  - d\n- e: f\n  g: h\n-\n- ''\n", True),
    ("comments", "# head\na: b # tail\n# between\nc:   # before a block\n  d: e\n", True),
    ("unicode", "имя: Тбилиси\n日本: 語\nemoji: 😀\n\"é\": x\n", True),
    ("words-with-marks", "a: AT&T\nb: x*y\nc: wow!\nd: Health & Social\ng: 5 * 3\nh: x *\n", True),
    ("quoted-marks", "e: '*'\nf: \"&a\"\n", False),  # false positives: after a quote, a property could start
    ("marks-in-comment", "a: b # &not *an !anchor\n", False),  # a false positive: the event composer reads it
    ("marks-in-block", "a: |\n  &x *y !z\n", False),
    ("amp-space", "a: & b\n", False),  # an anchor with no name: a syntax error, which the event composer reports
    ("star-alone", "a: *\n", False),
    ("star-inside", "a: x * b\n", True),
    ("document-markers", "---\na: b\n...\n", True),
    ("yaml-directive", "%YAML 1.1\n---\na: b\n", True),
    ("tag-directive", "%TAG !e! tag:example.com,2000:\n---\na: b\n", False),
    ("several-documents", "a: b\n---\nc: d\n", False),
    ("second-empty-document", "a: b\n---\n", False),
    ("document-end-then-more", "a: b\n...\n---\nc: d\n", False),
    ("empty", "", False),
    ("comment-only", "# nothing\n", False),
    ("document-marker-only", "---\n", True),  # a null document: top-level finding at its position
    ("top-level-list", "- a\n- b\n", True),
    ("top-level-flow-list", "\n\n  [a, b]\n", True),
    ("top-level-scalar", "# c\n  word\n", True),
    ("top-level-null", "~\n", True),
    ("top-level-quoted", "'text'\n", True),
    ("duplicate-key", "a: 1\nb: 2\na: 3\n", False),
    ("duplicate-key-styles", "a: 1\n'a': 2\n", False),
    ("duplicate-nested", "x:\n  a: 1\n  a: 2\n", False),
    ("duplicate-in-list-item", "x:\n- a: 1\n  a: 2\n", False),
    ("same-key-apart", "x:\n  a: 1\ny:\n  a: 2\n", True),
    ("merge-key", "a: {b: c}\n<<: {d: e}\n", False),
    ("merge-key-quoted", "'<<': x\n\"<<\": y\n", False),  # duplicate of each other
    ("merge-key-single-quoted", "'<<': x\n", True),
    ("merge-key-nested", "a:\n  <<: x\n", False),
    ("complex-key-flow", "[a, b]: c\n", False),
    ("complex-key-explicit", "? {a: b}\n: c\n", False),
    ("explicit-key-scalar", "? a\n: b\n", True),
    ("forbidden-escape-value", "a: \"x\\vy\"\n", False),
    ("forbidden-escape-nul", "a: [\"\\0\"]\n", False),
    ("forbidden-escape-key", "\"k\\x1f\": v\n", False),
    ("forbidden-escape-surrogate", "a: \"\\ud800\"\n", False),
    ("forbidden-escape-marker", "a: \"\\ue000\"\n", False),
    ("allowed-escapes", "a: \"\\t\\n\\u00e9\\x41\\U0001F600\"\n", True),
    ("escape-past-unicode", "a: \"\\U00110000\"\n", False),
    ("single-quoted-backslash", "a: 'x\\vy'\n", True),
    ("depth-limit-scalar", nested(DEPTH), True),
    ("depth-past-scalar", nested(DEPTH + 1), False),
    ("depth-limit-empty-mapping", nested(DEPTH, "{}"), True),
    ("depth-past-in-empty-list", nested(DEPTH, "[[]]"), False),
    ("depth-limit-empty-list", nested(DEPTH, "[]"), True),
    ("depth-past-list-item", nested(DEPTH, "[x]"), False),
    ("depth-limit-flow", nested(DEPTH, flow=True), True),
    ("depth-past-flow", nested(DEPTH + 1, flow=True), False),
    ("depth-far-past", nested(200, flow=True), False),
    ("syntax-error", "a: b: c\n", False),
    ("syntax-error-late", "a: b\nc: [d\n", False),
    ("bad-indentation", "a:\n  b: c\n d: e\n", False),
    ("tab-indentation", "a:\n\tb: c\n", False),
    ("crlf-bom", "\ufeffa: b\r\nc:\r\n  - d\r\n", True),
    ("cr-only", "a: b\rc: d\r", True),
    ("control-character", "a: b\x7f\n", False),
    ("nel-line-break", "a: b\x85c: d\n", True),
    ("long-plain", "a: " + "word " * 2000 + "\n", True),
    ("key-with-colon", "a:b: c\n'x: y': z\n", True),
    ("key-only-null", "a:\n", True),
    ("anchor-value", "a: &x b\n", False),
    ("anchor-glued-to-colon", "{\"a\":&x b}\n", False),
    ("anchor-plain-key-colon", "key:&a\n", False),  # a plain word, but the pre-scan cannot know
    ("anchor-in-flow", "a: [&x b, *x]\n", False),
    ("anchor-after-comma", "a: [b,&x c]\n", False),
    ("anchor-on-key", "&k a: b\n", False),
    ("anchor-explicit-key", "? &a k\n: v\n", False),
    ("anchor-on-mapping", "a: &m\n  b: c\n", False),
    ("anchor-on-sequence", "a: &s\n- b\n", False),
    ("alias-value", "a: &x b\nc: *x\n", False),
    ("alias-glued", "{\"a\":*b}\n", False),
    ("alias-undefined", "a: *nowhere\n", False),
    ("alias-as-key", "a: &x k\n*x : v\n", False),
    ("tag-value", "a: !!str 010\n", False),
    ("tag-after-dash", "- !tag x\n", False),
    ("tag-non-specific", "a: ! b\n", False),
    ("tag-verbatim", "a: !<tag:yaml.org,2002:str> b\n", False),
    ("tag-on-mapping", "a: !!map\n  b: c\n", False),
    ("tag-on-key", "!!str a: b\n", False),
    ("tag-at-start", "!t\na: b\n", False),
    ("tag-in-flow", "a: [!t x]\n", False),
    ("tag-flow-glued", "{a: 1,!t b: 2}\n", False),
    ("anchor-and-tag", "a: &x !t b\n", False),
]


@pytest.mark.parametrize(("text", "fast"), [(text, fast) for _, text, fast in EDGE_CASES],
                         ids=[name for name, _, _ in EDGE_CASES])
def test_edge_cases_are_read_alike(text: str, fast: bool) -> None:
    assert_same(text, fast=fast)


@pytest.mark.parametrize("text", ["key:&a\n", "[&a x]\n", "{\"a\":*b}\n", "- !tag\n", "? &a\n", "[x,&a y]\n",
                                  "&a x\n", "*a\n", "!t x\n", "a:\n  &a x\n", "a: x\n&b y: z\n", "[a,*b]\n",
                                  "{a: b,!t c: d}\n", "a: [*b]\n", "a: {? &c d : e}\n", "\t&a x\n", "a: x #\n&b\n"])
def test_the_pre_scan_sees_every_property_start(text: str) -> None:
    assert yaml_nodes._may_hold_node_property(text)


@pytest.mark.parametrize("text", ["a: AT&T\n", "a: Health & Social\n", "a: x*y\n", "a: wow!\n", "a: 5 * 3\n",
                                  "a: &\n", "a: * b\n", "a: b_&c\n", "a: é&b\n"])
def test_the_pre_scan_lets_through_marks_that_start_no_property(text: str) -> None:
    assert not yaml_nodes._may_hold_node_property(text)


_MARKED_TEXT = st.text(st.sampled_from("&*!-_ aZ9é\n\t:[{,'\"#?"), max_size=40)


@settings(max_examples=300, deadline=None)
@given(_MARKED_TEXT, st.integers(0, 80))
def test_the_pre_scan_jumping_from_mark_to_mark_is_the_expression_searched(text: str, padding: int) -> None:
    # Both ways of answering: a few marks (tried one by one), more than _FEW_MARKS (one search).
    for candidate in (text, text + " x*" * padding + " a!" * padding):
        expected = yaml_nodes._MAY_HOLD_NODE_PROPERTY.search(candidate) is not None
        assert yaml_nodes._may_hold_node_property(candidate) == expected


# --------------------------------------------------------------------------- generated texts



@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_texts())
@example("a: b\n")
@example("a: [&x b, *x]\n")
def test_generated_texts_are_read_alike(text: str) -> None:
    assert_same(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=12))
def test_fragments_of_tricky_yaml_are_read_alike(lines: list[str]) -> None:
    assert_same("\n".join(lines) + "\n")


_SMALL_SAMPLE = (REPOSITORY / "inputs" / "partners" / "TM.yaml").read_text(encoding="utf-8").split("\n")


@settings(max_examples=60, deadline=None)
@given(st.integers(0, len(_SMALL_SAMPLE)), st.sampled_from(FRAGMENTS + ["  " + f for f in FRAGMENTS]))
def test_the_sample_with_a_line_inserted_is_read_alike(at: int, fragment: str) -> None:
    assert_same("\n".join([*_SMALL_SAMPLE[:at], fragment, *_SMALL_SAMPLE[at:]]))
