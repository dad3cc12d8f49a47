"""Sandboxed jinja2 for memo templates, built-in or written by counsel (``--template DIR``).

A template can only read the render context (:mod:`compliance_engine.memo.model`): the immutable
sandbox refuses access to internals (``__class__``, ``__globals__``, methods that mutate), an
undefined name is an error rather than an empty string, arithmetic that would exhaust memory is
refused, and a render that runs longer than :data:`TIME_LIMIT` seconds is stopped.  Every failure
becomes a :class:`TemplateError` naming the template file, the line and what went wrong.
"""

from __future__ import annotations

import functools
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from pydantic import BaseModel

from ..errors import EngineError

__all__ = ["TIME_LIMIT", "TemplateError", "environment", "guarded"]

TIME_LIMIT = 20.0
"""Seconds one render may take (checked where the platform allows a timer: the main thread)."""
MAX_SIZE = 64 * 1024 * 1024
"""Largest string or list a template may build by repetition, and largest output."""
_BUILTIN = Path(__file__).parent / "templates"
T = TypeVar("T")


class TemplateError(EngineError):
    """A memo template cannot be rendered: bad syntax, an undefined name, a refused operation."""


class _TimeUp(Exception):
    pass


class _Sandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Of a context model, only its fields and properties (not pydantic's API)."""
        if isinstance(obj, BaseModel):
            return _model_attribute(type(obj), attr)
        return bool(super().is_safe_attribute(obj, attr, value))

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any,
                   right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 64:
            raise SecurityError(f"exponent {right} is too large")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) \
                        and len(seq) * times > MAX_SIZE:
                    raise SecurityError("repetition would build a value too large to hold")
        return super().call_binop(context, operator, left, right)


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
    return _Sandbox(loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(user_dir)),
                                                jinja2.FileSystemLoader(str(_BUILTIN))]),
                    **_OPTIONS, autoescape=autoescape)


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
