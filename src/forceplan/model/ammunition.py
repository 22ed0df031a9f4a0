"""Ammunition flow per munition: opening stock + supply - consumption = closing stock.

Variables
    ``ammo-stock[munition, period]`` >= 0: end-of-period stock;
    ``ammo-shortfall[munition, period]`` >= 0: consumption not covered (only
    where some type consumes the munition at that period's intensity).
Constraints
    ``ammo-balance[munition, period]``: stock[t] = stock[t-1] + supply[t] -
    consumption[t] + shortfall[t], stock[-1] = the munition's opening stock;
    supply = munition line output + munition orders arriving (``ammo_supply``);
    consumption = sum over types of use(type, munition, intensity of t) x
    stock-level[type, t].
    ``ammo-reserve_shortfall[munition, period]`` >= 0: how far the war reserve is missed.
    ``ammo-reserve[munition, period]``: stock[t] + reserve_shortfall[t] >= the stated
    reserve (``munition_reserve`` requirement) or, without one, ``objective.munition_reserve``
    x consumption[t] (periods where the munition is consumed). Applied in the last period
    too, so the horizon's end does not empty the stocks.
Objective
    shortfall / scale enters the shortfall part, where scale = the period's
    consumption by the opening fleet, at least one unit's use (see
    docs/formulation.md).
"""

from __future__ import annotations

import numpy as np

from forceplan.model.build import ModelBundle
from forceplan.model.terms import Terms, grid, labels_of


def add(b: ModelBundle) -> None:
    """Add the ammunition family to *b*."""
    d = b.data
    if not len(d.munitions):
        return
    T = d.T
    M = len(d.munitions)
    m, t = grid(M, T)
    coords = (d.munitions, d.periods)

    consumption = b.flow("consumption", *coords)
    use = d.use
    valid = (use["equipment_pos"].to_numpy() >= 0) & (use["munition_pos"].to_numpy() >= 0)
    scale = np.zeros((M, T))
    unit_max = np.zeros((M, T))
    if valid.any() and "stock-level" in b.model.variables:
        lv = labels_of(b.model.variables["stock-level"])
        e_pos = use["equipment_pos"].to_numpy()[valid]
        m_pos = use["munition_pos"].to_numpy()[valid]
        use_t = d.use_t[valid]
        _, ut = grid(len(e_pos), T)
        consumption.add((m_pos[:, None], ut), lv[e_pos], use_t)
        np.add.at(scale, m_pos, use_t * d.s0[e_pos][:, None])
        np.maximum.at(unit_max, m_pos, use_t)
    consumed = consumption.has_terms()
    scale = np.where(scale > 0, scale, np.where(unit_max > 0, unit_max, 1.0))
    scale = np.maximum(scale, unit_max)

    stock = b.variables("ammo-stock", coords)
    short = b.variables("ammo-shortfall", coords, mask=consumed)
    lab = labels_of(stock)
    balance = Terms(*coords).add((m, t), lab).add((m, t + 1), lab, -1.0)
    balance.extend(b.flow("ammo_supply", *coords), -1.0).extend(consumption)
    balance.add((m, t), labels_of(short), -1.0)
    opening = np.zeros((M, T))
    opening[:, 0] = d.mu["stock"].to_numpy(dtype=float)
    b.constraints("ammo-balance", balance, "=", opening)

    b.shortfall_scales["ammo-shortfall"] = scale
    b.objective_part("shortfall").add((), labels_of(short), 1.0 / scale)

    # war reserve: a stated floor (munition_reserve requirement) or a share of consumption
    settings = d.scenario.header.objective
    stated = ~np.isnan(d.reserve_floor)
    floor = np.nan_to_num(d.reserve_floor, nan=0.0)
    share = np.where(stated, 0.0, settings.munition_reserve)
    wants = (stated & (floor > 0)) | (~stated & consumed & (share > 0))
    if not wants.any() or settings.munition_reserve_weight <= 0:
        return
    reserve_short = b.variables("ammo-reserve_shortfall", coords, mask=wants)
    rs = labels_of(reserve_short)
    rows = Terms(*coords).add((m, t), lab).add((m, t), rs)
    rows.extend(_scaled(consumption, -share))
    b.constraints("ammo-reserve", rows, ">=", floor, mask=wants)
    b.flows["ammo_reserve_floor"] = Terms(*coords).extend(_scaled(consumption, share))
    weight = settings.munition_reserve_weight / scale
    b.shortfall_scales["ammo-reserve_shortfall"] = scale / settings.munition_reserve_weight
    b.objective_part("shortfall").add((), rs, weight)


def _scaled(terms: Terms, factor: np.ndarray) -> Terms:
    """*terms* with each row's coefficients multiplied by *factor* (same grid)."""
    rows, labels, coeffs = terms.arrays()
    return Terms(*terms.coords).add(
        np.unravel_index(rows, terms.shape), labels, coeffs * factor.reshape(-1)[rows]
    )
