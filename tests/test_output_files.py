"""``-o FILE``: complete or absent, never through a symbolic link unasked, never racing."""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from compliance_engine import output
from compliance_engine.cli import main
from compliance_engine.errors import EngineError
from compliance_engine.output import write_atomic

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "case_studies" / "exante_licensed" / "case.yaml"
TEMPORARY = re.compile(r"^\.out\.json\.[0-9a-f]{8}\.tmp$")


def names(directory: Path) -> set[str]:
    return {p.name for p in directory.iterdir()}


def refused(target: Path, data: bytes, force: bool) -> EngineError:
    with pytest.raises(EngineError) as caught:
        write_atomic(target, data, force)
    return caught.value


def test_a_new_file_is_written_whole_with_no_temporary_left(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    write_atomic(target, b'{"a": 1}\n', force=False)
    assert target.read_bytes() == b'{"a": 1}\n'
    assert names(tmp_path) == {"out.json"}
    assert not output.in_flight()
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_an_existing_file_needs_force_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    target.chmod(0o640)
    assert refused(target, b"new", force=False).codes == ["CE401"]
    assert target.read_text() == "old"
    write_atomic(target, b"new", force=True)
    assert target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o640
    assert names(tmp_path) == {"out.json"}


def test_a_symlink_is_followed_only_with_force_to_a_file_of_ours(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "out.json"
    link.symlink_to(real)
    assert refused(link, b"new", force=False).codes == ["CE401"]
    assert real.read_text() == "old"
    write_atomic(link, b"new", force=True)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"
    assert names(tmp_path) == {"out.json", "real.json"}


@pytest.mark.parametrize("force", [False, True])
def test_a_dangling_symlink_is_refused_and_its_target_not_created(tmp_path: Path,
                                                                   force: bool) -> None:
    link = tmp_path / "out.json"
    link.symlink_to(tmp_path / "elsewhere.json")
    error = refused(link, b"new", force)
    assert error.codes == ["CE406"]
    assert "does not exist" in str(error) and str(link) in str(error)
    assert not (tmp_path / "elsewhere.json").exists()
    assert names(tmp_path) == {"out.json"}


def test_a_symlink_to_a_directory_or_a_device_is_refused(tmp_path: Path) -> None:
    for name, target in (("dir.json", tmp_path), ("null.json", Path(os.devnull))):
        link = tmp_path / name
        link.symlink_to(target)
        error = refused(link, b"new", force=True)
        assert error.codes == ["CE406"] and "not a regular file" in str(error)


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0,
                    reason="giving a file to another user needs root")
def test_a_symlink_to_another_users_file_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "theirs.json"
    real.write_text("theirs")
    os.chown(real, 12345, 12345)
    link = tmp_path / "out.json"
    link.symlink_to(real)
    error = refused(link, b"new", force=True)
    assert error.codes == ["CE406"] and "another user" in str(error)
    assert real.read_text() == "theirs"


def test_a_missing_directory_is_named(tmp_path: Path) -> None:
    error = refused(tmp_path / "no" / "such" / "out.json", b"x", force=True)
    assert error.codes == ["CE402"]
    assert f"the directory {tmp_path / 'no' / 'such'} does not exist" in str(error)


def _failing_write(limit: int) -> object:
    def write_all(descriptor: int, data: bytes) -> None:
        os.write(descriptor, data[:limit])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return write_all


@pytest.mark.parametrize("existing", [None, b"old content\n"])
def test_a_disk_full_midway_leaves_the_old_state(tmp_path: Path, existing: bytes | None,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.json"
    if existing is not None:
        target.write_bytes(existing)
    monkeypatch.setattr(output, "_write_all", _failing_write(10))
    error = refused(target, b"x" * 10_000, force=True)
    assert error.codes == ["CE402"] and "No space left on device" in str(error)
    assert (target.read_bytes() if target.exists() else None) == existing
    assert names(tmp_path) == ({"out.json"} if existing else set())
    assert not output.in_flight()


def test_a_file_appearing_during_the_write_is_not_overwritten(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check before the work and the write after it cannot race: the name is taken
    exclusively (as ``open(..., 'x')`` did)."""
    target = tmp_path / "out.json"
    original = output._write_all

    def meanwhile(descriptor: int, data: bytes) -> None:
        target.write_text("someone else's")
        original(descriptor, data)

    monkeypatch.setattr(output, "_write_all", meanwhile)
    assert refused(target, b"mine", force=False).codes == ["CE401"]
    assert target.read_text() == "someone else's"
    assert names(tmp_path) == {"out.json"}


def test_a_file_size_limit_midway_leaves_no_partial_file(tmp_path: Path) -> None:
    """``assess -o`` under ``ulimit -f``: the JSON report is larger than the limit."""
    target = tmp_path / "out.json"
    script = textwrap.dedent("""
        import resource, sys
        from compliance_engine.cli import main
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        main(sys.argv[1:])
    """)
    done = subprocess.run([sys.executable, "-c", script, "assess", str(CASE), "--format",
                           "json", "-o", str(target)], capture_output=True, text=True, check=False,
                          timeout=120)
    assert done.returncode == 1, done.stderr
    assert "CE402" in done.stderr and "File too large" in done.stderr
    assert "Traceback" not in done.stderr
    assert names(tmp_path) == set()


def test_a_kill_during_the_write_leaves_no_partial_file(tmp_path: Path) -> None:
    """SIGKILL halfway through writing: the output path is absent; only the hidden temporary
    file may remain (documented in docs/errors.md, CE402)."""
    target = tmp_path / "out.json"
    started = tmp_path / "started"
    script = textwrap.dedent(f"""
        import os, sys, time
        from compliance_engine import output
        from compliance_engine.cli import main

        def slow(descriptor, data):
            os.write(descriptor, data[: len(data) // 2])
            os.fsync(descriptor)
            open({str(started)!r}, "w").close()
            time.sleep(120)

        output._write_all = slow
        main(sys.argv[1:])
    """)
    process = subprocess.Popen([sys.executable, "-c", script, "assess", str(CASE), "--format",
                                "json", "-o", str(target), "--fail-on", "never"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not started.exists():
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert not target.exists()
    left = names(tmp_path) - {"started"}
    assert len(left) == 1 and TEMPORARY.match(left.pop())


def test_cli_refuses_a_dangling_symlink_before_assessing(tmp_path: Path) -> None:
    link = tmp_path / "out.json"
    link.symlink_to(tmp_path / "target.json")
    result = CliRunner().invoke(main, ["assess", str(CASE), "--format", "json", "-o",
                                       str(link), "--force"])
    assert result.exit_code == 1
    assert "CE406" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "target.json").exists()


def test_cli_writes_through_a_symlink_with_force(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "out.json"
    link.symlink_to(real)
    result = CliRunner().invoke(main, ["assess", str(CASE), "--format", "json", "-o",
                                       str(link), "--force", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert json.loads(real.read_text())["findings"] is not None
