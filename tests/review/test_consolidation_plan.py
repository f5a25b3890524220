"""Every return's edits placed on the circulated draft's paragraphs, clashes resolved for the first ministry
(review/consolidation_plan.py)."""

from __future__ import annotations

from pathlib import Path

from fixtures.comments.ministry import Delete, Insert, annotate
from strategy_builder.ooxml.edits import paragraph_places, read_reviewed_body
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.review.consolidation_inputs import OpenedReturn
from strategy_builder.review.consolidation_plan import ClashResolver, align_return, place_edits
from strategy_builder.review.consolidation_results import Difference


def test_two_ministries_rewording_the_same_words_clash_and_the_first_is_kept(built_sample: Path) -> None:
    draft = (built_sample / "build/drafts/001/AM.docx").read_bytes()
    edits = {
        "Labour": [Insert("primarily a country", "mainly a country", "Anna Petrosyan"),
                   Delete("primarily a country", "Anna Petrosyan")],
        "Interior": [Insert("primarily a country", "largely a country", "Armen Grigoryan"),
                     Delete("primarily a country", "Armen Grigoryan"),
                     Delete(" and diaspora engagement", "Armen Grigoryan")],
    }
    base_package = DocxPackage.from_bytes(draft, source="AM.docx")
    base = read_reviewed_body(base_package)
    returns = []
    differences: list[Difference] = []
    for index, (ministry, changes) in enumerate(edits.items()):
        package = DocxPackage.from_bytes(annotate(draft, changes), source=f"AM_001_{ministry}.docx")
        returned = OpenedReturn(index, Path(f"AM_001_{ministry}.docx"), package, ministry)
        returned.body = read_reviewed_body(package)
        align_return(base, returned, differences)
        returns.append(returned)
    assert differences == [], "every text change was tracked"
    targets = place_edits(base, returns)
    resolver = ClashResolver(base, paragraph_places(base_package, base), returns)
    for index, target in enumerate(targets):
        resolver.resolve(index, target)
    (clash,) = resolver.clashes
    assert (clash.kept_ministry, clash.other_ministries, clash.same) == ("Labour", ("Interior",), False)
    assert "mainly a country" in clash.kept_wording and "largely a country" in clash.other_wordings[0]
    assert {(d.ministry, d.kind) for d in resolver.dropped} == {("Interior", "insertion"), ("Interior", "deletion")}
    (comment,) = resolver.conflict_comments
    assert "Interior" in comment.text and comment.first.source == comment.last.source == 0
    # Interior's other deletion, which clashes with nothing, is still placed.
    kept = [item for target in targets for item in target.items if item.source == 1]
    assert [item.token.text for item in kept if item.token.kind == "delete"] == [" and diaspora engagement"]
