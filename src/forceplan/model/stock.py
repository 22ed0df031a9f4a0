"""Stock flow of equipment in service: arrivals, retirements, upgrades, attrition, service life.

Variables
    ``stock-level[equipment, period]`` >= 0: end-of-period stock in service;
    ``stock-retire[equipment, period]`` >= 0: units retired in the period;
    ``stock-inflow_to_date[equipment, period]`` >= 0: arrivals plus upgrades in
    up to and including the period (only types whose service life can bind).
Constraints
    ``stock-balance[equipment, period]``: stock[t] = (1 - rate[t]) x stock[t-1]
    + arrivals[t] + upgrade_in[t] - retire[t] - upgrade_out[t], with stock[-1] =
    the opening serviceable stock s0; the first period's row is written with
    s0 on the right-hand side (no ``shift``, so it cannot be dropped);
    ``stock-inflow_to_date[equipment, period]``: inflow_to_date[t] =
    inflow_to_date[t-1] + arrivals[t] + upgrade_in[t];
    ``stock-service_life[equipment, period]``: stock[t] <= alive0[t] +
    inflow_to_date[t] - inflow_to_date[t - k] where k = ceil(service_life / L)
    periods (units arrived in the last k periods are still within their life);
    only rows where it can bind (t >= k, or opening units have expired).
Flows registered
    ``cost``: operating_cost x L x stock in category ``operation:``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forceplan.model.build import ModelBundle
from forceplan.model.data import category_id
from forceplan.model.terms import Terms, grid, labels_of


def add(b: ModelBundle) -> None:
    """Add the stock family to *b*."""
    d = b.data
    if not len(d.equipment):
        return
    T = d.T
    E = len(d.equipment)
    e, t = grid(E, T)
    coords = (d.equipment, d.periods)
    level = b.variables("stock-level", coords)
    retire = b.variables("stock-retire", coords)
    lv, rt = labels_of(level), labels_of(retire)

    survive_next = np.ones((E, T))
    survive_next[:, :-1] = 1.0 - d.attrition[:, 1:]
    arrivals = b.flow("arrivals", *coords)
    upgrade_in = b.flow("upgrade_in", *coords)
    balance = Terms(*coords).add((e, t), lv).add((e, t + 1), lv, -survive_next)
    balance.extend(arrivals, -1.0).extend(upgrade_in, -1.0)
    balance.extend(b.flow("upgrade_out", *coords)).add((e, t), rt)
    opening = np.zeros((E, T))
    opening[:, 0] = (1.0 - d.attrition[:, 0]) * d.s0
    b.constraints("stock-balance", balance, "=", opening)

    # end of service life
    k = d.eq["life_periods"].to_numpy()[:, None]
    binds = np.asarray((t >= k) | (d.alive0 < d.s0[:, None] - 1e-9), dtype=bool)
    needs: np.ndarray = np.asarray(binds.any(axis=1), dtype=bool)
    if needs.any():
        to_date = b.variables(
            "stock-inflow_to_date", coords, mask=np.broadcast_to(needs[:, None], (E, T))
        )
        td = labels_of(to_date)
        running = Terms(*coords).add((e, t), td).add((e, t + 1), td, -1.0)
        running.extend(arrivals, -1.0).extend(upgrade_in, -1.0)
        b.constraints("stock-inflow_to_date", running, "=", 0.0, mask=needs[:, None])
        life = Terms(*coords).add((e, t), lv).add((e, t), td, -1.0).add((e, t + k), td, 1.0)
        b.constraints("stock-service_life", life, "<=", d.alive0, mask=binds)

    op_cat = d.categories.get_indexer(pd.Index([category_id("operation", "")]))[0]
    op_cost = d.eq["operating_cost"].to_numpy(dtype=float)[:, None] * d.period_length
    b.flow("cost", d.categories, d.periods).add((np.full((E, 1), op_cat), t), lv, op_cost)
