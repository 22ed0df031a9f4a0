"""The scenario of one sampled future (for re-planning, sweeps and robust plans)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forceplan.domain.scenario import Scenario
from forceplan.uncertainty.draw import Draws
from forceplan.uncertainty.effects import effects


def _subset(draws: Draws, i: int) -> Draws:
    if not 0 <= i < draws.n:
        raise IndexError(f"sample {i} is not in the draws (0..{draws.n - 1})")
    factors = draws.factors.iloc[[i]].reset_index(drop=True)
    factors.index.name = "sample"
    return Draws(factors=factors, meta=draws.meta, seed=draws.seed, n=1)


def realise(scenario: Scenario, draws: Draws, i: int) -> Scenario:
    """The scenario of sample *i*: a new, valid scenario; *scenario* is not changed.

    Attrition rates are scaled (at most 1), munition use per unit scaled, source
    deliveries slipped (lead time longer, at most the horizon minus one period),
    partial (quantity per period scaled) or lost (quantity 0), budgets cut,
    line expansions delayed (expansion lead time longer, at most the horizon
    minus one period) and base capacities scaled.

    Parameters
    ----------
    scenario
        The scenario the draws were made from.
    draws
        From :func:`forceplan.uncertainty.draw`.
    i
        Sample number, 0 to ``draws.n - 1``.

    Examples
    --------
    >>> import forceplan
    >>> s = forceplan.examples.notional()
    >>> future = realise(s, forceplan.uncertainty.draw(s, n=2, seed=3), 1)
    >>> len(future.sources) == len(s.sources)
    True
    """
    fx = effects(scenario, _subset(draws, i))
    out = scenario.copy()
    t = out.tables
    horizon_cap = max(scenario.header.periods - 1, 0)

    att = t["attrition"]
    mult = dict(zip(fx.classes, fx.attrition[0], strict=True))
    att["rate"] = np.minimum(att["rate"] * att["class"].map(mult).fillna(1.0), 1.0)

    em = t["equipment_munitions"]
    cons = em["munition"].map(dict(zip(fx.munitions, fx.consumption[0], strict=True)))
    for col in [c for c in em.columns if c.startswith("use_")]:
        em[col] = em[col] * cons.fillna(1.0).to_numpy()

    src = t["sources"]
    src["lead_time"] = np.minimum(
        src["lead_time"].to_numpy() + fx.slip[0].astype(np.int64), horizon_cap
    ).astype(src["lead_time"].dtype)
    src["quantity"] = src["quantity"].to_numpy() * fx.share[0] * ~fx.lost[0]

    bud = t["budgets"]
    cut = bud["stream"].map(dict(zip(fx.streams, fx.cut[0], strict=True))).fillna(0.0)
    bud["amount"] = bud["amount"] * (1.0 - cut.to_numpy())

    lines = t["lines"]
    lines["capacity"] = lines["capacity"].to_numpy() * fx.output[0]
    lead = pd.to_numeric(lines["expansion_lead_time"]).to_numpy()
    lines["expansion_lead_time"] = np.minimum(lead + fx.delay[0].astype(np.int64), horizon_cap)
    lines["expansion_lead_time"] = lines["expansion_lead_time"].astype(
        scenario.tables["lines"]["expansion_lead_time"].dtype
    )
    out.origin = None
    return out
