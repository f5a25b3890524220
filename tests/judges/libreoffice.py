"""LibreOffice as an independent judge of .docx files: accept or reject every tracked change, then read
the text back, with none of strategy-builder's own OOXML code involved.

A headless ``soffice`` with a profile of its own runs the StarBasic macro in ``judge.bas`` (no Python-UNO
bridge needed: ``libreoffice-writer-nogui`` alone runs Basic). One ``soffice`` start handles a whole batch
of documents, so callers should hand over every document they need at once::

    judge = LibreOfficeJudge(soffice, tmp_path)
    accepted, rejected, new, old = judge.run([Job(redline, ["ACCEPT"]), Job(redline, ["REJECT"]),
                                              Job(new_docx), Job(old_docx)])
    assert accepted.lines() == new.lines() and rejected.lines() == old.lines()

A :class:`Job` opens one document, applies its steps in order (``ACCEPT``, ``REJECT``, or edits recorded
as tracked changes: see :meth:`Job.edits`) and returns a :class:`Reading`: the text of every paragraph of
every story LibreOffice shows (body and table cells in document order, footnotes, endnotes, headers and
footers of the page styles in use, text frames), the comments, and the tracked changes LibreOffice still
holds. With ``save_as`` the resulting document is also written as .docx by LibreOffice's Word filter.

The fixture ``libreoffice_judge`` (tests/conftest.py) gives one judge per test session (its profile is
set up once); it skips without LibreOffice on a laptop and fails under CI.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

_MACRO = Path(__file__).with_name("judge.bas")
_IMPORT_FILTERS = {".docx": "MS Word 2007 XML", ".odt": "writer8", ".doc": "MS Word 97"}
_LIBRARY = "Judge"

_SCRIPT_XLC = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:libraries PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "libraries.dtd">
<library:libraries xmlns:library="http://openoffice.org/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink">
 <library:library library:name="Standard" library:link="false"/>
 <library:library library:name="Judge" xlink:href="$(USER)/basic/Judge/script.xlb/" xlink:type="simple"
   library:link="false"/>
</library:libraries>
"""
_DIALOG_XLC = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:libraries PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "libraries.dtd">
<library:libraries xmlns:library="http://openoffice.org/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink">
 <library:library library:name="Standard" library:link="false"/>
</library:libraries>
"""
_SCRIPT_XLB = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="{name}" library:readonly="false"
  library:passwordprotected="false">
{elements}</library:library>
"""
_MODULE_XBA = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="{name}" script:language="StarBasic">
{code}
</script:module>
"""
# Marks the profile as set up: without it, the first start replaces user/basic with the defaults.
_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/Office"><prop oor:name="ooSetupInstCompleted" oor:op="fuse"><value>true</value>
</prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value>
</prop></item>
</oor:items>
"""


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _unescape(text: str) -> str:
    out, index = [], 0
    while index < len(text):
        character = text[index]
        if character == "\\" and index + 1 < len(text):
            following = text[index + 1]
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}.get(following, "\\" + following))
            index += 2
        else:
            out.append(character)
            index += 1
    return "".join(out)


@dataclass(frozen=True)
class Job:
    """Open ``source``, apply ``steps`` (each a tuple of the macro's fields, or ``"ACCEPT"``/``"REJECT"``),
    read it back; with ``save_as``, also save the result as .docx."""

    source: Path
    steps: Sequence[str | tuple[str, ...]] = ()
    save_as: Path | None = None

    @staticmethod
    def edits(author: str, *steps: tuple[str, ...]) -> list[tuple[str, ...]]:
        """Steps that record ``steps`` as tracked changes (and comments) by ``author``, as a reviewer in
        LibreOffice makes them: ``("INSERT", anchor, text)``, ``("DELETE", anchor)``, ``("REPLACE", anchor,
        text)``, ``("PARAGRAPH", anchor, text)`` (a new paragraph after the one holding ``anchor``),
        ``("COMMENT", anchor, text, initials)``. An anchor is the first occurrence of its text."""
        return [("AUTHOR", author), ("RECORD", "1"), *steps, ("RECORD", "0")]


