"""Documents written by others, compared in pairs: no crash, no change seen where there is none, a change
seen where there is one, and the redline's invariant in every story.

Every pair of ``pairs.json`` is compared both ways. Over the whole corpus, each document is paired with
the next one (in name order, both ways: 122 ordered pairs); ``scripts/corpus_sweep.py`` runs
every ordered pair by hand (3,660 of them, minutes).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CORPUS, require_tool
from fixtures.diff.docs import story_views
from strategy_builder.errors import UntrustedDocumentError
from strategy_builder.review.compare import compare
from strategy_builder.review.diff import diff_documents
from strategy_builder.review.review_document import ReviewDocument, read_document

pytestmark = pytest.mark.corpus


def _sweep():  # scripts/ is not a package: load the one function the test shares with the sweep
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "scripts" / "corpus_sweep.py"
    spec = importlib.util.spec_from_file_location("corpus_sweep", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def documents() -> dict[Path, tuple[ReviewDocument, dict[str, list[str]]]]:
    """Every corpus document that can be read, with what a reader sees in each of its stories."""
    require_tool(CORPUS.is_dir(), f"the corpus at {CORPUS}")
    found = {}
    for path in sorted(CORPUS.rglob("*.docx")):
        try:
            found[path] = (read_document(path), story_views(path))
        except UntrustedDocumentError as error:
            assert str(path) in error.message
    return found


def test_every_pair_of_the_comparison_set(corpus: Path, documents) -> None:
    pairs = json.loads((corpus / "pairs.json").read_text(encoding="utf-8"))
    check = _sweep().invariant_failures
    compared = 0
    for pair in pairs:
        if "base" not in pair or "revised" not in pair:
            continue
        base, revised = corpus / pair["base"], corpus / pair["revised"]
        comparison = compare(str(base), str(revised), corpus)
        if pair.get("expected_revisions") == 0:
            # WC-1970 differs only by no-break spaces: not a change a reader sees (docs/diff.md).
            assert not comparison.has_changes, f"{pair['test_id']}: expected no change"
        elif pair.get("expected_revisions"):
            assert comparison.has_changes, f"{pair['test_id']}: expected a change"
        for old, new in ((base, revised), (revised, base)):
            (old_doc, old_views), (new_doc, new_views) = documents[old], documents[new]
            assert check(old_doc, new_doc, old_views, new_views) == [], (pair["test_id"], old.name, new.name)
        compared += 1
    assert compared >= 16


def test_a_ring_of_pairs_over_the_whole_corpus(documents) -> None:
    check = _sweep().invariant_failures
    paths = list(documents)
    failures = []
    for index, old in enumerate(paths):
        for step in (1,):
            new = paths[(index + step) % len(paths)]
            for a, b in ((old, new), (new, old)):
                (a_doc, a_views), (b_doc, b_views) = documents[a], documents[b]
                failed = check(a_doc, b_doc, a_views, b_views)
                if failed:
                    failures.append((a.name, b.name, failed))
    assert not failures, failures


def test_every_document_compared_with_itself_shows_no_change(documents) -> None:
    for path, (document, _) in documents.items():
        diff = diff_documents(document, document)
        assert not diff.has_changes and not diff.not_compared, path
