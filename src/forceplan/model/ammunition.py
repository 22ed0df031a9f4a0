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
    ``ammo-reserve_shortfall[munition, period]`` >= 0: how far the war reserve is missed;
    ``ammo-fire[fire, period]`` >= 0: rounds of a munition fired by a type that may choose
    among alternatives (``fire`` = ``equipment/munition``, rows with a ``group``).
    ``ammo-mix[mix, period]`` (``mix`` = ``equipment/group``): sum over the group's rows of
    fire / use - stock-level = 0: every unit in service is fed by some mix of the group;
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
import pandas as pd

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
        grouped = (
            use["group"].fillna("").astype(str).to_numpy() != ""
            if "group" in use
            else (np.zeros(len(use), dtype=bool))
        )
        fixed = valid & ~grouped
        e_pos = use["equipment_pos"].to_numpy()[fixed]
        m_pos = use["munition_pos"].to_numpy()[fixed]
        use_t = d.use_t[fixed]
        _, ut = grid(len(e_pos), T)
        consumption.add((m_pos[:, None], ut), lv[e_pos], use_t)
        # the scale counts every row, alternatives as if each were fired alone
        all_m = use["munition_pos"].to_numpy()[valid]
        all_e = use["equipment_pos"].to_numpy()[valid]
        np.add.at(scale, all_m, d.use_t[valid] * d.s0[all_e][:, None])
        np.maximum.at(unit_max, all_m, d.use_t[valid])
        if (valid & grouped).any():
            _alternatives(b, np.flatnonzero(valid & grouped), lv, consumption)
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
    rows.extend(consumption.scaled(-share))
    b.constraints("ammo-reserve", rows, ">=", floor, mask=wants)
    b.flows["ammo_reserve_floor"] = consumption.scaled(share)
    weight = settings.munition_reserve_weight / scale
    b.shortfall_scales["ammo-reserve_shortfall"] = scale / settings.munition_reserve_weight
    b.objective_part("shortfall").add((), rs, weight)


def _alternatives(b: ModelBundle, rows: np.ndarray, lv: np.ndarray, consumption: Terms) -> None:
    """Munitions a type may fire in any mix: rounds per row, covering each unit's need."""
    d = b.data
    T = d.T
    use = d.use.iloc[rows]
    fire_ids = pd.Index(
        (use["equipment"].astype(str) + "/" + use["munition"].astype(str)).to_numpy(),
        name="fire",
        dtype=object,
    )
    use_t = d.use_t[rows]
    fire = b.variables("ammo-fire", (fire_ids, d.periods), mask=use_t > 0)
    fl = labels_of(fire)
    f, t = grid(len(rows), T)
    consumption.add((use["munition_pos"].to_numpy()[:, None], t), fl)
    mix_key = use["equipment"].astype(str) + "/" + use["group"].astype(str)
    mixes = pd.Index(pd.unique(mix_key), name="mix", dtype=object)
    mix_pos = mixes.get_indexer(pd.Index(mix_key))
    per_round = np.divide(1.0, use_t, out=np.zeros_like(use_t), where=use_t > 0)
    mix = Terms(mixes, d.periods).add((mix_pos[:, None], t), fl, per_round)
    first = pd.Series(np.arange(len(rows))).groupby(mix_pos).first().to_numpy()
    e_of_mix = use["equipment_pos"].to_numpy()[first]
    needed = np.zeros((len(mixes), T), dtype=bool)
    np.logical_or.at(needed, mix_pos, use_t > 0)
    _, mt = grid(len(mixes), T)
    mix.add((np.arange(len(mixes))[:, None], mt), lv[e_of_mix], np.where(needed, -1.0, 0.0))
    b.constraints("ammo-mix", mix, "=", 0.0, mask=needed)
    b.flows["ammo_fire"] = Terms(fire_ids, d.periods).add((f, t), fl)
