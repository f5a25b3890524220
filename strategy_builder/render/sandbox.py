"""The Jinja sandbox every template renders in: no Python, no markup from values, bounded work and output.

Jinja's ``ImmutableSandboxedEnvironment`` keeps a template from calling into Python; it does not bound
what a template may allocate, and it offers filters that let a value become markup. Here:

- values can never become markup: autoescape is always on, and the filters and constructs that bypass
  escaping (``|safe``, ``|urlize``, ``|xmlattr``, ``{% autoescape false %}``) are refused when the
  template is compiled (:func:`unsafe_constructs`), and absent from the environment besides;
- ``range()`` is bounded per call and per document; ``*``, ``+`` and ``~`` on strings and lists, ``%``,
  ``**``, string padding, ``replace``, ``join``, ``format``, arguments passed to macros, and the
  ``center``, ``indent``, ``format``, ``replace``, ``join``, ``batch`` and ``slice`` filters refuse to
  build a value over :data:`~strategy_builder.limits.SANDBOX_VALUE_BYTES` before they build it, and a
  value is measured (nested lists included) before it is printed;
- a rendered part is cut off at :data:`~strategy_builder.limits.SANDBOX_OUTPUT_BYTES`, and deep
  recursion or exhausted memory end the render with an error naming the part.

Every refusal is a :class:`SandboxLimitError` (a ``jinja2.SecurityError``), which the build reports as a
problem of the template (exit 1), never as an internal error.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from strategy_builder.limits import SANDBOX_OUTPUT_BYTES, SANDBOX_RANGE, SANDBOX_RANGE_BUDGET, SANDBOX_VALUE_BYTES

UNSAFE_FILTERS = frozenset({"safe", "urlize", "xmlattr"})
"""Filters whose result is not escaped again: a value would become markup."""

_WIDTH_IN_FORMAT = re.compile(r"\d{7,}")  # a width or precision of a million or more, in any format string
_SIZED = (str, list, tuple)


class SandboxLimitError(SecurityError):
    """A template went past a limit of the sandbox (see :mod:`strategy_builder.limits`)."""


_range_budget: contextvars.ContextVar[list[int]] = contextvars.ContextVar("range_budget")


def _refuse(what: str, limit: int = SANDBOX_VALUE_BYTES) -> SandboxLimitError:
    return SandboxLimitError(f"{what} exceeds the template sandbox's limit of {limit:,} "
                             "(see the limits in docs/security.md)")


def _check_size(size: int, what: str) -> None:
    if size > SANDBOX_VALUE_BYTES:
        raise _refuse(what)


def measure(value: Any, limit: int = SANDBOX_VALUE_BYTES) -> int:
    """The size of ``value`` as text would be about: characters of strings, one per item of lists, tuples,
    sets and mappings, nested ones counted each time they appear (as printing them would); stops at
    ``limit + 1``, so that a list nested in itself 40 times is measured in 40 steps, not 2**40."""
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += len(item) + 1
            stack.extend(item)
        elif isinstance(item, dict):
            total += len(item) + 1
            stack.extend(item.keys())
            stack.extend(item.values())
        else:
            total += 1
        if total > limit:
            return limit + 1
    return total


def _check_value(value: Any, what: str) -> None:
    if type(value) is str:  # what almost every printed value is: measured, it is its length
        if len(value) > SANDBOX_VALUE_BYTES:
            raise _refuse(what)
        return
    if not isinstance(value, (int, float, bool)) and value is not None:
        _check_size(measure(value), what)


def _check_width(value: Any, what: str) -> None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > SANDBOX_VALUE_BYTES:
        raise _refuse(f"{what} of {value:,}")


def _check_format_string(text: Any, arguments: Iterable[Any] = ()) -> None:
    if not isinstance(text, str):
        return
    if _WIDTH_IN_FORMAT.search(text):
        raise _refuse("a width or precision in a format string")
    # Measured, not len(): a field may print a mapping or list whole, or reach into one ('%(a)s', '{0[k]}').
    longest = max((measure(a) for a in arguments if not isinstance(a, (int, float, bool)) and a is not None),
                  default=0)
    _check_size(len(text) + (text.count("{") + text.count("%")) * longest, "a formatted text")


def bounded_range(*args: int) -> range:
    """``range()`` for templates: at most :data:`SANDBOX_RANGE` items, and :data:`SANDBOX_RANGE_BUDGET`
    items over all calls while one document renders."""
    result = range(*args)
    if len(result) > SANDBOX_RANGE:
        raise _refuse(f"range() of {len(result):,} items", SANDBOX_RANGE)
    budget = _range_budget.get(None)
    if budget is not None:
        budget[0] -= len(result)
        if budget[0] < 0:
            raise _refuse("the items of all range() calls of one document", SANDBOX_RANGE_BUDGET)
    return result


class BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with ``~`` (concatenation) going through :meth:`BoundedSandbox.bounded_join`."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment.bounded_join({join}, (")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")


_DICT_ATTRIBUTES = frozenset(dir(dict))
"""The attributes a plain dict has (its class's): any other name is looked up as a key."""


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The environment of every render (see the module docstring)."""

    intercepted_binops = frozenset({"*", "+", "%", "**", "//"})
    code_generator_class = BoundedCodeGenerator

    def __init__(self, **options: Any) -> None:
        options.setdefault("finalize", _finalize)
        super().__init__(**options)
        self.globals["range"] = bounded_range
        self.globals.pop("lipsum", None)  # lipsum(n) writes n paragraphs; no template needs it
        for name in UNSAFE_FILTERS:
            self.filters.pop(name, None)
        self.filters.update(_bounded_filters(self.filters))

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``obj.attribute`` as Jinja's sandbox answers it. A plain dict (the context is made of them) has no
        attribute besides those of its class, so for any other name Jinja would catch the AttributeError and
        look the name up as a key: it is looked up at once, with the same answer, without the exception."""
        if type(obj) is dict and type(attribute) is str and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def call_binop(self, context: jinja2.runtime.Context, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "*":
            for sequence, times in ((left, right), (right, left)):
                if isinstance(sequence, _SIZED) and isinstance(times, int):
                    _check_size(len(sequence) * times, "a repeated text or list")
        elif operator_name == "+" and isinstance(left, _SIZED) and isinstance(right, _SIZED):
            _check_size(len(left) + len(right), "a joined text or list")
        elif operator_name == "%":
            _check_format_string(left, right if isinstance(right, (tuple, list)) else (right,))
        elif operator_name == "**" and isinstance(left, (int, float)) and isinstance(right, (int, float)):
            if abs(left) > 1 and right > 1024:
                raise _refuse(f"a power with exponent {right:,}", 1024)
        return super().call_binop(context, operator_name, left, right)

    def bounded_join(self, join: Callable[[Iterable[Any]], str], parts: tuple[Any, ...]) -> str:
        """``a ~ b ~ ...``, refused before it is built when the result would pass the value limit."""
        _check_size(sum(measure(part) for part in parts), "a joined text")
        return join(parts)

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any,  # noqa: N805 - Jinja's signature
             **kwargs: Any) -> Any:
        method = getattr(__obj, "__wrapped__", __obj)  # str.format comes wrapped by the sandbox
        owner = getattr(method, "__self__", None)
        if isinstance(owner, str):
            _check_string_method(owner, getattr(method, "__name__", ""), args, kwargs)
        for argument in (*args, *kwargs.values()):
            _check_value(argument, "a value passed to a macro or function")
        return super().call(__context, __obj, *args, **kwargs)


def _finalize(value: Any) -> Any:
    """Every ``{{ value }}`` before it is printed: measured first, so that printing cannot explode."""
    _check_value(value, "a printed value")
    return value


def _check_string_method(text: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    values = [*args, *kwargs.values()]
    if name in ("ljust", "rjust", "center", "zfill", "expandtabs"):
        for value in values:
            _check_width(value, f"a width in {name}()")
        if name == "expandtabs" and values:
            _check_size(text.count("\t") * int(values[0]) + len(text), "a text with expanded tabs")
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        count = text.count(args[0]) if args[0] else len(text) + 1
        _check_size(len(text) + count * len(args[1]), "a text after replace()")
    elif name == "join" and args and isinstance(args[0], (list, tuple)):
        _check_size(sum(len(str(item)) for item in args[0]) + len(text) * len(args[0]), "a joined text")
    elif name in ("format", "format_map"):
        _check_format_string(text, [*args, *(args[0].values() if name == "format_map" and args
                                              and isinstance(args[0], dict) else ()), *kwargs.values()])


def _bounded_filters(filters: dict[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """Wrappers of the built-in filters that could build a huge value from small arguments."""
    center, indent, fmt, replace, join = (filters[n] for n in ("center", "indent", "format", "replace", "join"))
    batch, slice_ = filters["batch"], filters["slice"]

    def bounded_center(value: Any, width: int = 80) -> Any:
        _check_width(width, "the width of |center")
        return center(value, width)

    def bounded_indent(value: Any, width: Any = 4, first: bool = False, blank: bool = False) -> Any:
        size = len(width) if isinstance(width, str) else width
        _check_width(size, "the width of |indent")
        _check_size(len(str(value)) + str(value).count("\n") * int(size or 0), "an indented text")
        return indent(value, width, first, blank)

    def bounded_format(value: Any, *args: Any, **kwargs: Any) -> Any:
        _check_format_string(value, [*args, *kwargs.values()])
        for argument in (*args, *kwargs.values()):
            _check_value(argument, "a formatted value")
        return fmt(value, *args, **kwargs)

    @jinja2.pass_eval_context
    def bounded_replace(eval_ctx: Any, value: Any, old: Any, new: Any, count: int | None = None) -> Any:
        text, old_text, new_text = str(value), str(old), str(new)
        occurrences = text.count(old_text) if old_text else len(text) + 1
        if count is not None:
            occurrences = min(occurrences, count)
        _check_size(len(text) + occurrences * len(new_text), "a text after |replace")
        return replace(eval_ctx, value, old, new, count)

    @jinja2.pass_eval_context
    def bounded_join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> Any:
        items = list(value)
        _check_size(len(items) * len(str(d)) + measure(items), "a joined text")
        return join(eval_ctx, items, d, attribute)

    def bounded_batch(value: Any, linecount: int, fill_with: Any = None) -> Any:
        _check_width(linecount, "the size of |batch")
        return batch(value, linecount, fill_with)

    @jinja2.pass_eval_context  # Jinja's |slice takes the evaluation context first, as |join does
    def bounded_slice(eval_ctx: Any, value: Any, slices: int, fill_with: Any = None) -> Any:
        _check_width(slices, "the number of |slice")
        if isinstance(slices, int) and slices > SANDBOX_RANGE:
            raise _refuse(f"|slice into {slices:,} parts", SANDBOX_RANGE)
        return slice_(eval_ctx, value, slices, fill_with)

    bounded: dict[str, Callable[..., Any]] = {
        "center": bounded_center, "indent": bounded_indent, "format": bounded_format, "replace": bounded_replace,
        "join": bounded_join, "batch": bounded_batch, "slice": bounded_slice}
    for name in ("string", "tojson", "pprint", "list", "wordwrap", "trim", "title", "capitalize", "upper", "lower"):
        bounded[name] = _measured(name, filters[name])
    return bounded


def _measured(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that measures its input before it turns it into text (nested lists can print huge)."""

    def bounded(*args: Any, **kwargs: Any) -> Any:
        # Context-passing filters (tojson gets the eval context) take their value second.
        value = args[1] if getattr(function, "jinja_pass_arg", None) is not None and len(args) > 1 else args[0]
        _check_value(value, f"the value of |{name}")
        return function(*args, **kwargs)

    bounded.jinja_pass_arg = getattr(function, "jinja_pass_arg", None)  # type: ignore[attr-defined]
    if bounded.jinja_pass_arg is None:  # type: ignore[attr-defined]
        del bounded.jinja_pass_arg  # type: ignore[attr-defined]
    return bounded


def unsafe_constructs(ast: nodes.Template) -> list[tuple[int | None, str]]:
    """(line, description) of every construct in a parsed template that would let a value become markup."""
    found: list[tuple[int | None, str]] = []
    for node in ast.find_all((nodes.Filter, nodes.EvalContextModifier, nodes.MarkSafe,
                              nodes.MarkSafeIfAutoescape)):
        if isinstance(node, nodes.Filter):
            if node.name in UNSAFE_FILTERS:
                found.append((node.lineno, f"the filter '|{node.name}' (its result is not escaped)"))
        elif isinstance(node, nodes.EvalContextModifier):
            found.append((node.lineno, "an '{% autoescape %}' block (escaping cannot be switched)"))
        else:
            found.append((node.lineno, "a construct that marks text as markup"))
    return found


_PIECES_A_CHECK = 256
"""How many rendered pieces (a template's texts and printed values: a partner's main part has about 2,500)
are joined between two looks at the size rendered so far."""


def render_bounded(template: jinja2.Template, context: dict[str, Any]) -> str:
    """Render ``template`` with a fresh range budget, cutting it off past :data:`SANDBOX_OUTPUT_BYTES`.

    The pieces come from the template's render function as ``Template.generate`` takes them, without its
    generator and ours around it, and are joined a few hundred at a time between two looks at the size:
    the three generators a piece went through cost a fifth of rendering a main part. An error is given
    the template's lines in its traceback as ``generate`` gives them."""
    token = _range_budget.set([SANDBOX_RANGE_BUDGET])
    try:
        pieces = template.root_render_func(template.new_context(context))
        joined: list[str] = []
        size = 0
        while block := list(islice(pieces, _PIECES_A_CHECK)):
            text = "".join(block)
            size += len(text)
            if size > SANDBOX_OUTPUT_BYTES:
                raise _refuse("the rendered part", SANDBOX_OUTPUT_BYTES)
            joined.append(text)
        return "".join(joined)
    except RecursionError as error:
        raise SandboxLimitError("the template calls itself too deeply (recursive macros or loops)") from error
    except MemoryError as error:
        raise SandboxLimitError("the template needs more memory than this machine has") from error
    except OverflowError as error:
        raise SandboxLimitError(f"a number in the template is too large ({error})") from error
    except SandboxLimitError:
        raise
    except Exception:
        template.environment.handle_exception()  # raises it again, with the template's lines in its traceback
        raise
    finally:
        _range_budget.reset(token)


__all__ = ["BoundedSandbox", "SandboxLimitError", "UNSAFE_FILTERS", "bounded_range", "render_bounded",
           "unsafe_constructs"]
