"""Engines, sessions and migrations of the archive database."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from forceplan.archive.config import database_url
from forceplan.exceptions import ForceplanError

SQLITE_TIMEOUT = 60.0
"""Seconds a SQLite writer waits for another one (server, workers and CLI share the file)."""

CONNECT_TIMEOUT = 10
"""Seconds to wait for a database server before giving up (the CLI then only warns)."""

_migrate_lock = threading.Lock()


class ArchiveError(ForceplanError):
    """The archive database could not be opened, migrated or written."""


def migrations_path() -> Path:
    """The Alembic script folder shipped inside the package."""
    return Path(str(resources.files("forceplan.archive").joinpath("migrations")))


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine on *url* (default: :func:`~forceplan.archive.config.database_url`).

    SQLite files get their folder created, WAL journaling (readers do not block the
    writer), a long busy timeout and foreign keys switched on.
    """
    url = database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_TIMEOUT, "check_same_thread": False}, **kwargs
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={int(SQLITE_TIMEOUT * 1000)}")
            cur.close()

        return engine
    if parsed.get_backend_name() == "postgresql":
        kwargs.setdefault("connect_args", {"connect_timeout": CONNECT_TIMEOUT})
    return create_engine(url, pool_pre_ping=True, **kwargs)


def alembic_config(engine: Engine) -> Any:
    """An Alembic configuration pointing at the shipped migrations and *engine*."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_path()))
    url = engine.url.render_as_string(hide_password=False)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to *revision* (idempotent)."""
    from alembic import command

    cfg = alembic_config(engine)
    with _migrate_lock, engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Take the schema back down to *revision* (tests use it to check the migrations)."""
    from alembic import command

    cfg = alembic_config(engine)
    with _migrate_lock, engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None before the first migration)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


class Database:
    """An archive database: an engine, a session factory, migrated on open.

    Parameters
    ----------
    url
        SQLAlchemy URL (default: FORCEPLAN_DATABASE_URL, else the SQLite file).
    migrate
        Run the migrations up to head when opening.
    """

    def __init__(self, url: str | None = None, migrate: bool = True, **engine_kwargs: Any):
        self.url = database_url(url)
        try:
            self.engine = make_engine(self.url, **engine_kwargs)
            if migrate:
                upgrade(self.engine)
        except ForceplanError:
            raise
        except Exception as exc:
            shown = make_url(self.url).render_as_string(hide_password=True)
            raise ArchiveError(
                f"cannot open the archive at {shown}: {exc}. Fix: check FORCEPLAN_DATABASE_URL "
                "(or FORCEPLAN_HOME for the default SQLite file) and that the server is running."
            ) from exc
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed at the end of the block (rolled back on error)."""
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
