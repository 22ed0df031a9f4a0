"""The home industrial base: targets for what the scenario's own country makes.

Rebuilding the home defence industry is half of the mission, so a scenario can
ask for it (header ``country``, e.g. Ukraine):

* ``domestic_share`` requirements: the share of a period's acquisition spending
  (equipment and munitions, from sources and lines) that goes to suppliers and
  lines in the own country;
* ``domestic_capacity`` requirements: the output capacity per period of the own
  country's lines for a product (``item``), from that period on (a line grows
  only by expansions that are on line).

Both are soft: a miss is a shortfall, reported in words.

Variables
    ``industry-share_shortfall[period]`` >= 0: domestic spending missing to the share
    (USD million; periods with a domestic_share requirement);
    ``industry-capacity_shortfall[product, period]`` >= 0: capacity missing to the
    target (the product's units per period).
Constraints
    ``industry-share[period]``: domestic acquisition spending - share x all acquisition
    spending + shortfall >= 0;
    ``industry-capacity[product, period]``: expansion_size x expansions on line of the
    own country's lines of the product + shortfall >= target - their base capacity.
Flows registered
    ``domestic_spend``, ``acquisition_spend`` (period); ``domestic_capacity`` (product,
    period): expansions' part of the capacity.
Objective
    share shortfall / (share x the period's total budget) and capacity shortfall / target
    enter the shortfall part.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forceplan.model.build import ModelBundle
from forceplan.model.terms import Terms, grid, labels_of

ACQUIRING = ("acquisition", "ammunition")
"""Cost uses that count as acquisition spending."""


def add(b: ModelBundle) -> None:
    """Add the industry family to *b*."""
    d = b.data
    country = d.scenario.header.country
    _share(b, country)
    _capacity(b, country)


def _share(b: ModelBundle, country: str) -> None:
    d = b.data
    share = np.nan_to_num(d.domestic_share, nan=0.0)
    wanted = share > 0
    if not wanted.any() or "cost" not in b.flows or not len(d.categories):
        return
    rows, labels, coeffs = b.flows["cost"].arrays()
    k, t = np.divmod(rows, d.T)
    use = d.cat["use"].to_numpy(dtype=object)[k]
    home = d.cat["country"].to_numpy(dtype=object)[k] == country
    buying = np.isin(use, ACQUIRING)
    domestic = Terms(d.periods).add(
        (t[buying & home],), labels[buying & home], coeffs[buying & home]
    )
    spend = Terms(d.periods).add((t[buying],), labels[buying], coeffs[buying])
    b.flows["domestic_spend"] = domestic
    b.flows["acquisition_spend"] = spend
    short = b.variables("industry-share_shortfall", (d.periods,), mask=wanted)
    tt = np.arange(d.T)
    row = Terms(d.periods).extend(domestic).extend(spend.scaled(-share))
    row.add((tt,), labels_of(short))
    b.constraints("industry-share", row, ">=", 0.0, mask=wanted)
    scale = np.maximum(share * d.amount.sum(axis=0), 1.0)
    b.shortfall_scales["industry-share_shortfall"] = scale
    b.objective_part("shortfall").add((), labels_of(short), 1.0 / scale)


def capacity_targets(b: ModelBundle) -> tuple[pd.Index, np.ndarray]:
    """Products with a domestic capacity target and the target per period (P, T; 0: none).

    A target applies from its period on; several rows for one product take the
    largest target in force.
    """
    d = b.data
    dc = d.domestic_capacity
    products = pd.Index(pd.unique(dc["item"].astype(str)), name="product", dtype=object)
    target = np.zeros((len(products), d.T))
    if len(dc):
        p = products.get_indexer(pd.Index(dc["item"].astype(str)))
        from_t = np.arange(d.T)[None, :] >= dc["t"].to_numpy()[:, None]
        np.maximum.at(target, p, from_t * dc["minimum"].to_numpy(dtype=float)[:, None])
    return products, target


def base_capacity(b: ModelBundle, products: pd.Index, country: str) -> np.ndarray:
    """(P, T): base capacity of the own country's lines of each product, where they produce."""
    d = b.data
    ln = d.ln
    home = ln["domestic"].to_numpy(dtype=bool) if len(ln) else np.zeros(0, dtype=bool)
    pos = (
        products.get_indexer(pd.Index(ln["product"].astype(str)))
        if len(ln)
        else np.zeros(0, dtype=np.int64)
    )
    out = np.zeros((len(products), d.T))
    keep = home & (pos >= 0)
    if keep.any():
        base = d.ln_active[keep] * ln["capacity"].to_numpy(dtype=float)[keep][:, None]
        np.add.at(out, pos[keep], base)
    return out


def _capacity(b: ModelBundle, country: str) -> None:
    d = b.data
    products, target = capacity_targets(b)
    if not len(products) or not (target > 0).any():
        return
    coords = (products, d.periods)
    ln = d.ln
    pos = products.get_indexer(pd.Index(ln["product"].astype(str)))
    expansions = b.flow("domestic_capacity", *coords)
    if "line-expand" in b.model.variables:
        lab = labels_of(b.model.variables["line-expand"])
        lead = ln["exp_lead"].to_numpy()
        size = ln["expansion_size"].to_numpy(dtype=float)
        ok = ln["domestic"].to_numpy(dtype=bool) & (pos >= 0)
        lines = np.flatnonzero(ok)
        if len(lines):
            T = d.T
            tau = np.arange(T)[None, None, :]
            online = (tau + lead[lines][:, None, None]) <= np.arange(T)[None, :, None]
            _, t, _ = grid(len(lines), T, T)
            expansions.add(
                (pos[lines][:, None, None], t),
                lab[lines][:, None, :],
                np.where(online, size[lines][:, None, None], 0.0),
            )
    wanted = target > 0
    short = b.variables("industry-capacity_shortfall", coords, mask=wanted)
    p, t = grid(len(products), d.T)
    row = Terms(*coords).extend(expansions).add((p, t), labels_of(short))
    base = base_capacity(b, products, country)
    b.constraints("industry-capacity", row, ">=", target - base, mask=wanted)
    scale = np.where(wanted, target, 1.0)
    b.shortfall_scales["industry-capacity_shortfall"] = scale
    b.objective_part("shortfall").add((), labels_of(short), 1.0 / scale)
