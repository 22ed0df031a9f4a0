"""Force generation: the formations due by a period need their slots filled, per role.

A formation must be equipped from its ``due_period`` (empty: the first period).
The units in service of the types of a role cover the slots of that role of
every formation due; a gap is a shortfall in vehicles ("armour is 93 vehicles
short of the slots of the formations due in 2027"). The phase-2 allocation then
places the units in formations.

Variables
    ``force-shortfall[role, period]`` >= 0: slots of the due formations that the
    stock in service cannot fill (only where some slot is due).
Constraints
    ``force-slots[role, period]``: sum over the role's types of stock-level +
    shortfall >= slots of the formations due by the period.
Flows registered
    ``role_units`` (role, period): units in service per role.
Objective
    shortfall / slots enters the shortfall part (a role's due slots left empty
    for one period weigh like a floor missed in full).
"""

from __future__ import annotations

import numpy as np

from forceplan.model.build import ModelBundle
from forceplan.model.terms import Terms, grid, labels_of


def add(b: ModelBundle) -> None:
    """Add the force-generation family to *b*."""
    d = b.data
    if not len(d.roles) or "stock-level" not in b.model.variables:
        return
    coords = (d.roles, d.periods)
    lv = labels_of(b.model.variables["stock-level"])
    _, t = grid(len(d.equipment), d.T)
    units = b.flow("role_units", *coords).add((d.eq["role_pos"].to_numpy()[:, None], t), lv)
    due = d.required > 0
    if not due.any():
        return
    short = b.variables("force-shortfall", coords, mask=due)
    r, rt = grid(len(d.roles), d.T)
    rows = Terms(*coords).extend(units).add((r, rt), labels_of(short))
    b.constraints("force-slots", rows, ">=", d.required, mask=due)
    scale = np.where(due, d.required, 1.0)
    b.shortfall_scales["force-shortfall"] = scale
    b.objective_part("shortfall").add((), labels_of(short), 1.0 / scale)
