"""What closes the gap (``plan/remedies.csv``) on tiny scenarios whose answer is derived by hand;
each remedy is applied to the inputs and the scenario re-planned (real HiGHS solves).

The scenario of tests/explain/test_duals.py: the M777 (2 points each) from a Ukrainian line
(1 M each) and the US market (4 M each, 100 per period), 10 M of ua-mod money per period.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import forceplan
from forceplan.explain import explain_plan
from forceplan.explain.remedies import apply_remedies
from forceplan.io.run_folder import read_run_folder
from tests.explain.test_duals import TABLES, tiny

FLOOR = [{"kind": "capability", "role": "artillery", "period": 2026, "minimum": 20}]
WIDE_LINE = [{**TABLES["lines"][0], "capacity": 100}]


def _remedy(scenario: forceplan.Scenario) -> tuple[forceplan.Plan, object]:
    plan = forceplan.plan(scenario)
    assert plan.status == "optimal"
    return plan, explain_plan(plan)["remedies"]


def test_money_closes_a_gap_the_budget_makes_and_costs_what_a_re_plan_costs() -> None:
    # 4 M buy 4 line units (8 points) of a floor of 20: 12 points = 6 units short. The line
    # has room; 6 M more buy the 6 units at 1 M: the smallest addition, and the plan costs 6 M
    # more. Applied to the budget row and re-planned: no shortfall, 6 M more.
    budget = [{"stream": "ua-mod", "owner": "Ukraine", "period": 2026, "amount": 4}]
    scenario = tiny(requirements=FLOOR, lines=WIDE_LINE, budgets=budget)
    plan, remedies = _remedy(scenario)
    assert plan.shortfalls["amount"].tolist() == [12]
    assert list(remedies.columns[:6]) == ["shortfall", "remedy", "quantity", "unit", "cost", "text"]
    assert remedies["shortfall"].tolist() == ["capability-floor[role=artillery, period=2026]"]
    row = remedies.iloc[0]
    assert (row["kind"], row["target"], int(row["period"])) == ("budget", "ua-mod", 2026)
    assert row["quantity"] == pytest.approx(6.0)
    assert row["unit"] == "USD million"
    assert row["cost"] == pytest.approx(6.0)
    assert bool(row["closes"]) and row["remaining"] == 0
    assert row["text"].startswith("6 USD million more in the ua-mod budget in 2026 close the gap")
    assert "the plan then costs 6 USD million more" in row["text"]
    replanned = forceplan.plan(apply_remedies(scenario, remedies))
    assert replanned.shortfalls.empty
    assert replanned.objective["cost"] - plan.objective["cost"] == pytest.approx(row["cost"])


def test_line_output_closes_a_gap_the_line_makes_at_no_extra_cost() -> None:
    # the line (2 a period) binds: 10 M buy 2 line units and 2 market units (8 points). With
    # 8 more line units the same 10 M buy 10 line units (20 points): the cheapest addition
    # (8 x 1 M of value, against 6 M of money and 6 line units or 24 M of money), and the
    # plan costs nothing more.
    scenario = tiny(requirements=FLOOR)
    plan, remedies = _remedy(scenario)
    assert len(remedies) == 1
    row = remedies.iloc[0]
    assert (row["kind"], row["target"], row["item"]) == ("line", "ua-m777", "m777")
    assert row["quantity"] == pytest.approx(8.0)
    assert row["cost"] == pytest.approx(0.0, abs=1e-6)
    assert "about 8 more m777 out of the ua-m777 line in 2026 close the gap" in row["text"]
    replanned = forceplan.plan(apply_remedies(scenario, remedies))
    assert replanned.shortfalls.empty
    assert replanned.objective["cost"] == pytest.approx(plan.objective["cost"], abs=1e-6)


def test_a_gap_nothing_can_reach_in_time_says_so() -> None:
    # the line and the market open only in 2027: nothing can arrive for the 2026 floor
    late = [{**TABLES["sources"][0], "first_period": 2027}]
    line = [{**TABLES["lines"][0], "first_period": 2027}]
    scenario = tiny(periods=2, requirements=FLOOR, lines=line, sources=late)
    plan, remedies = _remedy(scenario)
    key = "capability-floor[role=artillery, period=2026]"
    assert plan.shortfalls["amount"].iloc[0] == 20
    row = remedies[remedies["shortfall"] == key]
    assert row["remedy"].tolist() == ["none"]
    assert "cannot narrow it" in row["text"].iloc[0]


def test_no_shortfall_no_remedy_and_the_run_folder_holds_the_table(tmp_path: Path) -> None:
    reachable = [{"kind": "capability", "role": "artillery", "period": 2026, "minimum": 8}]
    plan = forceplan.plan(tiny(requirements=reachable))
    plan.tables.update(explain_plan(plan))
    assert plan.tables["remedies"].empty
    run = read_run_folder(plan.save(tmp_path / "run"))
    assert list(run.tables["remedies"].columns[:6]) == [
        "shortfall",
        "remedy",
        "quantity",
        "unit",
        "cost",
        "text",
    ]


def test_beyond_max_remedies_the_largest_gaps_come_first_and_the_rest_say_so() -> None:
    # 4 M a period buy 4 line units (8 points) a period, kept: 2026 is 12 of 20 points short
    # (60%), 2027 34 of 50 (68%). With one remedy allowed, 2027's gap gets it (17 M more, spent
    # on 17 units in 2026 or 2027 alike) and 2026's says it was not computed and why.
    floors = [
        {"kind": "capability", "role": "artillery", "period": 2026, "minimum": 20},
        {"kind": "capability", "role": "artillery", "period": 2027, "minimum": 50},
    ]
    budget = [
        {"stream": "ua-mod", "owner": "Ukraine", "period": 2026 + t, "amount": 4} for t in (0, 1)
    ]
    scenario = tiny(periods=2, requirements=floors, lines=WIDE_LINE, budgets=budget)
    scenario.header.solver.max_remedies = 1
    plan, remedies = _remedy(scenario)
    assert sorted(plan.shortfalls["amount"].tolist()) == [12, 34]
    late = remedies[remedies["shortfall"] == "capability-floor[role=artillery, period=2027]"]
    early = remedies[remedies["shortfall"] == "capability-floor[role=artillery, period=2026]"]
    assert late["kind"].tolist() == ["budget"] and bool(late["closes"].all())
    assert late["quantity"].tolist() == [pytest.approx(17.0)]
    assert early["remedy"].tolist() == ["none"]
    assert "not computed: only the largest shortfall (by share" in early["text"].iloc[0]
    assert "solver.max_remedies" in early["text"].iloc[0]
