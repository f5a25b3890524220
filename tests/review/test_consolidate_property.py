"""``consolidate`` on random reviews (hypothesis): two or three reviewers insert and delete words anywhere in a
draft, as often on the same words as not. Whatever they did:

- rejecting every change of the merged file gives the circulated draft;
- accepting the first reviewer's changes gives the first reviewer's return (the first file wins every clash);
- accepting a later reviewer's changes gives its return in every paragraph no earlier reviewer touched.

The returns are written with python-docx (tests/fixtures/comments/ministry.py).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import copy_sample
from fixtures.comments.ministry import Delete, Insert, annotate
from strategy_builder.drafts.builder import BuildOptions, build
from strategy_builder.ooxml.accept import accept_all, reject_all
from strategy_builder.ooxml.blocks import paragraph_texts
from strategy_builder.ooxml.namespaces import AUTHOR
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.review.consolidate import consolidate


@pytest.fixture(scope="module")
def circulated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[int, str]], str]:
    """Armenia's draft 001, the texts of its runs that a reviewer can anchor on (unique, a few words), and all
    its text outside the contents (an anchor must occur once in it: the fixture edits the first occurrence)."""
    project = copy_sample(tmp_path_factory.mktemp("property") / "project")
    for partner in (project / "inputs" / "partners").glob("*.yaml"):
        if partner.stem != "AM":
            partner.unlink()
    build(project, BuildOptions(jobs=1))
    draft = project / "build" / "drafts" / "001" / "AM.docx"
    document = docx.Document(str(draft))
    runs, texts = [], []
    for index, paragraph in enumerate(document.paragraphs):
        if (paragraph.style.name or "").upper().startswith("TOC"):
            continue
        texts.append(paragraph.text)
        for run in paragraph.runs:
            if len(run.text.split()) >= 4 and "\t" not in run.text:
                runs.append((index, run.text))
    every = "\n".join(text for _, text in runs)
    unique = [(index, text) for index, text in runs if every.count(text) == 1]
    return draft, unique[:60], "\n".join(texts)


def _texts(path: Path, change=None) -> list[str]:  # noqa: ANN001
    package = DocxPackage.open(path)
    root = copy.deepcopy(package.xml(package.main_part_name()))
    if change is not None:
        change(root)
    return paragraph_texts(root)


edit = st.tuples(st.integers(0, 59), st.sampled_from(["delete", "insert", "replace"]), st.integers(0, 20),
                 st.integers(1, 3), st.sampled_from(["new", "other", "revised", "joint"]))
reviews = st.lists(st.lists(edit, min_size=1, max_size=4, unique_by=lambda e: e[0]), min_size=2, max_size=3)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reviews)
def test_merged_random_reviews_keep_the_invariants(circulated: tuple[Path, list[tuple[int, str]], str],
                                                   tmp_path_factory: pytest.TempPathFactory,
                                                   plan: list[list[tuple[int, str, int, int, str]]]) -> None:
    draft, anchors, whole = circulated
    folder = tmp_path_factory.mktemp("reviews")
    paths: list[Path] = []
    touched: list[set[str]] = []  # the words each reviewer changed
    for number, review in enumerate(plan, start=1):
        author, date = f"Reviewer {number}", f"2010-12-0{number}T10:00:00Z"
        edits: list[Delete | Insert] = []
        needles: set[str] = set()
        for anchor_index, kind, start, length, word in review:
            text = anchors[anchor_index % len(anchors)][1]
            words = text.split(" ")
            first = start % len(words)
            needle = " ".join(words[first:first + length]).strip()
            if not needle or re.search(r"\s{2,}", needle) or whole.count(needle) != 1:
                continue
            needles.add(needle)
            if kind in ("insert", "replace"):
                edits.append(Insert(needle, f" {word}", author, date))
            if kind in ("delete", "replace"):
                edits.append(Delete(needle, author, date))
        path = folder / f"AM_001_Ministry {number}.docx"
        path.write_bytes(annotate(draft.read_bytes(), edits))
        paths.append(path)
        touched.append(needles)
    merged = folder / "merged.docx"
    consolidate(paths, merged, project_dir=draft.parents[3])

    circulated_texts = _texts(draft)
    assert _texts(merged, reject_all) == circulated_texts
    for number, path in enumerate(paths, start=1):
        def only(root, ministry=f"Ministry {number}") -> None:  # noqa: ANN001
            reject_all(root, where=lambda element: not element.get(AUTHOR, "").endswith(f"({ministry})"))
            accept_all(root)

        actual, expected = _texts(merged, only), _texts(path, accept_all)
        assert len(actual) == len(expected)
        earlier = set().union(*touched[:number - 1])
        for index, (got, wanted) in enumerate(zip(actual, expected, strict=True)):
            if got != wanted:  # only where an earlier reviewer changed words too (a clash it won)
                assert any(needle in circulated_texts[index] for needle in earlier), (number, got, wanted)
