"""``forceplan sweep`` on a real Dask cluster (scheduler and workers as separate processes)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import forceplan
from forceplan.io.load import load_scenario
from forceplan.sweep import SweepError, run_sweep
from forceplan.sweep.samples import read_records
from forceplan.sweep.sampling import draw, realise

SUMMARY_FILES = (
    "summary.json",
    "outcomes.csv",
    "robust_decisions.csv",
    "decision_frequency.csv",
    "shortfall_frequency.csv",
)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from forceplan.cli.app import main; main()", "sweep", *args]


def _run(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_cli(*args), capture_output=True, text=True, timeout=timeout, env=_env())


def _env() -> dict[str, str]:
    return {**os.environ, "FORCEPLAN_ARCHIVE": "off", "COLUMNS": "200"}


@pytest.fixture(scope="module")
def full_sweep(
    dask_cluster: str, small_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """An uninterrupted sweep of 6 futures, seed 7, through --scheduler."""
    out = tmp_path_factory.mktemp("full") / "sweep"
    res = _run(
        str(small_dir),
        "--samples",
        "6",
        "--seed",
        "7",
        "--scheduler",
        dask_cluster,
        "--out",
        str(out),
    )
    assert res.returncode == 0, res.stdout + res.stderr
    return out


def test_sweep_through_scheduler(full_sweep: Path, small_dir: Path) -> None:
    records = read_records(full_sweep)
    assert sorted(k for k in records if k != "base") == list(range(6))
    assert "base" in records
    summary = json.loads((full_sweep / "summary.json").read_text())
    assert summary["samples"] == 6 and summary["solved"] == 6 and summary["missing"] == []
    # each record is the plan of that sampled future: re-plan sample 4 here and compare
    scen = load_scenario(small_dir)
    future = realise(scen, draw(scen, n=6, seed=7), 4)
    here = forceplan.plan(future, threads=1)
    assert records[4]["objective"]["total"] == pytest.approx(here.objective["total"], rel=1e-7)
    # the base record is the scenario as given
    base = forceplan.plan(scen, threads=1)
    assert records["base"]["objective"]["total"] == pytest.approx(base.objective["total"], rel=1e-7)
    # the summary's distribution is that of the records
    totals = sorted(records[i]["objective"]["total"] for i in range(6))
    dist = summary["distributions"]["objective_total"]
    assert dist["min"] == pytest.approx(totals[0]) and dist["max"] == pytest.approx(totals[-1])
    # decision frequency: counted from the records
    import pandas as pd

    robust = pd.read_csv(full_sweep / "robust_decisions.csv", keep_default_na=False)
    for row in robust.itertuples(index=False):
        plans = sum(
            any(
                d["action"] == row.action
                and d["item_id"] == row.item_id
                and (d["from_id"] or "") == row.from_id
                and d["quantity"] > 1e-6
                for d in records[i]["decisions"]
            )
            for i in range(6)
        )
        assert row.plans == plans and row.share == pytest.approx(plans / 6)
    assert "receive" not in set(robust["action"])


def test_tasks_ran_on_the_cluster(dask_cluster: str, full_sweep: Path) -> None:
    from dask.distributed import Client

    with Client(dask_cluster, timeout=30) as client:
        prefixes = client.run_on_scheduler(
            lambda dask_scheduler: list(dask_scheduler.task_prefixes)
        )
    assert "forceplan-sweep" in " ".join(prefixes)


@pytest.mark.slow
def test_killed_sweep_resumes_and_equals_uninterrupted(
    dask_cluster: str, small_dir: Path, full_sweep: Path, tmp_path: Path
) -> None:
    out = tmp_path / "sweep"
    args = _cli(
        str(small_dir),
        "--samples",
        "6",
        "--seed",
        "7",
        "--scheduler",
        dask_cluster,
        "--out",
        str(out),
    )
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
    samples = out / "samples"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if samples.is_dir() and len(list(samples.glob("sample-*.json"))) >= 2:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    kept = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in samples.glob("*.json")}
    finished = [n for n in kept if n.startswith("sample-")]
    assert 2 <= len(finished) < 6, kept  # killed half-way
    assert not (out / "summary.json").exists()  # the summary is written only at the end
    res = _run(
        str(small_dir),
        "--samples",
        "6",
        "--seed",
        "7",
        "--scheduler",
        dask_cluster,
        "--out",
        str(out),
    )
    assert res.returncode == 0, res.stdout + res.stderr
    if len(kept) < 7:
        assert f"({len(kept)} from before)" in res.stdout
    for name, stat in kept.items():  # finished futures were not solved or written again
        p = samples / name
        assert (p.stat().st_ino, p.stat().st_mtime_ns) == stat
    assert sorted(p.name for p in samples.iterdir()) == sorted(
        p.name for p in (full_sweep / "samples").iterdir()
    )
    for name in SUMMARY_FILES:
        assert (out / name).read_bytes() == (full_sweep / name).read_bytes(), name


def test_other_seed_is_refused(full_sweep: Path, small_dir: Path, dask_cluster: str) -> None:
    res = _run(
        str(small_dir),
        "--samples",
        "6",
        "--seed",
        "8",
        "--scheduler",
        dask_cluster,
        "--out",
        str(full_sweep),
    )
    assert res.returncode == 1
    assert "another scenario, seed or solve options" in res.stderr
    assert "seed 7 there, 8 now" in res.stderr


def test_foreign_folder_is_refused(small_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "notes.txt").write_text("mine")
    with pytest.raises(SweepError, match="not a sweep folder"):
        run_sweep(load_scenario(small_dir), 2, tmp_path / "x", scheduler="tcp://127.0.0.1:9")
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["notes.txt"]


def test_unreachable_scheduler(
    small_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forceplan.sweep import engine

    monkeypatch.setattr(engine, "CONNECT_TIMEOUT", 1.0)
    with pytest.raises(SweepError, match=r"scheduler at tcp://127.0.0.1:9 could not be reached"):
        run_sweep(load_scenario(small_dir), 2, tmp_path / "s", scheduler="tcp://127.0.0.1:9")
