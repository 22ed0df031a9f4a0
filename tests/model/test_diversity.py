"""Diversity family: a limit on types per class; a penalty per type in service."""

from __future__ import annotations

import pytest

from tests.model.tiny import at, equipment, scenario, series, solve


def _two_guns(objective: dict | None) -> object:
    # Gun A: 2 points, price 3; gun B: 1 point, price 1; 10 of each on offer; 12 to spend.
    return scenario(
        objective=objective,
        equipment=[equipment("gun-a", value=2), equipment("gun-b", value=1)],
        sources=[
            {
                "id": "a-mkt",
                "kind": "market",
                "country": "USA",
                "item": "gun-a",
                "quantity": 10,
                "price": 3,
            },
            {
                "id": "b-mkt",
                "kind": "market",
                "country": "USA",
                "item": "gun-b",
                "quantity": 10,
                "price": 1,
            },
        ],
        budgets=[{"stream": "ua", "owner": "UKR", "period": 2026, "amount": 12}],
        budget_uses=[{"stream": "ua", "use": "acquisition"}],
        requirements=[{"kind": "capability", "role": "artillery", "period": 2026, "minimum": 12}],
    )


def test_diversity_limit_picks_one_type_over_two() -> None:
    # A floor of 12 points. Without a limit, stage 1 buys B first (1 point per unit of money)
    # then A (2/3): 10 B + 2/3 A = 11.33 points. With one type per class: A alone gives
    # 12 / 3 = 4 guns = 8 points, B alone 10 guns = 10 points: B wins.
    free = solve(_two_guns(None))
    assert at(free.stock, "quantity", equipment="gun-b") == 10
    assert at(free.stock, "quantity", equipment="gun-a") == pytest.approx(2 / 3, abs=1e-6)

    limited = solve(_two_guns({"max_types_per_class": 1}))
    assert at(limited.stock, "quantity", equipment="gun-b") == 10
    assert at(limited.stock, "quantity", equipment="gun-a") == 0
    assert limited.objective["interoperability"] == pytest.approx(10)
    assert limited.model.variables["diversity-in_service"].attrs["binary"]


def test_type_penalty_removes_a_type() -> None:
    # Floor 6 points; 5 A (free to run) and 10 B (0.1 a year each, 0.025 in reserve). Without
    # a penalty the cheapest plan keeps 5 A + 1 B in service and 9 B in reserve (cost 0.1 +
    # 0.225). With 1 per type in service, B alone costs 6 x 0.1 + 4 x 0.025 + 1 = 1.7 against
    # 0.325 + 2 for both types: A goes to reserve (types in reserve are not in service).
    def build(penalty: float) -> object:
        return scenario(
            objective={"type_penalty": penalty} if penalty else None,
            equipment=[
                equipment("gun-a", family="soviet"),
                equipment("gun-b", family="soviet", operating_cost=0.1),
            ],
            inventory=[
                {"equipment": "gun-a", "quantity": 5},
                {"equipment": "gun-b", "quantity": 10},
            ],
            requirements=[
                {"kind": "capability", "role": "artillery", "period": 2026, "minimum": 6}
            ],
            budgets=[{"stream": "ua", "owner": "UKR", "period": 2026, "amount": 100}],
            budget_uses=[{"stream": "ua", "use": "operation"}],
        )

    plain = solve(build(0))
    assert series(plain.stock, "quantity", equipment="gun-a") == [5]
    assert series(plain.stock, "quantity", equipment="gun-b") == [1]
    assert plain.objective["cost"] == pytest.approx(0.325)
    penalised = solve(build(1.0))
    assert series(penalised.stock, "quantity", equipment="gun-a") == [0]
    assert series(penalised.stock, "quantity", equipment="gun-b") == [6]
    assert series(penalised.reserve, "in_reserve", equipment="gun-a") == [5]
    assert penalised.objective["cost"] == pytest.approx(1.7)
