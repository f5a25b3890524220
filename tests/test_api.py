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
