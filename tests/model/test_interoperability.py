"""Interoperability family: the target per period, in linear form, moves kit to reserve."""

from __future__ import annotations

import pytest

from tests.model.tiny import at, equipment, scenario, series, solve


def _force(target: float) -> object:
    # 10 M777 (NATO, score 1) and 30 D-20 (Soviet, score 0), one point each; floor 20 points;
    # D-20s cost 0.1 a year to run (paid by ua).
    return scenario(
        equipment=[equipment("m777"), equipment("d20", family="soviet", operating_cost=0.1)],
        inventory=[{"equipment": "m777", "quantity": 10}, {"equipment": "d20", "quantity": 30}],
        requirements=[
            {"kind": "capability", "role": "artillery", "period": 2026, "minimum": 20},
            {"kind": "interoperability", "period": 2026, "minimum": target},
        ],
        budgets=[{"stream": "ua", "owner": "UKR", "period": 2026, "amount": 100}],
        budget_uses=[{"stream": "ua", "use": "operation"}],
    )


def test_interoperability_target_moves_kit_to_reserve() -> None:
    # Index = 10 / (10 + D-20s in service) >= 0.5 needs D-20s <= 10; the floor needs >= 10.
    # So 20 D-20s go to reserve (early retirement is not allowed); the index is exactly 0.5;
    # cost 10 x 0.1 + 20 x 0.025 (reserve upkeep, a quarter) = 1.5.
    p = solve(_force(0.5))
    assert at(p.reserve, "to_reserve", equipment="d20") == 20
    assert p.retirements.empty
    assert series(p.stock, "quantity", equipment="d20") == [10]
    assert series(p.interoperability, "index") == [0.5]
    assert series(p.interoperability, "shortfall") == [0]
    assert series(p.capability, "capability", role="artillery") == [20]
    assert p.objective["cost"] == pytest.approx(1.5)
    assert p.shortfalls.empty


def test_unreachable_target_still_yields_a_plan_with_shortfall_in_words() -> None:
    # Target 0.8 with the floor of 20: keeping x D-20s costs (10 - x)/20 of floor below 10 and
    # (0.8 x - 2)/40 of target (V = 40 points of opening force) above 2.5; the sum falls until
    # x = 10: floor met, target missed by 0.8 x 10 - 0.2 x 10 = 6 points = 0.3 of index.
    p = solve(_force(0.8))
    assert series(p.stock, "quantity", equipment="d20") == [10]
    io = p.interoperability.iloc[0]
    assert (io["index"], io["target"], io["shortfall"], io["shortfall_points"]) == (
        0.5,
        0.8,
        0.3,
        6,
    )
    assert p.shortfalls["text"].tolist() == [
        "the interoperability index in 2026 is 0.300 below its target of 0.800 "
        "(6 capability points)"
    ]
    assert p.objective["shortfall"] == pytest.approx(6 / 40)
