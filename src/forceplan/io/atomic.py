"""Write files and folders atomically: to a temporary place, then moved into place whole."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from forceplan.exceptions import RunFolderError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_dir(dest: Path | str, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary folder next to *dest*; on success move it to *dest* whole.

    On any error (including ``KeyboardInterrupt``) the temporary folder is removed
    and *dest* is left as it was.

    Parameters
    ----------
    dest
        Final folder.
    overwrite
        Replace an existing non-empty *dest*; otherwise that is an error.
    """
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise RunFolderError(f"{dest} exists and is not a folder. Fix: choose another path.")
    if dest.is_dir() and any(dest.iterdir()) and not overwrite:
        raise RunFolderError(
            f"{dest} already exists and is not empty. Fix: choose a new folder, or pass "
            "--force to replace it."
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent))
    tmp.chmod(0o777 & ~_umask())  # mkdtemp makes it private; a run folder is a normal folder
    try:
        yield tmp
        if dest.exists():
            old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
            os.replace(dest, old)
            os.replace(tmp, dest)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


@contextmanager
def atomic_file(dest: Path | str) -> Iterator[Path]:
    """Yield a temporary file path next to *dest*; on success rename it to *dest*."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.chmod(0o666 & ~_umask())  # mkstemp makes it private; the result is a normal file
    try:
        yield tmp
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
