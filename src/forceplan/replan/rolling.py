"""Rolling re-planning over sampled futures, and one re-plan step from actuals.

:func:`rolling` plans the scenario once (the one-shot plan), then for each sampled
future: reveals the first period (:func:`forceplan.replan.state.reveal`), rolls the
horizon on (:func:`forceplan.replan.roll.roll_forward`, the plan's later decisions
announced), re-plans, and repeats until every period is revealed. The one-shot plan is
played through the same future with its decisions unchanged. It reports the churn of
each re-plan (how much of what was announced it changes) and both outcomes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from forceplan.domain.scenario import Scenario
from forceplan.model.persistence import values
from forceplan.replan.roll import roll_forward
from forceplan.replan.state import TOL, State, decisions_in, fixed_ids, reveal


def all_decisions(
    tables: dict[str, pd.DataFrame], scenario: Scenario, after: int | None = None
) -> pd.DataFrame:
    """Every decision of a plan (periods after *after* only, when given)."""
    periods = [p for p in scenario.periods if after is None or p > after]
    parts = [decisions_in(tables, scenario, p) for p in periods]
    return pd.concat(parts, ignore_index=True) if parts else decisions_in(tables, scenario, -1)


def churn(new: pd.DataFrame, announced: pd.DataFrame, scenario: Scenario) -> dict[str, float]:
    """How much a re-plan changes what was announced, over the cells of both.

    Returns
    -------
    dict
        ``cells_changed`` (decision, id, period cells whose quantity moved by more than
        1e-6 and 1% of the larger), ``cells_announced``, ``value_changed`` (sum over cells
        of unit value x |new - announced|, USD million), ``value_announced`` and ``share``
        (value_changed / value_announced; 0 when nothing was announced).
    """
    key = ["decision", "id", "period"]
    a = announced.groupby(key)["quantity"].sum().rename("old")
    n = new.groupby(key)["quantity"].sum().rename("new")
    both = pd.concat([a, n], axis=1).fillna(0.0).reset_index()
    if not len(both):
        return {
            "cells_changed": 0,
            "cells_announced": 0,
            "value_changed": 0.0,
            "value_announced": 0.0,
            "share": 0.0,
        }
    both["value"] = 0.0
    for d, g in both.groupby("decision"):
        both.loc[g.index, "value"] = values(scenario, str(d), pd.Index(g["id"]))
    diff = (both["new"] - both["old"]).abs()
    moved = diff > np.maximum(1e-6, 0.01 * np.maximum(both["new"], both["old"]))
    vc = float((diff * both["value"]).sum())
    va = float((both["old"] * both["value"]).sum())
    return {
        "cells_changed": int(moved.sum()),
        "cells_announced": int((both["old"] > TOL).sum()),
        "value_changed": vc,
        "value_announced": va,
        "share": vc / va if va > 0 else 0.0,
    }


def outcome(state: State, original: Scenario) -> pd.DataFrame:
    """Capability per role at the end of the revealed period against the original floors."""
    eq = original.equipment.set_index("id")
    cap = (
        (eq["combat_value"].astype(float) * state.stock.reindex(eq.index, fill_value=0.0))
        .groupby(eq["role"])
        .sum()
    )
    req = original.requirements
    floors = req[(req["kind"] == "capability") & (req["period"] == state.period)].set_index("role")[
        "minimum"
    ]
    roles = sorted(set(cap.index) | set(floors.index))
    out = pd.DataFrame({"period": state.period, "role": roles})
    out["capability"] = cap.reindex(roles, fill_value=0.0).to_numpy()
    out["floor"] = floors.astype(float).reindex(roles, fill_value=0.0).to_numpy()
    out["shortfall"] = (out["floor"] - out["capability"]).clip(lower=0.0)
    return out


def _spent(tables: dict[str, pd.DataFrame], period: int) -> float:
    b = tables["budgets"]
    return float(b.loc[b["period"] == period, "spent"].sum())


def rolling(
    scenario: Scenario,
    realisations: int,
    *,
    seed: int = 1,
    plan_options: dict[str, Any] | None = None,
    on_step: Callable[[int, int, str], None] | None = None,
) -> dict[str, Any]:
    """Rolling re-planning against the one-shot plan over *realisations* sampled futures.

    Returns
    -------
    dict
        ``one_shot`` (the :class:`~forceplan.results.plan.Plan` of the scenario),
        ``steps`` (per realisation and re-plan: period revealed, status, churn,
        persistence cost), ``capability`` (per realisation, track, period and role:
        realised capability, floor, shortfall), ``outcomes`` (per realisation and track:
        shortfall points, normalised shortfall, spending) and ``summary``.
    """
    import forceplan
    from forceplan.sweep.sampling import draw, realise

    opts = {"threads": 1, **(plan_options or {})}
    one_shot = forceplan.plan(scenario, **opts)
    if not one_shot.has_plan:
        from forceplan.exceptions import SolveError

        raise SolveError(f"the scenario has no plan ({one_shot.status}): {one_shot.message}")
    draws = draw(scenario, n=realisations, seed=seed)
    steps, caps, outs = [], [], []
    for i in range(realisations):
        reality = realise(scenario, draws, i)
        for track in ("rolling", "one-shot"):
            scen, plan_tables = scenario, one_shot.tables
            spent = 0.0
            for k, period in enumerate(scenario.periods):
                dec = decisions_in(plan_tables, scen, period)
                state = reveal(scen, dec, reality)
                spent += _spent(plan_tables, period)
                caps.append(outcome(state, scenario).assign(realisation=i, track=track))
                if k == len(scenario.periods) - 1:
                    break
                announced = all_decisions(plan_tables, scen, after=period)
                if track == "one-shot":
                    scen = roll_forward(scen, state, None)  # the one-shot plan is kept as it was
                    continue
                scen = roll_forward(scen, state, announced)
                result = forceplan.plan(scen, **opts)
                if on_step is not None:
                    on_step(i, k + 1, result.status)
                if not result.has_plan:
                    steps.append(
                        {
                            "realisation": i,
                            "step": k + 1,
                            "revealed": period,
                            "status": result.status,
                        }
                    )
                    break
                new = all_decisions(result.tables, scen)
                new = new[~((new["decision"] == "order") & new["id"].isin(fixed_ids(scen)))]
                c = churn(new, announced, scen)
                persistence = float(
                    result.objective.get("total", 0.0)
                    - result.objective.get("cost", 0.0) * scen.header.objective.cost_weight
                )
                steps.append(
                    {
                        "realisation": i,
                        "step": k + 1,
                        "revealed": period,
                        "replanned_from": scen.periods[0],
                        "status": result.status,
                        **c,
                        "persistence_cost": persistence,
                        "losses": float(state.losses.sum()),
                        "in_transit": float(state.in_transit["quantity"].sum())
                        if len(state.in_transit)
                        else 0.0,
                    }
                )
                plan_tables = result.tables
            outs.append({"realisation": i, "track": track, "spent": spent})
    capability = pd.concat(caps, ignore_index=True)
    capability = capability[
        ["realisation", "track", "period", "role", "capability", "floor", "shortfall"]
    ]
    floors = capability["floor"].where(capability["floor"] > 0)
    capability["shortfall_share"] = (capability["shortfall"] / floors).fillna(0.0)
    agg = capability.groupby(["realisation", "track"]).agg(
        shortfall_points=("shortfall", "sum"), shortfall=("shortfall_share", "sum")
    )
    outcomes = pd.DataFrame(outs).join(agg, on=["realisation", "track"])
    steps_df = pd.DataFrame(steps)
    per_period = (
        steps_df.groupby("revealed")[["share", "cells_changed", "value_changed"]]
        .mean()
        .reset_index()
        if len(steps_df) and "share" in steps_df
        else pd.DataFrame()
    )
    means = outcomes.groupby("track")[["shortfall", "shortfall_points", "spent"]].mean()
    summary = {
        "scenario": scenario.name,
        "notional": scenario.notional,
        "realisations": realisations,
        "seed": seed,
        "persistence_penalty": scenario.header.replan.persistence_penalty,
        "churn_per_period": per_period.to_dict(orient="records"),
        "mean": {t: {k: round(float(v), 9) for k, v in row.items()} for t, row in means.iterrows()},
        "replans": len(steps_df),
        "replans_without_plan": int((steps_df["status"].isin(["infeasible", "error"])).sum())
        if len(steps_df)
        else 0,
    }
    return {
        "one_shot": one_shot,
        "steps": steps_df,
        "capability": capability,
        "outcomes": outcomes,
        "summary": summary,
    }
