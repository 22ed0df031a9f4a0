"""Lines family: an expansion only helps after its lead time; capacity binds output."""

from __future__ import annotations

import pytest

from tests.model.tiny import at, equipment, scenario, series, solve


def test_expansion_only_helps_after_its_lead_time() -> None:
    # A line makes 2 M777 a year (cost 1 each); one expansion (+3 a year, cost 10) comes on
    # line 2 years after it is ordered. Floors of 2, 5, 9 and 14 points:
    #   no expansion:          2, 4, 6, 8   -> short 1, 3 and 6 in 2027-2029
    #   expansion ordered 2027: 2, 4, 6, 11  -> short 1, 3 and 3
    #   expansion ordered 2026: 2, 4, 9, 14  -> short 1 in 2027 only (best; one ordered in 2028
    #                                          or later would come on line after the horizon)
    # The 2027 floor of 5 points is missed by 1 whatever is done: the expansion cannot be
    # on line before 2028.
    # Cost: output 2 + 2 + 5 + 5 = 14, expansion 10 -> 24.
    s = scenario(
        periods=4,
        equipment=[equipment("m777")],
        lines=[
            {
                "id": "us-line",
                "country": "USA",
                "product": "m777",
                "capacity": 2,
                "unit_cost": 1,
                "expansion_size": 3,
                "expansion_cost": 10,
                "expansion_lead_time": 2,
                "max_expansions": 1,
            },
        ],
        budgets=[
            {"stream": "fund", "owner": "UA", "period": y, "amount": 1000}
            for y in (2026, 2027, 2028, 2029)
        ],
        budget_uses=[
            {"stream": "fund", "use": "acquisition"},
            {"stream": "fund", "use": "expansion"},
        ],
        requirements=[
            {"kind": "capability", "role": "artillery", "period": y, "minimum": m}
            for y, m in ((2026, 2), (2027, 5), (2028, 9), (2029, 14))
        ],
    )
    p = solve(s)
    lines = p.lines
    assert series(lines, "capacity", line="us-line") == [2, 2, 5, 5]
    assert series(lines, "output", line="us-line") == [2, 2, 5, 5]
    assert series(lines, "expansions_ordered", line="us-line") == [1, 0, 0, 0]
    assert series(lines, "expansions_online", line="us-line") == [0, 0, 1, 1]
    assert series(lines, "expansion_cost", line="us-line") == [10, 0, 0, 0]
    assert series(p.stock, "quantity", equipment="m777") == [2, 4, 9, 14]
    assert at(p.capability, "shortfall", role="artillery", period=2027) == 1
    assert p.objective["cost"] == pytest.approx(24, abs=1e-6)
    assert series(p.budgets, "expansion", stream="fund") == [10, 0, 0, 0]
    # line output is a delivery into the force in the same period
    assert p.deliveries["period_ordered"].tolist() == p.deliveries["period_delivered"].tolist()
    assert p.deliveries["quantity"].tolist() == [2, 2, 5, 5]


def test_first_period_of_a_line() -> None:
    # A line that opens in 2027 produces nothing in 2026: floors of 3 and 6 give stock 0, 3, 6.
    s = scenario(
        periods=3,
        equipment=[equipment("m777")],
        lines=[
            {
                "id": "ua-line",
                "country": "UA",
                "product": "m777",
                "capacity": 3,
                "first_period": 2027,
            }
        ],
        requirements=[
            {"kind": "capability", "role": "artillery", "period": y, "minimum": m}
            for y, m in ((2027, 3), (2028, 6))
        ],
    )
    p = solve(s)
    assert series(p.stock, "quantity", equipment="m777") == [0, 3, 6]
    assert series(p.lines, "capacity", line="ua-line") == [0, 3, 3]
