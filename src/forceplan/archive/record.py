"""Record CLI runs in the archive."""

from __future__ import annotations

from pathlib import Path

from forceplan.archive.config import recording_enabled


def record_cli_run(run_dir: Path) -> int | None:
    """Record the run folder *run_dir* written by ``forceplan plan``; returns its archive id.

    Returns None when recording is off (``FORCEPLAN_ARCHIVE=off``). Raises whatever
    the database raises: the caller decides that a failure only warns (the run folder
    is already written and is never touched here).
    """
    if not recording_enabled():
        return None
    from forceplan.archive.db import Database
    from forceplan.archive.store import audit, record_run_folder

    db = Database()
    try:
        with db.session() as session:
            record = record_run_folder(session, run_dir, source="cli")
            audit(session, None, "run.record", f"run:{record.id}", user_name=record.user_name)
            return record.id
    finally:
        db.dispose()
