"""A wall-clock and memory bound on one run: ``assess``, ``memo`` and ``validate`` on the command
line (``--timeout``, ``--max-memory``), and any block of API calls::

    from compliance_engine.limits import guard

    with guard(timeout=30, max_memory=4 << 30):
        result = Engine().assess(load_case(path)).result

Memory is bounded by the process's address-space limit (``RLIMIT_AS``, soft limit only, restored
afterwards): an allocation beyond it fails, and the :class:`MemoryError` becomes
:class:`LimitExceeded` (CE902).  The limit is process-wide, so other threads share it.

Time is kept by a watchdog thread.  At the deadline it raises :class:`LimitExceeded` (CE903) in
the guarded thread, which happens at the next Python instruction.  The solvers' C code (clingo's
grounding) runs without the interpreter, so a long grounding cannot be interrupted that way; with
``hard=True`` (the command line) the watchdog then waits :data:`GRACE` seconds more, prints the
CE903 error, removes the temporary output files being written and ends the process with status 1.
"""

from __future__ import annotations

import ctypes
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import EngineError

__all__ = ["DEFAULT_TIMEOUT", "GRACE", "LimitExceeded", "default_max_memory", "describe_size",
           "guard", "parse_size"]

DEFAULT_TIMEOUT = 600.0
"""Seconds a command-line run may take unless ``--timeout`` says otherwise (0: no limit)."""
GRACE = 3.0
"""Seconds between the deadline and a hard stop when the run cannot be interrupted."""
_CAP = 16 << 30
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*", re.IGNORECASE)


class LimitExceeded(EngineError):
    """The run went past its time (CE903) or memory (CE902) limit."""


class _Expired(BaseException):
    """Raised in the guarded thread at the deadline (a BaseException: ``except Exception``
    blocks along the way must not swallow it)."""


def default_max_memory() -> int | None:
    """Three quarters of the machine's memory, at most 16 GiB (None where unknown)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None
    return min(total * 3 // 4, _CAP)


def parse_size(text: str) -> int:
    """Bytes in ``text``: a number with an optional unit K, M, G or T (binary: ``512M``,
    ``4GiB``, ``1.5G``); ``0`` means no limit."""
    match = _SIZE.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a size such as 512M or 4G")
    return int(float(match[1]) * _UNITS[match[2].lower()])


def describe_size(size: int) -> str:
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} bytes"


def memory_error(max_memory: int | None, file: str | None = None) -> LimitExceeded:
    what = f"the memory limit of {describe_size(max_memory)}" if max_memory else \
        "the memory available"
    return LimitExceeded.single("CE902", f"the run needed more than {what}", file=file,
                                expected="a larger --max-memory (0 for none), or a smaller "
                                         "input")


def time_error(timeout: float, file: str | None = None) -> LimitExceeded:
    return LimitExceeded.single("CE903", f"the run took longer than the time limit of "
                                         f"{timeout:g} s", file=file,
                                expected="a larger --timeout (0 for none), or a smaller input")


@contextmanager
def guard(timeout: float | None = DEFAULT_TIMEOUT, max_memory: int | None = None, *,
          hard: bool = False, file: str | None = None) -> Iterator[None]:
    """Run the block within ``timeout`` seconds and ``max_memory`` bytes (None or 0: no
    limit), raising :class:`LimitExceeded` otherwise (see the module docstring); the error
    names ``file``, the input being processed."""
    with _memory_limit(max_memory or None), _deadline(timeout or None, hard, file):
        try:
            yield
        except MemoryError:
            raise memory_error(max_memory, file) from None


@contextmanager
def _memory_limit(max_memory: int | None) -> Iterator[None]:
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        resource = None  # type: ignore[assignment]
    if max_memory is None or resource is None or not hasattr(resource, "RLIMIT_AS"):
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = min(x for x in (max_memory, soft, hard) if x != resource.RLIM_INFINITY)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextmanager
def _deadline(timeout: float | None, hard: bool, file: str | None) -> Iterator[None]:
    if timeout is None:
        yield
        return
    watchdog = _Watchdog(threading.get_ident(), timeout, hard, file)
    watchdog.start()
    try:
        yield
    except _Expired:
        raise time_error(timeout, file) from None
    finally:
        watchdog.stop()


class _Watchdog(threading.Thread):
    def __init__(self, target: int, timeout: float, hard: bool, file: str | None) -> None:
        super().__init__(name="compliance-engine-deadline", daemon=True)
        self.target, self.timeout, self.hard, self.file = target, timeout, hard, file
        self.done = threading.Event()
        self.lock = threading.Lock()
        self.fired = False

    def run(self) -> None:
        if self.done.wait(self.timeout):
            return
        with self.lock:
            if self.done.is_set():
                return
            self.fired = True
            _raise_in(self.target, _Expired)
        if self.done.wait(GRACE) or not self.hard:
            return
        _hard_stop(time_error(self.timeout, self.file))

    def stop(self) -> None:
        with self.lock:
            self.done.set()
            if self.fired:
                _raise_in(self.target, None)  # a stop not yet delivered is withdrawn


def _raise_in(thread: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread),
                                               ctypes.py_object(exc) if exc else None)


def _hard_stop(error: LimitExceeded) -> None:
    """The run is stuck in C code: report, leave no temporary output behind, and exit."""
    from .output import in_flight

    for name in in_flight():
        try:
            os.unlink(name)
        except OSError:
            pass
    message = error.format() + "\n"
    os.write(2, message.encode("utf-8", "backslashreplace"))
    os._exit(1)
