"""Formation interoperability levels: the worked example of docs/interoperability.md by hand."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from forceplan.domain.interop import type_scores
from forceplan.domain.interop_levels import (
    force_index,
    formation_levels,
    formation_scores,
    level_from,
)
from forceplan.domain.scenario import Scenario
from forceplan.io.records import from_records

HEADER: dict[str, Any] = {
    "name": "levels",
    "start_year": 2028,
    "periods": 2,
    "intensity": ["high"] * 2,
}


def _type(id_: str, name: str, role: str, family: str, value: float) -> dict[str, Any]:
    cls = {"artillery": "towed-artillery", "armour": "tank"}[role]
    return {
        "id": id_,
        "name": name,
        "class": cls,
        "role": role,
        "family": family,
        "combat_value": value,
        "logistics_family": id_,
    }


def example() -> Scenario:
    """The worked example: M777 (1.00), D-20 (0.00), upgraded T-72 (0.35 / 0.75)."""
    tables = {
        "standards": [
            {"id": "nato-155", "family": "nato", "domain": "ammunition"},
            {"id": "gost-152", "family": "soviet", "domain": "ammunition"},
            {"id": "sincgars", "family": "nato", "domain": "c2-radio"},
            {"id": "r-123", "family": "soviet", "domain": "c2-radio"},
            {"id": "mode-5", "family": "nato", "domain": "iff"},
            {"id": "soviet-diesel", "family": "soviet", "domain": "fuel"},
        ],
        "equipment": [
            _type("m777", "M777", "artillery", "nato", 2),
            _type("d20", "D-20", "artillery", "soviet", 1),
            _type("t72-up", "T-72 with NATO radios and IFF", "armour", "soviet", 1),
            _type("2s1", "2S1", "artillery", "soviet", 1),  # no standards listed
        ],
        "equipment_standards": [
            {"equipment": "m777", "standard": "nato-155"},
            {"equipment": "d20", "standard": "gost-152"},
            {"equipment": "d20", "standard": "r-123"},
            {"equipment": "t72-up", "standard": "gost-152"},
            {"equipment": "t72-up", "standard": "sincgars"},
            {"equipment": "t72-up", "standard": "mode-5"},
            {"equipment": "t72-up", "standard": "soviet-diesel"},
        ],
        "formations": [
            {"id": "bde-14", "name": "14th Brigade", "type": "mechanised-brigade", "priority": 1},
            {"id": "bde-15", "name": "15th Brigade", "type": "mechanised-brigade", "priority": 2},
        ],
        "formation_slots": [
            {"formation": "bde-14", "role": "artillery", "quantity": 22},
            {"formation": "bde-14", "role": "armour", "quantity": 10},
            {"formation": "bde-15", "role": "artillery", "quantity": 10},
        ],
    }
    return from_records(HEADER, tables)


def assignment(rows: list[tuple[int, str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["period", "formation", "role", "equipment", "quantity"])


BRIGADE_2028 = [
    (2028, "bde-14", "artillery", "m777", 18),
    (2028, "bde-14", "artillery", "d20", 4),
    (2028, "bde-14", "armour", "t72-up", 10),
]


def test_type_scores_by_hand() -> None:
    score = type_scores(example())
    assert score["m777"] == 1.0
    assert score["d20"] == 0.0  # ammunition and c2-radio apply, neither is NATO
    assert score["t72-up"] == pytest.approx(0.35 / 0.75)  # c2 0.20 + iff 0.15 of 0.75
    assert score["2s1"] == 0.0  # no applicable domain, soviet family


def test_worked_example_is_level_2() -> None:
    s = example()
    levels = formation_levels(s, assignment(BRIGADE_2028))
    row = levels[(levels["period"] == 2028) & (levels["formation"] == "bde-14")].iloc[0]
    # capability 36 + 4 + 10 = 50; score (36 + 10 x 0.35/0.75) / 50
    assert row["capability"] == 50
    assert row["score"] == pytest.approx((36 + 10 * 0.35 / 0.75) / 50)
    assert row["coverage:c2-radio"] == pytest.approx(10 / 14)
    assert np.isnan(row["coverage:datalink"])  # applies to none of its types
    assert row["coverage:ammunition"] == pytest.approx(36 / 50)
    assert row["level"] == 2
    assert row["level_name"] == "compatible"
    reasons = row["reasons"]
    assert reasons.startswith(
        "level 2 (compatible), score 0.81: score 0.81 < 0.90 needed for level 3"
    )
    assert "no NATO ammunition: T-72 with NATO radios and IFF (armour: gost-152), D-20" in reasons
    assert "no NATO c2 radio: D-20 (artillery: r-123)" in reasons
    # the brigade holds nothing in 2029, bde-15 nothing at all
    empty = levels[levels["period"] == 2029]
    assert (empty["level"] == 0).all() and empty["score"].isna().all()
    assert all("no equipment assigned" in r for r in empty["reasons"])
    assert list(levels.columns[:5]) == ["period", "formation", "level", "score", "reasons"]
    assert len(levels) == 4  # every period x formation


def test_swapping_the_d20s_for_m777s_gives_level_3() -> None:
    rows = [(2028, "bde-14", "artillery", "m777", 22), (2028, "bde-14", "armour", "t72-up", 10)]
    row = formation_levels(example(), assignment(rows)).iloc[0]
    assert row["score"] == pytest.approx((44 + 10 * 0.35 / 0.75) / 54)  # 0.9012
    assert row["coverage:c2-radio"] == 1.0
    assert row["level"] == 3
    assert row["reasons"].startswith("level 3 (integrated), score 0.90; no NATO ammunition")


def test_c2_radio_coverage_caps_a_high_score_at_level_1() -> None:
    # 10 M777 (20 points, score 1) and 5 D-20 (5 points, score 0, soviet radio): score 0.8,
    # but the only c2 radios are the D-20's soviet ones: coverage 0 < 0.60
    rows = [(2028, "bde-14", "artillery", "m777", 10), (2028, "bde-14", "artillery", "d20", 5)]
    row = formation_levels(example(), assignment(rows)).iloc[0]
    assert row["score"] == pytest.approx(0.8)
    assert row["coverage:c2-radio"] == 0.0
    assert row["level"] == 1
    assert "c2 radio only 0% NATO < 60% needed for level 2 (compatible)" in row["reasons"]


def test_low_score_is_level_0_and_names_the_bare_soviet_type() -> None:
    rows = [(2028, "bde-15", "artillery", "2s1", 9), (2028, "bde-15", "artillery", "m777", 1)]
    levels = formation_levels(example(), assignment(rows))
    row = levels[(levels["period"] == 2028) & (levels["formation"] == "bde-15")].iloc[0]
    assert row["score"] == pytest.approx(2 / 11)  # 1 x 2 of 9 x 1 + 1 x 2 points
    assert row["level"] == 0
    assert "score 0.18 < 0.25 needed for level 1 (deconflicted)" in row["reasons"]
    assert "no standards listed for non-NATO platforms: 2S1 (soviet family)" in row["reasons"]


def test_unfilled_slots_are_reported_in_the_reasons() -> None:
    gaps = pd.DataFrame(
        {
            "period": [2028, 2028],
            "formation": ["bde-14", "bde-14"],
            "role": ["artillery", "armour"],
            "slots": [22.0, 10.0],
            "filled": [22.0, 4.0],
            "unfilled": [0.0, 6.0],
        }
    )
    levels = formation_levels(example(), assignment(BRIGADE_2028), gaps)
    row = levels[(levels["period"] == 2028) & (levels["formation"] == "bde-14")].iloc[0]
    assert (row["slots"], row["filled"], row["unfilled"]) == (32.0, 26.0, 6.0)
    assert row["reasons"].endswith("unfilled slots: 6 of 10 armour")


def test_level_thresholds() -> None:
    score = np.array([0.95, 0.95, 0.95, 0.7, 0.7, 0.3, 0.2, np.nan])
    c2 = np.array([0.95, 0.7, 0.5, 0.7, np.nan, 0.0, 1.0, np.nan])
    dl = np.array([0.9, np.nan, 1.0, 0.0, 0.0, 1.0, 1.0, np.nan])
    levels = level_from(score, {"c2-radio": c2, "datalink": dl})
    assert levels.tolist() == [3, 2, 1, 2, 2, 1, 0, 0]


def test_formation_scores_weight_by_units_without_combat_value() -> None:
    s = example()
    s.tables["equipment"]["combat_value"] = 0.0
    frame = formation_scores(s, assignment(BRIGADE_2028))
    assert frame.iloc[0]["score"] == pytest.approx((18 + 10 * 0.35 / 0.75) / 32)


def test_force_index_is_the_capability_weighted_mean() -> None:
    stock = pd.DataFrame(
        {
            "period": [2028, 2028, 2028],
            "equipment": ["m777", "d20", "t72-up"],
            "quantity": [18, 4, 10],
        }
    )
    index = force_index(example(), stock)
    assert index[2028] == pytest.approx(0.8133, abs=1e-4)
    assert np.isnan(index[2029])


def test_reason_score_is_the_column_rounded_and_never_crosses_a_threshold() -> None:
    from forceplan.domain.interop_levels import SCORE_THRESHOLDS, _shown

    assert _shown(0.7896281800391388) == "0.79"  # the notional mech-bde-02 score in 2026
    assert _shown(0.899) == "0.899"  # rounding to 0.90 would claim level 3
    assert _shown(0.9) == "0.90"
    assert _shown(0.2499) == "0.2499"
    for x in np.linspace(0, 1, 2001):
        text = _shown(float(x))
        assert abs(float(text) - x) <= 0.005 + 1e-12
        for t in SCORE_THRESHOLDS.values():
            assert (float(text) >= t) == (x >= t - 1e-12), (x, text)
