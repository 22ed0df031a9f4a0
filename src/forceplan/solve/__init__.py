"""Solving: HiGHS options and status, lexicographic stages, progress events."""

from __future__ import annotations

from forceplan.solve.highs import SolveOptions, StageOutcome
from forceplan.solve.lexicographic import SolveResult, solve_model
from forceplan.solve.progress import ProgressEvent

__all__ = ["ProgressEvent", "SolveOptions", "SolveResult", "StageOutcome", "solve_model"]
