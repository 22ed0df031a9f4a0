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
    cat = d.categories.get_indexer(pd.Index([category_id("upgrade", "")]))[0]
    b.flow("cost", d.categories, d.periods).add(
        (np.full((len(d.upgrades), 1), cat), t), lab, up["unit_cost"].to_numpy(dtype=float)[:, None]
    )
