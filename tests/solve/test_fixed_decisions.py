"""A plan re-solved with its own decisions held reproduces its own goals (real HiGHS solves).

Re-plans that hold decisions (robust first stages, rolling re-plans, remedies, verified what-binds)
rely on this. HiGHS 1.16's full MIP presolve broke it on the notional scenario: with the plan's line
expansions fixed at the plan's own values it returned shortfall 0.468 as "optimal" (the plan has
0.284), with the first year's decisions fixed 0.394-0.411. A model whose integers are all fixed is
solved as an LP; with some integers free, presolve without its dominated-column and forcing-column
rules (the header's default ``solver.presolve`` on, ``solver.presolve_rule_off`` 160) and presolve
off both keep it right: each is tested here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import forceplan
from forceplan.model import build_model
from forceplan.model.build import ModelBundle
from forceplan.robust.plan import FIRST_STAGE_DECISIONS, decision_keys, fix_first_stage
from forceplan.solve import SolveOptions
from forceplan.solve.highs import HighsBackend


@pytest.fixture(scope="module")
def notional_plan() -> tuple[forceplan.Scenario, forceplan.Plan]:
    s = forceplan.examples.notional()
    p = forceplan.plan(s)
    assert p.status == "optimal"
    return s, p


def _decisions(plan: forceplan.Plan) -> pd.DataFrame:
    """The plan's first-stage decisions as robust.plan keys them (name[element,period])."""
    keys: list[str] = []
    values: list[float] = []
    for name in FIRST_STAGE_DECISIONS:
        if name not in plan.model.variables:
            continue
        sol = plan.model.variables[name].solution.to_series().dropna()
        keys += decision_keys(name, sol.index)
        values += sol.tolist()
    return pd.DataFrame({"decision": keys, "value": values})


PRESOLVE = [("on", 160), ("off", 0)]
"""The default (presolve on, dominated and forcing columns off) and presolve off."""


def _with(s: forceplan.Scenario, presolve: tuple[str, int]) -> forceplan.Scenario:
    q = s.copy()
    q.header.solver.presolve, q.header.solver.presolve_rule_off = presolve  # type: ignore[assignment]
    return q


@pytest.mark.slow
@pytest.mark.parametrize("presolve", PRESOLVE)
def test_line_expansions_held_at_the_plans_values_give_the_plans_goals(
    notional_plan: Any, presolve: tuple[str, int]
) -> None:
    s, p = notional_plan
    s = _with(s, presolve)
    expand = p.model.variables["line-expand"].solution.fillna(0.0)

    def hold(b: ModelBundle) -> None:
        v = b.model.variables["line-expand"]
        v.update(lower=expand, upper=expand)

    q = forceplan.plan(s, prepare=hold)
    assert q.status == "optimal"
    assert q.objective["shortfall"] == pytest.approx(p.objective["shortfall"], rel=1e-6)
    assert q.objective["cost"] == pytest.approx(p.objective["cost"], rel=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("presolve", PRESOLVE)
def test_the_first_years_decisions_held_give_the_plans_shortfall(
    notional_plan: Any, presolve: tuple[str, int]
) -> None:
    s, p = notional_plan
    assert (s.header.solver.presolve, s.header.solver.presolve_rule_off) == PRESOLVE[0]
    s = _with(s, presolve)  # full presolve (rule_off 0) returns 0.411 here as optimal
    q = forceplan.plan(s, prepare=fix_first_stage(_decisions(p), 1))
    assert q.status == "optimal"
    # the plan itself satisfies the held decisions, so nothing worse is optimal
    assert q.objective["shortfall"] == pytest.approx(p.objective["shortfall"], rel=1e-6)


def test_a_mip_with_every_integer_fixed_is_solved_as_an_lp() -> None:
    s = forceplan.synthetic.generate(20, 4, 4, 2, seed=3)
    bundle = build_model(s)
    assert bundle.is_mip
    assert HighsBackend(bundle, SolveOptions()).is_mip
    for name in [*bundle.model.integers, *bundle.model.binaries]:
        v = bundle.model.variables[name]
        v.update(lower=v.lower * 0, upper=v.lower * 0)
    backend = HighsBackend(bundle, SolveOptions())
    assert not backend.is_mip
    integrality = np.asarray(backend.h.getLp().integrality_)
    assert not (integrality == 1).any()
    assert backend.h.getOptionValue("presolve")[1] == "on"  # the header's default
    assert backend.h.getOptionValue("presolve_rule_off")[1] == 160
