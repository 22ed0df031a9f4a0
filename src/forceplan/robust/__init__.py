"""Plans that hold: a two-stage stochastic program over sampled futures, or derated supply.

See :mod:`forceplan.robust.plan` (:func:`robust_plan`), :mod:`forceplan.robust.stochastic`
(the one-model program), :mod:`forceplan.robust.derate` (the fallback) and
:mod:`forceplan.robust.tradeoff` (robust against deterministic under stress). The
names are imported on first use, so the report can read ``robust/`` without loading the
solver layer.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "RobustError": "forceplan.robust.stochastic",
    "build_stochastic": "forceplan.robust.stochastic",
    "RobustResult": "forceplan.robust.plan",
    "RobustSettings": "forceplan.robust.plan",
    "robust_plan": "forceplan.robust.plan",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'forceplan.robust' has no attribute {name!r}")
