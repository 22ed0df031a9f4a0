"""Helpers shared by the routes: records to bodies, workspace checks, audit."""

from __future__ import annotations

import json
from typing import Annotated, Any

import pandas as pd
from fastapi import HTTPException, Path, Query, Request, status
from sqlalchemy.orm import Session

from forceplan.archive.db import Database
from forceplan.archive.models import Job, RunRecord, ScenarioRecord
from forceplan.server.auth import Principal
from forceplan.server.schemas import RunOut, ScenarioOut, TableOut, iso
from forceplan.server.settings import Settings

MAX_ID = 2_147_483_647
"""Ids are 32-bit integers in every archive database."""
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
"""An id in a path."""
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
"""An optional id in a query."""


def db_of(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def not_found(what: str, ident: int) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"no {what} {ident} in your workspaces")


def visible_scenario(s: Session, user: Principal, scenario_id: int) -> ScenarioRecord:
    """The scenario if the caller may see it; 404 otherwise (others' data is not revealed)."""
    rec = s.get(ScenarioRecord, scenario_id)
    if rec is None or rec.workspace_id not in user.workspace_ids:
        raise not_found("scenario", scenario_id)
    return rec


def visible_run(s: Session, user: Principal, run_id: int) -> RunRecord:
    """The run if the caller may see it; 404 otherwise."""
    rec = s.get(RunRecord, run_id)
    if rec is None or rec.workspace_id not in user.workspace_ids:
        raise not_found("run", run_id)
    return rec


def choose_workspace(user: Principal, workspace_id: int | None) -> int:
    """The workspace a write goes to: the one asked for (403 if not the caller's) or their first."""
    if workspace_id is None:
        if not user.workspace_ids:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "you are in no workspace")
        return min(user.workspace_ids)
    if workspace_id not in user.workspace_ids:
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"you are not in workspace {workspace_id}")
    return workspace_id


def scenario_out(rec: ScenarioRecord) -> ScenarioOut:
    return ScenarioOut(
        id=rec.id,
        workspace_id=rec.workspace_id,
        name=rec.name,
        filename=rec.filename,
        kind=rec.kind,
        content_hash=rec.content_hash,
        size=rec.size,
        notional=rec.notional,
        uploaded_by=rec.uploaded_by,
        created_at=iso(rec.created_at),
        warnings=sum(1 for p in rec.problems or [] if p.get("severity") == "warning"),
    )


def run_out(rec: RunRecord, job: Job | None) -> RunOut:
    return RunOut(
        id=rec.id,
        workspace_id=rec.workspace_id,
        scenario_id=rec.scenario_id,
        kind=rec.kind,
        source=rec.source,
        status=rec.status,
        plan_status=rec.plan_status,
        message=rec.message or "",
        scenario_name=rec.scenario_name,
        scenario_hash=rec.scenario_hash,
        notional=rec.notional,
        options=rec.options or {},
        user_name=rec.user_name,
        forceplan_version=rec.forceplan_version,
        created_at=iso(rec.created_at),
        started_at=iso(rec.started_at),
        finished_at=iso(rec.finished_at),
        timings=rec.timings or {},
        outputs=rec.outputs or {},
        progress=(job.progress if job is not None else {}) or {},
        attempt=job.attempt if job is not None else 0,
        error=(job.error if job is not None else "") or "",
    )


def table_out(name: str, frame: pd.DataFrame) -> TableOut:
    """A DataFrame as JSON rows (NaN as null)."""
    rows: list[dict[str, Any]] = json.loads(frame.to_json(orient="records", date_format="iso"))
    return TableOut(name=name, columns=[str(c) for c in frame.columns], rows=rows)
