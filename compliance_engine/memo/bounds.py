"""How large a value a template operation would build, checked before it is built.

A template may not make a string or list longer than :data:`MAX_SIZE`: repetition (``'x' * n``),
padding (``center``, ``ljust``, ``rjust``, ``zfill``, ``indent``, ``expandtabs``, a width or
precision in ``format``, ``%`` or ``str.format``), replacement, joining, ``+``, and counts of
pieces (``slice``, ``batch``) are estimated from their arguments and refused when too large;
every other filter, method call and ``~`` has its result measured.  Each refusal is a
:class:`SecurityError` (CE503).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from jinja2.filters import make_attrgetter
from jinja2.sandbox import MAX_RANGE, SecurityError

__all__ = ["MAX_INDENT", "MAX_SIZE", "bounded", "check_binop", "check_call", "check_filter",
           "guard_filter"]

MAX_SIZE = 64 * 1024 * 1024
"""Largest string or list a template may build, and largest output."""
MAX_INDENT = 100
"""Largest ``indent`` of ``tojson``, whose output grows with it at every line."""
_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?[a-zA-Z%]")
_NUMBER = re.compile(r"\d+")


def bounded(value: Any) -> Any:
    """``value``, unless it is a string or sequence longer than :data:`MAX_SIZE`."""
    if isinstance(value, (str, bytes, list, tuple)) and len(value) > MAX_SIZE:
        raise SecurityError(f"the template built a value of {len(value):,} items; at most "
                            f"{MAX_SIZE:,} are allowed")
    return value


def _at_most(size: int, what: str) -> None:
    if size > MAX_SIZE:
        raise SecurityError(f"{what} would build a value of {size:,} characters; at most "
                            f"{MAX_SIZE:,} are allowed")


def check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "**" and isinstance(left, int) and isinstance(right, int) and (
            abs(right) > 64 or left.bit_length() * right > 8 * MAX_SIZE):
        raise SecurityError(f"exponent {right} is too large")
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and isinstance(times, int) \
                    and len(seq) * times > MAX_SIZE:
                raise SecurityError("repetition would build a value too large to hold")
    if operator == "+" and isinstance(left, (str, list, tuple)) \
            and isinstance(right, (str, list, tuple)):
        _at_most(len(left) + len(right), "'+'")
    if operator == "%" and isinstance(left, str):
        _percent(left, right)


def _percent(template: str, args: Any) -> None:
    """``template % args``: no width or precision beyond the limit, given or from ``*``."""
    values = args if isinstance(args, tuple) else (args,)
    for match in _PERCENT.finditer(template):
        for number in match.groups():
            if number and number != "*":
                _at_most(int(number), "a width or precision in '%'")
        if "*" in match.groups():
            for value in values:
                if isinstance(value, int):
                    _at_most(abs(value), "a width or precision in '%'")


def _format_spec(template: str, args: Iterable[Any], kwargs: Mapping[str, Any]) -> None:
    """``template.format(...)``: no width or precision beyond the limit, written or nested."""
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        return  # str.format will raise its own error
    for _, _, spec, _ in fields:
        for number in _NUMBER.findall(spec or ""):
            _at_most(int(number), "a width or precision in a format")
        if spec and "{" in spec:
            for value in [*args, *kwargs.values()]:
                if isinstance(value, int):
                    _at_most(abs(value), "a width or precision in a format")


def _joined(items: list[Any], separator: str) -> None:
    _at_most(sum(len(str(item)) for item in items) + max(len(items) - 1, 0) * len(separator),
             "join")


def _replaced(text: str, old: str, new: str, count: int = -1) -> None:
    found = len(text) + 1 if old == "" else text.count(old)
    if count >= 0:
        found = min(found, count)
    _at_most(len(text) + found * (len(new) - len(old)), "replace")


def _indented(text: str, width: int | str) -> None:
    step = len(width) if isinstance(width, str) else width
    _at_most(len(text) + (text.count("\n") + 2) * step, "indent")


_PADDING = frozenset({"center", "ljust", "rjust", "zfill"})


def check_call(function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Refuse a method call on a string that would build too large a value; returns ``args``
    (an iterable to join made a list, so that it is read once)."""
    target = getattr(function, "__wrapped__", function)
    owner, name = getattr(target, "__self__", None), getattr(target, "__name__", "")
    if not isinstance(owner, str):
        return args
    if name in _PADDING and args and isinstance(args[0], int):
        _at_most(args[0], name)
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(size, int):
            _at_most(len(owner) + owner.count("\t") * size, name)
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], str) \
            and isinstance(args[1], str):
        count = args[2] if len(args) > 2 else kwargs.get("count", -1)
        _replaced(owner, args[0], args[1], count if isinstance(count, int) else -1)
    elif name == "join" and args:
        items = list(args[0])
        _joined(items, owner)
        return (items, *args[1:])
    elif name == "format":
        _format_spec(owner, args, kwargs)
    elif name == "format_map" and args and isinstance(args[0], Mapping):
        _format_spec(owner, (), args[0])
    return args


