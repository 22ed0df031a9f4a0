"""Stress-test a run folder and write ``RUNDIR/stress/`` (whole, atomically)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from forceplan.domain.scenario import Scenario
from forceplan.io.atomic import atomic_dir
from forceplan.io.run_folder import read_run_folder
from forceplan.uncertainty.discovery import failure_boxes, sensitivity
from forceplan.uncertainty.draw import Draws, draw
from forceplan.uncertainty.effects import Effects, effects
from forceplan.uncertainty.stress import Inputs, Outcomes, prepare, simulate
from forceplan.uncertainty.summary import (
    ammunition_table,
    capability_table,
    period_table,
    sample_outcomes,
    samples_table,
)

STRESS_DIR = "stress"
"""Folder of the stress test inside a run folder."""

STRESS_FILES = (
    "capability.csv",
    "ammunition.csv",
    "periods.csv",
    "failures.csv",
    "sensitivity.csv",
    "factors.csv",
    "samples.parquet",
    "summary.json",
)
"""Files of ``RUNDIR/stress/`` (a contract: names and leading columns stay). A robust run
(with ``robust/deterministic/``) also gets ``tradeoff.csv``: its plan (B) against the
deterministic one (A) on the same futures."""
BASELINE = "robust/deterministic"
"""The deterministic baseline of a robust run (``forceplan.robust.outputs.BASELINE_DIR``)."""


@dataclass
class StressResult:
    """A stress test: its inputs, draws, outcomes and tables."""

    inputs: Inputs
    draws: Draws
    outcomes: Outcomes
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)


def stress_test(rundir: Path | str, samples: int = 1000, seed: int = 0) -> StressResult:
    """Simulate the plan of *rundir* over *samples* sampled futures (nothing written).

    Parameters
    ----------
    rundir
        A run folder written by ``forceplan plan``.
    samples, seed
        Number of futures and the seed of their draw.
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    run = read_run_folder(rundir)
    scenario = run.scenario()
    inputs = prepare(scenario, run.tables)
    draws = draw(scenario, n=samples, seed=seed)
    timings["prepare"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    fx = effects(scenario, draws)
    outcomes = simulate(inputs, fx)
    timings["simulate"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    per_sample = sample_outcomes(inputs, outcomes)
    tables = {
        "capability": capability_table(inputs, outcomes),
        "ammunition": ammunition_table(inputs, outcomes),
        "periods": period_table(inputs, outcomes),
        "factors": draws.meta.reset_index(),
        "samples": samples_table(draws, per_sample),
    }
    timings["summarise"] = time.perf_counter() - t2
    t3 = time.perf_counter()
    mu = scenario.tables["munitions"]
    names = dict(zip(mu["id"].astype(str), mu["name"].astype(str), strict=True))
    tables["failures"] = failure_boxes(draws.factors, per_sample, draws.meta, names=names)
    tables["sensitivity"] = sensitivity(draws.factors, per_sample, draws.meta, seed=seed)
    timings["discover"] = time.perf_counter() - t3
    baseline = Path(rundir) / BASELINE
    if (baseline / "summary.json").is_file():
        t4 = time.perf_counter()
        tables["tradeoff"] = _tradeoff(Path(rundir), baseline, scenario, fx, draws, tables)
        timings["tradeoff"] = time.perf_counter() - t4
    cap = tables["capability"]
    worst = cap.iloc[int(np.argmax(cap["p_below_floor"].to_numpy()))] if len(cap) else None
    summary: dict[str, Any] = {
        "samples": int(samples),
        "seed": int(seed),
        "factors": int(draws.factors.shape[1]),
        "notional": bool(inputs.notional),
        "run": str(Path(rundir).resolve().name),
        "p_any_floor_breached": float(per_sample["breach"].mean()) if samples else 0.0,
        "p_any_floor_breached_by_5pct": _deep_any(inputs, outcomes) if samples else 0.0,
        "p_any_munition_dry": float(per_sample["dry"].mean()) if samples else 0.0,
        "worst": None
        if worst is None
        else {
            "role": str(worst["role"]),
            "period": int(worst["period"]),
            "p_below_floor": float(worst["p_below_floor"]),
        },
        "timings": {k: round(v, 4) for k, v in timings.items()},
    }
    if "tradeoff" in tables:
        from forceplan.robust.tradeoff import tradeoff_lines

        summary["tradeoff"] = {
            "a": BASELINE,
            "b": "this plan",
            "lines": tradeoff_lines(tables["tradeoff"], str(scenario.header.currency)),
        }
    return StressResult(inputs, draws, outcomes, tables, summary)


def _tradeoff(
    rundir: Path,
    baseline: Path,
    scenario: Scenario,
    fx: Effects,
    draws: Draws,
    tables: dict[str, pd.DataFrame],
) -> pd.DataFrame:
    """The trade-off of the run (B) against its deterministic baseline (A), same futures.

    A robust run keeps the deterministic plan of its scenario as ``robust/deterministic/``;
    that plan is simulated on exactly the futures (and so the same draws) of the run's own
    stress test."""
    from forceplan.robust.tradeoff import planned_cost, sample_frame, tradeoff_table

    base = read_run_folder(baseline)
    base_inputs = prepare(scenario, base.tables)
    base_out = simulate(base_inputs, fx)
    a = sample_frame(samples_table(draws, sample_outcomes(base_inputs, base_out)))
    b = sample_frame(tables["samples"])
    return tradeoff_table(a, b, (planned_cost(baseline), planned_cost(rundir)))


def _deep_any(inputs: Inputs, outcomes: Outcomes) -> float:
    """Share of futures with some floor missed by more than 5% of it in some period."""
    from forceplan.uncertainty.summary import DEEP

    floor = inputs.floor.T[None]
    deep = np.isfinite(floor) & (outcomes.capability < (1 - DEEP) * np.nan_to_num(floor))
    return float(deep.any(axis=(1, 2)).mean())


def write_stress(rundir: Path | str, result: StressResult) -> Path:
    """Write ``RUNDIR/stress/`` whole (to a temporary folder, then moved into place)."""
    dest = Path(rundir) / STRESS_DIR
    with atomic_dir(dest, overwrite=True) as tmp:
        for name in ("capability", "ammunition", "periods", "failures", "sensitivity", "factors"):
            result.tables[name].to_csv(tmp / f"{name}.csv", index=False)
        if "tradeoff" in result.tables:
            result.tables["tradeoff"].to_csv(tmp / "tradeoff.csv", index=False)
        result.tables["samples"].to_parquet(tmp / "samples.parquet", index=False)
        (tmp / "summary.json").write_text(
            json.dumps(result.summary, indent=2), encoding="utf-8", newline="\n"
        )
    return dest


def read_stress(rundir: Path | str) -> dict[str, Any] | None:
    """The tables of ``RUNDIR/stress/`` (``None`` when the run has no stress test)."""
    folder = Path(rundir) / STRESS_DIR
    if not (folder / "summary.json").is_file():
        return None
    out: dict[str, Any] = {"summary": json.loads((folder / "summary.json").read_text("utf-8"))}
    for name in ("capability", "ammunition", "periods", "failures", "sensitivity", "factors"):
        path = folder / f"{name}.csv"
        text = {"outcome": str, "conditions": str, "text": str, "factor": str, "role": str}
        out[name] = pd.read_csv(path, dtype=text, keep_default_na=True) if path.is_file() else None
        if out[name] is None:
            out[name] = pd.DataFrame()
        for col in ("conditions", "text"):
            if col in out[name]:
                out[name][col] = out[name][col].fillna("").astype(str)
    return out
