"""Consumables: types expended in use (FPV drones, loitering munitions), held as a stockpile.

A type with ``consumable`` yes is never in service (no ``stock-level``, no reserve,
no formation slots, no unit counts). Its opening inventory and its deliveries from
sources and lines go into a stockpile; each period the force uses up to the demand
at the period's war intensity (``demand_<intensity>`` units per period); demand not
met is a shortfall. The stockpile suffers no attrition and has no service life (the
class's attrition rate applies to platforms in service). The units used count for the
role's capability (combat_value per unit used) and for the interoperability index.

Parameters
    demand[equipment, period]: ``demand_<intensity of the period>`` x 1 (units per
    period), consumable types only.
Variables
    ``consumable-stock[equipment, period]`` >= 0: stockpile at the end of the period;
    ``consumable-used[equipment, period]`` in [0, demand]: units used in the period;
    ``consumable-shortfall[equipment, period]`` >= 0: demand not met (where demand > 0).
Constraints
    ``consumable-balance[equipment, period]``: stock[t] = stock[t-1] + arrivals[t] - used[t],
    stock[-1] = the opening serviceable inventory s0 (on the first row's right-hand side);
    ``consumable-demand[equipment, period]``: used + shortfall = demand.
Flows registered
    ``capability`` (role, period): combat_value x used; ``consumable_used`` (equipment,
    period): used (read by the interoperability family).
Objective
    shortfall / demand enters the shortfall part.
Result table
    ``plan/consumables.csv`` (see :func:`forceplan.results.extract.extract`).
"""

from __future__ import annotations

import numpy as np

from forceplan.domain.schema import INTENSITIES
from forceplan.model.build import ModelBundle
from forceplan.model.terms import Terms, grid, labels_of


def demand(b: ModelBundle) -> np.ndarray:
    """(E, T): units of each consumable type used per period at the period's intensity."""
    d = b.data
    E, T = len(d.equipment), d.T
    cons = d.eq["consumable"].to_numpy(dtype=bool)
    out = np.zeros((E, T))
    if not cons.any():
        return out
    columns = [f"demand_{i}" for i in INTENSITIES]
    table = np.column_stack(
        [d.eq[c].to_numpy(dtype=float) if c in d.eq.columns else np.zeros(E) for c in columns]
    )
    pos = np.array([INTENSITIES.index(str(i)) for i in d.intensity], dtype=np.int64)
    out[cons] = np.nan_to_num(table[cons][:, pos])
    return out


def add(b: ModelBundle) -> None:
    """Add the consumables family to *b*."""
    d = b.data
    cons = d.eq["consumable"].to_numpy(dtype=bool) if len(d.equipment) else np.zeros(0, bool)
    if not cons.any():
        return
    E, T = len(d.equipment), d.T
    coords = (d.equipment, d.periods)
    e, t = grid(E, T)
    rows = np.broadcast_to(cons[:, None], (E, T))
    need = demand(b)
    stock = b.variables("consumable-stock", coords, mask=rows)
    used = b.variables("consumable-used", coords, upper=need, mask=rows & (need > 0))
    sl, ul = labels_of(stock), labels_of(used)
    balance = Terms(*coords).add((e, t), sl).add((e, t + 1), sl, -1.0).add((e, t), ul)
    balance.extend(b.flow("arrivals", *coords), -1.0)
    opening = np.zeros((E, T))
    opening[:, 0] = d.s0
    b.constraints("consumable-balance", balance, "=", opening, mask=rows)

    short = b.variables("consumable-shortfall", coords, mask=rows & (need > 0))
    hl = labels_of(short)
    b.constraints(
        "consumable-demand",
        Terms(*coords).add((e, t), ul).add((e, t), hl),
        "=",
        need,
        mask=rows & (need > 0),
    )
    scale = np.where(need > 0, need, 1.0)
    b.shortfall_scales["consumable-shortfall"] = scale
    b.objective_part("shortfall").add((), hl, 1.0 / scale)

    value = d.eq["combat_value"].to_numpy(dtype=float)[:, None]
    b.flow("capability", d.roles, d.periods).add(
        (d.eq["role_pos"].to_numpy()[:, None], t), ul, value
    )
    b.flow("consumable_used", *coords).add((e, t), ul)
