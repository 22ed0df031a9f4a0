"""Donor stockpiles: donations draw them down, production lines replenish them.

A donor's minimum is a red line by default: without ``replenish_by`` it is kept
in every period ("keep"); with one, the stock may dip below it before that
period and must be back at it from that period on ("restore"). Only a
stockpile marked ``soft_minimum`` yes may fall short, and its shortfall is
reported. Replenishment never raises a stockpile above its ``maximum`` (empty:
its opening stock, or its minimum when that is higher).

Variables
    ``donor-stock[donor, period]`` in [0, maximum]: end-of-period stock
    (``donor`` = ``country:item``);
    ``donor-shortfall[donor, period]`` >= 0: how far a soft minimum is missed (only
    stockpiles with soft_minimum yes and a minimum > 0, from the period it applies).
Constraints
    ``donor-balance[donor, period]``: stock[t] = stock[t-1] - donations[t] +
    replenishment[t], with stock[-1] = the stockpile's opening stock (written
    out for the first period, not left to a shift);
    ``donor-minimum[donor, period]``: stock (+ shortfall where soft) >= minimum,
    in every period from replenish_by on (every period without one).
Objective
    shortfall / minimum enters the shortfall part.
"""

from __future__ import annotations

import numpy as np

from forceplan.model.build import ModelBundle
from forceplan.model.terms import Terms, grid, labels_of


def add(b: ModelBundle) -> None:
    """Add the donors family to *b*."""
    d = b.data
    if not len(d.donors):
        return
    dn = d.dn
    T = d.T
    n = len(d.donors)
    i, t = grid(n, T)
    cap = np.broadcast_to(dn["cap"].to_numpy(dtype=float)[:, None], (n, T))
    stock = b.variables("donor-stock", (d.donors, d.periods), upper=cap)
    lab = labels_of(stock)
    balance = Terms(d.donors, d.periods).add((i, t), lab).add((i, t + 1), lab, -1.0)
    balance.extend(b.flow("donor_draw", d.donors, d.periods))
    balance.extend(b.flow("donor_replenish", d.donors, d.periods), -1.0)
    opening = np.zeros((n, T))
    opening[:, 0] = dn["stock"].to_numpy(dtype=float)
    b.constraints("donor-balance", balance, "=", opening)

    minimum = dn["minimum"].to_numpy(dtype=float)
    due = (t >= dn["due_t"].to_numpy()[:, None]) & (minimum[:, None] > 0)
    if not due.any():
        return
    rows = Terms(d.donors, d.periods).add((i, t), lab)
    soft = due & dn["soft"].to_numpy(dtype=bool)[:, None]
    if soft.any():
        short = b.variables("donor-shortfall", (d.donors, d.periods), mask=soft)
        rows.add((i, t), labels_of(short))
        scale = np.broadcast_to(np.where(minimum > 0, minimum, 1.0)[:, None], (n, T))
        b.shortfall_scales["donor-shortfall"] = scale
        b.objective_part("shortfall").add((), labels_of(short), 1.0 / scale)
    b.constraints("donor-minimum", rows, ">=", np.broadcast_to(minimum[:, None], (n, T)), mask=due)
