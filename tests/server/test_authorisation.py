"""The authorisation matrix: every route x every role (and no token) x own or another
workspace's data; and every write lands in the audit log."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.server.conftest import World
from tests.server.helpers import LiveServer, scenario_zip

CALLERS = (None, "viewer", "planner", "admin")
RANK = {"viewer": 0, "planner": 1, "admin": 2}
COUNTER = itertools.count()


@dataclass
class Ctx:
    live: LiveServer
    world: World
    tmp: Path
    scope: str  # "own" (workspace alpha, the callers') or "other" (bravo)

    @property
    def own(self) -> bool:
        return self.scope == "own"

    def scenario(self) -> int:
        return self.world.scenario_a if self.own else self.world.scenario_b

    def run(self) -> int:
        return self.world.runs_a[0] if self.own else self.world.run_b

    def run_b(self) -> int:
        """Run B of a comparison: the second own run, or another workspace's."""
        return self.world.runs_a[1] if self.own else self.world.run_b

    def fresh_scenario(self) -> int:
        """A scenario of the own workspace to delete (others' is never touched)."""
        if not self.own:
            return self.world.scenario_b
        with self.live.client("planner") as c:
            r = c.post("/api/scenarios", files={"file": ("d.zip", scenario_zip(self.tmp, 7))})
            assert r.status_code == 201, r.text
            return int(r.json()["scenario"]["id"])

    def throwaway_user(self) -> int:
        with self.live.client("admin") as c:
            r = c.post("/api/users", json={"name": f"tmp-{next(COUNTER)}", "workspaces": ["alpha"]})
            assert r.status_code == 201, r.text
            return int(r.json()["user"]["id"])


Build = Callable[[Ctx], tuple[str, dict[str, Any]]]


@dataclass
class Route:
    method: str
    template: str
    role: str | None  # None: public
    ok: int
    build: Build
    scoped: bool = False  # touches one workspace's data: another workspace's gets 404 (or 403)
    other_status: int = 404
    audit: str | None = None  # the audit action a successful call writes


def _plain(path: str) -> Build:
    return lambda ctx: (path, {})


ROUTES = [
    Route("GET", "/api/health", None, 200, _plain("/api/health")),
    Route("GET", "/api/me", "viewer", 200, _plain("/api/me")),
    Route("GET", "/api/scenarios", "viewer", 200, _plain("/api/scenarios")),
    Route(
        "POST",
        "/api/scenarios",
        "planner",
        201,
        lambda ctx: (
            "/api/scenarios",
            {
                "files": {"file": ("u.zip", scenario_zip(ctx.tmp, 3))},
                "data": {"workspace_id": str(ctx.live.workspaces["alpha" if ctx.own else "bravo"])},
            },
        ),
        scoped=True,
        other_status=403,
        audit="scenario.upload",
    ),
    Route(
        "POST",
        "/api/scenarios/validate",
        "viewer",
        200,
        lambda ctx: (
            "/api/scenarios/validate",
            {"files": {"file": ("v.zip", scenario_zip(ctx.tmp))}},
        ),
    ),
    Route(
        "GET",
        "/api/scenarios/{scenario_id}",
        "viewer",
        200,
        lambda ctx: (f"/api/scenarios/{ctx.scenario()}", {}),
        scoped=True,
    ),
    Route(
        "GET",
        "/api/scenarios/{scenario_id}/validation",
        "viewer",
        200,
        lambda ctx: (f"/api/scenarios/{ctx.scenario()}/validation", {}),
        scoped=True,
    ),
    Route(
        "GET",
        "/api/scenarios/{scenario_id}/download",
        "viewer",
        200,
        lambda ctx: (f"/api/scenarios/{ctx.scenario()}/download", {}),
        scoped=True,
    ),
    Route(
        "DELETE",
        "/api/scenarios/{scenario_id}",
        "planner",
        204,
        lambda ctx: (f"/api/scenarios/{ctx.fresh_scenario()}", {}),
        scoped=True,
        audit="scenario.delete",
    ),
    Route(
        "POST",
        "/api/runs",
        "planner",
        202,
        lambda ctx: ("/api/runs", {"json": {"scenario_id": ctx.scenario(), "report": False}}),
        scoped=True,
        audit="run.start",
    ),
    Route("GET", "/api/runs", "viewer", 200, _plain("/api/runs")),
    Route(
        "GET", "/api/runs/{run_id}", "viewer", 200, lambda ctx: (f"/api/runs/{ctx.run()}", {}), True
    ),
    Route(
        "GET",
        "/api/runs/{run_id}/log",
        "viewer",
        200,
        lambda ctx: (f"/api/runs/{ctx.run()}/log", {}),
        True,
    ),
    Route(
        "POST",
        "/api/runs/{run_id}/rerun",
        "planner",
        409,  # allowed, but a done run is not re-run
        lambda ctx: (f"/api/runs/{ctx.run()}/rerun", {}),
        True,
    ),
    Route(
        "GET",
        "/api/runs/{run_id}/tables",
        "viewer",
        200,
        lambda ctx: (f"/api/runs/{ctx.run()}/tables", {}),
        True,
    ),
    Route(
        "GET",
        "/api/runs/{run_id}/tables/{name}",
        "viewer",
        200,
        lambda ctx: (f"/api/runs/{ctx.run()}/tables/stock", {}),
        True,
    ),
    Route(
        "GET",
        "/api/runs/{run_id}/folder.zip",
        "viewer",
        200,
        lambda ctx: (f"/api/runs/{ctx.run()}/folder.zip", {}),
        True,
    ),
    Route(
        "GET",
        "/api/runs/{run_id}/report",
        "viewer",
        200,
        lambda ctx: (
            (f"/api/runs/{ctx.world.runs_a[0]}/report", {})
            if ctx.own
            else (f"/api/runs/{ctx.world.run_b}/report", {})
        ),
        True,
    ),
    Route(
        "GET",
        "/api/compare",
        "viewer",
        200,
        lambda ctx: (
            f"/api/compare?a={ctx.world.runs_a[0]}&b={ctx.run_b()}",
            {},
        ),
        True,
    ),
    Route(
        "GET",
        "/api/compare/report",
        "viewer",
        200,
        lambda ctx: (
            f"/api/compare/report?a={ctx.world.runs_a[0]}&b={ctx.run_b()}",
            {},
        ),
        True,
    ),
    Route("GET", "/api/users", "admin", 200, _plain("/api/users")),
    Route(
        "POST",
        "/api/users",
        "admin",
        201,
        lambda ctx: ("/api/users", {"json": {"name": f"new-{next(COUNTER)}", "role": "viewer"}}),
        audit="user.add",
    ),
    Route(
        "POST",
        "/api/users/{user_id}/tokens",
        "admin",
        201,
        lambda ctx: (f"/api/users/{ctx.throwaway_user()}/tokens", {}),
        audit="token.issue",
    ),
    Route(
        "DELETE",
        "/api/users/{user_id}/tokens",
        "admin",
        200,
        lambda ctx: (f"/api/users/{ctx.throwaway_user()}/tokens", {}),
        audit="token.revoke",
    ),
    Route("GET", "/api/workspaces", "viewer", 200, _plain("/api/workspaces")),
    Route(
        "POST",
        "/api/workspaces",
        "admin",
        201,
        lambda ctx: ("/api/workspaces", {"json": {"name": f"ws-{next(COUNTER)}"}}),
        audit="workspace.add",
    ),
    Route(
        "PUT",
        "/api/workspaces/{workspace_id}/members/{user_id}",
        "admin",
        200,
        lambda ctx: (
            f"/api/workspaces/{ctx.live.workspaces['alpha' if ctx.own else 'bravo']}"
            f"/members/{ctx.throwaway_user()}",
            {},
        ),
        scoped=True,
        audit="workspace.member",
    ),
    Route("GET", "/api/audit", "admin", 200, _plain("/api/audit")),
]


