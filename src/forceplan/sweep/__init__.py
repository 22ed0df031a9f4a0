"""Sweeps: many sampled futures, each re-optimised on Dask, and their robust decisions.

See :func:`run_sweep` and ``forceplan sweep`` (README, docs/sweeps.md).
"""

from forceplan.sweep.engine import SweepProgress, run_sweep
from forceplan.sweep.errors import SweepError
from forceplan.sweep.summary import summarise

__all__ = ["SweepError", "SweepProgress", "run_sweep", "summarise"]
