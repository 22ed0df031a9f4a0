"""Supply family: a lead time delays a delivery; orders that could only arrive late are absent."""

from __future__ import annotations

import pytest

from tests.model.tiny import at, equipment, scenario, series, solve


def test_lead_time_delays_delivery() -> None:
    # Three years, a market source of 5 M777 a year, price 1, lead time 1 year; money is ample.
    # Nothing ordered can arrive in 2026, so the 2026 floor of 3 points is missed by 3.
    # Floors of 5 in 2027 and 10 in 2028 need orders of 5 in 2026 and in 2027 (arriving 2027
    # and 2028); a 2028 order could only arrive after the horizon, so it does not exist.
    #   stock 2026 = 0, 2027 = 5, 2028 = 5 + 5 = 10; cost = 10 x 1 = 10.
    s = scenario(
        periods=3,
        equipment=[equipment("m777")],
        sources=[
            {
                "id": "us-mkt",
                "kind": "market",
                "country": "USA",
                "item": "m777",
                "quantity": 5,
                "price": 1,
                "lead_time": 1,
            },
        ],
        budgets=[
            {"stream": "fund", "owner": "UA", "period": y, "amount": 100}
            for y in (2026, 2027, 2028)
        ],
        budget_uses=[{"stream": "fund", "use": "acquisition"}],
        requirements=[
            {"kind": "capability", "role": "artillery", "period": y, "minimum": m}
            for y, m in ((2026, 3), (2027, 5), (2028, 10))
        ],
    )
    p = solve(s)
    assert series(p.stock, "quantity", equipment="m777") == [0, 5, 10]
    d = p.deliveries
    assert d[
        ["period_ordered", "period_delivered", "source", "quantity", "cost"]
    ].values.tolist() == [
        [2026, 2027, "us-mkt", 5.0, 5.0],
        [2027, 2028, "us-mkt", 5.0, 5.0],
    ]
    assert at(p.capability, "shortfall", period=2026, role="artillery") == 3
    assert p.shortfalls["text"].tolist() == [
        "artillery capability in 2026 is 3 points below its floor of 3"
    ]
    assert p.objective["cost"] == pytest.approx(10, abs=1e-6)
    # the 2028 order would arrive in 2029: the variable is absent (masked)
    order = p.model.variables["supply-order"]
    assert int(order.labels.sel(source="us-mkt", period=2028)) == -1


def test_source_window_and_quantity_limit() -> None:
    # A donor offers 4 units a year only in 2027 (first = last period), lead time 0, free.
    # Floors of 4 in 2027 and 2028 want all of it: 4 units arrive in 2027 and stay: 0, 4, 4.
    s = scenario(
        periods=3,
        equipment=[equipment("m777")],
        sources=[
            {
                "id": "us-don",
                "kind": "donor",
                "country": "USA",
                "item": "m777",
                "quantity": 4,
                "first_period": 2027,
                "last_period": 2027,
            },
        ],
        donors=[{"country": "USA", "item": "m777", "stock": 100}],
        requirements=[
            {"kind": "capability", "role": "artillery", "period": y, "minimum": 4}
            for y in (2027, 2028)
        ],
    )
    p = solve(s)
    assert series(p.stock, "quantity", equipment="m777") == [0, 4, 4]
    assert series(p.donors, "donated", donor="USA:m777") == [0, 4, 0]
    assert series(p.donors, "stock", donor="USA:m777") == [100, 96, 96]
