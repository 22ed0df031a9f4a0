"""``forceplan plan SCENARIO --robust K``: a plan that still meets its requirements in most futures.

:func:`robust_plan` takes the scenario and a list of (probability, scenario)
futures and chooses the method by the size rule (:func:`choose_method`):

* ``stochastic`` -- the two-stage stochastic program of
  :mod:`forceplan.robust.stochastic` (one linopy model, expected shortfall then
  expected cost). The shared first-stage decisions are then fixed in the scenario
  as given (constraint ``robust-fixed_first_stage``) and it is planned again, so
  ``plan/`` is a plan of that scenario like any other whose first periods are the
  decisions that hold across the futures;
* ``derated`` -- when K x (columns of one future's model) exceeds ``max_columns``:
  the scenario with every source at its *confidence*-quantile of delivered
  quantity and lead time (:mod:`forceplan.robust.derate`), planned as usual.

The outputs for ``robust/`` are built by :mod:`forceplan.robust.outputs`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from forceplan.api import plan as plan_scenario
from forceplan.api import resolve_options
from forceplan.domain.scenario import Scenario
from forceplan.model.budgets import prioritised_funding
from forceplan.model.build import ModelBundle, build_model
from forceplan.model.terms import Terms
from forceplan.results.extract import extract
from forceplan.results.plan import Plan
from forceplan.robust.derate import derated_scenario, derated_sources
from forceplan.robust.stochastic import (
    FIRST_STAGE_DECISIONS,
    SHARED,
    RobustError,
    StochasticModel,
    build_stochastic,
    check_futures,
)
from forceplan.solve.lexicographic import SolveResult, make_backend, run_stages
from forceplan.solve.progress import Phase, ProgressCallback

log = logging.getLogger(__name__)

MAX_COLUMNS = 200_000
"""Size rule: the stochastic program is built when K x (columns of one future's model)
is at most this (the notional scenario has about 16,000 columns: up to 12 futures);
beyond it the plan falls back to derated supply."""

DEFAULT_CONFIDENCE = 0.8
"""Default confidence *P* of the derated fallback."""

AS_GIVEN_WEIGHT = 1e-9
"""Weight of the scenario as given among the futures of the stochastic program (before
normalising): enough to make the shared decisions hold in it, too little to move the
expected objective (its outcome is not part of ``robust/``)."""

DUST = 1e-9
"""Shared decision values below this are taken as 0."""

FIXED = "robust-fixed_first_stage"
"""Name of the rows that fix the shared decisions when the scenario as given is re-planned."""


@dataclass
class RobustSettings:
    """The settings of a robust plan (CLI: ``--robust K --confidence P --first-stage N``).

    Attributes
    ----------
    first_stage_periods
        How many leading periods' decisions are shared across futures (default 1).
    confidence
        *P* of the derated fallback (default 0.8).
    max_columns
        The size rule's limit on K x columns of one future (default :data:`MAX_COLUMNS`).
    method
        ``auto`` (the size rule), ``stochastic`` or ``derated``.
    baseline
        Also plan the scenario as given, deterministically, and keep it as
        ``robust/deterministic/`` (a run folder of its own): ``forceplan stress`` of the
        robust run then stresses both plans on the same futures and says what the robust
        plan buys and what it costs (default yes).
    hold_as_given
        Add the scenario as given to the stochastic program as one more future of weight
        :data:`AS_GIVEN_WEIGHT`, so that the shared decisions hold in it and ``plan/`` (the
        scenario as given, planned with them fixed) always exists (default yes). Without
        it a shared order that the futures can take only in part (a partial pledge
        delivers a share of it) can break a red-line donor minimum of the scenario as
        given, where the whole order is delivered.
    """

    first_stage_periods: int = 1
    confidence: float = DEFAULT_CONFIDENCE
    max_columns: int = MAX_COLUMNS
    method: str = "auto"
    baseline: bool = True
    hold_as_given: bool = True


@dataclass
class RobustResult:
    """What :func:`robust_plan` found besides the plan (the content of ``robust/``).

    Attributes
    ----------
    method
        ``stochastic`` or ``derated``.
    reason
        Why that method (the size rule in words).
    probabilities
        Per future, its weight.
    future_tables
        Per future, the plan tables of that future (stochastic only).
    decisions
        The shared first-stage decisions with their value (stochastic only).
    derated
        Per source, given and derated quantity and timing (derated only).
    status, message, gap
        Of the stochastic solve (derated: of the plan).
    expected
        Expected objective parts over the futures (stochastic only).
    seconds
        Wall seconds of the build and solve of the stochastic program (and ``baseline``,
        of the deterministic plan).
    baseline
        The deterministic plan of the scenario as given (``None`` without one).
    """

    method: str
    reason: str
    probabilities: np.ndarray
    names: list[str] = field(default_factory=list)
    future_tables: list[dict[str, pd.DataFrame]] = field(default_factory=list)
    future_cost: list[np.ndarray] = field(default_factory=list)
    future_objective: list[dict[str, float]] = field(default_factory=list)
    decisions: pd.DataFrame = field(default_factory=pd.DataFrame)
    derated: pd.DataFrame = field(default_factory=pd.DataFrame)
    status: str = ""
    message: str = ""
    gap: float | None = None
    expected: dict[str, float] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    size: dict[str, int] = field(default_factory=dict)
    baseline: Plan | None = None


def choose_method(
    base: Scenario, k: int, settings: RobustSettings
) -> tuple[str, str, dict[str, int]]:
    """The method by the size rule: (method, reason in words, sizes)."""
    columns = int(build_model(base).model.nvars)
    sizes = {"futures": k, "columns_per_future": columns, "max_columns": settings.max_columns}
    total = k * columns
    if settings.method in ("stochastic", "derated"):
        return settings.method, f"method {settings.method} was asked for", sizes
    if settings.method != "auto":
        raise RobustError(
            f"unknown robust method {settings.method!r}. Fix: use auto, stochastic or derated."
        )
    if total <= settings.max_columns:
        return (
            "stochastic",
            f"{k} futures x {columns:,} columns = {total:,} <= {settings.max_columns:,}: "
            "one two-stage stochastic program",
            sizes,
        )
    return (
        "derated",
        f"{k} futures x {columns:,} columns = {total:,} > {settings.max_columns:,}: too many "
        f"for one model, requirements met on supply derated to confidence {settings.confidence:g}",
        sizes,
    )


def _objective_values(b: ModelBundle, values: np.ndarray) -> dict[str, float]:
    return {
        name: float(b.objective_part(name).evaluate(values).sum())
        for name in ("shortfall", "interoperability", "cost", "risk_margin")
    }


def solve_stochastic(
    sm: StochasticModel,
    base: Scenario,
    *,
    time_limit: float | None = None,
    gap: float | None = None,
    threads: int | None = None,
    solver: str | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[SolveResult, np.ndarray | None]:
    """Solve the stochastic program, stage by stage; (result, values with funding re-decided)."""
    options = resolve_options(base, time_limit=time_limit, gap=gap, threads=threads, solver=solver)
    stage_list = sm.stages(options.mode)
    sm.model.add_objective(stage_list[0].terms.expression(sm.model), overwrite=True)
    backend = make_backend(sm.bundle, options)
    result = run_stages(
        sm.bundle, backend, stage_list, options.time_limit, progress, options.stage_hold
    )
    values = result.values
    if values is not None:
        for k in range(len(sm.futures)):
            values = prioritised_funding(sm.view(k), values)
    return result, values


def shared_decisions(sm: StochasticModel, values: np.ndarray) -> pd.DataFrame:
    """The shared first-stage decisions: decision, variable, period, element, value."""
    out = sm.decisions.copy()
    if not len(out):
        return out.assign(value=pd.Series(dtype=float))
    labels = np.asarray(sm.model.variables[SHARED].labels.values)
    # Full precision: these values are fixed in the re-plan of the scenario as given, where
    # rows the stochastic solve left exactly tight (a donor stock at its cap) would be broken
    # by rounding (measured: 6 decimals made the notional re-plan infeasible). Only solver
    # dust is cleared; robust/first_stage.csv is written rounded.
    out["value"] = values[labels].astype(float)
    out.loc[out["value"].abs() < DUST, "value"] = 0.0
    return out


COMMITMENTS = ("supply-order", "line-output", "line-replenish", "line-expand", "upgrade-start")
"""The first-stage decisions kept when the scenario as given cannot take the shared
retirements and reserve moves (see :func:`robust_plan`)."""


def decision_keys(name: str, index: pd.Index) -> list[str]:
    """Keys ``name[element,period]`` of a variable's elements (*index*: its coordinates)."""
    frame = index.to_frame(index=False)
    others = [c for c in frame.columns if c != "period"]
    element = (
        frame[others].astype(str).agg(",".join, axis=1) + ","
        if others
        else pd.Series("", index=frame.index)
    )
    return (name + "[" + element + frame["period"].astype(str) + "]").tolist()


def fix_first_stage(
    decisions: pd.DataFrame,
    first_stage_periods: int,
    families: Sequence[str] = FIRST_STAGE_DECISIONS,
) -> Callable[[ModelBundle], None]:
    """A ``prepare`` hook for :func:`forceplan.plan`: the shared decisions fixed.

    Adds ``robust-fixed_first_stage[decision]``: :math:`v_d = y^*_d` for every first-stage
    decision element of the scenario's model (:math:`y^*_d = 0` where no future had it).
    """
    value = dict(zip(decisions["decision"], decisions["value"], strict=True))

    def prepare(b: ModelBundle) -> None:
        periods = list(b.data.scenario.header.period_labels)[:first_stage_periods]
        keys: list[str] = []
        labels: list[np.ndarray] = []
        for name in families:
            if name not in b.model.variables:
                continue
            series = b.model.variables[name].labels.sel(period=periods).to_series()
            series = series[series >= 0]
            if not len(series):
                continue
            keys.extend(decision_keys(name, series.index))
            labels.append(series.to_numpy())
        if not keys:
            return
        idx = pd.Index(keys, name="decision")
        rhs = np.array([value.get(k, 0.0) for k in keys])
        lhs = Terms(idx).add((np.arange(len(keys)),), np.concatenate(labels), 1.0)
        b.constraints(FIXED, lhs, "=", rhs)

    return prepare


def _most_probable(p: np.ndarray) -> int:
    return int(np.argmax(p))


def robust_plan(
    base: Scenario,
    futures: Sequence[tuple[float, Scenario]],
    settings: RobustSettings | None = None,
    *,
    names: Sequence[str] | None = None,
    time_limit: float | None = None,
    gap: float | None = None,
    threads: int | None = None,
    solver: str | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[Plan, RobustResult]:
    """A robust plan of *base* from *futures*.

    Parameters
    ----------
    base
        The scenario as given (what ``scenario/`` and ``plan/`` of the run are about).
    futures
        (probability, scenario) per future: sampled realisations of *base*
        (:func:`forceplan.robust.futures.sampled_futures`) or built by hand.
    settings
        First-stage periods, confidence, size rule, method.
    names
        A label per future (default ``future0`` ...).
    time_limit, gap, threads, solver
        As for :func:`forceplan.plan`; the time limit applies to the stochastic solve and
        again to the re-plan of *base* with the shared decisions fixed.
    progress
        Phase and solver events.

    Returns
    -------
    (Plan, RobustResult)
        The plan (tables of *base*; with ``extra_files`` for ``robust/`` and
        ``summary_extra['robust']``) and the per-future detail.

    Raises
    ------
    RobustError
        When the futures cannot be used (different periods, a non-positive probability).
    """
    from forceplan.robust.outputs import attach

    settings = settings or RobustSettings()
    if not 0 < settings.confidence < 1:
        raise RobustError(
            f"confidence must lie strictly between 0 and 1, not {settings.confidence}. "
            "Fix: e.g. --confidence 0.8."
        )
    p = check_futures(futures)
    labels = list(names) if names is not None else [f"future{k}" for k in range(len(futures))]
    method, reason, sizes = choose_method(base, len(futures), settings)
    log.info("robust plan: %s (%s)", method, reason)
    options: dict[str, Any] = {
        "time_limit": time_limit,
        "gap": gap,
        "threads": threads,
        "solver": solver,
    }
    rr = RobustResult(method=method, reason=reason, probabilities=p, names=labels, size=sizes)
    if settings.baseline:
        t_base = time.perf_counter()
        with Phase("solve:deterministic", progress):
            baseline = plan_scenario(base, progress=progress, **options)
        rr.seconds["baseline"] = time.perf_counter() - t_base
        baseline.model = None  # only its tables are kept (robust/deterministic/)
        rr.baseline = baseline if baseline.has_plan else None
    if method == "derated":
        table = derated_sources(base, futures, settings.confidence)
        rr.derated = table
        result = plan_scenario(derated_scenario(base, table), progress=progress, **options)
        result.scenario = base  # the run records the scenario as given; robust/ the derating
        rr.status, rr.message, rr.gap = result.status, result.message, result.gap
        return attach(result, rr, settings), rr
    t0 = time.perf_counter()
    with Phase("build:robust", progress):
        members = list(futures)
        if settings.hold_as_given:
            members.append((AS_GIVEN_WEIGHT, base))
        sm = build_stochastic(members, settings.first_stage_periods, reference=base)
    rr.seconds["build"] = time.perf_counter() - t0
    rr.size["columns"] = int(sm.model.nvars)
    rr.size["rows"] = int(sm.model.ncons)
    t1 = time.perf_counter()
    with Phase("solve:robust", progress):
        result_sp, values = solve_stochastic(sm, base, progress=progress, **options)
    rr.seconds["solve"] = time.perf_counter() - t1
    rr.status, rr.message, rr.gap = result_sp.status, result_sp.message, result_sp.gap
    if values is None:
        return (
            Plan(
                scenario=base,
                status=result_sp.status,
                message=f"robust plan ({method}): {result_sp.message}",
                solver=result_sp.solver,
            ),
            rr,
        )
    for k in range(len(futures)):
        view = sm.view(k)
        rr.future_tables.append(extract(view, values))
        rr.future_cost.append(view.flows["cost"].evaluate(values).sum(axis=0))
        rr.future_objective.append(_objective_values(view, values))
    rr.expected = {
        name: float(sum(pk * o[name] for pk, o in zip(p, rr.future_objective, strict=True)))
        for name in rr.future_objective[0]
    }
    rr.decisions = shared_decisions(sm, values)
    result = plan_scenario(
        base,
        progress=progress,
        prepare=fix_first_stage(rr.decisions, settings.first_stage_periods),
        **options,
    )
    if not result.has_plan:
        # Retirements and reserve moves depend on the stock a future leaves: where the scenario
        # as given loses more than every future, they may not fit it; keep the commitments.
        kept = rr.decisions[rr.decisions["variable"].isin(COMMITMENTS)]
        retry = plan_scenario(
            base,
            progress=progress,
            prepare=fix_first_stage(kept, settings.first_stage_periods, COMMITMENTS),
            **options,
        )
        if retry.has_plan:
            retry.message = (
                f"{retry.message}; the shared retirements and reserve moves do not fit the "
                "scenario as given (its stock differs from every future's), so plan/ fixes only "
                "the shared orders, line output, expansions and upgrades"
            )
            result = retry
    if not result.has_plan:
        k = _most_probable(p)
        result = Plan(
            scenario=base,
            status=result_sp.status,
            tables=rr.future_tables[k],
            objective=rr.future_objective[k],
            gap=result_sp.gap,
            solver=result_sp.solver,
            message=(
                f"the scenario as given could not be planned with the shared decisions fixed "
                f"({result.status}: {result.message}); plan/ shows {labels[k]}, the most "
                "probable future"
            ),
        )
        rr.message += "; " + result.message
    return attach(result, rr, settings), rr


def deterministic_first_stage(
    base: Scenario, first_stage_periods: int = 1, **options: Any
) -> pd.DataFrame:
    """The first-stage decisions of the deterministic plan of *base* (same keys as ``y``).

    The stochastic program of the one future *base* (probability 1) is the deterministic
    plan; its shared decisions are the deterministic plan's first periods."""
    sm = build_stochastic([(1.0, base)], first_stage_periods, reference=base)
    result, values = solve_stochastic(sm, base, **options)
    if values is None:
        raise RobustError(f"the deterministic plan has no solution ({result.message})")
    return shared_decisions(sm, values)


def evaluate_first_stage(
    decisions: pd.DataFrame,
    futures: Sequence[tuple[float, Scenario]],
    first_stage_periods: int = 1,
    names: Sequence[str] | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Each future planned with the first-stage *decisions* fixed (the later periods adapt).

    Two plans' first periods compared on the same futures (robust against deterministic)
    say what committing to each costs when the future is known only later.

    Returns
    -------
    pandas.DataFrame
        future, name, probability, status, shortfall, cost, risk_margin: the future's
        objective parts with the decisions fixed (status ``no plan`` when they cannot hold
        there).
    """
    p = check_futures(futures)
    rows = []
    for k, (_, scenario) in enumerate(futures):
        result = plan_scenario(
            scenario, prepare=fix_first_stage(decisions, first_stage_periods), **options
        )
        obj = result.objective
        rows.append(
            {
                "future": k,
                "name": names[k] if names is not None else f"future{k}",
                "probability": float(p[k]),
                "status": result.status if result.has_plan else "no plan",
                "shortfall": obj.get("shortfall", np.nan),
                "cost": obj.get("cost", np.nan),
                "risk_margin": obj.get("risk_margin", np.nan),
            }
        )
    return pd.DataFrame(rows)
