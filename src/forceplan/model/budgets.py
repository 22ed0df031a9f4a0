"""Budgets: funding streams pay the costs they are allowed to pay.

Costs are grouped in categories ``use:country`` (country of the supplier or
line; empty for ``operation`` and ``upgrade``). Stream s may pay category
(u, c) when ``budget_uses`` has (s, u, c) or (s, u, ""); for operation and
upgrade any row of that use will do.

Variables
    ``budget-pay[stream, category, period]`` >= 0: money a stream pays towards a
    category (only allowed pairs, periods where the stream has money and the
    category has costs);
    ``budget-unfunded[period]`` >= 0: operating cost no stream pays.
Constraints
    ``budget-cover[category, period]``: sum over streams of pay (+ unfunded for
    ``operation:``) = the category's cost; every cost other than operation must
    be paid in full, so spending with no stream to pay it cannot happen;
    ``budget-limit[stream, period]``: sum over categories of pay <= amount.
Objective
    The cost part is the sum of every category's cost; unfunded / operating cost
    scale enters the shortfall part.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forceplan.model.build import ModelBundle
from forceplan.model.data import category_id
from forceplan.model.terms import Terms, grid, labels_of


def operating_scale(b: ModelBundle) -> np.ndarray:
    """Per period: operating cost of the opening fleet (at least one unit's, at least 1e-6)."""
    d = b.data
    per_unit = d.eq["operating_cost"].to_numpy(dtype=float) * d.period_length
    fleet = float((per_unit * d.s0).sum())
    top = float(per_unit.max()) if len(per_unit) else 0.0
    return np.full(d.T, max(fleet, top, 1e-6))


def add(b: ModelBundle) -> None:
    """Add the budgets family to *b*."""
    d = b.data
    T = d.T
    cost = b.flow("cost", d.categories, d.periods)
    _, labels, coeffs = cost.arrays()
    b.objective_part("cost").add((), labels, coeffs)
    if not len(d.categories):
        return
    active = cost.has_terms()
    K = len(d.categories)
    S = len(d.streams)
    cover = Terms(d.categories, d.periods).extend(cost, -1.0)

    if S:
        st, k, t = grid(S, K, T)
        pay_mask = (
            d.allowed[:, :, None] & (d.has_budget & (d.amount > 0))[:, None, :] & active[None, :, :]
        )
        pay = b.variables("budget-pay", (d.streams, d.categories, d.periods), mask=pay_mask)
        pl = labels_of(pay)
        cover.add((k, t), pl)
        limit = Terms(d.streams, d.periods).add((st, t), pl)
        b.constraints("budget-limit", limit, "<=", d.amount, mask=d.has_budget)

    op = d.categories.get_indexer(pd.Index([category_id("operation", "")]))[0]
    if op >= 0:
        op_active = active[op]
        unfunded = b.variables("budget-unfunded", (d.periods,), mask=op_active)
        ul = labels_of(unfunded)
        cover.add((np.full(T, op), np.arange(T)), ul)
        scale = operating_scale(b)
        b.shortfall_scales["budget-unfunded"] = scale
        b.objective_part("shortfall").add((), ul, 1.0 / scale)
    b.constraints("budget-cover", cover, "=", 0.0, mask=active)
