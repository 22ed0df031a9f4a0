"""Funded and unfunded cost apart: summary.json, the report's headline and compare."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forceplan.results.costs import cost_totals
from tests.model.tiny import equipment, scenario, solve


def test_unfunded_operating_cost_is_reported_apart(tmp_path: Path) -> None:
    # 10 M777 cost 1 a year to run (0.25 in reserve); a stream pays 5 of operation; floor 6:
    # 6 in service + 4 in reserve = 7 of operating cost, 5 funded, 2 unfunded.
    s = scenario(
        equipment=[equipment("m777", operating_cost=1)],
        inventory=[{"equipment": "m777", "quantity": 10}],
        budgets=[{"stream": "ua", "owner": "UKR", "period": 2026, "amount": 5}],
        budget_uses=[{"stream": "ua", "use": "operation"}],
        requirements=[{"kind": "capability", "role": "artillery", "period": 2026, "minimum": 6}],
    )
    p = solve(s)
    assert p.objective["cost"] == pytest.approx(7)  # the model's cost includes it all
    assert cost_totals(p.tables) == pytest.approx({"funded": 5.0, "unfunded": 2.0, "total": 7.0})
    run = p.save(tmp_path / "run")
    summary = json.loads((run / "summary.json").read_text())
    assert summary["cost"] == {
        "funded": pytest.approx(5.0),
        "unfunded": pytest.approx(2.0),
        "total": pytest.approx(7.0),
        "currency": "USD million",
    }
    from forceplan.report.data import load_run
    from forceplan.report.headline import cost_sentence

    sentence = cost_sentence(load_run(run))
    assert "a further 2 USD million of operating cost is unfunded" in sentence
