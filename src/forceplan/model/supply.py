"""Supply sources: orders from donors and the market, their limits, arrivals and costs.

Variables
    ``supply-order[source, period]`` >= 0: units (or munition units) ordered in a
    period; absent outside [first_period, last_period] and where the order could
    only arrive after the horizon.
    ``supply-lots[source, period]`` integer: the order in whole lots (sources of
    whole-unit equipment; ``lot_size`` units a lot).
Constraints
    ``supply-limit[source, period]``: order <= quantity;
    ``supply-lots_link[source, period]``: order = lot_size x lots.
Flows registered
    ``arrivals`` (equipment, period): order placed at t arrives at t + lead_time;
    ``ammo_supply`` (munition, period): munition orders, likewise;
    ``donor_draw`` (donor, period): donation orders leave the stockpile when placed;
    ``cost`` (category, period): price x order, paid when ordered.
"""

from __future__ import annotations

import numpy as np

from forceplan.model.build import ModelBundle
from forceplan.model.terms import Terms, grid, labels_of


def add(b: ModelBundle) -> None:
    """Add the supply family to *b*."""
    d = b.data
    if not len(d.sources):
        return
    src = d.src
    order = b.variables("supply-order", (d.sources, d.periods), mask=d.src_active)
    lab = labels_of(order)
    s, t = grid(len(d.sources), d.T)
    b.whole(
        order,
        "supply-lots",
        np.broadcast_to(src["whole"].to_numpy(dtype=bool)[:, None], lab.shape),
        np.broadcast_to(src["lot"].to_numpy(dtype=float)[:, None], lab.shape),
    )
    qty = src["quantity"].to_numpy(dtype=float)[:, None]
    b.constraints(
        "supply-limit",
        Terms(d.sources, d.periods).add((s, t), lab),
        "<=",
        np.broadcast_to(qty, lab.shape),
    )

    item = src["item_pos"].to_numpy()[:, None]
    arrive = t + src["lead"].to_numpy()[:, None]
    is_eq = src["is_equipment"].to_numpy()[:, None]
    b.flow("arrivals", d.equipment, d.periods).add((np.where(is_eq, item, -1), arrive), lab)
    b.flow("ammo_supply", d.munitions, d.periods).add((np.where(is_eq, -1, item), arrive), lab)
    b.flow("donor_draw", d.donors, d.periods).add((src["donor_pos"].to_numpy()[:, None], t), lab)
    b.flow("cost", d.categories, d.periods).add(
        (src["category_pos"].to_numpy()[:, None], t),
        lab,
        src["price"].to_numpy(dtype=float)[:, None],
    )
