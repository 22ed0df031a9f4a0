"""Where the plan fails, in words: PRIM boxes (EMA workbench) and factor rankings (SALib).

Scenario discovery runs the EMA workbench's PRIM on the sampled factors against
each failure (a floor breached in some period, a munition running dry): PRIM
peels the box of all futures down to the region where the failure is densest.
Of its peeling trajectory the box kept is the one with the largest product of
coverage and density among those of density at least :data:`DENSITY` (or the
densest reachable), with at most
:data:`MAX_CONDITIONS` conditions; restrictions that leave out almost no
futures are dropped, and its figures are recounted over all futures.

Factors are ranked by SALib's RBD-FAST first-order index (the share of an
outcome's variance a factor explains) with the PAWN index beside it; both work
on the Monte Carlo samples of the stress test as they are.
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

DENSITY = 0.8
"""Share of futures in a box that fail, aimed at."""
MAX_CONDITIONS = 3
"""Most conditions a box sentence holds."""
MIN_CUT = 0.1
"""A restriction that leaves out less than this share of the futures is dropped."""
MAX_PRIM_SAMPLES = 2000
"""PRIM and SALib read at most this many samples (the first ones)."""
MIN_RATE, MAX_RATE = 0.01, 0.99
"""Failures rarer or commoner than this get a sentence without a box."""
BOXED_RATE = 0.9
"""Failures commoner than this are not given to PRIM (no box can be much denser)."""


@dataclass
class Box:
    """One box: the limits per restricted factor and its figures over all futures."""

    limits: dict[str, tuple[float, float]]
    density: float
    mass: float
    coverage: float
    n: int


def _inside(x: pd.DataFrame, limits: dict[str, tuple[float, float]]) -> np.ndarray:
    keep = np.ones(len(x), dtype=bool)
    for name, (lo, hi) in limits.items():
        v = x[name].to_numpy(dtype=float)
        keep &= (v >= lo) & (v <= hi)
    return keep


def _stats(x: pd.DataFrame, y: np.ndarray, limits: dict[str, tuple[float, float]]) -> Box:
    inside = _inside(x, limits)
    n_in = int(inside.sum())
    fails = int(y.sum())
    return Box(
        limits=limits,
        density=float(y[inside].mean()) if n_in else 0.0,
        mass=n_in / max(len(y), 1),
        coverage=float(y[inside].sum() / fails) if fails else 0.0,
        n=n_in,
    )


def _restricted(
    x: pd.DataFrame, lims: pd.DataFrame, init: pd.DataFrame
) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for name in x.columns:
        lo, hi = (float(v) for v in np.asarray(lims[name], dtype=float)[:2])
        lo0, hi0 = (float(v) for v in np.asarray(init[name], dtype=float)[:2])
        if lo > lo0 or hi < hi0:
            out[name] = (lo if lo > lo0 else -math.inf, hi if hi < hi0 else math.inf)
    return out


def prim_box(x: pd.DataFrame, y: np.ndarray, density: float = DENSITY) -> Box | None:
    """The box of factor limits where *y* (failures) is densest, or None when there is none.

    Parameters
    ----------
    x
        Factor values, one column per factor (constant columns are left out).
    y
        One boolean per row: the failure happened.
    density
        Share of failures in the box aimed at.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the workbench warns of optional parallel back ends
        from ema_workbench.analysis import prim

    y = np.asarray(y, dtype=bool)
    x = x.loc[:, x.nunique() > 1].astype(float).reset_index(drop=True)
    if x.shape[1] == 0 or y.all() or not y.any():
        return None
    logging.getLogger("EMA").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = prim.Prim(x, y.astype(int), threshold=0.0, peel_alpha=0.05, mass_min=0.02)
        box = p.find_box()
    traj = box.peeling_trajectory.reset_index(drop=True)
    best = None
    reach = min(density, float(traj["density"].max()))
    for i in range(len(traj)):
        limits = _restricted(x, box.box_lims[i], p.box_init)
        if not limits or len(limits) > MAX_CONDITIONS + 2:
            continue
        limits = _simplify(x, y, limits)
        if not limits:
            continue
        stats = _stats(x, y, limits)
        if stats.density + 1e-12 < reach or stats.density <= y.mean() * 1.2:
            continue
        if best is None or stats.coverage * stats.density > best.coverage * best.density + 1e-12:
            best = stats
    return best


