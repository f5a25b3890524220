"""Files shipped inside the package, so that a pip-installed strategy-builder needs no repository checkout.

In the repository, ``strategy.docx`` and ``sample/`` are symbolic links to ``templates/strategy.docx`` (written
by ``templates/make_template.py``) and to the sample's ``inputs/``: one source for each, copied as real files
into a wheel or an sdist when the package is built.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DEFAULT_TEMPLATE = "templates/strategy.docx"
"""Where a project keeps its template unless ``build.template`` says otherwise."""


def _resource(name: str) -> Path:
    return Path(str(resources.files(__name__) / name))


def packaged_template() -> Path:
    """The default Word template shipped with strategy-builder."""
    return _resource("strategy.docx")


def packaged_sample() -> Path:
    """The illustrative sample's ``inputs/`` folder (``strategy.yaml`` and ``partners/*.yaml``)."""
    return _resource("sample")
