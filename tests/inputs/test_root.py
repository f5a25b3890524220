"""inputs/root.py: the project is the nearest folder at or above the current one holding inputs/strategy.yaml
(as git finds .git); a folder named explicitly wins."""

from __future__ import annotations

from pathlib import Path

from strategy_builder.inputs.root import find_project_root, locate_project


def test_the_root_is_found_upward_and_an_explicit_folder_wins(sample_project: Path, tmp_path: Path) -> None:
    partners = sample_project / "inputs" / "partners"
    assert find_project_root(partners) == sample_project
    assert find_project_root(sample_project) == sample_project
    assert find_project_root(tmp_path) is None
    found = locate_project(None, cwd=partners)
    assert (found.path, found.how) == (Path("../.."), "found")
    assert locate_project(tmp_path, cwd=partners).path == tmp_path
    assert locate_project(None, cwd=tmp_path).how == "current"