def expected(route: Route, caller: str | None, scope: str) -> int:
    if route.role is None:
        return route.ok
    if caller is None:
        return 401
    if RANK[caller] < RANK[route.role]:
        return 403
    if scope == "other" and route.scoped:
        return route.other_status
    return route.ok


def _audit_actions(live: LiveServer) -> list[str]:
    with live.client("admin") as c:
        return [e["action"] for e in c.get("/api/audit", params={"limit": 5000}).json()]


def test_the_matrix_lists_every_route_of_the_api(live: LiveServer) -> None:
    with live.client() as c:
        paths = c.get("/openapi.json").json()["paths"]
    published = {(m.upper(), p) for p, ops in paths.items() for m in ops}
    assert published == {(r.method, r.template) for r in ROUTES}


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.template}")
def test_authorisation_matrix(live: LiveServer, world: World, tmp_path: Path, route: Route) -> None:
    for caller, scope in itertools.product(CALLERS, ("own", "other") if route.scoped else ("own",)):
        ctx = Ctx(live, world, tmp_path, scope)
        path, kwargs = route.build(ctx)
        want = expected(route, caller, scope)
        before = _audit_actions(live) if route.audit else []
        with live.client(caller) as c:
            r = c.request(route.method, path, **kwargs)
        assert r.status_code == want, (
            f"{route.method} {path} as {caller or 'nobody'} on {scope} data: "
            f"{r.status_code} {r.text[:300]}, expected {want}"
        )
        if route.audit:
            after = _audit_actions(live)
            grew = after[: len(after) - len(before)]
            if want == route.ok:
                assert grew == [route.audit], (caller, scope, grew)
            else:
                assert grew == [], (caller, scope, grew)


def test_lists_show_only_the_callers_workspaces(live: LiveServer, world: World) -> None:
    for user, mine, theirs in (
        ("viewer", world.runs_a, world.run_b),
        ("bravo", (world.run_b,), world.runs_a[0]),
    ):
        with live.client(user) as c:
            runs = {r["id"] for r in c.get("/api/runs").json()}
            scenarios = {s["id"] for s in c.get("/api/scenarios").json()}
        assert set(mine) <= runs and theirs not in runs
        assert (world.scenario_a in scenarios) == (user == "viewer")
        assert (world.scenario_b in scenarios) == (user == "bravo")


def test_bad_and_revoked_tokens_get_401(live: LiveServer) -> None:
    with live.client("admin") as c:
        made = c.post("/api/users", json={"name": "revoked-one", "role": "planner"}).json()
        token, uid = made["token"], made["user"]["id"]
    headers = {"Authorization": f"Bearer {token}"}
    with live.client() as c:
        assert c.get("/api/me", headers=headers).status_code == 200
        assert c.get("/api/me", headers={"Authorization": "Bearer fp_nope"}).status_code == 401
        assert c.get("/api/me", headers={"Authorization": "Basic abc"}).status_code == 401
    with live.client("admin") as c:
        assert c.delete(f"/api/users/{uid}/tokens").json() == {"user_id": uid, "revoked": 1}
    with live.client() as c:
        r = c.get("/api/me", headers=headers)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
