"""Archive databases for the tests: a SQLite file and, when available, a real PostgreSQL.

PostgreSQL comes from ``FORCEPLAN_TEST_POSTGRES_URL`` (``.ci/run`` installs and starts
the server and sets it). Without it the PostgreSQL cases are skipped locally and fail
on CI (``CI`` set), like the browser tests. Each test gets its own schema, so tests
(and xdist workers) never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

POSTGRES_ENV = "FORCEPLAN_TEST_POSTGRES_URL"


def require_postgres() -> str:
    """The test PostgreSQL URL; skip (fail on CI) without one."""
    url = os.environ.get(POSTGRES_ENV)
    if url:
        return url
    message = (
        f"{POSTGRES_ENV} is not set: install and start PostgreSQL and point it at a database "
        "(.ci/run does)"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL on a fresh schema of the test PostgreSQL database (dropped afterwards)."""
    import sqlalchemy as sa

    base = require_postgres()
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each archive test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'archive.sqlite'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture(scope="session")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run folder of the small scenario (planned once per session, no report)."""
    import forceplan
    from tests.scenarios import small_scenario

    plan = forceplan.plan(small_scenario())
    return plan.save(tmp_path_factory.mktemp("archive") / "run")
