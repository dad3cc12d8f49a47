"""An address-space limit a little above what the test process uses now, so that an allocation
the engine should have refused ends in :class:`MemoryError` instead of exhausting the machine."""

from __future__ import annotations

import resource
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["memory_headroom"]

_STATM = Path("/proc/self/statm")  # Linux: the first field is the address space, in pages


@contextmanager
def memory_headroom(extra: int) -> Iterator[None]:
    """Within the block, at most ``extra`` bytes of address space more than now (no limit
    where the platform does not say how much is in use)."""
    try:
        in_use = int(_STATM.read_text(encoding="ascii").split()[0]) * resource.getpagesize()
    except OSError:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = in_use + extra if hard == resource.RLIM_INFINITY else min(in_use + extra, hard)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
