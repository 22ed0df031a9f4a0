"""Budgets family: streams pay only their allowed uses and countries; unfunded operation."""

from __future__ import annotations

import pytest

from tests.model.tiny import at, equipment, scenario, series, solve


def test_stream_pays_only_its_own_countrys_industry() -> None:
    # One year. M777 from the USA (price 2) or Germany (price 1), 10 each at most.
    # us-fms (20) may only pay US suppliers; ua (3) may pay anyone.
    # Stage 2 buys as many as possible: us-fms buys 20 / 2 = 10 US guns; ua's 3 buys 3 German
    # guns (1.5 US guns otherwise): 13 guns. If us-fms could pay Germany, 10 German guns for
    # 10 and 6.5 US guns for the remaining 13 would give 16.5.
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
    # 10 M777 cost 1 a year each to operate; no stream may pay operation. Stage 1 weighs the
    # unfunded cost per unit of the fleet's operating cost (1/10 per gun kept) against the
    # floor of 6 points (1/6 per gun short): keep 6, retire 4; 6 unfunded.
    s = scenario(
        equipment=[equipment("m777", operating_cost=1)],
        inventory=[{"equipment": "m777", "quantity": 10}],
        requirements=[{"kind": "capability", "role": "artillery", "period": 2026, "minimum": 6}],
    )
    p = solve(s)
    assert series(p.stock, "quantity", equipment="m777") == [6]
    assert at(p.retirements, "quantity", equipment="m777") == 4
    assert p.shortfalls["text"].tolist() == [
        "operating costs in 2026 exceed the funds allowed to pay them by 6 USD million"
    ]
    assert p.objective["shortfall"] == pytest.approx(0.6)
    assert p.objective["cost"] == pytest.approx(6)


def test_operating_cost_paid_by_the_operation_stream() -> None:
    # The same fleet with a stream allowed to pay operation (8 a year): keep 8 (stage 1: no
    # unfunded cost up to 8; stage 2 keeps all it can), 2 retired; 8 spent on operation.
    s = scenario(
        equipment=[equipment("m777", operating_cost=1)],
        inventory=[{"equipment": "m777", "quantity": 10}],
        budgets=[{"stream": "ua", "owner": "UKR", "period": 2026, "amount": 8}],
        budget_uses=[{"stream": "ua", "use": "operation"}],
    )
    p = solve(s)
    assert series(p.stock, "quantity", equipment="m777") == [8]
    assert at(p.budgets, "operation", stream="ua") == 8
    assert p.shortfalls.empty
