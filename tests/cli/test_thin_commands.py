"""Each command parses its options, calls one function of the library (``strategy_builder``) and renders
its result or its findings (docs/architecture.md, "The layers"). Read from the source of every command
module: a command function that calls two library functions, or calls into a package other than through
the library (beyond the renderers named here), does work that belongs in the library.
"""

from __future__ import annotations

import ast

from conftest import REPO

COMMAND_MODULES = sorted(path.stem for path in (REPO / "strategy_builder" / "cli").glob("*.py")
                         if path.stem not in ("__init__", "options", "output"))

RENDERERS = {
    "render_json", "render_markdown", "render_terminal",  # diff: the three views of one comparison
    "render_matrix", "write_matrix", "format_for",  # matrix: a view's bytes, to a file; the view --out names
    "alignment_html", "write_output",  # align: the HTML view, written to --out (refused in a published folder)
    "locate_project",  # an option's default: the project found upward from the current folder
}
"""Functions of the package that command functions may call besides the one library function: they turn
an option into a value, or a result into bytes for the terminal or a file."""


def _decorated_as_command(function: ast.FunctionDef) -> str | None:
    for decorator in function.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        if call is not None and isinstance(call.func, ast.Attribute) and call.func.attr in ("command", "group"):
            return call.func.attr
    return None


def _package_names(tree: ast.Module) -> set[str]:
    """Names the module imports from strategy_builder's packages (not the CLI's own, nor errors)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("strategy_builder."):
            if node.module.split(".")[1] not in ("cli", "errors"):
                names.update(alias.asname or alias.name for alias in node.names)
    return names


def test_every_command_calls_one_library_function_and_renders() -> None:
    problems = []
    for module in COMMAND_MODULES:
        tree = ast.parse((REPO / "strategy_builder" / "cli" / f"{module}.py").read_text(encoding="utf-8"))
        imported = _package_names(tree)
        for function in [node for node in tree.body if isinstance(node, ast.FunctionDef)]:
            kind = _decorated_as_command(function)
            if kind is None:
                continue
            library_calls, other_calls = set(), set()
            for node in ast.walk(function):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "library":
                    if func.attr[0].islower():  # a function, not an options class
                        library_calls.add(func.attr)
                elif isinstance(func, ast.Name) and func.id in imported and func.id not in RENDERERS \
                        and not func.id[0].isupper():
                    other_calls.add(func.id)
            where = f"strategy_builder/cli/{module}.py:{function.lineno} {function.name}"
            expected = 0 if kind == "group" else 1
            if len(library_calls) != expected:
                problems.append(f"{where} calls {len(library_calls)} library functions {sorted(library_calls)}")
            if other_calls:
                problems.append(f"{where} calls into the packages past the library: {sorted(other_calls)}")
    assert not problems, "\n".join(problems)
