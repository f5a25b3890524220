"""``strategy-builder init``: a new project that checks and builds as it is, from a pip install too; the
packaged template and sample are the repository's own files; nothing is overwritten without --force."""

from __future__ import annotations

import compileall
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from strategy_builder.inputs.loading import load_project
from strategy_builder.resources import packaged_sample, packaged_template


def test_the_packaged_template_and_sample_are_the_repository_files() -> None:
    assert packaged_template().read_bytes() == (REPO / "templates" / "strategy.docx").read_bytes()
    sample = packaged_sample()
    shipped = sorted(p.relative_to(sample).as_posix() for p in sample.rglob("*.yaml"))
    assert shipped == sorted(p.relative_to(REPO / "inputs").as_posix() for p in (REPO / "inputs").rglob("*.yaml"))
    for name in shipped:
        assert (sample / name).read_bytes() == (REPO / "inputs" / name).read_bytes(), name


def test_init_with_a_partner_then_build_from_a_subfolder(tmp_path: Path) -> None:
    created = run_cli("init", "newteam", "--partner", "am", cwd=tmp_path)
    assert created.returncode == 0, created.stdout + created.stderr
    project = tmp_path / "newteam"
    for name in ("inputs/strategy.yaml", "inputs/partners/AM.yaml", "schemas/partner.schema.json",
                 "schemas/strategy.schema.json", "templates/strategy.docx", ".gitignore"):
        assert (project / name).is_file(), name
    subprocess.run(["git", "init", "-q", "."], cwd=project, check=True)
    ignored = subprocess.run(["git", "check-ignore", "--no-index", "build/drafts/001/AM.docx",
                              "inputs/.backups/strategy.yaml", "inputs/partners/AM.yaml"],
                             cwd=project, capture_output=True, text=True)
    assert ignored.stdout.split() == ["build/drafts/001/AM.docx", "inputs/.backups/strategy.yaml"]
    assert "ILLUSTRATIVE" not in (project / "inputs/partners/AM.yaml").read_text(encoding="utf-8")
    result = load_project(project)
    assert result.project is not None and not result.findings.errors, [f.to_json() for f in result.findings]
    built = run_cli("build", "--format", "json", cwd=project / "inputs" / "partners")
    assert built.returncode == 0, built.stdout + built.stderr
    payload = json.loads(built.stdout)
    assert (payload["draft"], payload["packaged_template"]) == (1, False)
    assert (project / "build/drafts/001/AM.docx").is_file()


def test_a_project_without_templates_builds_with_the_packaged_template_and_says_so(tmp_path: Path) -> None:
    assert run_cli("init", "--partner", "GE", cwd=tmp_path).returncode == 0
    shutil.rmtree(tmp_path / "templates")
    built = run_cli("build", cwd=tmp_path / "inputs")
    assert built.returncode == 0, built.stdout + built.stderr
    assert "no templates/ folder: built with the default template shipped with strategy-builder" in built.stderr
    assert (tmp_path / "build/drafts/001/GE.docx").is_file()
    checked = run_cli("template-check", "--format", "json", cwd=tmp_path)
    assert checked.returncode == 0 and json.loads(checked.stdout)["errors"] == 0


def test_init_refuses_to_overwrite_and_names_the_file_unless_forced(tmp_path: Path) -> None:
    assert run_cli("init", "--partner", "AM", cwd=tmp_path).returncode == 0
    strategy = tmp_path / "inputs" / "strategy.yaml"
    strategy.write_text(strategy.read_text(encoding="utf-8") + "# the team's own note\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    again = run_cli("init", "--partner", "AM", cwd=tmp_path)
    assert again.returncode == 2
    assert "inputs/strategy.yaml" in again.stderr and "--force" in again.stderr
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before, "init wrote something"
    forced = run_cli("init", "--partner", "AM", "--force", "-q", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert "the team's own note" not in strategy.read_text(encoding="utf-8")


def test_init_without_partners_hints_how_to_add_them_and_rejects_bad_codes(tmp_path: Path) -> None:
    bare = run_cli("init", "bare", cwd=tmp_path)
    assert bare.returncode == 0
    assert "no partner state yet" in bare.stderr and "new-partner CODE" in bare.stderr
    assert not (tmp_path / "bare/inputs/partners").exists()
    wrong = run_cli("init", "wrong", "--partner", "Armenia", cwd=tmp_path)
    assert wrong.returncode == 2 and "'Armenia' is not an ISO 3166-1 alpha-2 country code" in wrong.stderr
    assert not (tmp_path / "wrong").exists()


def test_init_sample_gives_the_illustrative_sample(tmp_path: Path) -> None:
    made = run_cli("init", "--sample", "--format", "json", "demo", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["sample"] is True
    for path in (REPO / "inputs").rglob("*.yaml"):
        assert (tmp_path / "demo/inputs" / path.relative_to(REPO / "inputs")).read_bytes() == path.read_bytes()
    checked = run_cli("check", "--format", "json", cwd=tmp_path / "demo")
    assert checked.returncode == 0, checked.stdout
    # The sample's one warning: its deliberately stale Russian value (docs/languages.md).
    assert [f["code"] for f in json.loads(checked.stdout)["findings"]] == ["translation.stale"]


@pytest.mark.slow
def test_a_wheel_installed_without_a_checkout_inits_and_builds(tmp_path: Path) -> None:
    """The issue's acceptance run: the package as pip installs it (not editable), run from a folder that
    knows nothing of the repository."""
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "strategy_builder", source / "strategy_builder",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))  # follows the resource links
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
                   check=True, capture_output=True, timeout=300)
    [wheel] = wheels.glob("strategy_builder-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    # pip compiles what it installs; without it, each process below would compile every module it imports
    # (PYTHONDONTWRITEBYTECODE is set in many shells and CI images).
    compileall.compile_dir(site, quiet=2)
    work = tmp_path / "elsewhere"
    work.mkdir()
    environment = {**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1"}
    where = subprocess.run([sys.executable, "-c", "import strategy_builder; print(strategy_builder.__file__)"],
                           cwd=work, env=environment, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(site), where.stdout

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "strategy_builder", *args], cwd=cwd, env=environment,
                              capture_output=True, text=True, timeout=120)

    assert run("init", "newteam", "--partner", "AM", cwd=work).returncode == 0
    built = run("build", cwd=work / "newteam" / "inputs" / "partners")
    assert built.returncode == 0, built.stdout + built.stderr
    assert (work / "newteam/build/drafts/001/AM.docx").is_file()
    assert (work / "newteam/templates/strategy.docx").read_bytes() == (REPO / "templates/strategy.docx").read_bytes()

