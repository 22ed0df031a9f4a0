"""Commitments of a re-plan: decisions already taken are kept, announced ones cost to change.

Read from the scenario's ``commitments`` table (written by ``forceplan replan`` for
the re-planned horizon). Each row names a decision kind, the id it is about, a
period and a quantity:

================  =========================  ====================
decision          variable                   id of
================  =========================  ====================
``order``         ``supply-order``           ``sources``
``output``        ``line-output``            ``lines``
``expand``        ``line-expand``            ``lines``
``upgrade``       ``upgrade-start``          ``upgrades``
``retire``        ``stock-retire``           ``equipment``
``reserve``       ``reserve-store``          ``equipment``
``reactivate``    ``reserve-activate``       ``equipment``
================  =========================  ====================

Constraints
    ``persistence-fixed_<decision>[id, period]``: the variable equals the quantity of a
    ``fixed`` yes row (an order already placed, a delivery in transit).
    ``persistence-announced_<decision>[id, period]``: variable - change_up + change_down
    = announced quantity, where an announced (fixed no) row has a positive quantity.
Variables
    ``persistence-change_up_<decision>``, ``persistence-change_down_<decision>`` >= 0 on
    those cells.
Objective part ``persistence`` (USD million, in the cost stage)
    p x value x (change_up + change_down) on announced cells, and p x value x variable on
    every other cell of the seven variables that is not fixed (nothing was announced
    there, so any quantity is a change); p = ``replan.persistence_penalty``. Only when
    the table has at least one announced row and p > 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forceplan.domain.scenario import Scenario
from forceplan.exceptions import ScenarioError
from forceplan.model.build import ModelBundle
from forceplan.model.terms import Terms, labels_of

DECISIONS: dict[str, tuple[str, str]] = {
    "order": ("supply-order", "sources"),
    "output": ("line-output", "lines"),
    "expand": ("line-expand", "lines"),
    "upgrade": ("upgrade-start", "upgrades"),
    "retire": ("stock-retire", "equipment"),
    "reserve": ("reserve-store", "equipment"),
    "reactivate": ("reserve-activate", "equipment"),
}
"""Decision kind -> (model variable, table of its id)."""


def values(s: Scenario, decision: str, ids: pd.Index) -> np.ndarray:
    """Value (USD million) of one unit of *decision* for each id: what a change is priced at."""
    item_value = pd.concat(
        [
            s.equipment.set_index("id")["unit_cost"].astype(float),
            s.munitions.set_index("id")["unit_cost"].astype(float),
        ]
    )
    if decision == "order":
        item = s.sources.set_index("id")["item"]
        out = item.map(item_value)
    elif decision == "output":
        out = s.lines.set_index("id")["product"].map(item_value)
    elif decision == "expand":
        out = s.lines.set_index("id")["expansion_cost"].astype(float)
    elif decision == "upgrade":
        out = s.upgrades.set_index("id")["unit_cost"].astype(float)
    else:
        out = s.equipment.set_index("id")["unit_cost"].astype(float)
    return out.reindex(ids).fillna(0.0).to_numpy(dtype=float)


def add(b: ModelBundle) -> None:
    """Add the fixed and announced commitments of the ``commitments`` table to *b*."""
    table = b.scenario.tables.get("commitments")
    if table is None or not len(table):
        return
    periods = b.data.periods
    fixed_all = table["fixed"].astype(str).str.lower() == "yes"
    penalty = float(b.scenario.header.replan.persistence_penalty)
    announced_any = bool((~fixed_all).any()) and penalty > 0
    part = b.objective_part("persistence")
    for decision, (name, _) in DECISIONS.items():
        if name not in b.model.variables:
            rows = table[table["decision"] == decision]
            _absent(rows[fixed_all.loc[rows.index] & (rows["quantity"] > 0)], name)
            continue
        var = b.model.variables[name]
        lab = labels_of(var)
        ids = pd.Index(var.labels.coords[var.labels.dims[0]].values)
        coords = (pd.Index(ids, name=var.labels.dims[0]), periods)
        rows = table[table["decision"] == decision]
        i = ids.get_indexer(pd.Index(rows["id"]))
        t = periods.get_indexer(pd.Index(rows["period"]))
        qty = rows["quantity"].to_numpy(dtype=float)
        fixed = fixed_all.loc[rows.index].to_numpy(dtype=bool)
        known = (i >= 0) & (t >= 0)
        present = np.zeros(len(rows), dtype=bool)
        present[known] = lab[i[known], t[known]] >= 0
        _absent(rows[fixed & ~present & (qty > 0)], name)
        fixed_cell = np.zeros(lab.shape, dtype=bool)
        target = np.zeros(lab.shape)
        f = fixed & present
        if f.any():
            fixed_cell[i[f], t[f]] = True
            target[i[f], t[f]] = qty[f]
            lhs = Terms(*coords).add((i[f], t[f]), lab[i[f], t[f]])
            b.constraints(f"persistence-fixed_{decision}", lhs, "=", target, mask=fixed_cell)
        if not announced_any:
            continue
        value = penalty * values(b.scenario, decision, ids)[:, None] * np.ones(lab.shape)
        a = ~fixed & present & (qty > 0)
        ann_cell = np.zeros(lab.shape, dtype=bool)
        ann_qty = np.zeros(lab.shape)
        ann_cell[i[a], t[a]] = True
        np.add.at(ann_qty, (i[a], t[a]), qty[a])
        ann_cell &= ~fixed_cell
        free = (lab >= 0) & ~fixed_cell & ~ann_cell
        part.add((), np.where(free, lab, -1), value)  # nothing announced: any quantity is a change
        if ann_cell.any():
            up = b.variables(f"persistence-change_up_{decision}", coords, mask=ann_cell)
            down = b.variables(f"persistence-change_down_{decision}", coords, mask=ann_cell)
            lu, ld = labels_of(up), labels_of(down)
            gi, gt = np.nonzero(ann_cell)
            lhs = Terms(*coords).add((gi, gt), lab[gi, gt])
            lhs.add((gi, gt), lu[gi, gt], -1.0).add((gi, gt), ld[gi, gt], 1.0)
            b.constraints(f"persistence-announced_{decision}", lhs, "=", ann_qty, mask=ann_cell)
            part.add((), lu, value).add((), ld, value)


def _absent(rows: pd.DataFrame, name: str) -> None:
    """A fixed commitment the model cannot take is an error, never silently dropped."""
    if not len(rows):
        return
    from forceplan.validate.problems import Problem

    raise ScenarioError(
        [
            Problem(
                rule="commitment-impossible",
                message=f"the fixed {r.decision} of {r.quantity:g} for '{r.id}' in {r.period} "
                f"cannot be taken: the model has no {name} there (outside the source's or "
                "line's window, or after the horizon).",
                fix="correct the period or id, or set fixed to no.",
                file="commitments.csv",
                column="period",
                severity="error",
            )
            for r in rows.itertuples(index=False)
        ]
    )
