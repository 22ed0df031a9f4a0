"""Force generation: the formations due by a period need their slots filled, in vehicles."""

from __future__ import annotations

from tests.model.tiny import equipment, scenario, series, solve


def _brigade(due: int | None) -> object:
    # A brigade of 10 guns; guns bought on the market arrive a year after the order. No
    # capability floor: only the brigade's slots ask for guns.
    return scenario(
        periods=2,
        equipment=[equipment("m777")],
        sources=[
            {
                "id": "us-mkt",
                "kind": "market",
                "country": "USA",
                "item": "m777",
                "quantity": 20,
                "price": 1,
                "lead_time": 1,
            }
        ],
        budgets=[
            {"stream": "fund", "owner": "UA", "period": y, "amount": 100} for y in (2026, 2027)
        ],
        budget_uses=[{"stream": "fund", "use": "acquisition"}],
        formations=[
            {
                "id": "art-1",
                "name": "1st Artillery Brigade",
                "type": "artillery-brigade",
                **({"due_period": due} if due else {}),
            }
        ],
        formation_slots=[{"formation": "art-1", "role": "artillery", "quantity": 10}],
    )


def test_a_brigade_due_in_period_2_pulls_deliveries_forward() -> None:
    # Due in 2027: the 10 guns are ordered in 2026 so that they arrive in 2027; nothing short.
    p = solve(_brigade(2027))
    assert p.deliveries[["period_ordered", "period_delivered", "quantity"]].values.tolist() == [
        [2026, 2027, 10]
    ]
    assert series(p.stock, "quantity", equipment="m777") == [0, 10]
    assert series(p.force_generation, "slots_due", role="artillery") == [0, 10]
    assert p.shortfalls.empty


def test_a_brigade_due_at_once_is_short_until_its_guns_arrive() -> None:
    # Due from the first period (the default): nothing can arrive in 2026, so the slots are
    # 10 vehicles short that year, in words.
    p = solve(_brigade(None))
    assert series(p.force_generation, "shortfall", role="artillery") == [10, 0]
    assert p.shortfalls["text"].tolist() == [
        "artillery is 10 vehicles short of the 10 slots of the formations due in 2026"
    ]
    assert p.shortfalls["constraint"].tolist() == ["force-slots"]
