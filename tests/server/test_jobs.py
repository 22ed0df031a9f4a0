"""Jobs: 20 concurrent uploads and plans all archived; a killed server loses nothing queued."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from forceplan.io.csv_folder import write_folder
from forceplan.synthetic import generate
from tests.checker import check_run
from tests.server.helpers import LiveServer, free_port, scenario_xlsx, scenario_zip

N_CONCURRENT = 20


@pytest.mark.slow
def test_twenty_concurrent_uploads_and_plans_are_all_archived(
    live: LiveServer, tmp_path: Path
) -> None:
    payloads = [
        (f"c{i}.xlsx", scenario_xlsx(tmp_path, 20 + i))
        if i % 2
        else (f"c{i}.zip", scenario_zip(tmp_path, 20 + i))
        for i in range(N_CONCURRENT)
    ]
    results: dict[int, tuple[int, int]] = {}
    errors: list[str] = []

    def client(i: int) -> None:
        try:
            with live.client("planner") as c:
                up = c.post("/api/scenarios", files={"file": payloads[i]})
                assert up.status_code == 201, up.text
                sid = up.json()["scenario"]["id"]
                run = c.post(
                    "/api/runs", json={"scenario_id": sid, "explain": False, "report": False}
                )
                assert run.status_code == 202, run.text
                results[i] = (sid, run.json()["id"])
        except Exception as exc:  # collected and reported below
            errors.append(f"client {i}: {exc!r}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(N_CONCURRENT)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert len(results) == N_CONCURRENT
    run_ids = [results[i][1] for i in range(N_CONCURRENT)]
    bodies = live.wait_done("planner", run_ids, timeout=240)
    assert [b["status"] for b in bodies] == ["done"] * N_CONCURRENT, bodies
    with sqlite3.connect(live.db_url.removeprefix("sqlite:///")) as conn:
        rows = conn.execute(
            f"select r.id, r.status, r.plan_status, r.scenario_hash, s.content_hash, r.run_dir, "
            f"r.scenario_name, r.user_name from runs r join scenarios s on s.id = r.scenario_id "
            f"where r.id in ({','.join(map(str, run_ids))}) order by r.id"
        ).fetchall()
    assert len(rows) == N_CONCURRENT
    names = set()
    for _rid, status, plan_status, run_hash, upload_hash, run_dir, name, who in rows:
        assert (status, plan_status, who) == ("done", "optimal", "planner")
        summary = json.loads((Path(run_dir) / "summary.json").read_text())
        assert summary["scenario"]["hash"] == run_hash == upload_hash
        names.add(name)
    assert names == {f"small {20 + i}" for i in range(N_CONCURRENT)}
    # the plans are right, not just present: the independent checker on two of them
    for run_dir in (rows[0][5], rows[-1][5]):
        assert check_run(run_dir) == []
    # inventory differs by one M777 per scenario: the stock of M777 in the first period too
    first = {}
    with live.client("viewer") as c:
        for i in (0, N_CONCURRENT - 1):
            stock = c.get(f"/api/runs/{results[i][1]}/tables/stock").json()["rows"]
            first[i] = min(
                r["quantity"] for r in stock if r["equipment"] == "m777" and r["period"] == 2026
            )
    assert first[N_CONCURRENT - 1] >= first[0]


class ServeProcess:
    """`forceplan serve` in its own process group (killed whole, like a machine dying)."""

    def __init__(self, home: Path, port: int):
        exe = Path(sys.executable).parent / "forceplan"
        env = {**os.environ, "FORCEPLAN_HOME": str(home)}
        env.pop("FORCEPLAN_DATABASE_URL", None)
        self.proc = subprocess.Popen(
            [str(exe), "serve", "--port", str(port), "--jobs", "1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{port}"
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/api/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.kill()
        raise AssertionError("forceplan serve did not start:\n" + "".join(self.lines))

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    def kill(self) -> None:
        """SIGKILL to the whole group: server, scheduler and Dask workers die at once."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> None:
        """Ctrl-C: the server shuts down cleanly (jobs still running go back to the queue)."""
        if self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGINT)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.kill()


@pytest.fixture
def serve_home(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "home"


def _zip_folder(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.iterdir()):
            zf.write(path, path.name)
    return buffer.getvalue()


@pytest.mark.slow
def test_killing_the_server_mid_job_loses_nothing_queued(serve_home: Path, tmp_path: Path) -> None:
    port = free_port()
    first = ServeProcess(serve_home, port)
    try:
        assert (
            first.lines[0] == f"forceplan team server: http://localhost:{port}/  "
            f"(API docs: http://localhost:{port}/docs)\n"
        )
        token = re.search(r"first admin token.*: (fp_\S+)", "".join(first.lines))
        assert token is not None, first.lines
        headers = {"Authorization": f"Bearer {token.group(1)}"}
        slow = generate(60, 8, 10, 12)  # a solve of several seconds: running when killed
        slow_zip = _zip_folder(write_folder(slow.header, slow.tables, tmp_path / "slow"))
        with httpx.Client(base_url=first.url, headers=headers, timeout=60) as c:
            ids = []
            for name, data in (("slow.zip", slow_zip), ("small.zip", scenario_zip(tmp_path, 1))):
                r = c.post("/api/scenarios", files={"file": (name, data)})
                assert r.status_code == 201, r.text
                ids.append(r.json()["scenario"]["id"])
            opts = {"explain": False, "report": False}
            runs = [c.post("/api/runs", json={"scenario_id": ids[0], **opts}).json()["id"]]
            runs += [
                c.post("/api/runs", json={"scenario_id": ids[1], **opts}).json()["id"]
                for _ in range(3)
            ]
            deadline = time.monotonic() + 90
            while True:
                body = c.get(f"/api/runs/{runs[0]}").json()
                if body["status"] == "running" and body["progress"].get("phase", "").startswith(
                    "solve"
                ):
                    break
                assert time.monotonic() < deadline, body
                time.sleep(0.1)
        first.kill()
    finally:
        first.stop()
    with sqlite3.connect(serve_home / "archive.sqlite") as conn:
        states = dict(conn.execute("select run_id, status from jobs").fetchall())
    assert states == {runs[0]: "running", runs[1]: "queued", runs[2]: "queued", runs[3]: "queued"}

    second = ServeProcess(serve_home, port)
    try:
        assert "admin exists" in "".join(second.lines)
        live = LiveServer(second.url, "", serve_home, {"admin": token.group(1)})
        bodies = live.wait_done("admin", runs, timeout=120)
        assert [b["status"] for b in bodies] == ["interrupted", "done", "done", "done"], bodies
        assert "server stopped" in bodies[0]["error"]
        with live.client("admin") as c:
            r = c.post(f"/api/runs/{runs[0]}/rerun")
            assert r.status_code == 202 and r.json()["status"] == "queued"
            assert c.post(f"/api/runs/{runs[1]}/rerun").status_code == 409  # done: not re-run
        (again,) = live.wait_done("admin", [runs[0]], timeout=120)
        assert again["status"] == "done" and again["attempt"] == 2, again
        assert again["plan_status"] in ("optimal", "time_limit")
        assert check_run(Path(serve_home / "server" / "runs" / f"run-{runs[0]}")) == []
    finally:
        second.stop()
    assert second.proc.returncode is not None
