"""Property: for random wording edits inside printed values of a returned draft, the proposal reproduces the
accepted text when the inputs are built again, and the YAML file changes only inside the edited value (and by
the line that records the register rows it answers)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from docx import Document
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import copy_built_sample
from fixtures.returns.reviewer import Edit, review
from strategy_builder.inputs.loading import load_project
from strategy_builder.models.provenance import ValueLog, ValueTable
from strategy_builder.render.context import DraftStamp, build_context
from strategy_builder.review.proposals import propose

AM = "inputs/partners/AM.yaml"
WORD = re.compile(r"[A-Za-z]{4,}")


@pytest.fixture(scope="module")
def drafted(built_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ValueTable, str]:
    project = copy_built_sample(built_sample, tmp_path_factory.mktemp("property") / "project")
    table = ValueTable.model_validate_json((project / "build/drafts/001/provenance/AM.json").read_bytes())
    text = "\n".join(p.text for p in Document(str(project / "build/drafts/001/AM.docx")).paragraphs)
    cells = Document(str(project / "build/drafts/001/AM.docx")).tables
    text += "\n".join(cell.text for t in cells for row in t.rows for cell in row.cells)
    return project, table, text


def _span(raw: str, path: list[str | int]) -> tuple[int, int]:
    """Start and end (characters) of the scalar at ``path``, from PyYAML's own marks."""
    node = yaml.compose(raw, Loader=yaml.SafeLoader)
    for part in path:
        if isinstance(part, int):
            node = node.value[part]
        else:
            node = next(value for key, value in node.value if key.value == part)
    return node.start_mark.index, node.end_mark.index


def _printed(project: Path, path: list[str | int], block: int) -> str:
    """The text the build prints today for the value at ``path`` (block ``block``)."""
    loaded = load_project(project)
    assert loaded.project is not None, loaded.findings.items
    partner = loaded.project.partner("AM")
    assert partner is not None
    log = ValueLog("AM", AM)
    build_context(partner, loaded.project.strategy, DraftStamp(None), values=log)
    return next(v.text for v in log.values if v.path == path and v.block == block)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.data())
def test_random_edits_in_values_are_reproduced_and_nothing_else_changes(
        drafted: tuple[Path, ValueTable, str], tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    original, table, document_text = drafted
    candidates = [v for v in table.values if len(WORD.findall(v.text)) >= 3]
    value = candidates[data.draw(st.integers(0, len(candidates) - 1))]
    words = list(WORD.finditer(value.text))
    word = words[data.draw(st.integers(0, len(words) - 1))]
    # An anchor that occurs once in the whole document: the word with some of the text around it.
    start = max(0, word.start() - 12)
    end = min(len(value.text), word.end() + 12)
    anchor = value.text[start:end]
    assume(document_text.count(anchor) == 1)
    operation = data.draw(st.sampled_from(["replace", "delete", "insert"]))
    replacement = data.draw(st.from_regex(r"[a-z]{3,9}( [a-z]{2,8})?", fullmatch=True))
    if operation == "replace":
        edit = Edit(word.group(), replacement, author="Prop Erty")
        expected = value.text[:word.start()] + replacement + value.text[word.end():]
        edit = Edit(anchor, anchor.replace(word.group(), replacement, 1), author="Prop Erty")
    elif operation == "delete":
        removed = value.text[word.start():word.end() + (1 if value.text[word.end():word.end() + 1] == " " else 0)]
        expected = value.text.replace(removed, "", 1) if value.text.count(removed) == 1 else None
        assume(expected is not None and expected.strip())
        edit = Edit(anchor, anchor.replace(removed, "", 1), author="Prop Erty")
    else:
        expected = value.text[:word.end()] + " " + replacement + value.text[word.end():]
        edit = Edit(anchor, anchor.replace(word.group(), word.group() + " " + replacement, 1), author="Prop Erty")
    assert expected is not None

    project = tmp_path_factory.mktemp("example") / "project"
    shutil.copytree(original, project, symlinks=True)
    returned = review(project / "build/drafts/001/AM.docx", project / "AM_001_Prop.docx", [edit])
    result = propose([returned], project)
    assert [(p.path, p.status) for p in result.proposals] == [(tuple(value.path), "proposed")], result.needs_person
    before, after = result.edited[AM]
    old_text, new_text = before.decode(), after.decode()
    # Only the value's characters changed, besides one new line listing the register rows it answers.
    new_lines = [line for line in new_text.splitlines(keepends=True)
                 if not (line.lstrip().startswith(("responds_to:", "situation_responds_to:"))
                         and line not in old_text)]
    stripped = "".join(new_lines)
    begin, stop = _span(old_text, value.path)
    assert stripped.startswith(old_text[:begin]) and stripped.endswith(old_text[stop:])
    (project / AM).write_bytes(after)
    assert " ".join(_printed(project, value.path, value.block).split()) == " ".join(expected.split())
