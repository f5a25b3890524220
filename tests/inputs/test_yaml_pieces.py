"""Composing a YAML file from its remembered pieces (inputs/yaml_pieces.py) gives what composing it whole gives.

For each text, :func:`compose_remembered` must answer exactly what :func:`compose_nodes` answers for the whole text:
``None`` for the same texts (so that the event composer judges them, with its findings), otherwise equal data and
the same positions in the same order. The texts: every YAML file of the repository, hypothesis-generated texts
(the grammar and the fragments of test_yaml_nodes.py), and the sample with lines inserted, each read once with
nothing remembered and again after other texts were, with every large piece cut and with none.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from strategy_builder.inputs import yaml_nodes, yaml_pieces
from strategy_builder.inputs.yaml_nodes import compose_nodes
from strategy_builder.inputs.yamlsource import parse_yaml
from yaml_grammar import FRAGMENTS, yaml_texts

REPOSITORY = Path(__file__).resolve().parents[2]
AM = (REPOSITORY / "inputs" / "partners" / "AM.yaml").read_text(encoding="utf-8")
# Every YAML file of the repository (resources/sample links to inputs/ in a checkout: each file once).
REPOSITORY_YAML = sorted({path.resolve(): path for root in ("inputs", "tests")
                          for path in (REPOSITORY / root).rglob("*.yaml")}.values())

pytestmark = pytest.mark.skipif(yaml_nodes._NODE_LOADER is None, reason="PyYAML is built without libyaml")


def _outcome(composed: tuple[Any, Any] | None) -> tuple[Any, ...] | None:
    if composed is None:
        return None
    data, source_map = composed
    return repr(data), list(source_map.values.items()), list(source_map.keys.items())


def assert_same(text: str) -> None:
    """The pieces answer as the whole text does: with nothing remembered, remembered, every large piece cut or none."""
    whole = _outcome(compose_nodes(text))
    split_bytes = yaml_pieces.SPLIT_BYTES
    try:
        for split in (0, split_bytes, len(text) + 1):
            yaml_pieces.SPLIT_BYTES = split
            yaml_pieces._piece.cache_clear()
            assert _outcome(yaml_pieces.compose_remembered(text)) == whole, split
            assert _outcome(yaml_pieces.compose_remembered(text)) == whole, split  # from what it remembered
    finally:
        yaml_pieces.SPLIT_BYTES = split_bytes
        yaml_pieces._piece.cache_clear()


@pytest.mark.parametrize("path", REPOSITORY_YAML, ids=lambda path: str(path.relative_to(REPOSITORY)))
def test_every_yaml_file_of_the_repository_is_composed_alike_from_its_pieces(path: Path) -> None:
    assert_same(path.read_text(encoding="utf-8"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_texts())
@example("a: b\nc: d\n")
@example("# c\na: 'x\nb: y'\n")  # a quoted scalar across a key line: the piece before it fails
@example("a: 1\n...\nb: 2\n")  # two documents; each piece would be one
@example("a:\n  x: 1\n y: 2\nb: 3\n")  # a line less indented than the mapping it would cut
@example("a:\n- x: 1\n  y: 2\nb: 3\n")  # a sequence, not a mapping, under the key
@example("a: 1\nb: 2\na: 3\n")  # a key twice, in two pieces
@example("a:\n  x: 1\n  x: 2\nb: 3\n")  # a key twice, in two parts of a cut piece
@example("a: 1\r\nb: 2\r\n")
@example("  a: 1\n# c\nb: 2\nc: 3\n")  # the first key indented: the top level is not at the first column
@example("- a\nb: 2\nc: 3\n")  # a list first
def test_generated_texts_are_composed_alike_from_their_pieces(text: str) -> None:
    assert_same(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS + ["  " + f for f in FRAGMENTS]), min_size=1, max_size=14))
def test_fragments_of_tricky_yaml_are_composed_alike_from_their_pieces(lines: list[str]) -> None:
    assert_same("\n".join(lines) + "\n")


_AM_LINES = AM.split("\n")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(_AM_LINES)),
                          st.sampled_from(FRAGMENTS + ["  " + f for f in FRAGMENTS] + ["    " + f for f in FRAGMENTS])),
                min_size=1, max_size=3))
def test_the_sample_with_lines_inserted_is_composed_alike_from_its_pieces(insertions: list[tuple[int, str]]) -> None:
    lines = list(_AM_LINES)
    for at, fragment in sorted(insertions, reverse=True):
        lines.insert(at, fragment)
    assert_same("\n".join(lines))


def _saves() -> Iterator[str]:
    """AM.yaml as the watcher's benchmark saves it: a paragraph more in the situation, then a priority more."""
    start = AM.index("      - id: ", AM.index("  illegal_migration:"))
    end = AM.index("      - id: ", start + 1)
    for number in range(1, 5):
        if number % 2:
            yield AM.replace("situation: |\n", f"situation: |\n  Edit {number}.\n\n", 1)
        else:
            added = AM[start:end].replace("- id: ", f"- id: added-{number}-", 1)
            yield AM[:start] + added + AM[start:]


def test_a_saved_file_is_composed_again_from_the_pieces_it_shares_with_the_last_one() -> None:
    """Each save changes one piece: that piece alone is composed (a fast path that always fell back, or cut nothing,
    would pass the equality tests)."""
    with yaml_pieces.remembering_pieces():
        yaml_pieces.compose_remembered(AM)
        pieces = yaml_pieces._piece.cache_info().currsize
        assert pieces > 10  # the top-level keys, and the five areas of the large areas: piece
        for text in _saves():
            misses = yaml_pieces._piece.cache_info().misses
            assert _outcome(yaml_pieces.compose_remembered(text)) == _outcome(compose_nodes(text))
            assert yaml_pieces._piece.cache_info().misses == misses + 1


def test_only_a_process_that_asks_remembers_pieces(tmp_path: Path) -> None:
    """The reader composes whole outside :func:`remembering_pieces` (a first reading costs more in pieces), and
    forgets the pieces when the block ends."""
    path = tmp_path / "AM.yaml"
    path.write_text(AM, encoding="utf-8")
    assert not yaml_pieces.remembering()
    parse_yaml(AM.encode(), path, "AM.yaml")
    assert yaml_pieces._piece.cache_info().currsize == 0
    with yaml_pieces.remembering_pieces():
        assert yaml_pieces.remembering()
        remembered, _ = parse_yaml(AM.encode(), path, "AM.yaml")
        assert yaml_pieces._piece.cache_info().currsize > 10
    whole, _ = parse_yaml(AM.encode(), path, "AM.yaml")
    assert not yaml_pieces.remembering() and yaml_pieces._piece.cache_info().currsize == 0
    assert remembered is not None and whole is not None
    assert repr(remembered.data) == repr(whole.data) and remembered.source_map == whole.source_map
