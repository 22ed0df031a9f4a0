"""Ammunition family: guns without rounds wait in reserve; shortfalls; the war reserve."""

from __future__ import annotations

import pytest

from tests.model.tiny import at, equipment, scenario, series, solve

STANDARDS = [
    {"id": "soviet-152", "family": "soviet", "domain": "ammunition"},
    {"id": "nato-radio", "family": "nato", "domain": "c2-radio"},
]
MUNITIONS = [{"id": "152mm", "family": "soviet", "standard": "soviet-152", "unit": "rounds"}]
USE = [{"equipment": "d20", "munition": "152mm", "use_high": 100}]
NO_SUPPLY = [
    {
        "id": "none",
        "kind": "market",
        "country": "BG",
        "item": "152mm",
        "quantity": 0,
        "unit": "rounds",
    }
]


def test_gun_without_rounds_goes_to_reserve_and_returns_when_rounds_arrive() -> None:
    # 10 D-20 fire 100 rounds of 152 mm each a year; no rounds in stock; the market sells 500
    # rounds in 2026 and 1,000 in 2027 (free). No war reserve here (munition_reserve 0).
    # 2026: no floor, so stage 1 only avoids uncovered consumption: 5 guns fire the 500
    # rounds, the other 5 go to reserve (not retired: early retirement is not allowed).
    # 2027: a floor of 10 guns brings the 5 back (reactivation_time 0): 1,000 rounds fired.
    s = scenario(
        periods=2,
        objective={"munition_reserve": 0.0},
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
                "quantity": 500,
                "last_period": 2026,
                "unit": "rounds",
            },
            {
                "id": "bg-152-more",
                "kind": "market",
                "country": "BG",
                "item": "152mm",
                "quantity": 1000,
                "first_period": 2027,
                "unit": "rounds",
            },
        ],
        requirements=[{"kind": "capability", "role": "artillery", "period": 2027, "minimum": 10}],
    )
    p = solve(s)
    assert series(p.stock, "quantity", equipment="d20") == [5, 10]
    assert series(p.reserve, "to_reserve", equipment="d20") == [5, 0]
    assert series(p.reserve, "from_reserve", equipment="d20") == [0, 5]
    assert series(p.reserve, "in_reserve", equipment="d20") == [5, 0]
    assert p.retirements.empty
    a = p.ammunition
    assert series(a, "supply", munition="152mm") == [500, 1000]
    assert series(a, "consumption", munition="152mm") == [500, 1000]
    assert series(a, "shortfall", munition="152mm") == [0, 0]
    assert p.shortfalls.empty


def test_war_reserve_keeps_rounds_back_and_its_shortfall_is_reported() -> None:
    # 2 years, 10 D-20 at 100 rounds a year each, 2,000 rounds in stock, no supply. The
    # default war reserve holds a quarter of each period's consumption at its end. Stage 1
    # weighs per gun: uncovered consumption 100/1000, a floor of 10 points 1/10, and a
    # reserve shortfall 0.1 x 25 rounds / 1000. With 10 guns both years: 2026 fires 1,000
    # (1,000 left, reserve 250 met); 2027 fires 1,000, 0 left: reserve missed by 250 rounds,
    # weighing 0.1 x 250 / 1000 = 0.025 -- less than one gun short of its floor (0.1) or one
    # gun's rounds short (0.1), so all 10 stay and the reserve shortfall is reported.
    s = scenario(
        periods=2,
        standards=STANDARDS,
        munitions=[{**MUNITIONS[0], "stock": 2000}],
        equipment=[equipment("d20", family="soviet")],
        equipment_munitions=USE,
        inventory=[{"equipment": "d20", "quantity": 10}],
        sources=NO_SUPPLY,
        requirements=[
            {"kind": "capability", "role": "artillery", "period": y, "minimum": 10}
            for y in (2026, 2027)
        ],
    )
    p = solve(s)
    assert series(p.stock, "quantity", equipment="d20") == [10, 10]
    a = p.ammunition
    assert series(a, "closing", munition="152mm") == [1000, 0]
    assert series(a, "reserve_floor", munition="152mm") == [250, 250]
    assert series(a, "reserve_shortfall", munition="152mm") == [0, 250]
    assert p.objective["shortfall"] == pytest.approx(0.025, abs=1e-9)
    assert p.shortfalls["text"].tolist() == [
        "the war reserve of 152mm at the end of 2027 is 250 rounds below its floor of 250 rounds"
    ]


