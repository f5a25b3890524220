"""The LibreOffice of this machine: found (``STRATEGY_BUILDER_SOFFICE`` or ``soffice`` on ``PATH``), its version
checked, and the fonts it will render Word's fonts with.

* :func:`find_libreoffice` returns ``None`` when LibreOffice is not installed; :func:`require_libreoffice`
  raises instead (an :class:`EnvironmentProblem`, exit 2, naming the package to install).
  ``STRATEGY_BUILDER_SOFFICE`` names the ``soffice`` to use (a path that does not exist means "no
  LibreOffice", which is how the tests play a machine without it).
* :func:`font_substitutes` asks fontconfig which font renders each family, and :func:`font_problems` says
  which of them have other metrics than Word's (lines, and so pages, would break elsewhere).

Converting documents with it: :mod:`strategy_builder.office.conversion`.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from strategy_builder.errors import EnvironmentProblem
from strategy_builder.office.processes import office_environment

SOFFICE_VARIABLE = "STRATEGY_BUILDER_SOFFICE"
"""Environment variable naming the ``soffice`` to use instead of the one on ``PATH``."""

INSTALL_HINT = ("install LibreOffice Writer and the metric-compatible fonts, e.g. on Debian or Ubuntu: "
                "apt-get install --no-install-recommends libreoffice-writer-nogui fonts-crosextra-carlito "
                "fonts-liberation2 fonts-crosextra-caladea")
"""What to install, said by every error and warning about a missing LibreOffice."""

MINIMUM_VERSION = (7, 4)
"""PDF export options are passed as JSON on the command line, which LibreOffice understands since 7.4."""

METRIC_COMPATIBLE: dict[str, tuple[str, ...]] = {
    "Calibri": ("Calibri", "Carlito"),
    "Cambria": ("Cambria", "Caladea"),
    "Arial": ("Arial", "Liberation Sans"),
    "Times New Roman": ("Times New Roman", "Liberation Serif"),
    "Courier New": ("Courier New", "Liberation Mono"),
}
"""Word's fonts and the free fonts with the same metrics: with one of them a line breaks where Word breaks it."""

FONT_PACKAGES = {"Calibri": "fonts-crosextra-carlito", "Cambria": "fonts-crosextra-caladea",
                 "Arial": "fonts-liberation2", "Times New Roman": "fonts-liberation2",
                 "Courier New": "fonts-liberation2"}


class LibreOffice(NamedTuple):
    """An installed LibreOffice: what to run and which version it is."""

    executable: Path
    """The program started for each conversion: the office binary itself where it can be found."""
    version: str
    """``7.4.7.2``; ``""`` when it could not be read."""
    direct: bool = False
    """``executable`` is ``soffice.bin`` (started without the launcher script, so that it can be given a
    parent-death signal and its fresh-profile restart is handled here)."""

    @property
    def label(self) -> str:
        """``LibreOffice 7.4.7.2``: how manifests and messages name it."""
        return f"LibreOffice {self.version}".strip()

    def version_tuple(self) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", self.version)[:4])


_FOUND: dict[tuple[str, float], LibreOffice] = {}


def find_libreoffice() -> LibreOffice | None:
    """The LibreOffice to use (``STRATEGY_BUILDER_SOFFICE`` or ``soffice`` on ``PATH``), or ``None``."""
    configured = os.environ.get(SOFFICE_VARIABLE)
    if configured is not None:
        candidate = shutil.which(configured) if configured else None
    else:
        candidate = shutil.which("soffice") or shutil.which("libreoffice")
    if candidate is None:
        return None
    program = Path(candidate).resolve()
    try:
        key = (str(program), program.stat().st_mtime)
    except OSError:
        return None
    if key in _FOUND:
        return _FOUND[key]
    binary = program.with_name("soffice.bin")
    direct = sys.platform.startswith("linux") and binary.is_file() and os.access(binary, os.X_OK)
    executable = binary if direct else program
    version = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        printed = subprocess.run([str(executable), "--version"], capture_output=True, text=True, timeout=60,
                                 env=office_environment(direct)).stdout
        match = re.search(r"LibreOffice\s+([0-9][0-9.]*)", printed)
        version = match.group(1) if match else ""
    office = LibreOffice(executable, version, direct)
    _FOUND[key] = office
    return office


def require_libreoffice(purpose: str) -> LibreOffice:
    """The LibreOffice to use for ``purpose``; raises :class:`EnvironmentProblem` (exit 2) when it is
    missing or older than 7.4, with the package to install."""
    office = find_libreoffice()
    if office is None:
        raise EnvironmentProblem(f"{purpose} needs LibreOffice, which is not installed (no 'soffice' on PATH)",
                                 hint=INSTALL_HINT)
    if office.version and office.version_tuple()[:2] < MINIMUM_VERSION:
        raise EnvironmentProblem(f"{purpose} needs LibreOffice 7.4 or newer; {office.label} is installed",
                                 hint=INSTALL_HINT)
    return office


def font_substitutes(families: Iterable[str]) -> dict[str, str]:
    """Font family -> the family this machine renders it with (fontconfig's choice, as LibreOffice's).

    An empty value means fontconfig could not be asked (``fc-match`` missing).
    """
    result: dict[str, str] = {}
    fc_match = shutil.which("fc-match")
    for family in sorted(set(families)):
        if fc_match is None:
            result[family] = ""
            continue
        try:
            printed = subprocess.run([fc_match, "-f", "%{family[0]}", family], capture_output=True, text=True,
                                     timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            printed = ""
        result[family] = printed
    return result


def font_problems(substitutes: dict[str, str]) -> list[str]:
    """Messages for fonts rendered with a font whose metrics differ (lines would break elsewhere than in Word)."""
    problems = []
    for family, used in sorted(substitutes.items()):
        compatible = METRIC_COMPATIBLE.get(family, (family,))
        if used and used not in compatible:
            package = FONT_PACKAGES.get(family)
            problems.append(f"the font {family} is rendered with {used}, whose metrics differ, so page numbers "
                            f"may not match Word's" + (f" (install {package})" if package else ""))
    return problems


__all__ = ["FONT_PACKAGES", "INSTALL_HINT", "LibreOffice", "METRIC_COMPATIBLE", "MINIMUM_VERSION", "SOFFICE_VARIABLE",
           "find_libreoffice", "font_problems", "font_substitutes", "require_libreoffice"]
