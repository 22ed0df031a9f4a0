"""Full re-plans of what binds: move a limit by its step, plan the whole lexicographic model
again (integers free), and measure the change of the stage's goal.

:func:`replan_effects` checks the top rows of ``plan/binding.csv`` this way
(``forceplan explain RUNDIR --replan N``); the pricing LPs hold the plan's
integer decisions fixed, a re-plan does not, so the two may differ where an
integer decision would change.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from forceplan.api import resolve_options
from forceplan.domain.scenario import Scenario
from forceplan.explain.duals import STAGE_ORDER, STEPS
from forceplan.model.build import ModelBundle, build_model
from forceplan.model.objective import stages
from forceplan.solve.lexicographic import solve_model

log = logging.getLogger(__name__)

REPLANNABLE = (
    "budget-limit",
    "line-capacity",
    "supply-limit",
    "upgrade-capacity",
    "training-capacity",
    "capability-floor",
    "donor-minimum",
)
"""Families whose row can be moved by its step in a re-plan (a decision or an
interoperability target, whose step depends on the plan, is not re-planned)."""


def _coords(text: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for part in str(text).split(", "):
        key, _, value = part.partition("=")
        out[key] = int(value) if key == "period" else value
    return out


def _goals(bundle: ModelBundle, values: np.ndarray, mode: str) -> dict[str, float]:
    return {s.name: float(s.terms.evaluate(values).sum()) for s in stages(bundle, mode)}


def _solve(
    scenario: Scenario, move: tuple[str, dict[str, object], float] | None
) -> dict[str, float] | None:
    options = resolve_options(scenario)
    bundle = build_model(scenario)
    if move is not None:
        name, where, step = move
        rhs = bundle.model.constraints[name].data["rhs"]
        rhs.loc[where] = rhs.loc[where] + step
    result = solve_model(bundle, options)
    if result.values is None:
        return None
    return _goals(bundle, result.values, options.mode)


def replan_effects(scenario: Scenario, binding: pd.DataFrame, top: int) -> pd.DataFrame:
    """Re-plan the top *top* rows of each stage of *binding* with their limit moved by its step.

    Returns
    -------
    pandas.DataFrame
        *binding*'s checked rows with ``full_replan_effect``: the improvement of the row's
        stage goal per unit more, measured by the two full plans (NaN: not re-plannable).
    """
    if binding.empty or top <= 0:
        return binding.assign(full_replan_effect=np.nan).iloc[0:0]
    ranked = binding.assign(_o=binding["stage"].map(STAGE_ORDER).fillna(9)).sort_values(
        "_o", kind="stable"
    )
    chosen = ranked.groupby("stage", sort=False).head(top).drop(columns="_o")
    base = _solve(scenario, None)
    effects = []
    for name, coords, stage in zip(
        chosen["constraint"], chosen["coordinates"], chosen["stage"], strict=True
    ):
        if name not in REPLANNABLE or base is None:
            effects.append(np.nan)
            continue
        step = STEPS.get(name, 1.0)
        moved = _solve(scenario, (name, _coords(coords), step))
        effects.append(np.nan if moved is None else (base[stage] - moved[stage]) / step)
        log.info("re-planned %s %s: %s", name, coords, effects[-1])
    return chosen.assign(full_replan_effect=effects)
