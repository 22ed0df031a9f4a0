"""Tiny scenarios for hand-checked optima: a few rows built with from_records.

Defaults keep every scenario minimal: one role (``artillery``) and class
(``towed-artillery``), no attrition, no costs unless a test sets them. A
``nato`` type with no standards scores 1, a ``soviet`` one 0 (see
forceplan.domain.interop).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

import forceplan
from forceplan.domain.scenario import Scenario
from forceplan.io.records import from_records
from forceplan.results.plan import Plan

START = 2026


def scenario(
    periods: int = 1,
    intensity: list[str] | None = None,
    objective: dict[str, Any] | None = None,
    header: dict[str, Any] | None = None,
    **tables: list[dict[str, Any]],
) -> Scenario:
    """A validated scenario of *periods* yearly periods from 2026 with the given tables.

    *header* adds or overrides header settings (e.g. ``{"country": "Ukraine"}``).
    """
    settings = header or {}
    header = {
        "name": "tiny",
        "start_year": START,
        "periods": periods,
        "intensity": intensity or ["high"] * periods,
    }
    if objective:
        header["objective"] = objective
    header.update(settings)
    return from_records(header, tables)


def equipment(ident: str, family: str = "nato", value: float = 1.0, **extra: Any) -> dict[str, Any]:
    """An equipment row (towed artillery unless overridden)."""
    row: dict[str, Any] = {
        "id": ident,
        "class": "towed-artillery",
        "role": "artillery",
        "family": family,
        "combat_value": value,
        "logistics_family": ident,
    }
    row.update(extra)
    return row


def solve(s: Scenario, **options: Any) -> Plan:
    """Plan *s* to proven optimality (gap 0) and insist a plan exists."""
    options.setdefault("gap", 0.0)
    options.setdefault("time_limit", 60)
    p = forceplan.plan(s, **options)
    assert p.has_plan, p.message
    return p


def series(frame: pd.DataFrame, column: str, **where: Any) -> list[float]:
    """Values of *column* in period order for the rows matching *where*."""
    rows = frame
    for key, value in where.items():
        rows = rows[rows[key] == value]
    return [round(float(v), 6) for v in rows.sort_values("period")[column]]


def at(frame: pd.DataFrame, column: str, **where: Any) -> float:
    """The single value of *column* in the row matching *where* (0 when no row matches)."""
    rows = frame
    for key, value in where.items():
        rows = rows[rows[key] == value]
    assert len(rows) <= 1, rows
    return round(float(rows[column].iloc[0]), 6) if len(rows) else 0.0