def _simplify(
    x: pd.DataFrame, y: np.ndarray, limits: dict[str, tuple[float, float]]
) -> dict[str, tuple[float, float]]:
    """Drop restrictions that leave out almost no futures, then keep the strongest few."""
    kept = {}
    for name, lim in limits.items():
        cut = 1.0 - _inside(x, {name: lim}).mean()
        if cut >= MIN_CUT:
            kept[name] = lim
    if len(kept) > MAX_CONDITIONS:
        # keep the conditions whose removal would lower the density most
        base = _stats(x, y, kept).density
        loss = {
            name: base - _stats(x, y, {k: v for k, v in kept.items() if k != name}).density
            for name in kept
        }
        top = sorted(loss, key=lambda k: -loss[k])[:MAX_CONDITIONS]
        kept = {k: kept[k] for k in kept if k in top}
    return kept


def _number(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def condition_text(factor: str, lim: tuple[float, float], meta: pd.DataFrame) -> str:
    """One box limit in words, e.g. ``slip of US deliveries (years) is 1 or more``."""
    row = meta.loc[factor]
    text, kind, unit = str(row["text"]), str(row["kind"]), str(row["unit"])
    lo, hi = lim
    whole = kind in ("pledge_slip", "line_delay", "pledge_loss")
    if kind == "pledge_loss":
        return f"{row['target']} deliveries are lost" if lo > 0 else f"{row['target']} delivers"
    suffix = "x" if unit == "x" else ""
    if whole:
        lo_t = f"{math.ceil(lo - 1e-9)}" if math.isfinite(lo) else ""
        hi_t = f"{math.floor(hi + 1e-9)}" if math.isfinite(hi) else ""
        if lo_t and hi_t:
            return f"{text} is {lo_t}" if lo_t == hi_t else f"{text} is {lo_t} to {hi_t}"
        return f"{text} is {lo_t} or more" if lo_t else f"{text} is {hi_t} or less"
    if math.isfinite(lo) and math.isfinite(hi):
        return f"{text} is between {_number(lo)}{suffix} and {_number(hi)}{suffix}"
    if math.isfinite(lo):
        return f"{text} is above {_number(lo)}{suffix}"
    return f"{text} is below {_number(hi)}{suffix}"


def outcome_text(outcome: str, names: dict[str, str] | None = None) -> str:
    """A failure in words: ``breach:air-defence`` -> ``the air defence floor is breached``.

    *names* gives munitions their names (``dry:pac-3-mse`` -> ``PAC-3 MSE runs dry``).
    """
    if outcome == "breach":
        return "a capability floor is breached"
    if outcome == "dry":
        return "a munition runs dry"
    kind, _, what = outcome.partition(":")
    if kind == "breach":
        return f"the {what.replace('-', ' ')} floor is breached"
    if kind == "dry":
        return f"{(names or {}).get(what, what)} runs dry"
    return outcome


def _lead(outcome: str, names: dict[str, str] | None) -> str:
    text = outcome_text(outcome, names)
    return text[0].upper() + text[1:]


def _pct(v: float) -> str:
    return f"{100 * v:.0f}%" if v >= 0.01 or v == 0 else f"{100 * v:.1f}%"


def box_sentence(
    outcome: str, box: Box, meta: pd.DataFrame, names: dict[str, str] | None = None
) -> str:
    """A box as a sentence a planner reads."""
    conds = [condition_text(f, lim, meta) for f, lim in box.limits.items()]
    where = conds[0] if len(conds) == 1 else ", ".join(conds[:-1]) + " and " + conds[-1]
    return (
        f"{_lead(outcome, names)} in {_pct(box.density)} "
        f"of futures where {where}; these are {_pct(box.mass)} of all futures and hold "
        f"{_pct(box.coverage)} of the futures where it happens."
    )


def failure_boxes(
    factors: pd.DataFrame,
    outcomes: pd.DataFrame,
    meta: pd.DataFrame,
    max_outcomes: int = 6,
    names: dict[str, str] | None = None,
) -> pd.DataFrame:
    """``stress/failures.csv``: one row per failure, with its PRIM box in words.

    Parameters
    ----------
    factors
        The draws (one column per factor id).
    outcomes
        Per-sample outcomes; every boolean column ``breach*`` / ``dry*`` is a failure.
    meta
        The draws' meta (factor words).
    max_outcomes
        Most failures analysed with PRIM (any floor, any munition, then the commonest).
    names
        Munition names for the sentences.
    """
    rows = []
    x = factors.iloc[:MAX_PRIM_SAMPLES]
    fail_cols = [
        c
        for c in outcomes.columns
        if outcomes[c].dtype == bool and (c.startswith("breach") or c.startswith("dry"))
    ]
    rates = {c: float(outcomes[c].mean()) for c in fail_cols}
    analysed = 0
    for col in sorted(fail_cols, key=lambda c: (c not in ("breach", "dry"), -rates[c])):
        rate = rates[col]
        if rate == 0:
            continue
        base = {
            "outcome": col,
            "p_outcome": rate,
            "density": np.nan,
            "mass": np.nan,
            "coverage": np.nan,
            "futures": np.nan,
            "conditions": "",
        }
        if rate > MAX_RATE:
            rows.append(
                {
                    **base,
                    "text": f"{_lead(col, names)} in "
                    f"{_pct(rate)} of futures: whatever the factors, the plan has no margin "
                    "for it.",
                }
            )
            continue
        if rate > BOXED_RATE:
            rows.append(
                {
                    **base,
                    "text": f"{_lead(col, names)} in {_pct(rate)} of futures: nearly any "
                    "adverse draw causes it, the plan has almost no margin for it.",
                }
            )
            continue
        if rate < MIN_RATE or analysed >= max_outcomes or x.shape[1] == 0:
            rows.append(
                {
                    **base,
                    "text": f"{_lead(col, names)} in {_pct(rate)} of futures.",
                }
            )
            continue
        analysed += 1
        y = outcomes[col].to_numpy(dtype=bool)[: len(x)]
        box = prim_box(x, y)
        if box is None:
            why = (
                "nearly any adverse draw causes it: the plan has almost no margin for it"
                if rate >= 0.8
                else "with no combination of factors that explains it clearly"
            )
            rows.append({**base, "text": f"{_lead(col, names)} in {_pct(rate)} of futures, {why}."})
            continue
        rows.append(
            {
                **base,
                "density": box.density,
                "mass": box.mass,
                "coverage": box.coverage,
                "futures": box.n,
                "conditions": "; ".join(
                    f"{f} in [{lo:g}, {hi:g}]" for f, (lo, hi) in box.limits.items()
                ),
                "text": box_sentence(col, box, meta, names),
            }
        )
    columns = [
        "outcome",
        "p_outcome",
        "density",
        "mass",
        "coverage",
        "futures",
        "conditions",
        "text",
    ]
    return pd.DataFrame(rows, columns=columns)


RESAMPLES = 20
"""Bootstrap resamples of RBD-FAST's confidence interval (``S1_conf``). SALib's default of
100 took 7.8 of the 10.3 CPU seconds of a 10,000-future notional stress test. S1 itself
does not depend on it; SALib takes the interval as z times the standard deviation of the
resampled S1, which 20 resamples estimate to about 1/sqrt(2 x 19), 16%, of itself."""


def sensitivity(
    factors: pd.DataFrame, outcomes: pd.DataFrame, meta: pd.DataFrame, seed: int = 0
) -> pd.DataFrame:
    """``stress/sensitivity.csv``: factors ranked per outcome by their share of its variance.

    The outcomes ranked are the worst capability-to-floor ratio over the horizon
    (overall and per role with a floor) and the total spend. ``S1`` is SALib's
    RBD-FAST first-order index (the share of the outcome's variance the factor
    explains alone, from the Monte Carlo samples as they are), ``pawn`` SALib's
    PAWN median (how far the factor shifts the outcome's distribution, 0 to 1).
    """
    from SALib.analyze import pawn, rbd_fast

    x = factors.iloc[:MAX_PRIM_SAMPLES]
    varying = [c for c in x.columns if x[c].nunique() > 1]
    columns = ["outcome", "factor", "text", "S1", "S1_conf", "pawn", "rank"]
    if not varying or len(x) < 50:
        return pd.DataFrame(columns=columns)
    X = x[varying].to_numpy(dtype=float)
    problem = {
        "num_vars": len(varying),
        "names": varying,
        "bounds": [[float(X[:, j].min()), float(X[:, j].max())] for j in range(len(varying))],
    }
    targets = [c for c in outcomes.columns if c.startswith("floor_ratio_min")] + ["spend_total"]
    rows = []
    for col in targets:
        Y = outcomes[col].to_numpy(dtype=float)[: len(x)]
        if not np.isfinite(Y).all() or np.ptp(Y) < 1e-9:
            continue
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            fast = rbd_fast.analyze(problem, X, Y, M=10, num_resamples=RESAMPLES, seed=seed)
            shift = pawn.analyze(problem, X, Y, S=10, seed=seed)
        s1 = np.nan_to_num(np.asarray(fast["S1"], dtype=float))
        order = np.argsort(-s1, kind="stable")
        rank = np.empty(len(s1), dtype=int)
        rank[order] = np.arange(1, len(s1) + 1)
        for j, name in enumerate(varying):
            rows.append(
                {
                    "outcome": col,
                    "factor": name,
                    "text": str(meta.loc[name, "text"]),
                    "S1": float(s1[j]),
                    "S1_conf": float(fast["S1_conf"][j]),
                    "pawn": float(shift["median"][j]),
                    "rank": int(rank[j]),
                }
            )
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["outcome", "rank"]).reset_index(drop=True)
