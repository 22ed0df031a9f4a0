"""Training family: pipeline capacity limits how fast new types are fielded."""

from __future__ import annotations

import pytest

from forceplan.domain.scenario import Scenario
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


def test_lost_units_need_replacement_crews() -> None:
    # 10 M777 in service with their crews; 20% of the stock at the start of a year is lost
    # in it; the pipeline trains 1 crew a year; free M777 are on offer (10 a year). Crews:
    # 10 - 2 lost + 1 trained = 9 in 2026, so at most 9 guns are crewed. A 10th gun would
    # wait without a crew and raise the 2027 losses (20% of the stock), whose crews are lost
    # too: the optimum keeps 9 in 2026 (losses 1.8 in 2027: 9 - 1.8 + 1 = 8.2 crews).
    # Floors of 10: shortfall 1/10 + 1.8/10 = 0.28.
    s = scenario(
        periods=2,
        equipment=[equipment("m777", training_weeks=6)],
        inventory=[{"equipment": "m777", "quantity": 10}],
        attrition=[{"class": "towed-artillery", "intensity": "high", "rate": 0.2}],
        sources=[
            {"id": "us-mkt", "kind": "market", "country": "USA", "item": "m777", "quantity": 10}
        ],
        training=[{"id": "graf", "class": "towed-artillery", "capacity": 1}],
        requirements=[
            {"kind": "capability", "role": "artillery", "period": y, "minimum": 10}
            for y in (2026, 2027)
        ],
    )
    p = solve(s)
    crews = p.tables["crews"]
    assert series(crews, "replacement", equipment="m777") == pytest.approx([2, 1.8])
    assert series(crews, "crews_ready", equipment="m777") == pytest.approx([1, 1])
    assert series(crews, "crews", equipment="m777") == pytest.approx([9, 8.2])
    assert series(p.stock, "quantity", equipment="m777") == pytest.approx([9, 8.2])
    assert series(p.capability, "capability", role="artillery") == pytest.approx([9, 8.2])
    assert series(p.training, "crews_trained", pipeline="graf") == pytest.approx([1, 1])
    assert p.objective["shortfall"] == pytest.approx(0.28)


def _rebuild(capacity: float) -> Scenario:
    # 4 D-20 in service only in 2026 (one year of life left) are rebuilt into D-20M
    # (extends_life yes) in 2026 and come back in 2027 without crews (crew_conversion yes);
    # a school trains `capacity` crews a year. Floor of 4 guns in 2027.
    return scenario(
        periods=2,
        equipment=[
            equipment("d20", family="soviet", training_weeks=2),
            equipment("d20m", training_weeks=4),
        ],
        inventory=[{"equipment": "d20", "quantity": 4, "remaining_life": 1}],
        upgrades=[
            {
                "id": "d20-rebuild",
                "from_equipment": "d20",
                "to_equipment": "d20m",
                "capacity": 4,
                "lead_time": 1,
                "extends_life": "yes",
                "crew_conversion": "yes",
            }
        ],
        training=[{"id": "school", "class": "towed-artillery", "capacity": capacity}],
        requirements=[{"kind": "capability", "role": "artillery", "period": 2027, "minimum": 4}],
    )


def test_conversion_crews_are_trained_ahead_of_the_units() -> None:
    # 2 crews a year: 2 trained in 2026 while the guns are in the depot, 2 more in 2027:
    # all 4 D-20M are crewed on return.
    p = solve(_rebuild(2))
    crews = p.tables["crews"]
    assert series(crews, "crews", equipment="d20m") == pytest.approx([2, 4])
    assert series(crews, "waiting", equipment="d20m") == pytest.approx([0, 0])
    assert p.objective["shortfall"] == pytest.approx(0.0, abs=1e-9)


def test_too_few_conversion_crews_limit_the_rebuild() -> None:
    # 1 crew a year: 2 crews by 2027, so only 2 of the 4 D-20 are rebuilt (a rebuilt gun
    # without a crew would only wait); capability 2 in 2027, shortfall 0.5.
    p = solve(_rebuild(1))
    assert series(p.stock, "quantity", equipment="d20m") == pytest.approx([0, 2])
    crews = p.tables["crews"]
    assert series(crews, "crews", equipment="d20m") == pytest.approx([1, 2])
    assert series(p.capability, "capability", role="artillery")[1] == pytest.approx(2)
    assert p.objective["shortfall"] == pytest.approx(0.5)


def test_units_offered_before_their_crews_wait_for_them() -> None:
    # 4 free M777 are on the market in 2026 only; the school opens in 2027 (4 crews a year).
    # Taking them in 2026 is the only way to have them: they wait uncrewed in 2026 (no
    # capability) and are crewed in 2027, meeting its floor of 4.
    s = scenario(
        periods=2,
        equipment=[equipment("m777", training_weeks=6)],
        sources=[
            {
                "id": "us-mkt",
                "kind": "market",
                "country": "USA",
                "item": "m777",
                "quantity": 4,
                "first_period": 2026,
                "last_period": 2026,
            }
        ],
        training=[{"id": "graf", "class": "towed-artillery", "capacity": 4, "first_period": 2027}],
        requirements=[{"kind": "capability", "role": "artillery", "period": 2027, "minimum": 4}],
    )
    p = solve(s)
    assert series(p.stock, "quantity", equipment="m777") == pytest.approx([4, 4])
    crews = p.tables["crews"]
    assert series(crews, "waiting", equipment="m777") == pytest.approx([4, 0])
    assert series(p.training, "waiting_units", pipeline="graf") == pytest.approx([4, 0])
    assert series(p.capability, "capability", role="artillery") == pytest.approx([0, 4])
    assert p.objective["shortfall"] == pytest.approx(0.0, abs=1e-9)
