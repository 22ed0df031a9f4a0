"""The objective stages and :func:`solve_model`: solve a built model, stage by stage.

Lexicographic mode runs the stages of :func:`forceplan.model.objective.stages` on one
model: minimise shortfalls; then, with the shortfalls held at their optimum (plus the
relative allowance ``solver.stage_hold``), minimise cost. Weighted mode runs one stage.
The time limit is wall-clock seconds and covers all stages together.

With a time limit a plan exists before the first stage: the solver first solves the
first stage with every new action fixed at 0 (:data:`forceplan.model.build.ACTIONS`: the
plan without new action, the inventory as it stands), which takes moments even where the
first stage's root LP takes minutes, and the first stage starts from that plan. A limit
that ends the first stage before the solver improves on it returns that plan, status
``time_limit``, with the first stage's gap (1, i.e. 100%, while no bound is known) and a
message that says so.

What a stage's end means for the run:

* optimal -> its bound is added and the next stage runs;
* time limit with a solution -> the run stops with status ``time_limit`` and
  that solution (it honours every earlier stage's bound);
* time limit without a solution -> the previous stage's solution, status
  ``time_limit`` (in the first stage the plan without new action when there is a time
  limit and it was found, else no plan at all);
* infeasible -> status ``infeasible`` and no plan in the first stage; in a later
  stage (numerical trouble with a bound) ``error``;
* error -> status ``error``, no plan.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from forceplan.model.build import ACQUISITIONS, ACTIONS, ModelBundle, action_labels
from forceplan.model.objective import Stage, stages
from forceplan.model.terms import Terms
from forceplan.solve.highs import HighsBackend, SolveOptions, StageOutcome
from forceplan.solve.progress import Phase, ProgressCallback

log = logging.getLogger(__name__)

REL_TOL = 1e-9
"""Default relative tolerance on the bound that holds a stage's optimum (the header's
``solver.stage_hold``).

No absolute allowance: a stage that reached 0 shortfall holds it at 0 (an
absolute allowance would let the cost stage buy savings with tiny shortfalls
of many rounds or units, since slacks are normalised).
"""


FIRST_PLAN_SHARE = 0.25
"""Most share of a run's time limit spent finding the plan to start from."""

FIRST_PLANS = (
    (
        ACTIONS,
        "without new action (the inventory as it stands: no order, line output, expansion, "
        "upgrade, reserve move or retirement)",
    ),
    (
        ACQUISITIONS,
        "without new acquisitions (no order, line output, expansion or upgrade; retirements "
        "and reserve moves as a hard rule needs them)",
    ),
)
"""The plans to start from, tried in turn until one is feasible: the actions fixed at 0, and
what the plan is called in the message."""


class Backend(Protocol):
    """What the stage loop needs from a solver."""

    name: str
    version: str

    def set_objective(self, stage: Stage) -> None: ...

    def add_bound(self, stage: Stage, upper: float) -> None: ...

    def fix_zero(self, labels: np.ndarray) -> None: ...

    def run(
        self, time_limit: float | None, phase: str, progress: ProgressCallback | None
    ) -> StageOutcome: ...

    def values(self) -> np.ndarray | None: ...


@dataclass
class SolveResult:
    """The outcome of :func:`solve_model`.

    Attributes
    ----------
    status
        ``optimal``, ``time_limit``, ``infeasible`` or ``error``.
    values
        Solution indexed by linopy variable label (``None``: no plan).
    gap
        Relative MIP gap of the last stage run (0 for LPs and proven optima).
    message
        One line for humans.
    stages
        (stage name, outcome) of every stage run.
    solver
        ``{"name": ..., "version": ...}``.
    seconds
        Wall time of all stages.
    first_plan
        The run that found the plan to start from (runs with a time limit only; ``None``
        otherwise), and ``first_plan_words`` what that plan is ("without new action ...",
        see :data:`FIRST_PLANS`).
    """

    status: str
    values: np.ndarray | None
    gap: float | None
    message: str
    stages: list[tuple[str, StageOutcome]] = field(default_factory=list)
    solver: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    first_plan: StageOutcome | None = None
    first_plan_words: str = ""

    @property
    def has_plan(self) -> bool:
        """Whether a solution exists."""
        return self.values is not None


