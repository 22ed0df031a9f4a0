"""Donors family: donations draw the stockpile down; lines replenish it by the deadline."""

from __future__ import annotations

import pytest

from tests.model.tiny import equipment, scenario, series, solve


def _donor_scenario(minimum: float, replenish_by: int = 2028, **donor: object) -> object:
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
                **donor,
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
        requirements=[
            {"kind": "capability", "role": "artillery", "period": y, "minimum": 9}
            for y in (2026, 2027, 2028)
        ],
    )


def test_donor_replenished_by_its_deadline() -> None:
    # The USA holds 10 M777 and must be back at 10 by the end of 2028. It may donate 6 a year;
    # its line makes 3 a year, to Ukraine or back into the stockpile. The force needs 9 guns
    # from 2026: the line's 3 and 6 donated; the stockpile (at most its opening 10) may dip
    # before 2028 ("restore") and the line refills it with its 2027 and 2028 output; so:
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
    # A soft minimum of 25 against a stockpile of 10 and at most 9 units of line output. The
    # force's floor of 9 guns a year (a gun short weighs 1/9) outweighs the stockpile (a unit
    # short in 2028 weighs 1/25): the same donations as above, and the stockpile is back at
    # 10 in 2028, 15 short of its minimum (the replenish-by period; none before).
    p = solve(_donor_scenario(minimum=25, soft_minimum="yes"))
    assert series(p.donors, "stock", donor="USA:m777") == [4, 7, 10]
    assert series(p.donors, "shortfall", donor="USA:m777") == [0, 0, 15]
    assert p.shortfalls["text"].tolist() == [
        "USA's stockpile of m777 in 2028 is 15 units below its minimum of 25 units"
    ]
    assert p.objective["shortfall"] == pytest.approx(15 / 25)


def test_a_hard_minimum_without_replenish_by_is_kept_in_every_period() -> None:
    # "keep": 10 M777, minimum 7, no replenish_by, no line output allowed to replenish (the
    # line is the force's only other source). The force wants 9: at most 3 may be donated in
    # any period, so 3 donated + 3 from the line = 6 in 2026; the line adds 3 a year.
    p = solve(_donor_scenario(minimum=7, replenish_by=None))
    assert series(p.donors, "stock", donor="USA:m777") == [7, 7, 7]
    assert series(p.donors, "minimum", donor="USA:m777") == [7, 7, 7]
    assert series(p.stock, "quantity", equipment="m777") == [6, 9, 9]
    assert series(p.capability, "shortfall", role="artillery") == [3, 0, 0]
    assert "donor-shortfall" not in p.model.variables
