"""The corpus of .docx files written by others (../shared/corpus): comments, threads, resolved state and
tracked changes come back as the corpus INDEX.md says they are; files not made by strategy-builder are
located by their nearest heading and never dropped."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from strategy_builder.review.register import rows_from_returns
from strategy_builder.review.returns import read_return

pytestmark = pytest.mark.corpus

# path: (comments, replies, resolved) per INDEX.md
COMMENTS = {
    "OpenXmlPowerTools/NewDocxDocuments/Comment.docx": (1, 0, 0),
    "OpenXmlPowerTools/TestFiles/HC031-Complicated-Document.docx": (1, 0, 0),
    "OpenXmlPowerTools/TestFiles/CA/CA009-altChunk.docx": (1, 0, 0),
    "pandoc/test/docx/comments.docx": (5, 1, 0),
    "pandoc/test/docx/golden/comments.docx": (5, 0, 0),
    "pandoc/test/docx/track_changes_scrubbed_metadata.docx": (1, 0, 0),
    "docx2python/tests/resources/comments.docx": (8, 4, 0),
    "docx2python/tests/resources/test_file_with_comments.docx": (12, 2, 1),
    "mammoth.js/test/test-data/comments.docx": (2, 0, 0),
    "python-docx/features/steps/test_files/comments-rich-para.docx": (4, 0, 0),
}

# path: kinds that must be present
CHANGES = {
    "pandoc/test/docx/track_changes_insertion.docx": {"insertion"},
    "pandoc/test/docx/track_changes_deletion.docx": {"deletion"},
    "pandoc/test/docx/track_changes_move.docx": {"move-from", "move-to"},
    "pandoc/test/docx/paragraph_insertion_deletion.docx": {"insertion", "deletion"},
    "pandoc/test/docx/track_changes_scrubbed_metadata.docx": {"insertion", "deletion"},
    "OpenXmlPowerTools/TestFiles/RP/RP002-Deleted-Text.docx": {"deletion"},
    "OpenXmlPowerTools/TestFiles/RP/RP015-MoveFrom-MoveTo.docx": {"move-from", "move-to"},
    "OpenXmlPowerTools/TestFiles/RP/RP001-Tracked-Revisions-01.docx": {"insertion", "deletion", "move-from",
                                                                        "formatting"},
    "OpenXmlPowerTools/TestFiles/FA/RevTracking/019-RunPropertiesChange.docx": {"formatting"},
    "OpenXmlPowerTools/TestFiles/HC031-Complicated-Document.docx": {"deletion"},
    "Python-Redlines/tests/fixtures/expected_redline.docx": {"insertion", "deletion"},
}


@pytest.mark.parametrize("relative", sorted(COMMENTS))
def test_comments_replies_and_resolved_state(corpus: Path, relative: str) -> None:
    returned = read_return(corpus / relative, corpus)
    comments = [i for i in returned.items if i.kind in ("comment", "reply")]
    expected_total, expected_replies, expected_resolved = COMMENTS[relative]
    assert len(comments) == expected_total
    assert sum(1 for c in comments if c.kind == "reply") == expected_replies
    assert sum(1 for c in comments if c.resolved) == expected_resolved
    local_ids = {c.local_id for c in comments}
    assert all(c.reply_to in local_ids for c in comments if c.reply_to)
    assert not returned.made_by_strategy_builder and all(c.section is None for c in comments)


@pytest.mark.parametrize("relative", sorted(CHANGES))
def test_tracked_change_kinds(corpus: Path, relative: str) -> None:
    kinds = Counter(i.kind for i in read_return(corpus / relative, corpus).items)
    assert CHANGES[relative] <= set(kinds)


def test_details_of_known_files(corpus: Path) -> None:
    threads = read_return(corpus / "docx2python/tests/resources/test_file_with_comments.docx", corpus)
    by_text = {i.text: i for i in threads.items}
    assert by_text["Comment in a table"].quoted == "R1C1"
    assert by_text["Comment 8 - marked Resolved"].resolved is True
    assert by_text["With a response"].reply_to == by_text["Comment 5"].local_id
    assert by_text["Comment 5"].author_account.startswith("S::r.bartels@")
    scrubbed = read_return(corpus / "pandoc/test/docx/track_changes_scrubbed_metadata.docx", corpus)
    assert {(i.kind, i.author, i.date) for i in scrubbed.items} >= {("insertion", "Author", ""),
                                                                    ("deletion", "Author", "")}
    formatting = read_return(corpus / "OpenXmlPowerTools/TestFiles/FA/RevTracking/019-RunPropertiesChange.docx",
                             corpus).items
    assert formatting[0].detail.startswith("+bold") and formatting[0].text == "provides a powerful way"
    moved = read_return(corpus / "OpenXmlPowerTools/TestFiles/RP/RP015-MoveFrom-MoveTo.docx", corpus).items
    assert {i.text for i in moved} == {"When you click Online Video."}
    ranges = read_return(corpus / "mammoth.js/test/test-data/comments.docx", corpus).items
    assert [i.quoted for i in ranges] == ["Ouch", ""]  # the second comment has no range, only a reference


def test_every_corpus_file_is_read_or_refused_cleanly(corpus: Path) -> None:
    """No corpus file crashes the reader; every item of a file gets a row with an ID unique in that file.

    (Across files, IDs coincide on purpose when ministry, file name and items are the same: pandoc's
    comments.docx and golden/comments.docx are one return under the register's definition.)
    """
    returns = [read_return(path, corpus) for path in sorted(corpus.rglob("*.docx"))]
    assert len(returns) == 61
    for returned in returns:
        ids = [r.id for r in rows_from_returns([returned])]
        assert len(set(ids)) == len(ids), returned.path
    rows = rows_from_returns(returns)
    assert sum(1 for r in rows if r.kind in ("comment", "reply")) == sum(c[0] for c in COMMENTS.values())
