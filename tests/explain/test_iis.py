"""The IIS of a tiny infeasible scenario, translated back to scenario tables, rows and periods.

Two years; the M777 (2 points) can only be bought on the US market at 4 M; ua-mod has 8 M a
year. At most 2 + 2 units (8 points) can be in service in 2027, so the 2027 artillery floor
of 100 points cannot be met, while the 2026 floor of 2 points can. With the shortfall slacks
removed, the one irreducible conflict is: the 2027 floor, both years' stock balances and
budgets, and the acquisition costs that must be paid.
"""

from __future__ import annotations

from typing import Any

import pytest

from forceplan.domain.scenario import Scenario
from forceplan.explain.iis import find_iis
from forceplan.explain.text import iis_lines
from forceplan.io.records import from_records

HEADER: dict[str, Any] = {
    "name": "iis",
    "start_year": 2026,
    "periods": 2,
    "intensity": ["high"] * 2,
}


def tiny(floor_2027: float = 100) -> Scenario:
    tables = {
        "equipment": [
            {
                "id": "m777",
                "class": "towed-artillery",
                "role": "artillery",
                "family": "nato",
                "combat_value": 2,
                "logistics_family": "m777",
            }
        ],
        "sources": [
            {
                "id": "us-m777",
                "kind": "market",
                "country": "USA",
                "item": "m777",
                "quantity": 100,
                "price": 4,
                "lead_time": 0,
            }
        ],
        "budgets": [
            {"stream": "ua-mod", "owner": "Ukraine", "period": 2026, "amount": 8},
            {"stream": "ua-mod", "owner": "Ukraine", "period": 2027, "amount": 8},
        ],
        "budget_uses": [{"stream": "ua-mod", "use": "acquisition"}],
        "requirements": [
            {"kind": "capability", "role": "artillery", "period": 2026, "minimum": 2},
            {"kind": "capability", "role": "artillery", "period": 2027, "minimum": floor_2027},
        ],
    }
    return from_records(HEADER, tables)


EXPECTED_ROWS = {
    ("capability-floor", "role=artillery, period=2027", "lower", "requirements.csv row(s) 3"),
    (
        "budget-limit",
        "stream=ua-mod, period=2026",
        "upper",
        "budgets.csv row(s) 2; budget_uses.csv row(s) 2",
    ),
    (
        "budget-limit",
        "stream=ua-mod, period=2027",
        "upper",
        "budgets.csv row(s) 3; budget_uses.csv row(s) 2",
    ),
    (
        "budget-cover",
        "category=acquisition:USA, period=2026",
        "equality",
        "budget_uses.csv row(s) 2; sources.csv row(s) 2",
    ),
    (
        "budget-cover",
        "category=acquisition:USA, period=2027",
        "equality",
        "budget_uses.csv row(s) 2; sources.csv row(s) 2",
    ),
    ("stock-balance", "equipment=m777, period=2026", "equality", "equipment.csv row(s) 2"),
    ("stock-balance", "equipment=m777, period=2027", "equality", "equipment.csv row(s) 2"),
    ("reserve-balance", "equipment=m777, period=2026", "equality", "equipment.csv row(s) 2"),
    ("reserve-balance", "equipment=m777, period=2027", "equality", "equipment.csv row(s) 2"),
}


def members(result: Any, kind: str) -> set[tuple[str, str, str, str]]:
    m = result.members[result.members["kind"] == kind]
    return set(zip(m["name"], m["coordinates"], m["bound"], m["rows"], strict=True))


@pytest.mark.parametrize("method", ["highs", "deletion-filter"])
def test_iis_names_the_scenario_rows(method: str) -> None:
    result = find_iis(tiny(), method=method)
    assert not result.feasible
    assert result.method == method
    assert members(result, "row") == EXPECTED_ROWS
    floor = result.members[result.members["name"] == "capability-floor"].iloc[0]
    assert floor["period"] == 2027
    assert floor["table"] == "requirements.csv"
    assert floor["text"] == "artillery capability must reach its floor in 2027"
    if method == "highs":  # HiGHS also names the bounds: the removed slack, no negative reserve
        bounds = members(result, "bound")
        assert (
            "capability-shortfall",
            "role=artillery, period=2027",
            "upper",
            "requirements.csv row(s) 3",
        ) in bounds
        assert {b[0] for b in bounds} <= {
            "capability-shortfall",
            "stock-retire",
            "reserve-level",
            "reserve-store",
            "supply-order",
            "budget-pay",
        }


def test_a_reachable_floor_has_no_iis() -> None:
    result = find_iis(tiny(floor_2027=8))  # 4 units x 2 points: just reachable
    assert result.feasible
    assert result.members.empty
    assert iis_lines(result) == [result.message]


def test_iis_in_words() -> None:
    lines = iis_lines(find_iis(tiny()))
    assert lines[0].startswith("these cannot all hold together")
    assert (
        "- artillery capability must reach its floor in 2027 (capability-floor[role=artillery, "
        "period=2027], lower row; requirements.csv row(s) 3)" in lines
    )
    assert (
        "- stream ua-mod can spend at most its amount in 2027 (budget-limit[stream=ua-mod, "
        "period=2027], upper row; budgets.csv row(s) 3; budget_uses.csv row(s) 2)" in lines
    )
