"""The job queue: job state in the archive, work on a Dask cluster (a local one by default).

The database is the queue. ``POST /api/runs`` inserts a run and a ``queued`` job;
a dispatcher thread claims queued jobs (oldest first, at most ``max_jobs`` at a
time) and submits :func:`run_plan_job` to Dask; the worker process writes progress
and the outcome back to the database itself. On start, jobs left ``running`` by a
server that died are marked ``interrupted`` (they can be re-run); ``queued`` ones
are simply picked up. Every update by a worker names the attempt it runs, so a
worker orphaned by a dead server cannot overwrite a later state.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from forceplan.archive.db import Database
from forceplan.archive.models import Job, RunRecord, utcnow
from forceplan.server.settings import Settings

log = logging.getLogger(__name__)

PHASES = ("load", "build", "solve", "extract", "explain", "write", "report")
"""The phases of a plan job, in order (progress is the share of them finished)."""
PROGRESS_EVERY = 1.0
"""Seconds between two solver progress writes to the database."""
MAX_LOG_LINES = 400

_worker_dbs: dict[str, Database] = {}


def _worker_db(url: str) -> Database:
    """One database handle per worker process and URL."""
    if url not in _worker_dbs:
        _worker_dbs[url] = Database(url, migrate=False)
    return _worker_dbs[url]


def run_folder_path(data_dir: Path | str, run_id: int) -> Path:
    """Where the server keeps run *run_id*'s folder."""
    return Path(data_dir) / "runs" / f"run-{run_id}"


