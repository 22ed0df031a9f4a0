"""The vectorised stress simulation against the straightforward one (``scalar_stress``).

Two implementations of the recourse rules that share no simulation code must give the
same outcomes, sample by sample, on the small scenario with every kind of factor and on
the notional plan."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import forceplan
from forceplan.io.run_folder import read_run_folder
from forceplan.uncertainty import draw
from forceplan.uncertainty.effects import effects
from forceplan.uncertainty.stress import prepare, simulate
from tests.uncertainty.scalar_stress import simulate_scalar
from tests.uncertainty.test_stress import small_run  # noqa: F401 (a fixture)


def same(run: Path, samples: int, seed: int) -> int:
    folder = read_run_folder(run)
    scenario = folder.scenario()
    inputs = prepare(scenario, folder.tables)
    fx = effects(scenario, draw(scenario, n=samples, seed=seed))
    vec = simulate(inputs, fx)
    ref = simulate_scalar(inputs, fx)
    for name, values in ref.items():
        np.testing.assert_allclose(
            getattr(vec, name), values, rtol=1e-9, atol=1e-9, equal_nan=True, err_msg=name
        )
    return int(ref["breach"].sum())


def test_small_scenario_every_factor(small_run: Path) -> None:  # noqa: F811
    assert same(small_run, samples=60, seed=5) > 0  # some futures breach: the rules bite


@pytest.mark.slow
def test_notional_plan(tmp_path: Path) -> None:
    plan = forceplan.plan(forceplan.examples.notional(), time_limit=300)
    run = plan.save(tmp_path / "notional")
    assert same(run, samples=20, seed=3) > 0
