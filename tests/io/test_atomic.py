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
