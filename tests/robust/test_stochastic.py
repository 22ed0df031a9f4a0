"""Two-stage stochastic program: a shared first-period decision derived by hand."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import pytest

from forceplan.domain.scenario import Scenario
from forceplan.robust import RobustError, RobustSettings, build_stochastic, robust_plan
from forceplan.robust.stochastic import NONANTICIPATIVITY, SHARED, prefix
from tests.model.tiny import equipment, scenario

NOW_PRICE = 1.0  # a: order in 2026, arrives in 2027
LATE_PRICE = 3.0  # b: order and delivery in 2027
NEED = 10  # floor of 10 M777 (10 points) in 2027


def future(pledge_holds: bool, uncertainty: list[dict[str, Any]] | None = None) -> Scenario:
    """Two years; a floor of 10 in 2027; buy now at a (lead 1), or buy late at b in 2027.

    Where the pledge holds, a donor delivers 10 M777 free in 2027; where it fails the
    pledge row is absent. *uncertainty* rows become the scenario's ``uncertainty`` table.
    """
    sources: list[dict[str, Any]] = [
        {
            "id": "buy-now",
            "kind": "market",
            "country": "USA",
            "item": "m777",
            "quantity": NEED,
            "price": NOW_PRICE,
            "lead_time": 1,
        },
        {
            "id": "buy-late",
            "kind": "market",
            "country": "USA",
            "item": "m777",
            "quantity": NEED,
            "price": LATE_PRICE,
            "lead_time": 0,
            "first_period": 2027,
        },
    ]
    if pledge_holds:
        sources.append(
            {
                "id": "pledge",
                "kind": "market",
                "country": "DEU",
                "item": "m777",
                "quantity": NEED,
                "price": 0,
                "lead_time": 0,
                "first_period": 2027,
            }
        )
    return scenario(
        periods=2,
        objective={"risk_margin_value": 0},
        equipment=[equipment("m777")],
        sources=sources,
        budgets=[
            {"stream": "fund", "owner": "UA", "period": y, "amount": 1000} for y in (2026, 2027)
        ],
        budget_uses=[{"stream": "fund", "use": "acquisition"}],
        requirements=[{"kind": "capability", "role": "artillery", "period": 2027, "minimum": NEED}],
        **({"uncertainty": uncertainty} if uncertainty else {}),
    )


def futures(p_fail: float) -> list[tuple[float, Scenario]]:
    return [(p_fail, future(False)), (1 - p_fail, future(True))]


@pytest.mark.parametrize(
    ("p_fail", "bought_now", "expected_cost"),
    [
        # Buying x now costs a x in every future; waiting costs b (10 - x) where the pledge
        # fails. Expected cost a x + p b (10 - x) falls with x when p b > a.
        # p = 0.5: p b = 1.5 > a = 1: buy all 10 now; expected cost 10 x 1 = 10.
        (0.5, 10.0, 10.0),
        # p = 0.25: p b = 0.75 < 1: wait; buy 10 late only where the pledge fails:
        # expected cost 0.25 x 30 = 7.5.
        (0.25, 0.0, 7.5),
    ],
)
def test_shared_first_period_decision_by_hand(
    p_fail: float, bought_now: float, expected_cost: float
) -> None:
    base = future(True)
    plan, rr = robust_plan(base, futures(p_fail), time_limit=60, gap=0.0)
    assert rr.method == "stochastic"
    assert rr.status == "optimal"
    shared = rr.decisions.set_index("decision")["value"]
    assert shared["supply-order[buy-now,2026]"] == pytest.approx(bought_now, abs=1e-6)
    assert rr.expected["shortfall"] == pytest.approx(0.0, abs=1e-9)
    assert rr.expected["cost"] == pytest.approx(expected_cost, abs=1e-6)
    # each future: the same 2026 order; where the pledge fails, the rest bought late
    for k, tables in enumerate(rr.future_tables):
        d = tables["deliveries"]
        now = d.loc[(d["source"] == "buy-now") & (d["period_ordered"] == 2026), "quantity"].sum()
        late = d.loc[d["source"] == "buy-late", "quantity"].sum()
        assert now == pytest.approx(bought_now, abs=1e-6)
        assert late == pytest.approx(NEED - bought_now if k == 0 else 0.0, abs=1e-6)
        cap = tables["capability"].set_index("period")
        assert cap.loc[2027, "shortfall"] == pytest.approx(0.0, abs=1e-9)
    # plan/ is the scenario as given (pledge holds) with the 2026 order fixed
    d = plan.tables["deliveries"]
    assert d.loc[d["source"] == "buy-now", "quantity"].sum() == pytest.approx(bought_now)
    written = plan.extra_files["robust/first_stage.csv"]
    assert isinstance(written, pd.DataFrame)
    assert written["value"].tolist() == pytest.approx(rr.decisions["value"].tolist(), abs=1e-6)
    outcomes = plan.extra_files["robust/outcomes.csv"]
    cost_2027 = outcomes.set_index(["future", "period"])["cost"]
    assert cost_2027[(0, 2027)] == pytest.approx(LATE_PRICE * (NEED - bought_now))
    assert cost_2027[(0, 2026)] == pytest.approx(NOW_PRICE * bought_now)
    assert plan.summary_extra["robust"]["method"] == "stochastic"


def test_nonanticipativity_rows_and_solution() -> None:
    sm = build_stochastic(futures(0.5))
    m = sm.model
    assert f"{prefix(0)}stock-level" in m.variables and f"{prefix(1)}stock-level" in m.variables
    assert "stock-level" not in m.variables
    con = m.constraints[NONANTICIPATIVITY]
    assert list(con.labels.dims) == ["future", "decision"]
    keys = list(sm.decisions["decision"])
    # the 2026 orders: buy-now in both futures (the late sources start in 2027)
    assert keys == ["supply-order[buy-now,2026]"]
    assert (np.asarray(con.labels.values) >= 0).all()
    _, rr = robust_plan(future(True), futures(0.5), time_limit=60, gap=0.0)
    orders = [
        t["deliveries"].query("period_ordered == 2026")["quantity"].sum() for t in rr.future_tables
    ]
    assert orders[0] == pytest.approx(orders[1])
    assert SHARED in sm.model.variables


def test_decision_only_in_some_futures_is_free_where_absent() -> None:
    # Make the pledge a first-stage decision (ordered 2026, lead 1) present in one future
    # only: it gets a row there and none in the other.
    def f(holds: bool) -> Scenario:
        s = future(holds)
        src = s.tables["sources"]
        src.loc[src["id"] == "pledge", "lead_time"] = 1
        src.loc[src["id"] == "pledge", "first_period"] = 2026
        return s

    sm = build_stochastic([(0.5, f(False)), (0.5, f(True))])
    present = np.asarray(sm.model.constraints[NONANTICIPATIVITY].labels.values) >= 0
    keys = list(sm.decisions["decision"])
    j = keys.index("supply-order[pledge,2026]")
    assert present[:, j].tolist() == [False, True]
    assert present[:, keys.index("supply-order[buy-now,2026]")].tolist() == [True, True]


def test_futures_must_share_periods() -> None:
    other = scenario(periods=3, equipment=[equipment("m777")])
    with pytest.raises(RobustError, match="periods"):
        build_stochastic([(0.5, future(True)), (0.5, other)])
    with pytest.raises(RobustError, match="positive"):
        build_stochastic([(0.0, future(True))])
    with pytest.raises(RobustError, match="first_stage_periods"):
        build_stochastic(futures(0.5), first_stage_periods=3)


def test_two_first_stage_periods_share_the_late_order_too() -> None:
    sm = build_stochastic(futures(0.5), first_stage_periods=2)
    keys = set(sm.decisions["decision"])
    assert {"supply-order[buy-now,2026]", "supply-order[buy-late,2027]"} <= keys
    _, rr = robust_plan(
        future(True), futures(0.5), RobustSettings(first_stage_periods=2), time_limit=60, gap=0
    )
    # everything shared: the plan must meet the floor where the pledge fails, at least cost
    # (buy now at 1), so 10 bought now in every future
    shared = rr.decisions.set_index("decision")["value"]
    assert shared["supply-order[buy-now,2026]"] == pytest.approx(10.0)
    assert shared["supply-order[buy-late,2027]"] == pytest.approx(0.0)


def partial(quantity: int) -> Scenario:
    """Floor 10 in 2027; a free whole-unit pledge ordered in 2026 (lead 1) of *quantity* a
    period; a market source at 3 a unit in 2027."""
    return scenario(
        periods=2,
        objective={"risk_margin_value": 0},
        equipment=[equipment("m777", whole_units="yes")],
        sources=[
            {
                "id": "pledge",
                "kind": "market",
                "country": "DEU",
                "item": "m777",
                "quantity": quantity,
                "price": 0,
                "lead_time": 1,
            },
            {
                "id": "buy-late",
                "kind": "market",
                "country": "USA",
                "item": "m777",
                "quantity": NEED,
                "price": LATE_PRICE,
                "lead_time": 0,
                "first_period": 2027,
            },
        ],
        budgets=[
            {"stream": "fund", "owner": "UA", "period": y, "amount": 1000} for y in (2026, 2027)
        ],
        budget_uses=[{"stream": "fund", "use": "acquisition"}],
        requirements=[{"kind": "capability", "role": "artillery", "period": 2027, "minimum": NEED}],
    )


def test_partial_pledge_delivers_its_share_of_the_order_rounded_down() -> None:
    # The pledge offers 10 (reference). Future 0 delivers in full; future 1 only 55 %: 5.5 a
    # period, so of an order of 10 it delivers 5.5 rounded down to 5 whole units.
    # Shared order: all 10 (free). Future 0: 10 arrive, nothing bought; future 1: 5 arrive,
    # 5 bought late at 3: expected cost 0.5 x 15 = 7.5. (Were the shared order capped at
    # what every future delivers, future 0 would get only 5 and buy 5 late too: 15.)
    base = partial(NEED)
    fut = [(0.5, partial(NEED)), (0.5, base)]
    src = fut[1][1].tables["sources"].copy()
    src.loc[src["id"] == "pledge", "quantity"] = 5.5
    fut[1] = (0.5, dataclasses.replace(base, tables={**base.tables, "sources": src}))
    _, rr = robust_plan(base, fut, time_limit=60, gap=0.0)
    shared = rr.decisions.set_index("decision")["value"]
    assert shared["supply-order[pledge,2026]"] == pytest.approx(10.0)
    got = [t["deliveries"].query("source == 'pledge'")["quantity"].sum() for t in rr.future_tables]
    assert got == pytest.approx([10.0, 5.0])
    late = [
        t["deliveries"].query("source == 'buy-late'")["quantity"].sum() for t in rr.future_tables
    ]
    assert late == pytest.approx([0.0, 5.0])
    assert rr.expected["cost"] == pytest.approx(7.5)


def test_rows_as_documented() -> None:
    from tests.model.test_formulation import rows

    sm = build_stochastic(futures(0.5))
    na = rows(sm.model.constraints[NONANTICIPATIVITY])
    y = f"{SHARED}[supply-order[buy-now,2026]]"
    assert na == {
        (k, "supply-order[buy-now,2026]"): (
            {f"{prefix(k)}supply-order[buy-now, 2026]": 1.0, y: -1.0},
            "=",
            0.0,
        )
        for k in (0, 1)
    }
    base = partial(NEED)
    src = base.tables["sources"].copy()
    src.loc[src["id"] == "pledge", "quantity"] = 5.5
    half = dataclasses.replace(base, tables={**base.tables, "sources": src})
    sm = build_stochastic([(0.5, base), (0.5, half)], reference=base)
    y = f"{SHARED}[supply-order[pledge,2026]]"
    key = (1, "supply-order[pledge,2026]")
    x = f"{prefix(1)}supply-order[pledge, 2026]"
    assert rows(sm.model.constraints["robust-partial_upper"]) == {
        key: ({x: 1.0, y: -0.55}, "<=", 0.0)
    }
    lower = rows(sm.model.constraints["robust-partial_lower"])
    assert lower[key][0] == {x: 1.0, y: -0.55} and lower[key][1] == ">="
    assert lower[key][2] == pytest.approx(-(1 - 1e-6))
    # future 0 delivers in full: an equality row with share 1
    na = rows(sm.model.constraints[NONANTICIPATIVITY])
    assert na[(0, "supply-order[pledge,2026]")] == (
        {f"{prefix(0)}supply-order[pledge, 2026]": 1.0, y: -1.0},
        "=",
        0.0,
    )


def test_every_robust_name_is_in_the_formulation() -> None:
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "formulation.md").read_text(encoding="utf-8")
    for name in (
        SHARED,
        NONANTICIPATIVITY,
        "robust-partial_upper",
        "robust-partial_lower",
        "robust-fixed_first_stage",
    ):
        assert f"`{name}[" in text, name


def test_deterministic_first_stage_costs_more_in_the_futures() -> None:
    # The deterministic plan of the scenario as given (the pledge holds) buys nothing now.
    # Fixed in both futures: where the pledge fails, 10 are bought late at 3 (30); where it
    # holds, nothing (0): expected 15, against 10 for the robust plan (buy 10 now at 1).
    from forceplan.robust.plan import deterministic_first_stage, evaluate_first_stage

    det = deterministic_first_stage(future(True), time_limit=60, gap=0.0)
    assert det.set_index("decision").loc["supply-order[buy-now,2026]", "value"] == 0
    ev = evaluate_first_stage(det, futures(0.5), time_limit=60, gap=0.0)
    assert ev["cost"].tolist() == pytest.approx([30.0, 0.0])
    assert float((ev["probability"] * ev["cost"]).sum()) == pytest.approx(15.0)
    _, rr = robust_plan(future(True), futures(0.5), time_limit=60, gap=0.0)
    ev_r = evaluate_first_stage(rr.decisions, futures(0.5), time_limit=60, gap=0.0)
    assert float((ev_r["probability"] * ev_r["cost"]).sum()) == pytest.approx(10.0)


def test_shared_retirement_that_does_not_fit_the_scenario_as_given() -> None:
    # Futures without attrition keep 4 of 10 for a floor of 4 and retire 6 (disposal 0.1 is
    # cheaper than upkeep). The scenario as given loses 9 of 10 in the period: the shared
    # retirement of 6 cannot hold there, so plan/ keeps only the commitments (none here):
    # 1 in service, nothing retired, and the message says why.
    def fleet(attrition: list[dict[str, Any]]) -> Scenario:
        return scenario(
            equipment=[
                equipment("m777", operating_cost=1, early_retirement="yes", disposal_cost=0.1)
            ],
            inventory=[{"equipment": "m777", "quantity": 10}],
            attrition=attrition,
            requirements=[
                {"kind": "capability", "role": "artillery", "period": 2026, "minimum": 4}
            ],
        )

    calm = fleet([])
    base = fleet([{"class": "towed-artillery", "intensity": "high", "rate": 0.9}])
    loose = RobustSettings(hold_as_given=False)
    plan, rr = robust_plan(base, [(0.5, calm), (0.5, calm)], loose, time_limit=60, gap=0.0)
    shared = rr.decisions.set_index("decision")["value"]
    assert shared["stock-retire[m777,2026]"] == pytest.approx(6.0)
    assert plan.has_plan
    assert "do not fit the scenario as given" in plan.message
    assert plan.tables["stock"]["quantity"].tolist() == pytest.approx([1.0])
    # By default the scenario as given is a member of the program too (weight 1e-9): the
    # shared retirement must fit its 1 survivor, and plan/ fixes every shared decision.
    plan, rr = robust_plan(base, [(0.5, calm), (0.5, calm)], time_limit=60, gap=0.0)
    shared = rr.decisions.set_index("decision")["value"]
    assert shared["stock-retire[m777,2026]"] <= 1.0 + 1e-6
    assert "do not fit" not in plan.message
    assert rr.names == ["future0", "future1"]  # the member as given is not listed
