"""One error vocabulary: findings with a source location, and the exceptions that carry them to the CLI."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from strategy_builder.records import ValueRecord


class Severity(str, enum.Enum):
    """How serious a finding is; errors stop a build, warnings do not (unless ``--strict``)."""

    ERROR = "error"
    WARNING = "warning"


class ExitCode(enum.IntEnum):
    """Process exit codes, documented in docs/cli.md."""

    OK = 0
    INPUT_PROBLEMS = 1
    USAGE_OR_ENVIRONMENT = 2


class Location(NamedTuple):
    """Where a finding was made: a file, a 1-based line and column, and a field path inside the file.

    ``line`` and ``column`` are ``None`` when the problem concerns the file as a whole (for example a
    missing file); ``field_path`` is ``""`` when it concerns no particular field.
    """

    file: str
    line: int | None = None
    column: int | None = None
    field_path: str = ""

    def render(self) -> str:
        """``file:line:column`` as editors and terminals understand it."""
        text = self.file
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


class Finding(NamedTuple):
    """One problem found in the inputs, created where it was found and rendered in one place."""

    location: Location
    code: str
    message: str
    severity: Severity = Severity.ERROR
    hint: str | None = None

    def as_error(self) -> Finding:
        """The same finding promoted to an error (``--strict``)."""
        if self.severity is Severity.ERROR:
            return self
        return Finding(self.location, self.code, self.message, Severity.ERROR, self.hint)

    def to_json(self) -> dict[str, object]:
        """The stable machine-readable form used by ``--format json``."""
        return {
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "field": self.location.field_path,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
        }


class Findings(ValueRecord):
    """An ordered collection of findings with the questions the CLI asks of it."""

    __slots__ = ("items",)

    items: list[Finding]

    def __init__(self, items: list[Finding] | None = None) -> None:
        self.items = [] if items is None else items

    def add(self, finding: Finding) -> None:
        self.items.append(finding)

    def extend(self, findings: list[Finding] | Findings) -> None:
        self.items.extend(findings.items if isinstance(findings, Findings) else findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.items if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.items if f.severity is Severity.WARNING]

    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.items)

    def strict(self) -> Findings:
        """Every warning promoted to an error."""
        return Findings([f.as_error() for f in self.items])

    def sorted(self) -> list[Finding]:
        """Findings in file order, so that a reader can fix them top to bottom."""
        return sorted(
            self.items,
            key=lambda f: (f.location.file, f.location.line or 0, f.location.column or 0, f.code),
        )

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.items)


class StrategyBuilderError(Exception):
    """Base of every error the CLI turns into a message and an exit code instead of a traceback."""

    exit_code: ExitCode = ExitCode.USAGE_OR_ENVIRONMENT

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InputProblems(StrategyBuilderError):
    """The inputs have errors; carries every finding so that all of them are reported at once."""

    exit_code = ExitCode.INPUT_PROBLEMS

    def __init__(self, findings: Findings) -> None:
        super().__init__(f"{len(findings.errors)} error(s) in the inputs")
        self.findings = findings


class EnvironmentProblem(StrategyBuilderError):
    """A problem outside the inputs: a missing directory, a busy lock, a tool that is not installed."""


class UntrustedDocumentError(StrategyBuilderError):
    """A .docx file that cannot be read safely (too large, not a zip, hostile XML, missing parts)."""

    exit_code = ExitCode.INPUT_PROBLEMS

    def __init__(self, path: Path | str, reason: str, *, hint: str | None = None) -> None:
        super().__init__(f"{path}: {reason}", hint=hint)
        self.path = str(path)
        self.reason = reason


class TemplateProblem(StrategyBuilderError):
    """The Word template cannot be used: Jinja syntax errors, undefined variables, broken XML."""

    exit_code = ExitCode.INPUT_PROBLEMS

    def __init__(self, findings: Findings) -> None:
        super().__init__(f"{len(findings.errors)} problem(s) in the template")
        self.findings = findings
