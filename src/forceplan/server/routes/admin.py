"""Admin routes: users and their tokens, workspaces, the audit log; and who am I."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request, status
from sqlalchemy import select

from forceplan.archive.models import AuditEntry, Membership, User, Workspace
from forceplan.archive.store import ArchiveInputError, add_user, audit, issue_token, revoke_tokens
from forceplan.archive.store import workspace as get_workspace
from forceplan.server.auth import ADMIN, VIEWER, Principal
from forceplan.server.routes.common import Id, db_of
from forceplan.server.schemas import (
    COMMON_RESPONSES,
    AuditOut,
    Detail,
    Me,
    Revoked,
    UserCreate,
    UserCreated,
    UserOut,
    WorkspaceCreate,
    WorkspaceOut,
    iso,
)

router = APIRouter(prefix="/api", tags=["admin"], responses=COMMON_RESPONSES)


def user_out(u: User) -> UserOut:
    return UserOut(
        id=u.id,
        name=u.name,
        role=u.role,
        active=u.active,
        workspaces=[w.name for w in u.workspaces],
    )


@router.get("/me", response_model=Me, summary="Who am I")
def me(request: Request, user: Principal = VIEWER) -> Me:
    with db_of(request).session() as s:
        spaces = s.scalars(
            select(Workspace).where(Workspace.id.in_(user.workspace_ids)).order_by(Workspace.id)
        )
        return Me(
            id=user.id,
            name=user.name,
            role=user.role,
            workspaces=[WorkspaceOut(id=w.id, name=w.name) for w in spaces],
        )


@router.get("/users", response_model=list[UserOut], summary="List users (admin)")
def list_users(request: Request, user: Principal = ADMIN) -> list[UserOut]:
    with db_of(request).session() as s:
        return [user_out(u) for u in s.scalars(select(User).order_by(User.id))]


@router.post(
    "/users",
    status_code=status.HTTP_201_CREATED,
    response_model=UserCreated,
    responses={409: {"model": Detail, "description": "The name is taken."}},
    summary="Add a user (admin); the token is shown once",
)
def create_user(request: Request, body: UserCreate, user: Principal = ADMIN) -> UserCreated:
    with db_of(request).session() as s:
        try:
            new, token = add_user(s, body.name, body.role, body.workspaces or None)
        except ArchiveInputError as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
        audit(
            s,
            None,
            "user.add",
            f"user:{new.id}",
            None,
            {"role": body.role},
            user_name=user.name,
            user_id=user.id,
        )
        return UserCreated(user=user_out(new), token=token)


@router.post(
    "/users/{user_id}/tokens",
    status_code=status.HTTP_201_CREATED,
    response_model=UserCreated,
    summary="Issue another token for a user (admin)",
)
def new_token(request: Request, user_id: Id, user: Principal = ADMIN) -> UserCreated:
    with db_of(request).session() as s:
        target = s.get(User, user_id)
        if target is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no user {user_id}")
        token = issue_token(s, target, label=f"issued by {user.name}")
        audit(s, None, "token.issue", f"user:{user_id}", user_name=user.name, user_id=user.id)
        return UserCreated(user=user_out(target), token=token)


@router.delete(
    "/users/{user_id}/tokens", response_model=Revoked, summary="Revoke a user's tokens (admin)"
)
def revoke(request: Request, user_id: Id, user: Principal = ADMIN) -> Revoked:
    with db_of(request).session() as s:
        target = s.get(User, user_id)
        if target is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no user {user_id}")
        n = revoke_tokens(s, target)
        audit(
            s,
            None,
            "token.revoke",
            f"user:{user_id}",
            None,
            {"revoked": n},
            user_name=user.name,
            user_id=user.id,
        )
        return Revoked(user_id=user_id, revoked=n)


@router.get("/workspaces", response_model=list[WorkspaceOut], summary="Your workspaces")
def list_workspaces(request: Request, user: Principal = VIEWER) -> list[WorkspaceOut]:
    with db_of(request).session() as s:
        spaces = s.scalars(
            select(Workspace).where(Workspace.id.in_(user.workspace_ids)).order_by(Workspace.id)
        )
        return [WorkspaceOut(id=w.id, name=w.name) for w in spaces]


@router.post(
    "/workspaces",
    status_code=status.HTTP_201_CREATED,
    response_model=WorkspaceOut,
    responses={409: {"model": Detail, "description": "The name is taken."}},
    summary="Create a workspace (admin) and join it",
)
def create_workspace(
    request: Request, body: WorkspaceCreate, user: Principal = ADMIN
) -> WorkspaceOut:
    name = body.name.strip() or "unnamed"
    with db_of(request).session() as s:
        if s.scalar(select(Workspace.id).where(Workspace.name == name)) is not None:
            raise HTTPException(status.HTTP_409_CONFLICT, f"a workspace called {name!r} exists")
        ws = get_workspace(s, name)
        s.add(Membership(user_id=user.id, workspace_id=ws.id))
        audit(
            s,
            None,
            "workspace.add",
            f"workspace:{ws.id}",
            ws.id,
            user_name=user.name,
            user_id=user.id,
        )
        return WorkspaceOut(id=ws.id, name=ws.name)


@router.put(
    "/workspaces/{workspace_id}/members/{user_id}",
    response_model=UserOut,
    summary="Let a user see a workspace (admin)",
)
def add_member(request: Request, workspace_id: Id, user_id: Id, user: Principal = ADMIN) -> UserOut:
    with db_of(request).session() as s:
        target = s.get(User, user_id)
        if workspace_id not in user.workspace_ids:  # an admin shares only their own workspaces
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no workspace {workspace_id} of yours")
        if target is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no user {user_id}")
        if s.get(Membership, (user_id, workspace_id)) is None:
            s.add(Membership(user_id=user_id, workspace_id=workspace_id))
        audit(
            s,
            None,
            "workspace.member",
            f"user:{user_id}",
            workspace_id,
            user_name=user.name,
            user_id=user.id,
        )
        s.flush()
        s.refresh(target)
        return user_out(target)


@router.get("/audit", response_model=list[AuditOut], summary="The audit log (admin)")
def audit_log(
    request: Request, limit: int = Query(default=200, ge=1, le=5000), user: Principal = ADMIN
) -> list[AuditOut]:
    """Every write, newest first."""
    with db_of(request).session() as s:
        rows = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))
        return [
            AuditOut(
                id=r.id,
                at=iso(r.at),
                user_name=r.user_name,
                workspace_id=r.workspace_id,
                action=r.action,
                target=r.target,
                detail=r.detail or {},
            )
            for r in rows
        ]
