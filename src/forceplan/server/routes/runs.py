"""Run routes: start a plan job, status and progress, results, run folder, report, compare."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from forceplan import __version__
from forceplan.archive.models import Job, RunRecord
from forceplan.archive.store import audit
from forceplan.server.auth import PLANNER, VIEWER, Principal
from forceplan.server.jobs import requeue
from forceplan.server.routes.common import (
    MAX_ID,
    Id,
    OptionalId,
    db_of,
    run_out,
    settings_of,
    table_out,
    visible_run,
    visible_scenario,
)
from forceplan.server.schemas import (
    COMMON_RESPONSES,
    CompareOut,
    Detail,
    RunLog,
    RunOut,
    RunRequest,
    TableNames,
    TableOut,
)

SANDBOX = {"Content-Security-Policy": "sandbox allow-scripts"}
"""Report pages run their chart scripts in an opaque origin: never with the API's (tokens)."""

router = APIRouter(tags=["runs"], responses=COMMON_RESPONSES)

NOT_DONE: dict[int | str, dict[str, Any]] = {
    409: {"description": "The run has no results (yet): see its status."}
}


def _job(s: Any, run_id: int) -> Job | None:
    job: Job | None = s.scalar(select(Job).where(Job.run_id == run_id))
    return job


def _done_dir(rec: RunRecord) -> Path:
    """The run folder of a finished run; 409 while it has none."""
    if rec.status != "done" or not rec.run_dir or not Path(rec.run_dir).is_dir():
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"run {rec.id} has no results (status {rec.status}); wait until it is done",
        )
    return Path(rec.run_dir)


@router.post(
    "/api/runs",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RunOut,
    summary="Start a plan as a job",
)
def start_run(request: Request, body: RunRequest, user: Principal = PLANNER) -> RunOut:
    """Queue a plan of an uploaded scenario; poll `GET /api/runs/{id}` for its progress."""
    settings = settings_of(request)
    db = db_of(request)
    with db.session() as s:
        scen = visible_scenario(s, user, body.scenario_id)
        options = {
            "time_limit": body.time_limit,
            "gap": body.gap,
            "mode": body.mode,
            "threads": settings.solver_threads,
            "explain": body.explain,
            "report": body.report,
        }
        rec = RunRecord(
            workspace_id=scen.workspace_id,
            scenario_id=scen.id,
            source="server",
            kind="plan",
            status="queued",
            scenario_name=scen.name,
            scenario_hash=scen.content_hash,
            notional=scen.notional,
            options=options,
            inputs={},
            user_name=user.name,
            forceplan_version=__version__,
        )
        s.add(rec)
        s.flush()
        inputs = settings.data_dir / "inputs" / f"run-{rec.id}"
        shutil.copytree(Path(scen.storage_path) / "scenario", inputs, dirs_exist_ok=True)
        rec.inputs = {
            "scenario_id": scen.id,
            "filename": scen.filename,
            "content_hash": scen.content_hash,
            "scenario_dir": str(inputs),
        }
        job = Job(run_id=rec.id, kind="plan", status="queued", attempt=0, progress={}, error="")
        s.add(job)
        s.flush()
        audit(
            s,
            None,
            "run.start",
            f"run:{rec.id}",
            rec.workspace_id,
            {"scenario_id": scen.id, "options": options},
            user_name=user.name,
            user_id=user.id,
        )
        out = run_out(rec, job)
    request.app.state.queue.notify()
    return out


@router.get("/api/runs", response_model=list[RunOut], summary="List runs")
def list_runs(
    request: Request,
    workspace_id: OptionalId = None,
    status_is: str | None = Query(default=None, alias="status", max_length=20),
    limit: int = Query(default=100, ge=1, le=1000),
    user: Principal = VIEWER,
) -> list[RunOut]:
    """The runs of your workspaces, newest first."""
    ids = user.workspace_ids if workspace_id is None else user.workspace_ids & {workspace_id}
    with db_of(request).session() as s:
        query = select(RunRecord, Job).outerjoin(Job, Job.run_id == RunRecord.id)
        query = query.where(RunRecord.workspace_id.in_(ids))
        if status_is is not None:
            query = query.where(RunRecord.status == status_is)
        rows = s.execute(query.order_by(RunRecord.id.desc()).limit(limit)).all()
        return [run_out(r, j) for r, j in rows]


@router.get("/api/runs/{run_id}", response_model=RunOut, summary="Run status and progress")
def get_run(request: Request, run_id: Id, user: Principal = VIEWER) -> RunOut:
    """Status (queued, running, done, failed, interrupted), progress of the phases, outcome."""
    with db_of(request).session() as s:
        rec = visible_run(s, user, run_id)
        return run_out(rec, _job(s, run_id))


@router.get("/api/runs/{run_id}/log", response_model=RunLog, summary="The run's solver log")
def run_log(request: Request, run_id: Id, user: Principal = VIEWER) -> RunLog:
    with db_of(request).session() as s:
        rec = visible_run(s, user, run_id)
        return RunLog(id=rec.id, solver_log=rec.solver_log or "")


