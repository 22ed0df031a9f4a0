"""Where the archive lives: FORCEPLAN_HOME, FORCEPLAN_DATABASE_URL, FORCEPLAN_ARCHIVE."""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "FORCEPLAN_HOME"
"""Folder of the archive database and the server's files (default ~/.local/share/forceplan)."""
DATABASE_ENV = "FORCEPLAN_DATABASE_URL"
"""SQLAlchemy URL of the archive (default: a SQLite file in FORCEPLAN_HOME)."""
ARCHIVE_ENV = "FORCEPLAN_ARCHIVE"
"""``off`` (or ``0``, ``no``, ``false``): the CLI does not record its runs."""

SQLITE_FILE = "archive.sqlite"


def forceplan_home() -> Path:
    """The folder holding the default archive and the server's files."""
    explicit = os.environ.get(HOME_ENV)
    if explicit:
        return Path(explicit).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data).expanduser() / "forceplan"


def database_url(url: str | None = None) -> str:
    """The archive's SQLAlchemy URL: *url*, else FORCEPLAN_DATABASE_URL, else SQLite in home.

    ``postgres://`` (as Heroku-style URLs spell it) is read as ``postgresql://``.
    """
    chosen = url or os.environ.get(DATABASE_ENV) or ""
    if not chosen:
        return f"sqlite:///{forceplan_home() / SQLITE_FILE}"
    if chosen.startswith("postgres://"):
        chosen = "postgresql://" + chosen[len("postgres://") :]
    return chosen


def recording_enabled() -> bool:
    """Whether the CLI records its runs (FORCEPLAN_ARCHIVE is not off)."""
    value = os.environ.get(ARCHIVE_ENV, "on").strip().lower()
    return value not in ("off", "0", "no", "false")
