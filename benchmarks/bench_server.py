"""The team server: API latency under concurrent clients, and job throughput against the CLI.

It starts a real server on loopback (uvicorn in a thread, a fresh SQLite archive, a
local Dask cluster with ``--jobs`` workers) and measures:

* **latency**: ``--clients`` threads (default 20) each send ``--requests`` requests,
  alternating ``GET /api/runs`` (the list route) and ``GET /api/runs/{id}`` (the
  status route); p50 and p99 per route, against the same routes from one client
  (the ratio says how much 20 concurrent clients slow a request down);
* **throughput**: ``--plans`` small generated scenarios
  (:func:`forceplan.synthetic.generate`, ``--size``) uploaded and planned through
  the API at once, against the same scenarios planned by ``forceplan plan`` one after
  another (a process each, as an analyst would); plans per minute and the ratio.

Usage::

    .venv/bin/python benchmarks/bench_server.py
    .venv/bin/python benchmarks/bench_server.py --clients 20 --requests 50 --plans 8 --jobs 2

Results go to ``benchmarks/results/bench_server-<timestamp>.json`` (and ``.md``).
Never run as a test: speed is reported, not asserted.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import httpx

from forceplan.archive.db import Database
from forceplan.archive.store import add_user
from forceplan.io.csv_folder import write_folder
from forceplan.server.app import create_app
from forceplan.server.settings import Settings
from forceplan.synthetic import generate

RESULTS = Path(__file__).resolve().parent / "results"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.iterdir()):
            zf.write(path, path.name)
    return buffer.getvalue()


def start(base: Path, jobs: int) -> tuple[Any, threading.Thread, str, str]:
    import uvicorn

    db_url = f"sqlite:///{base / 'archive.sqlite'}"
    db = Database(db_url)
    with db.session() as s:
        _, token = add_user(s, "bench", "planner", ["bench"])
    db.dispose()
    port = _port()
    settings = Settings(database_url=db_url, data_dir=base / "data", max_jobs=jobs)
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    while not server.started:
        time.sleep(0.05)
    return server, thread, url, token


def latency(url: str, token: str, run_id: int, clients: int, requests: int) -> dict[str, Any]:
    """p50/p99 of the list and status routes with *clients* concurrent clients."""
    samples: dict[str, list[float]] = {"list": [], "status": []}
    lock = threading.Lock()
    errors: list[str] = []
    barrier = threading.Barrier(clients)

    def client() -> None:
        mine: dict[str, list[float]] = {"list": [], "status": []}
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=url, headers=headers, timeout=60) as c:
            barrier.wait()
            for k in range(requests):
                route, path = (
                    ("list", "/api/runs") if k % 2 == 0 else ("status", f"/api/runs/{run_id}")
                )
                t0 = time.perf_counter()
                r = c.get(path)
                mine[route].append(time.perf_counter() - t0)
                if r.status_code != 200:
                    errors.append(f"{path}: {r.status_code}")
        with lock:
            for key, values in mine.items():
                samples[key].extend(values)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    out: dict[str, Any] = {"clients": clients, "requests": clients * requests, "errors": errors}
    for key, values in samples.items():
        out[key] = {
            "p50_ms": 1000 * _quantile(values, 0.5),
            "p99_ms": 1000 * _quantile(values, 0.99),
            "mean_ms": 1000 * statistics.fmean(values),
            "n": len(values),
        }
    out["requests_per_s"] = clients * requests / wall
    return out


def throughput(url: str, token: str, folders: list[Path]) -> dict[str, Any]:
    """Upload and plan every scenario at once through the API; wait for all."""
    headers = {"Authorization": f"Bearer {token}"}
    t0 = time.perf_counter()
    with httpx.Client(base_url=url, headers=headers, timeout=120) as c:
        ids = []
        for folder in folders:
            up = c.post("/api/scenarios", files={"file": (f"{folder.name}.zip", _zip(folder))})
            up.raise_for_status()
            run = c.post("/api/runs", json={"scenario_id": up.json()["scenario"]["id"]})
            run.raise_for_status()
            ids.append(run.json()["id"])
        while True:
            states = [c.get(f"/api/runs/{i}").json()["status"] for i in ids]
            if all(s in ("done", "failed", "interrupted") for s in states):
                break
            time.sleep(0.2)
    seconds = time.perf_counter() - t0
    return {"plans": len(ids), "seconds": seconds, "states": states}


def cli_sequential(folders: list[Path], out: Path) -> dict[str, Any]:
    """The same plans with `forceplan plan`, one process after another."""
    exe = Path(sys.executable).parent / "forceplan"
    env = {**os.environ, "FORCEPLAN_ARCHIVE": "off"}
    t0 = time.perf_counter()
    codes = []
    for folder in folders:
        r = subprocess.run(
            [str(exe), "plan", str(folder), "--out", str(out / folder.name), "--threads", "1"],
            capture_output=True,
            env=env,
            check=False,
        )
        codes.append(r.returncode)
    return {"plans": len(folders), "seconds": time.perf_counter() - t0, "exit_codes": codes}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=50, help="requests per client")
    ap.add_argument("--plans", type=int, default=8)
    ap.add_argument("--jobs", type=int, default=2, help="Dask workers (plans at once)")
    ap.add_argument("--size", default="10x3x3x4", help="synthetic scenario size E x P x S x F")
    args = ap.parse_args()
    sizes = [int(x) for x in args.size.split("x")]
    base = Path(tempfile.mkdtemp(prefix="bench-server-"))
    folders = []
    for i in range(args.plans):
        s = generate(*sizes, seed=i)
        folders.append(write_folder(s.header, s.tables, base / "scenarios" / f"s{i}"))
    server, thread, url, token = start(base / "server", args.jobs)
    try:
        print(f"server at {url}; {args.plans} plans of {args.size} ...", flush=True)
        jobs = throughput(url, token, folders)
        print(f"server: {jobs['plans']} plans in {jobs['seconds']:.1f} s", flush=True)
        run_id = 1
        one = latency(url, token, run_id, 1, args.requests)
        many = latency(url, token, run_id, args.clients, args.requests)
    finally:
        server.should_exit = True
        thread.join(60)
    cli = cli_sequential(folders, base / "cli-runs")
    print(f"cli: {cli['plans']} plans in {cli['seconds']:.1f} s", flush=True)
    result = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "args": vars(args),
        "latency_one_client": one,
        "latency_concurrent": many,
        "server_jobs": jobs,
        "cli_sequential": cli,
        "ratios": {
            "list_p50_concurrent_over_one": many["list"]["p50_ms"] / one["list"]["p50_ms"],
            "status_p50_concurrent_over_one": many["status"]["p50_ms"] / one["status"]["p50_ms"],
            "throughput_server_over_cli": cli["seconds"] / jobs["seconds"],
        },
    }
    lines = [
        f"# bench_server ({args.clients} clients, {args.plans} plans of {args.size}, "
        f"{args.jobs} workers, {os.cpu_count()} CPUs)",
        "",
        "| route | clients | p50 ms | p99 ms |",
        "|---|---|---|---|",
    ]
    for label, data in (("1", one), (str(args.clients), many)):
        for route in ("list", "status"):
            lines.append(
                f"| {route} | {label} | {data[route]['p50_ms']:.1f} | {data[route]['p99_ms']:.1f} |"
            )
    lines += [
        "",
        f"requests/s with {args.clients} clients: {many['requests_per_s']:.0f}",
        f"server: {jobs['plans']} plans in {jobs['seconds']:.1f} s "
        f"({60 * jobs['plans'] / jobs['seconds']:.1f}/min); CLI one after another: "
        f"{cli['seconds']:.1f} s ({60 * cli['plans'] / cli['seconds']:.1f}/min); "
        f"ratio {result['ratios']['throughput_server_over_cli']:.2f}x",
    ]
    text = "\n".join(lines)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (RESULTS / f"bench_server-{stamp}.json").write_text(json.dumps(result, indent=2))
    (RESULTS / f"bench_server-{stamp}.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
