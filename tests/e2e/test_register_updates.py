"""The register as real processes update it: two runs at once both land, a register open in an office
program is refused (exit 2, naming who has it open) unless --force, a register of the wrong shape is
refused untouched, and the previous version is kept. About 15 s (real processes)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from conftest import run_cli
from fixtures.comments.ministry import Remark, annotate
from strategy_builder.review.register import BACKUP_DIR, read_register


def _return(path: Path, remarks: list[str]) -> Path:
    document = docx.Document()
    document.add_heading("Migration Partnership Strategy", level=1)
    for number in range(len(remarks)):
        document.add_paragraph(f"Paragraph number {number} of the returned draft.")
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(annotate(buffer.getvalue(), [
        Remark(f"Paragraph number {n} of", text, "Ministry expert", date=f"2024-03-0{n + 1}T10:00:00Z")
        for n, text in enumerate(remarks)]))
    return path


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("returns")
    return (_return(folder / "Ministry of Labour.docx", ["Labour one", "Labour two", "Labour three"]),
            _return(folder / "Ministry of Interior.docx", ["Interior one", "Interior two"]))


def _start(register: Path, returned: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "strategy_builder", "comments", str(returned), "--project",
                             str(register.parent), "--register", str(register), "--format", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_two_runs_at_once_both_land(tmp_path: Path, returns: tuple[Path, Path], suffix: str) -> None:
    register = tmp_path / f"register{suffix}"
    first = run_cli("comments", str(returns[0]), "--project", str(tmp_path), "--register", str(register))
    assert first.returncode == 0, first.stderr
    for _ in range(2):  # the issue lost one run's rows in 3 tries of 5 without a lock
        runs = [_start(register, returned) for returned in returns]
        for run in runs:
            out, err = run.communicate(timeout=120)
            assert run.returncode == 0, err
        rows = read_register(register)
        assert len(rows) == 5 and len({row.id for row in rows}) == 5
        assert {row.remark for row in rows} == {"Labour one", "Labour two", "Labour three", "Interior one",
                                                "Interior two"}


def test_an_office_lock_means_exit_2_naming_who_has_it_open(tmp_path: Path, returns: tuple[Path, Path]) -> None:
    register = tmp_path / "register.xlsx"
    assert run_cli("comments", str(returns[0]), "--project", str(tmp_path), "--register",
                   str(register)).returncode == 0
    before = register.read_bytes()
    (tmp_path / ".~lock.register.xlsx#").write_text(",Jana Novak,office-7,02.12.2026 09:12,file:///x;")
    refused = run_cli("comments", str(returns[1]), "--project", str(tmp_path), "--register", str(register),
                      "--format", "json")
    assert refused.returncode == 2 and register.read_bytes() == before
    error = json.loads(refused.stdout)["error"]
    assert "Jana Novak" in error["message"] and "register.xlsx" in error["message"] and "--force" in error["hint"]
    text = run_cli("comments", str(returns[1]), "--project", str(tmp_path), "--register", str(register))
    assert text.returncode == 2 and "Jana Novak" in text.stderr and "Traceback" not in text.stderr
    forced = run_cli("comments", str(returns[1]), "--project", str(tmp_path), "--register", str(register),
                     "--force", "--format", "json")
    assert forced.returncode == 0, forced.stderr
    report = json.loads(forced.stdout)["register"]
    assert report["added"] == 2 and report["backup"] and Path(report["backup"]).read_bytes() == before
    assert Path(report["backup"]).parent == tmp_path / BACKUP_DIR


@pytest.mark.parametrize(("name", "content", "phrase"), [
    ("register.csv", "Key;Disposition\r\nC-1;accepted\r\n".encode("utf-8-sig"), "no 'ID' column"),
    ("register.csv", "ID;Disposition\r\nC-1;accepté\r\n".encode("cp1252"), "Windows-1252"),
    ("register.json", b'{"rows": "none"}', "wrong shape"),
    ("register.xlsx", b"PK\x03\x04 not really a workbook", "cannot be read"),
])
def test_a_register_of_the_wrong_shape_is_refused_untouched(tmp_path: Path, returns: tuple[Path, Path],
                                                            name: str, content: bytes, phrase: str) -> None:
    register = tmp_path / name
    register.write_bytes(content)
    result = run_cli("comments", str(returns[0]), "--project", str(tmp_path), "--register", str(register),
                     "--format", "json")
    assert result.returncode == 2, result.stderr
    error = json.loads(result.stdout)["error"]
    assert phrase in error["message"] and name in error["message"] and error["hint"]
    assert register.read_bytes() == content and not (tmp_path / BACKUP_DIR).exists()
