"""Budgets family: streams pay only their allowed uses and countries; unfunded operation."""

from __future__ import annotations

import pytest

from tests.model.tiny import at, equipment, scenario, series, solve


def test_stream_pays_only_its_own_countrys_industry() -> None:
    # One year. M777 from the USA (price 2) or Germany (price 1), 10 each at most.
    # us-fms (20) may only pay US suppliers; ua (3) may pay anyone. A floor of 13 guns.
    # The cheapest 13 within the streams: ua's 3 buys 3 German guns, us-fms buys 10 US guns
    # for 20 (23 in all). If us-fms could pay Germany, 10 German guns and 3 US guns would
    # cost 16.
    s = scenario(
        equipment=[equipment("m777")],
        sources=[
            {
                "id": "us-mkt",
                "kind": "market",
                "country": "USA",
                "item": "m777",
                "quantity": 10,
                "price": 2,
            },
            {
                "id": "de-mkt",
                "kind": "market",
                "country": "DEU",
                "item": "m777",
                "quantity": 10,
                "price": 1,
            },
        ],
        budgets=[
            {"stream": "us-fms", "owner": "USA", "period": 2026, "amount": 20},
            {"stream": "ua", "owner": "UKR", "period": 2026, "amount": 3},
        ],
        budget_uses=[
            {"stream": "us-fms", "use": "acquisition", "country": "USA"},
            {"stream": "ua", "use": "acquisition"},
        ],
        requirements=[{"kind": "capability", "role": "artillery", "period": 2026, "minimum": 13}],
    )
    p = solve(s)
    assert at(p.deliveries, "quantity", source="us-mkt") == 10
    assert at(p.deliveries, "quantity", source="de-mkt") == 3
    assert series(p.stock, "quantity", equipment="m777") == [13]
    b = p.budgets.set_index("stream")
    assert b.loc["us-fms", "spent"] == 20 and b.loc["us-fms", "acquisition"] == 20
    assert b.loc["ua", "spent"] == 3 and b.loc["ua", "available"] == 3
    pay = p.model.variables["budget-pay"]
    # there is no variable for us-fms paying German industry at all
    assert int(pay.labels.sel(stream="us-fms", category="acquisition:DEU", period=2026)) == -1


def test_unfunded_operating_cost_is_a_shortfall() -> None:
    # 10 M777 cost 1 a year each to operate, 0.25 in reserve (the default quarter); no stream
    # may pay operation. Stage 1 weighs the unfunded cost per unit of the fleet's operating
    # cost (1/10 per gun in service, 0.025 per gun in reserve) against the floor of 6 points
    # (1/6 per gun short): 6 in service, 4 in reserve (early retirement is not allowed):
    # 6 + 4 x 0.25 = 7 unfunded.
    s = scenario(
        equipment=[equipment("m777", operating_cost=1)],
        inventory=[{"equipment": "m777", "quantity": 10}],
        requirements=[{"kind": "capability", "role": "artillery", "period": 2026, "minimum": 6}],
    )
    p = solve(s)
    assert series(p.stock, "quantity", equipment="m777") == [6]
    assert at(p.reserve, "in_reserve", equipment="m777") == 4
    assert p.retirements.empty
    assert p.shortfalls["text"].tolist() == [
        "operating costs in 2026 exceed the funds allowed to pay them by 7 USD million"
    ]
    assert p.objective["shortfall"] == pytest.approx(0.7)
    assert p.objective["cost"] == pytest.approx(7)


def test_early_retirement_where_allowed_costs_its_disposal() -> None:
    # The same fleet, early retirement allowed at a disposal cost of 0.1 (less than a year in
    # reserve, 0.25): 6 in service, 4 retired; 6 + 4 x 0.1 = 6.4 unfunded.
    s = scenario(
        equipment=[equipment("m777", operating_cost=1, early_retirement="yes", disposal_cost=0.1)],
        inventory=[{"equipment": "m777", "quantity": 10}],
        requirements=[{"kind": "capability", "role": "artillery", "period": 2026, "minimum": 6}],
    )
    p = solve(s)
    assert series(p.stock, "quantity", equipment="m777") == [6]
    assert at(p.retirements, "early", equipment="m777") == 4
    assert p.reserve.empty
    assert p.objective["cost"] == pytest.approx(6.4)


def test_operating_cost_paid_by_the_operation_stream() -> None:
    # The same fleet with a stream allowed to pay operation (8 a year) and a floor of 7:
    # 7 in service and 3 in reserve cost 7 + 0.75 = 7.75, all paid by the stream.
    s = scenario(
        equipment=[equipment("m777", operating_cost=1)],
        inventory=[{"equipment": "m777", "quantity": 10}],
        budgets=[{"stream": "ua", "owner": "UKR", "period": 2026, "amount": 8}],
        budget_uses=[{"stream": "ua", "use": "operation"}],
        requirements=[{"kind": "capability", "role": "artillery", "period": 2026, "minimum": 7}],
    )
    p = solve(s)
    assert series(p.stock, "quantity", equipment="m777") == [7]
    assert at(p.reserve, "in_reserve", equipment="m777") == 3
    assert at(p.budgets, "operation", stream="ua") == 7.75
    assert p.shortfalls.empty


def _two_streams(grant_priority: int) -> object:
    # 5 M of guns (a floor of 5 guns at 1 M each). ua (listed first, 10 M) and a grant (3 M,
    # listed second) may both pay acquisitions.
    return scenario(
        equipment=[equipment("m777")],
        sources=[
            {
                "id": "mkt",
                "kind": "market",
                "country": "USA",
                "item": "m777",
                "quantity": 10,
                "price": 1,
            }
        ],
        budgets=[
            {"stream": "ua", "owner": "UKR", "period": 2026, "amount": 10, "priority": 2},
            {
                "stream": "grant",
                "owner": "DEU",
                "period": 2026,
                "amount": 3,
                "priority": grant_priority,
            },
        ],
        budget_uses=[
            {"stream": "ua", "use": "acquisition"},
            {"stream": "grant", "use": "acquisition"},
        ],
        requirements=[{"kind": "capability", "role": "artillery", "period": 2026, "minimum": 5}],
    )


def test_stream_priority_decides_who_pays() -> None:
    # The grant ranks first (1): it pays its 3 M, the national budget the other 2 M.
    p = solve(_two_streams(grant_priority=1))
    b = p.budgets.set_index("stream")
    assert (b.loc["grant", "spent"], b.loc["ua", "spent"]) == (3, 2)
    # ranked after the national budget (3), the grant pays nothing; the plan is the same
    q = solve(_two_streams(grant_priority=3))
    b = q.budgets.set_index("stream")
    assert (b.loc["grant", "spent"], b.loc["ua", "spent"]) == (0, 5)
    assert q.objective["cost"] == p.objective["cost"] == pytest.approx(5)
