"""Atomic writes: all or nothing, normal permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from forceplan.exceptions import RunFolderError
from forceplan.io.atomic import atomic_dir, atomic_file


def test_interrupted_folder_leaves_nothing(tmp_path: Path) -> None:
    dest = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt), atomic_dir(dest) as tmp:
        (tmp / "half.csv").write_text("a,b\n")
        raise KeyboardInterrupt
    assert not dest.exists()
    assert list(tmp_path.iterdir()) == []


def test_folder_appears_whole_with_normal_permissions(tmp_path: Path) -> None:
    dest = tmp_path / "run"
    with atomic_dir(dest) as tmp:
        (tmp / "a.csv").write_text("x\n")
        assert not dest.exists()
    assert (dest / "a.csv").read_text() == "x\n"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(dest.stat().st_mode) == 0o777 & ~mask


def test_existing_folder_needs_overwrite_and_is_then_replaced(tmp_path: Path) -> None:
    dest = tmp_path / "run"
    dest.mkdir()
    (dest / "old.txt").write_text("old")
    with pytest.raises(RunFolderError, match="--force"), atomic_dir(dest):
        pass
    assert (dest / "old.txt").exists()
    with atomic_dir(dest, overwrite=True) as tmp:
        (tmp / "new.txt").write_text("new")
    assert sorted(p.name for p in dest.iterdir()) == ["new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_failed_file_write_keeps_the_old_file(tmp_path: Path) -> None:
    dest = tmp_path / "plan.xlsx"
    dest.write_text("old")
    with pytest.raises(RuntimeError), atomic_file(dest) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert dest.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx"]
    with atomic_file(dest) as tmp:
        tmp.write_text("new")
    assert dest.read_text() == "new"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(dest.stat().st_mode) == 0o666 & ~mask


def _dead_pid() -> int:
    """The pid of a process that has ended."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_target_that_appears_meanwhile_is_not_replaced(tmp_path: Path) -> None:
    dest = tmp_path / "run"
    appeared = "appeared while this run was being written"
    with pytest.raises(RunFolderError, match=appeared), atomic_dir(dest) as tmp:
        (tmp / "mine.txt").write_text("second")
        dest.mkdir()  # another run finished first
        (dest / "theirs.txt").write_text("first")
    assert sorted(p.name for p in dest.iterdir()) == ["theirs.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no temporary left


def test_an_empty_target_folder_is_taken(tmp_path: Path) -> None:
    dest = tmp_path / "run"
    dest.mkdir()
    with atomic_dir(dest) as tmp:
        (tmp / "a.txt").write_text("x")
    assert (dest / "a.txt").read_text() == "x"


def test_unique_takes_the_next_free_name_and_reports_it(tmp_path: Path) -> None:
    dest = tmp_path / "2026-12-01T101500-s"
    got: list[Path] = []
    with atomic_dir(dest, unique=True, on_published=got.append) as tmp:
        (tmp / "a.txt").write_text("first")
    with atomic_dir(dest, unique=True, on_published=got.append) as tmp:
        (tmp / "a.txt").write_text("second")
        (dest.with_name(dest.name + "-2")).mkdir()  # taken meanwhile by a third run
        (dest.with_name(dest.name + "-2") / "x").write_text("third")
    assert got == [dest, dest.with_name(dest.name + "-3")]
    assert (dest / "a.txt").read_text() == "first"
    assert (got[1] / "a.txt").read_text() == "second"


def test_overwrite_replaces_a_target_that_appeared_meanwhile(tmp_path: Path) -> None:
    dest = tmp_path / "run"
    with atomic_dir(dest, overwrite=True) as tmp:
        (tmp / "new.txt").write_text("new")
        dest.mkdir()
        (dest / "old.txt").write_text("old")
    assert sorted(p.name for p in dest.iterdir()) == ["new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_temporary_places_of_dead_processes_are_removed_and_only_those(tmp_path: Path) -> None:
    from forceplan.io.atomic import _host

    host, dead = _host(), _dead_pid()
    stale_dir = tmp_path / f".run.{dead}@{host}.k3j9x2qa.tmp"
    stale_file = tmp_path / f".plan.xlsx.{dead}@{host}.abcd1234.tmp"
    live = tmp_path / f".run.{os.getppid()}@{host}.k3j9x2qb.tmp"  # a running process's
    elsewhere = tmp_path / f".run.{dead}@another-host.k3j9x2qc.tmp"  # maybe live on its host
    set_aside = tmp_path / f".kept.{dead}@{host}.old1234.tmp"  # died between the two moves
    for d in (stale_dir, live, elsewhere, set_aside):
        d.mkdir()
        (d / "summary.json").write_text("{}")
    stale_file.write_text("half")
    (tmp_path / ".hidden.tmp").mkdir()  # not ours: no pid in the name
    with atomic_dir(tmp_path / "next") as tmp:
        (tmp / "a.txt").write_text("x")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted([live.name, elsewhere.name, ".hidden.tmp", "kept", "next"])
    assert (tmp_path / "kept" / "summary.json").is_file()  # restored, not removed


def test_check_writable_names_what_cannot_be_written(tmp_path: Path) -> None:
    from forceplan.io.atomic import check_writable

    check_writable(tmp_path / "new" / "deeper" / "run")  # creatable: fine, nothing created
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "file").write_text("x")
    with pytest.raises(RunFolderError, match="is not a folder"):
        check_writable(tmp_path / "file" / "run")
    with pytest.raises(RunFolderError, match="is not a folder"):
        check_writable(tmp_path / "file")
    if os.geteuid() != 0:  # root writes anywhere
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        try:
            with pytest.raises(RunFolderError, match="does not accept new files"):
                check_writable(ro / "run")
        finally:
            ro.chmod(0o755)
