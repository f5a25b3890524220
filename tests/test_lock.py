"""Reproducible installs: constraints.txt pins every dependency inside pyproject.toml's ranges, and the README's
two commands and .ci/run install through it."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from conftest import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
# .ci/refresh-lock runs the suite on the lock it is about to write, before writing it.
LOCK = Path(os.environ.get("STRATEGY_BUILDER_LOCK_CANDIDATE") or REPO / "constraints.txt")
LOCK_TEXT = LOCK.read_text(encoding="utf-8")
README = (REPO / "README.md").read_text(encoding="utf-8")


def locked() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in LOCK_TEXT.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        [specifier] = list(requirement.specifier)
        assert specifier.operator == "==", line
        pins[canonicalize_name(requirement.name)] = Version(specifier.version)
    return pins


def test_every_dependency_and_test_dependency_is_pinned_inside_its_range() -> None:
    pins = locked()
    wanted = [*PYPROJECT["project"]["dependencies"], *PYPROJECT["project"]["optional-dependencies"]["test"]]
    for text in wanted:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in constraints.txt: run .ci/refresh-lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"constraints.txt pins {name}=={pins[name]}, outside pyproject's {requirement.specifier}")


def test_the_lock_names_no_machine_specific_index_or_path() -> None:
    assert "--index-url" not in LOCK_TEXT and "--extra-index-url" not in LOCK_TEXT
    assert "--find-links" not in LOCK_TEXT and "file://" not in LOCK_TEXT
    assert ".ci/refresh-lock" in "\n".join(LOCK_TEXT.splitlines()[:8]), "the header names how to refresh it"


def test_major_dependencies_have_an_upper_bound() -> None:
    """A new major release must not reach users untested (pycountry's versions are dates, not promises)."""
    for text in [*PYPROJECT["project"]["dependencies"], *PYPROJECT["project"]["optional-dependencies"]["test"]]:
        requirement = Requirement(text)
        if requirement.name == "pycountry":
            continue
        assert any(s.operator == "<" for s in requirement.specifier), f"{text} has no upper bound"


def quick_start_commands() -> list[str]:
    start = README.index("## Quick start")
    section = README[start:README.index("\n## ", start + 1)]
    return re.findall(r"```sh\n(.*?)\n```", section, re.S)


def test_the_quick_start_has_two_commands_and_both_install_the_lock() -> None:
    commands = quick_start_commands()
    assert len(commands) == 2, commands
    for command in commands:
        assert "\n" not in command.strip()
        assert command.startswith("python3 -m pip install -c constraints.txt -e "), command
    assert commands[0].endswith("python3 -m strategy_builder build")
    assert commands[1].endswith("python3 -m pytest")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    command = quick_start_commands()[1].replace("pip install -c", "pip install -q -c")
    assert command in ci.splitlines()


def test_the_readme_explains_refreshing_the_lock_and_externally_managed_pythons() -> None:
    assert ".ci/refresh-lock" in README and (REPO / ".ci" / "refresh-lock").exists()
    assert "externally-managed-environment" in README and "python3 -m venv" in README


def test_the_docs_describe_init_the_root_search_and_the_lock() -> None:
    docs = {name: (REPO / name).read_text(encoding="utf-8") for name in ("README.md", "docs/cli.md", "docs/inputs.md")}
    for name, text in docs.items():
        assert "strategy-builder init" in text, f"{name}: init"
        assert "inputs/strategy.yaml" in text and "upward" in text, f"{name}: the root search"
    assert "constraints.txt" in docs["README.md"]