def test_stated_war_reserve_replaces_the_default_share() -> None:
    # A munition_reserve requirement of 600 rounds at the end of 2026 (1 year, 5 D-20 at 100
    # rounds, 1,000 in stock, no floor): the reserve keeps 600, so only 4 guns can fire
    # without a shortfall (400 rounds); the 5th goes to reserve.
    s = scenario(
        standards=STANDARDS,
        munitions=[{**MUNITIONS[0], "stock": 1000}],
        equipment=[equipment("d20", family="soviet")],
        equipment_munitions=USE,
        inventory=[{"equipment": "d20", "quantity": 5}],
        sources=NO_SUPPLY,
        requirements=[
            {"kind": "munition_reserve", "item": "152mm", "period": 2026, "minimum": 600}
        ],
    )
    p = solve(s)
    assert series(p.stock, "quantity", equipment="d20") == [4]
    assert series(p.reserve, "in_reserve", equipment="d20") == [1]
    assert series(p.ammunition, "closing", munition="152mm") == [600]
    assert series(p.ammunition, "reserve_floor", munition="152mm") == [600]
    assert p.shortfalls.empty


def test_uncovered_consumption_is_a_shortfall() -> None:
    # One year, 10 D-20 (score 0), 300 rounds available, floor 5 points. Stage 1 weighs the
    # capability shortfall per point of floor (1/5 per gun) against rounds short per round of
    # the opening fleet's consumption (100/1000 per gun): keeping guns up to the floor pays,
    # beyond it does not. 5 guns: consumption 500, supply 300, shortfall 200 rounds.
    s = scenario(
        periods=1,
        objective={"munition_reserve": 0.0},
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


def test_a_patriot_fires_the_interceptors_there_are() -> None:
    # A battery fires 100 PAC-2 GEM-T or 100 PAC-3 MSE a year (one group: alternatives). 4
    # batteries, 150 PAC-2 in stock and 250 PAC-3 on the market (free), floor of 4 batteries,
    # no war reserve: only the mix 150 PAC-2 + 250 PAC-3 feeds all 4; none goes to reserve.
    s = scenario(
        objective={"munition_reserve": 0.0},
        standards=[{"id": "nato-sam", "family": "nato", "domain": "ammunition"}],
        munitions=[
            {
                "id": "pac-2",
                "family": "nato",
                "standard": "nato-sam",
                "unit": "missiles",
                "stock": 150,
            },
            {"id": "pac-3", "family": "nato", "standard": "nato-sam", "unit": "missiles"},
        ],
        equipment=[equipment("patriot", **{"class": "air-defence-long", "role": "air-defence"})],
        equipment_munitions=[
            {"equipment": "patriot", "munition": "pac-2", "use_high": 100, "group": "sam"},
            {"equipment": "patriot", "munition": "pac-3", "use_high": 100, "group": "sam"},
        ],
        inventory=[{"equipment": "patriot", "quantity": 4}],
        sources=[
            {
                "id": "pac3-mkt",
                "kind": "market",
                "country": "USA",
                "item": "pac-3",
                "quantity": 250,
                "unit": "missiles",
            },
            {
                "id": "pac2-none",
                "kind": "market",
                "country": "DEU",
                "item": "pac-2",
                "quantity": 0,
                "unit": "missiles",
            },
        ],
        requirements=[{"kind": "capability", "role": "air-defence", "period": 2026, "minimum": 4}],
    )
    p = solve(s)
    assert series(p.stock, "quantity", equipment="patriot") == [4]
    assert p.reserve.empty
    use = p.ammunition_use.set_index("munition")["rounds"]
    assert use["pac-2"] + use["pac-3"] == pytest.approx(400)
    assert use["pac-2"] == pytest.approx(150)  # all the PAC-2 there is
    a = p.ammunition.set_index("munition")
    assert a.loc["pac-2", "consumption"] == pytest.approx(150)
    assert a.loc["pac-3", "consumption"] == pytest.approx(250)
    assert p.shortfalls.empty
