"""Shadow prices on tiny LPs whose duals are derived by hand (real HiGHS solves).

One type, the M777: combat value 2, NATO ammunition standard (score 1), no attrition,
no operating cost. It comes from a Ukrainian line (capacity 2 per period, 1 M each) and
from the US market (4 M each, 100 per period); the ua-mod stream has 10 M per period for
acquisitions from anyone (and line expansions).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

import forceplan
from forceplan.domain.scenario import Scenario
from forceplan.explain import explain_plan
from forceplan.explain.duals import integer_values_from_tables, shadow_prices
from forceplan.io.records import from_records
from forceplan.model.build import build_model

TABLES: dict[str, list[dict[str, Any]]] = {
    "standards": [{"id": "nato-155", "family": "nato", "domain": "ammunition"}],
    "equipment": [
        {
            "id": "m777",
            "class": "towed-artillery",
            "role": "artillery",
            "family": "nato",
            "combat_value": 2,
            "unit_cost": 4,
            "logistics_family": "m777",
        }
    ],
    "equipment_standards": [{"equipment": "m777", "standard": "nato-155"}],
    "sources": [
        {
            "id": "us-m777",
            "kind": "market",
            "country": "USA",
            "item": "m777",
            "quantity": 100,
            "price": 4,
            "lead_time": 0,
        }
    ],
    "lines": [
        {
            "id": "ua-m777",
            "country": "Ukraine",
            "product": "m777",
            "capacity": 2,
            "unit_cost": 1,
            "expansion_lead_time": 0,
        }
    ],
    "budget_uses": [
        {"stream": "ua-mod", "use": "acquisition"},
        {"stream": "ua-mod", "use": "expansion"},
    ],
    "formations": [{"id": "art-1", "type": "artillery-brigade"}],
    "formation_slots": [{"formation": "art-1", "role": "artillery", "quantity": 4}],
}


def tiny(periods: int = 1, **changes: list[dict[str, Any]]) -> Scenario:
    header = {
        "name": "duals",
        "start_year": 2026,
        "periods": periods,
        "intensity": ["high"] * periods,
    }
    tables = copy.deepcopy(TABLES)
    tables["budgets"] = [
        {"stream": "ua-mod", "owner": "Ukraine", "period": 2026 + t, "amount": 10}
        for t in range(periods)
    ]
    tables.update(copy.deepcopy(changes))
    return from_records(header, tables)


def rows(binding: Any) -> dict[tuple[str, str], tuple[float, str]]:
    return {
        (c, k): (d, s)
        for c, k, d, s in zip(
            binding["constraint"],
            binding["coordinates"],
            binding["dual"],
            binding["stage"],
            strict=True,
        )
    }


def test_budget_and_line_duals_in_interoperable_points() -> None:
    # plan: line 2 units (2 M), market 2 units (8 M): 4 units, 8 interoperable points.
    # One more M buys 1/4 market unit = 0.5 points; one more unit of line capacity saves
    # 4 - 1 = 3 M, i.e. 3/4 market unit, so it adds 1 - 3/4 = 0.75 units = 1.5 points.
    p = forceplan.plan(tiny())
    assert p.status == "optimal"
    assert p.stock["quantity"].tolist() == [4]
    tables = explain_plan(p)
    b = tables["binding"]
    got = rows(b)
    assert got[("budget-limit", "stream=ua-mod, period=2026")] == (
        pytest.approx(0.5),
        "interoperability",
    )
    assert got[("line-capacity", "line=ua-m777, period=2026")] == (
        pytest.approx(1.5),
        "interoperability",
    )
    assert ("supply-limit", "source=us-m777, period=2026") not in got  # 2 of 100 ordered
    budget = b[b["constraint"] == "budget-limit"].iloc[0]
    assert budget["text"] == (
        "the ua mod budget in 2026 binds: each extra 10 USD million adds 5 interoperable "
        "capability points (summed over the periods)"
    )
    assert budget["unit"] == "interoperable capability points per USD million"
    assert list(b.columns[:5]) == ["constraint", "coordinates", "dual", "unit", "text"]
    assert tables["formations"]["quantity"].tolist() == [4]
    assert tables["formation_levels"]["level"].tolist() == [3]


def test_shortfall_duals_when_the_floor_cannot_be_met() -> None:
    # floor 20 points, 8 reachable: shortfall 12 of 20 = 0.6 of one period's requirement.
    # One more M: 0.5 points = 0.5 / 20 = 0.025; one more line unit: 1.5 / 20 = 0.075;
    # one more point of floor: 1 / 20 = 0.05 more shortfall.
    floor = [{"kind": "capability", "role": "artillery", "period": 2026, "minimum": 20}]
    p = forceplan.plan(tiny(requirements=floor))
    assert p.shortfalls["amount"].tolist() == [12]
    got = rows(shadow_prices(p.scenario, {}))
    assert got[("budget-limit", "stream=ua-mod, period=2026")] == (
        pytest.approx(0.025),
        "shortfall",
    )
    assert got[("line-capacity", "line=ua-m777, period=2026")] == (
        pytest.approx(0.075),
        "shortfall",
    )
    assert got[("capability-floor", "role=artillery, period=2026")] == (
        pytest.approx(-0.05),
        "shortfall",
    )


def test_a_floor_that_binds_is_priced_in_money() -> None:
    # interoperability weighs nothing here (weighted mode, weight 0): the cheapest plan meets
    # the 6-point floor with 2 line units (2 M) and 1 market unit (4 M). One more point of floor
    # is half a market unit: 2 M, i.e. 2 objective units (cost_weight 1)
    floor = [{"kind": "capability", "role": "artillery", "period": 2026, "minimum": 6}]
    s = tiny(requirements=floor)
    s.header.objective.mode = "weighted"
    s.header.objective.interoperability_weight = 0.0
    p = forceplan.plan(s)
    assert p.stock["quantity"].tolist() == [3]
    got = rows(explain_plan(p)["binding"])
    assert got[("capability-floor", "role=artillery, period=2026")] == (
        pytest.approx(-2.0),
        "weighted",
    )
    assert got[("line-capacity", "line=ua-m777, period=2026")] == (pytest.approx(3.0), "weighted")


EXPANDABLE = [
    {
        "id": "ua-m777",
        "country": "Ukraine",
        "product": "m777",
        "capacity": 2,
        "unit_cost": 1,
        "expansion_size": 2,
        "expansion_cost": 1,
        "expansion_lead_time": 1,
        "max_expansions": 1,
    }
]


def test_fixed_expansion_and_what_one_more_would_be_worth() -> None:
    # two periods, 10 M each. Without the expansion: 4 units a year -> stock 4, 8: 24 points.
    # Expanding in 2026 (1 M): 2026 line 2 + market 7/4 = 3.75; 2027 line 4 (4 M) + market 6/4:
    # stock 9.25; 2 x (3.75 + 9.25) = 26 points. So the plan expands once, its maximum.
    # A 2nd expansion in 2026: -1 M in 2026 (1 M = 1/4 unit x 2 points x 2 periods = 1 point)
    # and +2 line units in 2027 (each 0.75 unit x 2 points = 1.5): worth -1 + 3 = 2 points.
    p = forceplan.plan(tiny(periods=2, lines=EXPANDABLE))
    lines = p.lines.set_index("period")
    assert lines.loc[2026, "expansions_ordered"] == 1
    assert p.objective["interoperability"] == pytest.approx(26)
    b = explain_plan(p)["binding"]
    expand = b[b["constraint"] == "line-expand"]
    assert expand["coordinates"].tolist() == ["line=ua-m777, period=2026"]
    assert expand["dual"].iloc[0] == pytest.approx(2.0)
    assert (
        expand["text"]
        .iloc[0]
        .startswith(
            "the ua-m777 line (m777) has used all the expansions it may have (1): one more "
            "allowed, ordered in 2026, adds 2 interoperable capability points"
        )
    )
    # the integer decisions read back from the plan tables give the same duals
    bundle = build_model(p.scenario)
    fixed = integer_values_from_tables(bundle, p.tables)
    assert fixed["line-expand"].tolist() == [[1.0, 0.0]]
    again = shadow_prices(p.scenario, fixed, bundle=bundle)
    assert again["dual"].tolist() == pytest.approx(b["dual"].tolist())
