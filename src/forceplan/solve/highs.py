"""HiGHS through highspy: options, honest status, live progress and a clean Ctrl-C.

The built linopy model is handed to HiGHS once, as matrices
(:attr:`linopy.Model.matrices`); the lexicographic stages then change the
objective and add one bound row each on the same HiGHS instance, so the model
is never rebuilt and HiGHS warm-starts each stage (simplex basis for LPs, the
previous stage's solution as a MIP start).

HiGHS's presolve follows the header's ``solver.presolve`` (on by default) with the
rules of ``solver.presolve_rule_off`` switched off (dominated and forcing columns by
default): HiGHS 1.16's full MIP presolve returned worse plans as proven optima on
these models, and without those two rules it does not (the three cases measured).
A MIP whose integer columns are all fixed (a re-plan with the plan's decisions held)
is solved as the LP it is.

Status mapping (HiGHS model status -> forceplan status):

===========================================  =============
kOptimal, kModelEmpty                         optimal
kTimeLimit, kIterationLimit, kSolutionLimit,  time_limit (a plan exists when HiGHS holds a
kObjectiveBound, kObjectiveTarget, kInterrupt feasible solution)
kInfeasible, kUnboundedOrInfeasible           infeasible
anything else (errors, kUnbounded)            error
===========================================  =============

Ctrl-C: the solve runs in HiGHS's worker thread while this thread waits; a
KeyboardInterrupt asks HiGHS to stop through its interrupt callback, waits
for it to return (at most :data:`CANCEL_GRACE` seconds: HiGHS cannot leave a
MIP's root LP, and its thread is a daemon, so the process can still exit) and
re-raises the KeyboardInterrupt.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import math
import os
import sys
import time
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np

from forceplan.domain.header import PRESOLVE_RULE_OFF
from forceplan.model.build import ModelBundle
from forceplan.model.objective import Stage
from forceplan.model.terms import Terms
from forceplan.solve.progress import ProgressCallback, ProgressEvent, Throttle, emit

log = logging.getLogger(__name__)

_MS = highspy.HighsModelStatus
STATUS_MAP: dict[Any, str] = {
    _MS.kOptimal: "optimal",
    _MS.kModelEmpty: "optimal",
    _MS.kTimeLimit: "time_limit",
    _MS.kIterationLimit: "time_limit",
    _MS.kSolutionLimit: "time_limit",
    _MS.kObjectiveBound: "time_limit",
    _MS.kObjectiveTarget: "time_limit",
    _MS.kInterrupt: "time_limit",
    _MS.kInfeasible: "infeasible",
    _MS.kUnboundedOrInfeasible: "infeasible",
}
"""HiGHS model status -> forceplan status (anything else is ``error``)."""

FEASIBLE = 2
"""HiGHS ``primal_solution_status`` of a feasible solution."""


@dataclass
class SolveOptions:
    """Solver options (defaults come from the scenario header in :func:`forceplan.plan`).

    Attributes
    ----------
    solver
        ``highs`` (default; driven through highspy) or any solver linopy drives.
    time_limit
        Wall-clock seconds for the whole solve, every stage included (``None``: no
        limit). On a loaded machine the solver gets less CPU than this.
    gap
        Relative MIP gap at which a stage stops.
    threads
        Solver threads (``None``: the solver's default).
    mode
        ``lexicographic`` or ``weighted``.
    direct
        Drive HiGHS through highspy (live progress, clean Ctrl-C); ``False``
        sends it through linopy's generic path like any other solver.
    stage_hold
        Relative allowance on the bound that holds an earlier lexicographic
        stage's optimum (the header's ``solver.stage_hold``).
    presolve
        HiGHS ``presolve`` of the plan's model (the header's ``solver.presolve``).
    presolve_rule_off
        HiGHS ``presolve_rule_off`` bit mask (the header's ``solver.presolve_rule_off``;
        see :class:`forceplan.domain.header.SolverSettings` for why these rules).
    """

    solver: str = "highs"
    time_limit: float | None = 600.0
    gap: float = 0.01
    threads: int | None = None
    mode: str = "lexicographic"
    direct: bool = True
    stage_hold: float = 1e-9
    presolve: str = "on"
    presolve_rule_off: int = PRESOLVE_RULE_OFF

    def as_dict(self) -> dict[str, object]:
        """The options as a plain dict (for summaries)."""
        return {
            "solver": self.solver,
            "time_limit": self.time_limit,
            "gap": self.gap,
            "threads": self.threads,
            "mode": self.mode,
            "stage_hold": self.stage_hold,
            "presolve": self.presolve,
            "presolve_rule_off": self.presolve_rule_off,
        }


@dataclass
class StageOutcome:
    """What one solver run returned.

    Attributes
    ----------
    status
        ``optimal``, ``time_limit``, ``infeasible`` or ``error``.
    has_solution
        Whether a feasible solution is available.
    objective, bound, gap
        Objective of the solution, best bound and relative gap, in solver units
        (``None`` when unknown).
    seconds
        Wall time of the run.
    message
        The solver's own status words.
    """

    status: str
    has_solution: bool
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    message: str


_BANNER_SHOWN = False


CANCEL_GRACE: float | None = None
"""Seconds a Ctrl-C waits for HiGHS to stop before leaving its solver thread running
(``None``: until it stops). The command line sets 2 s, since its process exits anyway; in a
long-lived process a HiGHS left running would block every later solve until it ends."""


def set_time_limit(h: highspy.Highs, seconds: float | None) -> None:
    """Let the next ``h.run()`` take at most *seconds* (``None``: no limit).

    HiGHS measures its ``time_limit`` on a clock that runs over the instance's
    whole life (every earlier ``run`` counts), so a limit for one more run is
    the time already used plus *seconds*.
    """
    limit = math.inf if seconds is None else h.getRunTime() + float(seconds)
    h.setOptionValue("time_limit", limit)


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance.

    HiGHS prints a copyright banner to the process's standard output when the
    first instance is created, before any option can be set. The first
    instance is therefore created with file descriptor 1 pointed at the null
    device for that moment (output of other threads in that instant is lost).
    """
    global _BANNER_SHOWN
    if _BANNER_SHOWN:
        h = highspy.Highs()
    else:
        _BANNER_SHOWN = True
        h = _without_stdout(highspy.Highs)
    h.setOptionValue("output_flag", False)
    return h


