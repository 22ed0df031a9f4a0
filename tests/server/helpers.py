"""A live team server for the tests: uvicorn in a thread, a real SQLite archive, a local Dask."""

from __future__ import annotations

import io
import socket
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from forceplan.archive.db import Database
from forceplan.archive.models import Workspace
from forceplan.archive.store import add_user
from forceplan.io.csv_folder import write_folder
from forceplan.io.excel import write_workbook
from forceplan.io.records import from_records
from forceplan.server.app import create_app
from forceplan.server.settings import Settings
from tests.scenarios import small_records

ROLES = ("viewer", "planner", "admin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def small_variant(i: int = 0) -> Any:
    """The small scenario, named ``small <i>``, with *i* more M777 in the inventory."""
    header, tables = small_records()
    header["name"] = f"small {i}"
    tables["inventory"][1]["quantity"] = 4 + i
    return from_records(header, tables)


def scenario_zip(tmp: Path, i: int = 0) -> bytes:
    """A zipped CSV folder of :func:`small_variant` (files inside a top folder)."""
    s = small_variant(i)
    folder = write_folder(s.header, s.tables, tmp / f"zip-src-{i}-{time.monotonic_ns()}")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.iterdir()):
            zf.write(path, f"small-{i}/{path.name}")
    return buffer.getvalue()


def scenario_xlsx(tmp: Path, i: int = 0) -> bytes:
    """The workbook of :func:`small_variant`."""
    s = small_variant(i)
    return write_workbook(
        s.header, s.tables, tmp / f"small-{i}-{time.monotonic_ns()}.xlsx"
    ).read_bytes()


@dataclass
class LiveServer:
    """A running server: base URL, tokens per user, the archive and data folder."""

    url: str
    db_url: str
    data_dir: Path
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)
    workspaces: dict[str, int] = field(default_factory=dict)
    server: Any = None
    thread: threading.Thread | None = None

    def client(self, user: str | None = None) -> httpx.Client:
        headers = {} if user is None else {"Authorization": f"Bearer {self.tokens[user]}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=120)

    def wait_done(
        self, user: str, run_ids: list[int], timeout: float = 120
    ) -> list[dict[str, Any]]:
        """Poll until every run is done/failed/interrupted; returns their bodies."""
        deadline = time.monotonic() + timeout
        with self.client(user) as c:
            while True:
                bodies = [c.get(f"/api/runs/{i}").json() for i in run_ids]
                if all(b["status"] in ("done", "failed", "interrupted") for b in bodies):
                    return bodies
                if time.monotonic() > deadline:
                    raise AssertionError(f"runs not finished in {timeout} s: {bodies}")
                time.sleep(0.3)

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(60)


def seed(db_url: str) -> tuple[dict[str, str], dict[str, int], dict[str, int]]:
    """Users of every role in workspace alpha, a planner in bravo; their tokens."""
    db = Database(db_url)
    tokens, ids = {}, {}
    with db.session() as s:
        for role in ROLES:
            user, tokens[role] = add_user(s, role, role, ["alpha"])
            ids[role] = user.id
        user, tokens["bravo"] = add_user(s, "bravo-planner", "planner", ["bravo"])
        ids["bravo"] = user.id
        spaces = {w.name: w.id for w in s.scalars(select(Workspace))}
    db.dispose()
    return tokens, ids, spaces


def start_server(
    base: Path,
    start_jobs: bool = True,
    max_jobs: int = 2,
    database_url: str | None = None,
    dask_address: str | None = None,
) -> LiveServer:
    """Start a server on a free port with a fresh archive (SQLite under *base* by default)."""
    import uvicorn

    db_url = database_url or f"sqlite:///{base / 'archive.sqlite'}"
    settings = Settings(
        database_url=db_url, data_dir=base / "data", max_jobs=max_jobs, dask_address=dask_address
    )
    tokens, ids, spaces = seed(db_url)
    port = free_port()
    config = uvicorn.Config(
        create_app(settings, start_jobs=start_jobs),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    live = LiveServer(f"http://127.0.0.1:{port}", db_url, settings.data_dir, tokens, ids, spaces)
    live.server, live.thread = server, thread
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if server.started and httpx.get(live.url + "/api/health", timeout=2).status_code == 200:
                return live
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    live.stop()
    raise AssertionError("the test server did not start")
