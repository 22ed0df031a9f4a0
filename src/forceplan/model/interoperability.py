"""Interoperability: the force-wide target per period and the trajectory the objective rewards.

The per-type score comes from :func:`forceplan.domain.interop.type_scores`.
The index of a period is sum(score x value x stock) / sum(value x stock); the
target "index >= target" is written linearly.

Variables
    ``interop-shortfall[period]`` >= 0: capability points by which the target is
    missed (only periods with a target > 0).
Constraints
    ``interop-target[period]``: sum over types of (score - target) x combat_value
    x stock-level + shortfall >= 0.
Flows registered
    ``interoperable`` (period): sum of score x value x stock;
    ``force_capability`` (period): sum of value x stock.
Objective
    shortfall / V (V = combat value of the opening stock, at least 1) enters the
    shortfall part; the ``interoperability`` part is the sum over periods of
    ``interoperable``.
"""

from __future__ import annotations

import numpy as np

from forceplan.model.build import ModelBundle
from forceplan.model.terms import Terms, grid, labels_of


def capability_scale(b: ModelBundle) -> float:
    """V: combat value of the opening stock (at least the largest unit value, at least 1)."""
    d = b.data
    value = d.eq["combat_value"].to_numpy(dtype=float)
    v0 = float((value * d.s0).sum())
    return max(v0, float(value.max()) if len(value) else 0.0, 1.0)


def add(b: ModelBundle) -> None:
    """Add the interoperability family to *b*."""
    d = b.data
    if "stock-level" not in b.model.variables:
        return
    lv = labels_of(b.model.variables["stock-level"])
    _, t = grid(len(d.equipment), d.T)
    value = d.eq["combat_value"].to_numpy(dtype=float)[:, None]
    score = d.eq["score"].to_numpy(dtype=float)[:, None]
    b.flow("interoperable", d.periods).add((t,), lv, score * value)
    b.flow("force_capability", d.periods).add((t,), lv, value)
    b.objective_part("interoperability").add((), lv, score * value)
    # consumable types count by the units used in the period (see the consumables family)
    _, used_labels, _ = b.flow("consumable_used", d.equipment, d.periods).arrays()
    ul = np.full((len(d.equipment), d.T), -1, dtype=np.int64)
    if len(used_labels):
        ul = labels_of(b.model.variables["consumable-used"])
        b.flow("interoperable", d.periods).add((t,), ul, score * value)
        b.flow("force_capability", d.periods).add((t,), ul, value)
        b.objective_part("interoperability").add((), ul, score * value)

    target = np.nan_to_num(d.target, nan=0.0)
    has_target = target > 0
    if not has_target.any():
        return
    short = b.variables("interop-shortfall", (d.periods,), mask=has_target)
    rows = Terms(d.periods).add((t,), lv, (score - target[None, :]) * value)
    rows.add((t,), ul, (score - target[None, :]) * value)
    rows.add((np.arange(d.T),), labels_of(short))
    b.constraints("interop-target", rows, ">=", 0.0, mask=has_target)
    scale = np.full(d.T, capability_scale(b))
    b.shortfall_scales["interop-shortfall"] = scale
    b.objective_part("shortfall").add((), labels_of(short), 1.0 / scale)
