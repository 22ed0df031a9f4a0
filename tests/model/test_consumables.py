"""Consumables family: drones expended in use, held as a stockpile, never in service."""

from __future__ import annotations

import pytest

from tests.model.tiny import at, equipment, scenario, series, solve


def _drones(demand_high: float = 100, floor: float | None = None) -> object:
    # 30 FPV drones in store at the start; the market sells 50 a year at 1 each, delivered
    # the year they are ordered; the force uses demand_high a year at high intensity.
    requirements = []
    if floor is not None:
        requirements = [
            {"kind": "capability", "role": "strike", "period": y, "minimum": floor}
            for y in (2026, 2027)
        ]
    return scenario(
        periods=2,
        equipment=[
            equipment(
                "fpv",
                role="strike",
                value=0.01,
                consumable="yes",
                demand_high=demand_high,
                **{"class": "uas"},
            )
        ],
        inventory=[{"equipment": "fpv", "quantity": 30}],
        sources=[
            {
                "id": "mkt",
                "kind": "market",
                "country": "Ukraine",
                "item": "fpv",
                "quantity": 50,
                "price": 1,
                "lead_time": 0,
            }
        ],
        budgets=[
            {"stream": "fund", "owner": "UA", "period": y, "amount": 1000} for y in (2026, 2027)
        ],
        budget_uses=[{"stream": "fund", "use": "acquisition"}],
        requirements=requirements,
    )


def test_a_consumable_is_used_not_held_in_service() -> None:
    # 2026: 30 in store + 50 bought = 80 used of 100 (20 short); 2027: 50 bought, 50 short.
    # Nothing is kept back (a drone kept has no value), every drone on offer is bought (100).
    p = solve(_drones())
    c = p.tables["consumables"]
    assert series(c, "opening", equipment="fpv") == pytest.approx([30, 0])
    assert series(c, "supply", equipment="fpv") == pytest.approx([50, 50])
    assert series(c, "used", equipment="fpv") == pytest.approx([80, 50])
    assert series(c, "closing", equipment="fpv") == pytest.approx([0, 0])
    assert series(c, "shortfall", equipment="fpv") == pytest.approx([20, 50])
    assert p.objective["shortfall"] == pytest.approx(0.2 + 0.5)
    assert p.objective["cost"] == pytest.approx(100)
    # never a platform in service: no stock row, no stock variable
    assert "fpv" not in set(p.stock["equipment"])
    assert (p.model.variables["stock-level"].labels.sel(equipment="fpv") == -1).all()
    short = p.tables["shortfalls"]
    assert set(short["constraint"]) == {"consumable-demand"}
    assert "20 of the 100 fpv the force uses in 2026 are not there" in set(short["text"])


def test_the_drones_used_count_for_their_role() -> None:
    # demand 40 a year: 2026 uses 30 from store + 10 bought, 2027 buys 40. Capability of
    # the strike role is 0.01 x used = 0.4 a year, which meets a floor of 0.4 exactly.
    p = solve(_drones(demand_high=40, floor=0.4))
    assert series(p.tables["consumables"], "used", equipment="fpv") == pytest.approx([40, 40])
    assert p.objective["shortfall"] == pytest.approx(0.0, abs=1e-9)
    assert at(p.capability, "capability", role="strike", period=2026) == pytest.approx(0.4)
    assert p.objective["cost"] == pytest.approx(50)
