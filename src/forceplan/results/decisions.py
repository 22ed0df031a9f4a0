"""The plan as decisions: what to order, receive, retire, hold in reserve, upgrade, expand, ...

:func:`decision_table` turns the plan tables into one row per decision, in the
words and names a planner briefs (display names from the scenario). It is a
pure function of the plan tables and the scenario tables: the run folder's
``plan/decisions.csv``, the ``decisions`` sheet of ``plan.xlsx``, the report and
the slide deck all use it, so they can never disagree.

Actions
-------
``order``
    A purchase (market source) or a production order (line), in the period it
    is placed; ``cost`` is what the plan pays for it.
``donate``
    A donor's pledge (a donor source), in the period it is pledged.
``receive``
    An order or pledge arriving in a later period than it was placed (cost 0:
    it is counted once, with the order).
``retire``
    Equipment taken out of service.
``reserve``, ``reactivate``
    Equipment moved into or back out of reserve (``plan/reserve.csv``, when the
    run has it).
``upgrade``
    A conversion programme started (item: the result; from: the original type).
``expand``
    Production-line expansions ordered.
``replenish``
    A donor stockpile refilled (from production lines).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

DECISION_COLUMNS = ["period", "action", "item", "from", "quantity", "cost", "text"]
"""Contract columns of ``plan/decisions.csv`` (more follow: unit, item_id, from_id)."""

EXTRA_COLUMNS = ["unit", "item_id", "from_id"]
"""Columns after the contract ones: the unit of ``quantity`` and the ids behind the names."""

ACTIONS = (
    "order",
    "donate",
    "receive",
    "retire",
    "reserve",
    "reactivate",
    "upgrade",
    "expand",
    "replenish",
)
"""Every action, in the order a year's decisions are listed."""

DECISIONS_FILE = "decisions.csv"
"""File name of the table inside the run folder's ``plan/``."""

RESERVE_TABLE = "reserve"
"""Plan table with columns period, equipment, to_reserve, from_reserve, in_reserve (optional)."""

TOLERANCE = 1e-6
"""Quantities at or below this are no decision (solver noise)."""


