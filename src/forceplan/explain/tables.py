"""The explanation tables of a solved plan: formations, their levels, and what binds.

=====================  ===============================================================
table                  leading columns
=====================  ===============================================================
``formations``         period, formation, role, equipment, quantity
``formation_gaps``     period, formation, role, slots, filled, unfilled
``formation_levels``   period, formation, level, score, reasons
``binding``            constraint, coordinates, dual, unit, text
``remedies``           shortfall, remedy, quantity, unit, cost, text
=====================  ===============================================================

``formations`` and ``formation_gaps`` come from the phase-2 allocation
(:func:`forceplan.allocate.allocate`), ``formation_levels`` from
:func:`forceplan.domain.interop_levels.formation_levels`, ``binding`` from the
LP re-solve with the integer decisions fixed
(:func:`forceplan.explain.duals.shadow_prices`), ``remedies`` from the same LP with
elastic additions (:func:`forceplan.explain.remedies.remedies`).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import pandas as pd

from forceplan.allocate import AllocationOptions, allocate
from forceplan.domain.interop_levels import formation_levels
from forceplan.domain.scenario import Scenario
from forceplan.exceptions import ForceplanError, SolveTimeLimit
from forceplan.explain.duals import (
    integer_values_from_model,
    integer_values_from_tables,
    pricing_time_limit,
    shadow_prices,
)
from forceplan.explain.remedies import remedy_table
from forceplan.model.build import build_model
from forceplan.results.contract import EXPLAIN_TABLES

if TYPE_CHECKING:  # pragma: no cover
    import linopy

    from forceplan.results.plan import Plan

log = logging.getLogger(__name__)


def formation_tables(
    scenario: Scenario,
    stock: pd.DataFrame,
    options: AllocationOptions | None = None,
) -> dict[str, pd.DataFrame]:
    """``formations``, ``formation_gaps`` and ``formation_levels`` from the plan's stock.

    Parameters
    ----------
    scenario
        The scenario as solved.
    stock
        ``plan/stock.csv``: rows (period, equipment, quantity).
    options
        Settings of the formation allocation.
    """
    return formation_tables_and_note(scenario, stock, options)[0]


def formation_tables_and_note(
    scenario: Scenario,
    stock: pd.DataFrame,
    options: AllocationOptions | None = None,
) -> tuple[dict[str, pd.DataFrame], str]:
    """:func:`formation_tables` and the allocation's note ("" or why it is LP-rounded)."""
    alloc = allocate(scenario, stock, options)
    levels = formation_levels(scenario, alloc.assignment, alloc.gaps)
    tables = {
        "formations": alloc.assignment,
        "formation_gaps": alloc.gaps,
        "formation_levels": levels,
    }
    return tables, alloc.message


def binding_tables(
    scenario: Scenario,
    tables: dict[str, pd.DataFrame],
    *,
    solved_model: linopy.Model | None = None,
    mode: str | None = None,
    time_limit: float | None = None,
) -> dict[str, pd.DataFrame]:
    """``binding``: the shadow prices of the plan (LP re-solve with integers fixed).

    Parameters
    ----------
    scenario
        The scenario as solved.
    tables
        The plan tables (``lines`` and ``stock`` give the integer decisions when
        *solved_model* is not given).
    solved_model
        The planner's solved linopy model (``plan.model``), whose integer values are fixed.
    mode
        Objective mode of the plan (default: the scenario header's).
    time_limit
        The run's time limit: no stage LP takes longer than it (nor than the header's
        ``solver.pricing_time_limit``).
    """
    bundle = build_model(scenario)
    if solved_model is not None:
        fixed = integer_values_from_model(bundle, solved_model)
    else:
        fixed = integer_values_from_tables(bundle, tables)
    limit = pricing_time_limit(scenario, time_limit)
    return {"binding": shadow_prices(scenario, fixed, mode=mode, bundle=bundle, time_limit=limit)}


def explain_tables(
    scenario: Scenario,
    tables: dict[str, pd.DataFrame],
    *,
    solved_model: linopy.Model | None = None,
    mode: str | None = None,
    allocation: AllocationOptions | None = None,
    timings: dict[str, float] | None = None,
) -> dict[str, pd.DataFrame]:
    """The explanation tables from a scenario and its plan tables.

    Parameters
    ----------
    scenario
        The scenario as solved.
    tables
        The plan tables (at least ``stock``; ``lines`` too when the model has
        line expansions and *solved_model* is not given).
    solved_model
        The planner's solved linopy model (``plan.model``): its integer values
        are fixed for the dual re-solve. Without it they come from *tables*.
    mode
        Objective mode of the plan (default: the scenario header's).
    allocation
        Settings of the formation allocation.
    timings
        If given, receives seconds per step (``formations``, ``binding``).

    Returns
    -------
    dict
        Table name -> DataFrame, in the order of :data:`EXPLAIN_TABLES`.
    """
    clock = timings if timings is not None else {}
    t0 = time.perf_counter()
    out = formation_tables(scenario, tables["stock"], allocation)
    t1 = time.perf_counter()
    out.update(binding_tables(scenario, tables, solved_model=solved_model, mode=mode))
    t2 = time.perf_counter()
    out.update(remedy_table(scenario, tables, solved_model=solved_model, mode=mode))
    t3 = time.perf_counter()
    clock.update({"formations": t1 - t0, "binding": t2 - t1, "remedies": t3 - t2})
    log.info("explanation tables in %.2fs", t3 - t0)
    return {name: out[name] for name in EXPLAIN_TABLES}


