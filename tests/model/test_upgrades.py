"""Upgrades family: depot capacity, lead time, units leave at the start and return upgraded."""

from __future__ import annotations

import pytest

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
