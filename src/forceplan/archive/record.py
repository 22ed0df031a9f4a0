"""Record CLI runs in the archive; a failure to record warns and never loses the run."""

from __future__ import annotations

import sys
from pathlib import Path

from forceplan.archive.config import recording_enabled


def record_cli_run(run_dir: Path) -> int | None:
    """Record the run folder *run_dir* written by ``forceplan plan``.

    Returns the archive id, or None when recording is off (FORCEPLAN_ARCHIVE=off)
    or failed (a warning is printed on stderr; the run folder is untouched).
    """
    if not recording_enabled():
        return None
    try:
        from forceplan.archive.db import Database
        from forceplan.archive.store import audit, record_run_folder

        db = Database()
        try:
            with db.session() as session:
                record = record_run_folder(session, run_dir, source="cli")
                run_id = record.id
                audit(session, None, "run.record", f"run:{run_id}", user_name=record.user_name)
        finally:
            db.dispose()
    except Exception as exc:  # never fail a written run because the archive is unavailable
        print(
            f"warning: the run was written to {run_dir} but could not be recorded in the archive "
            f"({type(exc).__name__}: {exc}). Fix: check FORCEPLAN_DATABASE_URL / FORCEPLAN_HOME, "
            "or set FORCEPLAN_ARCHIVE=off to stop recording.",
            file=sys.stderr,
        )
        return None
    return run_id
