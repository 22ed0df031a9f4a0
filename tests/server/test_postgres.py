"""The server on a real PostgreSQL archive, its jobs on a Dask cluster it did not start
(``forceplan serve --dask-scheduler ADDRESS``): a plan written by a worker process."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.server.helpers import scenario_zip, start_server


@pytest.mark.slow
def test_a_plan_job_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    from dask.distributed import LocalCluster

    cluster = LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    )
    live = start_server(
        tmp_path, max_jobs=1, database_url=postgres_url, dask_address=cluster.scheduler_address
    )
    try:
        with live.client("planner") as c:
            up = c.post("/api/scenarios", files={"file": ("pg.zip", scenario_zip(tmp_path, 2))})
            assert up.status_code == 201, up.text
            sid = up.json()["scenario"]["id"]
            run = c.post("/api/runs", json={"scenario_id": sid, "report": False}).json()
        (body,) = live.wait_done("planner", [run["id"]])
        assert body["status"] == "done" and body["plan_status"] == "optimal", body
        assert body["progress"]["fraction"] == 1.0
        assert body["scenario_hash"] == up.json()["scenario"]["content_hash"]
    finally:
        live.stop()
        assert cluster.status.name == "running"  # the server leaves a cluster it joined running
        assert "forceplan-job" in cluster.scheduler.task_prefixes  # the job ran on it
        cluster.close()
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("select status from jobs")).scalars().all() == ["done"]
        actions = conn.execute(sa.text("select action from audit_log order by id")).scalars()
        assert list(actions) == ["scenario.upload", "run.start"]
        log = conn.execute(sa.text("select solver_log from runs")).scalar_one()
        assert "solve" in log and "write" in log
    engine.dispose()
