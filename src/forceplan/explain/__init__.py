"""Explaining a plan: formation allocation and levels, shadow prices, infeasibility (IIS).

* :func:`explain_plan` computes the explanation tables of a solved plan
  (``formations``, ``formation_gaps``, ``formation_levels``, ``binding``; see
  :mod:`forceplan.explain.tables`);
* :func:`shadow_prices` prices budgets, lines, donations, pipelines and floors
  (:mod:`forceplan.explain.duals`);
* :func:`find_iis` finds an irreducible infeasible subset of the requirements
  and names the scenario rows behind it (:mod:`forceplan.explain.iis`).
"""

from __future__ import annotations

from forceplan.explain.duals import shadow_prices
from forceplan.explain.iis import IisResult, find_iis
from forceplan.explain.tables import EXPLAIN_TABLES, explain_plan, explain_tables

__all__ = [
    "EXPLAIN_TABLES",
    "IisResult",
    "explain_plan",
    "explain_tables",
    "find_iis",
    "shadow_prices",
]
