"""Synthetic partners for the benchmarks: clones of a loaded project's partners with new codes, in memory.

The one place the benchmarks build inputs past the public API (``tests/test_api.py`` lists it): there are
not 500 ISO country codes, so hundreds of partners cannot be written as partner files and loaded with
``sb.load_project``; they are made here from the models of the sample's own partners, which no user of the
library needs to build.
"""

from __future__ import annotations

import dataclasses

# The exception: the input models, to clone partners that no file describes.
from strategy_builder.models.project import Project, SourcedPartner
from strategy_builder.models.source_map import YamlDocument


def clone_partners(project: Project, count: int, *, vary_situation: bool = False) -> Project:
    """``project`` with ``count`` partners X000, X001, ..., each a clone of one of its partners in turn
    (named after it with its index; with ``vary_situation``, its situation text ends with a line of its own)."""
    partners = []
    for index in range(count):
        source = project.partners[index % len(project.partners)]
        code = f"X{index:03d}"
        update = {"code": code, "name": f"{source.model.name} {index}"}
        if vary_situation:
            update["situation"] = source.model.situation + f"\n\nGenerated variant {index}."
        model = source.model.model_copy(update=update)
        document = YamlDocument(source.document.path, f"inputs/partners/{code}.yaml", source.document.data,
                                source.document.source_map, f"{index:064x}")
        partners.append(SourcedPartner(model, document))
    return dataclasses.replace(project, partners=tuple(partners))
