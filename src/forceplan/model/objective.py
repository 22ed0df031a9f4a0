"""Objective: shortfalls, then cost less the risk margin.

Interoperability is a requirement (the ``interop-target`` trajectory, a soft
floor in the shortfall part), not a quantity to maximise: a plan that buys
every NATO system it can at any cost is not what a planner defends.

Parts (scalar linear expressions kept as :class:`~forceplan.model.terms.Terms`):

* ``shortfall`` S: the sum of every slack, each divided by its scale so that
  1 means "100 % of the requirement missed in one period": capability shortfall
  / floor, ammunition shortfall / consumption scale, donor shortfall / minimum,
  unfunded operating cost / operating cost scale, interoperability shortfall /
  V (the opening force's combat value);
* ``interoperability`` I: sum over periods and types of score x combat_value x
  stock-level (interoperable capability points, summed over periods);
* ``cost`` C: every cost (acquisition, ammunition, operation, upgrade,
  expansion, replenishment), USD million, plus type_penalty x types in service;
* ``risk_margin`` M: risk_margin_value x capability above the floors in periods at
  war (up to risk_margin_cap x floor), USD million; credited against cost;
* ``persistence`` P: what re-planning changes of announced decisions cost (USD million,
  :mod:`forceplan.model.persistence`; 0 without commitments), in the cost stage;
* ``handling`` H: 1e-6 USD million per unit moved into or out of reserve or retired
  early, a tie-breaker in the cost stage (not reported as cost).

Modes (``objective.mode`` in the header):

* ``lexicographic``: stage ``shortfall`` minimises S; stage ``cost`` minimises
  C - M + H + P with S held at its optimum. One model is reused: the cost stage changes
  the objective and adds the bound ``objective-bound_shortfall``.
* ``weighted``: one stage minimising shortfall_weight x S -
  interoperability_weight x I / (V T) + cost_weight x (C - M + H + P); the
  interoperability weight is 0 by default.
"""

from __future__ import annotations

from dataclasses import dataclass

from forceplan.model.build import ModelBundle
from forceplan.model.interoperability import capability_scale
from forceplan.model.terms import Terms

PARTS = ("shortfall", "interoperability", "cost", "risk_margin", "handling")
"""The objective parts every bundle carries."""


@dataclass
class Stage:
    """One optimisation stage: minimise ``terms / scale``.

    Attributes
    ----------
    name
        ``shortfall``, ``interoperability``, ``cost`` or ``weighted``.
    terms
        The objective to minimise, in the part's own units (a maximised part is negated).
    scale
        Divisor applied to the objective handed to the solver (numerics only).
    sense
        ``min`` or ``max``: how the stage's own part is optimised (for messages and bounds).
    """

    name: str
    terms: Terms
    scale: float = 1.0
    sense: str = "min"


def stages(b: ModelBundle, mode: str) -> list[Stage]:
    """The stages of objective *mode* (``lexicographic`` or ``weighted``)."""
    parts = {name: b.objective_part(name) for name in PARTS}
    interop_scale = max(capability_scale(b) * b.data.T, 1.0)
    net_cost = Terms().extend(parts["cost"]).extend(b.objective_part("risk_margin"), -1.0)
    net_cost.extend(b.objective_part("handling"))
    net_cost.extend(b.objective_part("persistence"))  # model.persistence: changing announced plans
    if mode == "lexicographic":
        return [Stage("shortfall", parts["shortfall"]), Stage("cost", net_cost)]
    if mode == "weighted":
        w = b.data.scenario.header.objective
        combined = Terms().extend(parts["shortfall"], w.shortfall_weight)
        if w.interoperability_weight > 0:
            combined.extend(parts["interoperability"], -w.interoperability_weight / interop_scale)
        combined.extend(net_cost, w.cost_weight)
        return [Stage("weighted", combined)]
    raise ValueError(f"unknown objective mode {mode!r}: use 'lexicographic' or 'weighted'")


def add(b: ModelBundle) -> None:
    """Make sure every part exists and give the linopy model the first stage's objective."""
    for name in PARTS:
        b.objective_part(name)
    first = stages(b, b.data.scenario.header.objective.mode)[0]
    b.model.add_objective(first.terms.expression(b.model), overwrite=True)
