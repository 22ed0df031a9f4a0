"""Ammunition family: supply caps the guns kept; uncovered consumption is a shortfall."""

from __future__ import annotations

import pytest

from tests.model.tiny import at, equipment, scenario, series, solve

STANDARDS = [
    {"id": "soviet-152", "family": "soviet", "domain": "ammunition"},
    {"id": "nato-radio", "family": "nato", "domain": "c2-radio"},
]
MUNITIONS = [{"id": "152mm", "family": "soviet", "standard": "soviet-152", "unit": "rounds"}]
USE = [{"equipment": "d20", "munition": "152mm", "use_high": 100}]


def test_ammunition_supply_caps_152mm_guns_kept() -> None:
    # 10 D-20 fire 100 rounds of 152 mm each a year (high intensity); no rounds in stock; the
    # market sells 500 rounds a year (free). The D-20 carries a NATO radio: its score is
    # 0.2 / (0.3 + 0.2) = 0.4 (c2-radio met, ammunition not), so stage 2 wants to keep guns.
    # Stage 1 keeps consumption covered: 100 x guns <= 500 in 2026, and guns cannot come back
    # once retired: 5 guns in 2026 and in 2027; 5 retired in 2026.
    s = scenario(
        periods=2,
        standards=STANDARDS,
        munitions=MUNITIONS,
        equipment=[equipment("d20", family="soviet")],
        equipment_standards=[
            {"equipment": "d20", "standard": "soviet-152"},
            {"equipment": "d20", "standard": "nato-radio"},
        ],
        equipment_munitions=USE,
        inventory=[{"equipment": "d20", "quantity": 10}],
        sources=[
            {
                "id": "bg-152",
                "kind": "market",
                "country": "BG",
                "item": "152mm",
                "quantity": 500,
                "unit": "rounds",
            }
        ],
    )
    p = solve(s)
    assert series(p.stock, "quantity", equipment="d20") == [5, 5]
    assert at(p.retirements, "quantity", period=2026, equipment="d20") == 5
    a = p.ammunition
    assert series(a, "opening", munition="152mm") == [0, 0]
    assert series(a, "supply", munition="152mm") == [500, 500]
    assert series(a, "consumption", munition="152mm") == [500, 500]
    assert series(a, "closing", munition="152mm") == [0, 0]
    assert series(a, "shortfall", munition="152mm") == [0, 0]
    assert p.ammunition_supply["quantity"].tolist() == [500, 500]
    assert p.objective["interoperability"] == pytest.approx(0.4 * (5 + 5), abs=1e-6)
    assert p.shortfalls.empty


def test_uncovered_consumption_is_a_shortfall() -> None:
    # One year, 10 D-20 (score 0), 300 rounds available, floor 5 points. Stage 1 weighs the
    # capability shortfall per point of floor (1/5 per gun) against rounds short per round of
    # the opening fleet's consumption (100/1000 per gun): keeping guns up to the floor pays,
    # beyond it does not. 5 guns: consumption 500, supply 300, shortfall 200 rounds.
    s = scenario(
        periods=1,
        standards=STANDARDS,
        munitions=MUNITIONS,
        equipment=[equipment("d20", family="soviet")],
        equipment_munitions=USE,
        inventory=[{"equipment": "d20", "quantity": 10}],
        sources=[
            {
                "id": "bg-152",
                "kind": "market",
                "country": "BG",
                "item": "152mm",
                "quantity": 300,
                "unit": "rounds",
            }
        ],
        requirements=[{"kind": "capability", "role": "artillery", "period": 2026, "minimum": 5}],
    )
    p = solve(s)
    assert series(p.stock, "quantity", equipment="d20") == [5]
    assert at(p.ammunition, "shortfall", munition="152mm", period=2026) == 200
    assert p.objective["shortfall"] == pytest.approx(200 / 1000, abs=1e-9)
    row = p.shortfalls.iloc[0]
    assert (row["constraint"], row["coordinates"], row["amount"], row["unit"]) == (
        "ammo-balance",
        "munition=152mm, period=2026",
        200,
        "rounds",
    )
    assert row["text"] == "152mm ammunition in 2026 is 200 rounds short of consumption (500 rounds)"
