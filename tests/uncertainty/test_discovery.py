"""Scenario discovery: PRIM recovers a planted failure condition; SALib ranks the factors."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forceplan.uncertainty.discovery import (
    box_sentence,
    condition_text,
    failure_boxes,
    prim_box,
    sensitivity,
)

META = pd.DataFrame(
    {
        "kind": ["attrition", "attrition", "pledge_slip", "budget_cut"],
        "target": ["air-defence-long", "tank", "USA", "ua-mod"],
        "unit": ["x", "x", "periods", "share"],
        "text": ["SAM attrition (x plan)", "tank attrition (x plan)", "US slip (years)", "cut"],
    },
    index=pd.Index(["A", "B", "C", "D"], name="factor"),
)


def synthetic(n: int = 2000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = pd.DataFrame({k: rng.random(n) for k in "ABCD"})
    x["C"] = np.floor(3 * x["C"])  # a discrete factor that plays no part
    y = ((x["A"] > 0.7) & (x["B"] < 0.3)).to_numpy()
    return x, y


def test_prim_recovers_the_planted_failure_condition() -> None:
    x, y = synthetic()
    box = prim_box(x, y)
    assert box is not None
    assert set(box.limits) == {"A", "B"}
    lo_a, hi_a = box.limits["A"]
    lo_b, hi_b = box.limits["B"]
    assert abs(lo_a - 0.7) < 0.03 and hi_a == np.inf
    assert lo_b == -np.inf and abs(hi_b - 0.3) < 0.03
    assert box.density > 0.9 and box.coverage > 0.9
    assert abs(box.mass - 0.09) < 0.02  # 0.3 x 0.3 of the futures
    text = box_sentence("breach:air-defence", box, META)
    assert text.startswith("The air defence floor is breached in ")
    assert "SAM attrition (x plan) is above 0.7" in text and "tank attrition" in text
    assert "of all futures" in text


def test_failure_table_and_sentences() -> None:
    x, y = synthetic(1500, seed=3)
    outcomes = pd.DataFrame(
        {"breach:air-defence": y, "breach:armour": np.ones(len(y), dtype=bool), "dry": ~y & False}
    )
    table = failure_boxes(x, outcomes, META)
    rows = table.set_index("outcome")
    assert "A in [" in rows.loc["breach:air-defence", "conditions"]
    assert "no margin" in rows.loc["breach:armour", "text"]
    assert "dry" not in rows.index  # a failure that never happens gets no row
    assert condition_text("C", (1.0, np.inf), META) == "US slip (years) is 1 or more"
    assert condition_text("C", (1.0, 1.0), META) == "US slip (years) is 1"


def test_sensitivity_ranks_the_factors_that_matter_first() -> None:
    x, y = synthetic(2000, seed=1)
    outcomes = pd.DataFrame(
        {"floor_ratio_min": 1 - 0.5 * y + 0.001 * x["D"], "spend_total": 5 * x["D"] + 1}
    )
    table = sensitivity(x, outcomes, META)
    floor = table[table["outcome"] == "floor_ratio_min"].sort_values("rank")
    assert set(floor["factor"].head(2)) == {"A", "B"}
    spend = table[table["outcome"] == "spend_total"].sort_values("rank")
    assert spend["factor"].iloc[0] == "D" and spend["S1"].iloc[0] > 0.9
