"""``check`` answered from build/.cache/check.json when nothing it reads changed (strategy_builder/drafts/checking.py).

The promise: a check answered from the cache gives exactly the findings (and partner count) that reading
the inputs gives, and any change under inputs/, to the logo or to the drafts is read again. About ten
checks of the sample in all (a few seconds).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import copy_sample
from strategy_builder.errors import Severity
from strategy_builder.drafts.checking import CHECK_CACHE, CheckResult, check_project, inputs_digest
from strategy_builder.layout import ProjectLayout


def _uncached(project: Path, *, strict: bool = False) -> CheckResult:
    """The check as the inputs give it, with no cache of any kind."""
    shutil.rmtree(project / "build" / ".cache", ignore_errors=True)
    result = check_project(project, strict=strict)
    assert not result.from_cache
    return result


def _same(first: CheckResult, second: CheckResult) -> None:
    assert second.findings.items == first.findings.items
    assert second.partners == first.partners


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample as shipped (one warning: a stale translation), checked once."""
    project = copy_sample(tmp_path_factory.mktemp("checked") / "project", as_shipped=True)
    assert not check_project(project).from_cache
    return project


def test_an_unchanged_project_is_answered_from_the_cache_with_the_same_findings(shipped: Path) -> None:
    answered = check_project(shipped)
    assert answered.from_cache
    assert [f.code for f in answered.findings] == ["translation.stale"]
    _same(_uncached(shipped), answered)
    strict = check_project(shipped, strict=True)
    assert strict.from_cache and [f.severity for f in strict.findings] == [Severity.ERROR]
    _same(_uncached(shipped, strict=True), strict)


def _edit_partner(project: Path) -> None:
    path = project / "inputs" / "partners" / "AM.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# a comment is a change of bytes\n", encoding="utf-8")


def _undeclared_language(project: Path) -> None:
    (project / "inputs" / "translations" / "de").mkdir()


def _remove_partner(project: Path) -> None:
    (project / "inputs" / "partners" / "TM.yaml").unlink()


def _edit_translation(project: Path) -> None:
    path = project / "inputs" / "translations" / "ru" / "KZ.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("source:", "source: 0", 1), encoding="utf-8")


@pytest.mark.parametrize("change", [_edit_partner, _undeclared_language, _remove_partner, _edit_translation])
def test_a_change_under_inputs_is_read_again(tmp_path: Path, change: Callable[[Path], None]) -> None:
    project = copy_sample(tmp_path / "project", as_shipped=True)
    check_project(project)
    change(project)
    after = check_project(project)
    assert not after.from_cache
    _same(_uncached(project), after)


def test_a_check_with_errors_is_never_answered_from_the_cache(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "project")
    path = project / "inputs" / "partners" / "AM.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("code: AM", "code: ZZ", 1), encoding="utf-8")
    first, second = check_project(project), check_project(project)
    assert first.findings.has_errors() and not second.from_cache
    _same(first, second)


def test_the_logo_and_the_drafts_are_part_of_the_key(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "project")
    strategy = project / "inputs" / "strategy.yaml"
    (project / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    strategy.write_text(strategy.read_text(encoding="utf-8").replace("series:\n", "series:\n  logo: logo.png\n", 1),
                        encoding="utf-8")
    assert not check_project(project).findings.has_errors()
    assert check_project(project).from_cache
    (project / "logo.png").unlink()
    gone = check_project(project)
    assert not gone.from_cache and "series.logo-missing" in [f.code for f in gone.findings]
    layout = ProjectLayout.of(project)
    before = inputs_digest(layout)
    (layout.draft_dir(1)).mkdir(parents=True)
    (layout.draft_dir(1) / "manifest.json").write_text("{}", encoding="utf-8")
    assert inputs_digest(layout) != before


def test_a_damaged_cache_is_read_as_a_miss(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "project")
    first = check_project(project)
    cache = project / "build" / ".cache" / CHECK_CACHE
    entry = json.loads(cache.read_text(encoding="utf-8"))
    damaged = ['{"digest": ', json.dumps({**entry, "findings": [{"file": 1}]}), json.dumps({**entry, "partners": "12"})]
    for damage in damaged:
        cache.write_text(damage, encoding="utf-8")
        again = check_project(project)
        assert not again.from_cache
        _same(first, again)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_a_link_under_inputs_is_always_read(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "project")
    moved = tmp_path / "AM.yaml"
    shutil.move(project / "inputs" / "partners" / "AM.yaml", moved)
    (project / "inputs" / "partners" / "AM.yaml").symlink_to(moved)
    assert inputs_digest(ProjectLayout.of(project)) is None
    check_project(project)
    assert not check_project(project).from_cache


def test_a_warm_check_imports_neither_pydantic_nor_the_yaml_reader(shipped: Path) -> None:
    # Warmed here, not only by the fixture: the cache is keyed by the package's source files, so an edit of
    # the working tree while a long suite runs would otherwise leave it cold by the time this test runs.
    check_project(shipped)
    code = ("import sys; from pathlib import Path; import strategy_builder as sb; "
            "result = sb.check(Path(sys.argv[1])); assert result.from_cache, 'not from the cache'; "
            "print(' '.join(sorted(sys.modules)))")
    loaded = set(subprocess.run([sys.executable, "-c", code, str(shipped)], capture_output=True, text=True, check=True,
                                timeout=60).stdout.split())
    assert not {m for m in loaded if m.split(".")[0] in ("pydantic", "yaml", "pycountry", "lxml", "docxtpl")}
