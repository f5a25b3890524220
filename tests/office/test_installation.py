"""Finding LibreOffice, checking its version and the fonts it renders Word's fonts with (office/installation.py).
These tests need no LibreOffice: a missing one and an old one are played with ``STRATEGY_BUILDER_SOFFICE``."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from strategy_builder.errors import EnvironmentProblem
from strategy_builder.office.installation import (
    INSTALL_HINT, SOFFICE_VARIABLE, find_libreoffice, font_problems, require_libreoffice,
)


def test_without_libreoffice_the_error_names_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(SOFFICE_VARIABLE, str(tmp_path / "no-such" / "soffice"))
    assert find_libreoffice() is None
    with pytest.raises(EnvironmentProblem) as missing:
        require_libreoffice("build --pdf")
    assert missing.value.exit_code == 2
    assert "libreoffice-writer-nogui" in (missing.value.hint or "")


def test_a_libreoffice_older_than_7_4_is_refused_naming_its_version(monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: Path) -> None:
    program = tmp_path / "old" / "soffice"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\necho 'LibreOffice 7.3.7.2 30(Build:2)'\n", encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv(SOFFICE_VARIABLE, str(program))
    office = find_libreoffice()
    assert office is not None and office.version == "7.3.7.2" and office.label == "LibreOffice 7.3.7.2"
    assert office.executable == program.resolve() and not office.direct  # no soffice.bin beside it
    with pytest.raises(EnvironmentProblem, match="7.4 or newer; LibreOffice 7.3.7.2 is installed") as old:
        require_libreoffice("build --pdf")
    assert old.value.hint == INSTALL_HINT


def test_fonts_with_other_metrics_than_words_are_named_with_the_package_to_install() -> None:
    problems = font_problems({"Calibri": "DejaVu Sans", "Cambria": "Caladea", "Arial": "Liberation Sans",
                              "Georgia": "DejaVu Serif", "Times New Roman": ""})
    assert len(problems) == 2
    assert "Calibri is rendered with DejaVu Sans" in problems[0] and "fonts-crosextra-carlito" in problems[0]
    assert "Georgia is rendered with DejaVu Serif" in problems[1] and "install" not in problems[1]
