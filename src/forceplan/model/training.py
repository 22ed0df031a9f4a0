"""Training: crews for newly delivered types within the pipelines' capacity.

A delivered unit of a type with ``training_weeks`` > 0 needs one crew converted
in its arrival period. Deliveries are supply arrivals and line output to the
force; upgraded units keep their crews. Classes without any pipeline are not
constrained.

Constraints
    ``training-capacity[class, period]``: sum over types of the class that need
    training of their arrivals <= sum of the capacities of the class's pipelines
    active in the period.
"""

from __future__ import annotations

import numpy as np

from forceplan.model.build import ModelBundle
from forceplan.model.terms import Terms


def add(b: ModelBundle) -> None:
    """Add the training family to *b*."""
    d = b.data
    if not len(d.train_classes) or "arrivals" not in b.flows:
        return
    rows, labels, coeffs = b.flows["arrivals"].arrays()
    e, t = np.divmod(rows, d.T)
    train_pos = d.eq["train_pos"].to_numpy()[e]
    used = Terms(d.train_classes, d.periods).add((train_pos, t), labels, coeffs)
    b.flows["training"] = used
    b.constraints("training-capacity", used, "<=", d.train_capacity)
