"""Upgrades: retrofits that turn units of one type into another through a depot.

Variables
    ``upgrade-start[upgrade, period]`` >= 0: units entering the depot; absent
    where they could only return after the horizon.
    ``upgrade-start_units[upgrade, period]`` integer: the same in whole units (whole-unit
    types; linked by ``upgrade-start_units_link``).
Constraints
    ``upgrade-capacity[upgrade, period]``: start <= capacity.
Flows registered
    ``upgrade_out`` (equipment, period): from_equipment leaves service at the start;
    ``upgrade_in`` (equipment, period): to_equipment returns lead_time periods later;
    ``upgrade_in_fresh`` (equipment, period): the part of ``upgrade_in`` that starts the
    to-type's full service life (``extends_life`` yes, or no opening hull of the
    from-type within its life when the upgrade starts);
    ``upgrade_life`` (equipment, period): upgraded units that keep their hull's life and
    are still within it, sum over starts t' with t' + lead <= t of
    start[t'] x keep[t'] x survive[t', t];
    ``upgrade_life_end`` (equipment, period): those of them whose hull life ends in t,
    start[t'] x keep[t'] x (survive[t', t-1] - survive[t', t]), with survive[t', t-1]
    read as 1 in the return period t = t' + lead;
    ``cost``: unit_cost x start in category ``upgrade:``, paid at the start.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forceplan.model.build import ModelBundle
from forceplan.model.data import category_id
from forceplan.model.terms import Terms, grid, labels_of


def add(b: ModelBundle) -> None:
    """Add the upgrades family to *b*."""
    d = b.data
    if not len(d.upgrades):
        return
    up = d.up
    start = b.variables("upgrade-start", (d.upgrades, d.periods), mask=d.up_active)
    lab = labels_of(start)
    whole = d.eq["whole"].to_numpy(dtype=bool)[up["from_pos"].to_numpy()]
    b.whole(start, "upgrade-start_units", np.broadcast_to(whole[:, None], lab.shape))
    u, t = grid(len(d.upgrades), d.T)
    b.constraints(
        "upgrade-capacity",
        Terms(d.upgrades, d.periods).add((u, t), lab),
        "<=",
        np.broadcast_to(up["capacity"].to_numpy(dtype=float)[:, None], lab.shape),
    )
    b.flow("upgrade_out", d.equipment, d.periods).add((up["from_pos"].to_numpy()[:, None], t), lab)
    b.flow("upgrade_in", d.equipment, d.periods).add(
        (up["to_pos"].to_numpy()[:, None], t + up["lead"].to_numpy()[:, None]), lab
    )
    keep, survive = hull_life(b)
    fresh = np.where(keep, 0.0, 1.0)
    arrive = t + up["lead"].to_numpy()[:, None]
    to_pos = np.broadcast_to(up["to_pos"].to_numpy()[:, None], lab.shape)
    b.flow("upgrade_in_fresh", d.equipment, d.periods).add((to_pos, arrive), lab, fresh)
    if keep.any():
        # (upgrade, start t', period t2) grids for the kept-life terms
        U, T = lab.shape
        uu, t1, t2 = np.indices((U, T, T))
        back = t2 >= (t1 + up["lead"].to_numpy()[:, None, None])
        prev = np.concatenate([np.ones((U, T, 1)), survive[:, :, :-1]], axis=2)
        prev = np.where(t2 == t1 + up["lead"].to_numpy()[:, None, None], 1.0, prev)
        on = back & keep[:, :, None] & (lab[:, :, None] >= 0)
        ends = prev - survive
        for name, share in (("upgrade_life", survive), ("upgrade_life_end", ends)):
            cell = on & (share > 1e-12)
            b.flow(name, d.equipment, d.periods).add(
                (up["to_pos"].to_numpy()[uu[cell]], t2[cell]), lab[uu[cell], t1[cell]], share[cell]
            )
    cat = d.categories.get_indexer(pd.Index([category_id("upgrade", "")]))[0]
    b.flow("cost", d.categories, d.periods).add(
        (np.full((len(d.upgrades), 1), cat), t), lab, up["unit_cost"].to_numpy(dtype=float)[:, None]
    )


def hull_life(b: ModelBundle) -> tuple[np.ndarray, np.ndarray]:
    """Which upgrade starts keep their hull's life, and the share of it left later.

    Returns
    -------
    keep
        (upgrade, period) booleans: ``extends_life`` no and some of the from-type's
        opening holding is within its life in the period.
    survive
        (upgrade, start t', period t) shares: alive0[from, t] / alive0[from, t'] for
        t >= t' (hulls drawn in proportion from the opening holding still in life),
        0 before t' and where keep is false.
    """
    d = b.data
    up = d.up
    alive = d.alive0[up["from_pos"].to_numpy()]  # (U, T)
    extends = (
        up["extends_life"].fillna("").astype(str).str.strip().str.lower().isin(["yes", "true", "1"])
        if "extends_life" in up.columns
        else pd.Series(False, index=up.index)
    ).to_numpy()
    keep = (~extends)[:, None] & (alive > 1e-9)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(alive[:, :, None] > 1e-9, alive[:, None, :] / alive[:, :, None], 0.0)
    T = alive.shape[1]
    later = np.arange(T)[None, :, None] <= np.arange(T)[None, None, :]
    survive = np.where(later & keep[:, :, None], np.clip(ratio, 0.0, 1.0), 0.0)
    return keep, survive
