"""Donors family: donations draw the stockpile down; lines replenish it by the deadline."""

from __future__ import annotations

import pytest

from tests.model.tiny import equipment, scenario, series, solve


def _donor_scenario(minimum: float, replenish_by: int = 2028) -> object:
    return scenario(
        periods=3,
        equipment=[equipment("m777")],
        sources=[
            {"id": "us-don", "kind": "donor", "country": "USA", "item": "m777", "quantity": 6}
        ],
        donors=[
            {
                "country": "USA",
                "item": "m777",
                "stock": 10,
                "minimum": minimum,
                "replenish_by": replenish_by,
            }
        ],
        lines=[
            {"id": "us-line", "country": "USA", "product": "m777", "capacity": 3, "unit_cost": 1}
        ],
        budgets=[
            {"stream": "us", "owner": "USA", "period": y, "amount": 100} for y in (2026, 2027, 2028)
        ],
        budget_uses=[
            {"stream": "us", "use": "acquisition", "country": "USA"},
            {"stream": "us", "use": "replenishment", "country": "USA"},
        ],
    )


def test_donor_replenished_by_its_deadline() -> None:
    # The USA holds 10 M777 and must be back at 10 by the end of 2028. It may donate 6 a year;
    # its line makes 3 a year, to Ukraine or back into the stockpile. Stage 2 maximises
    # the force's stock summed over 2026-2028, i.e. 3 x (2026 arrivals) + 2 x (2027) + 1 x (2028).
    # Each donated unit must be replaced by a line unit: donating in 2026 (worth 3) and
    # replenishing in 2027 (a line unit worth 2) or 2028 (worth 1) pays; so:
    #   donations 6, 0, 0; line to the force 3, 0, 0; line to the stockpile 0, 3, 3
    #   force stock 9, 9, 9 (sum 27); stockpile 10 - 6 = 4, 7, 10.
    p = solve(_donor_scenario(minimum=10))
    d = p.donors
    assert series(d, "donated", donor="USA:m777") == [6, 0, 0]
    assert series(d, "replenished", donor="USA:m777") == [0, 3, 3]
    assert series(d, "stock", donor="USA:m777") == [4, 7, 10]
    assert series(d, "minimum", donor="USA:m777") == [0, 0, 10]
    assert series(p.lines, "to_force", line="us-line") == [3, 0, 0]
    assert series(p.lines, "output", line="us-line") == [3, 3, 3]
    assert series(p.stock, "quantity", equipment="m777") == [9, 9, 9]
    assert series(p.budgets, "replenishment", stream="us") == [0, 3, 3]
    assert series(p.budgets, "acquisition", stream="us") == [3, 0, 0]
    assert p.shortfalls.empty


def test_donor_minimum_out_of_reach_is_a_shortfall() -> None:
    # A minimum of 25 against a stockpile of 10 and at most 9 units of line output: the best
    # is to donate nothing and replenish all 9 (stage 1 first): stock 13, 16, 19; 6 short in
    # 2028 (the replenish-by period; earlier periods carry no minimum).
    p = solve(_donor_scenario(minimum=25))
    assert series(p.donors, "stock", donor="USA:m777") == [13, 16, 19]
    assert series(p.donors, "shortfall", donor="USA:m777") == [0, 0, 6]
    assert p.shortfalls["text"].tolist() == [
        "USA's stockpile of m777 in 2028 is 6 units below its minimum of 25 units"
    ]
    assert p.objective["shortfall"] == pytest.approx(6 / 25)
