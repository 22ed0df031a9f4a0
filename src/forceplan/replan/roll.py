"""Roll the horizon on: the scenario of the remaining periods, starting from a revealed state.

The re-plan is an ordinary scenario (no change to the model beyond the ``commitments``
table): the start year moves on one period, the inventory is the realised stock, munition
and donor stocks are the realised ones, deliveries on their way become fixed arrivals
(a zero-price market source ``<origin>-t<arrival>`` whose single order is a ``fixed``
commitment), expansions already ordered become capacity (on line at once, or as a line
``<line>-x<year>`` from the year they come on line), and the previous plan's decisions for
the remaining periods are the announced commitments that the persistence penalty keeps.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from forceplan.domain.scenario import Scenario
from forceplan.replan.state import TOL, State


def _clamp_first(frame: pd.DataFrame, column: str, start: int) -> pd.DataFrame:
    values = frame[column]
    frame[column] = values.where(values.isna() | (values >= start), start)
    return frame


def _inventory(scenario: Scenario, state: State, L: int) -> pd.DataFrame:
    """One row per (equipment, formation): survivors scaled, a year older; arrivals pooled."""
    inv = scenario.inventory.copy()
    eq = scenario.equipment.set_index("id")
    serv = inv["quantity"].astype(float) * inv["serviceable"].astype(float)
    life = inv["remaining_life"].astype(float)
    alive = life.isna() | (life > L)
    base = serv.where(alive, 0.0)
    total = base.groupby(inv["equipment"]).transform("sum")
    old = (state.stock - state.arrived).clip(lower=0.0)
    want = inv["equipment"].map(old).fillna(0.0)
    qty = np.where(total > TOL, base / total.where(total > TOL, 1.0) * want, 0.0)
    inv["remaining_life"] = (life - L).where(life.notna())
    inv["_q"] = qty
    # arrivals (and survivors of types with no living opening row) join the pool row
    leftover = (
        old
        - pd.Series(qty, index=inv.index)
        .groupby(inv["equipment"])
        .sum()
        .reindex(old.index, fill_value=0.0)
    ).clip(lower=0.0)
    extra = (state.arrived + leftover).reindex(eq.index, fill_value=0.0)
    pool = inv["formation"].astype(str) == ""
    for e, q in extra[extra > TOL].items():
        hit = pool & (inv["equipment"] == e)
        if hit.any():
            inv.loc[hit[hit].index[0], "_q"] += q
        else:
            inv = pd.concat(
                [
                    inv,
                    pd.DataFrame(
                        [
                            {
                                **dict.fromkeys(inv.columns, np.nan),
                                "equipment": e,
                                "formation": "",
                                "_q": q,
                                "source": "replan: arrived",
                            }
                        ]
                    ),
                ],
                ignore_index=True,
            )
    inv = inv[inv["_q"] > TOL].copy()
    whole = (
        inv["equipment"]
        .map(eq["whole_units"].astype(str).str.lower() == "yes")
        .fillna(False)
        .astype(bool)
    )
    q = inv["_q"].where(~whole, np.floor(inv["_q"] + 0.5))
    inv["quantity"] = np.ceil(q - TOL).astype(int)
    inv["serviceable"] = (q / inv["quantity"].where(inv["quantity"] > 0, 1)).clip(upper=1.0)
    inv = inv[inv["quantity"] > 0]
    inv["formation"] = inv["formation"].fillna("")
    inv["source"] = inv["source"].fillna("replan")
    return inv.drop(columns="_q").reset_index(drop=True)


def roll_forward(
    scenario: Scenario, state: State, announced: pd.DataFrame | None = None
) -> Scenario:
    """The scenario of the periods after ``state.period``, starting from *state*.

    Parameters
    ----------
    scenario
        The scenario whose first period was revealed.
    state
        The realised state at the end of that period (:func:`forceplan.replan.state.reveal`).
    announced
        The previous plan's decisions of the remaining periods (decision, id, period,
        quantity): kept as announced commitments.

    Raises
    ------
    ScenarioError
        When the rolled scenario is not valid (every problem, located).
    ValueError
        When no period is left.
    """
    h = scenario.header
    if h.periods < 2:
        raise ValueError("no period is left to re-plan: the horizon has one period")
    L = h.period_length
    start = h.start_year + L
    header = h.model_copy(
        deep=True,
        update={"start_year": start, "periods": h.periods - 1, "intensity": list(h.intensity[1:])},
    )
    end = header.period_labels[-1]
    t = {k: v.copy() for k, v in scenario.tables.items()}
    t["inventory"] = _inventory(scenario, state, L)
    mu = t["munitions"]
    mu["stock"] = mu["id"].map(state.munitions).fillna(mu["stock"]).astype(float)
    dn = t["donors"]
    key = dn["country"].astype(str) + ":" + dn["item"].astype(str)
    dn["stock"] = key.map(state.donors).fillna(dn["stock"]).astype(float)
    rb = dn["replenish_by"]
    dn["replenish_by"] = rb.where(rb.isna() | (rb >= start), start)
    for name in ("requirements", "budgets"):
        t[name] = t[name][t[name]["period"] >= start].reset_index(drop=True)
    bu = t["budget_uses"]  # a stream with no money left in the horizon goes
    t["budget_uses"] = bu[bu["stream"].isin(set(t["budgets"]["stream"]))].reset_index(drop=True)
    src = t["sources"]
    src = src[src["last_period"].isna() | (src["last_period"] >= start)].copy()
    t["sources"] = _clamp_first(src, "first_period", start).reset_index(drop=True)
    tr = t["training"]
    tr = tr[tr["last_period"].isna() | (tr["last_period"] >= start)].copy()
    t["training"] = _clamp_first(tr, "first_period", start).reset_index(drop=True)
    fm = t["formations"]
    fm["due_period"] = fm["due_period"].where(fm["due_period"].isna() | (fm["due_period"] >= start))
    ln = _clamp_first(t["lines"], "first_period", start)
    # expansions already ordered: capacity now, or a line from the year they come on line
    extra_lines = []
    for line, online_at, count in zip(
        state.expansions["line"].astype(str),
        state.expansions["online"].astype(int),
        state.expansions["expansions"].astype(float),
        strict=True,
    ):
        if count <= TOL or line not in set(ln["id"]):
            continue
        i = ln.index[ln["id"] == line][0]
        ln.loc[i, "max_expansions"] = max(
            0, int(ln.loc[i, "max_expansions"]) - math.ceil(count - TOL)
        )
        size = float(ln.loc[i, "expansion_size"]) * count
        if online_at <= start:
            ln.loc[i, "capacity"] = float(ln.loc[i, "capacity"]) + size
        elif online_at <= end:
            row = ln.loc[i].to_dict()
            row.update(
                id=f"{line}-x{online_at}",
                capacity=size,
                first_period=online_at,
                expansion_size=0.0,
                expansion_cost=0.0,
                max_expansions=0,
                source=f"replan: expansion of {line} ordered in {state.period}",
            )
            extra_lines.append(row)
    if extra_lines:
        ln = pd.concat([ln, pd.DataFrame(extra_lines)], ignore_index=True)
    # what can no longer arrive within the shorter horizon is left out (or not expandable)
    n = header.periods
    late = ln["expansion_lead_time"] >= n
    ln.loc[late, "max_expansions"] = 0
    ln.loc[late, "expansion_lead_time"] = 0
    t["lines"] = ln.reset_index(drop=True)
    t["sources"] = t["sources"][t["sources"]["lead_time"] < n].reset_index(drop=True)
    t["upgrades"] = t["upgrades"][t["upgrades"]["lead_time"] < n].reset_index(drop=True)
    # deliveries on their way: fixed arrivals
    commitments = []
    eq_units = scenario.item_units()
    transit = state.in_transit
    transit = transit[(transit["quantity"] > TOL) & (transit["arrival"] <= end)]
    new_src = []
    countries = scenario.sources.set_index("id")["country"]
    grouped = transit.groupby(["item", "origin", "arrival"], as_index=False)["quantity"].sum()
    for item, origin, arrival, qty in zip(
        grouped["item"].astype(str),
        grouped["origin"].astype(str),
        grouped["arrival"].astype(int),
        grouped["quantity"].astype(float),
        strict=True,
    ):
        sid = f"{origin}-t{int(arrival)}"
        new_src.append(
            {
                "id": sid,
                "kind": "market",
                "country": countries.get(origin, "in-transit"),
                "item": item,
                "quantity": qty,
                "first_period": start,
                "last_period": start,
                "price": 0.0,
                "lead_time": int((arrival - start) // L),
                "unit": eq_units.get(item, "units"),
                "lot_size": 1.0,
                "source": f"replan: {origin} ordered by {state.period}, due {int(arrival)}",
            }
        )
        commitments.append(
            {"decision": "order", "id": sid, "period": start, "quantity": qty, "fixed": "yes"}
        )
    if new_src:
        t["sources"] = pd.concat([t["sources"], pd.DataFrame(new_src)], ignore_index=True)
    un = t.get("uncertainty")
    if un is not None and len(un):  # factors about what left the horizon go with it
        known_targets = (
            set(t["sources"]["id"])
            | set(t["sources"]["country"])
            | set(t["lines"]["id"])
            | set(t["budgets"]["stream"])
            | set(t["equipment"]["class"])
            | set(t["munitions"]["id"])
        )
        t["uncertainty"] = un[(un["target"] == "") | un["target"].isin(known_targets)]
    if announced is not None and len(announced):
        a = announced[announced["period"] >= start].copy()
        known = {
            "order": set(t["sources"]["id"]),
            "output": set(t["lines"]["id"]),
            "expand": set(t["lines"]["id"]),
            "upgrade": set(t["upgrades"]["id"]),
        }
        ok = a.apply(
            lambda r: r["id"] in known.get(r["decision"], set(t["equipment"]["id"])), axis=1
        )
        a = a[ok.astype(bool)] if len(a) else a
        commitments += [
            {"decision": d, "id": i, "period": p, "quantity": q, "fixed": "no"}
            for d, i, p, q in zip(
                a["decision"].astype(str),
                a["id"].astype(str),
                a["period"].astype(int),
                a["quantity"].astype(float),
                strict=True,
            )
        ]
    t["commitments"] = pd.DataFrame(
        commitments, columns=["decision", "id", "period", "quantity", "fixed"]
    )
    t["commitments"]["source"] = "replan"
    return _validated(header, t)


def _validated(header, tables: dict[str, pd.DataFrame]) -> Scenario:  # type: ignore[no-untyped-def]
    """Write the rolled scenario and load it back: typed, defaults filled, every rule checked."""
    from forceplan.io.csv_folder import write_folder_into
    from forceplan.io.load import load_scenario

    with tempfile.TemporaryDirectory(prefix="forceplan-replan-") as tmp:
        write_folder_into(header, tables, Path(tmp))
        out = load_scenario(tmp)
    out.origin = None
    return out
