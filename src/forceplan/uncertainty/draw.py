"""Draw sampled futures from a scenario's ``uncertainty`` table.

Every factor has its own random stream, seeded from the seed and the factor's
id (``numpy.random.SeedSequence``), and is drawn by the inverse of its
distribution function applied to uniform numbers. So the same scenario, ``n``
and seed give the same draws; the first rows of a larger draw are the draw of
fewer samples; and adding a factor leaves the draws of the others unchanged.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtri

from forceplan.domain.scenario import Scenario
from forceplan.uncertainty.factors import KINDS, split_numbers

META_COLUMNS = ["kind", "target", "distribution", "unit", "text", "neutral"]
"""Columns of :attr:`Draws.meta` (indexed by factor id)."""


@dataclass
class Draws:
    """Sampled values of every uncertain factor.

    Attributes
    ----------
    factors
        Index ``sample`` 0..n-1, one float column per factor id (multipliers,
        slip periods, delivered shares, lost flags, cut shares, delay periods).
    meta
        One row per factor id: kind, target, distribution, unit, text (the
        factor in words) and neutral (the value under which nothing changes).
    seed, n
        The seed and the number of samples drawn.
    """

    factors: pd.DataFrame
    meta: pd.DataFrame
    seed: int
    n: int

    def row(self, i: int) -> pd.Series:
        """The factor values of sample *i*."""
        return self.factors.iloc[i]


def _stream(seed: int, factor_id: str) -> np.random.Generator:
    """The random stream of one factor: from the seed and a stable hash of its id."""
    key = int.from_bytes(hashlib.sha256(factor_id.encode("utf-8")).digest()[:8], "little")
    return np.random.default_rng(np.random.SeedSequence([int(seed), key]))


def _num(value: object, default: float = float("nan")) -> float:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return default if out != out else out


def inverse_cdf(row: pd.Series, u: np.ndarray) -> np.ndarray:
    """Values of the distribution of one ``uncertainty`` row at uniform numbers *u*.

    Examples
    --------
    >>> row = pd.Series({"kind": "attrition", "distribution": "uniform", "low": 1, "high": 3})
    >>> inverse_cdf(row, np.array([0.0, 0.5])).tolist()
    [1.0, 2.0]
    """
    kind = KINDS[str(row["kind"])]
    dist = str(row["distribution"])
    if dist == "lognormal":
        median, sigma = _num(row.get("median"), 1.0), _num(row.get("sigma"), 0.0)
        return median * np.exp(sigma * ndtri(np.clip(u, 1e-12, 1 - 1e-12)))
    if dist == "uniform":
        low, high = _num(row.get("low")), _num(row.get("high"))
        return low + u * (high - low)
    if dist == "triangular":
        low, mode, high = _num(row.get("low")), _num(row.get("mode")), _num(row.get("high"))
        width = high - low
        if width <= 0:
            return np.full_like(u, low)
        c = (mode - low) / width
        left = low + np.sqrt(u * width * (mode - low))
        right = high - np.sqrt((1 - u) * width * (high - mode))
        return np.where(u < c, left, right)
    if dist == "discrete":
        values = np.asarray(split_numbers(str(row.get("values", ""))), dtype=float)
        weights_text = str(row.get("weights", "") or "")
        weights = (
            np.asarray(split_numbers(weights_text), dtype=float)
            if weights_text.strip()
            else np.ones(len(values))
        )
        cum = np.cumsum(weights) / weights.sum()
        pick = np.minimum(np.searchsorted(cum, u, side="right"), len(values) - 1)
        return values[pick]
    if dist == "bernoulli":
        p = _num(row.get("probability"), 0.0)
        value = _num(row.get("value"), 1.0 if kind.name == "pledge_loss" else kind.neutral)
        return np.where(u < p, value, kind.neutral)
    raise ValueError(f"unknown distribution {dist!r}")


def factor_text(kind: str, target: str, description: str = "") -> str:
    """A factor in words, e.g. ``slip of USA deliveries (periods)``."""
    if description.strip():
        return description.strip()
    return KINDS[kind].phrase.format(target=target or "all")


def draw(scenario: Scenario, n: int, seed: int = 0) -> Draws:
    """Draw *n* futures of the scenario's uncertain factors.

    Parameters
    ----------
    scenario
        A validated scenario; its ``uncertainty`` table (possibly empty) lists
        the factors.
    n
        Number of samples (futures).
    seed
        Seed of the draw.

    Returns
    -------
    Draws
        ``factors`` (index ``sample``, one column per factor id) and ``meta``.
        Without an ``uncertainty`` table: zero factor columns.

    Examples
    --------
    >>> import forceplan
    >>> d = draw(forceplan.examples.notional(), n=4, seed=1)
    >>> d.factors.shape[0], d.n
    (4, 4)
    """
    if n < 0:
        raise ValueError("n must be 0 or more")
    table = scenario.tables.get("uncertainty")
    index = pd.RangeIndex(n, name="sample")
    columns: dict[str, np.ndarray] = {}
    meta_rows: list[dict[str, object]] = []
    ids: list[str] = []
    if table is not None:
        for _, row in table.iterrows():  # one row per factor, not per sample
            kind = KINDS[str(row["kind"])]
            u = _stream(seed, str(row["id"])).random(n)
            values = inverse_cdf(row, u).astype(float)
            if kind.whole:
                values = np.floor(values + 0.5)
            if kind.low is not None:
                values = np.maximum(values, kind.low)
            if kind.high is not None:
                values = np.minimum(values, kind.high)
            columns[str(row["id"])] = values
            ids.append(str(row["id"]))
            meta_rows.append(
                {
                    "kind": kind.name,
                    "target": str(row["target"]),
                    "distribution": str(row["distribution"]),
                    "unit": kind.unit,
                    "text": factor_text(
                        kind.name, str(row["target"]), str(row.get("description", ""))
                    ),
                    "neutral": kind.neutral,
                }
            )
    factors = pd.DataFrame(columns, index=index, columns=ids, dtype=float)
    meta = pd.DataFrame(meta_rows, index=pd.Index(ids, name="factor"), columns=META_COLUMNS)
    return Draws(factors=factors, meta=meta, seed=int(seed), n=int(n))
