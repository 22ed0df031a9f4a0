"""A one-type scenario whose stress-test answers are computed by hand."""

from __future__ import annotations

from typing import Any

from forceplan.domain.scenario import Scenario
from forceplan.io.records import from_records


def one_type(
    factors: list[dict[str, Any]],
    intensity: str = "peace",
    rate: float = 0.0,
    pledge: float = 10,
) -> Scenario:
    """One gun type, 10 in service, a floor of 15 points in 2027 that only a US donation of
    (at most) *pledge* guns ordered in 2026 with a lead time of one period can meet.

    The donation is free, so any order that meets the floor is optimal: tests take the
    plan's order as given, or make the pledge exactly what the floor needs."""
    header = {
        "name": "one type",
        "notional": True,
        "start_year": 2026,
        "periods": 2,
        "intensity": [intensity, intensity],
    }
    tables: dict[str, list[dict[str, Any]]] = {
        "standards": [{"id": "nato-155", "family": "nato", "domain": "ammunition"}],
        "equipment": [
            {
                "id": "gun",
                "name": "Gun",
                "class": "towed-artillery",
                "role": "artillery",
                "family": "nato",
                "combat_value": 1,
                "service_life": 30,
                "logistics_family": "gun",
            }
        ],
        "equipment_standards": [{"equipment": "gun", "standard": "nato-155"}],
        "inventory": [{"equipment": "gun", "quantity": 10}],
        "requirements": [
            {"kind": "capability", "role": "artillery", "period": 2027, "minimum": 15}
        ],
        "sources": [
            {
                "id": "us-gun",
                "kind": "donor",
                "country": "USA",
                "item": "gun",
                "quantity": pledge,
                "lead_time": 1,
                "last_period": 2026,
            }
        ],
        "donors": [{"country": "USA", "item": "gun", "stock": 100}],
        "attrition": [{"class": "towed-artillery", "intensity": intensity, "rate": rate}],
        "uncertainty": factors,
    }
    return from_records(header, tables)
