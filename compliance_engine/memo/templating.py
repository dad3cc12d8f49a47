"""Sandboxed jinja2 for memo templates, built-in or written by counsel (``--template DIR``).

A template can only read the render context (:mod:`compliance_engine.memo.model`): the immutable
sandbox refuses access to internals (``__class__``, ``__globals__``, methods that mutate), an
undefined name is an error rather than an empty string, an operation that would build a value
too large to hold is refused before it allocates (:mod:`compliance_engine.memo.bounds`), and a
render that runs longer than :data:`TIME_LIMIT` seconds is stopped.  A template of ``--template
DIR`` is read only if it lies inside DIR: a symbolic link leading out of it is refused (CE505).  Every failure
becomes a :class:`TemplateError` naming the template file, the line and what went wrong.
"""

from __future__ import annotations

import functools
import os
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from jinja2.compiler import CodeGenerator, Frame
from jinja2.loaders import split_template_path
from jinja2.nodes import Concat
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from pydantic import BaseModel

from ..errors import EngineError
from .bounds import MAX_SIZE, bounded, check_binop, check_call, guard_filter

__all__ = ["MAX_SIZE", "TIME_LIMIT", "TemplateError", "environment", "guarded", "template_file"]

TIME_LIMIT = 20.0
"""Seconds one render may take (checked where the platform allows a timer: the main thread)."""
_BUILTIN = Path(__file__).parent / "templates"
T = TypeVar("T")


class TemplateError(EngineError):
    """A memo template cannot be rendered: bad syntax, an undefined name, a refused operation."""


class _TimeUp(Exception):
    pass


class _Generator(CodeGenerator):
    """Compiles ``a ~ b`` so that its result is measured (the sandbox cannot intercept it)."""

    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.bounded(")
        super().visit_Concat(node, frame)
        self.write(")")


def _concat(pieces: Any) -> str:
    """The output of a template or block, refused once it grows past :data:`MAX_SIZE`."""
    parts, size = [], 0
    for piece in pieces:
        size += len(piece)
        if size > MAX_SIZE:
            raise SecurityError("template output is larger than 64 MiB")
        parts.append(piece)
    return "".join(parts)


class _Sandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _Generator
    concat = staticmethod(_concat)  # type: ignore[assignment]
    bounded = staticmethod(bounded)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals.pop("lipsum", None)  # lipsum(n=10**9) would build 10**9 paragraphs
        self.filters = {name: guard_filter(self, name, function)
                        for name, function in self.filters.items()}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Of a context model, only its fields and properties (not pydantic's API)."""
        if isinstance(obj, BaseModel):
            return _model_attribute(type(obj), attr)
        return bool(super().is_safe_attribute(obj, attr, value))

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any,
                   right: Any) -> Any:
        check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(self, context: jinja2.runtime.Context, obj: Any, /,
             *args: Any, **kwargs: Any) -> Any:
        args = check_call(obj, args, kwargs)
        return bounded(super().call(context, obj, *args, **kwargs))


@functools.cache
def _model_attribute(model: type[BaseModel], attr: str) -> bool:
    return not attr.startswith("_") and (
        attr in model.model_fields or isinstance(getattr(model, attr, None), property))


def environment(user_dir: Path | None, *, autoescape: bool) -> jinja2.Environment:
    """Templates from ``user_dir`` first, then the built-in ones.  The built-in environments
    are kept, so their templates are compiled once; with a user directory a new environment is
    made, since a file added there since the last render must take precedence."""
    if user_dir is None:
        return _builtin(autoescape)
    if not user_dir.is_dir():
        raise TemplateError.single("CE500", "not a directory of templates", file=str(user_dir),
                                   expected="a directory")
    return _Sandbox(loader=jinja2.ChoiceLoader([_Confined(user_dir),
                                                jinja2.FileSystemLoader(str(_BUILTIN))]),
                    **_OPTIONS, autoescape=autoescape)


class _Confined(jinja2.FileSystemLoader):
    """Templates of one directory, never a file outside it that a symbolic link leads to."""

    def __init__(self, directory: Path) -> None:
        super().__init__(str(directory))
        self.directory = directory

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        template_file(self.directory, "/".join(split_template_path(template)))  # no '..'
        return super().get_source(environment, template)


def template_file(directory: Path, name: str) -> Path | None:
    """``directory/name`` if it is a file there, None if there is none; refused (CE505) if a
    symbolic link makes it a file outside ``directory``."""
    path = directory.joinpath(*name.split("/"))
    if not os.path.lexists(path):
        return None
    real, root = Path(os.path.realpath(path)), Path(os.path.realpath(directory))
    if not real.is_relative_to(root):
        raise TemplateError.single(
            "CE505", f"template {name} is a symbolic link to {real}, outside the template "
                     f"directory; refusing to read it", file=str(path),
            expected=f"a template file inside {directory}")
    return path if real.is_file() else None


@functools.cache
def _builtin(autoescape: bool) -> jinja2.Environment:
    return _Sandbox(loader=jinja2.FileSystemLoader(str(_BUILTIN)), **_OPTIONS,
                    autoescape=autoescape)


_OPTIONS: dict[str, Any] = {"undefined": jinja2.StrictUndefined, "trim_blocks": True,
                            "lstrip_blocks": True, "keep_trailing_newline": True}


def guarded(render: Callable[[], T], template: str) -> T:
    """Run ``render`` within the time limit, turning every template failure into a
    :class:`TemplateError` that names ``template`` (or the file the failure is in)."""
    try:
        with _deadline(TIME_LIMIT):
            output = render()
    except EngineError:
        raise
    except jinja2.TemplateSyntaxError as exc:
        raise _error("CE501", f"template syntax error: {exc.message}", exc.filename or template,
                     exc.lineno) from None
    except jinja2.TemplateNotFound as exc:
        raise _error("CE505", f"template not found: {exc.name}", template, None) from None
    except jinja2.UndefinedError as exc:
        file, line = _place(exc, template)
        raise _error("CE502", f"undefined name in template: {exc.message}", file, line,
                     expected="a field of the memo context (docs/memo.md)") from None
    except SecurityError as exc:
        file, line = _place(exc, template)
        raise _error("CE503", f"template refused: {exc}", file, line,
                     expected="templates only read the memo context") from None
    except (_TimeUp, RecursionError) as exc:
        file, line = _place(exc, template)
        what = "endless recursion" if isinstance(exc, RecursionError) else \
            f"rendering took longer than {TIME_LIMIT:g} s (an endless or huge loop?)"
        raise _error("CE504", f"template stopped: {what}", file, line) from None
    except Exception as exc:  # noqa: BLE001 - whatever a template does wrong is reported
        file, line = _place(exc, template)
        raise _error("CE506", f"template failed: {type(exc).__name__}: {exc}", file,
                     line) from None
    if isinstance(output, (str, bytes)) and len(output) > MAX_SIZE:
        raise _error("CE504", "template output is larger than 64 MiB", template, None)
    return output


def _error(code: str, message: str, file: str, line: int | None,
           expected: str | None = None) -> TemplateError:
    return TemplateError.single(code, message, file=file, line=line, expected=expected)


def _place(exc: BaseException, template: str) -> tuple[str, int | None]:
    """The template file and line the failure happened at, from the traceback jinja rewrites
    to point into templates."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if f.filename.endswith((".j2", ".xml", "<template>"))]
    if frames:
        return frames[-1].filename, frames[-1].lineno
    return template, None


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
