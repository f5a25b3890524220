"""The layout pass (docs/build.md): a template whose styles part is broken is the template's problem,
reported with the part named and exit 1, whether or not LibreOffice is there to lay the drafts out."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from conftest import LAYOUT_ON, run_in_process


def _break_styles(template: Path) -> None:
    """An attribute without a value in word/styles.xml: what a hand-edited template can carry."""
    original = zipfile.ZipFile(io.BytesIO(template.read_bytes()))
    rewritten = io.BytesIO()
    with zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in original.infolist():
            data = original.read(member)
            if member.filename == "word/styles.xml":
                data = data.replace(b"<w:style ", b"<w:style broken ", 1)
            archive.writestr(member, data)
    template.write_bytes(rewritten.getvalue())


def test_a_template_with_broken_styles_is_a_template_problem(sample_project: Path) -> None:
    _break_styles(sample_project / "templates" / "strategy.docx")
    result = run_in_process("build", "--format", "json", "--project", str(sample_project), env=LAYOUT_ON)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert any("word/styles.xml" in (finding["field"] + finding["message"]) for finding in findings)
    assert not (sample_project / "build" / "drafts" / "001").exists()
