"""JSON Schemas for editors (issue 2, section 4): committed, current, draft-07, strict, and pointed at by every
sample file's first line; every sample file says that it is illustrative.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO, run_in_process
from strategy_builder.inputs.schema import SCHEMA_DIR, SCHEMAS, render_schemas
from strategy_builder.models.inputs import PartnerFile, StrategyFile

SAMPLE_FILES = [REPO / "inputs" / "strategy.yaml", *sorted((REPO / "inputs" / "partners").glob("*.yaml"))]
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(?P<path>\S+)$")


def _ids(paths: list[Path]) -> list[str]:
    return [p.relative_to(REPO).as_posix() for p in paths]


def test_the_committed_schemas_are_up_to_date() -> None:
    """Fails when the input model changed without 'strategy-builder schema' being run and committed."""
    for name, text in render_schemas().items():
        committed = REPO / SCHEMA_DIR / name
        assert committed.is_file(), f"{committed} is missing: run 'strategy-builder schema'"
        assert committed.read_text(encoding="utf-8") == text, (
            f"{committed} is out of date: run 'strategy-builder schema' and commit schemas/")
    assert sorted(p.name for p in (REPO / SCHEMA_DIR).glob("*.json")) == sorted(SCHEMAS)


def test_schema_check_command(sample_project: Path) -> None:
    current = run_in_process("schema", "--check", str(REPO))
    assert current.returncode == 0, current.stdout + current.stderr
    assert "schemas are up to date" in current.stdout

    stale = sample_project / SCHEMA_DIR / "partner.schema.json"
    stale.write_text("{}\n", encoding="utf-8")
    checked = run_in_process("schema", "--check", str(sample_project))
    assert checked.returncode == 1
    assert f"out of date: {stale}" in checked.stdout
    assert "run 'strategy-builder schema' to update" in checked.stdout
    assert stale.read_text(encoding="utf-8") == "{}\n"  # --check writes nothing

    written = run_in_process("schema", str(sample_project))
    assert written.returncode == 0
    assert f"wrote {stale}" in written.stdout
    assert stale.read_text(encoding="utf-8") == render_schemas()["partner.schema.json"]
    assert run_in_process("schema", "--check", str(sample_project)).returncode == 0


def test_schema_output_option(tmp_path: Path) -> None:
    result = run_in_process("schema", "--output", str(tmp_path / "out"), str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "out").iterdir()} == render_schemas()


def test_schema_outside_a_project_writes_nothing_unless_told_where(tmp_path: Path) -> None:
    result = run_in_process("schema", cwd=tmp_path)  # a folder typed by mistake: no stray schemas/ in it
    assert result.returncode == 2 and "not a strategy-builder project" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=_ids(SAMPLE_FILES))
def test_sample_file_starts_with_a_modeline_to_the_committed_schema(path: Path) -> None:
    first, second = path.read_text(encoding="utf-8").splitlines()[:2]
    match = MODELINE.match(first)
    assert match, f"{path.name}: first line must be '# yaml-language-server: $schema=...', not {first!r}"
    target = (path.parent / match["path"]).resolve()
    assert target.is_file(), f"{path.name} points at {match['path']}, which does not exist"
    assert target.parent == (REPO / SCHEMA_DIR).resolve()
    expected = "strategy.schema.json" if path.name == "strategy.yaml" else "partner.schema.json"
    assert target.name == expected
    assert "ILLUSTRATIVE" in second and "not the position of" in path.read_text(encoding="utf-8")[:400]


def test_the_readme_says_the_sample_is_illustrative() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8").lower()
    assert "illustrative" in readme


# --------------------------------------------------------------------------- structure of the schemas


def _objects(node: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(node, dict):
        if node.get("type") == "object" or "properties" in node:
            found.append(node)
        for value in node.values():
            found.extend(_objects(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_objects(value))
    return found


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schemas_are_draft_07_and_refuse_unknown_keys(name: str) -> None:
    schema = json.loads((REPO / SCHEMA_DIR / name).read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["$id"].endswith(f"/schemas/{name}")
    assert "$defs" not in json.dumps(schema)  # draft-07 uses definitions
    objects = _objects(schema)
    assert len(objects) >= 5
    for node in objects:
        assert node.get("additionalProperties") is False, node.get("title")
    model = SCHEMAS[name]
    assert sorted(schema["required"]) == sorted(n for n, f in model.model_fields.items() if f.is_required())
    for ref in re.findall(r'"\$ref": "#/definitions/([^"]+)"', json.dumps(schema)):
        assert ref in schema["definitions"]


# --------------------------------------------------------------------------- the schemas accept the sample


class _Yaml12Loader(yaml.SafeLoader):
    """Types as yaml-language-server sees them (YAML 1.2 core schema): NO and 2010-11-15 stay strings."""


_Yaml12Loader.yaml_implicit_resolvers = {}
for tag, pattern, first in [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("tag:yaml.org,2002:float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$", "-+.0123456789"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
]:
    _Yaml12Loader.add_implicit_resolver(tag, re.compile(pattern), list(first))


def _validator(name: str):  # type: ignore[no-untyped-def]
    import jsonschema  # a test dependency: never skipped

    schema = json.loads((REPO / SCHEMA_DIR / name).read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=_ids(SAMPLE_FILES))
def test_the_schema_accepts_the_sample_as_an_editor_reads_it(path: Path) -> None:
    name = "strategy.schema.json" if path.name == "strategy.yaml" else "partner.schema.json"
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Yaml12Loader)  # noqa: S506 - safe subclass
    errors = sorted(_validator(name).iter_errors(data), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_the_schema_flags_an_unknown_key_and_a_bad_enum_as_an_editor_would() -> None:
    path = REPO / "inputs" / "partners" / "AM.yaml"
    text = path.read_text(encoding="utf-8").replace("official_name:", "oficial_name:", 1)
    text = text.replace("status: agreed", "status: aggreed", 1)
    data = yaml.load(text, Loader=_Yaml12Loader)  # noqa: S506
    messages = sorted(e.message for e in _validator("partner.schema.json").iter_errors(data))
    assert any("'oficial_name' was unexpected" in m for m in messages), messages
    assert any("'aggreed' is not one of" in m for m in messages), messages


def test_models_and_schema_files_correspond() -> None:
    assert SCHEMAS == {"strategy.schema.json": StrategyFile, "partner.schema.json": PartnerFile}
