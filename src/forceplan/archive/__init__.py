"""The run archive: scenarios, runs, users, tokens, workspaces, jobs and the audit log.

A SQLite file in ``FORCEPLAN_HOME`` by default, PostgreSQL (or any SQLAlchemy URL)
through ``FORCEPLAN_DATABASE_URL``; the schema is managed by the Alembic migrations
shipped in ``forceplan/archive/migrations``::

    from forceplan.archive import Database
    db = Database()                      # opens and migrates
    with db.session() as s:
        runs = list_runs(s)
"""

from __future__ import annotations

from forceplan.archive.config import database_url, forceplan_home, recording_enabled
from forceplan.archive.db import ArchiveError, Database
from forceplan.archive.store import list_runs, record_run_folder

__all__ = [
    "ArchiveError",
    "Database",
    "database_url",
    "forceplan_home",
    "list_runs",
    "record_run_folder",
    "recording_enabled",
]
