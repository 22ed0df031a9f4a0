"""Stock flow of equipment in service: arrivals, losses, reserve moves, upgrades, service life.

Units leave service only through losses, upgrades, reserve moves, the end of
their service life and, where the scenario allows it (``early_retirement``
yes), retirement at ``disposal_cost``. Whole-unit types (``whole_units`` yes)
move in whole units: losses are the loss rate times the stock rounded to the
nearest whole unit (ties down), and retirements and end-of-life exits are whole.

Variables
    ``stock-level[equipment, period]`` >= 0: end-of-period stock in service;
    ``stock-loss[equipment, period]`` >= 0: attrition losses (types with a loss rate);
    ``stock-retire[equipment, period]`` >= 0: units retired before the end of their
    life (only types with early_retirement yes);
    ``stock-expire[equipment, period]`` >= 0: units in service leaving at the end of
    their service life (only where some can);
    ``stock-inflow_to_date[equipment, period]`` >= 0: arrivals plus upgrades in
    up to and including the period (only types whose service life can bind);
    ``stock-loss_units``, ``stock-retire_units``, ``stock-expire_units`` integer:
    the same as whole numbers (whole-unit types).
Constraints
    ``stock-balance[equipment, period]``: stock[t] = stock[t-1] - loss[t] + arrivals[t]
    + upgrade_in[t] + from_reserve[t] - retire[t] - expire[t] - upgrade_out[t]
    - to_reserve[t], with stock[-1] = the opening serviceable stock s0 (written on
    the first row's right-hand side, no ``shift``);
    ``stock-loss_upper`` / ``stock-loss_lower[equipment, period]``:
    rate[t] x stock[t-1] - h <= loss[t] <= rate[t] x stock[t-1] + h, h = 0.5 for
    whole-unit types and 0 otherwise;
    ``stock-inflow_to_date[equipment, period]``: inflow_to_date[t] =
    inflow_to_date[t-1] + arrivals[t] + upgrade_in_fresh[t];
    ``stock-service_life[equipment, period]``: stock[t] + reserve[t] <= alive0[t]
    + inflow_to_date[t] - inflow_to_date[t - k] + upgrade_life[t], k = ceil(service_life / L);
    ``stock-expire_cohort[equipment, period]``: expire[t] + reserve_expire[t] <=
    (alive0[t-1] - alive0[t]) + arrivals[t-k] + upgrade_in_fresh[t-k] + upgrade_life_end[t]:
    only the units whose life ends in t may leave through the end of life (upgraded hulls
    that keep their life: see the upgrades family).
Flows registered
    ``losses``; ``cost``: operating_cost x L x stock and disposal_cost x retire in
    category ``operation:``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forceplan.model.build import ModelBundle
from forceplan.model.data import category_id
from forceplan.model.reserve import HANDLING, expiry_possible
from forceplan.model.terms import Terms, grid, labels_of

ROUND_LOSSES = True


def shifted(terms: Terms, by: np.ndarray, T: int) -> Terms:
    """The (equipment, period) *terms* moved *by* periods later, per equipment."""
    out = Terms(*terms.coords)
    rows, labels, coeffs = terms.arrays()
    e, t = np.divmod(rows, T)
    return out.add((e, t + by[e]), labels, coeffs)


def add(b: ModelBundle) -> None:
    """Add the stock family to *b*."""
    d = b.data
    if not len(d.equipment):
        return
    T = d.T
    E = len(d.equipment)
    e, t = grid(E, T)
    coords = (d.equipment, d.periods)
    whole = np.broadcast_to(d.eq["whole"].to_numpy(dtype=bool)[:, None], (E, T))
    # consumable types are never in service: their stockpile is the consumables family's
    service = np.broadcast_to(~d.eq["consumable"].to_numpy(dtype=bool)[:, None], (E, T))
    level = b.variables("stock-level", coords, mask=service)
    lv = labels_of(level)

    # losses: rate x stock at the start of the period, rounded for whole-unit types
    rate = d.attrition
    lossy = (rate > 0) & service
    loss = b.variables("stock-loss", coords, mask=lossy)
    ls = labels_of(loss)
    b.whole(loss, "stock-loss_units", whole & lossy)
    half = np.where(whole & ROUND_LOSSES, 0.5, 0.0)
    opening_loss = np.zeros((E, T))
    opening_loss[:, 0] = rate[:, 0] * d.s0
    next_rate = np.zeros((E, T))
    next_rate[:, :-1] = rate[:, 1:]
    # loss[t] - rate[t] x stock[t-1]: the stock term sits on the previous period's label
    gap = Terms(*coords).add((e, t), ls).add((e, t + 1), lv, -next_rate)
    b.constraints("stock-loss_upper", gap, "<=", opening_loss + half, mask=lossy)
    b.constraints("stock-loss_lower", gap, ">=", opening_loss - half, mask=lossy)
    b.flow("losses", *coords).add((e, t), ls)

    retire = b.variables(
        "stock-retire",
        coords,
        mask=np.broadcast_to(d.eq["early_retire"].to_numpy()[:, None], (E, T)) & service,
    )
    rt = labels_of(retire)
    b.objective_part("handling").add((), rt, HANDLING)
    b.whole(retire, "stock-retire_units", whole)

    arrivals = b.flow("arrivals", *coords)
    upgrade_in = b.flow("upgrade_in", *coords)
    fresh_in = b.flow("upgrade_in_fresh", *coords)  # upgrades that start a full life
    kept_life = b.flow("upgrade_life", *coords)  # upgraded hulls still within their life
    balance = Terms(*coords).add((e, t), lv).add((e, t + 1), lv, -1.0).add((e, t), ls)
    balance.extend(arrivals, -1.0).extend(upgrade_in, -1.0)
    balance.extend(b.flow("from_reserve", *coords), -1.0)
    balance.extend(b.flow("upgrade_out", *coords)).extend(b.flow("to_reserve", *coords))
    balance.add((e, t), rt)

    # end of service life
    k = d.eq["life_periods"].to_numpy()
    ends = expiry_possible(b) & service
    if ends.any():
        expire = b.variables("stock-expire", coords, mask=ends)
        ex = labels_of(expire)
        b.whole(expire, "stock-expire_units", whole)
        balance.add((e, t), ex)
        cohort = Terms(*coords).add((e, t), ex).extend(b.flow("reserve_expire", *coords))
        cohort.extend(shifted(arrivals, k, T), -1.0).extend(shifted(fresh_in, k, T), -1.0)
        cohort.extend(b.flow("upgrade_life_end", *coords), -1.0)
        alive_before = np.concatenate([d.s0[:, None], d.alive0[:, :-1]], axis=1)
        b.constraints(
            "stock-expire_cohort", cohort, "<=", np.maximum(alive_before - d.alive0, 0.0), mask=ends
        )
    opening = np.zeros((E, T))
    opening[:, 0] = d.s0
    b.constraints("stock-balance", balance, "=", opening, mask=service)

    kk = k[:, None]
    binds = np.asarray((t >= kk) | (d.alive0 < d.s0[:, None] - 1e-9), dtype=bool)
    # upgraded hulls that keep their life: from their first return on
    hulls = kept_life.has_terms() | b.flow("upgrade_life_end", *coords).has_terms()
    binds |= np.maximum.accumulate(hulls, axis=1)
    binds &= service
    needs: np.ndarray = np.asarray(binds.any(axis=1), dtype=bool)
    if needs.any():
        to_date = b.variables(
            "stock-inflow_to_date", coords, mask=np.broadcast_to(needs[:, None], (E, T))
        )
        td = labels_of(to_date)
        running = Terms(*coords).add((e, t), td).add((e, t + 1), td, -1.0)
        running.extend(arrivals, -1.0).extend(fresh_in, -1.0)
        b.constraints("stock-inflow_to_date", running, "=", 0.0, mask=needs[:, None])
        life = Terms(*coords).add((e, t), lv).add((e, t), td, -1.0).add((e, t + kk), td, 1.0)
        life.extend(b.flow("reserve_held", *coords)).extend(kept_life, -1.0)
        b.constraints("stock-service_life", life, "<=", d.alive0, mask=binds)

    op_cat = d.categories.get_indexer(pd.Index([category_id("operation", "")]))[0]
    op_cost = d.eq["operating_cost"].to_numpy(dtype=float)[:, None] * d.period_length
    cost = b.flow("cost", d.categories, d.periods)
    cost.add((np.full((E, 1), op_cat), t), lv, op_cost)
    cost.add((np.full((E, 1), op_cat), t), rt, d.eq["disposal"].to_numpy(dtype=float)[:, None])
