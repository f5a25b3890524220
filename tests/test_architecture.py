"""The package-level import graph of strategy_builder: acyclic, and every arrow points down the layers
drawn in docs/architecture.md.

A *node* is a top-level package (``ooxml``) or module (``errors``) of strategy_builder; the package root
(``strategy_builder/__init__.py``, the public API) is the node ``strategy_builder``. Every import counts,
also one inside a function: a lazy import is still a dependency. To add a package, put its name in
:data:`LAYERS` at the level docs/architecture.md gives for it (and draw it there).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "strategy_builder"

LAYERS: list[tuple[str, ...]] = [
    ("__main__",),                  # python -m strategy_builder
    ("warm_start",),                # the entry point: the command in a child of the warm server, or here
    ("cli",),                       # options -> one library call -> rendering of results or findings
    ("strategy_builder",),          # the public API: strategy_builder/__init__.py (lazy)
    ("regional", "rounds"),         # the view across partners | consultation rounds: replies, status, new round
    ("drafts", "starter"),          # the build pipeline | starting a project (init)
    ("languages",),                 # language versions: translations, translated models, exchange, alignment
    ("review", "render"),           # documents read back | documents rendered from the template
    ("inputs", "ooxml", "office", "xliff"),  # YAML reading | OOXML | LibreOffice | XLIFF 2, the translators' format
    ("store",),                     # numbered folders (drafts, overviews, replies, backups): lock, staging, publication
    ("layout",),                    # the folder layout of a project, manifests, atomic writes
    ("models",),                    # pydantic models of the inputs and the manifest; section records
    ("cldr",),                      # CLDR via Babel, its answers remembered (written by files' one writer)
    ("files", "limits"),            # bounded reads, atomic replacement, OS errors as messages | every limit
    ("errors", "resources", "markup"),  # findings and exceptions | files shipped in the package |
                                        # console markup printed without rich
    ("digits", "records"),          # whole numbers written as text (ASCII digits only) | bases of mutable records
]
"""Top to bottom. A node may import nodes on lower levels only; nodes on one level do not import each other."""

ALWAYS_ALLOWED = {("strategy_builder", "__version__")}
"""Names any module may import from the package root (it imports nothing when they are read)."""


def _node(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    if relative.parts == ("__init__.py",):
        return "strategy_builder"
    return relative.parts[0].removesuffix(".py")


def _imports(path: Path) -> list[tuple[str, str, int]]:
    """(target node, imported name, line) of every import of a strategy_builder module in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(("strategy_builder", *path.relative_to(PACKAGE).parts[:-1]))
    found: list[tuple[str, str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [(alias.name, "") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            modules = [(base, alias.name) for alias in node.names]
        else:
            continue
        for module, name in modules:
            parts = module.split(".")
            if parts[0] != "strategy_builder":
                continue
            if len(parts) == 1:
                # 'from strategy_builder import x': x is a submodule (a node) or a name of the root.
                target = name if (PACKAGE / name).is_dir() or (PACKAGE / f"{name}.py").is_file() else "strategy_builder"
            else:
                target = parts[1]
            found.append((target, name, node.lineno))
    return found


def _graph() -> dict[str, dict[str, list[str]]]:
    """Node -> imported node -> where (``file:line``), over every module of the package."""
    graph: dict[str, dict[str, list[str]]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        source = _node(path)
        graph.setdefault(source, {})
        for target, name, line in _imports(path):
            if target == source or (target, name) in ALWAYS_ALLOWED:
                continue
            graph[source].setdefault(target, []).append(f"{path.relative_to(REPO)}:{line}")
    return graph


LEVEL = {node: index for index, level in enumerate(LAYERS) for node in level}


def test_every_package_has_a_place_in_the_layers() -> None:
    unknown = sorted(set(_graph()) - set(LEVEL))
    assert not unknown, (f"{unknown}: a new package or top-level module needs a level in LAYERS "
                         "(tests/test_architecture.py) and in docs/architecture.md")


def test_every_arrow_points_down() -> None:
    wrong = [f"{source} -> {target} ({', '.join(places[:3])})"
             for source, targets in sorted(_graph().items()) for target, places in sorted(targets.items())
             if source in LEVEL and target in LEVEL and LEVEL[target] <= LEVEL[source]]
    assert not wrong, "imports against the layers of docs/architecture.md:\n" + "\n".join(wrong)


def test_the_package_graph_is_acyclic() -> None:
    graph = {source: set(targets) for source, targets in _graph().items()}
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> None:
        if node in done:
            return
        if node in visiting:
            cycle = visiting[visiting.index(node):] + [node]
            pytest.fail("import circle between packages: " + " -> ".join(cycle))
        visiting.append(node)
        for target in sorted(graph.get(node, ())):
            visit(target)
        visiting.pop()
        done.add(node)

    for node in sorted(graph):
        visit(node)


def test_the_layers_are_drawn_in_docs_architecture() -> None:
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    for level in LAYERS:
        for node in level:
            shown = "strategy_builder/__init__.py" if node == "strategy_builder" else node
            assert shown in text, f"docs/architecture.md does not show {shown}"


def test_the_checker_sees_lazy_and_relative_imports(tmp_path: Path) -> None:
    module = PACKAGE / "drafts" / "builder.py"
    targets = {target for target, _, _ in _imports(module)}
    assert {"review", "render", "layout", "inputs", "models", "errors"} <= targets  # review: a lazy import


def test_only_the_ooxml_layer_imports_lxml() -> None:
    """Layers above ``ooxml`` get typed values from it, never XML trees (docs/architecture.md); ``xliff``, the
    reader and writer of the translators' XML format, is the one other XML package."""
    outside = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if _node(path) in ("ooxml", "xliff"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name == "lxml" or name.startswith("lxml.") for name in names):
                outside.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not outside, "lxml imported outside strategy_builder/ooxml/: " + ", ".join(outside)
