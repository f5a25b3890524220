"""The public library (strategy_builder/__init__.py): documented, lazy, and every name resolves."""

from __future__ import annotations

import re
import subprocess
import sys

import strategy_builder


def test_importing_the_package_imports_nothing_else() -> None:
    code = "import sys, strategy_builder; print(sorted(m for m in sys.modules if m.startswith('strategy_builder')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "['strategy_builder']"


def test_every_public_name_resolves_and_is_documented() -> None:
    public = [name for name in strategy_builder.__all__ if name != "__version__"]
    assert sorted(public) == sorted(strategy_builder._EXPORTS)
    for name in public:
        value = getattr(strategy_builder, name)
        assert value is not None, name
        assert re.search(rf"\b{name}\b", strategy_builder.__doc__ or ""), f"the package docstring does not name {name}"
        assert name in dir(strategy_builder)


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        strategy_builder.no_such_name  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as error:
        assert "no_such_name" in str(error)
    else:
        raise AssertionError("expected AttributeError")


def test_check_through_the_library(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from conftest import copy_sample

    project = copy_sample(tmp_path / "project")
    result = strategy_builder.check(project)
    assert not result.findings.has_errors() and result.partners == 12
    assert (project / "build" / ".cache" / "inputs" / "index.json").is_file()  # the second check is answered from it


def test_the_example_of_the_package_docstring_runs(sample_drafts, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The example that the package docstring and the README show, run on a copy of a project with two drafts
    (about a second once the session's drafts exist)."""
    import shutil
    import textwrap
    from pathlib import Path

    from conftest import REPO

    project = tmp_path / "project"
    shutil.copytree(sample_drafts[0].parents[2], project, ignore=shutil.ignore_patterns(".build.lock"))
    block = []
    for line in (strategy_builder.__doc__ or "").split("::\n", 1)[1].splitlines()[1:]:
        if line and not line.startswith("    "):
            break
        block.append(line)
    example = textwrap.dedent("\n".join(block)).strip() + "\n"
    assert f"```python\n{example}```" in (REPO / "README.md").read_text(encoding="utf-8")
    names: dict[str, object] = {}
    exec(example.replace('Path("path/to/project")', f"Path({str(project)!r})"), names)  # noqa: S102
    assert not names["result"].findings.has_errors()  # type: ignore[attr-defined]
    # Nothing changed since draft 2: no new draft.
    assert names["draft"].kind == "unchanged" and names["draft"].draft == 2  # type: ignore[attr-defined]
    assert names["report"].comparison.has_changes  # type: ignore[attr-defined]
    assert isinstance(names["project"], Path)