def _without_stdout(make: Any) -> Any:
    try:
        sys.stdout.flush()
        saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError, AttributeError):
        return make()
    try:
        os.dup2(devnull, 1)
        out = make()
        with contextlib.suppress(Exception):
            ctypes.CDLL(None).fflush(None)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
    return out


def load_matrices(h: highspy.Highs, matrices: Any, relax: bool = False) -> None:
    """Load a linopy model's matrices (columns, integrality, rows) into a HiGHS instance.

    The objective is left to the caller (stages change it). With *relax*,
    integrality is dropped (the LP relaxation).
    """
    n = len(matrices.vlabels)
    if not n:
        return
    h.addVars(n, np.asarray(matrices.lb, dtype=float), np.asarray(matrices.ub, dtype=float))
    integer = np.flatnonzero(np.isin(matrices.vtypes, ("B", "I")))
    if len(integer) and not relax:
        h.changeColsIntegrality(
            len(integer), integer.astype(np.int32), np.ones(len(integer), dtype=np.uint8)
        )
    a = matrices.A
    if a is not None and a.shape[0]:
        a = a.tocsr()
        lower = np.where(matrices.sense != "<", matrices.b, -np.inf)
        upper = np.where(matrices.sense != ">", matrices.b, np.inf)
        h.addRows(a.shape[0], lower, upper, a.nnz, a.indptr, a.indices, a.data)


def _integers_fixed(matrices: Any) -> bool:
    """Whether every integer column has equal bounds (at an integer value).

    Such a MIP is an LP, and is solved as one: HiGHS 1.16's MIP presolve has
    been seen to return a worse "optimal" solution for it (the notional plan
    with its line expansions fixed at the plan's own values: shortfall 0.468
    "optimal" against the plan's 0.284, which the LP and the MIP without
    presolve both find).
    """
    integer = np.isin(np.asarray(matrices.vtypes), ("B", "I"))
    if not integer.any():
        return False
    lb = np.asarray(matrices.lb, dtype=float)[integer]
    ub = np.asarray(matrices.ub, dtype=float)[integer]
    return bool(np.all(lb == ub) and np.all(lb == np.round(lb)))


