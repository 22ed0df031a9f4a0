"""The run folder contract: table names and their columns (keep these; add freely).

Every plan table has these columns first, in this order; more may follow.
``period`` columns hold the period label (calendar year for yearly periods).
"""

from __future__ import annotations

PLAN_TABLES: dict[str, list[str]] = {
    "stock": ["period", "equipment", "quantity"],
    "deliveries": [
        "period_ordered",
        "period_delivered",
        "equipment",
        "source",
        "quantity",
        "cost",
    ],
    "retirements": ["period", "equipment", "quantity"],
    "losses": ["period", "equipment", "quantity"],
    "upgrades": [
        "period_started",
        "period_completed",
        "from_equipment",
        "to_equipment",
        "quantity",
        "cost",
    ],
    "ammunition": [
        "period",
        "munition",
        "opening",
        "supply",
        "consumption",
        "closing",
        "shortfall",
    ],
    "ammunition_supply": ["period", "munition", "supplier", "quantity", "cost"],
    "ammunition_use": ["period", "equipment", "munition", "rounds"],
    "lines": [
        "period",
        "line",
        "capacity",
        "output",
        "expansions_ordered",
        "expansions_online",
        "expansion_cost",
    ],
    "donors": ["period", "donor", "item", "stock", "donated", "replenished", "minimum"],
    "budgets": ["period", "stream", "available", "spent"],  # + one column per use
    "capability": ["period", "role", "capability", "floor", "shortfall"],
    "interoperability": ["period", "index", "target", "shortfall"],
    "training": ["period", "pipeline", "capacity", "used"],
    "crews": ["period", "equipment", "crews_ready", "crews", "waiting", "replacement"],
    "reserve": ["period", "equipment", "to_reserve", "from_reserve", "in_reserve"],
    "force_generation": ["period", "role", "slots_due", "in_service", "shortfall"],
    "industry": ["period", "target", "required", "achieved", "shortfall", "unit"],
    "consumables": [
        "period",
        "equipment",
        "opening",
        "supply",
        "demand",
        "used",
        "closing",
        "shortfall",
    ],
    "shortfalls": ["constraint", "coordinates", "amount", "unit", "text"],
}
"""Table name (file ``plan/<name>.csv``) -> its contractual leading columns."""

LATER_TABLES = frozenset(
    {"ammunition_use", "reserve", "force_generation", "industry", "consumables", "crews"}
)
"""Plan tables added after run folders were first written: a run folder written before
them is read with each of them empty (no such decisions existed then)."""

EXPLAIN_TABLES: dict[str, list[str]] = {
    "formations": ["period", "formation", "role", "equipment", "quantity"],
    "formation_gaps": ["period", "formation", "role", "slots", "filled", "unfilled"],
    "formation_levels": ["period", "formation", "level", "score", "reasons"],
    "binding": ["constraint", "coordinates", "dual", "unit", "text"],
    "remedies": ["shortfall", "remedy", "quantity", "unit", "cost", "text"],
}
"""Explanation tables (file ``plan/<name>.csv``) -> their leading columns.

Written by ``forceplan plan`` (unless ``--no-explain``) and ``forceplan explain``;
optional in a run folder: readers take them when present.
"""

BUDGET_USES = ("acquisition", "operation", "upgrade", "expansion", "replenishment", "ammunition")
"""The per-use columns of ``plan/budgets.csv``, after the contractual ones."""

STATUSES = ("optimal", "time_limit", "infeasible", "error")
"""Honest solve statuses."""
