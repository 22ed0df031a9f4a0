"""Plan results: tables, run folder contract, explanations, comparison of runs."""

from forceplan.results.compare import PlanCollection

__all__ = ["PlanCollection"]
