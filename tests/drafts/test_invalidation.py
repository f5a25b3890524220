"""What makes a new draft and what a preview re-renders (docs/build.md, "Nothing changed, nothing written"
and "Previews"): the fingerprint covers strategy.yaml, every partner file and the template, so a change of
any one of them alone makes a new draft, and a change of strategy.yaml or of the template re-renders every
partner of a preview."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from conftest import copy_sample
from strategy_builder.drafts.builder import BuildOptions, build

PARTNERS = ["AM", "GE", "MD"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The sample narrowed to three partners (the others' files removed: a warning, not an error)."""
    root = copy_sample(tmp_path / "p")
    for path in (root / "inputs" / "partners").glob("*.yaml"):
        if path.stem not in PARTNERS:
            path.unlink()
    return root


def _edit_template(project: Path) -> None:
    """A change of the template alone: one more word in the template's own text, saved with python-docx."""
    path = project / "templates" / "strategy.docx"
    document = docx.Document(str(path))
    document.add_paragraph("Template revised by the ministry's layout team.")
    document.save(str(path))


def _edit_strategy(project: Path) -> None:
    path = project / "inputs" / "strategy.yaml"
    text = path.read_text(encoding="utf-8")
    assert "round: 1" in text
    path.write_text(text.replace("round: 1", "round: 2", 1), encoding="utf-8")


def _manifest(directory: Path) -> dict:
    return json.loads((directory / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("edit", [_edit_template, _edit_strategy], ids=["template only", "strategy.yaml only"])
def test_a_change_of_one_input_alone_makes_a_new_draft(project: Path, edit) -> None:
    first = build(project, BuildOptions(jobs=1))
    assert first.kind == "draft" and first.draft == 1
    assert build(project, BuildOptions(jobs=1)).kind == "unchanged"
    edit(project)
    second = build(project, BuildOptions(jobs=1))
    assert (second.kind, second.draft, second.previous) == ("draft", 2, 1)
    old, new = _manifest(first.directory), _manifest(second.directory)
    assert old["fingerprint"] != new["fingerprint"]
    changed = {key for key in ("template_sha256", "strategy_sha256") if old[key] != new[key]}
    assert changed == ({"template_sha256"} if edit is _edit_template else {"strategy_sha256"})
    assert build(project, BuildOptions(jobs=1)).kind == "unchanged"


@pytest.mark.parametrize("edit", [_edit_template, _edit_strategy], ids=["template only", "strategy.yaml only"])
def test_a_change_of_the_template_or_strategy_re_renders_every_partner_of_a_preview(project: Path, edit) -> None:
    first = build(project, BuildOptions(preview=True, jobs=1))
    assert sorted(p.code for p in first.partners if p.rendered) == PARTNERS
    before = {code: (project / f"build/preview/{code}.docx").read_bytes() for code in PARTNERS}
    recorded = _manifest(project / "build" / "preview")
    again = build(project, BuildOptions(preview=True, jobs=1))
    assert not [p.code for p in again.partners if p.rendered], "nothing changed: nothing is rendered"
    edit(project)
    after = build(project, BuildOptions(preview=True, jobs=1))
    assert sorted(p.code for p in after.partners if p.rendered) == PARTNERS
    for code in PARTNERS:
        assert (project / f"build/preview/{code}.docx").read_bytes() != before[code], code
    key = "template_sha256" if edit is _edit_template else "strategy_sha256"
    assert _manifest(project / "build" / "preview")[key] != recorded[key]
