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
    assert row["text"].endswith("the plan then costs about the same")  # not "0 USD million"
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
    # (money in 2026 and in 2027 are alike: the LP may split the 17 M between them)
    assert set(late["kind"]) == {"budget"} and bool(late["closes"].all())
    assert late["quantity"].sum() == pytest.approx(17.0)
    assert late["total_cost"].tolist() == [pytest.approx(17.0)] * len(late)
    assert early["remedy"].tolist() == ["none"]
    assert "not computed: only the largest shortfall (by share" in early["text"].iloc[0]
    assert "solver.max_remedies" in early["text"].iloc[0]


# the alternative: a second type of the role, the PzH 2000 (5 points, 8 M), 1 a period on the
# German market; the M777's US market offers 3 a period
PZH = {
    "id": "pzh-2000",
    "class": "sp-artillery",
    "role": "artillery",
    "family": "nato",
    "combat_value": 5,
    "unit_cost": 8,
    "logistics_family": "pzh-2000",
}
TWO_TYPES: dict[str, list[dict[str, object]]] = {
    "equipment": [*TABLES["equipment"], PZH],
    "equipment_standards": [
        *TABLES["equipment_standards"],
        {"equipment": "pzh-2000", "standard": "nato-155"},
    ],
    "sources": [
        {**TABLES["sources"][0], "quantity": 3},
        {
            "id": "de-pzh",
            "kind": "market",
            "country": "Germany",
            "item": "pzh-2000",
            "quantity": 1,
            "price": 8,
            "lead_time": 0,
        },
    ],
    "formation_slots": [{"formation": "art-1", "role": "artillery", "quantity": 1}],
}
PZH_KEY = "capability-floor[role=artillery, period=2026]"


def test_the_alternative_is_the_fewest_units_of_another_type_of_the_role() -> None:
    # 100 M: everything on offer is bought: 2 line M777 (4 points), 3 market M777 (6) and the
    # PzH (5): 15 of 20 points, 5 short; cost 2 + 12 + 8 = 22 M. Smallest: 2.5 more line units
    # (1 M of value each, against 2.5 market M777 at 4 or one PzH at 8), 3 whole; re-planned
    # the 5 line units (10 points) with the PzH (5) and 2.5 market M777 (5): 23 M, 1 M more.
    # The alternative of one type: the M777 is the smallest remedy's own type; the PzH: one
    # more (5 points) closes it, so everything is bought: 2 + 12 + 16 = 30 M, 8 M more.
    budget = [{"stream": "ua-mod", "owner": "Ukraine", "period": 2026, "amount": 100}]
    scenario = tiny(requirements=FLOOR, budgets=budget, **TWO_TYPES)
    plan, remedies = _remedy(scenario)
    assert plan.shortfalls["amount"].tolist() == [pytest.approx(5.0)]
    assert plan.objective["cost"] == pytest.approx(22.0)
    assert remedies["shortfall"].eq(PZH_KEY).all()
    smallest = remedies[remedies["option"] == "smallest"]
    assert smallest["target"].tolist() == ["ua-m777"]
    assert smallest["quantity"].tolist() == [pytest.approx(3.0)]
    assert smallest["cost"].tolist() == [pytest.approx(1.0)]
    alt = remedies[remedies["option"] == "alternative"]
    assert alt["remedy"].tolist() == ["alternative: supply: de-pzh in 2026"]
    assert (alt["kind"].tolist(), alt["item"].tolist()) == (["supply"], ["pzh-2000"])
    assert alt["quantity"].tolist() == [pytest.approx(1.0)]
    assert alt["units"].tolist() == [pytest.approx(1.0)]
    assert alt["cost"].tolist() == [pytest.approx(8.0)]
    assert bool(alt["closes"].all())
    assert (
        smallest["text"]
        .iloc[0]
        .startswith(
            "about 3 more m777 out of the ua-m777 line in 2026 close the gap; or about 1 more "
            "pzh-2000 in 2026 (Germany offer, de-pzh), for about 8 USD million more ("
        )
    )
    assert (
        alt["text"]
        .iloc[0]
        .startswith("about 1 more pzh-2000 in 2026 (Germany offer, de-pzh) close the gap (")
    )
    assert alt["text"].iloc[0].endswith("the plan then costs 8 USD million more")
    for option, cost in (("smallest", 1.0), ("alternative", 8.0)):
        replanned = forceplan.plan(apply_remedies(scenario, remedies, option))
        assert replanned.shortfalls.empty
        assert replanned.objective["cost"] - plan.objective["cost"] == pytest.approx(cost)


def test_the_alternative_brings_the_money_that_pays_for_its_units() -> None:
    # 10 M: 2 line M777 (2 M, 4 points) and the PzH (8 M, 5): 9 of 20 points, 11 short (the
    # market M777 gives 0.5 points a M, the PzH 0.625). Smallest: 8 more line units, the 10 M
    # then buy 10 of them (20 points), no cost more. The PzH alternative may bring money up to
    # its units' price (8 M each): e more PzH and 8e M give 5e points, so e = 11 / 5 = 2.2, 3
    # whole; with 3, the cheapest money is what 2.2 more PzH cost, 17.6 M (the market M777 is
    # dearer per point). Re-planned: 2 line units and 3.2 PzH, 27.6 M: 17.6 M more.
    scenario = tiny(requirements=FLOOR, **TWO_TYPES)
    plan, remedies = _remedy(scenario)
    assert plan.shortfalls["amount"].tolist() == [pytest.approx(11.0)]
    smallest = remedies[remedies["option"] == "smallest"]
    assert (smallest["target"].tolist(), smallest["quantity"].tolist()) == (
        ["ua-m777"],
        [pytest.approx(8.0)],
    )
    alt = remedies[remedies["option"] == "alternative"].set_index("kind")
    assert alt.loc["supply", "target"] == "de-pzh"
    assert alt.loc["supply", "quantity"] == pytest.approx(3.0)
    assert alt.loc["budget", "quantity"] == pytest.approx(17.6)
    assert alt["total_cost"].tolist() == [pytest.approx(17.6)] * 2
    assert alt["units"].tolist() == [pytest.approx(3.0)] * 2
    assert (
        "; or about 3 more pzh-2000 in 2026 (Germany offer, de-pzh) and 17.6 USD million "
        in (smallest["text"].iloc[0])
    )
    replanned = forceplan.plan(apply_remedies(scenario, remedies, "alternative"))
    assert replanned.shortfalls.empty
    assert replanned.objective["cost"] - plan.objective["cost"] == pytest.approx(17.6)
