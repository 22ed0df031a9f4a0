"""The ``robust/`` folder of a robust run and its entry in ``summary.json``.

Files (CSV with a header row, ``period`` the period label; README "Robust plans"):

* ``robust/futures.csv``: one row per future: future, name, probability, shortfall,
  cost, risk_margin, interoperability, funded, unfunded, total (stochastic);
* ``robust/outcomes.csv``: per future and period: capability_shortfall,
  force_shortfall, ammunition_shortfall, interoperability_shortfall, cost (stochastic);
* ``robust/roles.csv``: per future, period and role: units in service, capability,
  floor, shortfall (stochastic);
* ``robust/shortfalls.csv``: future, name, then the columns of ``plan/shortfalls.csv``;
* ``robust/first_stage.csv``: decision, variable, period, element, value: the shared
  decisions (stochastic);
* ``robust/derated_sources.csv``: per source, given and derated quantity and timing
  (derated);
* ``robust/summary.md``: the method, why, and the outcome in a few lines;
* ``robust/deterministic/``: the deterministic plan of the scenario as given, a run
  folder of its own (no report); ``forceplan stress`` of the robust run stresses it on
  the same futures and writes the trade-off (``stress/tradeoff.csv``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from forceplan.results.costs import cost_totals
from forceplan.results.plan import Plan

if TYPE_CHECKING:  # pragma: no cover
    from forceplan.robust.plan import RobustResult, RobustSettings

ROBUST_DIR = "robust"
"""The folder of the per-future outcomes in a run folder."""
BASELINE_DIR = f"{ROBUST_DIR}/deterministic"
"""The deterministic plan of the scenario as given, a run folder inside the robust run."""


def _per_period(frame: pd.DataFrame, column: str, periods: list[Any]) -> np.ndarray:
    if frame is None or not len(frame) or column not in frame:
        return np.zeros(len(periods))
    return (
        frame.groupby("period")[column].sum().reindex(periods, fill_value=0.0).to_numpy(dtype=float)
    )


def future_tables(rr: RobustResult, plan: Plan) -> dict[str, pd.DataFrame]:
    """futures, outcomes, roles and shortfalls frames of a stochastic robust result."""
    periods = list(plan.scenario.header.period_labels)
    role_of = plan.scenario.tables["equipment"].set_index("id")["role"]
    futures, outcomes, roles, shortfalls = [], [], [], []
    for k, tables in enumerate(rr.future_tables):
        name, p = rr.names[k], float(rr.probabilities[k])
        obj = rr.future_objective[k]
        futures.append(
            {
                "future": k,
                "name": name,
                "probability": p,
                "shortfall": obj["shortfall"],
                "cost": obj["cost"],
                "risk_margin": obj["risk_margin"],
                "interoperability": obj["interoperability"],
                **cost_totals(tables),
            }
        )
        outcomes.append(
            pd.DataFrame(
                {
                    "future": k,
                    "name": name,
                    "probability": p,
                    "period": periods,
                    "capability_shortfall": _per_period(tables["capability"], "shortfall", periods),
                    "force_shortfall": _per_period(
                        tables.get("force_generation", pd.DataFrame()), "shortfall", periods
                    ),
                    "ammunition_shortfall": _per_period(tables["ammunition"], "shortfall", periods),
                    "interoperability_shortfall": _per_period(
                        tables["interoperability"], "shortfall", periods
                    ),
                    "cost": np.round(rr.future_cost[k], 6),
                }
            )
        )
        stock = tables["stock"].assign(role=lambda f: f["equipment"].map(role_of))
        units = stock.groupby(["period", "role"])["quantity"].sum().rename("units").reset_index()
        cap = tables["capability"][["period", "role", "capability", "floor", "shortfall"]]
        merged = units.merge(cap, on=["period", "role"], how="outer")
        roles.append(merged.assign(future=k, name=name))
        shortfalls.append(tables["shortfalls"].assign(future=k, name=name))
    role_frame = pd.concat(roles, ignore_index=True)
    role_frame = role_frame[
        ["future", "name", "period", "role", "units", "capability", "floor", "shortfall"]
    ].fillna({"units": 0.0, "capability": 0.0, "floor": 0.0, "shortfall": 0.0})
    sf = pd.concat(shortfalls, ignore_index=True)
    sf = sf[["future", "name", *[c for c in sf.columns if c not in ("future", "name")]]]
    return {
        "futures": pd.DataFrame(futures),
        "outcomes": pd.concat(outcomes, ignore_index=True),
        "roles": role_frame.sort_values(["future", "period", "role"]).reset_index(drop=True),
        "shortfalls": sf,
    }


def _summary_text(plan: Plan, rr: RobustResult, settings: RobustSettings, frames: dict) -> str:
    h = plan.scenario.header
    lines = [f"# Robust plan: {h.name}", ""]
    if plan.scenario.notional:
        lines += ["NOTIONAL scenario: not real data.", ""]
    lines.append(f"Method: **{rr.method}** ({rr.reason}).")
    if rr.method == "stochastic":
        periods = list(h.period_labels)[: settings.first_stage_periods]
        shared = rr.decisions
        nonzero = shared[shared["value"] > 0] if len(shared) else shared
        lines += [
            f"{len(rr.names)} futures; the decisions of {', '.join(map(str, periods))} are shared "
            f"by all of them ({len(nonzero)} non-zero of {len(shared)} shared decisions, "
            "robust/first_stage.csv); later periods adapt per future.",
            f"Expected shortfall {rr.expected.get('shortfall', 0):.6g}, expected cost "
            f"{rr.expected.get('cost', 0):,.1f} {h.currency}.",
            f"Solve: {rr.status} ({rr.message}).",
            "",
            "| future | probability | shortfall | cost |",
            "|---|---|---|---|",
        ]
        for row in frames["futures"].itertuples():
            lines.append(
                f"| {row.name} | {row.probability:.3g} | {row.shortfall:.6g} | {row.cost:,.1f} |"
            )
        lines += [
            "",
            "plan/ is the scenario as given, planned with the shared decisions fixed; "
            "robust/outcomes.csv and robust/roles.csv hold each future's outcome.",
        ]
    else:
        derated = rr.derated
        cut = derated[derated["quantity_derated"] < derated["quantity"] - 1e-9]
        lines += [
            f"Sources planned at the quantity and lead time they keep with probability "
            f"{settings.confidence:g} over {len(rr.probabilities)} futures: {len(cut)} of "
            f"{len(derated)} sources derated (robust/derated_sources.csv).",
            "Only supply is derated; attrition, budgets and lines are as given.",
        ]
    return "\n".join(lines) + "\n"


def attach(plan: Plan, rr: RobustResult, settings: RobustSettings) -> Plan:
    """Give *plan* the robust/ files, the summary entry ``robust`` and the method in its message."""
    if not plan.has_plan:
        return plan
    files: dict[str, pd.DataFrame | str | Plan] = {}
    frames: dict[str, pd.DataFrame] = {}
    if rr.method == "stochastic" and rr.future_tables:
        frames = future_tables(rr, plan)
        for name, frame in frames.items():
            files[f"{ROBUST_DIR}/{name}.csv"] = frame
        first = rr.decisions.copy()
        first["value"] = first["value"].round(6).where(first["value"].abs() >= 1e-6, 0.0)
        files[f"{ROBUST_DIR}/first_stage.csv"] = first
        if rr.status == "time_limit" and plan.status == "optimal":
            plan.status = "time_limit"
    if rr.method == "derated":
        files[f"{ROBUST_DIR}/derated_sources.csv"] = rr.derated
    files[f"{ROBUST_DIR}/summary.md"] = _summary_text(plan, rr, settings, frames)
    if rr.baseline is not None:
        files[BASELINE_DIR] = rr.baseline
    plan.extra_files.update(files)
    plan.summary_extra["robust"] = {
        "method": rr.method,
        "reason": rr.reason,
        "futures": len(rr.probabilities),
        "probabilities": [float(x) for x in rr.probabilities],
        "names": list(rr.names),
        "first_stage_periods": settings.first_stage_periods,
        "confidence": settings.confidence,
        "status": rr.status,
        "message": rr.message,
        "gap": rr.gap,
        "expected": rr.expected,
        "size": rr.size,
        "seconds": rr.seconds,
        "baseline": None
        if rr.baseline is None
        else {
            "folder": BASELINE_DIR,
            "status": rr.baseline.status,
            "objective": dict(rr.baseline.objective),
            "cost": cost_totals(rr.baseline.tables),
        },
    }
    note = f"robust plan ({rr.method}, {len(rr.probabilities)} futures)"
    plan.message = f"{note}: {plan.message}" if plan.message else note
    return plan
