"""A robust run folder: plan/ and robust/ written whole, summary.json says the method;
the report and compare show it; the trade-off table from two stress-tested runs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forceplan.io.run_folder import read_run_folder
from forceplan.report import write_report
from forceplan.robust import robust_plan
from forceplan.robust.tradeoff import tradeoff_lines, tradeoff_table
from tests.robust.test_stochastic import future, futures


@pytest.fixture(scope="module")
def robust_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    plan, _ = robust_plan(future(True), futures(0.5), names=["fails", "holds"], time_limit=60)
    return plan.save(tmp_path_factory.mktemp("robust") / "run")


def test_run_folder_holds_plan_and_robust(robust_run: Path) -> None:
    run = read_run_folder(robust_run)
    assert run.summary["robust"]["method"] == "stochastic"
    assert run.summary["robust"]["names"] == ["fails", "holds"]
    assert "robust plan (stochastic, 2 futures)" in run.summary["message"]
    first = pd.read_csv(robust_run / "robust" / "first_stage.csv")
    assert first.set_index("decision").loc["supply-order[buy-now,2026]", "value"] == 10
    outcomes = pd.read_csv(robust_run / "robust" / "outcomes.csv")
    assert list(outcomes.columns[:4]) == ["future", "name", "probability", "period"]
    assert len(outcomes) == 2 * 2  # futures x periods
    roles = pd.read_csv(robust_run / "robust" / "roles.csv")
    units = roles.set_index(["name", "period", "role"])["units"]
    assert units[("fails", 2027, "artillery")] == 10  # 10 bought now, no pledge
    assert units[("holds", 2027, "artillery")] >= 10
    assert (robust_run / "robust" / "summary.md").read_text().startswith("# Robust plan")
    # no temporary folder left beside it
    assert not [p for p in robust_run.parent.iterdir() if p.name.startswith(".")]


def test_report_says_the_method(robust_run: Path) -> None:
    html = write_report(robust_run).read_text(encoding="utf-8")
    assert 'id="robust"' in html
    assert "Robust plan by the stochastic method over 2 futures" in html


def test_tradeoff_table_by_hand() -> None:
    # 200 samples: A breaches in 50 (25 %), B in 20 (10 %); B costs 2 more in every sample.
    rng = np.random.default_rng(0)
    cost = rng.uniform(90, 110, 200)
    a = pd.DataFrame({"sample": range(200), "breach": np.arange(200) < 50, "cost": cost})
    b = pd.DataFrame({"sample": range(200), "breach": np.arange(200) < 20, "cost": cost + 2})
    t = tradeoff_table(a, b, (100.0, 103.0)).set_index("measure")
    assert t.loc["breach probability", "a"] == pytest.approx(0.25)
    assert t.loc["breach probability", "difference"] == pytest.approx(-0.15)
    assert t.loc["breach probability, standard error", "b"] == pytest.approx(
        np.sqrt(0.1 * 0.9 / 200)
    )
    assert t.loc["cost, mean", "difference"] == pytest.approx(2.0)
    assert t.loc["planned cost", "difference"] == pytest.approx(3.0)
    lines = tradeoff_lines(t.reset_index(), "USD million")
    assert lines[0] == (
        "breach probability on the same 200 samples: 25.0% (A) against 10.0% (B), -15.0 points"
    )


def test_summary_json_is_valid(robust_run: Path) -> None:
    summary = json.loads((robust_run / "summary.json").read_text(encoding="utf-8"))
    assert summary["robust"]["expected"]["cost"] == pytest.approx(10.0)
