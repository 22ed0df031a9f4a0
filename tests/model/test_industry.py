"""The home industry: a domestic-share target buys from a dearer domestic line; capacity targets."""

from __future__ import annotations

import pytest

from tests.model.tiny import at, equipment, scenario, series, solve


def _two_lines(requirements: list[dict]) -> object:
    # 10 guns needed (floor); a foreign line makes them for 1 M each, the home (Ukrainian) line
    # for 2 M each, 6 a year at most, expandable by 4 a year (cost 5, on line a year later).
    return scenario(
        periods=2,
        equipment=[equipment("gun")],
        lines=[
            {"id": "us-line", "country": "USA", "product": "gun", "capacity": 20, "unit_cost": 1},
            {
                "id": "ua-line",
                "country": "Ukraine",
                "product": "gun",
                "capacity": 6,
                "unit_cost": 2,
                "expansion_size": 4,
                "expansion_cost": 5,
                "expansion_lead_time": 1,
                "max_expansions": 1,
            },
        ],
        budgets=[
            {"stream": "fund", "owner": "UA", "period": y, "amount": 100} for y in (2026, 2027)
        ],
        budget_uses=[
            {"stream": "fund", "use": "acquisition"},
            {"stream": "fund", "use": "expansion"},
        ],
        requirements=[
            {"kind": "capability", "role": "artillery", "period": 2026, "minimum": 10},
            *requirements,
        ],
        header={"country": "Ukraine"},
    )


def test_a_domestic_share_buys_from_the_dearer_domestic_line() -> None:
    # Without a target: 10 foreign guns for 10 M. With half of 2026's acquisition spending to go
    # to the home line: x home guns (2 M each) and 10 - x foreign (1 M): 2x >= 0.5 (10 + x)
    # -> x >= 10/3: 3.33 home guns, 6.67 foreign; spending 6.67 + 6.67 = 13.33 M, half at home.
    free = solve(_two_lines([]))
    assert at(free.lines, "output", line="ua-line", period=2026) == 0
    share = [{"kind": "domestic_share", "period": 2026, "minimum": 0.5}]
    p = solve(_two_lines(share))
    assert at(p.lines, "output", line="ua-line", period=2026) == pytest.approx(10 / 3, abs=1e-5)
    assert at(p.lines, "output", line="us-line", period=2026) == pytest.approx(20 / 3, abs=1e-5)
    ind = p.industry
    assert ind["target"].tolist() == ["domestic_share"]
    assert ind["achieved"].tolist() == [pytest.approx(0.5)]
    assert p.shortfalls.empty


def test_a_domestic_capacity_target_orders_the_expansion() -> None:
    # Home capacity for guns of 10 a period from 2027: the one expansion (+4) ordered in 2026.
    target = [{"kind": "domestic_capacity", "item": "gun", "period": 2027, "minimum": 10}]
    p = solve(_two_lines(target))
    assert series(p.lines, "expansions_ordered", line="ua-line") == [1, 0]
    assert series(p.industry, "achieved", target="domestic_capacity") == [10]
    assert p.shortfalls.empty
    # a target of 12 cannot be met: 2 short, in words
    target[0]["minimum"] = 12
    q = solve(_two_lines(target))
    assert q.shortfalls["text"].tolist() == [
        "home capacity for gun in 2027 is 10 units/period, 2 below the target of 12"
    ]
