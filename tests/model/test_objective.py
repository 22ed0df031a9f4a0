"""Objective: lexicographic order (shortfall beats cost) against a weighted sum."""

from __future__ import annotations

import pytest

from tests.model.tiny import equipment, scenario, series, solve


def _expensive_floor(objective: dict | None = None) -> object:
    # A floor of 10 points that only expensive Soviet guns (score 0, price 100) can fill.
    return scenario(
        objective=objective,
        equipment=[equipment("d20", family="soviet")],
        sources=[
            {
                "id": "bg-mkt",
                "kind": "market",
                "country": "BGR",
                "item": "d20",
                "quantity": 20,
                "price": 100,
            }
        ],
        budgets=[{"stream": "ua", "owner": "UKR", "period": 2026, "amount": 5000}],
        budget_uses=[{"stream": "ua", "use": "acquisition"}],
        requirements=[{"kind": "capability", "role": "artillery", "period": 2026, "minimum": 10}],
    )


def test_lexicographic_shortfall_beats_cost() -> None:
    # Stage 1 removes the shortfall whatever it costs: 10 guns; stage 2 is indifferent (score
    # 0); stage 3 buys no more than needed: exactly 10 guns, cost 1000.
    p = solve(_expensive_floor())
    assert series(p.stock, "quantity", equipment="d20") == [10]
    assert p.objective["shortfall"] == 0
    assert p.objective["cost"] == pytest.approx(1000)
    # stage 1's optimum is held for the later stages; the interoperability part is empty
    # (every type scores 0), so stage 2 has nothing to hold
    assert [name for name in p.model.constraints if name.startswith("objective-")] == [
        "objective-bound_shortfall",
    ]


def test_weighted_mode_trades_shortfall_against_cost() -> None:
    # Weighted: shortfall_weight 1 per 100 % of a floor missed, cost_weight 1 per USD million:
    # 10 guns cost 1000 but remove only 1.0 of weighted shortfall: buy nothing.
    p = solve(_expensive_floor({"mode": "weighted", "shortfall_weight": 1.0}))
    assert series(p.stock, "quantity", equipment="d20") == [0]
    assert p.objective["shortfall"] == pytest.approx(1.0)
    assert p.objective["total"] == pytest.approx(1.0)
    # the mode can also be chosen per call
    q = solve(_expensive_floor({"shortfall_weight": 1.0}), mode="weighted")
    assert series(q.stock, "quantity", equipment="d20") == [0]
    assert q.options["mode"] == "weighted"
