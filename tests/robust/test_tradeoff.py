"""The robust plan against its deterministic baseline, stress-tested on the same futures.

A two-period case derived by hand (``tests.robust.test_stochastic.future``): a floor of
10 guns in 2027 that a free pledge meets, or 10 guns bought now at 1 each. The pledge
is lost with probability 0.5 (an ``uncertainty`` row). The deterministic plan trusts the
pledge and buys nothing; the robust plan over the two futures buys 10 now. So on the
same sampled futures the deterministic plan breaches exactly where the draw loses the
pledge (the whole floor, 1 floor-period each time), the robust plan never, and the robust
plan costs 10 more.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forceplan.io.run_folder import read_run_folder
from forceplan.report import write_report
from forceplan.robust import robust_plan
from forceplan.robust.tradeoff import sample_frame, tradeoff_lines, tradeoff_table
from forceplan.uncertainty.run import stress_test, write_stress
from tests.robust.test_stochastic import NEED, NOW_PRICE, future, futures

LOSS = {
    "id": "pledge-lost",
    "kind": "pledge_loss",
    "target": "pledge",
    "distribution": "bernoulli",
    "probability": 0.5,
}


@pytest.fixture(scope="module")
def stressed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = future(True, uncertainty=[LOSS])
    plan, _ = robust_plan(base, futures(0.5), names=["fails", "holds"], time_limit=60)
    run = plan.save(tmp_path_factory.mktemp("tradeoff") / "run")
    write_stress(run, stress_test(run, samples=400, seed=11))
    return run


def test_the_robust_run_keeps_its_deterministic_baseline(stressed: Path) -> None:
    base = read_run_folder(stressed / "robust" / "deterministic")
    bought_a = base.deliveries[base.deliveries["source"] == "buy-now"]["quantity"].sum()
    assert bought_a == pytest.approx(0)  # it trusts the free pledge
    robust = read_run_folder(stressed)
    bought = robust.deliveries[robust.deliveries["source"] == "buy-now"]["quantity"].sum()
    assert bought == pytest.approx(NEED)
    summary = json.loads((stressed / "summary.json").read_text(encoding="utf-8"))
    assert summary["robust"]["baseline"]["folder"] == "robust/deterministic"


def test_breach_and_cost_against_the_baseline_by_hand(stressed: Path) -> None:
    samples = pd.read_parquet(stressed / "stress" / "samples.parquet")
    lost = samples["factor:pledge-lost"].to_numpy() == 1
    assert 0.3 < lost.mean() < 0.7  # a Bernoulli 0.5 over 400 samples
    assert not samples["breach"].any()  # the robust plan holds in every future
    t = pd.read_csv(stressed / "stress" / "tradeoff.csv").set_index("measure")
    assert t.loc["breach probability", "a"] == pytest.approx(lost.mean())
    assert t.loc["breach probability", "b"] == 0
    assert t.loc["breach probability", "difference"] == pytest.approx(-lost.mean())
    # paired: the difference is -1 where the pledge is lost and 0 elsewhere
    se = np.std(-lost.astype(float), ddof=1) / np.sqrt(len(lost))
    assert t.loc["breach probability", "difference, standard error"] == pytest.approx(se)
    # where lost, the whole floor of 2027 is missed: 1 floor-period
    assert t.loc["floor shortfall, mean", "a"] == pytest.approx(lost.mean())
    assert t.loc["floor shortfall, mean", "b"] == 0
    assert t.loc["breach probability: artillery", "a"] == pytest.approx(lost.mean())
    planned = t.loc["planned cost"]
    assert planned["difference"] == pytest.approx(NEED * NOW_PRICE, rel=1e-6)


def test_the_report_and_stress_summary_say_it(stressed: Path) -> None:
    stress = json.loads((stressed / "stress" / "summary.json").read_text(encoding="utf-8"))
    lines = stress["tradeoff"]["lines"]
    p = stress_test(stressed, samples=400, seed=11).tables["tradeoff"]
    pa = float(p.set_index("measure").loc["breach probability", "a"])
    # how much is missed first: the whole floor of 2027 (1 floor-period) where lost
    assert lines[0].startswith("capability missed on the same 400 samples")
    assert lines[0].endswith(f"{pa:.3g} (A) against 0 (B), {-pa:+.3g} (± {se(pa):.2g}), -100%")
    assert (
        f"breach probability on the same 400 samples: {100 * pa:.1f}% (A) against 0.0% (B), "
        f"{-100 * pa:+.1f} points"
    ) in lines
    assert any(line.startswith("planned cost") and "+10.0" in line for line in lines)
    html = write_report(stressed).read_text(encoding="utf-8")
    assert "What the robust plan (B) buys against the deterministic plan" in html
    assert "A the deterministic plan, B this robust plan" in html


def se(p: float, n: int = 400) -> float:
    """The paired standard error of a difference that is -1 in a share *p* of *n* samples."""
    return float(np.sqrt(p * (1 - p) * n / (n - 1) / n))


def test_per_role_lines_only_where_the_difference_is_beyond_its_error() -> None:
    n = 400
    moved = np.arange(n) < 100  # air breaches in 25% of A's samples, never in B's
    same = np.arange(n) % 2 == 0  # armour breaches in the same half of both
    a = sample_frame(
        pd.DataFrame(
            {"breach": moved | same, "breach:air": moved, "breach:armour": same, "spend": 1.0}
        )
    )
    b = sample_frame(
        pd.DataFrame({"breach": same, "breach:air": False, "breach:armour": same, "spend": 2.0})
    )
    t = tradeoff_table(a, b, (1.0, 2.0))
    said = tradeoff_lines(t)
    assert "air floor breached: 25.0% (A) against 0.0% (B), -25.0 points (± 2.2)" in said
    assert not any(line.startswith("armour") for line in said)
