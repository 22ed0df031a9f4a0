"""Whole units: batteries bought in whole lots, losses rounded to whole units."""

from __future__ import annotations

import pytest

from tests.model.tiny import at, equipment, scenario, series, solve


def _battery_scenario(lot: float, whole: str = "yes") -> object:
    # Launchers worth 1 point each, 1 M each from one source; a floor of 20 points.
    return scenario(
        equipment=[
            equipment("launcher", whole_units=whole, **{"class": "air-defence-long"}),
        ],
        sources=[
            {
                "id": "us-fms",
                "kind": "market",
                "country": "USA",
                "item": "launcher",
                "quantity": 40,
                "price": 1,
                "lot_size": lot,
            }
        ],
        budgets=[{"stream": "fund", "owner": "UA", "period": 2026, "amount": 100}],
        budget_uses=[{"stream": "fund", "use": "acquisition"}],
        requirements=[{"kind": "capability", "role": "artillery", "period": 2026, "minimum": 20}],
    )


def test_a_battery_is_bought_in_whole_lots() -> None:
    # Lots of 8 launchers (a battery): 20 points need 3 batteries, 24 launchers for 24 M.
    p = solve(_battery_scenario(lot=8))
    assert at(p.deliveries, "quantity", source="us-fms") == 24
    assert series(p.stock, "quantity", equipment="launcher") == [24]
    assert p.objective["cost"] == pytest.approx(24)
    assert p.model.variables["supply-lots"].attrs["integer"]
    lots = p.model.variables["supply-lots"].solution.sel(source="us-fms", period=2026)
    assert float(lots) == pytest.approx(3)


def test_divisible_items_are_bought_exactly() -> None:
    # The same source for a divisible type (lot_size only applies to whole units): 20 bought.
    p = solve(_battery_scenario(lot=8, whole="no"))
    assert at(p.deliveries, "quantity", source="us-fms") == 20
    assert "supply-lots" not in p.model.variables


def test_losses_of_whole_units_round_to_the_nearest_unit() -> None:
    # 10 guns in whole units, 14 % attrition: 1.4 -> 1 lost in 2026 (9 left), 1.26 -> 1 in 2027
    # (8 left). A floor of 8 points keeps every gun in service.
    s = scenario(
        periods=2,
        equipment=[equipment("gun", whole_units="yes")],
        inventory=[{"equipment": "gun", "quantity": 10}],
        attrition=[{"class": "towed-artillery", "intensity": "high", "rate": 0.14}],
        requirements=[
            {"kind": "capability", "role": "artillery", "period": y, "minimum": 8}
            for y in (2026, 2027)
        ],
    )
    p = solve(s)
    assert series(p.losses, "quantity", equipment="gun") == [1, 1]
    assert series(p.stock, "quantity", equipment="gun") == [9, 8]


def test_a_whole_unit_holding_rounds_its_serviceable_share() -> None:
    # 7 guns, 85 % serviceable: 5.95 -> 6 whole guns in service (a divisible type keeps 5.95).
    def build(whole: str) -> object:
        return scenario(
            equipment=[equipment("gun", whole_units=whole)],
            inventory=[{"equipment": "gun", "quantity": 7, "serviceable": 0.85}],
            requirements=[
                {"kind": "capability", "role": "artillery", "period": 2026, "minimum": 10}
            ],
        )

    assert series(solve(build("yes")).stock, "quantity", equipment="gun") == [6]
    assert series(solve(build("no")).stock, "quantity", equipment="gun") == [5.95]
