"""Plans that hold: a two-stage stochastic program over sampled futures, or derated supply.

See :mod:`forceplan.robust.plan` (:func:`robust_plan`), :mod:`forceplan.robust.stochastic`
(the one-model program) and :mod:`forceplan.robust.derate` (the fallback).
"""

from forceplan.robust.plan import RobustResult, RobustSettings, robust_plan
from forceplan.robust.stochastic import RobustError, build_stochastic

__all__ = ["RobustError", "RobustResult", "RobustSettings", "build_stochastic", "robust_plan"]
