"""Sampled futures for a robust plan: ``forceplan.uncertainty.draw`` + ``realise``."""

from __future__ import annotations

from forceplan.domain.scenario import Scenario
from forceplan.robust.stochastic import RobustError
from forceplan.uncertainty import Draws, draw, realise

DEFAULT_SEED = 1
"""Seed of the futures a robust plan is built from (stress-test it on another seed)."""


def sampled_futures(
    scenario: Scenario, k: int, seed: int = DEFAULT_SEED
) -> tuple[list[tuple[float, Scenario]], list[str], Draws]:
    """*k* equally likely futures of *scenario* drawn from its ``uncertainty`` table.

    Returns
    -------
    (futures, names, draws)
        (1/k, realised scenario) per sample, their names ``sample<i>`` and the
        :class:`forceplan.uncertainty.Draws` they came from.

    Raises
    ------
    RobustError
        When *k* < 1.
    """
    if k < 1:
        raise RobustError(f"--robust needs K >= 1 futures, not {k}. Fix: e.g. --robust 5.")
    draws = draw(scenario, n=k, seed=seed)
    futures = [(1.0 / k, realise(scenario, draws, i)) for i in range(k)]
    return futures, [f"sample{i}" for i in range(k)], draws