def highs_version() -> str:
    """The version of the installed HiGHS."""
    h = new_highs()
    return f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"


def _finite(x: float) -> float | None:
    return float(x) if x is not None and math.isfinite(x) else None


def _scaled(x: float, unit: float) -> float | None:
    value = _finite(x)
    return None if value is None else value * unit


class HighsBackend:
    """One HiGHS instance holding the model; stages change its objective and add rows.

    Parameters
    ----------
    bundle
        The built model.
    options
        Solve options (gap and threads are applied here).
    """

    name = "highs"

    def __init__(self, bundle: ModelBundle, options: SolveOptions) -> None:
        self.bundle = bundle
        self.options = options
        m = bundle.model
        matrices = m.matrices
        self.label_to_pos = np.asarray(m.variables.label_index.label_to_pos)
        self.vlabels = np.asarray(matrices.vlabels)
        self.n_labels = len(self.label_to_pos)
        n = len(self.vlabels)
        self.n_cols = n
        h = new_highs()
        self.h = h
        self.version = highs_version()
        self.is_mip = bundle.is_mip and not _integers_fixed(matrices)
        if bundle.is_mip and not self.is_mip:
            log.info("every integer variable is fixed: solved as an LP")
        load_matrices(h, matrices, relax=not self.is_mip)
        h.setOptionValue("mip_rel_gap", float(options.gap))
        h.setOptionValue("presolve", str(options.presolve))
        h.setOptionValue("presolve_rule_off", int(options.presolve_rule_off))
        if options.threads is not None:
            h.setOptionValue("threads", int(options.threads))
            # HiGHS refuses a thread count that differs from its running scheduler
            highspy.Highs.resetGlobalScheduler(True)
        h.HandleUserInterrupt = True
        self._solution: np.ndarray | None = None
        self.abandoned = False  # a Ctrl-C left HiGHS running in its thread
        self._unit = 1.0  # solver objective x _unit = the stage's part in its own units

    # -- objective and bounds ------------------------------------------------------------
    def _dense(self, terms: Terms, scale: float = 1.0) -> np.ndarray:
        _, labels, coeffs = terms.arrays()
        c = np.zeros(self.n_cols)
        pos = self.label_to_pos[labels]
        np.add.at(c, pos[pos >= 0], coeffs[pos >= 0] / scale)
        return c

    def set_objective(self, stage: Stage) -> None:
        """Minimise ``stage.terms / stage.scale``."""
        self._unit = -stage.scale if stage.sense == "max" else stage.scale
        c = self._dense(stage.terms, stage.scale)
        if self.n_cols:
            self.h.changeColsCost(self.n_cols, np.arange(self.n_cols, dtype=np.int32), c)
        self.h.changeObjectiveSense(highspy.ObjSense.kMinimize)

    def add_bound(self, stage: Stage, upper: float) -> None:
        """Add the row ``stage.terms / stage.scale <= upper``."""
        c = self._dense(stage.terms, stage.scale)
        idx = np.flatnonzero(c)
        self.h.addRow(-np.inf, float(upper), len(idx), idx.astype(np.int32), c[idx])

    def _columns(self, labels: np.ndarray) -> np.ndarray:
        """The HiGHS columns of the variables with *labels* (absent ones left out)."""
        pos = np.unique(self.label_to_pos[labels])
        return pos[pos >= 0].astype(np.int32)

    def fix_zero(self, labels: np.ndarray) -> None:
        """Fix the variables with *labels* at 0 (upper bound 0)."""
        pos = self._columns(labels)
        zeros = np.zeros(len(pos))
        self.h.changeColsBounds(len(pos), pos, zeros, zeros)

    def first_plan(
        self, labels: np.ndarray, time_limit: float | None, progress: ProgressCallback | None
    ) -> StageOutcome:
        """Solve the current objective with the variables *labels* fixed at 0, stopping at the
        first feasible solution, then free them again; a solution found is where the next run
        starts (:meth:`values` holds it)."""
        h = self.h
        pos = self._columns(labels)
        lp = h.getLp()
        lower = np.asarray(lp.col_lower_, dtype=float)[pos]
        upper = np.asarray(lp.col_upper_, dtype=float)[pos]
        solutions = h.getOptionValue("mip_max_improving_sols")[1]
        self.fix_zero(labels)
        h.setOptionValue("mip_max_improving_sols", 1)
        try:
            return self.run(time_limit, "solve:first_plan", progress)
        finally:
            if not self.abandoned:  # never change a model HiGHS is still solving
                h.setOptionValue("mip_max_improving_sols", solutions)
                h.changeColsBounds(len(pos), pos, lower, upper)

    # -- running -------------------------------------------------------------------------
    def run(
        self, time_limit: float | None, phase: str, progress: ProgressCallback | None
    ) -> StageOutcome:
        """Solve with the current objective; report progress; stop cleanly on Ctrl-C."""
        h = self.h
        set_time_limit(h, time_limit)
        if self.n_cols == 0:
            self._solution = np.zeros(self.n_labels)
            return StageOutcome("optimal", True, 0.0, 0.0, 0.0, 0.0, "empty model")
        if self.is_mip and self._solution is not None:
            cols = np.arange(self.n_cols, dtype=np.int32)
            h.setSolution(self.n_cols, cols, self._solution[self.vlabels])
        throttle = Throttle(0.5)
        start = time.perf_counter()

        def report(event: Any) -> None:
            out = event.data_out
            unit = self._unit
            if self.is_mip:
                best = _scaled(out.mip_primal_bound, unit)
                bound = _scaled(out.mip_dual_bound, unit)
                gap = _finite(out.mip_gap)
            else:
                best = _scaled(out.objective_function_value, unit)
                bound, gap = None, None
            emit(
                progress,
                ProgressEvent("solver", phase, time.perf_counter() - start, bound, best, gap),
            )

        def on_interrupt(event: Any) -> None:
            if throttle.ready():
                report(event)

        subscriptions: list[Any] = []
        if progress is not None:
            subscriptions = [
                (h.cbMipInterrupt, on_interrupt),
                (h.cbMipImprovingSolution, report),
                (h.cbSimplexInterrupt, on_interrupt),
                (h.cbIpmInterrupt, on_interrupt),
            ]
            for cb, fn in subscriptions:
                cb.subscribe(fn)
        try:
            thread = None
            try:
                # inside the try: a Ctrl-C that lands just after the start still cancels
                thread = h.startSolve()
                done = False
                while not done:
                    done, _ = h.wait(0.1)
            except KeyboardInterrupt:
                log.info("interrupted: asking HiGHS to stop")
                h.cancelSolve()
                # HiGHS honours the request between iterations of the branch and bound, not
                # inside a MIP's root LP: give it a moment, then leave its (daemon) thread
                waited = time.perf_counter()
                while not h.wait(0.1)[0]:
                    if CANCEL_GRACE is not None and time.perf_counter() - waited > CANCEL_GRACE:
                        log.info("HiGHS is inside an LP it cannot leave: not waiting for it")
                        self.abandoned = True
                        raise
                if thread is not None:
                    thread.join(timeout=5)
                raise
            thread.join(timeout=5)
        finally:
            for cb, fn in subscriptions:
                cb.unsubscribe(fn)
        seconds = time.perf_counter() - start
        model_status = h.getModelStatus()
        status = STATUS_MAP.get(model_status, "error")
        info = h.getInfo()
        has_solution = info.primal_solution_status == FEASIBLE and status in (
            "optimal",
            "time_limit",
        )
        if status == "optimal" and model_status != _MS.kModelEmpty and not has_solution:
            status = "error"
        objective = _finite(info.objective_function_value) if has_solution else None
        if self.is_mip:
            bound = _finite(info.mip_dual_bound)
            gap = _finite(info.mip_gap) if has_solution else None
        else:
            bound = objective
            gap = 0.0 if has_solution else None
        if has_solution:
            values = np.zeros(self.n_labels)
            values[self.vlabels] = np.asarray(h.getSolution().col_value, dtype=float)
            self._solution = values
        return StageOutcome(
            status,
            has_solution,
            objective,
            bound,
            gap,
            seconds,
            h.modelStatusToString(model_status),
        )

    def values(self) -> np.ndarray | None:
        """The last feasible solution, indexed by linopy label."""
        return self._solution
