"""Capability family: floors per role and period, shortfalls in plain words."""

from __future__ import annotations

from tests.model.tiny import equipment, scenario, series, solve


def test_floor_per_role_and_shortfall_in_words() -> None:
    # 12 M777 (2 points each) give artillery 24 points against a floor of 20; 2 NASAMS
    # (10 points each, nothing to buy) give air defence 20 against 30: 10 points short.
    s = scenario(
        equipment=[
            equipment("m777", value=2),
            equipment("nasams", value=10, role="air-defence", **{"class": "air-defence-medium"}),
        ],
        inventory=[{"equipment": "m777", "quantity": 12}, {"equipment": "nasams", "quantity": 2}],
        requirements=[
            {"kind": "capability", "role": "artillery", "period": 2026, "minimum": 20},
            {"kind": "capability", "role": "air-defence", "period": 2026, "minimum": 30},
        ],
    )
    p = solve(s)
    assert series(p.capability, "capability", role="artillery") == [24]
    assert series(p.capability, "capability", role="air-defence") == [20]
    assert series(p.capability, "shortfall", role="air-defence") == [10]
    assert series(p.capability, "floor", role="artillery") == [20]
    row = p.shortfalls.iloc[0]
    assert row["constraint"] == "capability-floor"
    assert row["coordinates"] == "role=air-defence, period=2026"
    assert row["text"] == "air defence capability in 2026 is 10 points below its floor of 30"
    assert p.objective["shortfall"] == 10 / 30