class _Reporter:
    """Progress of one job attempt, written to the database (throttled)."""

    def __init__(self, db: Database, job_id: int, attempt: int):
        self.db, self.job_id, self.attempt = db, job_id, attempt
        self.done: list[str] = []
        self.lines: list[str] = []
        self.timings: dict[str, float] = {}
        self.last_write = 0.0
        self.state: dict[str, Any] = {"phase": "load", "done": [], "fraction": 0.0}

    def write(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last_write < PROGRESS_EVERY:
            return
        self.last_write = now
        with self.db.session() as s:
            s.execute(
                update(Job)
                .where(Job.id == self.job_id, Job.attempt == self.attempt, Job.status == "running")
                .values(progress=dict(self.state))
            )

    def phase_start(self, phase: str) -> None:
        self.state["phase"] = phase
        self.lines.append(f"{phase} ...")
        self.write(force=True)

    def phase_end(self, phase: str, seconds: float) -> None:
        self.lines.append(f"{phase:<24} {seconds:8.2f} s")
        if ":" not in phase:
            self.timings[phase] = seconds
        top = phase.split(":", 1)[0]
        if top in PHASES and top not in self.done and ":" not in phase:
            self.done.append(top)
        self.state["done"] = list(self.done)
        self.state["fraction"] = round(len(self.done) / len(PHASES), 3)
        self.write(force=True)

    def event(self, event: Any) -> None:
        """The progress callback handed to :func:`forceplan.plan`."""
        if event.kind == "phase-start":
            self.phase_start(event.phase)
        elif event.kind == "phase-end":
            self.phase_end(event.phase, float(event.elapsed))
        elif event.kind == "solver":
            from forceplan.cli.plan import solver_line

            line = solver_line(event)
            if len(self.lines) < MAX_LOG_LINES:
                self.lines.append(line)
            self.state.update(
                solver=line, gap=event.gap, best_bound=event.best_bound, elapsed=event.elapsed
            )
            self.write()

    def timed(self, phase: str, fn: Any, *args: Any) -> Any:
        self.phase_start(phase)
        t0 = time.perf_counter()
        out = fn(*args)
        self.phase_end(phase, time.perf_counter() - t0)
        return out


def _finish(
    db: Database, job_id: int, run_id: int, attempt: int, status: str, **run_values: Any
) -> bool:
    """Record the outcome of one attempt (only if the job is still that attempt, running)."""
    now = utcnow()
    error = run_values.pop("error", "")
    progress = run_values.pop("progress", None)
    with db.session() as s:
        values: dict[str, Any] = {"status": status, "finished_at": now, "error": error}
        if progress is not None:
            values["progress"] = progress
        res = s.execute(
            update(Job)
            .where(Job.id == job_id, Job.attempt == attempt, Job.status == "running")
            .values(**values)
        )
        if not getattr(res, "rowcount", 0):
            return False
        s.execute(
            update(RunRecord)
            .where(RunRecord.id == run_id)
            .values(**{"status": status, "finished_at": now, **run_values})
        )
    return True


def run_plan_job(db_url: str, data_dir: str, job_id: int, attempt: int) -> str:
    """Run one plan job attempt in a Dask worker; returns the final job status.

    Uses the public API only: :func:`forceplan.load_scenario`, :func:`forceplan.plan`,
    :func:`forceplan.explain.explain_plan`, :meth:`Plan.save` and
    :func:`forceplan.report.write_report`.
    """
    import forceplan
    from forceplan.archive.store import run_fields_from_folder

    db = _worker_db(db_url)
    with db.session() as s:
        job = s.get(Job, job_id)
        if job is None or job.attempt != attempt or job.status != "running":
            return "skipped"
        run = s.get(RunRecord, job.run_id)
        assert run is not None
        run_id, options = run.id, dict(run.options or {})
        scenario_dir = Path(str(run.inputs.get("scenario_dir", "")))
    rep = _Reporter(db, job_id, attempt)
    try:
        scenario = rep.timed("load", forceplan.load_scenario, scenario_dir)
        plan = forceplan.plan(
            scenario,
            time_limit=options.get("time_limit"),
            gap=options.get("gap"),
            threads=options.get("threads"),
            mode=options.get("mode"),
            progress=rep.event,
        )
        if not plan.has_plan:
            _finish(
                db,
                job_id,
                run_id,
                attempt,
                "failed",
                plan_status=plan.status,
                message=plan.message,
                solver_log="\n".join(rep.lines),
                error=f"no plan could be produced (status {plan.status}): {plan.message}",
            )
            return "failed"
        plan.timings = {"load": rep.timings.get("load", 0.0), **plan.timings}
        if options.get("explain", True):
            from forceplan.explain import explain_plan

            plan.tables.update(rep.timed("explain", explain_plan, plan))
            plan.timings["explain"] = rep.timings["explain"]
        dest = run_folder_path(data_dir, run_id)
        rep.timed("write", lambda: plan.save(dest, overwrite=True))
        if options.get("report", True):
            from forceplan.report import write_report

            rep.timed("report", write_report, dest)
        fields = run_fields_from_folder(dest)
        fields.pop("options", None)
        fields.pop("inputs", None)
        fields.pop("finished_at", None)
        fields["timings"] = {**fields["timings"], **rep.timings}
        rep.state.update(fraction=1.0, phase="done", done=list(PHASES))
        ok = _finish(
            db,
            job_id,
            run_id,
            attempt,
            "done",
            solver_log="\n".join(rep.lines),
            progress=dict(rep.state),
            **fields,
        )
        return "done" if ok else "skipped"
    except Exception as exc:
        _finish(
            db,
            job_id,
            run_id,
            attempt,
            "failed",
            message=f"{type(exc).__name__}: {exc}",
            solver_log="\n".join(rep.lines),
            error=traceback.format_exc(limit=8),
        )
        return "failed"


def recover(db: Database) -> int:
    """Mark jobs left ``running`` by a server that died as ``interrupted``; returns how many."""
    now = utcnow()
    with db.session() as s:
        ids = list(s.scalars(select(Job.run_id).where(Job.status == "running")))
        if not ids:
            return 0
        s.execute(
            update(Job)
            .where(Job.status == "running")
            .values(
                status="interrupted",
                finished_at=now,
                error="the server stopped while this job ran; re-run it",
            )
        )
        s.execute(
            update(RunRecord)
            .where(RunRecord.id.in_(ids))
            .values(status="interrupted", finished_at=now)
        )
    return len(ids)


def requeue(db: Database, run_id: int) -> bool:
    """Put an interrupted or failed run's job back in the queue."""
    with db.session() as s:
        res = s.execute(
            update(Job)
            .where(Job.run_id == run_id, Job.status.in_(("interrupted", "failed")))
            .values(status="queued", error="", progress={}, queued_at=utcnow(), finished_at=None)
        )
        if not getattr(res, "rowcount", 0):
            return False
        s.execute(
            update(RunRecord)
            .where(RunRecord.id == run_id)
            .values(status="queued", started_at=None, finished_at=None, message="")
        )
    return True


class JobQueue:
    """Claims queued jobs and runs them on Dask with at most ``settings.max_jobs`` at once."""

    def __init__(self, db: Database, settings: Settings):
        self.db = db
        self.settings = settings
        self.client: Any = None
        self.cluster: Any = None
        self.inflight: dict[int, tuple[int, Any]] = {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.interrupted_on_start = 0

    def start(self) -> None:
        """Recover jobs of a dead server, start (or join) the Dask cluster and the dispatcher."""
        from dask.distributed import Client, LocalCluster

        self.interrupted_on_start = recover(self.db)
        if self.settings.dask_address:
            self.client = Client(self.settings.dask_address)
        else:
            self.cluster = LocalCluster(
                n_workers=self.settings.max_jobs,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self.client = Client(self.cluster)
        self._thread = threading.Thread(target=self._loop, name="forceplan-jobs", daemon=True)
        self._thread.start()

    def notify(self) -> None:
        """A job was queued: look at the queue now."""
        self._wake.set()

    def _claim(self) -> tuple[int, int, int] | None:
        """Claim the oldest queued job: (job id, run id, attempt), or None."""
        with self.db.session() as s:
            job = s.scalar(select(Job).where(Job.status == "queued").order_by(Job.id).limit(1))
            if job is None:
                return None
            now = utcnow()
            res = s.execute(
                update(Job)
                .where(Job.id == job.id, Job.status == "queued")
                .values(status="running", attempt=Job.attempt + 1, started_at=now, progress={})
            )
            if not getattr(res, "rowcount", 0):
                return None
            s.execute(
                update(RunRecord)
                .where(RunRecord.id == job.run_id)
                .values(status="running", started_at=now)
            )
            attempt = s.scalar(select(Job.attempt).where(Job.id == job.id))
            return job.id, job.run_id, int(attempt or 0)

    def _reap(self) -> None:
        for job_id, (attempt, future) in list(self.inflight.items()):
            if not future.done():
                continue
            del self.inflight[job_id]
            if future.status == "error":
                exc = future.exception()
                log.error("job %s failed in Dask: %s", job_id, exc)
                with self.db.session() as s:
                    run_id = s.scalar(select(Job.run_id).where(Job.id == job_id))
                if run_id is not None:
                    _finish(
                        self.db,
                        job_id,
                        int(run_id),
                        attempt,
                        "failed",
                        message=f"the worker failed: {exc}",
                        error=repr(exc),
                    )

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._reap()
                while len(self.inflight) < self.settings.max_jobs and not self._stop.is_set():
                    claimed = self._claim()
                    if claimed is None:
                        break
                    job_id, _run_id, attempt = claimed
                    future = self.client.submit(
                        run_plan_job,
                        self.db.url,
                        str(self.settings.data_dir),
                        job_id,
                        attempt,
                        pure=False,
                        key=f"forceplan-job-{job_id}-{attempt}",
                        retries=0,
                    )
                    self.inflight[job_id] = (attempt, future)
            except Exception:  # keep dispatching whatever one round did
                log.exception("job dispatcher round failed")
            self._wake.wait(self.settings.poll_seconds)
            self._wake.clear()

    def stop(self) -> None:
        """Stop dispatching; jobs still running go back to the queue (nothing is lost)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        for job_id, (attempt, future) in list(self.inflight.items()):
            future.cancel()
            with self.db.session() as s:
                res = s.execute(
                    update(Job)
                    .where(Job.id == job_id, Job.attempt == attempt, Job.status == "running")
                    .values(status="queued", progress={})
                )
                if getattr(res, "rowcount", 0):
                    run_id = s.scalar(select(Job.run_id).where(Job.id == job_id))
                    s.execute(
                        update(RunRecord)
                        .where(RunRecord.id == run_id)
                        .values(status="queued", started_at=None)
                    )
        self.inflight.clear()
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
