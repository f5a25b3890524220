"""The overview's two figures, drawn with matplotlib from the computed matrix, as PNG and SVG.

matplotlib is imported here and only here, when a figure is drawn: ``strategy-builder --help``, ``build`` and
``matrix`` never pay for it. Why matplotlib, and how the files are kept byte-identical, is in
docs/overview.md ("Figures"): the bundled DejaVu Sans font only, no dates or software versions in the files,
a fixed SVG id salt, fixed sizes and resolution, and hatching so that the figures read without colour.
"""

from __future__ import annotations

import io
from typing import Any, NamedTuple

from strategy_builder.regional.labels import AREA_SHORT, GAP
from strategy_builder.regional.matrix import LIVE_STATUSES, RegionalMatrix

DPI = 200
"""Resolution of the PNG files (the document shows them 16 cm wide: about 300 dpi on paper)."""

# Five colours that stay apart in greyscale, each with a hatch, so that areas are told apart without colour.
AREA_STYLE: dict[str, tuple[str, str]] = {
    "illegal_migration": ("#1F3864", ""),
    "readmission_return": ("#6F8FC7", "///"),
    "legal_migration": ("#C9D5EA", "..."),
    "integration": ("#8A5A00", "\\\\\\"),
    "migration_development": ("#E6B54A", "xx"),
}

_RC: dict[str, Any] = {
    "font.family": ["DejaVu Sans"],  # shipped inside matplotlib: the same glyphs on every machine
    "font.size": 8,
    "svg.hashsalt": "strategy-builder",  # fixed ids inside the SVG
    "svg.fonttype": "path",  # text as outlines: no font needed to view it
    "path.simplify": True,
    "hatch.linewidth": 0.6,
    "axes.edgecolor": "#595959",
    "axes.labelcolor": "#1A1A1A",
    "xtick.color": "#1A1A1A",
    "ytick.color": "#1A1A1A",
}
_PNG_METADATA = {"Software": None}
_SVG_METADATA = {"Date": None, "Creator": "strategy-builder"}


class Figure(NamedTuple):
    """One figure in both formats, with its caption and alternative text."""

    name: str
    """File stem beside the document (``partners-areas``)."""
    caption: str
    alt_text: str
    png: bytes
    svg: bytes


def _save(figure: Any) -> tuple[bytes, bytes]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    png, svg = io.BytesIO(), io.BytesIO()
    figure.savefig(png, format="png", dpi=DPI, metadata=_PNG_METADATA)
    figure.savefig(svg, format="svg", metadata=_SVG_METADATA)
    return png.getvalue(), svg.getvalue()


def partners_areas_figure(matrix: RegionalMatrix) -> Figure:
    """A grid of partners × areas: the live priorities in each cell, darker for more, gaps hatched and named."""
    import matplotlib
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.patches import Rectangle

    partners = matrix.partners
    areas = matrix.areas
    live = [[sum(matrix.cell(p.code, a.key).counts[s] for s in LIVE_STATUSES) for a in areas] for p in partners]
    highest = max((n for row in live for n in row), default=0) or 1
    rows = max(len(partners), 1)
    height = min(1.0 + 0.28 * rows, 9.0)
    label_size = 8 if rows <= 30 else max(2.0, 8 * 30 / rows)
    with matplotlib.rc_context(_RC):  # type: ignore[arg-type]
        figure = MplFigure(figsize=(6.3, height))
        bottom, top = 0.3 / height, 0.55 / height  # inches kept for the note below and the area titles above
        axes = figure.add_axes((0.2, bottom, 0.78, 1 - bottom - top))
        colours = matplotlib.colormaps["Blues"]
        for y, row in enumerate(live):
            for x, value in enumerate(row):
                gap = matrix.cell(partners[y].code, areas[x].key).gap
                shade = "#FFFFFF" if gap else colours(0.2 + 0.7 * value / highest)
                axes.add_patch(Rectangle((x, y), 1, 1, facecolor=shade, edgecolor="#FFFFFF" if not gap else "#A6A6A6",
                                         hatch="////" if gap else None, linewidth=0.8))
                if rows <= 60:
                    text = GAP if gap else str(value)
                    dark = not gap and value / highest > 0.55
                    axes.text(x + 0.5, y + 0.5, text, ha="center", va="center", fontsize=label_size,
                              color="#FFFFFF" if dark else "#1A1A1A", fontweight="bold" if not gap else "normal",
                              bbox={"facecolor": "#FFFFFF", "edgecolor": "none", "pad": 0.6} if gap else None)
        axes.set_xlim(0, len(areas))
        axes.set_ylim(rows, 0)
        axes.set_xticks([x + 0.5 for x in range(len(areas))],
                        [f"{a.chapter} {AREA_SHORT[a.key]}".replace(" and ", "\nand ") for a in areas])
        axes.set_yticks([y + 0.5 for y in range(len(partners))], [f"{p.name} ({p.code})" for p in partners],
                        fontsize=label_size)
        axes.tick_params(length=0)
        axes.xaxis.tick_top()
        for spine in axes.spines.values():
            spine.set_visible(False)
        figure.text(0.2, 0.08 / height,
                    "Number: live priorities (agreed, proposed or bracketed). Hatched: gap, no live priority.",
                    fontsize=7, color="#595959")
        png, svg = _save(figure)
    gaps = matrix.totals["gaps"]
    return Figure("partners-areas", "Live priorities of each partner in each area of the Joint Declaration",
                  f"A grid of {len(partners)} partners by the five areas giving the number of live priorities in "
                  f"each; {gaps} cells are gaps without a live priority.", png, svg)


