"""``forceplan serve [--host 127.0.0.1] [--port 8000]``: the team server and its dashboard."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from forceplan.cli.common import command

FIRST_ADMIN = "admin"
"""The admin user created on the first start (with the default workspace)."""


def first_admin_token(database_url: str) -> str | None:
    """Create the admin user on first start; returns their token (None when users exist)."""
    from sqlalchemy import select

    from forceplan.archive.db import Database
    from forceplan.archive.models import User
    from forceplan.archive.store import DEFAULT_WORKSPACE, add_user, audit

    db = Database(database_url)
    try:
        with db.session() as s:
            if s.scalar(select(User.id).where(User.role == "admin").limit(1)) is not None:
                return None
            user, token = add_user(s, FIRST_ADMIN, "admin", [DEFAULT_WORKSPACE])
            audit(s, None, "user.add", f"user:{user.id}", detail={"role": "admin", "first": True})
            return token
    finally:
        db.dispose()


def _say(text: str) -> None:
    print(text, flush=True)


@command
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port.")] = 8000,
    jobs: Annotated[
        int, typer.Option("--jobs", min=1, max=64, help="Plans run at once (Dask workers).")
    ] = 2,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Uploads and run folders (default FORCEPLAN_HOME/server)."),
    ] = None,
    dask_scheduler: Annotated[
        str | None,
        typer.Option(
            "--dask-scheduler",
            metavar="ADDRESS",
            help="Use a running Dask scheduler instead of a local cluster.",
        ),
    ] = None,
) -> None:
    """Start the team server: HTTP API, job queue and dashboard.

    With no options: 127.0.0.1:8000, the SQLite archive in FORCEPLAN_HOME (PostgreSQL
    with FORCEPLAN_DATABASE_URL) and a local Dask cluster. On the first start an admin
    user is created and their token printed once.
    """
    import uvicorn

    from forceplan.server.app import create_app
    from forceplan.server.settings import Settings

    settings = Settings(max_jobs=jobs, dask_address=dask_scheduler)
    if data_dir is not None:
        settings.data_dir = data_dir
    token = first_admin_token(settings.database_url)
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    _say(f"forceplan team server: http://{shown}:{port}/  (API docs: http://{shown}:{port}/docs)")
    if token is not None:
        _say(f"first admin token (shown once, keep it safe): {token}")
    else:
        _say("admin exists: `forceplan users token admin` issues another token.")
    _say("Stop with Ctrl-C; queued jobs are kept and run at the next start.")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
    sys.exit(0)