def explain_plan_safely(
    plan: Plan, timings: dict[str, float] | None = None
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The explanation tables that could be computed, and notes on what is missing and why.

    No failure here may cost the solved plan: each step (the formation allocation and
    levels; the shadow prices) runs on its own, and a step that fails leaves its tables
    out with a note naming them and the error, instead of raising.

    Parameters
    ----------
    plan
        A plan with tables.
    timings
        If given, receives seconds per step (``formations``, ``binding``).

    Returns
    -------
    tuple
        Table name -> DataFrame (those computed), and notes for the summary message.
    """
    clock = timings if timings is not None else {}
    out: dict[str, pd.DataFrame] = {}
    notes: list[str] = []
    mode = plan.options.get("mode") if plan.options else None
    # the run's time limit bounds each explanation LP too (a time-limited plan of a model too
    # big for its LP is written without the tables those LPs give, and says so)
    given = plan.options.get("time_limit") if plan.options else None
    limit = float(given) if isinstance(given, (int, float)) else None
    priced_out: SolveTimeLimit | None = None
    t0 = time.perf_counter()
    try:
        tables, note = formation_tables_and_note(plan.scenario, plan.tables["stock"])
        out.update(tables)
        if note:
            notes.append(note)
    except Exception as exc:
        log.exception("formation allocation failed")
        notes.append(
            "plan/formations.csv, formation_gaps.csv and formation_levels.csv are missing: the "
            f"formation allocation failed ({type(exc).__name__}: {exc}); run `forceplan explain "
            "RUNDIR` to retry"
        )
    t1 = time.perf_counter()
    try:
        out.update(
            binding_tables(
                plan.scenario,
                plan.tables,
                solved_model=plan.model,
                mode=str(mode) if mode else None,
                time_limit=limit,
            )
        )
    except Exception as exc:
        log.exception("pricing failed")
        if isinstance(exc, SolveTimeLimit):
            priced_out = exc
        notes.append(
            f"plan/binding.csv is missing: pricing what binds failed ({type(exc).__name__}: "
            f"{exc}); run `forceplan explain RUNDIR` to retry"
        )
    t2 = time.perf_counter()
    try:
        if priced_out is not None:  # the remedies start from the same LP: no time for it either
            raise SolveTimeLimit(
                "it starts from the LP that pricing could not solve in time "
                f"(solver.pricing_time_limit {priced_out.seconds:g} s)",
                priced_out.seconds,
            )
        out.update(
            remedy_table(
                plan.scenario,
                plan.tables,
                solved_model=plan.model,
                mode=str(mode) if mode else None,
                time_limit=limit,
            )
        )
    except Exception as exc:
        log.exception("remedies failed")
        notes.append(
            f"plan/remedies.csv is missing: computing what closes the gaps failed "
            f"({type(exc).__name__}: {exc}); run `forceplan explain RUNDIR` to retry"
        )
    clock.update({"formations": t1 - t0, "binding": t2 - t1, "remedies": time.perf_counter() - t2})
    return {name: out[name] for name in EXPLAIN_TABLES if name in out}, notes


def explain_plan(plan: Plan) -> dict[str, pd.DataFrame]:
    """The explanation tables of a solved plan, to add to ``plan.tables``.

    Parameters
    ----------
    plan
        A plan with tables (``plan.has_plan``).

    Returns
    -------
    dict
        ``formations``, ``formation_gaps``, ``formation_levels`` and ``binding``
        (see :data:`EXPLAIN_TABLES`).

    Raises
    ------
    ForceplanError
        When the plan has no tables.

    Examples
    --------
    >>> import forceplan  # doctest: +SKIP
    >>> p = forceplan.plan(forceplan.examples.notional())  # doctest: +SKIP
    >>> p.tables.update(explain_plan(p))  # doctest: +SKIP
    """
    if not plan.has_plan:
        raise ForceplanError(
            f"there is no plan to explain (status {plan.status}: {plan.message}). Fix: give the "
            "solver more time, or run `forceplan explain RUNDIR --iis` to see why it is infeasible."
        )
    mode = plan.options.get("mode") if plan.options else None
    return explain_tables(
        plan.scenario,
        plan.tables,
        solved_model=plan.model,
        mode=str(mode) if mode else None,
    )
