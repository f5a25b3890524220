"""The suite's own rules (docs/testing.md): CI is detected as runners spell it, nothing is skipped under CI,
and the map of promises to tests stays true as the docs and the tests change."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, running_in_ci

TESTING = REPO / "docs" / "testing.md"
DOCUMENTS = [REPO / "README.md", *sorted(p for p in (REPO / "docs").glob("*.md") if p.name != "testing.md")]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
NODE = re.compile(r"`(tests/[^`:]+\.py)::([A-Za-z_][A-Za-z0-9_]*)(?:\[[^`]*\])?`")


@pytest.mark.parametrize(("value", "expected"), [
    ("true", True), ("True", True), ("TRUE", True), ("1", True), ("yes", True), (" true\n", True),
    ("", False), ("false", False), ("0", False), ("no", False)])
def test_ci_is_detected_as_runners_spell_it(value: str, expected: bool) -> None:
    assert running_in_ci({"CI": value}) is expected
    assert running_in_ci({}) is False


def test_a_skip_under_ci_fails(tmp_path: Path) -> None:
    """Under CI a skipped test fails, whatever skipped it; outside CI it is a skip."""
    (tmp_path / "test_skipping.py").write_text(
        "import pytest\n\n\ndef test_needs_a_tool():\n    pytest.skip('the tool is missing')\n\n\n"
        "def test_imports_something_missing():\n    pytest.importorskip('no_such_module_anywhere')\n",
        encoding="utf-8")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "conftest", "-p", "no:cacheprovider", "-c", os.devnull,
               "--rootdir", str(tmp_path), str(tmp_path / "test_skipping.py")]
    environment = {**os.environ, "PYTHONPATH": str(REPO / "tests")}
    for ci, outcome in (("true", "2 failed"), ("", "2 skipped")):
        result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=120,
                                env={**environment, "CI": ci})
        assert outcome in result.stdout, result.stdout + result.stderr


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _headings(path: Path, levels: tuple[str, ...] = ("#", "##", "###", "####")) -> dict[str, str]:
    """Anchor -> heading text of the headings of ``levels`` outside code blocks."""
    anchors: dict[str, str] = {}
    seen: dict[str, int] = {}
    fenced = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        match = re.match(r"^(#{1,6}) (.+)$", line)
        if fenced or not match:
            continue
        slug = _slug(match.group(2))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        if match.group(1) in levels:
            anchors[slug if count == 0 else f"{slug}-{count}"] = match.group(2)
    return anchors


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def _rows() -> list[str]:
    """The table rows of docs/testing.md's section "Promises and their tests"."""
    text = TESTING.read_text(encoding="utf-8")
    section = text.split("## Promises and their tests", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines()
            if line.startswith("|") and not line.startswith("| promise") and not line.startswith("| ---")]


def test_every_row_cites_a_heading_and_names_tests_that_exist() -> None:
    rows = _rows()
    assert len(rows) > 50
    problems = []
    for row in rows:
        links = LINK.findall(row)
        nodes = NODE.findall(row)
        if not links or not nodes:
            problems.append(f"a row needs a 'stated in' link and at least one test: {row[:100]}")
        for target in links:
            file, _, anchor = target.partition("#")
            path = (TESTING.parent / file).resolve()
            if not path.is_file() or anchor not in _headings(path):
                problems.append(f"no heading #{anchor} in {file}")
        for file, name in nodes:
            path = REPO / file
            if not path.is_file() or name not in _test_names(path):
                problems.append(f"no test {file}::{name}")
    assert not problems, "\n".join(problems)


def test_every_section_of_the_readme_and_the_docs_is_mapped() -> None:
    """A new `##` section of README.md or docs/ needs a row (its promise and test) or a line saying why it
    promises nothing testable."""
    cited = {(TESTING.parent / target.partition("#")[0]).resolve().as_posix() + "#" + target.partition("#")[2]
             for target in LINK.findall(TESTING.read_text(encoding="utf-8")) if "#" in target}
    missing = [f"{path.relative_to(REPO)}#{anchor} ({heading})"
               for path in DOCUMENTS for anchor, heading in _headings(path, ("##",)).items()
               if f"{path.resolve().as_posix()}#{anchor}" not in cited]
    assert not missing, "sections of the docs that docs/testing.md does not map:\n" + "\n".join(missing)


def test_the_readme_test_command_deselects_nothing() -> None:
    """`python3 -m pytest` runs every test, the slow lock and publication tests included: pytest's own
    settings select no marker, keyword or path away, and every test file lies under the collected folder."""
    import tomllib

    settings = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    options = settings.get("addopts", "").split()
    assert not [o for o in options if o in ("-m", "-k", "--ignore", "--deselect") or o.startswith(("--ignore=",
                                                                                                     "--deselect="))]
    assert settings.get("testpaths") == ["tests"]


_TIMING_WORDS = {"duration", "elapsed", "seconds", "took", "wall", "runtime"}


def test_no_test_asserts_how_long_something_takes() -> None:
    """Speed is measured in benchmarks/, never asserted in tests (a busy machine makes such tests lie)."""
    offenders = []
    for path in sorted((REPO / "tests").rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Assert):
                continue
            comparisons = [n for n in ast.walk(node.test) if isinstance(n, ast.Compare)
                           and any(isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)) for op in n.ops)]
            words = {getattr(n, "id", None) or getattr(n, "attr", None) or getattr(n, "value", None)
                     for c in comparisons for n in ast.walk(c)}
            calls = {ast.unparse(n.func) for c in comparisons for n in ast.walk(c) if isinstance(n, ast.Call)}
            if words & _TIMING_WORDS or calls & {"time.perf_counter", "time.time", "time.monotonic"}:
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not offenders, offenders