def check_filter(environment: Any, name: str, value: Any, args: tuple[Any, ...],
                 kwargs: dict[str, Any]) -> Any:
    """Refuse the filter ``name`` on ``value`` if it would build too large a value; returns
    ``value`` (made a list for ``join``, so that it is read once)."""
    def arg(position: int, keyword: str, default: Any) -> Any:
        return args[position] if len(args) > position else kwargs.get(keyword, default)

    if name == "center" and isinstance(arg(0, "width", 80), int):
        _at_most(arg(0, "width", 80), name)
    elif name == "indent" and isinstance(value, str):
        _indented(value, arg(0, "width", 4))
    elif name == "wordwrap" and isinstance(value, str):
        width, wrap = arg(0, "width", 79), arg(2, "wrapstring", None) or "\n"
        if isinstance(width, int) and width > 0 and isinstance(wrap, str):
            _at_most(len(value) + (len(value) // width + 1) * len(wrap), name)
    elif name == "format" and isinstance(value, str):
        _percent(value, tuple(kwargs.values()) if kwargs else args)
    elif name == "replace" and isinstance(value, str):
        old, new, count = arg(0, "old", ""), arg(1, "new", ""), arg(2, "count", None)
        if isinstance(old, str) and isinstance(new, str):
            _replaced(value, old, new, count if isinstance(count, int) else -1)
    elif name == "join" and not isinstance(value, str):
        value = list(value)
        attribute = arg(1, "attribute", None)
        items = value if attribute is None else \
            list(map(make_attrgetter(environment, attribute), value))
        separator = arg(0, "d", "")
        _joined(items, separator if isinstance(separator, str) else "")
    elif name in ("slice", "batch"):
        count = arg(0, "slices" if name == "slice" else "linecount", 0)
        if isinstance(count, int) and count > MAX_RANGE:
            raise SecurityError(f"{name} into {count:,} pieces; at most {MAX_RANGE:,}")
    elif name == "tojson":
        indent = arg(0, "indent", None)
        if isinstance(indent, int) and indent > MAX_INDENT:
            raise SecurityError(f"tojson indent {indent}; at most {MAX_INDENT}")
    return value


def guard_filter(environment: Any, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` (the filter ``name``) checked before it runs and measured after."""
    passes = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0

    def checked(*args: Any, **kwargs: Any) -> Any:
        if len(args) > passes:
            value = check_filter(environment, name, args[passes], args[passes + 1:], kwargs)
            args = (*args[:passes], value, *args[passes + 1:])
        return bounded(function(*args, **kwargs))

    checked.__dict__.update(getattr(function, "__dict__", {}))  # keeps jinja's pass_context
    checked.__name__ = checked.__qualname__ = getattr(function, "__name__", name)
    checked.__doc__ = function.__doc__
    return checked
