"""The public library (strategy_builder/__init__.py): documented, lazy, and every name resolves."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import strategy_builder
from conftest import REPO

BENCHMARK_EXCEPTIONS: dict[str, set[str]] = {
    "synthetic.py": {"strategy_builder.models.project", "strategy_builder.models.source_map"},
    "build_bench.py": {"strategy_builder.drafts.builder"},
    "regional_bench.py": {"strategy_builder.regional.matrix", "strategy_builder.regional.charts",
                          "strategy_builder.regional.overview_document"},
}
"""The modules past the public API that a benchmark may import, each named in a comment there: a project
that exists only in memory (hundreds of cloned partners, no files) is cloned, built and drawn by the steps
``build``, ``partnership_matrix`` and ``build_overview`` run after loading the inputs."""


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


def test_redline_render_matrix_and_the_tables(sample_drafts, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """What the benchmarks take from the library besides the commands: a redline and a matrix view as
    bytes in memory, the limits and the register's columns."""
    import datetime as dt
    import io
    import json
    import zipfile

    from conftest import copy_sample

    old_dir, new_dir = sample_drafts
    comparison = strategy_builder.compare(str(old_dir), str(new_dir), old_dir.parents[2])
    changed = next(p for p in comparison.partners if p.status == "changed" and p.diff is not None)
    data = strategy_builder.redline(changed.diff, author="Team", date=dt.date(2010, 11, 15))  # type: ignore[arg-type]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert b'w:author="Team"' in package.read("word/document.xml")
    matrix = strategy_builder.partnership_matrix(copy_sample(tmp_path / "project")).matrix
    assert len(json.loads(strategy_builder.render_matrix(matrix, "json"))["partners"]) == 12
    assert strategy_builder.LIMITS["Word file"].value == 64 * 2**20
    assert strategy_builder.LIMITS["Word file"].display() == "64 MiB"
    columns = {c.header: c for c in strategy_builder.REGISTER_COLUMNS}
    assert list(columns)[:3] == ["ID", "Disposition", "Note"] and columns["Disposition"].owner == "team"


def _imported_submodules(tree: ast.Module) -> set[str]:
    """The ``strategy_builder`` submodules a module imports (``from strategy_builder import limits`` too)."""
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names if alias.name.startswith("strategy_builder."))
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            if node.module.startswith("strategy_builder."):
                modules.add(node.module)
            elif node.module == "strategy_builder":
                modules.update(f"strategy_builder.{alias.name}" for alias in node.names
                               if alias.name not in strategy_builder.__all__)
    return modules


def test_the_benchmarks_use_the_public_api() -> None:
    """Benchmarks measure what users call: ``import strategy_builder as sb``, and a submodule only where
    ``BENCHMARK_EXCEPTIONS`` lists it and a comment of the benchmark names it (an exception no longer used is
    taken off the list)."""
    benchmarks = sorted((REPO / "benchmarks").glob("*.py"))
    assert benchmarks and set(BENCHMARK_EXCEPTIONS) <= {path.name for path in benchmarks}
    problems = []
    for path in benchmarks:
        source = path.read_text(encoding="utf-8")
        imported = _imported_submodules(ast.parse(source))
        allowed = BENCHMARK_EXCEPTIONS.get(path.name, set())
        if allowed and not re.search(r"#[^\n]*\bexception\b", source, re.IGNORECASE):
            problems.append(f"benchmarks/{path.name}: no comment names its exception to the public API and why")
        if imported - allowed:
            problems.append(f"benchmarks/{path.name} imports past the public API: {sorted(imported - allowed)}")
        if allowed - imported:
            problems.append(f"benchmarks/{path.name} no longer imports {sorted(allowed - imported)}: take it off "
                            "BENCHMARK_EXCEPTIONS")
    assert not problems, "\n".join(problems)


def test_the_benchmark_rule_sees_every_kind_of_import() -> None:
    code = ("import strategy_builder as sb\n"
            "import strategy_builder.limits\n"
            "from strategy_builder import limits, build\n"
            "from strategy_builder.review.diff import redline\n"
            "def f():\n"
            "    from strategy_builder.models import project\n")
    assert _imported_submodules(ast.parse(code)) == {"strategy_builder.limits", "strategy_builder.review.diff",
                                                     "strategy_builder.models"}
