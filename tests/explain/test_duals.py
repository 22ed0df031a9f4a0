"""Shadow prices on tiny LPs whose duals are derived by hand (real HiGHS solves).

One type, the M777: combat value 2, NATO ammunition standard (score 1), no attrition,
no operating cost. It comes from a Ukrainian line (capacity 2 per period, 1 M each) and
from the US market (4 M each, 100 per period); the ua-mod stream has 10 M per period for
acquisitions from anyone (and line expansions).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pytest

import forceplan
from forceplan.domain.scenario import Scenario
from forceplan.explain import explain_plan
from forceplan.explain.duals import _moved_words, integer_values_from_tables, shadow_prices
from forceplan.io.records import from_records
from forceplan.model.build import build_model

TABLES: dict[str, list[dict[str, Any]]] = {
    "standards": [{"id": "nato-155", "family": "nato", "domain": "ammunition"}],
    "equipment": [
        {
            "id": "m777",
            "class": "towed-artillery",
            "role": "artillery",
            "family": "nato",
            "combat_value": 2,
            "unit_cost": 4,
            "logistics_family": "m777",
        }
    ],
    "equipment_standards": [{"equipment": "m777", "standard": "nato-155"}],
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
    "lines": [
        {
            "id": "ua-m777",
            "country": "Ukraine",
            "product": "m777",
            "capacity": 2,
            "unit_cost": 1,
            "expansion_lead_time": 0,
        }
    ],
    "budget_uses": [
        {"stream": "ua-mod", "use": "acquisition"},
        {"stream": "ua-mod", "use": "expansion"},
    ],
    "formations": [{"id": "art-1", "type": "artillery-brigade"}],
    "formation_slots": [{"formation": "art-1", "role": "artillery", "quantity": 4}],
}


def tiny(periods: int = 1, **changes: list[dict[str, Any]]) -> Scenario:
    header = {
        "name": "duals",
        "start_year": 2026,
        "periods": periods,
        "intensity": ["high"] * periods,
    }
    tables = copy.deepcopy(TABLES)
    tables["budgets"] = [
        {"stream": "ua-mod", "owner": "Ukraine", "period": 2026 + t, "amount": 10}
        for t in range(periods)
    ]
    tables.update(copy.deepcopy(changes))
    return from_records(header, tables)


def rows(binding: Any) -> dict[tuple[str, str], tuple[float, str]]:
    return {
        (c, k): (d, s)
        for c, k, d, s in zip(
            binding["constraint"],
            binding["coordinates"],
            binding["dual"],
            binding["stage"],
            strict=True,
        )
    }


def test_line_dual_in_money_in_the_cost_stage() -> None:
    # a floor of 8 points = 4 units: line 2 units (2 M), market 2 units (8 M). One more unit of
    # line capacity replaces a market unit: it saves 4 - 1 = 3 M in the cost stage. The
    # market source is not at its limit (2 of 100 ordered).
    floor = [{"kind": "capability", "role": "artillery", "period": 2026, "minimum": 8}]
    p = forceplan.plan(tiny(requirements=floor))
    assert p.status == "optimal"
    assert p.stock["quantity"].tolist() == [4]
    tables = explain_plan(p)
    b = tables["binding"]
    got = rows(b)
    assert got[("line-capacity", "line=ua-m777, period=2026")] == (pytest.approx(3.0), "cost")
    assert ("supply-limit", "source=us-m777, period=2026") not in got
    line = b[b["constraint"] == "line-capacity"].iloc[0]
    assert line["text"] == (
        "the ua-m777 line (m777) is at capacity in 2026: one more unit of capacity saves "
        "3 USD million"
    )
    assert line["unit"] == "USD million saved per item unit of capacity"
    assert list(b.columns[:5]) == ["constraint", "coordinates", "dual", "unit", "text"]
    assert tables["formations"]["quantity"].tolist() == [4]
    assert tables["formation_levels"]["level"].tolist() == [3]


def test_shortfall_duals_when_the_floor_cannot_be_met() -> None:
    # floor 20 points, 8 reachable: shortfall 12 of 20 = 0.6 of one period's requirement.
    # One more M: 0.5 points = 0.5 / 20 = 0.025; one more line unit: 1.5 / 20 = 0.075;
    # one more point of floor: 1 / 20 = 0.05 more shortfall.
    floor = [{"kind": "capability", "role": "artillery", "period": 2026, "minimum": 20}]
    p = forceplan.plan(tiny(requirements=floor))
    assert p.shortfalls["amount"].tolist() == [12]
    got = rows(shadow_prices(p.scenario, {}))
    assert got[("budget-limit", "stream=ua-mod, period=2026")] == (
        pytest.approx(0.025),
        "shortfall",
    )
    assert got[("line-capacity", "line=ua-m777, period=2026")] == (
        pytest.approx(0.075),
        "shortfall",
    )
    assert got[("capability-floor", "role=artillery, period=2026")] == (
        pytest.approx(-0.05),
        "shortfall",
    )


def test_a_floor_that_binds_is_priced_in_money() -> None:
    # interoperability weighs nothing here (weighted mode, weight 0): the cheapest plan meets
    # the 6-point floor with 2 line units (2 M) and 1 market unit (4 M). One more point of floor
    # is half a market unit: 2 M, i.e. 2 objective units (cost_weight 1)
    floor = [{"kind": "capability", "role": "artillery", "period": 2026, "minimum": 6}]
    s = tiny(
        requirements=floor,
        formation_slots=[{"formation": "art-1", "role": "artillery", "quantity": 3}],
    )
    s.header.objective.mode = "weighted"
    s.header.objective.interoperability_weight = 0.0
    p = forceplan.plan(s)
    assert p.stock["quantity"].tolist() == [3]
    got = rows(explain_plan(p)["binding"])
    assert got[("capability-floor", "role=artillery, period=2026")] == (
        pytest.approx(-2.0),
        "weighted",
    )
    assert got[("line-capacity", "line=ua-m777, period=2026")] == (pytest.approx(3.0), "weighted")


EXPANDABLE = [
    {
        "id": "ua-m777",
        "country": "Ukraine",
        "product": "m777",
        "capacity": 2,
        "unit_cost": 1,
        "expansion_size": 2,
        "expansion_cost": 1,
        "expansion_lead_time": 1,
        "max_expansions": 1,
    }
]


def test_fixed_expansion_and_what_one_more_would_be_worth() -> None:
    # two periods, 20 M each, floors of 8 and 20 points (4 and 10 units). Without an
    # expansion: 2026 line 2 + market 2 (10 M), 2027 line 2 + market 4 (18 M): 28 M.
    # Expanding in 2026 (1 M, on line in 2027): 2027 line 4 + market 2 (12 M): 23 M, so the
    # plan expands once, its maximum. A 2nd expansion in 2026 (1 M) would make the 2027 line
    # 6 units (6 M, no market): 18 M, i.e. it saves 5 M.
    floors = [
        {"kind": "capability", "role": "artillery", "period": y, "minimum": m}
        for y, m in ((2026, 8), (2027, 20))
    ]
    budgets = [
        {"stream": "ua-mod", "owner": "Ukraine", "period": y, "amount": 20} for y in (2026, 2027)
    ]
    p = forceplan.plan(tiny(periods=2, lines=EXPANDABLE, requirements=floors, budgets=budgets))
    lines = p.lines.set_index("period")
    assert lines.loc[2026, "expansions_ordered"] == 1
    assert p.objective["cost"] == pytest.approx(23)
    b = explain_plan(p)["binding"]
    expand = b[b["constraint"] == "line-expand"]
    assert expand["coordinates"].tolist() == ["line=ua-m777, period=2026"]
    assert expand["dual"].iloc[0] == pytest.approx(5.0)
    assert expand["text"].iloc[0] == (
        "the ua-m777 line (m777) has used all the expansions it may have (1): one more "
        "allowed, ordered in 2026, saves 5 USD million"
    )
    # the integer decisions read back from the plan tables give the same duals
    bundle = build_model(p.scenario)
    fixed = integer_values_from_tables(bundle, p.tables)
    assert fixed["line-expand"].tolist() == [[1.0, 0.0]]
    again = shadow_prices(p.scenario, fixed, bundle=bundle)
    assert again["dual"].tolist() == pytest.approx(b["dual"].tolist())


def test_a_re_solve_past_its_limit_is_left_out_not_guessed(caplog: Any) -> None:
    # the floor's figure needs re-solves that iterate; with no time for any, it is not measured
    # and left out (and the run says how many); what is still shown holds its value (the line's
    # 3 M, whose re-solve needs no iteration) and is verified
    floor = [{"kind": "capability", "role": "artillery", "period": 2026, "minimum": 8}]
    s = tiny(requirements=floor)
    p = forceplan.plan(s)
    full = rows(explain_plan(p)["binding"])
    assert ("capability-floor", "role=artillery, period=2026") in full
    s.header.solver.probe_time_limit = 1e-9
    b = explain_plan(forceplan.plan(s))["binding"]
    short = rows(b)
    assert ("capability-floor", "role=artillery, period=2026") not in short
    assert short and all(full[k] == v for k, v in short.items())
    assert b["verified"].all()
    assert "were not measured" in caplog.text


def test_shortfall_stage_sentences_say_which_gaps_move_in_their_own_units() -> None:
    # floor 20 points and 8 slots: 10 M buy 2 line units (2 M) and 2 market units (8 M), 4
    # units: 12 points and 4 vehicles short. One more unit of line capacity replaces a market
    # unit: the 3 M saved buy 0.75 market units, 1.75 more units in all minus the one replaced:
    # 0.75 vehicles and 1.5 points closed, 0.75 / 8 + 1.5 / 20 = 16.875% of a requirement.
    # Each extra 10 M: 2.5 market units, 2.5 vehicles and 5 points (31.25% + 25%). One more
    # point of floor opens 1 point (5%).
    floor = [{"kind": "capability", "role": "artillery", "period": 2026, "minimum": 20}]
    slots = [{"formation": "art-1", "role": "artillery", "quantity": 8}]
    p = forceplan.plan(tiny(requirements=floor, formation_slots=slots))
    assert sorted(p.shortfalls["amount"].tolist()) == [pytest.approx(4), pytest.approx(12)]
    b = shadow_prices(p.scenario, {}).set_index("constraint")
    assert (b["stage"] == "shortfall").all() and b["verified"].all()
    line = b.loc["line-capacity"]
    assert line["replanned_effect"] == pytest.approx(0.16875)
    assert line["text"] == (
        "the ua-m777 line (m777) is at capacity in 2026: one more unit of capacity closes 0.75 "
        "vehicles of the 2026 artillery formation-slot gap and 1.5 points of the 2026 artillery "
        "capability gap (16.88% of one period's requirement in all)"
    )
    budget = b.loc["budget-limit"]
    assert budget["replanned_effect"] == pytest.approx(0.05625)  # per USD million
    assert budget["text"].startswith(
        "the ua mod budget in 2026 binds: each extra 10 USD million closes 2.5 vehicles of the "
        "2026 artillery formation-slot gap and 5 points of the 2026 artillery capability gap ("
    )
    assert b.loc["capability-floor", "text"] == (
        "the artillery capability floor in 2026 binds: one more point of floor opens 1 point of "
        "the 2026 artillery capability gap (5% of one period's requirement in all)"
    )


def test_gaps_that_close_come_first_by_share_and_those_that_open_after_but() -> None:
    # three gaps moved by one step: 1 of 100 missiles (1%) and 0.75 of 50 (1.5%) closed,
    # 0.25 of 100 opened: the larger share first, then what opens
    gaps = pd.DataFrame(
        {
            "gap": ["the 2026 PAC-3 war-reserve gap", "the 2027 5V55 war-reserve gap", "g3"],
            "unit": ["missiles"] * 3,
            "scale": [100.0, 50.0, 100.0],
        },
        index=[7, 8, 9],
    )
    moves = (np.array([7, 8, 9]), np.array([-1.0, -0.75, 0.25]))
    assert _moved_words(moves, gaps) == (
        "closes 0.75 missiles of the 2027 5V55 war-reserve gap and 1 missile of the 2026 PAC-3 "
        "war-reserve gap but opens 0.25 missiles of g3"
    )
    assert _moved_words(None, gaps) == ""
