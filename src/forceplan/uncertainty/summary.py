"""The stress test's tables: percentiles, breach and dry-out probabilities, per-sample outcomes."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from forceplan.uncertainty.draw import Draws
from forceplan.uncertainty.stress import Inputs, Outcomes

PERCENTILES = (5, 50, 95)
"""Percentiles reported for every outcome."""

DEEP = 0.05
"""A deep breach: capability more than this share of the floor below it."""


def _pct(values: np.ndarray, axis: int = 0) -> dict[str, np.ndarray]:
    if not values.size:
        empty = np.full(values.shape[:axis] + values.shape[axis + 1 :], np.nan)
        return {f"p{p:02d}": empty for p in PERCENTILES}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices (no formation due)
        q = np.nanpercentile(values, PERCENTILES, axis=axis)
    return {f"p{p:02d}": q[i] for i, p in enumerate(PERCENTILES)}


def capability_table(inp: Inputs, out: Outcomes) -> pd.DataFrame:
    """Per role and period: floor, the plan's capability, percentiles, probability below floor."""
    _n, T, R = out.capability.shape
    pct = _pct(out.capability, axis=0)  # each (T, R)
    floor = inp.floor.T
    deep = np.isfinite(floor)[None] & (out.capability < (1 - DEEP) * np.nan_to_num(floor)[None])
    frame = pd.DataFrame(
        {
            "period": np.repeat(inp.periods, R),
            "role": np.tile(inp.roles, T),
            "floor": floor.reshape(-1),
            "plan": inp.plan_capability.reshape(-1),
            **{k: np.asarray(v).reshape(-1) for k, v in pct.items()},
            "mean": out.capability.mean(axis=0).reshape(-1),
            "p_below_floor": out.breach.mean(axis=0).reshape(-1),
            "p_below_floor_by_5pct": deep.mean(axis=0).reshape(-1),
        }
    )
    return frame


def ammunition_table(inp: Inputs, out: Outcomes) -> pd.DataFrame:
    """Per munition and period: probability of running dry and closing-stock percentiles."""
    _n, T, M = out.closing.shape
    pct = _pct(out.closing, axis=0)
    return pd.DataFrame(
        {
            "period": np.repeat(inp.periods, M),
            "munition": np.tile(inp.munitions, T),
            "p_dry": out.dry.mean(axis=0).reshape(-1),
            **{f"closing_{k}": np.asarray(v).reshape(-1) for k, v in pct.items()},
        }
    )


def period_table(inp: Inputs, out: Outcomes) -> pd.DataFrame:
    """Per period: percentiles of the interoperability index, spend and formation fill."""
    cols: dict[str, object] = {"period": inp.periods}
    for name, values in (
        ("interoperability", out.interop),
        ("spend", out.spend),
        ("formation_fill", out.fill),
    ):
        for k, v in _pct(values, axis=0).items():
            cols[f"{name}_{k}"] = v
    cols["p_any_floor_breached"] = out.breach.any(axis=2).mean(axis=0)
    return pd.DataFrame(cols)


def sample_outcomes(inp: Inputs, out: Outcomes) -> pd.DataFrame:
    """One row per sample: what failed and how badly (the columns PRIM and SALib read)."""
    n = out.capability.shape[0]
    cols: dict[str, Any] = {}
    floor = inp.floor.T[None]
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(np.isfinite(floor) & (floor > 0), out.capability / floor, np.nan)
    cols["breach"] = out.breach.any(axis=(1, 2))
    cols["breach_periods"] = out.breach.any(axis=2).sum(axis=1)
    cols["breach_share"] = out.breach.any(axis=2).mean(axis=1) if out.breach.shape[1] else 0.0
    for r, role in enumerate(inp.roles):
        if not np.isfinite(inp.floor[r]).any():
            continue
        cols[f"breach:{role}"] = out.breach[:, :, r].any(axis=1)
        cols[f"floor_ratio_min:{role}"] = np.nanmin(ratio[:, :, r], axis=1)
    has_floor = bool(np.isfinite(ratio).any())
    # the floors missed, each as a share of its floor, summed over roles and periods (the
    # model's normalised capability shortfall): how much is missed, not only whether
    cols["floor_gap"] = np.nansum(np.clip(1 - ratio, 0, None), axis=(1, 2))
    cols["floor_ratio_min"] = (
        np.nanmin(ratio.reshape(n, -1), axis=1) if has_floor else np.full(n, np.nan)
    )
    for m, mun in enumerate(inp.munitions):
        if out.dry[:, :, m].any():
            cols[f"dry:{mun}"] = out.dry[:, :, m].any(axis=1)
    cols["dry"] = out.dry.any(axis=(1, 2))
    cols["interoperability_last"] = out.interop[:, -1]
    cols["spend_total"] = out.spend.sum(axis=1)
    cols["formation_fill_min"] = (
        np.nanmin(out.fill, axis=1) if np.isfinite(out.fill).any() else np.full(n, np.nan)
    )
    frame = pd.DataFrame(cols, index=pd.RangeIndex(n, name="sample"))
    return frame


def samples_table(draws: Draws, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Each sample's factor draws and outcomes, side by side (``samples.parquet``)."""
    factors = draws.factors.add_prefix("factor:")
    return pd.concat([factors, outcomes], axis=1).reset_index()
