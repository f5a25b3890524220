"""Provenance per rendered value: every text printed from one YAML scalar carries a bookmark, and the draft's
table of values says which scalar (file, path, line) and which part of it each one is."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from docx import Document

from conftest import copy_built_sample, copy_sample
from strategy_builder.drafts.builder import BuildOptions, build
from strategy_builder.inputs.yamlsource import read_yaml
from strategy_builder.models.prose import parse_prose
from strategy_builder.models.provenance import ValueTable
from strategy_builder.ooxml.package import DocxPackage
from strategy_builder.ooxml.stories import Locator, document_stories
from strategy_builder.ooxml.value_edits import value_texts

@pytest.fixture(scope="module")
def sample_draft(built_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_built_sample(built_sample, tmp_path_factory.mktemp("values") / "project")


def test_every_value_of_the_table_is_printed_inside_its_bookmark(sample_draft: Path) -> None:
    draft = sample_draft / "build" / "drafts" / "001"
    for docx in sorted(draft.glob("*.docx")):
        table = ValueTable.model_validate_json((draft / "provenance" / f"{docx.stem}.json").read_bytes())
        package = DocxPackage.open(docx)
        stories = document_stories(package)
        texts = value_texts(stories[0].root, Locator(package, stories))
        printed = {name.split("_")[1] for name in texts}
        # Every value the template printed is in the table (a withdrawn priority's rationale is not printed).
        assert printed <= {str(v.index) for v in table.values}, docx.name
        assert len(printed) > 0.8 * len(table.values), docx.name
        for name, text in texts.items():
            assert text == table.by_index()[int(name.split("_")[1])].text, (docx.name, name)
        assert len(table.values) > 20
        with zipfile.ZipFile(docx) as archive:
            for member in archive.namelist():
                data = archive.read(member)
                assert "\ue002".encode() not in data and "\ue003".encode() not in data, (docx.name, member)


def test_the_table_names_the_scalar_and_the_part_of_it_that_was_printed(sample_draft: Path) -> None:
    table = ValueTable.model_validate_json((sample_draft / "build/drafts/001/provenance/AM.json").read_bytes())
    document, _ = read_yaml(sample_draft / "inputs/partners/AM.yaml", "inputs/partners/AM.yaml")
    assert document is not None
    kinds = {v.kind for v in table.values}
    assert kinds == {"line", "block", "joined"}
    for value in table.values:
        scalar = document.data
        for part in value.path:
            scalar = scalar[part]
        assert value.file == "inputs/partners/AM.yaml"
        assert value.line == document.source_map.values[tuple(value.path)][0]
        if value.kind == "line":
            assert value.text == scalar.strip()
        elif value.kind == "block":
            assert value.text == parse_prose(scalar)[value.block].text
        else:
            assert value.text == " ".join(block.text for block in parse_prose(scalar))
    titles = [v for v in table.values if v.path[-1] == "title" and v.path[2] == "priorities"]
    assert titles and all(v.section.startswith("AM/") and v.section.count("/") == 2 for v in titles)


def test_a_template_that_prints_values_in_headers_properties_or_cut_short_still_builds(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "project")
    template = project / "templates" / "strategy.docx"
    document = Document(str(template))
    document.sections[0].header.add_paragraph("{{ areas[0].priorities[0].title }}")
    document.add_paragraph("{{ situation.blocks[0].text|truncate(20) }} {{ situation.blocks[0].text|upper }}")
    document.core_properties.keywords = "{{ areas[0].priorities[0].title }}"
    document.save(str(template))
    build(project, BuildOptions(jobs=1))
    with zipfile.ZipFile(project / "build/drafts/001/AM.docx") as archive:
        for member in archive.namelist():
            data = archive.read(member)
            assert "\ue002".encode() not in data and "\ue003".encode() not in data, member
        core = archive.read("docProps/core.xml").decode()
    assert "Towards integrated border management" in core


def test_the_context_printed_for_people_shows_no_markers(sample_draft: Path) -> None:
    from conftest import run_in_process

    result = run_in_process("context", "AM", "--project", str(sample_draft))
    assert result.returncode == 0, result.stderr
    assert "\\ue002" not in result.stdout and "\ue002" not in result.stdout
    context = json.loads(result.stdout)
    assert context["areas"][0]["priorities"][0]["title"] == "Towards integrated border management"