@dataclass
class Reading:
    """What LibreOffice read: ``(story, text)`` per paragraph, in order; comments; remaining changes."""

    paragraphs: list[tuple[str, str]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    redlines: list[tuple[str, str]] = field(default_factory=list)
    """``(type, author)`` of every tracked change LibreOffice holds (``Insert``, ``Delete``, ``Format``, ...)."""
    errors: list[str] = field(default_factory=list)

    def texts(self, story: str = "body") -> list[str]:
        """Paragraph texts of one story (``body`` includes table cells), in document order."""
        return [text for kind, text in self.paragraphs if kind == story]

    def lines(self, story: str = "body") -> list[str]:
        """The non-empty paragraph texts of one story, stripped: what a reader compares.

        Empty paragraphs are left out because LibreOffice cannot insert or delete the paragraph mark just
        before a table (it keeps an empty paragraph there), which is not a difference of text."""
        return [text.strip() for text in self.texts(story) if text.strip()]

    def stories(self) -> set[str]:
        return {kind for kind, _ in self.paragraphs}


class LibreOfficeJudge:
    """A headless LibreOffice with the judge macro installed in a profile of its own under ``workdir``."""

    def __init__(self, soffice: str, workdir: Path) -> None:
        self.soffice = soffice
        self.workdir = workdir
        self.profile = workdir / "profile"
        self._runs = 0
        self._install()

    def _install(self) -> None:
        basic = self.profile / "user" / "basic"
        if basic.exists():
            shutil.rmtree(self.profile)
        (basic / "Standard").mkdir(parents=True)
        (basic / _LIBRARY).mkdir()
        (basic / "script.xlc").write_text(_SCRIPT_XLC, encoding="utf-8")
        (basic / "dialog.xlc").write_text(_DIALOG_XLC, encoding="utf-8")
        for library, modules in (("Standard", {"Module1": "Sub Main\nEnd Sub"}),
                                 (_LIBRARY, {"Main": _MACRO.read_text(encoding="utf-8")})):
            elements = "".join(f' <library:element library:name="{name}"/>\n' for name in modules)
            (basic / library / "script.xlb").write_text(_SCRIPT_XLB.format(name=library, elements=elements),
                                                        encoding="utf-8")
            for name, code in modules.items():
                (basic / library / f"{name}.xba").write_text(_MODULE_XBA.format(name=name, code=escape(code)),
                                                             encoding="utf-8")
        (self.profile / "user" / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")

    def run(self, jobs: Sequence[Job]) -> list[Reading]:
        """Every job in one LibreOffice start; one :class:`Reading` per job, in order."""
        self._runs += 1
        folder = self.workdir / f"run-{self._runs}"
        folder.mkdir()
        lines, outputs = [], []
        for index, job in enumerate(jobs):
            output = folder / f"{index}.txt"
            outputs.append(output)
            save_as = job.save_as.resolve().as_uri() if job.save_as is not None else ""
            filter_name = _IMPORT_FILTERS.get(job.source.suffix.lower(), "MS Word 2007 XML")
            lines.append("\t".join(("DOC", job.source.resolve().as_uri(), filter_name, output.as_uri(), save_as,
                                     (folder / f"{index}-work").as_uri())))
            for step in job.steps:
                fields = (step,) if isinstance(step, str) else step
                lines.append("\t".join(_escape(str(f)) for f in fields))
            lines.append("END")
        job_file = folder / "jobs.txt"
        job_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        command = [self.soffice, f"-env:UserInstallation={self.profile.as_uri()}", "--headless", "--norestore",
                   "--nologo", "--nodefault", f'macro:///{_LIBRARY}.Main.Run("{job_file}")']
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   start_new_session=True)
        try:
            stdout, stderr = process.communicate(timeout=120 + 30 * len(jobs))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # soffice.bin too, which oosplash started
            stdout, stderr = process.communicate()
            raise AssertionError(f"LibreOffice did not finish the jobs of {job_file}: {stdout} {stderr}") from None
        readings = []
        for job, output in zip(jobs, outputs, strict=True):
            if not output.is_file():
                raise AssertionError(f"LibreOffice wrote nothing for {job.source} (exit {process.returncode}): "
                                     f"{stdout} {stderr}")
            readings.append(_parse(output.read_text(encoding="utf-8")))
            if job.save_as is not None and not job.save_as.is_file():
                raise AssertionError(f"LibreOffice did not save {job.save_as}: {readings[-1].errors}")
        return readings


def _parse(text: str) -> Reading:
    reading = Reading()
    for line in text.split("\n"):
        if not line:
            continue
        story, _, value = line.partition("\t")
        value = _unescape(value)
        if story == "comment":
            reading.comments.append(value)
        elif story == "redline":
            kind, _, author = value.partition("|")
            reading.redlines.append((kind, author))
        elif story == "error":
            reading.errors.append(value)
        else:
            reading.paragraphs.append((story, value))
    return reading


__all__ = ["Job", "LibreOfficeJudge", "Reading"]