def make_backend(bundle: ModelBundle, options: SolveOptions) -> Backend:
    """HiGHS through highspy (default) or the generic linopy path."""
    if options.solver == "highs" and options.direct:
        return HighsBackend(bundle, options)
    from forceplan.solve.generic import LinopyBackend

    return LinopyBackend(bundle, options)


def _record_bound(bundle: ModelBundle, stage: Stage, upper: float) -> None:
    """Keep the linopy model in step: add the stage bound as ``objective-bound_<stage>``."""
    m = bundle.model
    expr = Terms().extend(stage.terms, 1.0 / stage.scale).expression(m)
    m.add_constraints(expr <= upper, name=f"objective-bound_{stage.name}")


def _hold(
    bundle: ModelBundle,
    backend: Backend,
    stage: Stage,
    values: np.ndarray,
    rel_tol: float = REL_TOL,
) -> None:
    """Hold a stage's optimum in the later stages.

    A stage that reached 0 with only non-negative variables and positive
    coefficients (no shortfall at all) fixes those variables at 0: sparse, and
    presolve removes them. Otherwise one bound row is added.
    """
    _, labels, coeffs = stage.terms.arrays()
    if not len(labels):
        return  # nothing to hold (e.g. no requirement at all)
    achieved = float(stage.terms.evaluate(values).sum()) / stage.scale
    lower = _lower_bounds(bundle, labels)
    if achieved <= 0 and len(coeffs) and (coeffs > 0).all() and (lower >= 0).all():
        _record_bound(bundle, stage, 0.0)
        backend.fix_zero(labels)
        return
    upper = achieved + rel_tol * abs(achieved)
    _record_bound(bundle, stage, upper)
    backend.add_bound(stage, upper)


def _lower_bounds(bundle: ModelBundle, labels: np.ndarray) -> np.ndarray:
    """Lower bounds of the variables with *labels*."""
    m = bundle.model
    lower = np.full(len(m.variables.label_index.label_to_pos), -np.inf)
    for _, var in m.variables.items():
        lab = np.asarray(var.labels.values)
        present = lab >= 0
        lower[lab[present]] = np.broadcast_to(np.asarray(var.lower.values), lab.shape)[present]
    return lower[labels]


