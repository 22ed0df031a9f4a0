"""Training family: pipeline capacity limits how fast new types are fielded."""

from __future__ import annotations

from tests.model.tiny import equipment, scenario, series, solve


def test_training_pipeline_delays_fielding() -> None:
    # Up to 10 free M777 a year could arrive, but each needs a crew converted in its arrival
    # year (training_weeks > 0) and the only artillery pipeline opens in 2027 with 3 crews a
    # year. A floor of 10 guns a year wants all it can get. Deliveries: 0, 3, 3 -> 0, 3, 6.
    s = scenario(
        periods=3,
        equipment=[equipment("m777", training_weeks=6)],
        sources=[
            {"id": "us-mkt", "kind": "market", "country": "USA", "item": "m777", "quantity": 10}
        ],
        training=[{"id": "graf", "class": "towed-artillery", "capacity": 3, "first_period": 2027}],
        requirements=[
            {"kind": "capability", "role": "artillery", "period": y, "minimum": 10}
            for y in (2026, 2027, 2028)
        ],
    )
    p = solve(s)
    assert series(p.stock, "quantity", equipment="m777") == [0, 3, 6]
    assert p.deliveries["period_delivered"].tolist() == [2027, 2028]
    assert series(p.training, "capacity", pipeline="graf") == [0, 3, 3]
    assert series(p.training, "used", pipeline="graf") == [0, 3, 3]


def test_types_without_training_need_and_classes_without_pipeline_are_free() -> None:
    # The same source for a type with training_weeks = 0, and a pipeline for another class:
    # floors of 10, 20 and 30: 10 a year arrive: 10, 20, 30.
    s = scenario(
        periods=3,
        equipment=[equipment("m777")],
        sources=[
            {"id": "us-mkt", "kind": "market", "country": "USA", "item": "m777", "quantity": 10}
        ],
        training=[{"id": "tank-school", "class": "tank", "capacity": 1}],
        requirements=[
            {"kind": "capability", "role": "artillery", "period": y, "minimum": m}
            for y, m in ((2026, 10), (2027, 20), (2028, 30))
        ],
    )
    p = solve(s)
    assert series(p.stock, "quantity", equipment="m777") == [10, 20, 30]
    assert series(p.training, "used", pipeline="tank-school") == [0, 0, 0]
