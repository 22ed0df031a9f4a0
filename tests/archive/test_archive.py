"""The archive on SQLite and PostgreSQL: migrations, users and tokens, runs, jobs, audit."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import threading
import tomllib
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from forceplan.archive.db import Database, current_revision, downgrade, migrations_path, upgrade
from forceplan.archive.models import AuditEntry, Base, Job, RunRecord, Token, Workspace
from forceplan.archive.store import (
    ArchiveInputError,
    add_user,
    audit,
    authenticate,
    issue_token,
    list_runs,
    record_run_folder,
    revoke_tokens,
)
from forceplan.server.jobs import JobQueue, recover, requeue
from forceplan.server.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
TABLES = {"workspaces", "users", "memberships", "tokens", "scenarios", "runs", "jobs", "audit_log"}


def test_migrations_create_every_table_and_match_the_models(database_url: str) -> None:
    db = Database(database_url)
    try:
        assert current_revision(db.engine) == "0001"
        names = set(sa.inspect(db.engine).get_table_names())
        assert names >= TABLES and "alembic_version" in names
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        Database(database_url).dispose()  # opening again is a no-op migration
        downgrade(db.engine, "base")
        assert not TABLES & set(sa.inspect(db.engine).get_table_names())
        upgrade(db.engine)
        assert set(sa.inspect(db.engine).get_table_names()) >= TABLES
    finally:
        db.dispose()


def test_migrations_ship_inside_the_package() -> None:
    folder = migrations_path()
    package = ROOT / "src" / "forceplan"
    assert folder.resolve().is_relative_to(package.resolve())
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["forceplan"]
    files = [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert {p.name for p in files} >= {"env.py", "script.py.mako", "0001_initial.py"}
    for path in files:
        rel = path.relative_to(package).as_posix()
        assert any(fnmatch.fnmatch(rel, pat) for pat in patterns), f"{rel} is not package data"


def test_tokens_are_stored_only_as_sha256_hashes_and_can_be_revoked(database_url: str) -> None:
    db = Database(database_url)
    try:
        with db.session() as s:
            user, token = add_user(s, "olena", "planner", ["ukraine"])
            second = issue_token(s, user)
        assert token.startswith("fp_") and len(token) >= 40 and token != second
        with db.session() as s:
            rows = list(s.scalars(sa.select(Token)))
            assert {r.token_hash for r in rows} == {
                hashlib.sha256(t.encode()).hexdigest() for t in (token, second)
            }
            dump = json.dumps([[str(v) for v in r.__dict__.values()] for r in rows])
            assert token not in dump and second not in dump
            found = authenticate(s, token)
            assert found is not None and found.name == "olena" and found.role == "planner"
            assert [w.name for w in found.workspaces] == ["ukraine"]
            assert authenticate(s, token + "x") is None
            assert revoke_tokens(s, found) == 2
        with db.session() as s:
            assert authenticate(s, token) is None and authenticate(s, second) is None
            assert s.scalar(sa.select(sa.func.count()).select_from(Token)) == 2  # kept, revoked
            with pytest.raises(ArchiveInputError, match="already exists"):
                add_user(s, "olena", "viewer")
            with pytest.raises(ArchiveInputError, match="unknown role"):
                add_user(s, "piotr", "general")
    finally:
        db.dispose()


def test_a_run_folder_is_recorded_with_inputs_outputs_and_provenance(
    database_url: str, small_run: Path
) -> None:
    summary = json.loads((small_run / "summary.json").read_text())
    db = Database(database_url)
    try:
        with db.session() as s:
            run_id = record_run_folder(s, small_run, user_name="analyst").id
            audit(s, None, "run.record", f"run:{run_id}", user_name="analyst")
        with db.session() as s:
            run = s.get(RunRecord, run_id)
            assert run is not None
            assert run.status == "done" and run.plan_status == "optimal" and run.source == "cli"
            assert run.scenario_hash == summary["scenario"]["hash"]
            assert run.scenario_hash.startswith("sha256:")
            assert run.scenario_name == "small test scenario" and run.notional
            assert run.forceplan_version == summary["forceplan_version"]
            assert set(run.timings) >= {"build", "solve", "extract", "write"}
            assert (
                run.outputs["tables"]["stock"]
                == len((small_run / "plan" / "stock.csv").read_text().splitlines()) - 1
            )
            assert run.outputs["shortfalls"]["count"] == 0
            assert run.inputs["scenario_dir"] == str(small_run.resolve() / "scenario")
            assert run.run_dir == str(small_run.resolve()) and run.user_name == "analyst"
            assert run.finished_at is not None
            assert [r.id for r in list_runs(s)] == [run_id]
            entry = s.scalar(sa.select(AuditEntry))
            assert entry is not None and entry.action == "run.record"
    finally:
        db.dispose()


def _queued_runs(db: Database, n: int) -> list[int]:
    with db.session() as s:
        ws = Workspace(name="w")
        s.add(ws)
        s.flush()
        ids = []
        for _ in range(n):
            run = RunRecord(workspace_id=ws.id, source="server", status="queued")
            s.add(run)
            s.flush()
            s.add(Job(run_id=run.id, status="queued", progress={}, error=""))
            ids.append(run.id)
    return ids


def test_job_states_survive_a_dead_server_on_both_databases(database_url: str) -> None:
    """Claim, die (running -> interrupted on restart), re-queue; queued jobs stay queued."""
    db = Database(database_url)
    try:
        run_ids = _queued_runs(db, 3)
        queue = JobQueue(db, Settings(database_url=database_url, max_jobs=1))
        claimed = queue._claim()
        assert claimed is not None and claimed[1] == run_ids[0] and claimed[2] == 1
        # the server dies here; a new one starts:
        assert recover(db) == 1
        with db.session() as s:
            states = dict(s.execute(sa.select(RunRecord.id, RunRecord.status)).all())
            jobs = dict(s.execute(sa.select(Job.run_id, Job.status)).all())
        assert states == {run_ids[0]: "interrupted", run_ids[1]: "queued", run_ids[2]: "queued"}
        assert jobs == states
        assert requeue(db, run_ids[0]) and not requeue(db, run_ids[1])
        order = [queue._claim() for _ in range(4)]
        assert [c[1] if c else None for c in order] == [run_ids[0], run_ids[1], run_ids[2], None]
        assert order[0] is not None and order[0][2] == 2  # the second attempt
    finally:
        db.dispose()


def test_concurrent_claims_never_take_a_job_twice(database_url: str) -> None:
    db = Database(database_url)
    try:
        run_ids = _queued_runs(db, 12)
        queue = JobQueue(db, Settings(database_url=database_url))
        got: list[int] = []
        lock = threading.Lock()

        def worker() -> None:
            while True:
                try:
                    claimed = queue._claim()
                except sa.exc.OperationalError:  # SQLite busy under contention: try again
                    continue
                if claimed is None:
                    with db.session() as s:
                        left = s.scalar(
                            sa.select(sa.func.count())
                            .select_from(Job)
                            .where(Job.status == "queued")
                        )
                    if not left:
                        return
                    continue
                with lock:
                    got.append(claimed[1])

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(got) == run_ids
    finally:
        db.dispose()
