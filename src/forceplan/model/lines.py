"""Production lines: output to the force or to donors, capacity and integer expansions.

Variables
    ``line-output[line, period]`` >= 0: units delivered to the force (equipment
    arrives in the same period; munitions are ammunition supply), absent before
    the line's first period;
    ``line-replenish[replenishment, period]`` >= 0: units delivered to a donor
    stockpile of the same item (``replenishment`` = ``line/country:item``);
    ``line-expand[line, period]`` integer in [0, max_expansions]: expansions
    ordered (only lines with max_expansions > 0 and expansion_size > 0, and only
    where the expansion comes on line within the horizon).
    ``line-lots``, ``line-replenish_lots`` integer: output and replenishment in whole
    lots (lines of whole-unit equipment; ``lot_size`` units a lot, linked by
    ``line-lots_link`` and ``line-replenish_lots_link``).
Constraints
    ``line-capacity[line, period]``: output + sum of replenish of the line
    - expansion_size x (expansions ordered at least expansion_lead_time periods
    earlier) <= capacity;
    ``line-max_expansions[line]``: sum of expand over the horizon <= max_expansions.
Flows registered
    ``arrivals``, ``ammo_supply`` (output), ``donor_replenish`` (replenish),
    ``cost``: unit_cost x output (acquisition/ammunition), unit_cost x replenish
    (replenishment), expansion_cost x expand (expansion), each in the line's
    country.
"""

from __future__ import annotations

import numpy as np

from forceplan.model.build import ModelBundle
from forceplan.model.terms import Terms, grid, labels_of


def add(b: ModelBundle) -> None:
    """Add the lines family to *b*."""
    d = b.data
    if not len(d.lines):
        return
    ln = d.ln
    T = d.T
    n_lines = len(d.lines)
    line_idx, t = grid(n_lines, T)
    output = b.variables("line-output", (d.lines, d.periods), mask=d.ln_active)
    out_lab = labels_of(output)
    whole = np.broadcast_to(ln["whole"].to_numpy(dtype=bool)[:, None], out_lab.shape)
    lot = np.broadcast_to(ln["lot"].to_numpy(dtype=float)[:, None], out_lab.shape)
    b.whole(output, "line-lots", whole, lot)
    capacity = Terms(d.lines, d.periods).add((line_idx, t), out_lab)

    item = ln["item_pos"].to_numpy()[:, None]
    is_eq = ln["is_equipment"].to_numpy()[:, None]
    b.flow("arrivals", d.equipment, d.periods).add((np.where(is_eq, item, -1), t), out_lab)
    b.flow("ammo_supply", d.munitions, d.periods).add((np.where(is_eq, -1, item), t), out_lab)
    cost = b.flow("cost", d.categories, d.periods)
    unit_cost = ln["unit_cost"].to_numpy(dtype=float)[:, None]
    cost.add((ln["output_category_pos"].to_numpy()[:, None], t), out_lab, unit_cost)

    if len(d.replenishments):
        rep_line = d.rep["line_pos"].to_numpy()
        rep_mask = d.ln_active[rep_line]
        replenish = b.variables("line-replenish", (d.replenishments, d.periods), mask=rep_mask)
        rep_lab = labels_of(replenish)
        b.whole(
            replenish,
            "line-replenish_lots",
            np.broadcast_to(ln["whole"].to_numpy(dtype=bool)[rep_line][:, None], rep_lab.shape),
            np.broadcast_to(ln["lot"].to_numpy(dtype=float)[rep_line][:, None], rep_lab.shape),
        )
        _, rt = grid(len(d.replenishments), T)
        capacity.add((rep_line[:, None], rt), rep_lab)
        b.flow("donor_replenish", d.donors, d.periods).add(
            (d.rep["donor_pos"].to_numpy()[:, None], rt), rep_lab
        )
        cost.add(
            (ln["replenish_category_pos"].to_numpy()[rep_line][:, None], rt),
            rep_lab,
            unit_cost[rep_line],
        )

    expandable = ln["expandable"].to_numpy()
    if expandable.any():
        lead = ln["exp_lead"].to_numpy()
        max_exp = ln["max_expansions"].to_numpy(dtype=float)
        exp_mask = expandable[:, None] & (t + lead[:, None] < T)
        expand = b.variables(
            "line-expand",
            (d.lines, d.periods),
            upper=np.broadcast_to(max_exp[:, None], (n_lines, T)),
            mask=exp_mask,
            integer=True,
        )
        exp_lab = labels_of(expand)
        size = ln["expansion_size"].to_numpy(dtype=float)
        # an expansion ordered at tau is on line in every period t >= tau + lead
        tau = np.arange(T)[None, None, :]
        online = (tau + lead[:, None, None]) <= np.arange(T)[None, :, None]
        capacity.add(
            (line_idx[:, :, None], t[:, :, None]),
            exp_lab[:, None, :],
            np.where(online, -size[:, None, None], 0.0),
        )
        b.constraints(
            "line-max_expansions",
            Terms(d.lines).add((line_idx,), exp_lab),
            "<=",
            max_exp,
        )
        cost.add(
            (ln["expansion_category_pos"].to_numpy()[:, None], t),
            exp_lab,
            ln["expansion_cost"].to_numpy(dtype=float)[:, None],
        )

    b.constraints(
        "line-capacity",
        capacity,
        "<=",
        np.broadcast_to(ln["capacity"].to_numpy(dtype=float)[:, None], (n_lines, T)),
        mask=d.ln_active,
    )
