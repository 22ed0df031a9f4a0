"""Stock family: attrition losses, end of service life, the first period's balance."""

from __future__ import annotations

import pytest

from tests.model.tiny import at, equipment, scenario, series, solve

ATTRITION = [
    {"class": "towed-artillery", "intensity": "high", "rate": 0.10},
    {"class": "towed-artillery", "intensity": "medium", "rate": 0.05},
    {"class": "towed-artillery", "intensity": "low", "rate": 0.02},
]


def test_attrition_losses_follow_intensity() -> None:
    # 100 serviceable M777 (NATO, so stage 2 keeps every one), intensity high, medium, low.
    # Losses are rate x stock at the start of the period:
    #   2026: 100 x 0.10 = 10   -> 90
    #   2027:  90 x 0.05 = 4.5  -> 85.5
    #   2028: 85.5 x 0.02 = 1.71 -> 83.79
    s = scenario(
        periods=3,
        intensity=["high", "medium", "low"],
        equipment=[equipment("m777")],
        inventory=[{"equipment": "m777", "quantity": 100}],
        attrition=ATTRITION,
    )
    p = solve(s)
    assert series(p.stock, "quantity", equipment="m777") == [90, 85.5, 83.79]
    assert series(p.losses, "quantity", equipment="m777") == [10, 4.5, 1.71]
    assert p.retirements.empty


def test_first_period_balance_is_present() -> None:
    # The linopy shift pitfall: a plain shift drops the first period's balance row. Here it is
    # written with the opening stock on the right-hand side: 80 units x 0.5 serviceable = 40;
    # the loss (10 % of 40 = 4, its own variable stock-loss) leaves 36 in 2026. Without the
    # row, stock-level[2026] would be free.
    s = scenario(
        periods=2,
        equipment=[equipment("m777")],
        inventory=[{"equipment": "m777", "quantity": 80, "serviceable": 0.5}],
        attrition=ATTRITION[:1],
    )
    p = solve(s)
    assert series(p.stock, "quantity", equipment="m777") == [36, 32.4]
    con = p.model.constraints["stock-balance"]
    assert int(con.labels.sel(equipment="m777", period=2026)) >= 0
    assert float(con.rhs.sel(equipment="m777", period=2026)) == pytest.approx(40.0)
    assert series(p.losses, "quantity", equipment="m777") == [4, 3.6]
    assert float(con.rhs.sel(equipment="m777", period=2027)) == 0.0


def test_service_life_ends_opening_and_new_units() -> None:
    # D-20 (Soviet, score 0, floor-bound): 10 units with 2 years of life left leave at the end
    # of 2027: stock 10, 10, 0, 0 and the floor of 10 is missed by 10 in 2028 and 2029.
    # A NATO drone type with a 2-year service life arrives 4 units in 2026 (free donation,
    # only offered that year): alive in 2026 and 2027 ((t - 2026) x 1 year < 2), gone in 2028.
    s = scenario(
        periods=4,
        equipment=[
            equipment("d20", family="soviet"),
            equipment("drone", role="recce", service_life=2, **{"class": "uas"}),
        ],
        inventory=[{"equipment": "d20", "quantity": 10, "remaining_life": 2}],
        sources=[
            {
                "id": "gift",
                "kind": "market",
                "country": "PL",
                "item": "drone",
                "quantity": 4,
                "first_period": 2026,
                "last_period": 2026,
            },
        ],
        requirements=[
            *(
                {"kind": "capability", "role": "artillery", "period": y, "minimum": 10}
                for y in (2026, 2027, 2028, 2029)
            ),
            # a recce floor while the drones live is the reason to take the gift
            *(
                {"kind": "capability", "role": "recce", "period": y, "minimum": 4}
                for y in (2026, 2027)
            ),
        ],
    )
    p = solve(s)
    assert series(p.stock, "quantity", equipment="d20") == [10, 10, 0, 0]
    assert at(p.retirements, "quantity", period=2028, equipment="d20") == 10
    assert at(p.retirements, "end_of_life", period=2028, equipment="d20") == 10
    assert at(p.retirements, "early", period=2028, equipment="d20") == 0
    assert series(p.capability, "shortfall", role="artillery") == [0, 0, 10, 10]
    assert series(p.stock, "quantity", equipment="drone") == [4, 4, 0, 0]
    assert at(p.deliveries, "quantity", source="gift") == 4
