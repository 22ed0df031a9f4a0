"""TEMPORARY stand-in for ``forceplan.uncertainty.draw`` / ``realise`` (issue-11-stress).

Used only until branch ``issue-11-stress`` lands its "uncertainty: draw and realise
API" commit; deleted on merge. Same interface: ``draw(scenario, n, seed)`` gives a
``Draws`` whose first rows do not depend on *n*; ``realise(scenario, draws, i)`` is
pure. Two factors: a war-intensity multiplier on every attrition rate (lognormal)
and a budget cut share (uniform 0..0.3) on every stream.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forceplan.domain.scenario import Scenario


@dataclass
class Draws:
    """Sampled factor values (stand-in)."""

    factors: pd.DataFrame
    meta: pd.DataFrame
    seed: int
    n: int


def draw(scenario: Scenario, n: int, seed: int) -> Draws:
    """*n* samples of the two stand-in factors (prefix-stable in *n*)."""
    children = np.random.SeedSequence(seed).spawn(2)
    attrition = np.random.default_rng(children[0]).lognormal(0.0, 0.3, size=n)
    cut = np.random.default_rng(children[1]).uniform(0.0, 0.3, size=n)
    factors = pd.DataFrame(
        {"war_intensity": attrition, "budget_cut": cut}, index=pd.RangeIndex(n, name="sample")
    )
    meta = pd.DataFrame(
        {
            "kind": ["intensity", "budget"],
            "target": ["attrition", "budgets"],
            "distribution": ["lognormal", "uniform"],
            "unit": ["x", "share"],
            "text": ["attrition multiplier", "share of every budget cut"],
        },
        index=pd.Index(["war_intensity", "budget_cut"], name="factor"),
    )
    return Draws(factors=factors, meta=meta, seed=seed, n=n)


def realise(scenario: Scenario, draws: Draws, i: int) -> Scenario:
    """The scenario of sample *i*: attrition scaled, budgets cut."""
    row = draws.factors.iloc[i]
    out = scenario.copy()
    att = out.tables["attrition"]
    att["rate"] = np.minimum(att["rate"].to_numpy(dtype=float) * float(row["war_intensity"]), 1.0)
    bud = out.tables["budgets"]
    bud["amount"] = bud["amount"].to_numpy(dtype=float) * (1.0 - float(row["budget_cut"]))
    return out
