"""``forceplan.plan``: from a scenario to a plan (build, solve, extract)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from forceplan.domain.scenario import Scenario
from forceplan.model.budgets import prioritised_funding
from forceplan.model.build import ModelBundle, build_model
from forceplan.model.objective import stages
from forceplan.results.extract import extract
from forceplan.results.plan import Plan
from forceplan.solve.highs import SolveOptions
from forceplan.solve.lexicographic import SolveResult, solve_model
from forceplan.solve.progress import Phase, ProgressCallback

log = logging.getLogger(__name__)


def resolve_options(
    scenario: Scenario,
    *,
    time_limit: float | None = None,
    gap: float | None = None,
    threads: int | None = None,
    solver: str | None = None,
    mode: str | None = None,
) -> SolveOptions:
    """The effective options: the header's solver and objective settings, then the arguments."""
    h = scenario.header
    chosen_mode = mode or h.objective.mode
    if chosen_mode not in ("lexicographic", "weighted"):
        raise ValueError(f"mode must be 'lexicographic' or 'weighted', not {chosen_mode!r}")
    return SolveOptions(
        solver=(solver or h.solver.name).lower(),
        time_limit=h.solver.time_limit if time_limit is None else float(time_limit),
        gap=h.solver.gap if gap is None else float(gap),
        threads=h.solver.threads if threads is None else int(threads),
        mode=chosen_mode,
        stage_hold=h.solver.stage_hold,
        presolve=h.solver.presolve,
        presolve_rule_off=h.solver.presolve_rule_off,
    )


def objective_parts(bundle: ModelBundle, result: SolveResult) -> dict[str, float]:
    """Values of the objective parts (and the header-weighted ``total``) at the solution."""
    if result.values is None:
        return {}
    parts = {
        name: float(bundle.objective_part(name).evaluate(result.values).sum())
        for name in ("shortfall", "interoperability", "cost", "risk_margin")
    }
    weighted = stages(bundle, "weighted")[0]
    parts["total"] = float(weighted.terms.evaluate(result.values).sum())
    return parts


def plan(
    scenario: Scenario,
    *,
    time_limit: float | None = None,
    gap: float | None = None,
    threads: int | None = None,
    solver: str | None = None,
    mode: str | None = None,
    progress: ProgressCallback | None = None,
    prepare: Callable[[ModelBundle], None] | None = None,
) -> Plan:
    """Plan *scenario*: build the model, solve it, and extract the plan tables.

    Options default to the scenario header's ``solver`` and ``objective``
    settings; arguments override them.

    Parameters
    ----------
    scenario
        A validated scenario (:func:`forceplan.load_scenario`, :func:`forceplan.examples.notional`).
    time_limit
        Wall-clock seconds for the whole solve (all stages).
    gap
        Relative MIP gap at which to stop.
    threads
        Solver threads.
    solver
        ``highs`` (default) or another solver linopy drives.
    mode
        ``lexicographic`` or ``weighted``.
    progress
        Receives :class:`~forceplan.solve.progress.ProgressEvent` s: phase start and
        end (``build``, ``solve``, ``solve:<stage>``, ``extract``) and live solver reports.
        ``Plan.timings`` has wall seconds per phase and ``solve_cpu`` / ``plan_cpu``: CPU
        seconds of this process (HiGHS threads included) for the solve and for the whole call.
    prepare
        Called with the built model before the solve (e.g. :mod:`forceplan.robust` fixes
        the shared first-stage decisions of a robust plan there).

    Returns
    -------
    Plan
        With tables when the status is ``optimal`` or ``time_limit`` with a plan found;
        without tables for ``infeasible``, ``error`` or a time limit with no plan.

    Raises
    ------
    SolveError
        When the chosen solver is not installed.
    KeyboardInterrupt
        On Ctrl-C, after the solver has stopped; nothing is written.

    Examples
    --------
    >>> import forceplan  # doctest: +SKIP
    >>> p = forceplan.plan(forceplan.examples.notional(), time_limit=60)  # doctest: +SKIP
    >>> p.status  # doctest: +SKIP
    'optimal'
    """
    options = resolve_options(
        scenario, time_limit=time_limit, gap=gap, threads=threads, solver=solver, mode=mode
    )
    if not (options.solver == "highs" and options.direct):
        from forceplan.solve.generic import check_available

        check_available(options.solver)  # fail before building
    timings: dict[str, float] = {}
    cpu0 = time.process_time()
    with Phase("build", progress) as phase:
        bundle = build_model(scenario)
        if prepare is not None:
            prepare(bundle)
    timings["build"] = phase.seconds
    cpu1 = time.process_time()
    with Phase("solve", progress) as phase:
        result = solve_model(bundle, options, progress)
    timings["solve"] = phase.seconds
    timings["solve_cpu"] = time.process_time() - cpu1
    if result.first_plan is not None:  # inside the solve: the plan without new action
        timings["solve:first_plan"] = result.first_plan.seconds
    tables = {}
    if result.values is not None:
        result.values = prioritised_funding(bundle, result.values)
        with Phase("extract", progress) as phase:
            tables = extract(bundle, result.values)
            _attach_solution(bundle, result)
        timings["extract"] = phase.seconds
    timings["plan_cpu"] = time.process_time() - cpu0
    return Plan(
        scenario=scenario,
        status=result.status,
        tables=tables,
        objective=objective_parts(bundle, result),
        gap=result.gap,
        timings=timings,
        solver=result.solver,
        options=options.as_dict(),
        message=result.message,
        model=bundle.model,
    )


def _attach_solution(bundle: ModelBundle, result: SolveResult) -> None:
    """Store the solution on the linopy model's variables (``var.solution``)."""
    import xarray as xr

    from forceplan.model.build import values_of

    if result.values is None:
        return
    bundle.model.status = "ok"
    bundle.model.termination_condition = result.status
    for _, var in bundle.model.variables.items():
        var.solution = xr.DataArray(
            values_of(var, result.values), coords=var.labels.coords, dims=var.labels.dims
        )
