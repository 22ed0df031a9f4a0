"""Solving: honest statuses, time limits, progress events, Ctrl-C, other linopy solvers."""

from __future__ import annotations

import _thread
import threading
import time

import highspy
import numpy as np
import pytest

import forceplan
from forceplan.exceptions import SolveError
from forceplan.model import build_model
from forceplan.model.objective import stages
from forceplan.solve import ProgressEvent, SolveOptions, solve_model
from forceplan.solve.highs import HighsBackend, new_highs, set_time_limit
from forceplan.solve.lexicographic import run_stages
from tests.scenarios import small_scenario


@pytest.fixture(scope="module")
def large_scenario() -> forceplan.Scenario:
    """A generated MILP (line expansions and a diversity limit) too big to solve in a second."""
    s = forceplan.synthetic.generate(300, 20, 12, 10, seed=7)
    s.header.objective.max_types_per_class = 3
    return s


def test_one_second_time_limit_is_reported_honestly(large_scenario) -> None:
    p = forceplan.plan(large_scenario, time_limit=1.0, gap=0.0)
    assert p.status == "time_limit"
    assert p.timings["solve"] < 6.0  # the limit covers every stage; HiGHS stops promptly
    if p.has_plan:
        assert set(p.tables) == set(forceplan.results.contract.PLAN_TABLES)
        assert "time limit" in p.message
    else:
        assert p.tables == {} and "before any plan" in p.message
        assert p.gap is None


def test_progress_reports_phases_stages_and_solver(monkeypatch) -> None:
    events: list[ProgressEvent] = []
    p = forceplan.plan(small_scenario(), gap=0.0, progress=events.append)
    assert p.status == "optimal"
    phases = [(e.kind, e.phase) for e in events if e.kind != "solver"]
    assert phases == [
        ("phase-start", "build"),
        ("phase-end", "build"),
        ("phase-start", "solve"),
        ("phase-start", "solve:first_plan"),  # the header's time limit: a plan to start from
        ("phase-end", "solve:first_plan"),
        ("phase-start", "solve:shortfall"),
        ("phase-end", "solve:shortfall"),
        ("phase-start", "solve:cost"),
        ("phase-end", "solve:cost"),
        ("phase-end", "solve"),
        ("phase-start", "extract"),
        ("phase-end", "extract"),
    ]
    solver = [e for e in events if e.kind == "solver"]
    assert solver and all(e.phase.startswith("solve:") for e in solver)
    assert any(e.best_solution is not None for e in solver)
    assert all(e.elapsed >= 0 for e in events)
    assert set(p.timings) == {
        "build",
        "solve",
        "solve:first_plan",
        "extract",
        "solve_cpu",
        "plan_cpu",
    }
    assert 0 < p.timings["solve_cpu"] <= p.timings["plan_cpu"]


def test_failing_progress_callback_does_not_break_planning() -> None:
    def broken(event: ProgressEvent) -> None:
        raise RuntimeError("display gone")

    assert forceplan.plan(small_scenario(), progress=broken).status == "optimal"


def test_ctrl_c_stops_highs_and_reraises() -> None:
    # Ctrl-C comes once the branch and bound reports a gap (HiGHS cannot be stopped inside its
    # root LP, which takes seconds on this model): HiGHS stops at once and the interrupt re-raises
    s = forceplan.synthetic.generate(100, 20, 12, 10, seed=7)
    s.header.objective.max_types_per_class = 3
    bundle = build_model(s)
    backend = HighsBackend(bundle, SolveOptions(gap=0.0))
    asked: list[float] = []

    def stage(event: ProgressEvent) -> bool:  # a stage's run, not the plan to start from
        return event.phase != "solve:first_plan"

    def ctrl_c(event: ProgressEvent) -> None:
        # the first report with a gap: past the root LP, in the branch and bound
        if event.kind == "solver" and event.gap is not None and not asked and stage(event):
            asked.append(time.perf_counter())
            threading.Timer(0.0, _thread.interrupt_main).start()

    with pytest.raises(KeyboardInterrupt):
        run_stages(bundle, backend, stages(bundle, "lexicographic"), 120.0, progress=ctrl_c)
    assert asked and time.perf_counter() - asked[0] < 30.0
    assert not backend.h.is_solver_running()


def test_contradictory_hard_constraints_are_infeasible() -> None:
    bundle = build_model(small_scenario())
    level = bundle.model.variables["stock-level"]
    # more D-20s than the force holds and can ever get: no slack can absorb this
    bundle.model.add_constraints(level.sel(equipment="d20", period=2026) >= 1000, name="test-x")
    result = solve_model(bundle, SolveOptions(gap=0.0))
    assert result.status == "infeasible"
    assert result.values is None and not result.has_plan
    assert "contradictory" in result.message


def test_generic_linopy_path_matches_highspy() -> None:
    # the same stage goals (the plans may differ where several are optimal)
    direct = solve_model(build_model(small_scenario()), SolveOptions(gap=0.0))
    generic = solve_model(build_model(small_scenario()), SolveOptions(gap=0.0, direct=False))
    assert direct.status == generic.status == "optimal"
    assert direct.solver["name"] == "highs" and generic.solver["name"] == "highs"
    assert [n for n, _ in generic.stages] == [n for n, _ in direct.stages]
    for (_, a), (_, b) in zip(direct.stages, generic.stages, strict=True):
        assert b.objective == pytest.approx(a.objective, rel=1e-6, abs=1e-6)


def test_unknown_solver_is_a_clear_error() -> None:
    with pytest.raises(SolveError, match="not installed"):
        forceplan.plan(small_scenario(), solver="no-such-solver")


def test_options_default_to_the_header_and_arguments_override() -> None:
    s = small_scenario()
    s.header.solver.time_limit = 42
    p = forceplan.plan(s, gap=0.0)
    assert p.options == {
        "solver": "highs",
        "time_limit": 42.0,
        "gap": 0.0,
        "threads": None,
        "mode": "lexicographic",
        "stage_hold": 1e-9,
        "presolve": "on",
        "presolve_rule_off": 160,
    }
    assert p.solver["name"] == "highs" and p.solver["version"].count(".") == 2
    q = forceplan.plan(s, threads=1, mode="weighted", time_limit=30)
    assert q.status == "optimal" and q.options["threads"] == 1 and q.options["time_limit"] == 30
    assert "weighted" in q.message


def test_a_time_limit_counts_from_now_not_from_the_instance_start() -> None:
    # HiGHS's clock runs over an instance's life: after one run, a limit of t seconds for the
    # next run is the time already used plus t. A plain "time_limit = t" below the time used
    # stops the next run at once; set_time_limit gives it its full t.
    h = new_highs()
    n = 400
    rng = np.random.default_rng(3)
    h.addVars(n, np.zeros(n), np.full(n, 10.0))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), -rng.uniform(1, 2, n))
    for _ in range(200):
        idx = np.sort(rng.choice(n, 40, replace=False)).astype(np.int32)
        h.addRow(-np.inf, 50.0, 40, idx, rng.uniform(0.5, 1.5, 40))
    h.run()
    used = h.getRunTime()
    assert used > 0
    h.clearSolver()  # the next run starts cold, so it must iterate
    h.setOptionValue("time_limit", used * 0.5)  # absolute: already past
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kTimeLimit
    h.clearSolver()
    set_time_limit(h, used * 0.5 + 60.0)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    set_time_limit(h, None)
    assert h.getOptionValue("time_limit")[1] == np.inf
