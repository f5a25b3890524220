"""``diff --redline`` with ``--author`` and ``--date`` (docs/cli.md, docs/diff.md "Redlines"): every tracked
change of the redline carries that author and that date, and nothing else."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from conftest import run_in_process
from fixtures.diff.docs import make_docx


def test_author_and_date_of_every_change_are_the_ones_asked_for(tmp_path: Path) -> None:
    old, new, out = tmp_path / "old.docx", tmp_path / "new.docx", tmp_path / "redline.docx"
    make_docx(["The committee met in Chisinau.", "A paragraph that goes."], old)
    make_docx(["The joint committee met in Tbilisi.", ("table", [["a", "new table"]])], new)
    result = run_in_process("diff", str(old), str(new), "--redline", str(out), "--author", "Ministry of Labour",
                            "--date", "2011-01-31", "--project", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    with zipfile.ZipFile(out) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    authors = set(re.findall(r'w:author="([^"]*)"', body))
    dates = set(re.findall(r'w:date="([^"]*)"', body))
    assert authors == {"Ministry of Labour"} and dates == {"2011-01-31T00:00:00Z"}
    assert body.count("<w:ins ") >= 2 and "<w:del " in body
