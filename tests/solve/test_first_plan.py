"""A plan at any time limit: the plan without new action, found before the first stage.

With a time limit the solver first solves the first stage with every new action (orders, line
output, expansions, upgrades, reserve moves, retirements) fixed at 0, and the first stage
starts from that plan. A limit that stops the first stage before it improves returns that plan,
status ``time_limit``, with the first stage's gap, and says so.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import forceplan
from forceplan.model import build_model
from forceplan.model.build import ACTIONS, action_labels
from forceplan.model.objective import stages
from forceplan.solve import SolveOptions
from forceplan.solve.highs import HighsBackend, StageOutcome
from forceplan.solve.lexicographic import run_stages
from tests.scenarios import small_scenario


class _StopsAtOnce(HighsBackend):
    """HiGHS with no time for the stages themselves (the plan without new action gets its
    time): what a limit shorter than the first stage's root LP does."""

    def run(self, time_limit: float | None, phase: str, progress: Any) -> StageOutcome:
        return super().run(time_limit if phase == "solve:first_plan" else 0.0, phase, progress)


def _no_action_shortfall(scenario: forceplan.Scenario) -> float:
    """The first stage's optimum with every action variable bounded to 0 in the built model,
    solved on its own (the fixed model still has integers)."""
    bundle = build_model(scenario)
    for name in ACTIONS:
        if name in bundle.model.variables:
            var = bundle.model.variables[name]
            var.upper.values[...] = 0.0
            var.lower.values[...] = 0.0
    out = forceplan.solve.solve_model(bundle, SolveOptions())
    assert out.status == "optimal" and out.values is not None
    first = stages(bundle, "lexicographic")[0]
    return float(first.terms.evaluate(out.values).sum())


def test_a_limit_that_stops_the_first_stage_returns_the_plan_without_new_action() -> None:
    scenario = forceplan.examples.notional()
    bundle = build_model(scenario)
    backend = _StopsAtOnce(bundle, SolveOptions())
    stage_list = stages(bundle, "lexicographic")
    result = run_stages(bundle, backend, stage_list, time_limit=60.0)
    assert result.status == "time_limit"
    assert result.values is not None and result.first_plan is not None
    assert result.first_plan_words.startswith("without new action")
    # every action is 0: the inventory as it stands
    assert np.all(result.values[action_labels(bundle)] == 0)
    assert "before the solver improved on a plan without new action" in result.message
    assert result.gap is not None and 0 < result.gap <= 1
    # its shortfall is the first stage's optimum with the actions fixed, solved on its own,
    # and far more than the plan's (0.28 requirement-periods)
    shortfall = float(stage_list[0].terms.evaluate(result.values).sum())
    assert shortfall == pytest.approx(_no_action_shortfall(scenario), rel=1e-6)
    assert shortfall > 10


def test_where_a_hard_rule_needs_action_only_the_acquisitions_are_fixed() -> None:
    # the small scenario's inventory has two artillery types; at most one per class makes
    # a retirement necessary, so the plan without any action is infeasible
    scenario = small_scenario()
    scenario.header.objective.max_types_per_class = 1
    bundle = build_model(scenario)
    result = run_stages(
        bundle, HighsBackend(bundle, SolveOptions()), stages(bundle, "lexicographic"), 60.0
    )
    assert result.status == "optimal"
    assert result.first_plan is not None
    assert result.first_plan_words.startswith("without new acquisitions")
    unlimited = forceplan.plan(scenario)
    assert unlimited.status == "optimal"
    got = {
        s.name: float(s.terms.evaluate(result.values).sum())
        for s in stages(bundle, "lexicographic")
    }
    assert got["shortfall"] == pytest.approx(unlimited.objective["shortfall"], abs=1e-9)


def test_with_time_to_spare_the_start_changes_nothing_but_is_recorded() -> None:
    scenario = small_scenario()
    goals = {}
    for limit in (None, 120.0):
        bundle = build_model(scenario)
        stage_list = stages(bundle, "lexicographic")
        result = run_stages(bundle, HighsBackend(bundle, SolveOptions()), stage_list, limit)
        assert result.status == "optimal" and result.values is not None
        assert (result.first_plan is None) == (limit is None)
        goals[limit] = [float(st.terms.evaluate(result.values).sum()) for st in stage_list]
    assert goals[120.0] == pytest.approx(goals[None], rel=1e-6)
    plan = forceplan.plan(scenario)  # the header's time limit (600 s): a start is found
    assert plan.timings["solve:first_plan"] < plan.timings["solve"]
