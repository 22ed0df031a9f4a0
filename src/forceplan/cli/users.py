"""``forceplan users add NAME --role ROLE``: team-server users and their API tokens."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.table import Table

from forceplan.cli.common import EXIT_INVALID, EXIT_OK, command, console, err_console

users_app = typer.Typer(
    name="users",
    help="Users of the team server (`forceplan serve`) and their API tokens.",
    no_args_is_help=True,
    add_completion=False,
)


def _fail(message: str) -> None:
    err_console.print(f"error: {message}", markup=False, soft_wrap=True)
    sys.exit(EXIT_INVALID)


@users_app.command("add")
@command
def add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="User name (unique).")],
    role: Annotated[
        str, typer.Option("--role", help="viewer (read), planner (upload, run) or admin (users).")
    ] = "viewer",
    workspace: Annotated[
        list[str] | None,
        typer.Option(
            "--workspace",
            "-w",
            help="Workspace the user may see (repeatable; created when new; default: default).",
        ),
    ] = None,
) -> None:
    """Add a user and print their API token once (only its hash is stored)."""
    from forceplan.archive.db import Database
    from forceplan.archive.store import ArchiveInputError, add_user, audit

    db = Database()
    try:
        with db.session() as session:
            user, token = add_user(session, name, role, workspace or None)
            audit(session, None, "user.add", f"user:{user.id}", detail={"role": role})
            spaces = ", ".join(w.name for w in user.workspaces)
    except ArchiveInputError as exc:
        _fail(str(exc))
    finally:
        db.dispose()
    console.print(f"user {name} ({role}) in workspace(s) {spaces}", markup=False)
    console.print(f"token: {token}", markup=False, soft_wrap=True)
    console.print("The token is shown only this once: keep it safe.", markup=False)
    sys.exit(EXIT_OK)


def _on_user(name: str, act: Callable[[Any, Any], Any]) -> Any:
    """Run ``act(session, user)`` for the user *name* in one archive session (exit 1 if unknown)."""
    from forceplan.archive.db import Database
    from forceplan.archive.store import user_by_name

    db = Database()
    try:
        with db.session() as session:
            user = user_by_name(session, name)
            if user is None:
                _fail(f"no user called {name!r}. Fix: `forceplan users list` shows them.")
            return act(session, user)
    finally:
        db.dispose()


@users_app.command("token")
@command
def token(name: Annotated[str, typer.Argument(metavar="NAME", help="User name.")]) -> None:
    """Issue another API token for a user and print it once."""
    from forceplan.archive.store import audit, issue_token

    def act(session: Any, user: Any) -> str:
        new = issue_token(session, user, label="issued by forceplan users token")
        audit(session, None, "token.issue", f"user:{user.id}")
        return str(new)

    new = _on_user(name, act)
    console.print(f"token: {new}", markup=False, soft_wrap=True)
    console.print("The token is shown only this once: keep it safe.", markup=False)
    sys.exit(EXIT_OK)


@users_app.command("revoke")
@command
def revoke(name: Annotated[str, typer.Argument(metavar="NAME", help="User name.")]) -> None:
    """Revoke every token of a user (they get 401 from then on)."""
    from forceplan.archive.store import audit, revoke_tokens

    def act(session: Any, user: Any) -> int:
        n = revoke_tokens(session, user)
        audit(session, None, "token.revoke", f"user:{user.id}", detail={"revoked": n})
        return int(n)

    n = _on_user(name, act)
    console.print(f"revoked {n} token(s) of {name}", markup=False)
    sys.exit(EXIT_OK)


@users_app.command("list")
@command
def list_() -> None:
    """List the users, their roles and workspaces."""
    from sqlalchemy import select

    from forceplan.archive.db import Database
    from forceplan.archive.models import User

    db = Database()
    with db.session() as session:
        users = list(session.scalars(select(User).order_by(User.id)))
        rows = [(str(u.id), u.name, u.role, ", ".join(w.name for w in u.workspaces)) for u in users]
    db.dispose()
    table = Table(title="users")
    for col in ("id", "name", "role", "workspaces"):
        table.add_column(col)
    for row in rows:
        table.add_row(*row)
    console.print(table)
    sys.exit(EXIT_OK)
