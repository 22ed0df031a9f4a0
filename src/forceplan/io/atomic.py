"""Write files and folders atomically: to a temporary place, then moved into place whole.

The temporary place sits next to the destination and is named after it, the
process and the host (``.run.4242@host.k3j9x2qa.tmp``), so that a later write
into the same folder can remove what a killed process left behind, and only
that: a temporary place of a process that is still running is never touched.

Publication never loses a run: the final move fails (rather than replaces) when
the destination appeared in the meantime, unless replacing was asked for; with
``unique`` the next free name (``run-2``, ``run-3``, ...) is taken instead.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import signal
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from forceplan.exceptions import RunFolderError

_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_STALE = re.compile(
    r"^\.(?P<name>.+)\.(?P<pid>\d+)@(?P<host>[A-Za-z0-9-]*)\.(?P<kind>[a-z0-9_]+)\.tmp$"
)
"""Name of a temporary place: ``.<dest name>.<pid>@<host>.<random or old...>.tmp``."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40]


def _tag() -> str:
    """``<pid>@<host>``: who owns a temporary place."""
    return f"{os.getpid()}@{_host()}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def clean_stale(folder: Path | str) -> list[Path]:
    """Remove the temporary places in *folder* left by dead processes of this host.

    A replaced folder set aside (``.NAME.<pid>@<host>.old….tmp``) whose destination
    is missing (the process died between the two moves of a replacement) is
    moved back to its destination instead of removed.

    Returns
    -------
    list of Path
        What was removed or restored.
    """
    folder = Path(folder)
    done: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return done
    host = _host()
    for entry in entries:
        m = _STALE.match(entry.name)
        if m is None or m["host"] != host or _alive(int(m["pid"])):
            continue
        path = Path(entry.path)
        dest = folder / m["name"]
        try:
            if m["kind"].startswith("old") and not dest.exists():
                os.rename(path, dest)
            elif entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:
            continue
        done.append(path)
    return done


_libc: ctypes.CDLL | None = None


def _renameat2(src: Path, dst: Path, flags: int) -> bool:
    """``renameat2(2)`` with *flags*; False when the system does not offer it."""
    global _libc
    try:
        if _libc is None:
            _libc = ctypes.CDLL(None, use_errno=True)
        fn = _libc.renameat2
    except (OSError, AttributeError):
        return False
    res = fn(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), flags)
    if res == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL):  # kernel or file system without it
        return False
    raise OSError(err, os.strerror(err), str(dst))


def _move_noreplace(src: Path, dst: Path) -> None:
    """Move *src* to *dst*; ``FileExistsError`` when *dst* exists (even as an empty folder)."""
    try:
        if _renameat2(src, dst, _RENAME_NOREPLACE):
            return
    except FileExistsError:
        if not (dst.is_dir() and not dst.is_symlink()):
            raise
        try:
            os.rmdir(dst)  # an empty folder holds no run: take its place
        except OSError:
            raise FileExistsError(errno.EEXIST, "exists", str(dst)) from None
        if _renameat2(src, dst, _RENAME_NOREPLACE):
            return
    # fallback: rename(2) replaces only an empty folder, which holds no run
    try:
        os.rename(src, dst)
    except OSError as exc:
        if exc.errno in (errno.EEXIST, errno.ENOTEMPTY, errno.EISDIR, errno.ENOTDIR):
            raise FileExistsError(errno.EEXIST, "exists", str(dst)) from exc
        raise


