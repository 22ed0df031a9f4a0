"""Small hand-made scenarios shared by the tests (every table has at least one row)."""

from __future__ import annotations

import copy
from typing import Any

from forceplan.domain.scenario import Scenario
from forceplan.io.records import from_records

BASE_HEADER: dict[str, Any] = {
    "name": "small test scenario",
    "description": "Hand-made scenario touching every table; notional.",
    "notional": True,
    "start_year": 2026,
    "periods": 3,
    "period_length": 1,
    "intensity": ["high", "medium", "low"],
}

BASE_TABLES: dict[str, list[dict[str, Any]]] = {
    "standards": [
        {"id": "stanag-155", "family": "nato", "domain": "ammunition", "reference": "STANAG 4425"},
        {"id": "soviet-152", "family": "soviet", "domain": "ammunition"},
        {"id": "link16", "family": "nato", "domain": "datalink", "reference": "STANAG 5516"},
        {"id": "soviet-radio", "family": "soviet", "domain": "c2-radio"},
    ],
    "munitions": [
        {
            "id": "155mm",
            "family": "nato",
            "standard": "stanag-155",
            "unit": "rounds",
            "unit_cost": 0.004,
            "stock": 5000,
        },
        {
            "id": "152mm",
            "family": "soviet",
            "standard": "soviet-152",
            "unit": "rounds",
            "unit_cost": 0.003,
            "stock": 8000,
        },
    ],
    "equipment": [
        {
            "id": "m777",
            "name": "M777",
            "class": "towed-artillery",
            "role": "artillery",
            "family": "nato",
            "combat_value": 2,
            "unit_cost": 3.7,
            "operating_cost": 0.1,
            "crew": 8,
            "training_weeks": 1,
            "service_life": 30,
            "logistics_family": "m777",
        },
        {
            "id": "d20",
            "name": "D-20",
            "class": "towed-artillery",
            "role": "artillery",
            "family": "soviet",
            "combat_value": 1,
            "unit_cost": 0,
            "operating_cost": 0.05,
            "crew": 10,
            "service_life": 40,
            "logistics_family": "soviet-towed",
        },
        {
            "id": "nasams",
            "name": "NASAMS",
            "class": "air-defence-medium",
            "role": "air-defence",
            "family": "nato",
            "combat_value": 10,
            "unit_cost": 200,
            "operating_cost": 5,
            "crew": 20,
            "training_weeks": 10,
            "logistics_family": "nasams",
        },
    ],
    "equipment_standards": [
        {"equipment": "m777", "standard": "stanag-155"},
        {"equipment": "d20", "standard": "soviet-152"},
        {"equipment": "d20", "standard": "soviet-radio"},
        {"equipment": "nasams", "standard": "link16"},
    ],
    "equipment_munitions": [
        {
            "equipment": "m777",
            "munition": "155mm",
            "use_low": 200,
            "use_medium": 500,
            "use_high": 1000,
        },
        {
            "equipment": "d20",
            "munition": "152mm",
            "use_low": 200,
            "use_medium": 500,
            "use_high": 1000,
        },
    ],
    "inventory": [
        {
            "equipment": "d20",
            "formation": "art-1",
            "quantity": 20,
            "serviceable": 0.9,
            "remaining_life": 5,
        },
        {"equipment": "m777", "quantity": 4},
        # the air-defence regiment's two launchers, with one spare against losses
        {"equipment": "nasams", "formation": "ad-1", "quantity": 3},
    ],
    "upgrades": [],
    "formations": [
        {
            "id": "art-1",
            "name": "1st Artillery Brigade",
            "type": "artillery-brigade",
            "priority": 1,
        },
        {
            "id": "ad-1",
            "name": "1st Air Defence Regiment",
            "type": "air-defence-regiment",
            "priority": 2,
        },
    ],
    "formation_slots": [
        {"formation": "art-1", "role": "artillery", "quantity": 24},
        {"formation": "ad-1", "role": "air-defence", "quantity": 2},
    ],
    "requirements": [
        {"kind": "capability", "role": "artillery", "period": 2026, "minimum": 20},
        {"kind": "capability", "role": "artillery", "period": 2027, "minimum": 24},
        {"kind": "interoperability", "period": 2028, "minimum": 0.5},
    ],
    "sources": [
        {
            "id": "us-m777",
            "kind": "donor",
            "country": "USA",
            "item": "m777",
            "quantity": 10,
            "price": 0,
            "lead_time": 1,
        },
        {
            "id": "mkt-152",
            "kind": "market",
            "country": "Bulgaria",
            "item": "152mm",
            "quantity": 20000,
            "price": 0.003,
            "lead_time": 0,
            "unit": "rounds",
        },
    ],
    "donors": [
        {"country": "USA", "item": "m777", "stock": 100, "minimum": 90, "replenish_by": 2028},
    ],
    "lines": [
        {
            "id": "us-155",
            "country": "USA",
            "product": "155mm",
            "capacity": 20000,
            "unit_cost": 0.004,
            "expansion_size": 10000,
            "expansion_cost": 50,
            "expansion_lead_time": 1,
            "max_expansions": 2,
            "unit": "rounds",
        },
        {
            "id": "us-m777-line",
            "country": "USA",
            "product": "m777",
            "capacity": 10,
            "unit_cost": 3.7,
        },
    ],
    "budgets": [
        {"stream": "ua-mod", "owner": "Ukraine", "period": 2026, "amount": 500},
        {"stream": "ua-mod", "owner": "Ukraine", "period": 2027, "amount": 500},
        {"stream": "ua-mod", "owner": "Ukraine", "period": 2028, "amount": 500},
        {"stream": "us-fms", "owner": "USA", "period": 2026, "amount": 300},
    ],
    "budget_uses": [
        {"stream": "ua-mod", "use": "acquisition"},
        {"stream": "ua-mod", "use": "operation"},
        {"stream": "ua-mod", "use": "ammunition"},
        {"stream": "us-fms", "use": "acquisition", "country": "USA"},
        {"stream": "us-fms", "use": "replenishment", "country": "USA"},
    ],
    "training": [
        {"id": "grafenwoehr-art", "class": "towed-artillery", "capacity": 12},
    ],
    "attrition": [
        {"class": "towed-artillery", "intensity": "high", "rate": 0.1},
        {"class": "towed-artillery", "intensity": "medium", "rate": 0.05},
        {"class": "towed-artillery", "intensity": "low", "rate": 0.02},
        {"class": "air-defence-medium", "intensity": "high", "rate": 0.05},
        {"class": "air-defence-medium", "intensity": "medium", "rate": 0.02},
        {"class": "air-defence-medium", "intensity": "low", "rate": 0.01},
    ],
}


def small_records() -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """Deep copies of the small scenario's header and table records (mutate freely)."""
    return copy.deepcopy(BASE_HEADER), copy.deepcopy(BASE_TABLES)


def small_scenario() -> Scenario:
    """The small scenario, validated."""
    header, tables = small_records()
    return from_records(header, tables)


UNCERTAINTY: list[dict[str, Any]] = [
    {"id": "war", "kind": "war_intensity", "distribution": "lognormal", "median": 1, "sigma": 0.3},
    {
        "id": "cut",
        "kind": "budget_cut",
        "target": "ua-mod",
        "distribution": "uniform",
        "low": 0,
        "high": 0.9,
    },
    {
        "id": "slip",
        "kind": "pledge_slip",
        "target": "us-m777",
        "distribution": "bernoulli",
        "probability": 0.5,
        "value": 1,
    },
]
"""Three factors for the small scenario: war intensity, a budget cut, a US pledge slip."""


def uncertain_small_scenario() -> Scenario:
    """The small scenario with an ``uncertainty`` table (sweeps, rolling re-plans)."""
    header, tables = small_records()
    tables["uncertainty"] = copy.deepcopy(UNCERTAINTY)
    return from_records(header, tables)
