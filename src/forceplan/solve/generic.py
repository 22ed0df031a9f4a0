"""Any solver linopy drives (Gurobi, CPLEX, SCIP, ...), through ``linopy.Model.solve``.

Each stage sets the linopy objective, adds the previous stage's bound as a
linopy constraint and calls ``solve`` again (linopy hands the model over anew).
The time limit, gap and threads are translated for the solvers listed in
:data:`OPTION_NAMES`; other solvers get no options (a warning says so). Through
this path a run stopped by its time limit yields no plan (linopy does not
return incumbents of unfinished runs).
"""

from __future__ import annotations

import logging
import time
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import linopy
import numpy as np

from forceplan.exceptions import SolveError
from forceplan.model.build import ModelBundle
from forceplan.model.objective import Stage
from forceplan.model.terms import Terms
from forceplan.solve.highs import SolveOptions, StageOutcome
from forceplan.solve.progress import ProgressCallback

log = logging.getLogger(__name__)

OPTION_NAMES: dict[str, dict[str, str]] = {
    "highs": {"time_limit": "time_limit", "gap": "mip_rel_gap"},
    "gurobi": {"time_limit": "TimeLimit", "gap": "MIPGap", "threads": "Threads"},
    "cplex": {"time_limit": "timelimit", "gap": "mip.tolerances.mipgap", "threads": "threads"},
    "copt": {"time_limit": "TimeLimit", "gap": "RelGap", "threads": "Threads"},
    "scip": {"time_limit": "limits/time", "gap": "limits/gap", "threads": "parallel/maxnthreads"},
    "cbc": {"time_limit": "sec", "gap": "ratioGap", "threads": "threads"},
    "xpress": {"time_limit": "maxtime", "gap": "miprelstop", "threads": "threads"},
    "mosek": {"time_limit": "MSK_DPAR_OPTIMIZER_MAX_TIME", "gap": "MSK_DPAR_MIO_TOL_REL_GAP"},
}
"""Per solver, the names of its time-limit, gap and threads options."""

DIRECT = {"highs", "gurobi", "xpress", "mosek", "copt", "mindopt", "cplex"}
"""Solvers linopy can hand the model to without writing a file."""

CONDITIONS = {
    "optimal": "optimal",
    "time_limit": "time_limit",
    "iteration_limit": "time_limit",
    "terminated_by_limit": "time_limit",
    "user_interrupt": "time_limit",
    "infeasible": "infeasible",
    "infeasible_or_unbounded": "infeasible",
}
"""linopy termination condition -> forceplan status (anything else is ``error``)."""


def check_available(solver: str) -> None:
    """Raise :class:`SolveError` when linopy cannot drive *solver*."""
    if solver not in linopy.available_solvers:
        raise SolveError(
            f"solver '{solver}' is not installed (available: "
            f"{', '.join(linopy.available_solvers) or 'none'}). Fix: install it, or choose one "
            "of the available solvers with --solver / solver.name in scenario.yaml."
        )


class LinopyBackend:
    """Stages through ``linopy.Model.solve`` (see the module docstring)."""

    def __init__(self, bundle: ModelBundle, options: SolveOptions) -> None:
        check_available(options.solver)
        self.bundle = bundle
        self.options = options
        self.name = options.solver
        try:
            self.version = version(_DIST.get(options.solver, options.solver))
        except PackageNotFoundError:
            self.version = "unknown"
        self.n_labels = len(bundle.model.variables.label_index.label_to_pos)
        self._solution: np.ndarray | None = None

    def set_objective(self, stage: Stage) -> None:
        """Give the linopy model the stage's objective."""
        expr = Terms().extend(stage.terms, 1.0 / stage.scale).expression(self.bundle.model)
        self.bundle.model.add_objective(expr, overwrite=True)

    def add_bound(self, stage: Stage, upper: float) -> None:
        """Nothing to do beyond the linopy constraint the stage loop adds."""

    def fix_zero(self, labels: np.ndarray) -> None:
        """Nothing to do beyond the linopy constraint the stage loop adds."""

    def _solver_options(self, time_limit: float | None) -> dict[str, Any]:
        names = OPTION_NAMES.get(self.name)
        if names is None:
            log.warning(
                "no option names known for solver %s: time limit and gap not set", self.name
            )
            return {}
        out: dict[str, Any] = {"gap": self.options.gap}
        if time_limit is not None:
            out["time_limit"] = max(float(time_limit), 0.01)
        if self.options.threads is not None:
            out["threads"] = int(self.options.threads)
        return {names[k]: v for k, v in out.items() if k in names}

    def run(
        self, time_limit: float | None, phase: str, progress: ProgressCallback | None
    ) -> StageOutcome:
        """Solve through linopy; no live progress on this path."""
        m = self.bundle.model
        start = time.perf_counter()
        io_api = "direct" if self.name in DIRECT else None
        kwargs = self._solver_options(time_limit)
        if self.name == "highs":
            kwargs["output_flag"] = False
            kwargs["presolve"] = str(self.options.presolve)
            kwargs["presolve_rule_off"] = int(self.options.presolve_rule_off)
        try:
            m.solve(solver_name=self.name, io_api=io_api, progress=False, **kwargs)
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # solver failure: report, do not crash the caller
            log.exception("solver %s failed", self.name)
            return StageOutcome(
                "error", False, None, None, None, time.perf_counter() - start, str(exc)
            )
        seconds = time.perf_counter() - start
        condition = str(m.termination_condition)
        status = CONDITIONS.get(condition, "error")
        has_solution = m.status == "ok" and status in ("optimal", "time_limit")
        objective = None
        if has_solution:
            values = np.zeros(self.n_labels)
            for _, var in m.variables.items():
                labels = np.asarray(var.labels.values)
                present = labels >= 0
                values[labels[present]] = np.nan_to_num(np.asarray(var.solution.values)[present])
            self._solution = values
            objective = float(m.objective.value) if m.objective.value is not None else None
        gap = 0.0 if has_solution and status == "optimal" else None
        return StageOutcome(status, has_solution, objective, objective, gap, seconds, condition)

    def values(self) -> np.ndarray | None:
        """The last solution, indexed by linopy label."""
        return self._solution


_DIST = {"highs": "highspy", "cplex": "cplex", "gurobi": "gurobipy", "scip": "pyscipopt"}
