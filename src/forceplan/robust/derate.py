"""The fallback when K futures are too many for one model: plan on derated supply.

Every source (a donor pledge, a market offer) is planned at the quantity it
delivers with probability at least *P* across the futures, and with the lead
time it keeps with probability at least *P*:

* quantity per period :math:`\\tilde q_s = \\max\\{q : \\sum_k p_k [q^k_s \\ge q] \\ge P\\}`
  (:func:`delivered_quantile`), where :math:`q^k_s` is the source's quantity per period
  in future *k* (0 where the future has no such row);
* lead time
  :math:`\\tilde\\lambda_s = \\min\\{\\lambda : \\sum_k p_k [\\lambda^k_s \\le \\lambda] \\ge P\\}`
  (:func:`delay_quantile`) over the futures that keep the source;
* first and last period likewise (the later start and the earlier end that hold with
  probability *P*), where every future states them.

The rest of the scenario (attrition, budgets, lines) stays as given: the
requirements are met on supply that arrives with confidence *P*.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd

from forceplan.domain.scenario import Scenario

DERATED_COLUMNS = ("quantity", "lead_time", "first_period", "last_period")
"""The source columns that are derated."""


def delivered_quantile(values: np.ndarray, weights: np.ndarray, confidence: float) -> float:
    """The largest *v* delivered with probability at least *confidence*: P(value >= v) >= P.

    Examples
    --------
    >>> delivered_quantile(np.array([10.0, 6.0, 0.0]), np.array([0.5, 0.3, 0.2]), 0.8)
    6.0
    """
    order = np.argsort(-values, kind="stable")
    cum = np.cumsum(weights[order]) / weights.sum()
    return float(values[order][np.searchsorted(cum, confidence * (1 - 1e-12))])


def delay_quantile(values: np.ndarray, weights: np.ndarray, confidence: float) -> float:
    """The smallest *v* not exceeded with probability at least *confidence*: P(value <= v) >= P.

    Examples
    --------
    >>> delay_quantile(np.array([1.0, 2.0, 4.0]), np.array([0.5, 0.3, 0.2]), 0.8)
    2.0
    """
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order]) / weights.sum()
    return float(values[order][np.searchsorted(cum, confidence * (1 - 1e-12))])


def derated_sources(
    base: Scenario, futures: Sequence[tuple[float, Scenario]], confidence: float
) -> pd.DataFrame:
    """Per source of *base*: its quantity and timing as given and as derated at *confidence*.

    Returns
    -------
    pandas.DataFrame
        ``source``, then for each of :data:`DERATED_COLUMNS` the given value and the
        derated one (``quantity``, ``quantity_derated``, ...), and ``futures_delivering``
        (the probability that the source delivers anything).
    """
    src = base.tables["sources"].set_index("id")
    weights = np.array([float(p) for p, _ in futures])
    ids = src.index.to_numpy()

    def stacked(column: str) -> np.ndarray:
        """(future, source) values of *column*; NaN where the future has no such source."""
        cols = [
            pd.to_numeric(s.tables["sources"].set_index("id")[column], errors="coerce")
            .reindex(ids)
            .to_numpy(dtype=float)
            for _, s in futures
        ]
        return np.vstack(cols)

    quantity = np.nan_to_num(stacked("quantity"), nan=0.0)
    out = pd.DataFrame({"source": ids})
    out["quantity"] = src["quantity"].to_numpy(dtype=float)
    out["quantity_derated"] = [
        delivered_quantile(quantity[:, j], weights, confidence) for j in range(len(ids))
    ]
    out["futures_delivering"] = (weights[:, None] * (quantity > 0)).sum(axis=0) / weights.sum()
    for column, quantile in (
        ("lead_time", delay_quantile),
        ("first_period", delay_quantile),
        ("last_period", delivered_quantile),
    ):
        values = stacked(column)
        given = pd.to_numeric(src[column], errors="coerce").to_numpy(dtype=float)
        derated = given.copy()
        for j in range(len(ids)):
            keep = quantity[:, j] > 0
            col = values[keep, j]
            if keep.any() and np.isfinite(col).all():
                derated[j] = quantile(col, weights[keep], confidence)
        out[column] = given
        out[f"{column}_derated"] = derated
    return out


def derated_scenario(base: Scenario, table: pd.DataFrame) -> Scenario:
    """*base* with its sources at the derated values of *table* (from :func:`derated_sources`)."""
    sources = base.tables["sources"].copy()
    by_id = table.set_index("source")
    idx = sources["id"]
    for column in DERATED_COLUMNS:
        new = by_id[f"{column}_derated"].reindex(idx).to_numpy()
        if column == "quantity":
            sources[column] = new.astype(float)
        elif column == "lead_time":
            sources[column] = np.rint(new).astype(sources[column].dtype)
        else:
            series = pd.Series(new, index=sources.index)
            sources[column] = series.round().astype(sources[column].dtype)
    tables = dict(base.tables)
    tables["sources"] = sources
    return dataclasses.replace(base, tables=tables)
