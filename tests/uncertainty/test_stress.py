"""The stress simulation on hand-checkable plans: slips, losses, cuts, the neutral future."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import forceplan
from forceplan.io.run_folder import read_run_folder
from forceplan.uncertainty import draw
from forceplan.uncertainty.effects import effects
from forceplan.uncertainty.run import stress_test
from forceplan.uncertainty.stress import prepare, simulate, simulate_each
from tests.scenarios import small_records
from tests.uncertainty.tiny import one_type

SLIP = {
    "id": "slip-us",
    "kind": "pledge_slip",
    "target": "USA",
    "distribution": "bernoulli",
    "probability": 0.3,
    "value": 1,
}


def planned(scenario: forceplan.Scenario, dest: Path) -> Path:
    plan = forceplan.plan(scenario, time_limit=60)
    assert plan.has_plan, plan.message
    return plan.save(dest)


def test_one_bernoulli_slip_breaches_with_its_probability(tmp_path: Path) -> None:
    # the floor of 15 in 2027 is met only by the x guns (5 to 10, all free, all optimal)
    # ordered in 2026 (lead time 1): a slip of one period puts them past the horizon, so the
    # floor is breached exactly when it slips
    run = planned(one_type([SLIP]), tmp_path / "run")
    x = float(read_run_folder(run).deliveries["quantity"].sum())
    assert 5 - 1e-6 <= x <= 10 + 1e-6
    n, p = 4000, 0.3
    result = stress_test(run, samples=n, seed=11)
    slipped = result.draws.factors["slip-us"].to_numpy() == 1
    breach = result.outcomes.breach[:, 1, 0]
    assert np.array_equal(breach, slipped)
    assert not result.outcomes.breach[:, 0, 0].any()  # no floor in 2026
    rate = breach.mean()
    assert abs(rate - p) < 3 * np.sqrt(p * (1 - p) / n)  # within its sampling error
    cap = result.tables["capability"].set_index(["period", "role"])
    assert cap.loc[(2027, "artillery"), "p_below_floor"] == pytest.approx(rate)
    assert cap.loc[(2027, "artillery"), "p05"] == pytest.approx(10)
    assert cap.loc[(2027, "artillery"), "p95"] == pytest.approx(10 + x)
    np.testing.assert_allclose(result.outcomes.capability[slipped, 1, 0], 10)
    np.testing.assert_allclose(result.outcomes.capability[~slipped, 1, 0], 10 + x)


def test_losses_follow_the_sampled_attrition(tmp_path: Path) -> None:
    factor = {
        "id": "att",
        "kind": "attrition",
        "target": "towed-artillery",
        "distribution": "uniform",
        "low": 0.5,
        "high": 2,
    }
    # a pledge of exactly what the floor needs: the plan's one optimum orders all of it
    run = planned(one_type([factor], intensity="high", rate=0.1, pledge=6.9), tmp_path / "run")
    result = stress_test(run, samples=3000, seed=5)
    m = result.draws.factors["att"].to_numpy()
    x = float(read_run_folder(run).deliveries["quantity"].sum())
    assert x == pytest.approx(6.9)  # the plan's own future: 10 - 1 - 0.9 + x = 15
    # by hand: S_2026 = 10 (1 - 0.1 m); S_2027 = S_2026 (1 - 0.1 m) + x guns delivered
    s26 = 10 * (1 - 0.1 * m)
    s27 = s26 * (1 - 0.1 * m) + x
    np.testing.assert_allclose(result.outcomes.stock[:, 0, 0], s26)
    np.testing.assert_allclose(result.outcomes.stock[:, 1, 0], s27)
    # breached iff 10 (1 - 0.1 m)^2 < 15 - x = 8.1, i.e. m > 10 (1 - sqrt(0.81)) = 1
    threshold = 10 * (1 - np.sqrt((15 - x) / 10))
    assert threshold == pytest.approx(1.0)
    far = np.abs(m - threshold) > 1e-6  # leave out draws within rounding of the threshold
    assert np.array_equal(result.outcomes.breach[far, 1, 0], m[far] > threshold)
    expected = (2 - threshold) / 1.5  # 2/3
    assert abs(result.outcomes.breach[:, 1, 0].mean() - expected) < 3 * np.sqrt(
        expected * (1 - expected) / 3000
    )


def test_lost_and_partial_pledges(tmp_path: Path) -> None:
    factors: list[dict[str, Any]] = [
        {"id": "loss", "kind": "pledge_loss", "target": "us-gun", "distribution": "bernoulli",
         "probability": 0.5},
        {"id": "part", "kind": "pledge_partial", "target": "USA", "distribution": "uniform",
         "low": 0.2, "high": 1},
    ]  # fmt: skip
    run = planned(one_type(factors), tmp_path / "run")
    x = float(read_run_folder(run).deliveries["quantity"].sum())  # 5 to 10, as above
    result = stress_test(run, samples=500, seed=2)
    f = result.draws.factors
    expected = 10 + x * f["part"].to_numpy() * (f["loss"].to_numpy() == 0)
    np.testing.assert_allclose(result.outcomes.capability[:, 1, 0], expected)
    assert np.array_equal(result.outcomes.breach[:, 1, 0], expected < 15)


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small scenario with every kind of factor, planned once."""
    from forceplan.io.records import from_records
    from tests.uncertainty.test_draw import FACTORS

    header, tables = small_records()
    tables["uncertainty"] = [
        *FACTORS,
        {"id": "cut-fms", "kind": "budget_cut", "target": "us-fms", "distribution": "uniform",
         "low": 0, "high": 1},
        {"id": "cut-ua-deep", "kind": "budget_cut", "target": "ua-mod",
         "distribution": "uniform", "low": 0.5, "high": 1},
        {"id": "loss-us", "kind": "pledge_loss", "target": "USA", "distribution": "bernoulli",
         "probability": 0.2},
    ]  # fmt: skip
    return planned(from_records(header, tables), tmp_path_factory.mktemp("small") / "run")


