"""Tests mirror the package tree, and every module of strategy_builder has tests that import it directly.

The tests of ``strategy_builder/ooxml/text.py`` live in ``tests/ooxml/``, those of
``strategy_builder/review/register/rows.py`` in ``tests/review/register/``, those of a top-level module
(``strategy_builder/files.py``) in ``tests/``. A module counts as tested directly when a ``test_*.py`` file of
its mirrored folder imports it by name: ``import strategy_builder.x.y``, ``from strategy_builder.x.y import
...`` or ``from strategy_builder.x import y``. Tests that run whole processes through several stages live
apart, in ``tests/e2e/``; they do not count as direct tests of any module.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "strategy_builder"
TESTS = REPO / "tests"

APART = {"e2e", "fixtures", "judges"}
"""Folders of tests/ that mirror no package: whole-process tests, shared test data and builders, and the
LibreOffice judge."""

NOTHING_OF_ITS_OWN = {
    "strategy_builder.__main__": "two lines handing ``python -m strategy_builder`` to warm_start.main; every "
                                 "test of tests/e2e/ that runs a process runs it",
    "strategy_builder.warm_start.__main__": "two lines starting the warm server (importing it would start one); "
                                            "tests/warm_start/test_server.py starts servers through it",
}
"""Modules with nothing testable of their own, and why. Modules whose body is only a docstring, imports and
``__all__`` (a package's description and its re-exports) are recognised as such by :func:`_has_code`."""


def _module_name(path: Path, package: Path) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _has_code(path: Path) -> bool:
    """Whether a module does anything beyond a docstring, imports and ``__all__``."""
    for statement in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            continue
        if (isinstance(statement, (ast.Assign, ast.AnnAssign))
                and all(isinstance(t, ast.Name) and t.id == "__all__"
                        for t in (statement.targets if isinstance(statement, ast.Assign) else [statement.target]))):
            continue
        return True
    return False


def _modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Module name -> its file, for every module of ``package``."""
    return {_module_name(path, package): path for path in sorted(package.rglob("*.py"))}


def _mirrored_folder(path: Path) -> Path:
    """The folder of tests/ whose test files test the module at ``path``."""
    return TESTS.joinpath(*path.relative_to(PACKAGE).parts[:-1])


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """The modules among ``known`` that the Python file at ``path`` imports by name."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found & known


def untested_modules(package: Path = PACKAGE, tests: Path = TESTS) -> list[str]:
    """Modules with code of their own that no test file of their mirrored folder imports."""
    modules = _modules(package)
    importers: dict[Path, set[str]] = {}
    for test in sorted(tests.rglob("test_*.py")):
        importers.setdefault(test.parent, set()).update(imported_modules(test, set(modules)))
    missing = []
    for name, path in modules.items():
        folder = tests.joinpath(*path.relative_to(package).parts[:-1])
        if name not in importers.get(folder, set()) and _has_code(path) and name not in NOTHING_OF_ITS_OWN:
            missing.append(name)
    return missing


def test_every_module_has_tests_in_its_mirrored_folder_that_import_it() -> None:
    missing = untested_modules()
    assert not missing, (
        "modules no test file of their mirrored folder imports (tests of strategy_builder/a/b.py belong in "
        "tests/a/ and import strategy_builder.a.b):\n" + "\n".join(missing))


def test_every_module_said_to_have_nothing_of_its_own_exists_and_has_code() -> None:
    modules = _modules()
    for name in NOTHING_OF_ITS_OWN:
        assert name in modules and _has_code(modules[name]), f"{name}: take it off NOTHING_OF_ITS_OWN"


def test_tests_mirror_the_package_folders() -> None:
    """Every folder of tests/ (but the ones kept apart) is a folder of the package, and every package
    folder with a module of its own has its folder of tests."""
    packages = {path.parent.relative_to(PACKAGE) for path in PACKAGE.rglob("__init__.py")}
    test_folders = {path.parent.relative_to(TESTS) for path in TESTS.rglob("test_*.py")}
    stray = sorted(str(folder) for folder in test_folders if folder.parts and folder.parts[0] not in APART
                   and folder not in packages)
    assert not stray, f"folders of tests/ that mirror no package of strategy_builder/: {stray}"
    needed = {_mirrored_folder(path).relative_to(TESTS) for name, path in _modules().items()
              if _has_code(path) and name not in NOTHING_OF_ITS_OWN}
    assert not sorted(str(f) for f in needed - test_folders)


def test_the_check_fails_for_a_new_module_without_a_direct_test(tmp_path: Path) -> None:
    """The check itself: a module with code needs an importing test in its mirrored folder; a test elsewhere,
    or one that imports only its package, does not count; a docstring-and-re-exports package needs none."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text('"""A package."""\n')
    (package / "sub" / "__init__.py").write_text('"""Re-exports."""\nfrom pkg.sub.tool import run\n'
                                                 '__all__ = ["run"]\n')
    (package / "sub" / "tool.py").write_text("def run() -> int:\n    return 1\n")
    (package / "sub" / "other.py").write_text("VALUE = 2\n")
    tests = tmp_path / "tests"
    (tests / "sub").mkdir(parents=True)
    (tests / "test_misplaced.py").write_text("from pkg.sub.tool import run\n")
    (tests / "sub" / "test_sub.py").write_text("import pkg.sub\nfrom pkg.sub import other\n")
    assert untested_modules(package, tests) == ["pkg.sub.tool"]
    (tests / "sub" / "test_tool.py").write_text("from pkg.sub.tool import run\n")
    assert untested_modules(package, tests) == []
