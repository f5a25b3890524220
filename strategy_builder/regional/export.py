"""Write the matrix in one of its views to a file or return it as text (the library side of ``matrix``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from strategy_builder.layout import write_output
from strategy_builder.errors import EnvironmentProblem
from strategy_builder.regional.matrix import RegionalMatrix

MatrixFormat = Literal["xlsx", "html", "json", "markdown"]
FORMATS: tuple[MatrixFormat, ...] = ("markdown", "json", "html", "xlsx")
SUFFIXES: dict[str, MatrixFormat] = {".xlsx": "xlsx", ".html": "html", ".htm": "html", ".json": "json",
                                     ".md": "markdown", ".markdown": "markdown"}


def render_matrix(matrix: RegionalMatrix, output_format: MatrixFormat) -> bytes:
    """The bytes of one view (text views in UTF-8). Each view's library is imported only when asked for."""
    if output_format == "xlsx":
        from strategy_builder.regional.views.as_xlsx import matrix_xlsx
        return matrix_xlsx(matrix)
    if output_format == "html":
        from strategy_builder.regional.views.as_html import matrix_html
        return matrix_html(matrix).encode("utf-8")
    if output_format == "json":
        from strategy_builder.regional.views.as_json import matrix_json
        return matrix_json(matrix)
    from strategy_builder.regional.views.as_markdown import matrix_markdown
    return matrix_markdown(matrix).encode("utf-8")


def format_for(out: Path | None, requested: MatrixFormat | None) -> MatrixFormat:
    """The format asked for, else the one ``out``'s suffix names, else Markdown."""
    if requested is not None:
        return requested
    if out is not None and out.suffix.lower() in SUFFIXES:
        return SUFFIXES[out.suffix.lower()]
    if out is not None:
        raise EnvironmentProblem(f"cannot tell the format from the file name {out.name}",
                                 hint="end it in .xlsx, .html, .json or .md, or pass --format")
    return "markdown"


def write_matrix(matrix: RegionalMatrix, output_format: MatrixFormat, out: Path) -> None:
    """Write one view to ``out`` atomically (a reader sees the old file or the new one, never a part); refused
    inside a published folder or ``inputs/`` (:func:`~strategy_builder.layout.write_output`)."""
    data = render_matrix(matrix, output_format)
    try:
        write_output(out, data, "the matrix")
    except OSError as error:
        raise EnvironmentProblem(f"cannot write {out}: {error.strerror or error}",
                                 hint="check that the folder exists and is writable, and that the disk has room"
                                 ) from error