def test_the_neutral_future_is_the_plan(small_run: Path) -> None:
    run = read_run_folder(small_run)
    scenario = run.scenario()
    inputs = prepare(scenario, run.tables)
    empty = scenario.copy()
    empty.tables["uncertainty"] = scenario.tables["uncertainty"].iloc[:0]
    out = simulate(inputs, effects(empty, draw(empty, n=3, seed=0)))
    for k in range(3):
        np.testing.assert_allclose(out.stock[k], inputs.plan_stock, atol=1e-5)
        np.testing.assert_allclose(out.capability[k], inputs.plan_capability, atol=1e-4)
    assert not out.breach.any() and not out.dry.any()
    np.testing.assert_allclose(out.spend[0], inputs.spent.sum(axis=0))


def test_vectorised_equals_one_sample_at_a_time(small_run: Path) -> None:
    run = read_run_folder(small_run)
    scenario = run.scenario()
    inputs = prepare(scenario, run.tables)
    fx = effects(scenario, draw(scenario, n=40, seed=9))
    a, b = simulate(inputs, fx), simulate_each(inputs, fx)
    for name in ("capability", "stock", "closing", "spend", "interop", "fill"):
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), equal_nan=True)
    assert np.array_equal(a.breach, b.breach) and np.array_equal(a.dry, b.dry)


def test_budget_cut_cancels_lowest_priority_orders_first(small_run: Path) -> None:
    run = read_run_folder(small_run)
    scenario = run.scenario()
    inputs = prepare(scenario, run.tables)
    d = draw(scenario, n=200, seed=4)
    out = simulate(inputs, effects(scenario, d))
    # a stream short of money cancels what it pays for, never its operating costs
    # two cuts of ua-mod combine: 1 - (1 - 0.2)(1 - deep)
    deep = d.factors["cut-ua-deep"].to_numpy()
    cut = {"us-fms": d.factors["cut-fms"].to_numpy(), "ua-mod": 1 - 0.8 * (1 - deep)}
    expected = np.zeros_like(out.spend)
    for i, stream in enumerate(inputs.streams):
        spent, avail = inputs.spent[i][None], inputs.available[i][None]
        left = (1 - cut.get(stream, np.zeros(200)))[:, None] * avail
        cancellable = inputs.spent_use[i].sum(axis=1)[None]
        expected += np.maximum(np.minimum(spent, left), spent - cancellable)
    np.testing.assert_allclose(out.spend, expected, rtol=1e-9, atol=1e-9)
    assert (out.spend < inputs.spent.sum(axis=0)[None] - 1e-6).any()  # some future cuts deep