def _move_replace(src: Path, dst: Path) -> None:
    """Move folder *src* to *dst*, replacing *dst*; the old *dst* is removed after."""
    if not dst.exists():
        try:
            _move_noreplace(src, dst)
            return
        except FileExistsError:
            pass  # appeared meanwhile: replace it below
    if dst.is_dir() and not dst.is_symlink() and _renameat2(src, dst, _RENAME_EXCHANGE):
        shutil.rmtree(src, ignore_errors=True)  # src now holds the old folder
        return
    old = dst.with_name(f".{dst.name}.{_tag()}.old{os.urandom(4).hex()}.tmp")
    os.replace(dst, old)
    os.replace(src, dst)
    if old.is_dir() and not old.is_symlink():
        shutil.rmtree(old, ignore_errors=True)
    else:
        old.unlink(missing_ok=True)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM (delivered after the block): a move is never half-recorded."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def publish_dir(
    tmp: Path,
    dest: Path,
    overwrite: bool = False,
    unique: bool = False,
    on_published: Callable[[Path], None] | None = None,
) -> Path:
    """Move the finished folder *tmp* to *dest* whole and return where it went.

    Parameters
    ----------
    tmp
        The finished temporary folder (next to *dest*).
    dest
        Where it goes.
    overwrite
        Replace *dest* if it exists.
    unique
        When *dest* exists, take the next free name ``dest-2``, ``dest-3``, ...
    on_published
        Called with the final place as soon as the folder is there, before
        SIGINT or SIGTERM can interrupt (so a caller always knows).

    Raises
    ------
    RunFolderError
        When *dest* exists and neither *overwrite* nor *unique* is set; *dest*
        is left as it is.
    """
    candidate, n = dest, 1
    while True:
        with _signals_held():
            try:
                if overwrite:
                    _move_replace(tmp, candidate)
                else:
                    _move_noreplace(tmp, candidate)
            except FileExistsError:
                if not unique or n >= 1000:
                    raise RunFolderError(
                        f"{candidate} appeared while this run was being written (another run "
                        "writing to the same place?); it was left as it is and this run was "
                        "not written. Fix: choose a new folder, or pass --force to replace it."
                    ) from None
            else:
                if on_published is not None:
                    on_published(candidate)
                return candidate
        n += 1
        candidate = dest.with_name(f"{dest.name}-{n}")


@contextmanager
def atomic_dir(
    dest: Path | str,
    overwrite: bool = False,
    unique: bool = False,
    on_published: Callable[[Path], None] | None = None,
) -> Iterator[Path]:
    """Yield a temporary folder next to *dest*; on success move it to *dest* whole.

    On any error (including ``KeyboardInterrupt``) the temporary folder is removed
    and *dest* is left as it was. Temporary folders of dead processes in the same
    parent folder are removed first (see :func:`clean_stale`).

    Parameters
    ----------
    dest
        Final folder.
    overwrite
        Replace an existing non-empty *dest*; otherwise that is an error.
    unique, on_published
        See :func:`publish_dir`.
    """
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise RunFolderError(f"{dest} exists and is not a folder. Fix: choose another path.")
    if dest.is_dir() and any(dest.iterdir()) and not overwrite and not unique:
        raise RunFolderError(
            f"{dest} already exists and is not empty. Fix: choose a new folder, or pass "
            "--force to replace it."
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(dest.parent)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.{_tag()}.", suffix=".tmp", dir=dest.parent))
    tmp.chmod(0o777 & ~_umask())  # mkdtemp makes it private; a run folder is a normal folder
    try:
        yield tmp
        publish_dir(tmp, dest, overwrite=overwrite, unique=unique, on_published=on_published)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


@contextmanager
def atomic_file(dest: Path | str) -> Iterator[Path]:
    """Yield a temporary file path next to *dest*; on success rename it to *dest*."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(dest.parent)
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.{_tag()}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.chmod(0o666 & ~_umask())  # mkstemp makes it private; the result is a normal file
    try:
        yield tmp
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def check_writable(dest: Path | str) -> None:
    """Check that folder *dest* could be created (or replaced) now, by trying in its parent.

    Run before a long computation, so that an unwritable destination is reported
    at once instead of after it. Nothing is left behind.

    Raises
    ------
    RunFolderError
        Naming the folder that cannot be written and how to fix it.
    """
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise RunFolderError(f"{dest} exists and is not a folder. Fix: choose another path.")
    parent = dest.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise RunFolderError(
            f"{dest} cannot be created: {parent} is not a folder. Fix: choose another path."
        )
    try:
        probe = tempfile.mkdtemp(prefix=f".{dest.name}.{_tag()}.", suffix=".tmp", dir=parent)
        os.rmdir(probe)
    except OSError as exc:
        raise RunFolderError(
            f"{dest} cannot be written: {parent} does not accept new files ({exc.strerror}). "
            "Fix: choose a folder you can write to with --out, or fix its permissions."
        ) from exc
