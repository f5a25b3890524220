"""The diff as data: the stable JSON schema (documented in docs/diff.md).

The payload is :meth:`~strategy_builder.review.report_view.ComparisonView.as_json` of the views every
other report draws too, so that the terminal, Markdown and HTML reports cannot disagree with each other
or with ``--format json``. Bump ``SCHEMA_VERSION`` on any incompatible change of the shape; adding
fields is compatible.
"""

from __future__ import annotations

import json
from typing import Any

from strategy_builder.review.compare import Comparison
from strategy_builder.review.report_view import SCHEMA, SCHEMA_VERSION, ComparisonView, comparison_view


def comparison_payload(comparison: Comparison | ComparisonView) -> dict[str, Any]:
    """The documented JSON form of a comparison (schema ``strategy-builder-diff``, version 2)."""
    view = comparison if isinstance(comparison, ComparisonView) else comparison_view(comparison)
    return view.as_json()


def render_json(comparison: Comparison | ComparisonView) -> str:
    """The payload as indented JSON text."""
    return json.dumps(comparison_payload(comparison), indent=2, ensure_ascii=False, default=str) + "\n"


__all__ = ["SCHEMA", "SCHEMA_VERSION", "comparison_payload", "render_json"]
