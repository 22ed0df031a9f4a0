"""Capability floors per role and period.

Variables
    ``capability-shortfall[role, period]`` >= 0: points below the floor (only
    where a capability requirement with a minimum > 0 exists).
Constraints
    ``capability-floor[role, period]``: sum over types of the role of
    combat_value x stock-level + shortfall >= minimum.
Flows registered
    ``capability`` (role, period): combat value in service.
    ``capability-margin[role, period]`` in [0, risk_margin_cap x floor]: capability above
    the floor that counts as risk margin (only periods at war with a floor, and only
    when ``objective.risk_margin_value`` > 0).
Constraints
    ``capability-margin_cap[role, period]``: margin - capability - shortfall <= -floor.
Objective
    shortfall / minimum enters the shortfall part; risk_margin_value x margin is the
    ``risk_margin`` part, credited against cost in the cost stage.
"""

from __future__ import annotations

import numpy as np

from forceplan.model.build import ModelBundle
from forceplan.model.terms import Terms, grid, labels_of


def add(b: ModelBundle) -> None:
    """Add the capability family to *b*."""
    d = b.data
    if not len(d.roles) or "stock-level" not in b.model.variables:
        return
    coords = (d.roles, d.periods)
    lv = labels_of(b.model.variables["stock-level"])
    _, t = grid(len(d.equipment), d.T)
    value = d.eq["combat_value"].to_numpy(dtype=float)[:, None]
    capability = b.flow("capability", *coords).add(
        (d.eq["role_pos"].to_numpy()[:, None], t), lv, value
    )

    floor = np.nan_to_num(d.floor, nan=0.0)
    has_floor = floor > 0
    if not has_floor.any():
        return
    short = b.variables("capability-shortfall", coords, mask=has_floor)
    r, rt = grid(len(d.roles), d.T)
    rows = Terms(*coords).extend(capability).add((r, rt), labels_of(short))
    b.constraints("capability-floor", rows, ">=", floor, mask=has_floor)
    scale = np.where(has_floor, floor, 1.0)
    b.shortfall_scales["capability-shortfall"] = scale
    b.objective_part("shortfall").add((), labels_of(short), 1.0 / scale)

    settings = d.scenario.header.objective
    at_war = np.asarray(d.intensity != "peace", dtype=bool)[None, :]
    valued = has_floor & at_war
    if settings.risk_margin_value > 0 and settings.risk_margin_cap > 0 and valued.any():
        margin = b.variables(
            "capability-margin", coords, upper=settings.risk_margin_cap * floor, mask=valued
        )
        ml = labels_of(margin)
        cap_rows = Terms(*coords).add((r, rt), ml).extend(capability, -1.0)
        cap_rows.add((r, rt), labels_of(short), -1.0)
        b.constraints("capability-margin_cap", cap_rows, "<=", -floor, mask=valued)
        b.objective_part("risk_margin").add((), ml, settings.risk_margin_value * d.period_length)