def run_stages(
    bundle: ModelBundle,
    backend: Backend,
    stage_list: list[Stage],
    time_limit: float | None,
    progress: ProgressCallback | None = None,
    stage_hold: float = REL_TOL,
) -> SolveResult:
    """Run *stage_list* on *backend* (see the module docstring for what each end means).

    *time_limit* is wall-clock seconds for all stages; *stage_hold* the relative allowance
    on each bound that holds an earlier stage's optimum."""
    start = time.perf_counter()
    ran: list[tuple[str, StageOutcome]] = []
    solver = {"name": backend.name, "version": backend.version}
    first: StageOutcome | None = None
    first_words = ""  # what the plan to start from is, for the message

    def result(status: str, values: np.ndarray | None, gap: float | None, msg: str) -> SolveResult:
        return SolveResult(
            status, values, gap, msg, ran, solver, time.perf_counter() - start, first, first_words
        )

    # with a time limit, a plan exists before the first stage: the plan without new action
    # (moments to find), which the first stage starts from and improves on
    starter = getattr(backend, "first_plan", None)
    if time_limit is not None and stage_list and starter is not None:
        backend.set_objective(stage_list[0])
        cap = FIRST_PLAN_SHARE * time_limit
        with Phase("solve:first_plan", progress):
            for fixed_names, words in FIRST_PLANS:
                left = cap - (time.perf_counter() - start)
                if left <= 0:
                    break
                first = starter(action_labels(bundle, fixed_names), left, progress)
                log.info("%s: %s in %.2fs", words, first.status, first.seconds)
                if first.has_solution:
                    first_words = words
                    break
                first = None

    last_gap: float | None = None
    for i, stage in enumerate(stage_list):
        remaining = None if time_limit is None else time_limit - (time.perf_counter() - start)
        if i > 0 and remaining is not None and remaining <= 0:
            return result(
                "time_limit",
                backend.values(),
                last_gap,
                f"time limit reached before stage '{stage.name}'; the plan optimises the stages "
                f"before it ({', '.join(n for n, _ in ran)})",
            )
        backend.set_objective(stage)
        phase = f"solve:{stage.name}"
        with Phase(phase, progress):
            out = backend.run(None if remaining is None else max(remaining, 0.0), phase, progress)
        ran.append((stage.name, out))
        log.info("stage %s: %s in %.2fs (%s)", stage.name, out.status, out.seconds, out.message)
        if out.status == "optimal":
            last_gap = out.gap
            values = backend.values()
            if i < len(stage_list) - 1 and values is not None:
                _hold(bundle, backend, stage, values, stage_hold)
            continue
        if out.status == "time_limit":
            if i == 0 and first is not None and not _improved(out, first):
                gap = out.gap if out.has_solution else first.gap
                gap = 1.0 if gap is None else gap  # no bound known yet
                return result(
                    "time_limit",
                    backend.values(),
                    gap,
                    f"time limit reached in stage '{stage.name}' before the solver improved on "
                    f"a plan {first_words}: that plan, gap {_gap_text(gap)}",
                )
            if out.has_solution:
                return result(
                    "time_limit",
                    backend.values(),
                    out.gap,
                    f"time limit reached in stage '{stage.name}': best plan found, gap "
                    f"{_gap_text(out.gap)}",
                )
            if i == 0:
                return result(
                    "time_limit",
                    None,
                    None,
                    f"time limit reached in stage '{stage.name}' before any plan was found",
                )
            return result(
                "time_limit",
                backend.values(),
                last_gap,
                f"time limit reached in stage '{stage.name}' before it improved on the plan of "
                f"stage '{ran[-2][0]}'",
            )
        if out.status == "infeasible" and i == 0:
            return result(
                "infeasible",
                None,
                None,
                f"the hard constraints cannot all hold (contradictory data): {out.message}",
            )
        return result(
            "error",
            None,
            None,
            f"the solver failed in stage '{stage.name}': {out.message}",
        )
    names = ", ".join(n for n, _ in ran)
    return result("optimal", backend.values(), last_gap, f"optimal ({names})")


def _improved(out: StageOutcome, first: StageOutcome) -> bool:
    """Whether a run ended with a better solution than the plan without new action."""
    if not out.has_solution or out.objective is None or first.objective is None:
        return False
    return out.objective < first.objective - 1e-9 * max(1.0, abs(first.objective))


def _gap_text(gap: float | None) -> str:
    return "unknown" if gap is None else f"{100 * gap:.2f}%"


def solve_model(
    bundle: ModelBundle,
    options: SolveOptions | None = None,
    progress: ProgressCallback | None = None,
) -> SolveResult:
    """Solve a built model: every stage of the objective mode, within the time limit.

    Parameters
    ----------
    bundle
        From :func:`forceplan.model.build_model`.
    options
        Solver options (default: :class:`SolveOptions` defaults).
    progress
        Receives phase events per stage (``solve:<stage>``) and live solver reports.

    Returns
    -------
    SolveResult

    Raises
    ------
    SolveError
        When the chosen solver is not installed.
    KeyboardInterrupt
        On Ctrl-C, after the solver has stopped.
    """
    options = options or SolveOptions()
    backend = make_backend(bundle, options)
    return run_stages(
        bundle,
        backend,
        stages(bundle, options.mode),
        options.time_limit,
        progress,
        options.stage_hold,
    )
