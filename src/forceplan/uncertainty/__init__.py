"""Uncertainty: sampled futures of a scenario and stress tests of a plan.

``draw(scenario, n, seed)`` samples the factors of the scenario's
``uncertainty`` table; ``realise(scenario, draws, i)`` is the scenario of
sample *i*. See ``docs/stress.md``.
"""

from forceplan.uncertainty.draw import Draws, draw
from forceplan.uncertainty.realise import realise

__all__ = ["Draws", "draw", "realise"]
