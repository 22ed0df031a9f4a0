"""Authentication (bearer tokens) and authorisation (roles, workspaces)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from forceplan.archive.db import Database
from forceplan.archive.store import authenticate, role_at_least

bearer = HTTPBearer(
    auto_error=False,
    description="An API token from `forceplan users add NAME --role ROLE` (or the admin "
    "token `forceplan serve` prints on first start): `Authorization: Bearer fp_...`.",
)


@dataclass(frozen=True)
class Principal:
    """Who is calling: user id and name, role, and the workspaces they may see."""

    id: int
    name: str
    role: str
    workspace_ids: frozenset[int]

    def can(self, role: str) -> bool:
        """Whether the caller has at least *role*."""
        return role_at_least(self.role, role)


def database(request: Request) -> Database:
    """The app's archive database."""
    db: Database = request.app.state.db
    return db


def current_user(
    request: Request,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The caller, from the bearer token; 401 without a valid one."""
    if creds is None or not creds.credentials:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a token is needed: send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    db = database(request)
    with db.session() as s:
        user = authenticate(s, creds.credentials)
        if user is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "the token is not valid (unknown or revoked)",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return Principal(user.id, user.name, user.role, frozenset(w.id for w in user.workspaces))


def require(role: str) -> Any:
    """A dependency: the caller, who must have at least *role* (403 otherwise)."""

    def check(user: Annotated[Principal, Depends(current_user)]) -> Principal:
        if not user.can(role):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"this needs the {role} role; you are a {user.role}"
            )
        return user

    return Depends(check)


VIEWER = require("viewer")
PLANNER = require("planner")
ADMIN = require("admin")
