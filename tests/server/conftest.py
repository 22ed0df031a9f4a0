"""Fixtures of the server tests: one live server per session, with data in two workspaces."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.archive.conftest import postgres_url  # noqa: F401  (the server on PostgreSQL)
from tests.server.helpers import LiveServer, scenario_zip, start_server


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with jobs on a local Dask cluster (2 workers)."""
    server = start_server(tmp_path_factory.mktemp("server"))
    try:
        yield server
    finally:
        server.stop()


@dataclass
class World:
    """Data of workspace alpha (two finished runs) and of bravo (one)."""

    scenario_a: int
    runs_a: tuple[int, int]
    scenario_b: int
    run_b: int


@pytest.fixture(scope="session")
def world(live: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> World:
    tmp = tmp_path_factory.mktemp("world")
    ids = {}
    for user, i in (("planner", 1), ("bravo", 2)):
        with live.client(user) as c:
            r = c.post("/api/scenarios", files={"file": (f"s{i}.zip", scenario_zip(tmp, i))})
            assert r.status_code == 201, r.text
            ids[user] = r.json()["scenario"]["id"]
    with live.client("planner") as c:
        a1 = c.post("/api/runs", json={"scenario_id": ids["planner"]}).json()["id"]
        a2 = c.post("/api/runs", json={"scenario_id": ids["planner"], "mode": "weighted"}).json()[
            "id"
        ]
    with live.client("bravo") as c:
        b = c.post("/api/runs", json={"scenario_id": ids["bravo"], "report": False}).json()["id"]
    bodies = live.wait_done("planner", [a1, a2]) + live.wait_done("bravo", [b])
    assert [x["status"] for x in bodies] == ["done"] * 3, bodies
    return World(ids["planner"], (a1, a2), ids["bravo"], b)