@router.post(
    "/api/runs/{run_id}/rerun",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RunOut,
    responses={
        409: {"model": Detail, "description": "Only interrupted or failed runs are re-run."}
    },
    summary="Re-run an interrupted or failed run",
)
def rerun(request: Request, run_id: Id, user: Principal = PLANNER) -> RunOut:
    db = db_of(request)
    with db.session() as s:
        rec = visible_run(s, user, run_id)
        ws = rec.workspace_id
    if not requeue(db, run_id):
        raise HTTPException(status.HTTP_409_CONFLICT, f"run {run_id} is not interrupted or failed")
    with db.session() as s:
        audit(s, None, "run.rerun", f"run:{run_id}", ws, user_name=user.name, user_id=user.id)
        rec = visible_run(s, user, run_id)
        out = run_out(rec, _job(s, run_id))
    request.app.state.queue.notify()
    return out


@router.get(
    "/api/runs/{run_id}/tables",
    response_model=TableNames,
    responses=NOT_DONE,
    summary="Names of the result tables",
)
def table_names(request: Request, run_id: Id, user: Principal = VIEWER) -> TableNames:
    from forceplan.io.run_folder import read_run_folder

    with db_of(request).session() as s:
        folder = _done_dir(visible_run(s, user, run_id))
    return TableNames(names=sorted(read_run_folder(folder).tables))


@router.get(
    "/api/runs/{run_id}/tables/{name}",
    response_model=TableOut,
    responses=NOT_DONE,
    summary="One result table as JSON",
)
def table(request: Request, run_id: Id, name: str, user: Principal = VIEWER) -> TableOut:
    """A plan table (stock, deliveries, shortfalls, ...) as columns and rows."""
    from forceplan.io.run_folder import read_run_folder

    with db_of(request).session() as s:
        folder = _done_dir(visible_run(s, user, run_id))
    tables = read_run_folder(folder).tables
    if name not in tables:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"no table {name!r}; the run has {', '.join(sorted(tables))}"
        )
    return table_out(name, tables[name])


@router.get(
    "/api/runs/{run_id}/folder.zip",
    responses={
        200: {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}},
        **NOT_DONE,
    },
    summary="The run folder as a zip",
)
def run_zip(request: Request, run_id: Id, user: Principal = VIEWER) -> Response:
    """The whole run folder (the exchange format: `forceplan compare` and `report` read it)."""
    with db_of(request).session() as s:
        folder = _done_dir(visible_run(s, user, run_id))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, f"run-{run_id}/{path.relative_to(folder).as_posix()}")
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="run-{run_id}.zip"'},
    )


@router.get(
    "/api/runs/{run_id}/report",
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}, **NOT_DONE},
    summary="The run's HTML report",
)
def run_report(request: Request, run_id: Id, user: Principal = VIEWER) -> HTMLResponse:
    """`report.html` of the run: the charts, shortfalls and explanations (self-contained)."""
    with db_of(request).session() as s:
        folder = _done_dir(visible_run(s, user, run_id))
    page = folder / "report.html"
    if not page.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "this run was planned without a report")
    return HTMLResponse(page.read_text(encoding="utf-8"), headers=SANDBOX)


def _two(request: Request, user: Principal, a: int, b: int) -> tuple[Path, Path]:
    with db_of(request).session() as s:
        return _done_dir(visible_run(s, user, a)), _done_dir(visible_run(s, user, b))


@router.get("/api/compare", response_model=CompareOut, responses=NOT_DONE, summary="Compare runs")
def compare_runs(
    request: Request,
    a: int = Query(ge=1, le=MAX_ID, description="Run A (the reference)"),
    b: int = Query(ge=1, le=MAX_ID, description="Run B"),
    user: Principal = VIEWER,
) -> CompareOut:
    """What differs in the inputs and the plans, as `forceplan compare` says it."""
    import pandas as pd

    from forceplan.results.compare import compare

    folder_a, folder_b = _two(request, user, a, b)
    c = compare(folder_a, folder_b)
    out = c.outputs
    empty = pd.DataFrame()
    return CompareOut(
        a=a,
        b=b,
        lines=c.describe(),
        inputs=table_out("inputs", c.inputs),
        figures=table_out("figures", out.figures if out else empty),
        decisions=table_out("decisions", out.decisions if out else empty),
        summary=table_out("summary", out.summary if out else empty),
    )


@router.get(
    "/api/compare/report",
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}, **NOT_DONE},
    summary="Side-by-side comparison page",
)
def compare_report(
    request: Request,
    a: int = Query(ge=1, le=MAX_ID, description="Run A (the reference)"),
    b: int = Query(ge=1, le=MAX_ID, description="Run B"),
    user: Principal = VIEWER,
) -> HTMLResponse:
    """The comparison page of `forceplan compare` (compare.html, side-by-side charts)."""
    from forceplan.report.compare_html import compare_html
    from forceplan.results.compare import compare

    folder_a, folder_b = _two(request, user, a, b)
    return HTMLResponse(compare_html(compare(folder_a, folder_b)), headers=SANDBOX)
