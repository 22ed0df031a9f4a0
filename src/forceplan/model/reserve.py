"""Reserve: units taken out of service and held, instead of scrapped, and returned later.

A unit in reserve has no combat value, uses no ammunition, costs a reduced
upkeep (``reserve_cost``, by default a quarter of the operating cost) and
returns to service ``reactivation_time`` periods after the decision, at
``reactivation_cost``. Units in reserve age like units in service (the service
life rows of :mod:`forceplan.model.stock` count both) and leave at the end of
their life through ``reserve-expire``. Reserve moves of whole-unit types are
whole numbers.

Variables
    ``reserve-level[equipment, period]`` >= 0: units held in reserve at the end of the period;
    ``reserve-store[equipment, period]`` >= 0: units taken out of service into reserve;
    ``reserve-activate[equipment, period]`` >= 0: units leaving reserve (back in service
    ``reactivation_time`` periods later; absent where that is after the horizon);
    ``reserve-expire[equipment, period]`` >= 0: units in reserve at the end of their life
    (only types whose service life can bind);
    ``reserve-store_units``, ``reserve-activate_units`` integer (whole-unit types).
Constraints
    ``reserve-balance[equipment, period]``: level[t] = level[t-1] + store[t] - activate[t]
    - expire[t], level[-1] = 0.
Flows registered
    ``to_reserve`` (store), ``from_reserve`` (activations arriving in service),
    ``reserve_held`` (level), ``reserve_expire`` (expire);
    ``cost``: reserve upkeep x L x level + reactivation_cost x activate in ``operation:``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forceplan.model.build import ModelBundle
from forceplan.model.data import category_id
from forceplan.model.diversity import big_m
from forceplan.model.terms import Terms, grid, labels_of

HANDLING = 1e-6
"""USD million charged per unit moved into or out of reserve or retired early, in the cost
stage only (not reported as cost): ties between equally cheap plans go to the one that
moves no unit without a reason."""


def possible(b: ModelBundle) -> np.ndarray:
    """(E, T): where a type can have units at all (opening stock or some inflow by then)."""
    return np.asarray(big_m(b) > 1e-9)


def expiry_possible(b: ModelBundle) -> np.ndarray:
    """(E, T): where units of a type can reach the end of their service life."""
    d = b.data
    T = d.T
    _, t = grid(len(d.equipment), T)
    k = d.eq["life_periods"].to_numpy()[:, None]
    alive_before = np.concatenate([d.s0[:, None], d.alive0[:, :-1]], axis=1)
    opening_drop = alive_before - d.alive0 > 1e-9
    hulls_end = b.flow("upgrade_life_end", d.equipment, d.periods).has_terms()
    return np.asarray(opening_drop | hulls_end | ((t >= k) & possible(b)), dtype=bool)


def add(b: ModelBundle) -> None:
    """Add the reserve family to *b*."""
    d = b.data
    if not len(d.equipment):
        return
    E, T = len(d.equipment), d.T
    e, t = grid(E, T)
    coords = (d.equipment, d.periods)
    can = possible(b)
    whole = np.broadcast_to(d.eq["whole"].to_numpy(dtype=bool)[:, None], (E, T))
    lead = d.eq["react_lead"].to_numpy()[:, None]

    level = b.variables("reserve-level", coords, mask=can)
    store = b.variables("reserve-store", coords, mask=can)
    activate = b.variables("reserve-activate", coords, mask=can & (t + lead < T))
    lv, st, ac = labels_of(level), labels_of(store), labels_of(activate)
    b.whole(store, "reserve-store_units", whole)
    b.whole(activate, "reserve-activate_units", whole)

    balance = Terms(*coords).add((e, t), lv).add((e, t + 1), lv, -1.0)
    balance.add((e, t), st, -1.0).add((e, t), ac, 1.0)
    ends = expiry_possible(b)
    if ends.any():
        expire = b.variables("reserve-expire", coords, mask=ends & can)
        ex = labels_of(expire)
        balance.add((e, t), ex, 1.0)
        b.flow("reserve_expire", *coords).add((e, t), ex)
    b.constraints("reserve-balance", balance, "=", 0.0, mask=can)

    # a nominal handling charge breaks ties: no reserve move without a reason
    b.objective_part("handling").add((), st, HANDLING).add((), ac, HANDLING)
    b.flow("to_reserve", *coords).add((e, t), st)
    b.flow("from_reserve", *coords).add((e, t + lead), ac)
    b.flow("reserve_held", *coords).add((e, t), lv)

    op = d.categories.get_indexer(pd.Index([category_id("operation", "")]))[0]
    cost = b.flow("cost", d.categories, d.periods)
    upkeep = d.eq["reserve_upkeep"].to_numpy(dtype=float)[:, None] * d.period_length
    cost.add((np.full((E, 1), op), t), lv, upkeep)
    cost.add((np.full((E, 1), op), t), ac, d.eq["react_cost"].to_numpy(dtype=float)[:, None])