def timeline_figure(matrix: RegionalMatrix) -> Figure:
    """Stacked bars per quarter: the live actions touching it, by area, with the total above each bar."""
    import matplotlib
    from matplotlib.figure import Figure as MplFigure

    quarters = [q.quarter for q in matrix.quarter_totals]
    with matplotlib.rc_context(_RC):  # type: ignore[arg-type]
        figure = MplFigure(figsize=(6.3, 3.6))
        axes = figure.add_axes((0.08, 0.25, 0.9, 0.68))
        bottoms = [0] * len(quarters)
        positions = list(range(len(quarters)))
        for area in matrix.areas:
            values = [q.by_area[area.key] for q in matrix.quarter_totals]
            colour, hatch = AREA_STYLE.get(area.key, ("#808080", ""))
            axes.bar(positions, values, bottom=bottoms, width=0.7, color=colour, hatch=hatch or None,
                     edgecolor="#FFFFFF" if not hatch else "#1A1A1A", linewidth=0.4,
                     label=f"{area.chapter} {AREA_SHORT[area.key]}")
            bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
        top = max((q.actions for q in matrix.quarter_totals), default=0) or 1
        for x, quarter in zip(positions, matrix.quarter_totals, strict=True):
            axes.text(x, quarter.actions + top * 0.02, str(quarter.actions), ha="center", va="bottom", fontsize=7)
        axes.set_ylim(0, top * 1.15)
        axes.set_xticks(positions, [q.replace("-", "\n") for q in quarters],
                        fontsize=7 if len(quarters) <= 16 else 5)
        axes.set_ylabel("Live actions in the quarter")
        axes.spines[["top", "right"]].set_visible(False)
        axes.yaxis.grid(True, color="#D9D9D9", linewidth=0.5)
        axes.set_axisbelow(True)
        figure.legend(loc="lower center", ncols=3, frameon=False, fontsize=7, bbox_to_anchor=(0.5, 0.0))
        png, svg = _save(figure)
    busiest = max(matrix.quarter_totals, key=lambda q: q.actions, default=None)
    summary = f"; the busiest quarter is {busiest.quarter} with {busiest.actions}" if busiest else ""
    return Figure("timeline", "Live actions by quarter and area, all partners",
                  f"Stacked bars of live actions per quarter from {quarters[0] if quarters else '-'} to "
                  f"{quarters[-1] if quarters else '-'}, by area{summary}.", png, svg)


def overview_figures(matrix: RegionalMatrix) -> tuple[Figure, Figure]:
    """Both figures of the overview, in the order the document shows them."""
    return partners_areas_figure(matrix), timeline_figure(matrix)
