"""Settings of the team server."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from forceplan.archive.config import database_url, forceplan_home

MB = 1024 * 1024


@dataclass
class Settings:
    """What a server instance runs with.

    Attributes
    ----------
    database_url
        SQLAlchemy URL of the archive (default: FORCEPLAN_DATABASE_URL or SQLite in home).
    data_dir
        Where uploaded scenarios and run folders are kept (default: FORCEPLAN_HOME/server).
    max_jobs
        Jobs run at once (the local Dask cluster gets this many single-thread workers).
    dask_address
        A running Dask scheduler to use instead of starting a local cluster.
    solver_threads
        Solver threads per job.
    max_upload_bytes, max_zip_members, max_member_bytes, max_unzipped_bytes, max_ratio
        Upload bounds: the upload itself, the members of a zip (or .xlsx, which is a
        zip), each member uncompressed, all members uncompressed, and the compression
        ratio of a member (zip bombs).
    """

    database_url: str = field(default_factory=lambda: database_url())
    data_dir: Path = field(default_factory=lambda: forceplan_home() / "server")
    max_jobs: int = 2
    dask_address: str | None = None
    solver_threads: int = 1
    max_upload_bytes: int = 20 * MB
    max_zip_members: int = 200
    max_member_bytes: int = 50 * MB
    max_unzipped_bytes: int = 200 * MB
    max_ratio: float = 200.0
    poll_seconds: float = 0.25
