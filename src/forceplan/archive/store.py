"""Archive operations shared by the CLI and the server: users, tokens, runs, audit."""

from __future__ import annotations

import getpass
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from forceplan.archive.models import (
    ROLES,
    AuditEntry,
    Membership,
    RunRecord,
    Token,
    User,
    Workspace,
    utcnow,
)
from forceplan.archive.tokens import hash_token, new_token, shown_prefix
from forceplan.exceptions import ForceplanError

DEFAULT_WORKSPACE = "default"
"""The workspace ``forceplan serve`` creates on first start."""


class ArchiveInputError(ForceplanError):
    """A request to the archive names something that does not exist or is not allowed."""


def check_role(role: str) -> str:
    """*role* if it is one of :data:`ROLES`, else an error naming them."""
    if role not in ROLES:
        raise ArchiveInputError(
            f"unknown role {role!r}. Fix: use one of {', '.join(ROLES)} "
            "(viewer reads, planner also uploads and runs, admin also manages users)."
        )
    return role


def role_at_least(role: str, needed: str) -> bool:
    """Whether *role* includes the rights of *needed* (viewer < planner < admin)."""
    return ROLES.index(role) >= ROLES.index(needed)


def workspace(session: Session, name: str, create: bool = True) -> Workspace:
    """The workspace called *name* (created when missing and *create*)."""
    found = session.scalar(select(Workspace).where(Workspace.name == name))
    if found is not None:
        return found
    if not create:
        raise ArchiveInputError(
            f"no workspace called {name!r}. Fix: create it first (forceplan users add "
            "--workspace creates it) or check the spelling."
        )
    ws = Workspace(name=name)
    session.add(ws)
    session.flush()
    return ws


def user_by_name(session: Session, name: str) -> User | None:
    """The user called *name*, if any."""
    return session.scalar(select(User).where(User.name == name))


def issue_token(session: Session, user: User, label: str = "") -> str:
    """A new token for *user*; only its hash is stored, the token is returned once."""
    token = new_token()
    session.add(
        Token(
            user_id=user.id, token_hash=hash_token(token), prefix=shown_prefix(token), label=label
        )
    )
    session.flush()
    return token


def add_user(
    session: Session, name: str, role: str, workspaces: list[str] | None = None
) -> tuple[User, str]:
    """Create user *name* with *role*, member of *workspaces*; returns the user and a token.

    Raises
    ------
    ArchiveInputError
        When the name is taken or the role unknown.
    """
    check_role(role)
    name = name.strip()
    if not name or len(name) > 100:
        raise ArchiveInputError("a user name needs 1 to 100 characters. Fix: pick another name.")
    if user_by_name(session, name) is not None:
        raise ArchiveInputError(
            f"a user called {name!r} already exists. Fix: pick another name, or issue them a "
            "new token with `forceplan users token NAME`."
        )
    user = User(name=name, role=role, active=True)
    session.add(user)
    session.flush()
    for ws_name in workspaces or [DEFAULT_WORKSPACE]:
        session.add(Membership(user_id=user.id, workspace_id=workspace(session, ws_name).id))
    session.flush()
    session.refresh(user)
    return user, issue_token(session, user, label="created with the user")


def revoke_tokens(session: Session, user: User) -> int:
    """Revoke every live token of *user*; returns how many were revoked."""
    result = session.execute(
        update(Token)
        .where(Token.user_id == user.id, Token.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def authenticate(session: Session, token: str) -> User | None:
    """The active user holding *token* (not revoked), or None."""
    if not token or len(token) > 200:
        return None
    row = session.execute(
        select(Token, User)
        .join(User, User.id == Token.user_id)
        .where(Token.token_hash == hash_token(token))
    ).first()
    if row is None:
        return None
    tok, user = row
    if tok.revoked_at is not None or not user.active:
        return None
    return user


def audit(
    session: Session,
    user: User | None,
    action: str,
    target: str = "",
    workspace_id: int | None = None,
    detail: dict[str, Any] | None = None,
    user_name: str | None = None,
    user_id: int | None = None,
) -> None:
    """Append one line to the audit log (in the caller's transaction)."""
    session.add(
        AuditEntry(
            user_id=user_id if user is None else user.id,
            user_name=user_name or (user.name if user is not None else "system"),
            workspace_id=workspace_id,
            action=action,
            target=target,
            detail=detail or {},
        )
    )


def _parse_time(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text))
    except (TypeError, ValueError):
        return None


def run_fields_from_folder(run_dir: Path) -> dict[str, Any]:
    """The archive fields of a written run folder, read from its ``summary.json``."""
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    scen = summary.get("scenario", {}) if isinstance(summary.get("scenario"), dict) else {}
    finished = _parse_time(summary.get("created"))
    return {
        "plan_status": str(summary.get("status", "")) or None,
        "message": str(summary.get("message", "")),
        "scenario_name": str(scen.get("name", "")),
        "scenario_hash": scen.get("hash"),
        "notional": bool(scen.get("notional", False)),
        "options": summary.get("options") or {},
        "inputs": {
            "scenario": scen,
            "scenario_dir": str(run_dir / "scenario"),
        },
        "outputs": {
            "tables": summary.get("tables", {}),
            "shortfalls": summary.get("shortfalls", {}),
            "objective": summary.get("objective", {}),
            "gap": summary.get("gap"),
            "solver": summary.get("solver", {}),
            "report": (run_dir / "report.html").is_file(),
        },
        "summary": summary,
        "timings": summary.get("timings", {}),
        "forceplan_version": str(summary.get("forceplan_version", "")),
        "run_dir": str(run_dir),
        "finished_at": finished,
    }


def record_run_folder(
    session: Session,
    run_dir: Path | str,
    *,
    source: str = "cli",
    user_name: str | None = None,
    workspace_id: int | None = None,
    solver_log: str = "",
) -> RunRecord:
    """Record a finished run folder in the archive (status ``done``)."""
    run_dir = Path(run_dir).resolve()
    fields = run_fields_from_folder(run_dir)
    record = RunRecord(
        source=source,
        kind="plan",
        status="done",
        workspace_id=workspace_id,
        user_name=user_name or _whoami(),
        solver_log=solver_log,
        started_at=None,
        **fields,
    )
    session.add(record)
    session.flush()
    return record


def _whoami() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers)
        return "unknown"


def list_runs(session: Session, limit: int = 50) -> list[RunRecord]:
    """The newest runs first."""
    return list(session.scalars(select(RunRecord).order_by(RunRecord.id.desc()).limit(limit)))
