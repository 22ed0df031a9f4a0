"""Request and response bodies of the HTTP API (they make the published OpenAPI schema)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from forceplan.validate.problems import Problem


def iso(value: datetime | None) -> str | None:
    """An archive time as ISO 8601 UTC text."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


class ProblemOut(BaseModel):
    """One located problem, as ``forceplan validate`` reports it."""

    severity: str
    rule: str
    message: str
    fix: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    cell: str | None = None
    where: str
    text: str

    @classmethod
    def of(cls, p: Problem) -> ProblemOut:
        return cls(**p.as_dict(), where=p.where(), text=f"{p.severity}: [{p.rule}] {p.describe()}")


class ValidationReport(BaseModel):
    """Every problem found, located (file, sheet, row, column) with its fix."""

    valid: bool
    errors: int
    warnings: int
    problems: list[ProblemOut]
    lines: list[str] = Field(description="The report as `forceplan validate` prints it.")

    @classmethod
    def of(cls, problems: list[Problem], source: str) -> ValidationReport:
        errors = sum(p.severity == "error" for p in problems)
        warnings = sum(p.severity == "warning" for p in problems)
        lines = [f"{p.severity}: [{p.rule}] {p.describe()}" for p in problems]
        lines.append(
            f"{source}: {errors} error(s), {warnings} warning(s)"
            if problems
            else f"{source}: valid, no problems found"
        )
        return cls(
            valid=errors == 0,
            errors=errors,
            warnings=warnings,
            problems=[ProblemOut.of(p) for p in problems],
            lines=lines,
        )


class ErrorOut(BaseModel):
    """An error: what is wrong and, for uploads, the located report."""

    detail: str | list[dict[str, Any]]
    report: ValidationReport | None = None


class Detail(BaseModel):
    """An error in words."""

    detail: str


COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": Detail, "description": "No valid token (missing, unknown or revoked)."},
    403: {"model": Detail, "description": "Your role or workspace does not allow this."},
    404: {"model": Detail, "description": "Not found in your workspaces."},
}
"""Responses every authenticated route can give."""


class WorkspaceOut(BaseModel):
    id: int
    name: str


class ScenarioOut(BaseModel):
    """An uploaded scenario."""

    id: int
    workspace_id: int
    name: str
    filename: str
    kind: str
    content_hash: str
    size: int
    notional: bool
    uploaded_by: str
    created_at: str | None
    warnings: int


class ScenarioUploaded(BaseModel):
    scenario: ScenarioOut
    report: ValidationReport


class RunRequest(BaseModel):
    """Start a plan of an uploaded scenario; options override the scenario header."""

    scenario_id: int = Field(ge=1, le=2_147_483_647)
    time_limit: float | None = Field(default=None, gt=0, le=86400)
    gap: float | None = Field(default=None, ge=0, le=1)
    mode: Literal["lexicographic", "weighted"] | None = None
    explain: bool = True
    report: bool = True


class RunOut(BaseModel):
    """A run and its job: status, progress, outcome."""

    id: int
    workspace_id: int | None
    scenario_id: int | None
    kind: str
    source: str
    status: str
    plan_status: str | None
    message: str
    scenario_name: str
    scenario_hash: str | None
    notional: bool
    options: dict[str, Any]
    user_name: str
    forceplan_version: str
    created_at: str | None
    started_at: str | None
    finished_at: str | None
    timings: dict[str, Any]
    outputs: dict[str, Any]
    progress: dict[str, Any]
    attempt: int
    error: str


class RunLog(BaseModel):
    id: int
    solver_log: str


class TableNames(BaseModel):
    names: list[str]


class TableOut(BaseModel):
    """A run-folder table as JSON: columns and one object per row."""

    name: str
    columns: list[str]
    rows: list[dict[str, Any]]


class CompareOut(BaseModel):
    """Two runs compared: the words of `forceplan compare` and the diff tables."""

    a: int
    b: int
    lines: list[str]
    inputs: TableOut
    figures: TableOut
    decisions: TableOut
    summary: TableOut


class UserCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    role: Literal["viewer", "planner", "admin"] = "viewer"
    workspaces: list[str] = Field(default_factory=lambda: ["default"], max_length=50)


class UserOut(BaseModel):
    id: int
    name: str
    role: str
    active: bool
    workspaces: list[str]


class UserCreated(BaseModel):
    user: UserOut
    token: str = Field(description="Shown only this once; the archive keeps its hash.")


class Revoked(BaseModel):
    user_id: int
    revoked: int


class WorkspaceCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)


class AuditOut(BaseModel):
    id: int
    at: str | None
    user_name: str
    workspace_id: int | None
    action: str
    target: str
    detail: dict[str, Any]


class Me(BaseModel):
    id: int
    name: str
    role: str
    workspaces: list[WorkspaceOut]


class Health(BaseModel):
    status: str
    version: str
