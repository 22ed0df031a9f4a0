"""The state at the end of a revealed period, and what a plan decided in a period.

:class:`State` is what rolling the horizon on needs: the stock in service, munition and
donor stocks, deliveries still on their way and line expansions not yet on line.
:func:`decisions_in` reads a plan's decisions of one period from its tables (one row per
decision kind, id and period, as in the ``commitments`` table), and :func:`reveal` plays
one period of a realised future with those decisions fixed, with simple recourse rules
(docs/replan.md): losses follow the realised attrition; an order arrives after the
realised lead time with the realised share of its quantity; retirements, upgrades and
moves into reserve cannot take more units than are there; munitions are used at the
realised consumption and cannot go below zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forceplan.domain.scenario import Scenario

TOL = 1e-6


@dataclass
class State:
    """The force at the end of the revealed period ``period``.

    Attributes
    ----------
    period
        Label of the revealed period.
    stock
        Units in service per equipment id (units in reserve included: the re-planned
        horizon starts with them in service).
    arrived
        Units that arrived during the period per equipment id (they start a new life).
    munitions
        Munition stock per id.
    donors
        Donor stockpile per ``country:item``.
    in_transit
        Deliveries on their way: item, origin (source or upgrade id), arrival (period
        label), quantity.
    expansions
        Line expansions ordered, not yet on line: line, online (period label), expansions.
    losses
        Units lost in the period per equipment id.
    """

    period: int
    stock: pd.Series
    arrived: pd.Series
    munitions: pd.Series
    donors: pd.Series
    in_transit: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["item", "origin", "arrival", "quantity"])
    )
    expansions: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["line", "online", "expansions"])
    )
    losses: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))


def opening_stock(scenario: Scenario) -> pd.Series:
    """Serviceable opening stock per equipment id, as the model counts it (whole types rounded)."""
    inv = scenario.inventory
    eq = scenario.equipment.set_index("id")
    share = inv["quantity"].astype(float) * inv["serviceable"].astype(float)
    whole = inv["equipment"].map(eq["whole_units"].astype(str).str.lower() == "yes").fillna(False)
    share = share.where(~whole.astype(bool), pd.Series(np.floor(share + 0.5), index=share.index))
    out = share.groupby(inv["equipment"]).sum()
    return out.reindex(eq.index, fill_value=0.0).astype(float)


def decisions_in(tables: dict[str, pd.DataFrame], scenario: Scenario, period: int) -> pd.DataFrame:
    """The plan's decisions taken in *period*: decision, id, period, quantity.

    ``order`` per source (ordered then), ``output`` per line (to the force), ``expand``,
    ``upgrade`` (per upgrade id), ``retire`` (early), ``reserve`` (units stored).
    """
    rows: list[pd.DataFrame] = []
    src = set(scenario.sources["id"])
    lines = set(scenario.lines["id"])

    def add(decision: str, ids: pd.Series, periods: pd.Series, qty: pd.Series) -> None:
        f = pd.DataFrame(
            {"decision": decision, "id": ids.astype(str), "period": periods, "quantity": qty}
        )
        rows.append(f[(f["period"] == period) & (f["quantity"] > TOL)])

    dl, am = tables["deliveries"], tables["ammunition_supply"]
    both = pd.concat(
        [
            dl[["source", "period_ordered", "quantity"]].rename(columns={"source": "id"}),
            am[["supplier", "period_ordered", "quantity"]].rename(columns={"supplier": "id"}),
        ]
    )
    orders = (
        both[both["id"].isin(src)]
        .groupby(["id", "period_ordered"], as_index=False)["quantity"]
        .sum()
    )
    add("order", orders["id"], orders["period_ordered"], orders["quantity"])
    out = pd.concat(
        [
            dl[["source", "period_delivered", "quantity"]].rename(
                columns={"source": "id", "period_delivered": "p"}
            ),
            am[["supplier", "period", "quantity"]].rename(
                columns={"supplier": "id", "period": "p"}
            ),
        ]
    )
    made = out[out["id"].isin(lines)].groupby(["id", "p"], as_index=False)["quantity"].sum()
    add("output", made["id"], made["p"], made["quantity"])
    ln = tables["lines"]
    add("expand", ln["line"], ln["period"], ln["expansions_ordered"].astype(float))
    up = tables["upgrades"]
    if len(up):
        add("upgrade", up["upgrade"], up["period_started"], up["quantity"].astype(float))
    ret = tables["retirements"]
    if len(ret) and "early" in ret:
        add("retire", ret["equipment"], ret["period"], ret["early"].astype(float))
    res = tables.get("reserve")
    if res is not None and len(res):
        add("reserve", res["equipment"], res["period"], res["to_reserve"].astype(float))
    if not rows:
        return pd.DataFrame(columns=["decision", "id", "period", "quantity"])
    return pd.concat(rows, ignore_index=True)


def committed_transit(scenario: Scenario) -> pd.DataFrame:
    """Deliveries on their way at the start of *scenario*: its fixed orders (item, origin, arrival,
    quantity), arriving after their source's lead time."""
    c = scenario.tables.get("commitments")
    cols = ["item", "origin", "arrival", "quantity"]
    if c is None or not len(c):
        return pd.DataFrame(columns=cols)
    c = c[(c["decision"] == "order") & (c["fixed"].astype(str).str.lower() == "yes")]
    src = scenario.sources.set_index("id")
    L = scenario.header.period_length
    return pd.DataFrame(
        {
            "item": src["item"].reindex(c["id"]).to_numpy(),
            "origin": c["id"].to_numpy(),
            "arrival": (
                c["period"] + src["lead_time"].reindex(c["id"]).fillna(0).astype(int).to_numpy() * L
            ).to_numpy(),
            "quantity": c["quantity"].astype(float).to_numpy(),
        },
        columns=cols,
    )


