"""On the notional scenario, the robust plan breaches less than the deterministic plan on
fresh futures, and the run says by how much and at what cost (issue 11's done-when).

Two sampled futures (seed 1), every period's decisions shared; both plans stressed on
1,000 fresh futures (seed 7). Measured on 500 of them: capability missed 8.28 -> 7.76
floor-periods (paired error 0.061), some floor breached in a period 99.0% -> 97.4%
(0.4), for 10.3% more planned cost; with four futures, on 2,000: 8.19 -> 2.79 and
98.7% -> 76.4% for 32.6% more. The test asserts the direction beyond three paired
standard errors, and that the report says it."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

import pandas as pd
import pytest

import forceplan
from forceplan.report import write_report
from forceplan.robust import RobustSettings, robust_plan
from forceplan.robust.futures import sampled_futures
from forceplan.uncertainty.run import stress_test, write_stress

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stressed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = forceplan.examples.notional()
    futures, names, _ = sampled_futures(base, 2, seed=1)
    settings = RobustSettings(first_stage_periods=base.header.periods, method="stochastic")
    plan, _ = robust_plan(base, futures, settings, names=names, time_limit=300)
    run = plan.save(tmp_path_factory.mktemp("notional-robust") / "run")
    write_stress(run, stress_test(run, samples=1000, seed=7))
    return run


def test_the_robust_plan_breaches_less_and_costs_more(stressed: Path) -> None:
    t = pd.read_csv(stressed / "stress" / "tradeoff.csv").set_index("measure")
    for measure in ("floor shortfall, mean", "breach probability per period, mean"):
        row = t.loc[measure]
        assert row["difference"] < -3 * row["difference, standard error"], measure
        assert row["b"] < row["a"], measure
    assert t.loc["planned cost", "difference"] > 0


def test_the_report_says_by_how_much_and_at_what_cost(stressed: Path) -> None:
    lines = json.loads((stressed / "stress" / "summary.json").read_text("utf-8"))["tradeoff"]
    said = lines["lines"]
    assert said[0].startswith("capability missed on the same 1000 samples")
    assert any(s.startswith("planned cost (USD million)") for s in said)
    html = write_report(stressed).read_text(encoding="utf-8")
    assert "A the deterministic plan, B this robust plan" in html
    assert escape(said[0].split(":")[0]) in html
