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


def prioritised_funding(b: ModelBundle, values: np.ndarray) -> np.ndarray:
    """Re-decide which stream pays, by the streams' stated priority; the plan is unchanged.

    With every decision of the solution fixed, the costs of each category and
    period are known numbers; one LP (HiGHS through SciPy) then shares them
    among the allowed streams so that lower ``priority`` ranks pay first (equal
    ranks in the order the streams first appear), within each stream's amount,
    and leaves no more operating cost unfunded than the solution did. A budget
    what-if therefore changes spending only where money binds, instead of a
    solver's arbitrary choice among equally cheap funding mixes.

    Parameters
    ----------
    b
        The solved model.
    values
        Solution indexed by variable label.

    Returns
    -------
    numpy.ndarray
        A copy of *values* with ``budget-pay`` and ``budget-unfunded`` re-decided.
    """
    from scipy import sparse
    from scipy.optimize import linprog

    m = b.model
    if "budget-pay" not in m.variables or not len(b.data.streams):
        return values
    d = b.data
    S, K, T = len(d.streams), len(d.categories), d.T
    pay = np.asarray(m.variables["budget-pay"].labels.values)
    present = np.flatnonzero(pay.ravel() >= 0)
    if not len(present):
        return values
    st, k, t = np.unravel_index(present, (S, K, T))
    cost = b.flows["cost"].evaluate(values)
    unfunded_labels = np.full(T, -1, dtype=np.int64)
    if "budget-unfunded" in m.variables:
        unfunded_labels = np.asarray(m.variables["budget-unfunded"].labels.values)
    op = d.categories.get_indexer(pd.Index([category_id("operation", "")]))[0]
    un_t = np.flatnonzero(unfunded_labels >= 0)
    n_pay, n_un = len(present), len(un_t)

    rank = d.priority + np.arange(S) / (S + 1.0)
    c = np.concatenate([rank[st], np.full(n_un, 10.0 * (float(rank.max()) + 1.0))])
    # cover: for every (category, period) with a cost, streams (+ unfunded) pay it exactly
    cover_rows = k * T + t
    eq_rows = np.concatenate([cover_rows, op * T + un_t])
    eq_cols = np.arange(n_pay + n_un)
    a_eq = sparse.csr_matrix(
        (np.ones(n_pay + n_un), (eq_rows, eq_cols)), shape=(K * T, n_pay + n_un)
    )
    b_eq = cost.reshape(-1)
    used = np.unique(eq_rows)
    limit_rows = st * T + t
    a_ub = sparse.csr_matrix(
        (np.ones(n_pay), (limit_rows, np.arange(n_pay))), shape=(S * T, n_pay + n_un)
    )
    held = values[unfunded_labels[un_t]] if n_un else np.zeros(0)
    res = None
    for slack in (0.0, 1e-6):  # exact first; the solver's own tolerance if need be
        bounds = [(0.0, None)] * n_pay + [(0.0, float(h) + slack + 1e-9) for h in held]
        res = linprog(
            c,
            A_ub=a_ub,
            b_ub=d.amount.reshape(-1) + slack,
            A_eq=a_eq[used],
            b_eq=b_eq[used],
            bounds=bounds,
            method="highs",
        )
        if res.status == 0:
            break
    if res is None or res.status != 0:  # keep the solver's funding if no clean re-allocation
        return values
    out = values.copy()
    out[pay.ravel()[present]] = res.x[:n_pay]
    if n_un:
        out[unfunded_labels[un_t]] = res.x[n_pay:]
    return out
