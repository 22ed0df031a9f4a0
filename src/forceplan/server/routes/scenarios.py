"""Scenario routes: upload (.xlsx or zipped CSV folder), validate, list, download, delete."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile, status
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy import select

from forceplan.archive.models import ScenarioRecord
from forceplan.archive.store import audit
from forceplan.server.auth import PLANNER, VIEWER, Principal
from forceplan.server.routes.common import (
    MAX_ID,
    Id,
    OptionalId,
    choose_workspace,
    db_of,
    scenario_out,
    settings_of,
    visible_scenario,
)
from forceplan.server.schemas import (
    COMMON_RESPONSES,
    Detail,
    ErrorOut,
    ScenarioOut,
    ScenarioUploaded,
    ValidationReport,
)
from forceplan.server.settings import Settings
from forceplan.server.uploads import UploadRejected, safe_filename, unpack
from forceplan.validate.problems import Problem

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
router = APIRouter(prefix="/api/scenarios", tags=["scenarios"], responses=COMMON_RESPONSES)

UPLOAD_ERRORS: dict[int | str, dict[str, object]] = {
    413: {"model": ErrorOut, "description": "Too large (the report says which bound)."},
    415: {"model": ErrorOut, "description": "Neither .xlsx nor .zip."},
    422: {"model": ErrorOut, "description": "Not a valid scenario: the located report."},
}


def _rejected(exc: UploadRejected, source: str) -> JSONResponse:
    report = ValidationReport.of(exc.problems, source)
    body = ErrorOut(detail=f"{source} was refused: {report.lines[0]}", report=report)
    return JSONResponse(body.model_dump(), status_code=exc.status_code)


def _read_upload(file: UploadFile, settings: Settings) -> tuple[str, bytes]:
    name = safe_filename(file.filename)
    data = file.file.read(settings.max_upload_bytes + 1)
    return name, data


def _validate(
    data: bytes, name: str, work: Path, settings: Settings
) -> tuple[object, list[Problem]]:
    """Unpack and validate an upload: (scenario or None, problems). Raises UploadRejected."""
    from forceplan.io.load import validate_path

    upload = unpack(data, name, work, settings)
    try:
        return validate_path(upload.source)
    except Exception as exc:  # a reader choking on a malformed file: still a located report
        raise UploadRejected(
            [
                Problem(
                    "error",
                    "unreadable",
                    f"{name} could not be read ({type(exc).__name__}: {exc}).",
                    "save the workbook again from Excel as .xlsx, or zip the scenario folder "
                    "again; `forceplan validate` shows the same report locally.",
                    file=name,
                )
            ]
        ) from exc


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ScenarioUploaded,
    responses=UPLOAD_ERRORS,
    summary="Upload a scenario",
)
def upload_scenario(
    request: Request,
    file: Annotated[UploadFile, File(description="An .xlsx workbook or a .zip of a folder.")],
    workspace_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    user: Principal = PLANNER,
) -> ScenarioUploaded | JSONResponse:
    """Upload a scenario; it is validated and kept only when it has no errors.

    A scenario with errors gets 422 and the same located report as `forceplan validate`.
    """
    settings = settings_of(request)
    ws = choose_workspace(user, workspace_id)
    name, data = _read_upload(file, settings)
    folder = settings.data_dir / "scenarios" / uuid.uuid4().hex
    try:
        scenario, problems = _validate(data, name, folder / "upload", settings)
    except UploadRejected as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return _rejected(exc, name)
    report = ValidationReport.of(problems, name)
    if scenario is None:
        shutil.rmtree(folder, ignore_errors=True)
        body = ErrorOut(
            detail=f"{name} is not a valid scenario ({report.errors} error(s))", report=report
        )
        return JSONResponse(body.model_dump(), status_code=422)
    from forceplan.io.csv_folder import write_folder
    from forceplan.io.run_folder import scenario_hash

    canonical = write_folder(scenario.header, scenario.tables, folder / "scenario")  # type: ignore[attr-defined]
    (folder / f"original.{name.rsplit('.', 1)[-1].lower()}").write_bytes(data)
    shutil.rmtree(folder / "upload", ignore_errors=True)
    db = db_of(request)
    with db.session() as s:
        rec = ScenarioRecord(
            workspace_id=ws,
            name=scenario.name,  # type: ignore[attr-defined]
            filename=name,
            kind=name.rsplit(".", 1)[-1].lower(),
            content_hash=scenario_hash(canonical),
            size=len(data),
            notional=bool(scenario.notional),  # type: ignore[attr-defined]
            problems=[p.as_dict() for p in problems],
            storage_path=str(folder),
            uploaded_by=user.name,
        )
        s.add(rec)
        s.flush()
        audit(
            s,
            None,
            "scenario.upload",
            f"scenario:{rec.id}",
            ws,
            {"filename": name, "hash": rec.content_hash},
            user_name=user.name,
            user_id=user.id,
        )
        out = scenario_out(rec)
    return ScenarioUploaded(scenario=out, report=report)


@router.post(
    "/validate",
    response_model=ValidationReport,
    responses=UPLOAD_ERRORS,
    summary="Validate a scenario without keeping it",
)
def validate_scenario(
    request: Request,
    file: Annotated[UploadFile, File(description="An .xlsx workbook or a .zip of a folder.")],
    user: Principal = VIEWER,
) -> ValidationReport | JSONResponse:
    """The located report of `forceplan validate` for an uploaded file (nothing is kept)."""
    settings = settings_of(request)
    name, data = _read_upload(file, settings)
    work = settings.data_dir / "tmp" / uuid.uuid4().hex
    try:
        _scenario, problems = _validate(data, name, work, settings)
    except UploadRejected as exc:
        return _rejected(exc, name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return ValidationReport.of(problems, name)


@router.get("", response_model=list[ScenarioOut], summary="List scenarios")
def list_scenarios(
    request: Request, workspace_id: OptionalId = None, user: Principal = VIEWER
) -> list[ScenarioOut]:
    """The scenarios of your workspaces (or of one of them), newest first."""
    ids = user.workspace_ids if workspace_id is None else user.workspace_ids & {workspace_id}
    with db_of(request).session() as s:
        recs = s.scalars(
            select(ScenarioRecord)
            .where(ScenarioRecord.workspace_id.in_(ids))
            .order_by(ScenarioRecord.id.desc())
        )
        return [scenario_out(r) for r in recs]


@router.get("/{scenario_id}", response_model=ScenarioOut, summary="One scenario")
def get_scenario(request: Request, scenario_id: Id, user: Principal = VIEWER) -> ScenarioOut:
    with db_of(request).session() as s:
        return scenario_out(visible_scenario(s, user, scenario_id))


@router.get(
    "/{scenario_id}/validation", response_model=ValidationReport, summary="Its validation report"
)
def scenario_validation(
    request: Request, scenario_id: Id, user: Principal = VIEWER
) -> ValidationReport:
    """The report of the scenario when it was uploaded (its warnings)."""
    with db_of(request).session() as s:
        rec = visible_scenario(s, user, scenario_id)
        problems = [Problem(**p) for p in rec.problems or []]
        return ValidationReport.of(problems, rec.filename)


@router.get(
    "/{scenario_id}/download",
    responses={
        200: {
            "content": {
                XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
                "application/zip": {"schema": {"type": "string", "format": "binary"}},
            }
        },
        410: {"model": Detail, "description": "The file is gone from the server."},
    },
    summary="Download the uploaded file",
)
def download_scenario(request: Request, scenario_id: Id, user: Principal = VIEWER) -> FileResponse:
    """The file exactly as uploaded (.xlsx or .zip)."""
    with db_of(request).session() as s:
        rec = visible_scenario(s, user, scenario_id)
    path = Path(rec.storage_path) / f"original.{rec.kind}"
    if not path.is_file():
        raise HTTPException(status.HTTP_410_GONE, "the uploaded file is no longer on the server")
    media = XLSX_TYPE if rec.kind == "xlsx" else "application/zip"
    return FileResponse(path, media_type=media, filename=rec.filename)


@router.delete(
    "/{scenario_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a scenario"
)
def delete_scenario(request: Request, scenario_id: Id, user: Principal = PLANNER) -> None:
    """Delete the scenario and its file; its runs stay (they hold their own copy)."""
    with db_of(request).session() as s:
        rec = visible_scenario(s, user, scenario_id)
        folder, ws = rec.storage_path, rec.workspace_id
        s.delete(rec)
        audit(
            s,
            None,
            "scenario.delete",
            f"scenario:{scenario_id}",
            ws,
            user_name=user.name,
            user_id=user.id,
        )
    shutil.rmtree(folder, ignore_errors=True)