def fixed_ids(scenario: Scenario) -> set[str]:
    """Ids of the sources whose orders are fixed commitments (deliveries in transit)."""
    c = scenario.tables.get("commitments")
    if c is None or not len(c):
        return set()
    return set(c.loc[c["fixed"].astype(str).str.lower() == "yes", "id"])


def reveal(
    scenario: Scenario,
    decisions: pd.DataFrame,
    reality: Scenario,
    committed: pd.DataFrame | None = None,
) -> State:
    """Play the first period of *scenario* in the realised future *reality*.

    Parameters
    ----------
    scenario
        The scenario planned (its first period is revealed; its inventory is the opening).
    decisions
        :func:`decisions_in` of that period (orders of committed sources excluded).
    reality
        The realised future over the same or a longer horizon (attrition, sources,
        lines and consumption are read from it); ``scenario`` itself for no surprise.
    committed
        Deliveries already on their way at the start (default: the scenario's fixed orders,
        :func:`committed_transit`); orders of those sources in *decisions* are ignored.
    """
    if committed is None:
        committed = committed_transit(scenario)
    decisions = decisions[
        ~((decisions["decision"] == "order") & decisions["id"].isin(fixed_ids(scenario)))
    ]
    t0 = scenario.periods[0]
    L = scenario.header.period_length
    eq = scenario.equipment.set_index("id")
    whole = eq["whole_units"].astype(str).str.lower() == "yes"
    s0 = opening_stock(scenario)

    def rounded(s: pd.Series) -> pd.Series:
        w = whole.reindex(s.index, fill_value=False)
        return s.where(~w, np.floor(s + TOL))

    # losses at the realised rate of this period's intensity
    intensity = (
        reality.header.intensity[reality.periods.index(t0)]
        if t0 in reality.periods
        else scenario.header.intensity[0]
    )
    att = reality.attrition
    rate = att[att["intensity"] == intensity].set_index("class")["rate"].astype(float)
    alpha = eq["class"].map(rate).fillna(0.0).astype(float)
    losses = alpha * s0
    losses = losses.where(~whole, np.floor(losses + 0.5))

    by = {k: g.set_index("id")["quantity"] for k, g in decisions.groupby("decision")}
    get = lambda k: by.get(k, pd.Series(dtype=float))  # noqa: E731

    # orders: realised share and lead time
    src = scenario.sources.set_index("id")
    real_src = reality.sources.set_index("id")
    orders = get("order")
    q_plan = src["quantity"].astype(float).reindex(orders.index)
    q_real = real_src["quantity"].astype(float).reindex(orders.index).fillna(0.0)
    share = (q_real / q_plan.where(q_plan > 0)).clip(0, 1).fillna(0.0)
    got = orders * share
    lead = real_src["lead_time"].reindex(orders.index).fillna(0).astype(int)
    item = src["item"].reindex(orders.index)
    arrival = t0 + lead * L
    transit = [
        pd.DataFrame(
            {
                "item": item.values,
                "origin": orders.index,
                "arrival": arrival.values,
                "quantity": got.values,
            }
        )
    ]
    if committed is not None and len(committed):
        transit.append(committed[["item", "origin", "arrival", "quantity"]])
    # upgrades started now return later as their new type
    ups = get("upgrade")
    upg = scenario.upgrades.set_index("id")
    if len(ups):
        transit.append(
            pd.DataFrame(
                {
                    "item": upg["to_equipment"].reindex(ups.index).values,
                    "origin": ups.index,
                    "arrival": (t0 + upg["lead_time"].reindex(ups.index).astype(int) * L).values,
                    "quantity": ups.values,
                }
            )
        )
    moving = pd.concat(transit, ignore_index=True)
    moving["quantity"] = moving["quantity"].astype(float)
    now = moving[moving["arrival"] <= t0]
    later = moving[moving["arrival"] > t0].reset_index(drop=True)

    ln = scenario.lines.set_index("id")
    out = get("output")
    # production delays: a line that delivers less in reality delivers its share
    cap_real = reality.lines.set_index("id")["capacity"].astype(float).reindex(out.index)
    cap_plan = ln["capacity"].astype(float).reindex(out.index)
    out = out * (cap_real / cap_plan.where(cap_plan > 0)).clip(0, 1).fillna(1.0)
    line_items = ln["product"].reindex(out.index)
    equipment_ids = set(eq.index)
    parts: list[pd.Series] = [
        now.groupby("item")["quantity"].sum(),
        out.groupby(pd.Index(line_items.to_numpy())).sum(),
    ]
    arrivals: pd.Series = pd.concat(parts)
    arrivals = arrivals.groupby(level=0).sum()
    eq_arr = rounded(arrivals[arrivals.index.isin(equipment_ids)].reindex(eq.index, fill_value=0.0))

    after_losses = (s0 - losses).clip(lower=0.0)
    # units leaving by decision cannot exceed what is there
    leave = pd.Series(0.0, index=eq.index)
    leave = leave.add(get("retire").reindex(eq.index, fill_value=0.0), fill_value=0.0)
    if len(ups):
        out_up = ups.groupby(pd.Index(upg["from_equipment"].reindex(ups.index).to_numpy())).sum()
        leave = leave.add(out_up.reindex(eq.index, fill_value=0.0), fill_value=0.0)
    leave = leave.clip(upper=after_losses)  # recourse: no more than is there
    stock = after_losses - leave + eq_arr  # units stored in reserve are counted in service

    # munitions: opening + realised supply - realised consumption, never below zero
    mu = scenario.munitions.set_index("id")
    supply = arrivals[arrivals.index.isin(mu.index)].reindex(mu.index, fill_value=0.0)
    em = reality.equipment_munitions
    col = f"use_{intensity}"
    use = (
        (em[col].astype(float) * em["equipment"].map(stock).fillna(0.0))
        .groupby(em["munition"])
        .sum()
        if col in em
        else pd.Series(dtype=float)
    )
    munitions = (mu["stock"].astype(float) + supply - use.reindex(mu.index, fill_value=0.0)).clip(
        lower=0.0
    )

    # donors: stock minus what was donated now
    dn = scenario.donors
    key = dn["country"].astype(str) + ":" + dn["item"].astype(str)
    donors = pd.Series(dn["stock"].astype(float).to_numpy(), index=key)
    donated = orders[src["kind"].reindex(orders.index) == "donor"]
    if len(donated):
        dkey = src["country"].reindex(donated.index) + ":" + src["item"].reindex(donated.index)
        donors = donors.sub(donated.groupby(pd.Index(dkey.to_numpy())).sum(), fill_value=0.0).clip(
            lower=0.0
        )

    # expansions ordered now come on line after the realised lead time
    exp = get("expand")
    real_ln = reality.lines.set_index("id")
    exp_lead = real_ln["expansion_lead_time"].reindex(exp.index).fillna(1).astype(int)
    expansions = pd.DataFrame(
        {"line": exp.index, "online": (t0 + exp_lead * L).values, "expansions": exp.values}
    )
    return State(
        period=t0,
        stock=stock.astype(float),
        arrived=eq_arr.astype(float),
        munitions=munitions.astype(float),
        donors=donors.astype(float),
        in_transit=later,
        expansions=expansions,
        losses=losses.astype(float),
    )
