"""Writing an output file (``-o FILE``) so that it is either complete or absent.

The data goes to a hidden temporary file in the target's directory (``.NAME.XXXXXXXX.tmp``, same
filesystem), is flushed to disk, and then takes the target's name in one step: a new file is
linked in place, which fails if a file of that name appeared meanwhile (the "exists and no
``--force``" check cannot race); with ``--force`` the temporary file is renamed over the old one.
A write that fails midway (disk full, a file-size limit) removes the temporary file and leaves
the target as it was.  Only a kill (SIGKILL, a power cut) can leave the temporary file behind;
the target itself is never partial.

A symbolic link at the output path is never written through silently: without ``--force`` it is
an existing file (CE401); with ``--force`` it is followed only to a regular file the user owns,
whose content is then replaced atomically (the link stays); a dangling link, or a link to a
directory, a device or someone else's file, is refused (CE406).
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

from .errors import EngineError

__all__ = ["check_target", "in_flight", "write_atomic"]

_in_flight: set[str] = set()


def in_flight() -> frozenset[str]:
    """The temporary files being written now (removed by a hard stop, see ``limits``)."""
    return frozenset(_in_flight)


def check_target(output: Path, force: bool) -> Path:
    """The file that writing ``output`` will replace or create: ``output`` itself, or with
    ``--force`` the regular file a symbolic link there leads to.  Refuses with CE401 (exists,
    no ``--force``), CE406 (a link that may not be followed) or CE402 (no such directory)."""
    try:
        info = output.lstat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise _cannot(output, exc) from None
    if info is not None and stat.S_ISLNK(info.st_mode):
        return _link_target(output, force)
    if info is not None and not force:
        raise refuse(output)
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise EngineError.single("CE402", "the output path is not a regular file",
                                 file=str(output), expected="a file name")
    if not output.parent.is_dir():
        raise EngineError.single("CE402", f"the directory {output.parent} does not exist",
                                 file=str(output), expected="an existing directory")
    return output


def _link_target(output: Path, force: bool) -> Path:
    target = Path(os.path.realpath(output))
    try:
        info = target.stat()
    except OSError:
        raise _link_refused(output, f"a symbolic link to {target}, which does not exist") \
            from None
    if not stat.S_ISREG(info.st_mode):
        raise _link_refused(output, f"a symbolic link to {target}, which is not a regular file")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise _link_refused(output, f"a symbolic link to {target}, a file of another user")
    if not force:
        raise refuse(output)
    return target


def _link_refused(output: Path, what: str) -> EngineError:
    return EngineError.single("CE406", f"the output path is {what}; not writing through it",
                              file=str(output), expected="a plain file name, or --force with "
                                                         "a link to a file of yours")


def refuse(output: Path) -> EngineError:
    return EngineError.single("CE401", "the output file exists; refusing to overwrite it",
                              file=str(output), expected="--force to replace it")


def _cannot(output: Path, exc: OSError) -> EngineError:
    return EngineError.single("CE402", f"cannot write the output file: {exc.strerror or exc}",
                              file=str(output))


def write_atomic(output: Path, data: bytes, force: bool) -> None:
    """Write ``data`` to ``output`` completely or not at all (see the module docstring)."""
    target = check_target(output, force)
    temporary = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise _cannot(output, exc) from None
    _in_flight.add(str(temporary))
    try:
        try:
            _keep_mode(descriptor, target)
            _write_all(descriptor, data)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        _publish(temporary, target, output, force)
    except OSError as exc:
        raise _cannot(output, exc) from None
    finally:
        _in_flight.discard(str(temporary))
        temporary.unlink(missing_ok=True)
    _sync_directory(target.parent)


def _keep_mode(descriptor: int, target: Path) -> None:
    """A replaced file keeps its permissions; a new one gets the umask's."""
    try:
        os.fchmod(descriptor, stat.S_IMODE(target.stat().st_mode))
    except FileNotFoundError:
        pass


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view[:1 << 20]):]


def _publish(temporary: Path, target: Path, output: Path, force: bool) -> None:
    if force:
        os.replace(temporary, target)
        return
    try:
        os.link(temporary, target)  # fails if the name was taken since the check
    except FileExistsError:
        raise refuse(output) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        _rename_no_replace(temporary, target, output)


def _rename_no_replace(temporary: Path, target: Path, output: Path) -> None:
    """For filesystems without hard links: claim the name exclusively, then rename over it."""
    try:
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except FileExistsError:
        raise refuse(output) from None
    try:
        os.replace(temporary, target)
    except OSError:
        target.unlink(missing_ok=True)  # the empty file that claimed the name
        raise


def _sync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
