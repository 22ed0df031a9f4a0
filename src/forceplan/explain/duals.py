"""Shadow prices: what one more unit of a budget, line, donation, pipeline or floor is worth.

A MILP has no duals, so the plan's integer decisions (line expansions, types in
service) are fixed at their plan values and the rest is re-solved as an LP,
stage by stage in the plan's objective mode (lexicographic: shortfalls, then
the interoperability trajectory with the shortfalls held, then cost with both
held; weighted: one stage).

Each constraint is priced by the change of a stage's goal when its right-hand
side grows by one **step** (one unit; 10 for a budget, as in "each extra 10 M";
0.01 of target for an interoperability target), and reported in the **first
stage where that step changes the goal**, i.e. the most important goal it
moves: a budget that limits shortfalls is priced in shortfalls avoided, one
that only limits interoperability in interoperable capability points, one that
only shifts spending in money saved. The change is the LP dual where HiGHS's
ranging shows the dual holds over the whole step; otherwise (a degenerate
vertex, whose dual is one-sided and can overstate one more unit by orders of
magnitude, or a floor) it is measured by re-solving with the bound moved, from
the optimal basis (a few milliseconds each). A resource whose dual is zero
gains nothing from more (the optimal value is convex and non-increasing in its
limit), so it needs no re-solve. A change smaller than :data:`SIGNIFICANCE`
of the stage goal's size is solver noise and not reported.

The value is always stated as an improvement of the goal per unit more (so a
resource that binds is worth a positive amount and a floor that binds costs a
negative one):

=================  ==================================================  ===============
stage              goal                                                unit
=================  ==================================================  ===============
shortfall          normalised shortfalls avoided (1 = one period's      requirement-periods
                   whole requirement); the sentence names the gaps
                   moved in their own units (below)
interoperability   interoperable capability points gained (score x      points
                   combat value x stock, summed over the periods)
cost               money saved                                          the currency
weighted           weighted objective improved                          objective units
=================  ==================================================  ===============

Reported families: ``budget-limit`` (per USD million), ``line-capacity`` (per
item unit of capacity in the period), ``line-expand`` (per expansion, reported
once per line for the period where one more expansion would help most, only
when it helps; when the line has used all its ``max_expansions`` this is what
one more allowed expansion would be worth: its limit moves with it),
``supply-limit`` (donation limits and market offers, per item unit),
``upgrade-capacity``, ``training-capacity`` (per crew), ``capability-floor``
(per point of floor), ``interop-target`` (per index point, i.e. 0.01 of target,
taken as 0.01 x the capability in service on the row's right-hand side) and
``donor-minimum`` (per item unit).

Probes (re-solves of degenerate candidates) are ranked by the one-sided dual
and capped at the header's ``solver.max_probes`` per stage (those beyond are
left to the later stages). Each starts from the optimal basis of the probe before it (one
bound moved back, one moved: the basis stays dual feasible), and from the stage optimum's
after one that did not end optimal; a figure is an LP optimum and does not depend on the
basis it starts from (on the notional plan: the same rows, duals within 1e-6, one sentence
differing in its third digit, against restarting every probe from the stage optimum, which
refactorised the basis each time and made pricing 4 times as slow on the 2x generated
scenario, 44 s against 11 s). One re-solve may take at
most ``solver.probe_iterations`` simplex iterations and
``solver.probe_time_limit`` seconds (HiGHS's dual simplex can stall at these
LPs' tight tolerances without counting iterations); one that reaches either is
not measured: left to the later stages, or, as a verification, not verified.

**Verification.** Every reported figure is the measured effect of moving its
limit by its step and re-solving: a probe is that re-solve; a dual that
ranging shows exact gets one (``verified``, ``replanned_effect`` in
``plan/binding.csv``, and the text states the measured effect). A candidate
that also moved an earlier stage's goal (by less than its significance) is
suspect: re-solving only its own stage lets HiGHS trade that sliver of the
earlier goal for much of this one (the notional "one more PRC-152 of capacity
saves 305 USD million", which a re-plan shows to be +0.4). Such a candidate
is re-planned through every stage so far, each held at its new optimum, up to
``solver.verify_top`` per stage (largest first); the rest, and any verified
figure that does not hold (no gain, or the other sign), are left out. The
rows are ranked within each stage, in its own unit, never across stages.
:mod:`forceplan.explain.replan` checks figures by full re-plans of the MILP
(``forceplan explain RUNDIR --replan N``).

**Shortfall-stage sentences in the planner's units.** In the shortfall stage the
re-solve that verifies a figure also records which shortfall slacks it moved and
by how much (those above :data:`MOVE_TOLERANCE` of their value): the sentence says
what one step buys in their own units (the notional "the us-pac-3-mse line ... is
at capacity in 2026: one more missile of capacity closes 0.75 missiles of the 2027
5V55 (S-300PS/PT) interceptor war-reserve gap and 1 missile of the 2026 PAC-3 MSE
interceptor war-reserve gap but opens 0.25 missiles of the 2027 PAC-3 MSE
interceptor war-reserve gap"), gaps that close first, each group by its share of
its requirement, at most :data:`MOVES_SHOWN` named ("and N more gaps"), then the
stage figure in all ("(0.0283% of one period's requirement in all)", the
``replanned_effect``: the gaps' changes divided by their requirements, summed).
The units: points of a role's capability floor, vehicles of a role's formation
slots, the munition's unit for ammunition and war reserves, the item's unit for a
donor minimum or home-capacity target, capability points for the
interoperability trajectory, the currency for the home-industry share and
unfunded operating cost. An unverified figure keeps the abstract words.

The stage bounds that hold an earlier optimum are scaled to O(1) and the LPs
run with feasibility tolerances of 1e-9, so that HiGHS cannot buy much of a
later goal with a sliver of an earlier one inside its tolerances.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import highspy
import linopy
import numpy as np
import pandas as pd

from forceplan.domain.scenario import Scenario
from forceplan.exceptions import SolveError, SolveTimeLimit
from forceplan.model.build import ModelBundle, build_model
from forceplan.model.objective import stages
from forceplan.model.terms import labels_of
from forceplan.results.contract import EXPLAIN_TABLES
from forceplan.solve.highs import set_time_limit
from forceplan.solve.matrix_model import HighsModel

log = logging.getLogger(__name__)

BINDING_COLUMNS = EXPLAIN_TABLES["binding"]
"""Leading columns of ``plan/binding.csv``."""

EXTRA_COLUMNS = ("verified", "replanned_effect", "stage", "period", "goal")
"""Columns of ``plan/binding.csv`` after the contractual ones."""

DUAL_TOLERANCE = 1e-7
"""Duals (per unit, in the stage's goal) smaller than this in magnitude count as zero."""

SIGNIFICANCE = 1e-6
"""A step's gain counts only above this share of the stage goal's size (solver resolution)."""

FEASIBILITY_TOLERANCE = 1e-9
"""HiGHS primal and dual feasibility tolerances of the pricing LPs (default 1e-7)."""

PRIMAL_SIMPLEX = 4
DUAL_SIMPLEX = 1
"""HiGHS ``simplex_strategy`` values. A re-solve that changes the objective (the next stage, a
verification's re-plan, a remedy) keeps its basis primal feasible and runs the primal simplex;
a probe moves one bound, keeps the basis dual feasible and runs the dual simplex, and so does
the first stage, solved from scratch (the probes from the primal simplex's optimal vertex took
4 times as long). On the notional plan pricing takes 9.8 s against 17 s with the dual simplex
throughout (the later stages 8.2 s -> 1.1 s in all, four verifications 6.5 s -> 0.4 s)."""

STAGE_TOLERANCE = 1e-9
"""Relative allowance on the bound that holds an earlier stage's optimum."""

MOVE_TOLERANCE = 1e-7
"""A shortfall slack counts as moved by a step above this (relative to max(1, its value))."""

REPORTED = (
    "budget-limit",
    "line-capacity",
    "supply-limit",
    "upgrade-capacity",
    "training-capacity",
    "capability-floor",
    "interop-target",
    "donor-minimum",
)
"""Constraint families whose duals are reported."""

DECISIONS = ("line-expand",)
"""Fixed integer decisions whose reduced costs are reported (when they help above cost)."""

STAGE_ORDER = {"shortfall": 0, "interoperability": 1, "cost": 2, "weighted": 0}

STEPS = {"budget-limit": 10.0}
"""Step of the right-hand side a value is measured over (default 1 unit): "each extra 10 M"."""


def integer_values_from_model(bundle: ModelBundle, solved: linopy.Model) -> dict[str, np.ndarray]:
    """Values of *bundle*'s integer and binary variables taken from a solved model.

    *solved* is the planner's model (``plan.model``) whose variables carry their
    solution; variables are matched by name and shape.
    """
    out: dict[str, np.ndarray] = {}
    for name in [*bundle.model.integers, *bundle.model.binaries]:
        if name not in solved.variables:
            continue
        var = solved.variables[name]
        sol = getattr(var, "solution", None)
        if sol is None:
            continue
        arr = np.nan_to_num(np.asarray(sol.values, dtype=float))
        if arr.shape == bundle.model.variables[name].labels.shape:
            out[name] = np.round(arr)
    return out


def integer_values_from_tables(
    bundle: ModelBundle, tables: dict[str, pd.DataFrame]
) -> dict[str, np.ndarray]:
    """Values of the integer decisions rebuilt from plan tables (a run folder).

    ``line-expand`` comes from ``lines.csv`` (``expansions_ordered``);
    ``diversity-in_service`` is 1 where ``stock.csv`` holds units of the type.
    """
    d = bundle.data
    out: dict[str, np.ndarray] = {}
    names = [*bundle.model.integers, *bundle.model.binaries]
    if "line-expand" in names and "lines" in tables:
        lines = tables["lines"]
        out["line-expand"] = (
            lines.pivot_table(
                index="line", columns="period", values="expansions_ordered", aggfunc="sum"
            )
            .reindex(index=d.lines, columns=d.periods)
            .fillna(0.0)
            .round()
            .to_numpy(dtype=float)
        )
    if "diversity-in_service" in names and "stock" in tables:
        stock = tables["stock"]
        qty = (
            stock.pivot_table(index="equipment", columns="period", values="quantity", aggfunc="sum")
            .reindex(index=d.equipment, columns=d.periods)
            .fillna(0.0)
            .to_numpy(dtype=float)
        )
        out["diversity-in_service"] = (qty > 1e-6).astype(float)
    missing = [n for n in names if n not in out]
    if missing:
        log.warning("no plan values for integer variables %s: they stay relaxed", missing)
    return out


def _fix_integers(hm: HighsModel, bundle: ModelBundle, fixed: dict[str, np.ndarray]) -> None:
    for name, values in fixed.items():
        if name not in bundle.model.variables:
            continue
        labels = labels_of(bundle.model.variables[name])
        present = labels >= 0
        hm.fix(labels[present], np.asarray(values, dtype=float)[present])


def _candidates(bundle: ModelBundle, hm: HighsModel) -> pd.DataFrame:
    """Every row of the reported families and every fixed decision, with its HiGHS position."""
    m = bundle.model
    frames = []
    for name in REPORTED:
        if name in m.constraints:
            rows = _rows_of(bundle, name).assign(name=name, kind="row")
            rows["pos"] = hm.row_of[rows["label"].to_numpy()]
            frames.append(rows)
    for name in DECISIONS:
        if name in m.variables:
            cols = _rows_of(bundle, name, "variable").assign(name=name, kind="col")
            cols["pos"] = hm.col_of[cols["label"].to_numpy()]
            # one more expansion is only possible with one more allowed: its limit moves too
            limit = "line-max_expansions"
            if name == "line-expand" and limit in m.constraints:
                limit_labels = np.asarray(m.constraints[limit].labels.values)
                lab = pd.Series(limit_labels, index=bundle.data.lines)
                rows_of_limit = cols["line"].map(lab).fillna(-1).to_numpy(dtype=np.int64)
                cols["companion"] = np.where(
                    rows_of_limit >= 0, hm.row_of[np.maximum(rows_of_limit, 0)], -1
                )
            frames.append(cols)
    if not frames:
        return pd.DataFrame(columns=["label", "name", "kind", "pos", "step", "companion"])
    out = pd.concat(frames, ignore_index=True)
    out = out[out["pos"] >= 0].reset_index(drop=True)
    if "companion" not in out:
        out["companion"] = -1
    out["companion"] = out["companion"].fillna(-1).astype(np.int64)
    out["step"] = out["name"].map(STEPS).fillna(1.0).astype(float)
    return out


_NO_LIMIT = 2**31 - 1  # HiGHS's kHighsIInf


@contextlib.contextmanager
def _iteration_limit(
    hm: HighsModel, iterations: int | None, seconds: float | None = None
) -> Iterator[None]:
    """Bound the simplex iterations (and, as a safety net, the seconds) of the re-solves inside."""
    if iterations is not None:
        hm.h.setOptionValue("simplex_iteration_limit", int(iterations))
    if seconds is not None:
        set_time_limit(hm.h, seconds)
    try:
        yield
    finally:
        hm.h.setOptionValue("simplex_iteration_limit", _NO_LIMIT)
        set_time_limit(hm.h, None)


@dataclass
class _Reprobe:
    """One stage's candidates, re-solved one at a time: the first from the stage optimum's
    basis, each next from the basis the one before ended on while it ended optimal.

    ``reprobe(k)`` moves candidate *k*'s bound (row or column at ``pos[k]``, with its
    companion row) by ``step[k]`` and returns :func:`_probe`'s change of the stage
    objective and the watched slack values it saw."""

    hm: HighsModel
    basis: Any
    pos: np.ndarray
    is_row: np.ndarray
    bounds: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # rows lo/up, cols lo/up
    step: np.ndarray
    base: float
    companion: np.ndarray
    iterations: int | None
    seconds: float | None
    watch: np.ndarray | None

    clean: bool = False  # whether the last re-solve ended optimal (its basis is a good start)

    def __call__(self, k: int) -> tuple[float | None, list[np.ndarray]]:
        if not self.clean:
            self.hm.h.setBasis(self.basis)
        p = int(self.pos[k])
        row_lower, row_upper, col_lower, col_upper = self.bounds
        row = bool(self.is_row[k])
        lo, up = (row_lower[p], row_upper[p]) if row else (col_lower[p], col_upper[p])
        seen: list[np.ndarray] = []
        delta = _probe(
            self.hm,
            "row" if row else "col",
            p,
            lo,
            up,
            float(self.step[k]),
            self.base,
            int(self.companion[k]),
            self.iterations,
            self.seconds,
            self.watch,
            seen,
        )
        self.clean = delta is not None and bool(np.isfinite(delta))
        return delta, seen


def _probe(
    hm: HighsModel,
    kind: str,
    pos: int,
    lower: float,
    upper: float,
    step: float,
    base: float,
    companion: int = -1,
    iterations: int | None = None,
    seconds: float | None = None,
    watch: np.ndarray | None = None,
    seen: list[np.ndarray] | None = None,
) -> float | None:
    """Change of the stage objective (solver units) when a bound moves up by *step*.

    NaN when the LP becomes infeasible (the step would cost an earlier stage's goal);
    ``None`` when the re-solve reached its *iterations* (simplex) or *seconds* limit, or
    HiGHS could not tell (status unknown): not measured. With *watch* (HiGHS columns) and
    *seen*, the values of those columns in an optimal re-solve are appended to *seen*.
    """
    h = hm.h
    if companion >= 0:  # a limit row that must move with the bound (upper side)
        lp = h.getLp()
        c_lo, c_up = float(lp.row_lower_[companion]), float(lp.row_upper_[companion])
        h.changeRowBounds(companion, c_lo, c_up + step)
    if kind == "row":
        if np.isfinite(upper):
            h.changeRowBounds(pos, lower, upper + step)
        else:
            h.changeRowBounds(pos, lower + step, upper)
    else:
        h.changeColsBounds(1, np.array([pos], dtype=np.int32), [lower + step], [upper + step])
    with _iteration_limit(hm, iterations, seconds):
        h.run()
    model_status = h.getModelStatus()
    delta: float | None = None  # a limit reached, or HiGHS unsure: not measured
    if model_status == highspy.HighsModelStatus.kOptimal:
        delta = float(h.getInfo().objective_function_value) - base
        if watch is not None and seen is not None:
            seen.append(np.asarray(h.getSolution().col_value, dtype=float)[watch])
    elif model_status == highspy.HighsModelStatus.kInfeasible:
        delta = np.nan
    if kind == "row":
        h.changeRowBounds(pos, lower, upper)
    else:
        h.changeColsBounds(1, np.array([pos], dtype=np.int32), [lower], [upper])
    if companion >= 0:
        h.changeRowBounds(companion, c_lo, c_up)
    return delta


def pricing_time_limit(scenario: Scenario, run_limit: float | None = None) -> float:
    """Seconds one pricing stage LP may take: the header's ``solver.pricing_time_limit``, at
    most the run's time limit *run_limit*."""
    limit = float(scenario.header.solver.pricing_time_limit)
    return limit if run_limit is None else min(limit, float(run_limit))


def price(
    bundle: ModelBundle,
    fixed: dict[str, np.ndarray],
    mode: str | None = None,
    time_limit: float | None = None,
) -> pd.DataFrame:
    """Re-solve the LP with the integer decisions fixed, stage by stage, and price every candidate.

    Each candidate (a row of a reported family, or a fixed decision) is priced
    in the first stage where one more step of its right-hand side (1 unit;
    10 for budgets; 0.01 of target for interoperability targets) changes the
    stage's goal. The value is the LP dual where HiGHS's ranging shows the
    dual holds over the whole step, and otherwise the change measured by
    re-solving with the bound moved (degenerate vertices have one-sided duals
    that can overstate one more unit by orders of magnitude).

    Parameters
    ----------
    bundle
        A freshly built model (:func:`forceplan.model.build_model`), not yet solved.
    fixed
        Integer variable name -> its plan values (shape of the variable).
    mode
        ``lexicographic`` or ``weighted`` (default: the scenario header's).
    time_limit
        Seconds per stage (default: the header's ``solver.pricing_time_limit``).

    Returns
    -------
    pandas.DataFrame
        One row per priced candidate: ``name``, ``kind``, ``label``, its
        coordinates, ``stage`` and ``value`` (improvement of the stage's goal per
        unit more of the right-hand side, in the goal's units).
    """
    mode = mode or bundle.scenario.header.objective.mode
    hm = HighsModel(bundle.model, relax=True)
    for option in ("primal_feasibility_tolerance", "dual_feasibility_tolerance"):
        hm.h.setOptionValue(option, FEASIBILITY_TOLERANCE)
    _fix_integers(hm, bundle, fixed)
    cand = _candidates(bundle, hm)
    n = len(cand)
    value = np.full(n, np.nan)
    stage_of = np.full(n, "", dtype=object)
    undecided = np.ones(n, dtype=bool)
    is_row = (cand["kind"] == "row").to_numpy()
    pos = cand["pos"].to_numpy(dtype=np.int64)
    companion = cand["companion"].to_numpy(dtype=np.int64)
    cap = bundle.flows.get("force_capability")
    target_rows = (cand["name"] == "interop-target").to_numpy()
    stage_list = stages(bundle, mode)
    settings = bundle.scenario.header.solver
    max_probes, verify_top = int(settings.max_probes), int(settings.verify_top)
    iterations = int(settings.probe_iterations)
    seconds = float(settings.probe_time_limit)
    if time_limit is None:
        time_limit = pricing_time_limit(bundle.scenario)
    unmeasured = 0
    holds: list[tuple[int, float]] = []
    ran: list[tuple[Any, np.ndarray, np.ndarray, float, float]] = []
    step_of: list[np.ndarray] = []
    dual = np.zeros(0)
    verified = np.zeros(n, dtype=bool)
    effect = np.full(n, np.nan)
    moved = np.zeros(n, dtype=bool)
    # the shortfall slacks, watched in the shortfall stage's re-solves: which gaps a step moves
    slack_labels = _slack_labels(bundle)
    slack_cols = hm.col_of[slack_labels] if len(slack_labels) else np.zeros(0, np.int64)
    slack_labels, slack_cols = slack_labels[slack_cols >= 0], slack_cols[slack_cols >= 0]
    slack_moves: list[tuple[np.ndarray, np.ndarray] | None] = [None] * n
    for i, stage in enumerate(stage_list):
        _, labels, coeffs = stage.terms.arrays()
        hm.set_objective(labels, coeffs / stage.scale)
        # the first stage from scratch by the dual simplex (its probes from the primal's optimal
        # vertex took 4x as long); later stages change the objective: primal
        hm.h.setOptionValue("simplex_strategy", DUAL_SIMPLEX if i == 0 else PRIMAL_SIMPLEX)
        status, has = hm.run(time_limit)
        if status != "optimal" or not has:
            log.warning("dual re-solve stage %s: %s", stage.name, hm.status_text())
            if i == 0 and status == "time_limit":
                raise SolveTimeLimit(
                    f"the LP with the plan's integer decisions fixed could not be solved "
                    f"within solver.pricing_time_limit ({time_limit:g} s, at most the run's "
                    "--time-limit). Fix: raise it in the scenario header, then run "
                    "`forceplan explain RUNDIR`.",
                    time_limit,
                )
            if i == 0:
                raise SolveError(
                    f"the LP with the plan's integer decisions fixed could not be solved "
                    f"({hm.status_text()}). Fix: re-plan the scenario; if it persists, report it."
                )
            break
        base = hm.objective_value()
        values = hm.values()
        assert values is not None
        step = cand["step"].to_numpy(dtype=float).copy()
        if target_rows.any() and cap is not None:
            in_service = pd.Series(cap.evaluate(values), index=bundle.data.periods)
            step[target_rows] = 0.01 * cand.loc[target_rows, "period"].map(in_service).to_numpy(
                dtype=float
            )
        stage_value = np.zeros(n)
        probe = np.zeros(n, dtype=bool)
        basis = hm.h.getBasis()
        lp = hm.h.getLp()
        sol = hm.h.getSolution()
        watch = slack_cols if stage.name == "shortfall" and len(slack_cols) else None
        base_slacks = np.asarray(sol.col_value, dtype=float)[slack_cols]

        if is_row.any():
            r = pos[is_row]
            lower = np.asarray(lp.row_lower_, dtype=float)[r]
            upper = np.asarray(lp.row_upper_, dtype=float)[r]
            activity = np.asarray(sol.row_value, dtype=float)[r]
            dual = np.asarray(sol.row_dual, dtype=float)[r]
            _, ranging = hm.h.getRanging()
            reach = np.asarray(ranging.row_bound_up.value_, dtype=float)[r]
            st = step[is_row]
            is_limit = np.isfinite(upper)  # a <= row (a resource); else a >= row (a requirement)
            with np.errstate(invalid="ignore"):  # inf - inf on the side a row does not have
                slack = np.where(is_limit, upper - activity, activity - lower)
                span_ok = is_limit & (np.nan_to_num(reach - upper, nan=0.0) >= st - 1e-9)
            active = slack < st - 1e-9
            # a resource whose dual is 0 gains nothing from more: the optimal value is convex and
            # non-increasing in its limit, so a zero subgradient means a zero right derivative
            no_gain = is_limit & (np.abs(dual) * stage.scale <= DUAL_TOLERANCE)
            exact = ~active | span_ok | no_gain
            stage_value[is_row] = np.where(active & span_ok, -dual * stage.scale, 0.0)
            probe[is_row] = ~exact & (st > 0)
        probe[~is_row] = step[~is_row] > 0
        probe &= undecided
        col_lower = np.asarray(lp.col_lower_, dtype=float)
        col_upper = np.asarray(lp.col_upper_, dtype=float)
        row_lower = np.asarray(lp.row_lower_, dtype=float)
        row_upper = np.asarray(lp.row_upper_, dtype=float)
        # probes ranked by the one-sided dual (an upper estimate of the step's gain), ties by
        # label, capped; each starts from the basis the one before it ended on (_Reprobe)
        order = np.flatnonzero(probe)
        estimate = np.zeros(n)
        if is_row.any():
            estimate[is_row] = np.abs(dual)
        order = order[np.lexsort((cand["label"].to_numpy()[order], -estimate[order]))]
        skipped = order[max_probes:]
        order = order[:max_probes]
        reprobe = _Reprobe(
            hm, basis, pos, is_row, (row_lower, row_upper, col_lower, col_upper), step, base,
            companion, iterations, seconds, watch,
        )  # fmt: skip
        hm.h.setOptionValue("simplex_strategy", DUAL_SIMPLEX)  # one bound moved per probe
        for k in order:  # one warm-started LP per degenerate candidate
            delta, seen = reprobe(int(k))
            if delta is None:  # not measured within its iterations: left to the later stages
                unmeasured += 1
                skipped = np.append(skipped, k)
                continue
            slack_moves[k] = _moved(watch, seen, base_slacks, slack_labels) or slack_moves[k]
            stage_value[k] = -delta * stage.scale / step[k]
        if probe.any():
            hm.h.setBasis(basis)
            hm.run(time_limit)  # back to the stage optimum
        # an interoperability target is priced per index point (0.01), the whole step
        per_unit = np.where(target_rows, stage_value * step, stage_value)
        # significant: the step's gain exceeds the LP's numerical resolution of the stage goal
        gain = np.abs(np.where(target_rows, per_unit, per_unit * step))
        floor = max(SIGNIFICANCE * abs(base * stage.scale), DUAL_TOLERANCE)
        decided = undecided & (np.nan_to_num(gain) > floor)
        decided[skipped] = False  # not probed (beyond the cap): left to the later stages
        decided |= undecided & np.isnan(per_unit)
        ran.append((stage, labels, coeffs, base, floor))
        step_of.append(step)
        # verification: the figure must hold when the limit is moved by its step and re-solved.
        # A probe was that re-solve; a dual exact by ranging gets one. A candidate that also
        # moved an earlier goal (by less than its significance) would trade that sliver for this
        # goal when only this stage is re-solved: it is re-planned through every stage so far,
        # each held at its new optimum (up to verify_top of them, the largest first); beyond
        # that its figure cannot be trusted and it is left out.
        finite = decided & np.isfinite(per_unit)
        measured = finite & probe & ~np.isin(np.arange(n), skipped)
        verified[measured & ~moved] = True
        effect[measured & ~moved] = per_unit[measured & ~moved]
        for k in np.flatnonzero(finite & ~probe & ~moved):
            delta, seen = reprobe(int(k))
            if delta is None:
                unmeasured += 1
            elif np.isfinite(delta):
                slack_moves[k] = _moved(watch, seen, base_slacks, slack_labels) or slack_moves[k]
                got = -delta * stage.scale / step[k]
                verified[k] = True
                effect[k] = got * step[k] if target_rows[k] else got
        suspect = np.flatnonzero(finite & moved)
        suspect = suspect[
            np.lexsort((cand["label"].to_numpy()[suspect], -np.abs(per_unit[suspect])))
        ]
        hm.h.setOptionValue("simplex_strategy", PRIMAL_SIMPLEX)  # re-plans change objectives
        for k in suspect[:verify_top]:
            hm.h.setBasis(basis)
            got = _verify(
                hm,
                ran,
                holds,
                bool(is_row[k]),
                int(pos[k]),
                float(step[k]),
                int(companion[k]),
                None,  # whole stages re-planned: more than a probe's iterations; seconds bound
                seconds,
            )
            if got is None:
                unmeasured += 1
            else:
                per_step = got * stage.scale
                verified[k] = True
                effect[k] = per_step if target_rows[k] else per_step / step[k]
        dropped = suspect[verify_top:]
        if len(dropped):
            log.info("stage %s: %d figure(s) left unverified and out", stage.name, len(dropped))
        decided[dropped] = False
        undecided[dropped] = False
        if len(suspect) or (finite & ~probe & ~moved).any():
            hm.h.setBasis(basis)
            hm.run(time_limit)  # back to the stage optimum
        # a goal moved here (by any amount) makes a later stage's single re-solve unreliable
        noise = 1e-9 * max(1.0, abs(base * stage.scale))
        moved |= undecided & ~decided & (np.nan_to_num(gain) > noise)
        value[decided] = per_unit[decided]
        stage_of[decided] = stage.name
        undecided &= ~decided
        if i < len(stage_list) - 1:
            # hold the stage's optimum; the row is scaled to O(1) so that HiGHS's absolute
            # feasibility tolerance cannot trade a sliver of it for much of the next goal
            norm = abs(base) if abs(base) > 1e-6 else 1.0
            row = hm.add_row(
                labels,
                coeffs / stage.scale / norm,
                -np.inf,
                (base + STAGE_TOLERANCE * abs(base)) / norm,
            )
            holds.append((row, norm))
    if unmeasured:
        log.warning(
            "%d pricing re-solve(s) reached solver.probe_iterations (%d) or "
            "solver.probe_time_limit (%g s), or ended unsure, and were not measured",
            unmeasured,
            iterations,
            seconds,
        )
    # the gaps moved are kept for figures priced in the shortfall stage (the re-solve that
    # verified them moved them)
    moves = pd.Series(
        [
            m if st == "shortfall" and v else None
            for m, st, v in zip(slack_moves, stage_of, verified, strict=True)
        ],
        dtype=object,
    )
    out = cand.assign(
        stage=stage_of,
        value=value,
        verified=verified,
        replanned_effect=effect,
        slack_moves=moves.to_numpy(),
    )
    return out[out["stage"] != ""].reset_index(drop=True)


def _moved(
    watch: np.ndarray | None,
    seen: list[np.ndarray],
    base: np.ndarray,
    labels: np.ndarray,
) -> tuple[np.ndarray, np.ndarray] | None:
    """The slacks a re-solve moved: their labels and changes (in their unit); ``None`` when
    nothing was watched or recorded."""
    if watch is None or not seen:
        return None
    change = seen[-1] - base
    keep = np.abs(change) > MOVE_TOLERANCE * np.maximum(1.0, np.abs(base))
    return labels[keep], change[keep]


def _verify(
    hm: HighsModel,
    ran: list[tuple[Any, np.ndarray, np.ndarray, float, float]],
    holds: list[tuple[int, float]],
    is_row: bool,
    pos: int,
    step: float,
    companion: int,
    iterations: int | None = None,
    seconds: float | None = None,
) -> float | None:
    """Re-plan the LP stages with one bound moved by *step*: each earlier stage re-optimised and
    held at its new optimum (not the old one), then the last stage's improvement (solver units,
    positive = better). ``None`` when a re-solve fails or reaches its *iterations* or
    *seconds* limit."""
    h = hm.h
    lp = h.getLp()
    row_lower, row_upper = np.asarray(lp.row_lower_), np.asarray(lp.row_upper_)
    col_lower, col_upper = np.asarray(lp.col_lower_), np.asarray(lp.col_upper_)
    saved = [(r, float(row_lower[r]), float(row_upper[r])) for r, _ in holds]
    if companion >= 0:
        h.changeRowBounds(
            companion, float(row_lower[companion]), float(row_upper[companion]) + step
        )
    if is_row:
        lo, up = float(row_lower[pos]), float(row_upper[pos])
        if np.isfinite(up):
            h.changeRowBounds(pos, lo, up + step)
        else:
            h.changeRowBounds(pos, lo + step, up)
    else:
        lo, up = float(col_lower[pos]), float(col_upper[pos])
        h.changeColsBounds(1, np.array([pos], dtype=np.int32), [lo + step], [up + step])
    for r, _ in holds:
        h.changeRowBounds(r, -np.inf, np.inf)
    out: float | None = None
    try:
        for j, (stage, labels, coeffs, base, _) in enumerate(ran):
            hm.set_objective(labels, coeffs / stage.scale)
            with _iteration_limit(hm, iterations):
                status, has = hm.run(seconds)
            if status != "optimal" or not has:
                log.info("verification re-solve of stage %s: %s", stage.name, hm.status_text())
                return None
            got = hm.objective_value()
            if j == len(ran) - 1:
                out = base - got
            else:
                r, norm = holds[j]
                h.changeRowBounds(r, -np.inf, (got + STAGE_TOLERANCE * abs(got)) / norm)
    finally:
        for r, lo_r, up_r in saved:
            h.changeRowBounds(r, lo_r, up_r)
        if is_row:
            h.changeRowBounds(pos, lo, up)
        else:
            h.changeColsBounds(1, np.array([pos], dtype=np.int32), [lo], [up])
        if companion >= 0:
            h.changeRowBounds(companion, float(row_lower[companion]), float(row_upper[companion]))
        last = ran[-1]
        hm.set_objective(last[1], last[2] / last[0].scale)
    return out


# --------------------------------------------------------------------------------------------
# from duals to domain words


def _rows_of(bundle: ModelBundle, name: str, kind: str = "constraint") -> pd.DataFrame:
    """Every present row (or variable) of family *name*: its label and coordinates."""
    m = bundle.model
    obj = m.constraints[name] if kind == "constraint" else m.variables[name]
    labels = np.asarray(obj.labels.values)
    pos = np.nonzero(labels >= 0)
    frame = pd.DataFrame({"label": labels[pos]})
    for dim, idx in zip(obj.labels.dims, pos, strict=True):
        frame[str(dim)] = obj.labels.coords[dim].values[idx]
    return frame


def _fmt(x: float) -> str:
    from forceplan.results.extract import fmt

    return fmt(float(x))


def _goal(stage: str, said: str, value: float, currency: str) -> str:
    """The effect of *value* (improvement of the stage goal) in words; *said*, when given, is
    what the step does to the gaps in their own units (shortfall stage)."""
    v = abs(value)
    if stage == "shortfall" and said:
        return f"{said} ({_fmt(100 * v)}% of one period's requirement in all)"
    if stage == "shortfall":
        return (
            f"cuts the shortfalls by {_fmt(100 * v)}% of one period's requirement"
            if value > 0
            else f"adds {_fmt(100 * v)}% of one period's requirement to the shortfalls"
        )
    if stage == "interoperability":
        return (
            f"adds {_fmt(v)} interoperable capability points (summed over the periods)"
            if value > 0
            else f"costs {_fmt(v)} interoperable capability points (summed over the periods)"
        )
    if stage == "cost":
        return f"saves {_fmt(v)} {currency}" if value > 0 else f"costs {_fmt(v)} {currency} more"
    return (
        f"improves the weighted objective by {_fmt(v)}"
        if value > 0
        else f"worsens the weighted objective by {_fmt(v)}"
    )


def _goal_of(stage: tuple[str, str], value: float, currency: str) -> str:
    """:func:`_goal` of a (stage, domain words) pair."""
    return _goal(stage[0], stage[1], value, currency)


GOAL_UNITS = {
    "shortfall": "requirement-periods of shortfall avoided",
    "interoperability": "interoperable capability points",
    "cost": "{currency} saved",
    "weighted": "weighted objective units",
}
"""Unit of the stage goal (the ``unit`` column says 'per' what)."""


def _coordinates(frame: pd.DataFrame, dims: list[str]) -> pd.Series:
    parts = [dim + "=" + frame[dim].astype(str) for dim in dims]
    out = parts[0]
    for p in parts[1:]:
        out = out + ", " + p
    return out


SINGULAR = {
    "units": "unit",
    "rounds": "round",
    "rockets": "rocket",
    "missiles": "missile",
    "thousand-rounds": "thousand rounds",
    "points": "point",
    "vehicles": "vehicle",
    "capability points": "capability point",
}
"""Item units in the singular, for "one more ..." sentences."""


def _singular(unit: str) -> str:
    return SINGULAR.get(unit, unit)


def _words(x: str) -> str:
    return str(x).replace("-", " ").replace("_", " ")


def _item_names(bundle: ModelBundle) -> dict[str, str]:
    """Equipment and munition ids -> their display names (the id in words when unnamed)."""
    names: dict[str, str] = {}
    for table in ("equipment", "munitions"):
        frame = bundle.scenario.tables[table]
        named = frame[frame["name"].astype(str).str.strip() != ""]
        names.update(zip(named["id"].astype(str), named["name"].astype(str), strict=True))
    return names


def _slack_labels(bundle: ModelBundle) -> np.ndarray:
    """The labels of every shortfall slack of the model (the variables of the shortfall goal)."""
    parts = [
        labels_of(bundle.model.variables[name]).ravel()
        for name in bundle.shortfall_scales
        if name in bundle.model.variables
    ]
    labels = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return labels[labels >= 0].astype(np.int64)


GAP_WORDS: dict[str, str] = {
    "capability-shortfall": "the {period} {role} capability gap",
    "force-shortfall": "the {period} {role} formation-slot gap",
    "ammo-shortfall": "the {period} {munition} ammunition gap",
    "ammo-reserve_shortfall": "the {period} {munition} war-reserve gap",
    "consumable-shortfall": "the {period} {equipment} gap",
    "donor-shortfall": "the {period} gap below {country}'s minimum of {item}",
    "industry-share_shortfall": "the {period} home-industry share gap",
    "industry-capacity_shortfall": "the {period} {product} home-capacity gap",
    "interop-shortfall": "the {period} interoperability gap",
    "budget-unfunded": "the {period} unfunded operating cost",
}
"""Each shortfall slack's gap in words (its coordinates filled in)."""


def _gaps(bundle: ModelBundle) -> pd.DataFrame:
    """Every shortfall slack, by label: the gap in words, its unit and its scale (the
    requirement that makes it 1 in the shortfall goal)."""
    names = _item_names(bundle)
    units = bundle.scenario.item_units()
    currency = bundle.scenario.header.currency
    frames = []
    for name, scale in bundle.shortfall_scales.items():
        if name not in bundle.model.variables:
            continue
        rows = _rows_of(bundle, name, "variable")
        labels = np.asarray(bundle.model.variables[name].labels.values)
        full = np.broadcast_to(np.asarray(scale, dtype=float), labels.shape)
        rows["scale"] = full[np.nonzero(labels >= 0)]
        fill: dict[str, pd.Series] = {
            str(c): rows[c].astype(str) for c in rows.columns if c not in ("label", "scale")
        }
        item = pd.Series("", index=rows.index)
        if "munition" in fill:
            item = fill["munition"]
        elif "product" in fill:
            item = fill["product"]
        elif "equipment" in fill:
            item = fill["equipment"]
        elif "donor" in fill:
            item = fill["donor"].str.partition(":")[2]
            fill["country"] = fill["donor"].str.partition(":")[0]
        for key in ("munition", "product", "equipment"):
            if key in fill:
                fill[key] = fill[key].map(lambda x: names.get(x, _words(x)))
        if "donor" in fill:
            fill["item"] = item.map(lambda x: names.get(x, _words(x)))
        if "role" in fill:
            fill["role"] = fill["role"].map(_words)
        pattern = GAP_WORDS.get(name, _words(name) + " in {period}")
        rows["gap"] = [
            pattern.format(**{k: v.iloc[n] for k, v in fill.items()}) for n in range(len(rows))
        ]
        if name == "capability-shortfall":
            rows["unit"] = "points"
        elif name == "force-shortfall":
            rows["unit"] = "vehicles"
        elif name in ("industry-share_shortfall", "budget-unfunded"):
            rows["unit"] = currency
        elif name == "interop-shortfall":
            rows["unit"] = "capability points"
        else:
            rows["unit"] = item.map(units).fillna("units").astype(str)
        frames.append(rows[["label", "gap", "unit", "scale"]])
    if not frames:
        return pd.DataFrame(columns=["gap", "unit", "scale"])
    return pd.concat(frames, ignore_index=True).set_index("label")


MOVES_SHOWN = 3
"""Most gaps named in one sentence (the largest share of their requirement first)."""


def _moved_words(moves: object, gaps: pd.DataFrame) -> str:
    """What one step does to the gaps, in their units: 'closes 1.9 points of the 2026 air
    defence capability gap' ('' when the re-solve recorded none)."""
    if not isinstance(moves, tuple) or not len(moves[0]):
        return ""
    labels, change = moves
    known = np.isin(labels, gaps.index.to_numpy())
    labels, change = labels[known], change[known]
    if not len(labels):
        return ""
    g = gaps.loc[labels]
    share = np.abs(change) / np.maximum(np.abs(g["scale"].to_numpy(dtype=float)), 1e-12)
    order = np.argsort(-share, kind="stable")

    def part(k: int) -> str:
        unit = str(g["unit"].iloc[k])
        amount = abs(float(change[k]))
        one = _fmt(amount) == "1"
        return f"{_fmt(amount)} {_singular(unit) if one else unit} of {g['gap'].iloc[k]}"

    out = []
    for verb, sign in (("closes", -1.0), ("opens", 1.0)):
        chosen = [int(k) for k in order if np.sign(change[k]) == sign]
        if not chosen:
            continue
        parts = [part(k) for k in chosen[:MOVES_SHOWN]]
        more = len(chosen) - MOVES_SHOWN
        if more > 0:
            parts.append(f"{more} more gap{'s' if more > 1 else ''}")
        joined = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
        out.append(f"{verb} {joined}")
    return " but ".join(out) if len(out) > 1 else out[0]


def _texts(
    name: str, frame: pd.DataFrame, bundle: ModelBundle, currency: str
) -> tuple[list[str], str]:
    """Sentence per row and the 'per' unit of family *name*."""
    d = bundle.data
    names = _item_names(bundle)

    def show(item: str) -> str:
        return names.get(item, _words(item))

    scen = bundle.scenario
    units = scen.item_units()
    # each row's stage, goal value and domain words (the gaps its step moved), one string
    # per row: the goal in words
    stage: list[tuple[str, str]] = [
        (str(g), str(w))
        for g, w in zip(
            frame["stage"].to_numpy(),
            frame["said"] if "said" in frame else [""] * len(frame),
            strict=True,
        )
    ]
    value = frame["dual"].to_numpy(dtype=float)
    per: dict[str, str] = {
        "budget-limit": f"per {currency}",
        "line-capacity": "per item unit of capacity",
        "line-expand": "per expansion",
        "supply-limit": "per item unit",
        "upgrade-capacity": "per unit of depot capacity",
        "training-capacity": "per crew",
        "capability-floor": "per point of floor",
        "interop-target": "per index point (0.01) of target",
        "donor-minimum": "per item unit of minimum",
    }
    texts: list[str]
    if name == "budget-limit":
        texts = [
            f"the {_words(s)} budget in {p} binds: each extra 10 {currency} "
            + _goal_of(g, 10 * v, currency)
            for s, p, g, v in zip(frame["stream"], frame["period"], stage, value, strict=True)
        ]
    elif name in ("line-capacity", "line-expand"):
        product = pd.Series(d.ln["product"].to_numpy(), index=d.lines)
        prod = frame["line"].map(product).astype(str)
        unit = prod.map(units).fillna("units").astype(str)
        if name == "line-capacity":
            texts = [
                f"the {ln} line ({show(pr)}) is at capacity in {p}: one more "
                f"{_singular(u)} of capacity {_goal_of(g, v, currency)}"
                for ln, pr, u, p, g, v in zip(
                    frame["line"], prod, unit, frame["period"], stage, value, strict=True
                )
            ]
        elif name == "line-expand":
            texts = [
                (
                    f"one more expansion of the {ln} line ({show(pr)}) ordered in {p} "
                    if used < top
                    else f"the {ln} line ({show(pr)}) has used all the expansions it may have "
                    f"({top:g}): one more allowed, ordered in {p}, "
                )
                + _goal_of(g, v, currency)
                for ln, pr, p, g, v, used, top in zip(
                    frame["line"],
                    prod,
                    frame["period"],
                    stage,
                    value,
                    frame["used"],
                    frame["allowed"],
                    strict=True,
                )
            ]
    elif name == "supply-limit":
        src = d.src.set_index(d.sources)
        kind = frame["source"].map(src["kind"]).astype(str)
        country = frame["source"].map(src["country"]).astype(str)
        item = frame["source"].map(src["item"]).astype(str)
        unit = item.map(units).fillna("units").astype(str)
        texts = [
            (
                f"the {c} donation of {show(it)} ({s}) in {p} is used up"
                if k == "donor"
                else f"the {s} offer of {show(it)} from {c} in {p} is used up"
            )
            + f": one more {_singular(u)} {_goal_of(g, v, currency)}"
            for s, k, c, it, u, p, g, v in zip(
                frame["source"],
                kind,
                country,
                item,
                unit,
                frame["period"],
                stage,
                value,
                strict=True,
            )
        ]
    elif name == "upgrade-capacity":
        texts = [
            f"the {u} upgrade depot is full in {p}: one more unit of capacity "
            + _goal_of(g, v, currency)
            for u, p, g, v in zip(frame["upgrade"], frame["period"], stage, value, strict=True)
        ]
    elif name == "training-capacity":
        texts = [
            f"{_words(c)} crew training is full in {p}: one more crew {_goal_of(g, v, currency)}"
            for c, p, g, v in zip(frame["class"], frame["period"], stage, value, strict=True)
        ]
    elif name == "capability-floor":
        texts = [
            f"the {_words(r)} capability floor in {p} binds: one more point of floor "
            + _goal_of(g, v, currency)
            for r, p, g, v in zip(frame["role"], frame["period"], stage, value, strict=True)
        ]
    elif name == "interop-target":
        texts = [
            f"the interoperability target in {p} binds: raising it by 0.01 "
            + _goal_of(g, v, currency)
            for p, g, v in zip(frame["period"], stage, value, strict=True)
        ]
    elif name == "donor-minimum":
        dn = d.dn.set_index(d.donors)
        country = frame["donor"].map(dn["country"]).astype(str)
        item = frame["donor"].map(dn["item"]).astype(str)
        unit = item.map(units).fillna("units").astype(str)
        texts = [
            f"{c}'s minimum stock of {show(it)} in {p} binds: one more "
            f"{_singular(u)} of minimum {_goal_of(g, v, currency)}"
            for c, it, u, p, g, v in zip(
                country, item, unit, frame["period"], stage, value, strict=True
            )
        ]
    else:  # pragma: no cover - every reported family has a sentence
        texts = [f"{name} binds" for _ in range(len(frame))]
    return texts, per[name]


def binding_table(
    bundle: ModelBundle, priced: pd.DataFrame, fixed: dict[str, np.ndarray]
) -> pd.DataFrame:
    """``plan/binding.csv`` from :func:`price`: one row per binding constraint, in words.

    Columns: ``constraint``, ``coordinates``, ``dual`` (improvement of the stage
    goal per unit more of the right-hand side, positive when more helps),
    ``unit``, ``text``, then ``stage``, ``period`` and ``goal``. A decision
    (``line-expand``) is listed once per line, only where one more would help.
    A row whose one step more cannot be had without losing an earlier goal is
    dropped (it never happens for a resource).
    """
    currency = bundle.scenario.header.currency
    gaps = _gaps(bundle)
    frames: list[pd.DataFrame] = []
    for name in [*REPORTED, *DECISIONS]:
        frame = priced[priced["name"] == name]
        frame = frame[np.isfinite(frame["value"].to_numpy(dtype=float))]
        if name in DECISIONS:
            frame = frame[frame["value"] > 0]
        if frame.empty:
            continue
        dims = [
            c
            for c in _rows_of(
                bundle, name, "variable" if name in DECISIONS else "constraint"
            ).columns
            if c != "label"
        ]
        frame = frame.assign(dual=frame["value"].to_numpy(dtype=float))
        if name == "line-expand":
            frame = _best_expansion(bundle, frame, fixed)
        verified = frame["verified"].to_numpy(dtype=bool)
        effect = frame["replanned_effect"].to_numpy(dtype=float)
        lp_value = frame["dual"].to_numpy(dtype=float)
        # a verified figure that does not hold (no gain, or the other way) when the stages are
        # re-solved with the limit moved is not a binding limit: it is dropped
        holds = ~verified | ((np.sign(effect) == np.sign(lp_value)) & (np.abs(effect) > 1e-9))
        frame = frame[holds]
        if frame.empty:
            continue
        verified, effect = verified[holds], effect[holds]
        shown = np.where(verified, effect, frame["dual"].to_numpy(dtype=float))
        moves = frame["slack_moves"] if "slack_moves" in frame else [None] * len(frame)
        said = [_moved_words(m, gaps) if v else "" for m, v in zip(moves, verified, strict=True)]
        texts, per = _texts(name, frame.assign(dual=shown, said=said), bundle, currency)
        texts = [
            t if v else t + " (LP estimate, not verified by a re-solve)"
            for t, v in zip(texts, verified, strict=True)
        ]
        goal = frame["stage"].map(GOAL_UNITS).str.replace("{currency}", currency, regex=False)
        frames.append(
            pd.DataFrame(
                {
                    "constraint": name,
                    "coordinates": _coordinates(frame, dims).to_numpy(),
                    "dual": frame["dual"].to_numpy(dtype=float),
                    "unit": (goal + " " + per).to_numpy(),
                    "text": texts,
                    "verified": verified,
                    "replanned_effect": np.where(verified, effect, np.nan),
                    "stage": frame["stage"].to_numpy(),
                    "period": frame["period"].to_numpy() if "period" in frame else np.nan,
                    "goal": goal.to_numpy(),
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            {
                c: pd.Series(dtype=float if c == "dual" else object)
                for c in [
                    *BINDING_COLUMNS,
                    "verified",
                    "replanned_effect",
                    "stage",
                    "period",
                    "goal",
                ]
            }
        )
    out = pd.concat(frames, ignore_index=True)
    out["dual"] = np.round(out["dual"].to_numpy(dtype=float), 9) + 0.0
    order = out["stage"].map(STAGE_ORDER).fillna(9)
    shown = out["replanned_effect"].where(out["verified"].astype(bool), out["dual"])
    # ranked within each stage (its own unit), verified figures first, by the figure shown
    out = out.assign(_o=order, _v=~out["verified"].astype(bool), _a=-shown.abs()).sort_values(
        ["_o", "_v", "_a", "constraint", "coordinates"], kind="stable"
    )
    return out.drop(columns=["_o", "_v", "_a"]).reset_index(drop=True)


def _best_expansion(
    bundle: ModelBundle, frame: pd.DataFrame, fixed: dict[str, np.ndarray]
) -> pd.DataFrame:
    """One row per line: the period where one more expansion helps the most important goal most."""
    d = bundle.data
    ordered = np.asarray(fixed.get("line-expand", np.zeros((len(d.lines), d.T))), dtype=float)
    used = pd.Series(np.round(np.nan_to_num(ordered).sum(axis=1)), index=d.lines)
    allowed = pd.Series(d.ln["max_expansions"].to_numpy(dtype=float), index=d.lines)
    order = frame["stage"].map(STAGE_ORDER)
    best = (
        frame.assign(_o=order, _v=-frame["dual"])
        .sort_values(["_o", "_v", "period"], kind="stable")
        .drop_duplicates("line")
        .drop(columns=["_o", "_v"])
    )
    return best.assign(
        used=best["line"].map(used).to_numpy(), allowed=best["line"].map(allowed).to_numpy()
    )


def shadow_prices(
    scenario: Scenario,
    fixed: dict[str, np.ndarray] | Callable[[ModelBundle], dict[str, np.ndarray]],
    *,
    mode: str | None = None,
    time_limit: float | None = None,
    bundle: ModelBundle | None = None,
) -> pd.DataFrame:
    """The binding constraints of a plan and what one more unit of each is worth.

    Parameters
    ----------
    scenario
        The scenario of the plan.
    fixed
        The plan's integer decisions (name -> values), or a function computing
        them from the rebuilt model (e.g. from run-folder tables).
    mode
        Objective mode (default: the header's).
    time_limit
        Seconds per LP stage.
    bundle
        A freshly built model of *scenario* to use instead of building one.

    Returns
    -------
    pandas.DataFrame
        The ``plan/binding.csv`` table (see :func:`binding_table`).
    """
    bundle = bundle or build_model(scenario)
    values = fixed(bundle) if callable(fixed) else fixed
    return binding_table(bundle, price(bundle, values, mode, time_limit), values)
