"""The team server: FastAPI app with the archive, the job queue and the dashboard."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from forceplan.archive.db import Database
from forceplan.server.jobs import JobQueue
from forceplan.server.routes import admin, runs, scenarios
from forceplan.server.schemas import Health
from forceplan.server.settings import Settings

log = logging.getLogger(__name__)


def static_dir() -> Path:
    """The dashboard's files shipped inside the package."""
    return Path(str(resources.files("forceplan.server").joinpath("static")))


def create_app(settings: Settings | None = None, start_jobs: bool = True) -> FastAPI:
    """The server app; the archive is opened (and migrated) and the job queue started on startup.

    Parameters
    ----------
    settings
        Database, data folder, job concurrency and upload bounds.
    start_jobs
        Start the Dask cluster and the dispatcher (off: requests only, jobs stay queued).
    """
    from forceplan import __version__

    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db = Database(settings.database_url)
        queue = JobQueue(db, settings)
        app.state.db, app.state.queue, app.state.settings = db, queue, settings
        if start_jobs:
            queue.start()
        try:
            yield
        finally:
            if start_jobs:
                queue.stop()
            db.dispose()

    app = FastAPI(
        title="forceplan team server",
        version=__version__,
        description="Shared scenarios, queued plans and archived runs of forceplan. Every route "
        "but /api/health and the dashboard's sign-in page needs a bearer token; roles are "
        "viewer (read), planner (upload, run) and admin (users); each user sees only the "
        "scenarios and runs of their workspaces.",
        lifespan=lifespan,
    )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", [])), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.get("/api/health", response_model=Health, tags=["health"])
    def health() -> Health:
        """Liveness: no token needed."""
        return Health(status="ok", version=__version__)

    app.include_router(scenarios.router)
    app.include_router(runs.router)
    app.include_router(admin.router)

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        """The dashboard (its sign-in page needs no token; every API call it makes does)."""
        return FileResponse(static_dir() / "index.html", media_type="text/html")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    app.mount("/static", StaticFiles(directory=static_dir()), name="static")
    return app
