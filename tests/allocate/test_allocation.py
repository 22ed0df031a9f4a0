"""The formation allocation MILP on tiny cases whose best assignment is derived by hand.

Objective (see forceplan.allocate.model): minimise
sum_f w_f (30 x unfilled - sum_e score_e x units) + 1 x types + 1 x families, with
w = 1 + (largest priority) - priority: here w_A = 2 (priority 1) and w_B = 1 (priority 2).
The hand-checked optima use the MILP search to its gap (``EXACT``); the default stops at the
LP-rounded start.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from forceplan.allocate import AllocationOptions, allocate, build_allocation
from forceplan.domain.scenario import Scenario
from forceplan.io.records import from_records

HEADER: dict[str, Any] = {
    "name": "allocation",
    "start_year": 2026,
    "periods": 1,
    "intensity": ["high"],
}


def scenario(types: dict[str, str]) -> Scenario:
    """Formations A (priority 1) and B (priority 2) with 10 artillery slots each.

    *types* maps each artillery type to its family (nato types comply with a NATO standard).
    """
    standards = [
        {"id": "nato-155", "family": "nato", "domain": "ammunition"},
        {"id": "gost-152", "family": "soviet", "domain": "ammunition"},
    ]
    equipment = [
        {
            "id": t,
            "class": "towed-artillery",
            "role": "artillery",
            "family": fam,
            "combat_value": 1,
            "logistics_family": t,
        }
        for t, fam in types.items()
    ]
    links = [
        {"equipment": t, "standard": "nato-155" if fam == "nato" else "gost-152"}
        for t, fam in types.items()
    ]
    tables = {
        "standards": standards,
        "equipment": equipment,
        "equipment_standards": links,
        "formations": [
            {"id": "A", "type": "artillery-brigade", "priority": 1},
            {"id": "B", "type": "artillery-brigade", "priority": 2},
        ],
        "formation_slots": [
            {"formation": "A", "role": "artillery", "quantity": 10},
            {"formation": "B", "role": "artillery", "quantity": 10},
        ],
    }
    return from_records(HEADER, tables)


NATO_AND_SOVIET = {"m777": "nato", "d20": "soviet"}
EXACT = AllocationOptions(max_nodes=None, gap=1e-9)


def stock(**quantities: float) -> pd.DataFrame:
    return pd.DataFrame(
        {"period": 2026, "equipment": list(quantities), "quantity": list(quantities.values())}
    )


def held(result: Any) -> dict[tuple[str, str], float]:
    a = result.assignment
    return {
        (f, e): q for f, e, q in zip(a["formation"], a["equipment"], a["quantity"], strict=True)
    }


def test_priority_formation_gets_the_interoperable_type_and_b_stays_homogeneous() -> None:
    # 11 M777 (score 1) and 15 D-20 (score 0) for 2 x 10 slots. All slots get filled.
    # A = 10 M777, B = 10 D-20: -2 x 10 + 2 types + 2 families = -16
    # A = 10 M777, B = 1 M777 + 9 D-20: -20 - 1 + 3 + 3 = -15 (one M777 is not worth a 2nd type)
    # A = 10 D-20, B = 10 M777: -10 + 4 = -6
    result = allocate(scenario(NATO_AND_SOVIET), stock(m777=11, d20=15), EXACT)
    assert result.status == "optimal"
    assert held(result) == {("A", "m777"): 10, ("B", "d20"): 10}
    assert result.objective == pytest.approx(-16)
    assert result.gaps["unfilled"].tolist() == [0, 0]
    pool = result.pool.set_index("equipment")
    assert pool.loc["m777", "unassigned"] == 1 and pool.loc["d20", "unassigned"] == 5


def test_enough_nato_guns_are_worth_a_second_type() -> None:
    # 14 M777: B = 4 M777 + 6 D-20 gives -20 - 4 + 6 = -18 < -16 (B = 10 D-20)
    result = allocate(scenario(NATO_AND_SOVIET), stock(m777=14, d20=15), EXACT)
    assert held(result) == {("A", "m777"): 10, ("B", "m777"): 4, ("B", "d20"): 6}
    assert result.objective == pytest.approx(-18)


def test_a_limit_of_one_type_per_role_keeps_b_homogeneous() -> None:
    options = AllocationOptions(max_types_per_role=1, max_nodes=None, gap=1e-9)
    result = allocate(scenario(NATO_AND_SOVIET), stock(m777=14, d20=15), options)
    assert held(result) == {("A", "m777"): 10, ("B", "d20"): 10}


def test_limited_stock_fills_the_priority_formation_first_and_reports_unfilled_slots() -> None:
    # 6 M777 only: an empty slot of A costs 30 x 2, of B 30 x 1
    result = allocate(scenario(NATO_AND_SOVIET), stock(m777=6.7), EXACT)  # 6 whole units
    assert held(result) == {("A", "m777"): 6}
    gaps = result.gaps.set_index("formation")
    assert gaps.loc["A", ["slots", "filled", "unfilled"]].tolist() == [10, 6, 4]
    assert gaps.loc["B", ["slots", "filled", "unfilled"]].tolist() == [10, 0, 10]
    # 30 x (2 x 4 + 10) - 2 x 6 + 1 type + 1 family
    assert result.objective == pytest.approx(540 - 12 + 2)


def test_equal_types_are_not_mixed() -> None:
    # two NATO types of equal score, 10 each: the best gives each formation one type
    result = allocate(
        scenario({"m109": "nato", "pzh2000": "nato"}), stock(m109=10, pzh2000=10), EXACT
    )
    per_formation = result.assignment.groupby("formation")["equipment"].nunique()
    assert per_formation.tolist() == [1, 1]
    assert result.assignment["quantity"].tolist() == [10, 10]
    assert result.objective == pytest.approx(-30 + 4)


def test_model_names_and_periods() -> None:
    s = scenario(NATO_AND_SOVIET)
    m, d = build_allocation(s, stock(m777=3, d20=2))
    assert set(m.variables) == {
        "allocation-assign",
        "allocation-uses_type",
        "allocation-unfilled",
        "allocation-uses_family",
    }
    assert set(m.constraints) == {
        "allocation-slots",
        "allocation-stock",
        "allocation-type_link",
        "allocation-family_link",
    }
    assert list(m.variables["allocation-assign"].labels.dims) == [
        "period",
        "formation",
        "equipment",
    ]
    assert list(d.periods) == [2026]


def test_periods_are_allocated_independently(small: Scenario) -> None:
    # the small scenario: art-1 (priority 1, 24 artillery), ad-1 (priority 2, 2 air defence)
    plan_stock = pd.DataFrame(
        {
            "period": [2026, 2026, 2026, 2027, 2027],
            "equipment": ["m777", "d20", "nasams", "m777", "d20"],
            "quantity": [13.6, 18, 1, 30, 5],
        }
    )
    result = allocate(small, plan_stock, EXACT)
    a = result.assignment
    assert list(a.columns[:5]) == ["period", "formation", "role", "equipment", "quantity"]
    got = {
        (p, f, e): q
        for p, f, e, q in zip(
            a["period"], a["formation"], a["equipment"], a["quantity"], strict=True
        )
    }
    # 2026: 13 M777 + 11 D-20 fill art-1's 24 slots; 2027: 24 of the 30 M777
    assert got == {
        (2026, "ad-1", "nasams"): 1,
        (2026, "art-1", "d20"): 11,
        (2026, "art-1", "m777"): 13,
        (2027, "art-1", "m777"): 24,
    }
    gaps = result.gaps.set_index(["period", "formation"])["unfilled"]
    assert gaps[(2026, "ad-1")] == 1 and gaps[(2027, "ad-1")] == 2 and gaps[(2028, "art-1")] == 24


def test_a_search_that_finds_nothing_keeps_the_lp_rounded_assignment_and_says_so() -> None:
    # 11 M777 + 15 D-20: the rounded LP start is 13.3% from the LP bound; a microsecond is too
    # short for the MILP to improve on it, so the start is kept and the allocation says so
    options = AllocationOptions(max_nodes=None, time_limit=1e-6)
    result = allocate(scenario(NATO_AND_SOVIET), stock(m777=11, d20=15), options)
    assert result.status == "lp_rounded" and result.lp_rounded == [2026]
    assert "2026 uses the LP-rounded assignment" in result.message
    assert result.gaps["unfilled"].tolist() == [0, 0]  # the start fills every slot


def converting(weeks: float = 13.0) -> Scenario:
    """One formation A (10 artillery slots) over 2026-2027; D-20 (score 0, 2 weeks' training)
    and M777 (score 1, *weeks* of conversion training)."""
    types = {"d20": ("soviet", 2.0), "m777": ("nato", weeks)}
    tables = {
        "standards": [
            {"id": "nato-155", "family": "nato", "domain": "ammunition"},
            {"id": "gost-152", "family": "soviet", "domain": "ammunition"},
        ],
        "equipment": [
            {
                "id": t,
                "class": "towed-artillery",
                "role": "artillery",
                "family": fam,
                "combat_value": 1,
                "logistics_family": t,
                "training_weeks": k,
            }
            for t, (fam, k) in types.items()
        ],
        "equipment_standards": [
            {"equipment": t, "standard": "nato-155" if fam == "nato" else "gost-152"}
            for t, (fam, _) in types.items()
        ],
        "formations": [{"id": "A", "type": "artillery-brigade", "priority": 1}],
        "formation_slots": [{"formation": "A", "role": "artillery", "quantity": 10}],
    }
    return from_records({**HEADER, "periods": 2, "intensity": ["high", "high"]}, tables)


def two_years(first: dict[str, float], second: dict[str, float]) -> pd.DataFrame:
    rows = [(2026, e, q) for e, q in first.items()] + [(2027, e, q) for e, q in second.items()]
    return pd.DataFrame(rows, columns=["period", "equipment", "quantity"])


def test_a_conversion_keeps_the_formation_out_of_line_for_its_training_time() -> None:
    # 2026: 10 D-20 (score 0): 1 type + 1 family = 2.
    # 2027: the D-20 are gone; 10 M777 (score 1) convert the role: -10 + 1 + 1 + conversion 10
    # + the role out of line for 13 of 52 weeks, 30 x 10 slots x 1/4 = 75 -> 77 (empty: 300)
    result = allocate(converting(), two_years({"d20": 10}, {"m777": 10}), EXACT)
    assert result.objective == pytest.approx(2 + 77)
    gaps = result.gaps.set_index("period")
    assert gaps.loc[2026, "converted"] == 0 and gaps.loc[2026, "out_of_line_weeks"] == 0
    assert gaps.loc[2027, "converted"] == 1 and gaps.loc[2027, "out_of_line_weeks"] == 13
    assert gaps.loc[2027, "filled"] == 10
    assert result.churn == 1.0  # the one (formation, role) cell changed its types


def test_a_formation_keeps_its_type_unless_converting_pays() -> None:
    # 2027 with 10 D-20 and 10 M777: keeping D-20 costs 2; converting to M777 77 -> keep
    kept = allocate(converting(), two_years({"d20": 10}, {"d20": 10, "m777": 10}), EXACT)
    assert set(kept.assignment["equipment"]) == {"d20"} and kept.churn == 0.0
    assert kept.objective == pytest.approx(2 + 2)
    # 8 D-20 left: 8 D-20 + 2 empty slots = 60 + 2 = 62; 8 D-20 + 2 M777 = -2 + 4 + 10 + 75 = 87;
    # 10 M777 = 77: the formation stays with its D-20 and two empty slots
    short = allocate(converting(), two_years({"d20": 10}, {"d20": 8, "m777": 10}), EXACT)
    last = short.assignment[short.assignment["period"] == 2027]
    assert dict(zip(last["equipment"], last["quantity"], strict=True)) == {"d20": 8}
    assert short.objective == pytest.approx(2 + 62)
    # with a 4-week training (out of line 30 x 10 x 1/13 = 23.08) converting to 10 M777 costs
    # -10 + 2 + 10 + 23.08 = 25.08 < 62: it converts
    quick = allocate(converting(4), two_years({"d20": 10}, {"d20": 8, "m777": 10}), EXACT)
    last = quick.assignment[quick.assignment["period"] == 2027]
    assert dict(zip(last["equipment"], last["quantity"], strict=True)) == {"m777": 10}
    assert quick.objective == pytest.approx(2 - 10 + 2 + 10 + 300 * 4 / 52)


def test_a_conversion_limit_holds() -> None:
    options = AllocationOptions(max_nodes=None, gap=1e-9, max_conversions_per_period=0)
    result = allocate(converting(4), two_years({"d20": 10}, {"d20": 8, "m777": 10}), options)
    last = result.assignment[result.assignment["period"] == 2027]
    assert dict(zip(last["equipment"], last["quantity"], strict=True)) == {"d20": 8}
    assert result.gaps["converted"].sum() == 0
