"""resources/: the template and the sample shipped inside the package are the repository's own files."""

from __future__ import annotations

from conftest import REPO
from strategy_builder.resources import DEFAULT_TEMPLATE, packaged_sample, packaged_template


def test_the_package_ships_the_template_and_sample_of_the_repository() -> None:
    assert packaged_template().read_bytes() == (REPO / "templates/strategy.docx").read_bytes()
    assert (packaged_sample() / "strategy.yaml").read_bytes() == (REPO / "inputs/strategy.yaml").read_bytes()
    assert DEFAULT_TEMPLATE == "templates/strategy.docx"
