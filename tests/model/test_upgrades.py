"""Upgrades family: depot capacity, lead time, units leave at the start and return upgraded."""

from __future__ import annotations

import pandas as pd
import pytest

from forceplan.domain.scenario import Scenario
from forceplan.model.build import build_model
from tests.model.tiny import equipment, scenario, series, solve


def test_upgrade_with_lead_time() -> None:
    # 10 D-20 (Soviet, score 0) can be retrofitted into D-20M (score 1) in a depot taking 4 a
    # year with a lead time of 1 year, cost 1 each. The interoperability target of 1.0 in 2029
    # needs all 10 upgraded by then; a unit in the depot is out of service, and floors of 6,
    # 6, 8 and 10 guns allow at most 4, 4 and 2 in the depot in 2026-2028: starts 4 + 4 + 2,
    # the only schedule (a start in 2029 would return after the horizon, so none exists).
    #   D-20M: 2026 0, 2027 4, 2028 8, 2029 10   (sum 22)
    #   D-20 : 2026 6, 2027 2, 2028 0, 2029 0
    #   cost 10 x 1 = 10, paid when the upgrade starts.
    s = scenario(
        periods=4,
        equipment=[equipment("d20", family="soviet"), equipment("d20m")],
        inventory=[{"equipment": "d20", "quantity": 10}],
        upgrades=[
            {
                "id": "d20-nato",
                "from_equipment": "d20",
                "to_equipment": "d20m",
                "unit_cost": 1,
                "capacity": 4,
                "lead_time": 1,
            },
        ],
        budgets=[
            {"stream": "fund", "owner": "UA", "period": y, "amount": 100}
            for y in (2026, 2027, 2028, 2029)
        ],
        budget_uses=[{"stream": "fund", "use": "upgrade"}],
        requirements=[
            *(
                {"kind": "capability", "role": "artillery", "period": y, "minimum": m}
                for y, m in ((2026, 6), (2027, 6), (2028, 8), (2029, 10))
            ),
            {"kind": "interoperability", "period": 2029, "minimum": 1.0},
        ],
    )
    p = solve(s)
    assert series(p.stock, "quantity", equipment="d20m") == [0, 4, 8, 10]
    assert series(p.stock, "quantity", equipment="d20") == [6, 2, 0, 0]
    u = p.upgrades
    assert u[["period_started", "period_completed", "quantity", "cost"]].values.tolist() == [
        [2026, 2027, 4, 4],
        [2027, 2028, 4, 4],
        [2028, 2029, 2, 2],
    ]
    assert series(p.budgets, "upgrade", stream="fund") == [4, 4, 2, 0]
    assert p.objective["interoperability"] == pytest.approx(22, abs=1e-6)
    assert int(p.model.variables["upgrade-start"].labels.sel(upgrade="d20-nato", period=2029)) == -1


def _hull_scenario(extends_life: str) -> Scenario:
    # 10 D-20 whose hulls have 2 years of life left (in service 2026 and 2027, gone in
    # 2028); a depot can turn all 10 into D-20M in 2026 (back in 2027) at 1 each; new D-20M
    # cost 5 each from the market, delivered in the year ordered. Floors: 10 guns in
    # 2027-2029, none in 2026.
    return scenario(
        periods=4,
        equipment=[equipment("d20", family="soviet"), equipment("d20m")],
        inventory=[{"equipment": "d20", "quantity": 10, "remaining_life": 2}],
        upgrades=[
            {
                "id": "d20-nato",
                "from_equipment": "d20",
                "to_equipment": "d20m",
                "unit_cost": 1,
                "capacity": 10,
                "lead_time": 1,
                "extends_life": extends_life,
            },
        ],
        sources=[
            {
                "id": "mkt",
                "kind": "market",
                "country": "USA",
                "item": "d20m",
                "quantity": 20,
                "price": 5,
                "lead_time": 0,
            }
        ],
        budgets=[
            {"stream": "fund", "owner": "UA", "period": y, "amount": 100}
            for y in (2026, 2027, 2028, 2029)
        ],
        budget_uses=[
            {"stream": "fund", "use": "upgrade"},
            {"stream": "fund", "use": "acquisition"},
        ],
        requirements=[
            {"kind": "capability", "role": "artillery", "period": y, "minimum": 10}
            for y in (2027, 2028, 2029)
        ],
    )


def test_upgrade_keeps_the_hulls_remaining_life() -> None:
    # extends_life no (the default): an upgraded D-20 keeps its hull's life, so the 10 D-20M
    # from the depot would also leave at the end of 2027. Upgrading buys nothing: the D-20
    # cover 2027 as they are, and 10 new D-20M are bought for 2028 (cost 50).
    p = solve(_hull_scenario("no"))
    assert p.status == "optimal"
    assert p.upgrades["quantity"].sum() == pytest.approx(0, abs=1e-6)
    assert series(p.stock, "quantity", equipment="d20m") == pytest.approx([0, 0, 10, 10])
    assert p.objective["cost"] == pytest.approx(50, abs=1e-6)


def test_upgrade_that_extends_life_starts_a_full_life() -> None:
    # extends_life yes (a rebuild): the 10 upgraded in 2026 serve the to-type's full life,
    # covering 2027-2029 at 10; nothing is bought.
    p = solve(_hull_scenario("yes"))
    assert series(p.stock, "quantity", equipment="d20m") == pytest.approx([0, 10, 10, 10])
    assert p.upgrades["quantity"].sum() == pytest.approx(10)
    assert p.objective["cost"] == pytest.approx(10, abs=1e-6)


def test_kept_hull_life_ends_in_the_upgraded_fleet() -> None:
    # Half the hulls (5 of 10) end their life after 2026, the rest after 2027. Upgrades of
    # 10 in 2026 keep those lives: of the 10 back in 2027, 5 are past their life on return
    # and 5 serve 2027 only, so the D-20M stock can be at most 5 in 2027 and 0 after.
    s = _hull_scenario("no")
    s.tables["inventory"] = pd.DataFrame(
        {
            "equipment": ["d20", "d20"],
            "formation": ["", ""],
            "quantity": [5.0, 5.0],
            "serviceable": [1.0, 1.0],
            "remaining_life": [1.0, 2.0],
            "source": ["notional", "notional"],
        }
    )
    bundle = build_model(s)
    life = bundle.flows["upgrade_life"]
    rows, _, coeffs = life.arrays()
    _, t = divmod(rows, 4)
    kept = {(int(t_), round(float(c), 6)) for t_, c in zip(t, coeffs, strict=True)}
    # start 2026 (alive 10) -> 2027 (alive 5): survive 0.5; start 2027 (alive 5) -> 2028: 0
    assert kept == {(1, 0.5)}
    ends = bundle.flows["upgrade_life_end"]
    rows, _, coeffs = ends.arrays()
    _, t = divmod(rows, 4)
    assert sorted((int(a), round(float(c), 6)) for a, c in zip(t, coeffs, strict=True)) == [
        (1, 0.5),
        (2, 0.5),
        (2, 1.0),
    ]