def _names(scenario: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """id -> display name of every equipment type and munition (the id when unnamed)."""
    out: dict[str, str] = {}
    for table in ("equipment", "munitions"):
        frame = scenario.get(table)
        if frame is None or frame.empty or "name" not in frame:
            continue
        names = frame["name"].fillna("").astype(str)
        ids = frame["id"].astype(str)
        out.update(zip(ids, names.where(names.str.strip() != "", ids), strict=True))
    return out


def _units(scenario: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """id -> unit of count (equipment: units; munitions: their unit)."""
    out: dict[str, str] = {}
    eq = scenario.get("equipment")
    if eq is not None:
        out.update(dict.fromkeys(eq["id"].astype(str), "units"))
    mu = scenario.get("munitions")
    if mu is not None and "unit" in mu:
        units = mu["unit"].fillna("").astype(str).replace("", "units")
        out.update(zip(mu["id"].astype(str), units, strict=True))
    return out


def _sources(scenario: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Every supplier id (sources and lines) with its kind and country."""
    parts = []
    src = scenario.get("sources")
    if src is not None and len(src):
        parts.append(
            pd.DataFrame(
                {
                    "id": src["id"].astype(str),
                    "kind": src["kind"].astype(str),
                    "country": src["country"].astype(str),
                }
            )
        )
    lines = scenario.get("lines")
    if lines is not None and len(lines):
        parts.append(
            pd.DataFrame(
                {
                    "id": lines["id"].astype(str),
                    "kind": "line",
                    "country": lines["country"].astype(str),
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=["id", "kind", "country"])
    return pd.concat(parts, ignore_index=True).drop_duplicates("id").set_index("id")


def quantity_text(value: float, unit: str = "units") -> str:
    """A quantity for a sentence: whole numbers without decimals, else one decimal.

    Examples
    --------
    >>> quantity_text(30.0)
    '30'
    >>> quantity_text(26.245)
    '26.2'
    >>> quantity_text(250000.0, "rounds")
    '250,000 rounds'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    text = f"{value:,.0f}" if abs(value - round(value)) < 0.05 else f"{value:,.1f}"
    return text if unit in ("", "units") else f"{text} {unit}"


def money_text(value: float, currency: str) -> str:
    """Money for a sentence, e.g. ``'270 USD million'``, ``'10.5 USD million'``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if abs(value) >= 100:
        return f"{value:,.0f} {currency}"
    return f"{value:,.1f} {currency}".replace(".0 ", " ")


def _supply_rows(
    frame: pd.DataFrame,
    item_col: str,
    source_col: str,
    delivered_col: str,
    ordered_col: str | None,
    suppliers: pd.DataFrame,
) -> pd.DataFrame:
    """Deliveries or ammunition supply as rows: item, source, kind, country, periods, q, cost."""
    if frame.empty:
        return pd.DataFrame(
            columns=["item_id", "source", "kind", "country", "ordered", "delivered", "q", "cost"]
        )
    source = frame[source_col].astype(str)
    kind = (
        frame["kind"].astype(str)
        if "kind" in frame
        else source.map(suppliers["kind"]).fillna("market")
    )
    country = (
        frame["country"].astype(str)
        if "country" in frame
        else source.map(suppliers["country"]).fillna("")
    )
    delivered = frame[delivered_col].astype(int)
    ordered = (
        frame[ordered_col].fillna(frame[delivered_col]).astype(int)
        if ordered_col and ordered_col in frame
        else delivered
    )
    return pd.DataFrame(
        {
            "item_id": frame[item_col].astype(str),
            "source": source,
            "kind": kind.replace("", "market"),
            "country": country.fillna(""),
            "ordered": ordered,
            "delivered": delivered,
            "q": frame["quantity"].astype(float),
            "cost": frame["cost"].astype(float).fillna(0.0),
        }
    )


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=DECISION_COLUMNS + EXTRA_COLUMNS)


def decision_table(
    plan: Mapping[str, pd.DataFrame],
    scenario: Mapping[str, pd.DataFrame],
    currency: str = "USD million",
) -> pd.DataFrame:
    """One row per decision of a plan (see the module docstring for the actions).

    Parameters
    ----------
    plan
        Plan table name -> DataFrame: ``deliveries``, ``ammunition_supply``,
        ``retirements``, ``upgrades``, ``lines``, ``donors`` and, when present,
        ``reserve`` (period, equipment, to_reserve, from_reserve, in_reserve).
        Missing tables contribute nothing.
    scenario
        Scenario table name -> DataFrame (``equipment``, ``munitions``, ``sources``,
        ``lines``): display names, units, supplier kinds and countries.
    currency
        Unit of ``cost`` (for the sentences).

    Returns
    -------
    pandas.DataFrame
        Columns ``period, action, item, from, quantity, cost, text, unit, item_id,
        from_id``, sorted by period, then action (:data:`ACTIONS` order), then item.
        ``cost`` is blank (NaN) for decisions the plan does not price separately
        (retire, reserve, reactivate, replenish).

    Examples
    --------
    >>> plan = {"retirements": pd.DataFrame(
    ...     {"period": [2026], "equipment": ["d20"], "quantity": [4.0]})}
    >>> eq = pd.DataFrame({"id": ["d20"], "name": ["D-20"]})
    >>> table = decision_table(plan, {"equipment": eq})
    >>> table[["period", "action", "item", "text"]].values.tolist()
    [[2026, 'retire', 'D-20', 'retire 4 D-20']]
    """
    names = _names(scenario)
    units = _units(scenario)
    suppliers = _sources(scenario)

    def name(ids: pd.Series) -> pd.Series:
        return ids.map(lambda i: names.get(i, i))

    def unit(ids: pd.Series) -> pd.Series:
        return ids.map(lambda i: units.get(i, "units"))

    parts: list[pd.DataFrame] = []

    def add(
        period: pd.Series,
        action: str,
        item_id: pd.Series,
        from_id: pd.Series | str,
        from_name: pd.Series | str,
        quantity: pd.Series,
        cost: pd.Series | float,
        item: pd.Series | None = None,
        item_unit: pd.Series | str | None = None,
        note: pd.Series | str = "",
    ) -> None:
        frame = pd.DataFrame(
            {
                "period": period.astype(int).to_numpy(),
                "action": action,
                "item": (name(item_id) if item is None else item).to_numpy(),
                "from": from_name if isinstance(from_name, str) else from_name.to_numpy(),
                "quantity": quantity.astype(float).to_numpy(),
                "cost": cost if isinstance(cost, float) else cost.astype(float).to_numpy(),
                "unit": (
                    unit(item_id).to_numpy()
                    if item_unit is None
                    else item_unit
                    if isinstance(item_unit, str)
                    else item_unit.to_numpy()
                ),
                "item_id": item_id.astype(str).to_numpy(),
                "from_id": from_id if isinstance(from_id, str) else from_id.to_numpy(),
                "_note": note if isinstance(note, str) else note.to_numpy(),
            }
        )
        parts.append(frame[frame["quantity"] > TOLERANCE])

    supply = []
    dl = plan.get("deliveries")
    if dl is not None and len(dl):
        supply.append(
            _supply_rows(dl, "equipment", "source", "period_delivered", "period_ordered", suppliers)
        )
    am = plan.get("ammunition_supply")
    if am is not None and len(am):
        supply.append(
            _supply_rows(am, "munition", "supplier", "period", "period_ordered", suppliers)
        )
    if supply:
        s = pd.concat(supply, ignore_index=True)
        s = s[s["q"] > TOLERANCE]
        donor = s["kind"] == "donor"
        by = np.where(
            donor | (s["source"] == s["country"]) | (s["country"] == ""),
            s["country"].where(s["country"] != "", s["source"]),
            s["source"] + " (" + s["country"] + ")",
        )
        s = s.assign(by=by)
        for action, rows in (("order", s[~donor]), ("donate", s[donor])):
            add(
                rows["ordered"],
                action,
                rows["item_id"],
                rows["source"],
                rows["by"],
                rows["q"],
                rows["cost"],
            )
        later = s[s["delivered"] > s["ordered"]]
        verb = np.where(later["kind"] == "donor", "pledged in ", "ordered in ")
        when = pd.Series(
            [v + str(o) for v, o in zip(verb, later["ordered"], strict=True)],
            index=later.index,
            dtype=object,
        )
        add(
            later["delivered"],
            "receive",
            later["item_id"],
            later["source"],
            later["by"],
            later["q"],
            0.0,
            note=when,
        )
    rt = plan.get("retirements")
    if rt is not None and len(rt):
        if {"early", "end_of_life"} <= set(rt.columns):  # say which retirements were chosen
            eol = pd.Series("at the end of their service life", index=rt.index, dtype=object)
            for column, note in (("early", None), ("end_of_life", eol)):
                rows = rt[rt[column].fillna(0.0) > 0]
                add(
                    rows["period"],
                    "retire",
                    rows["equipment"].astype(str),
                    "",
                    "",
                    rows[column],
                    math.nan,
                    note="" if note is None else note.loc[rows.index],
                )
        else:
            add(
                rt["period"],
                "retire",
                rt["equipment"].astype(str),
                "",
                "",
                rt["quantity"],
                math.nan,
            )
    rs = plan.get(RESERVE_TABLE)
    if rs is not None and len(rs):
        eq = rs["equipment"].astype(str)
        if "to_reserve" in rs:
            add(rs["period"], "reserve", eq, "", "", rs["to_reserve"].fillna(0.0), math.nan)
        if "from_reserve" in rs:
            add(rs["period"], "reactivate", eq, "", "", rs["from_reserve"].fillna(0.0), math.nan)
    up = plan.get("upgrades")
    if up is not None and len(up):
        frm = up["from_equipment"].astype(str)
        add(
            up["period_started"],
            "upgrade",
            up["to_equipment"].astype(str),
            frm,
            name(frm),
            up["quantity"],
            up["cost"].fillna(0.0),
        )
    ln = plan.get("lines")
    if ln is not None and len(ln):
        line_ids = ln["line"].astype(str)
        country = line_ids.map(suppliers["country"]).fillna("") if len(suppliers) else line_ids
        add(
            ln["period"],
            "expand",
            line_ids,
            line_ids,
            country,
            ln["expansions_ordered"].fillna(0),
            ln["expansion_cost"].fillna(0.0),
            item=line_ids,
            item_unit="expansions",
        )
    dn = plan.get("donors")
    if dn is not None and len(dn) and "replenished" in dn:
        country = (
            dn["country"].astype(str)
            if "country" in dn
            else dn["donor"].astype(str).str.split(":").str[0]
        )
        add(
            dn["period"],
            "replenish",
            dn["item"].astype(str),
            dn["donor"].astype(str),
            country,
            dn["replenished"].fillna(0.0),
            math.nan,
        )
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty()
    out = pd.concat(parts, ignore_index=True)
    out["text"] = _sentences(out, currency, supply_orders(plan, suppliers))
    rank = {a: i for i, a in enumerate(ACTIONS)}
    out = out.assign(_a=out["action"].map(rank)).sort_values(
        ["period", "_a", "item", "from"], kind="stable"
    )
    return out[DECISION_COLUMNS + EXTRA_COLUMNS].reset_index(drop=True)


def supply_orders(
    plan: Mapping[str, pd.DataFrame], suppliers: pd.DataFrame
) -> dict[tuple[str, str, int], list[int]]:
    """(item, source, period ordered) -> the periods of delivery, for "delivered in ..." text."""
    out: dict[tuple[str, str, int], list[int]] = {}
    for table, item, source, delivered in (
        ("deliveries", "equipment", "source", "period_delivered"),
        ("ammunition_supply", "munition", "supplier", "period"),
    ):
        frame = plan.get(table)
        if frame is None or frame.empty:
            continue
        rows = _supply_rows(frame, item, source, delivered, "period_ordered", suppliers)
        rows = rows[rows["q"] > TOLERANCE]
        for i, s, o, d in rows[["item_id", "source", "ordered", "delivered"]].itertuples(
            index=False, name=None
        ):
            out.setdefault((str(i), str(s), int(o)), []).append(int(d))
    return out


def _sentences(
    frame: pd.DataFrame, currency: str, orders: dict[tuple[str, str, int], list[int]]
) -> list[str]:
    """One sentence per decision, e.g. ``'order 30 CV9040C from bae-cv90 (Sweden) ...'``."""
    out = []
    for period, action, item, by, q, cost, unit, item_id, from_id, note in frame[
        [
            "period",
            "action",
            "item",
            "from",
            "quantity",
            "cost",
            "unit",
            "item_id",
            "from_id",
            "_note",
        ]
    ].itertuples(index=False, name=None):
        qty = quantity_text(float(q), str(unit) if unit != "expansions" else "")
        if unit not in ("", "units", "expansions"):
            qty += " of"
        price = money_text(float(cost), currency) if cost == cost and cost > 0 else ""
        if action in ("order", "donate"):
            verb = "order" if action == "order" else "donation of"
            text = f"{verb} {qty} {item} from {by}"
            if price:
                text += f" for {price}"
            arrive = sorted(set(orders.get((str(item_id), str(from_id), int(period)), [])))
            later = [p for p in arrive if p != int(period)]
            if later:
                text += ", delivered " + ", ".join(str(p) for p in later)
        elif action == "receive":
            text = f"receive {qty} {item} from {by}" + (f", {note}" if note else "")
        elif action == "upgrade":
            text = f"upgrade {qty} {by} to {item}"
            if price:
                text += f" for {price}"
        elif action == "expand":
            n = quantity_text(float(q), "")
            text = f"expand the {item} line ({by}) by {n} expansion{'s' if n != '1' else ''}"
            if price:
                text += f" for {price}"
        elif action == "replenish":
            text = f"replenish {by}'s {item} stockpile with {quantity_text(float(q), str(unit))}"
        elif action == "reactivate":
            text = f"reactivate {qty} {item} from reserve"
        elif action == "reserve":
            text = f"move {qty} {item} into reserve"
        elif action == "retire":
            text = f"retire {qty} {item}" + (
                f" {note}" if note else " before the end of their life"
            )
        else:
            text = f"{action} {qty} {item}"
        out.append(text)
    return out


def decisions_by_year(decisions: pd.DataFrame) -> pd.DataFrame:
    """Decisions counted and costed per period and action (rows: period; columns: action).

    Returns
    -------
    pandas.DataFrame
        Index ``period``, a MultiIndex of columns (``count``/``cost``, action).
    """
    if decisions.empty:
        return pd.DataFrame()
    g = decisions.groupby(["period", "action"])
    long = pd.DataFrame({"count": g.size(), "cost": g["cost"].sum(min_count=1)})
    table = pd.DataFrame(long.unstack("action"))
    order = [a for a in ACTIONS if a in decisions["action"].unique()]
    return table.reindex(columns=pd.MultiIndex.from_product([["count", "cost"], order]))
