"""Run a sweep on Dask: draw N futures, re-optimise each, write each as it finishes.

The sweep folder::

    DIR/sweep.json                 what is swept (scenario hash, seed, options): checked on resume
    DIR/scenario/                  the scenario as swept (CSV + scenario.yaml)
    DIR/samples/sample-000007.json one record per finished future (base.json: the scenario as given)
    DIR/summary.json, DIR/*.csv    the summary (written at the end; see forceplan.sweep.summary)

Every file is written atomically. Restarting with the same scenario and seed skips
the samples whose record exists, so nothing finished is solved again.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from forceplan.domain.scenario import Scenario
from forceplan.io.atomic import atomic_file
from forceplan.sweep.errors import SweepError
from forceplan.sweep.samples import BASE, read_records, solve_sample, write_record
from forceplan.sweep.summary import summarise, write_summary

log = logging.getLogger(__name__)

MANIFEST = "sweep.json"
KIND = "forceplan-sweep"
CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a Dask scheduler given with ``--scheduler``."""


@dataclass
class SweepProgress:
    """What the progress display needs: done/total (resumed ones included), rate, ETA."""

    total: int
    done: int = 0
    resumed: int = 0
    started: float = field(default_factory=time.perf_counter)
    last: dict[str, Any] | None = None

    @property
    def new(self) -> int:
        """Samples finished in this run."""
        return self.done - self.resumed

    @property
    def rate(self) -> float:
        """Samples per second in this run (0 before the first)."""
        elapsed = time.perf_counter() - self.started
        return self.new / elapsed if self.new and elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the current rate (None before the first sample)."""
        return (self.total - self.done) / self.rate if self.rate > 0 else None


def _hash_scenario(scenario: Scenario) -> str:
    from forceplan.io.csv_folder import write_folder_into
    from forceplan.io.run_folder import scenario_hash

    with tempfile.TemporaryDirectory(prefix="forceplan-sweep-") as tmp:
        write_folder_into(scenario.header, scenario.tables, Path(tmp))
        return scenario_hash(tmp)


def manifest_for(
    scenario: Scenario, seed: int, samples: int, options: dict[str, Any]
) -> dict[str, Any]:
    """The ``sweep.json`` of a sweep of *scenario*."""
    from forceplan import __version__

    return {
        "kind": KIND,
        "scenario_name": scenario.name,
        "notional": scenario.notional,
        "scenario_hash": _hash_scenario(scenario),
        "seed": int(seed),
        "samples": int(samples),
        "options": options,
        "forceplan_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def prepare_folder(folder: Path, scenario: Scenario, manifest: dict[str, Any]) -> None:
    """Create the sweep folder, or check that an existing one belongs to this sweep.

    Raises
    ------
    SweepError
        When *folder* is a file, a non-empty folder that is no sweep, or the sweep
        of another scenario, seed or solve options.
    """
    folder = Path(folder)
    path = folder / MANIFEST
    if folder.exists() and not folder.is_dir():
        raise SweepError(f"{folder} exists and is not a folder. Fix: choose another --out.")
    if path.is_file():
        try:
            old = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise SweepError(
                f"{path} cannot be read ({exc}); the folder is not a usable sweep. Fix: choose a "
                "new --out folder."
            ) from exc
        differ = [
            f"{key} {old.get(key)!r} there, {manifest[key]!r} now"
            for key in ("scenario_hash", "seed", "options")
            if old.get(key) != manifest[key]
        ]
        if old.get("kind") != KIND or differ:
            raise SweepError(
                f"{folder} holds the sweep of another scenario, seed or solve options "
                f"('{old.get('scenario_name')}': {'; '.join(differ) or 'not a sweep'}), so it "
                "cannot be resumed with these. Fix: give the same scenario, --seed and options "
                "to resume it, or choose a new --out folder."
            )
        if old.get("samples") != manifest["samples"]:
            updated = {**old, "samples": manifest["samples"]}
            _write_json(path, updated)
        return
    if folder.is_dir() and any(folder.iterdir()):
        raise SweepError(
            f"{folder} is not empty and is not a sweep folder (no {MANIFEST}). Fix: choose a "
            "new --out folder (an existing sweep folder is resumed)."
        )
    from forceplan.io.csv_folder import write_folder

    folder.mkdir(parents=True, exist_ok=True)
    write_folder(scenario.header, scenario.tables, folder / "scenario", overwrite=True)
    _write_json(path, manifest)  # last: a folder with sweep.json has its scenario


def _write_json(path: Path, data: dict[str, Any]) -> None:
    with atomic_file(path) as tmp:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")


def connect(scheduler: str | None, workers: int | None = None) -> tuple[Any, Any]:
    """A Dask client: on the scheduler at *scheduler*, or on a new LocalCluster.

    The local cluster has *workers* processes (default: one per core) of one thread
    each.

    Returns
    -------
    (client, cluster)
        *cluster* is None for an existing scheduler.

    Raises
    ------
    SweepError
        When the scheduler cannot be reached within :data:`CONNECT_TIMEOUT` seconds.
    """
    from dask.distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False), None
        except (OSError, TimeoutError, ValueError) as exc:
            raise SweepError(
                f"the Dask scheduler at {scheduler} could not be reached within "
                f"{CONNECT_TIMEOUT:.0f} s ({type(exc).__name__}: {exc}). Fix: start it "
                "(`dask scheduler`, then `dask worker ADDRESS` on each machine) and give its "
                "address as tcp://HOST:PORT, or leave out --scheduler for a local cluster."
            ) from None
    n = workers or os.cpu_count() or 1
    cluster = LocalCluster(
        n_workers=n,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    return Client(cluster, set_as_default=False), cluster


def run_sweep(
    scenario: Scenario,
    samples: int,
    folder: Path | str,
    *,
    seed: int = 1,
    scheduler: str | None = None,
    workers: int | None = None,
    time_limit: float | None = None,
    gap: float | None = None,
    base: bool = True,
    on_progress: Callable[[SweepProgress], None] | None = None,
) -> dict[str, Any]:
    """Sweep *scenario*: *samples* sampled futures, each re-optimised on Dask.

    Parameters
    ----------
    scenario
        A validated scenario (its ``uncertainty`` table says what is drawn).
    samples
        Futures to draw (``forceplan.uncertainty.draw``; sample *i* is the same for
        every *samples* with the same seed).
    folder
        The sweep folder (created, or resumed when it holds this sweep).
    seed
        Seed of the draws.
    scheduler
        Address of a running Dask scheduler; None starts a LocalCluster.
    workers
        Worker processes of the LocalCluster (default: one per core).
    time_limit, gap
        Solver settings of every plan (default: the header's); HiGHS runs one thread.
    base
        Also plan the scenario as given (``base_quantity`` in the summary).
    on_progress
        Called after each finished sample (and once at the start).

    Returns
    -------
    dict
        :func:`forceplan.sweep.summary.summarise` of the finished samples, also
        written into *folder*.
    """
    from forceplan.sweep.sampling import draw

    if samples < 1:
        raise SweepError(f"--samples must be at least 1, not {samples}.")
    folder = Path(folder)
    options: dict[str, Any] = {"time_limit": time_limit, "gap": gap, "threads": 1}
    manifest = manifest_for(scenario, seed, samples, options)
    prepare_folder(folder, scenario, manifest)
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    done = read_records(folder)
    todo: list[int | str] = [i for i in range(samples) if i not in done]
    if base and BASE not in done:
        todo.insert(0, BASE)
    progress = SweepProgress(total=samples + int(base))
    progress.done = progress.resumed = samples + int(base) - len(todo)
    if on_progress is not None:
        on_progress(progress)
    if todo:
        draws = draw(scenario, n=samples, seed=seed)
        client, cluster = connect(scheduler, workers)
        try:
            _run(client, scenario, draws, todo, options, folder, progress, on_progress)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    result = summarise(read_records(folder), samples, manifest)
    write_summary(folder, result)
    return result


def _run(
    client: Any,
    scenario: Scenario,
    draws: Any,
    todo: list[int | str],
    options: dict[str, Any],
    folder: Path,
    progress: SweepProgress,
    on_progress: Callable[[SweepProgress], None] | None,
) -> None:
    from dask.distributed import as_completed

    [scen_f] = client.scatter([scenario], broadcast=True)
    [draws_f] = client.scatter([draws], broadcast=True)
    futures = [
        client.submit(
            solve_sample,
            scen_f,
            draws_f,
            i,
            options,
            key=f"forceplan-sweep-{i}-{os.getpid()}",
            pure=False,
        )
        for i in todo
    ]
    failed: list[str] = []
    try:
        for future in as_completed(futures, loop=client.loop):
            try:
                record = future.result()
            except Exception as exc:  # a lost worker: the sample is solved on a later run
                failed.append(f"{future.key}: {type(exc).__name__}: {exc}")
                continue
            write_record(folder, record)
            progress.done += 1
            progress.last = record
            if on_progress is not None:
                on_progress(progress)
    finally:
        for f in futures:
            f.cancel()
    if failed:
        log.warning("%d sample(s) were not finished: %s", len(failed), "; ".join(failed[:5]))
