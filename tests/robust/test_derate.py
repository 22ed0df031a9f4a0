"""The derated fallback: sources at their P-quantile of delivered quantity, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from forceplan.domain.scenario import Scenario
from forceplan.robust import RobustSettings, robust_plan
from forceplan.robust.derate import delay_quantile, delivered_quantile, derated_sources
from tests.model.tiny import equipment, scenario


def with_pledge(quantity: float | None, lead_time: int = 1) -> Scenario:
    """Two years, a floor of 10 in 2027; a free pledge (absent when *quantity* is None) and a
    market source at 3 a unit in 2027."""
    sources = [
        {
            "id": "market",
            "kind": "market",
            "country": "USA",
            "item": "m777",
            "quantity": 10,
            "price": 3,
            "lead_time": 0,
            "first_period": 2027,
        },
    ]
    if quantity is not None:
        sources.append(
            {
                "id": "pledge",
                "kind": "market",
                "country": "DEU",
                "item": "m777",
                "quantity": quantity,
                "price": 0,
                "lead_time": lead_time,
            }
        )
    return scenario(
        periods=2,
        objective={"risk_margin_value": 0},
        equipment=[equipment("m777")],
        sources=sources,
        budgets=[{"stream": "f", "owner": "UA", "period": y, "amount": 100} for y in (2026, 2027)],
        budget_uses=[{"stream": "f", "use": "acquisition"}],
        requirements=[{"kind": "capability", "role": "artillery", "period": 2027, "minimum": 10}],
    )


def test_quantiles_by_hand() -> None:
    w = np.array([0.5, 0.3, 0.2])
    # delivered 10 (p .5), 6 (p .3), 0 (p .2): P(>= 10) = .5, P(>= 6) = .8, P(>= 0) = 1
    assert delivered_quantile(np.array([10.0, 6.0, 0.0]), w, 0.8) == 6.0
    assert delivered_quantile(np.array([10.0, 6.0, 0.0]), w, 0.5) == 10.0
    assert delivered_quantile(np.array([10.0, 6.0, 0.0]), w, 0.81) == 0.0
    # lead 0 (p .5), 1 (p .3), 3 (p .2): P(<= 0) = .5, P(<= 1) = .8
    assert delay_quantile(np.array([0.0, 1.0, 3.0]), w, 0.8) == 1.0
    assert delay_quantile(np.array([0.0, 1.0, 3.0]), w, 0.9) == 3.0


def test_derated_plan_by_hand() -> None:
    # Futures: the pledge delivers 10 a period (p .5, lead 0), 6 (p .3, lead 1), nothing (p .2).
    # At P = 0.8 it is planned at 6 (P(q >= 6) = .8) with lead time 1 (among the futures that
    # deliver, weights .625 / .375: P(lead <= 0) = .625 < .8, P(lead <= 1) = 1).
    # The plan: order 6 from the pledge in 2026 (arrives 2027), buy the other 4 at 3 in 2027:
    # cost 12, no shortfall.
    base = with_pledge(10, lead_time=0)
    futures = [(0.5, with_pledge(10, 0)), (0.3, with_pledge(6, 1)), (0.2, with_pledge(None))]
    table = derated_sources(base, futures, 0.8).set_index("source")
    assert table.loc["pledge", "quantity_derated"] == 6.0
    assert table.loc["pledge", "lead_time_derated"] == 1.0
    assert table.loc["pledge", "futures_delivering"] == pytest.approx(0.8)
    assert table.loc["market", "quantity_derated"] == 10.0
    plan, rr = robust_plan(
        base, futures, RobustSettings(method="derated", confidence=0.8), time_limit=60, gap=0
    )
    assert rr.method == "derated"
    d = plan.tables["deliveries"].set_index("source")
    assert d.loc["pledge", "quantity"] == pytest.approx(6.0)
    assert d.loc["pledge", "period_ordered"] == 2026
    assert d.loc["market", "quantity"] == pytest.approx(4.0)
    assert plan.objective["cost"] == pytest.approx(12.0)
    # the run records the scenario as given; robust/ the derating
    src = plan.scenario.tables["sources"].set_index("id")
    assert src.loc["pledge", "quantity"] == 10
    assert "robust/derated_sources.csv" in plan.extra_files
    assert plan.summary_extra["robust"]["method"] == "derated"


def test_size_rule_falls_back_to_derated() -> None:
    base = with_pledge(10, 0)
    futures = [(0.5, with_pledge(10, 0)), (0.5, with_pledge(None))]
    # one future's model has a handful of columns: a limit of 1 is too small for 2 futures
    plan, rr = robust_plan(base, futures, RobustSettings(max_columns=1), time_limit=60)
    assert rr.method == "derated"
    assert "too many for one model" in rr.reason
    assert "robust plan (derated" in plan.message
    _, rr = robust_plan(base, futures, RobustSettings(), time_limit=60)
    assert rr.method == "stochastic"
