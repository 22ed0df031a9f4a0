"""Diversity: how many distinct types of a class are in service (the "equipment zoo").

Built only when ``objective.max_types_per_class`` is set or ``objective.type_penalty`` > 0.

Variables
    ``diversity-in_service[equipment, period]`` binary: 1 when the type may be
    in service (only where it could be: M > 0).
Constraints
    ``diversity-link[equipment, period]``: stock-level <= M x in_service, with M
    = opening stock + the most units that could have arrived by then (a tight
    upper bound on the stock);
    ``diversity-max_types[class, period]``: sum of in_service over the class's
    types <= max_types_per_class.
Objective
    type_penalty x in_service enters the cost part (USD million per type and period).
"""

from __future__ import annotations

import numpy as np

from forceplan.model.build import ModelBundle
from forceplan.model.terms import Terms, grid, labels_of


def big_m(b: ModelBundle) -> np.ndarray:
    """Upper bound on the stock in service of each type in each period (E, T).

    0 for consumable types: they are never in service (see the consumables family).
    """
    d = b.data
    service = ~d.eq["consumable"].to_numpy(dtype=bool)
    return (d.s0[:, None] + np.cumsum(d.max_inflow, axis=1)) * service[:, None]


def add(b: ModelBundle) -> None:
    """Add the diversity family to *b*."""
    d = b.data
    settings = d.scenario.header.objective
    if settings.max_types_per_class is None and settings.type_penalty <= 0:
        return
    if "stock-level" not in b.model.variables:
        return
    coords = (d.equipment, d.periods)
    e, t = grid(len(d.equipment), d.T)
    bound = big_m(b)
    possible = bound > 1e-9
    in_service = b.variables("diversity-in_service", coords, mask=possible, binary=True)
    ins = labels_of(in_service)
    lv = labels_of(b.model.variables["stock-level"])
    link = Terms(*coords).add((e, t), lv).add((e, t), ins, -bound)
    b.constraints("diversity-link", link, "<=", 0.0, mask=possible)

    if settings.max_types_per_class is not None:
        count = Terms(d.classes, d.periods).add((d.eq["class_pos"].to_numpy()[:, None], t), ins)
        b.constraints("diversity-max_types", count, "<=", float(settings.max_types_per_class))
    if settings.type_penalty > 0:
        b.objective_part("cost").add((), ins, float(settings.type_penalty))
        b.objective_part("type_penalty").add((), ins, float(settings.type_penalty))
    b.flows["in_service"] = Terms(*coords).add((e, t), ins)
