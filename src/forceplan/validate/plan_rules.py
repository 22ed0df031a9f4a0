"""Cross-table rules of the credible-plan settings: donor red lines, war reserves, home industry.

Each rule is ``rule(ctx) -> list[Problem]`` like those in :mod:`forceplan.validate.rules`
(which lists them in its ``RULES``) and reports every offending row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forceplan.validate.problems import Problem
from forceplan.validate.rules import Context


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype=object)
    values = frame[column].astype(object)
    return values.where(values.notna(), "").astype(str).str.strip()


def donor_red_lines_reachable(ctx: Context) -> list[Problem]:
    """A red-line minimum kept in every period (no replenish_by) cannot start above the stock."""
    dn = ctx.frame("donors")
    stock = pd.to_numeric(dn["stock"], errors="coerce")
    minimum = pd.to_numeric(dn["minimum"], errors="coerce")
    keep = _text(dn, "replenish_by") == ""
    hard = _text(dn, "soft_minimum").str.lower() != "yes"
    bad = (keep & hard & (minimum > stock + 1e-9)).to_numpy(dtype=bool)
    return [
        ctx.problem(
            "donors",
            int(i),
            "minimum",
            "donor-minimum-unreachable",
            f"{dn['country'].iloc[i]}'s stockpile of '{dn['item'].iloc[i]}' starts at "
            f"{stock.iloc[i]:g}, below its minimum of {minimum.iloc[i]:g}, and without a "
            "replenish_by period the minimum is a red line kept in every period: no plan can "
            "keep it.",
            "set replenish_by to the period by which the stockpile must be back at its minimum, "
            "lower the minimum, or set soft_minimum to yes to make it a target.",
        )
        for i in np.flatnonzero(bad)
    ]


def requirement_items(ctx: Context) -> list[Problem]:
    """Munition reserves name a munition, capacity targets a product; no item elsewhere."""
    req = ctx.frame("requirements")
    kind = _text(req, "kind")
    item = _text(req, "item")
    munitions = set(ctx.frame("munitions")["id"].astype(str))
    products = set(ctx.frame("lines")["product"].astype(str))
    problems = []
    needs = {
        "munition_reserve": ("a munition", munitions),
        "domestic_capacity": ("a product", products),
    }
    for k, (what, allowed) in needs.items():
        rows = np.flatnonzero(((kind == k) & ~item.isin(allowed)).to_numpy(dtype=bool))
        for i in rows:
            problems.append(
                ctx.problem(
                    "requirements",
                    int(i),
                    "item",
                    "value-missing" if item.iloc[i] == "" else "item-not-applicable",
                    f"a {k} requirement needs {what} in item"
                    + (f"; '{item.iloc[i]}' is not one" if item.iloc[i] else "")
                    + ("" if k == "munition_reserve" else " made by some production line")
                    + ".",
                    f"enter {what} id in item"
                    + (" (munitions.id)." if k == "munition_reserve" else " (lines.product)."),
                )
            )
    others = (~kind.isin(list(needs))) & (item != "")
    for i in np.flatnonzero(others.to_numpy(dtype=bool)):
        problems.append(
            ctx.problem(
                "requirements",
                int(i),
                "item",
                "item-not-applicable",
                f"a {kind.iloc[i]} requirement takes no item.",
                "leave item empty (it is for munition_reserve and domestic_capacity rows).",
            )
        )
    share = (kind == "domestic_share") & (pd.to_numeric(req["minimum"], errors="coerce") > 1)
    for i in np.flatnonzero(share.to_numpy(dtype=bool)):
        problems.append(
            ctx.problem(
                "requirements",
                int(i),
                "minimum",
                "fraction-range",
                f"domestic share {req['minimum'].iloc[i]} is above 1.",
                "enter the share as a fraction between 0 and 1 (e.g. 0.3 for 30%).",
            )
        )
    return problems


def home_country_known(ctx: Context) -> list[Problem]:
    """Domestic-industry targets need the header's country, spelt as in lines.country."""
    req = ctx.frame("requirements")
    kind = _text(req, "kind")
    rows = np.flatnonzero(kind.isin(["domestic_share", "domestic_capacity"]).to_numpy(dtype=bool))
    if not len(rows) or ctx.header is None:
        return []
    country = ctx.header.country
    countries = set(ctx.frame("lines")["country"].astype(str))
    if country and country in countries:
        return []
    what = "is not set" if not country else f"'{country}' has no production line"
    return [
        ctx.problem(
            "requirements",
            int(i),
            "kind",
            "home-country-unknown",
            f"a {kind.iloc[i]} requirement asks for the home industry, but the header's country "
            f"{what}.",
            "set country in scenario.yaml to the scenario's own country as spelt in "
            f"lines.country ({', '.join(sorted(countries)[:8])}).",
        )
        for i in rows
    ]


def munition_groups_have_alternatives(ctx: Context) -> list[Problem]:
    """A group of alternative munitions has at least two rows of the same type."""
    em = ctx.frame("equipment_munitions")
    group = _text(em, "group")
    named = em[group != ""]
    if named.empty:
        return []
    sizes = named.groupby([named["equipment"].astype(str), group[group != ""]]).size()
    problems = []
    for i in np.flatnonzero((group != "").to_numpy(dtype=bool)):
        key = (str(em["equipment"].iloc[i]), group.iloc[i])
        if sizes.get(key, 0) < 2:
            problems.append(
                ctx.problem(
                    "equipment_munitions",
                    int(i),
                    "group",
                    "group-alone",
                    f"'{key[0]}' has no other munition in group '{key[1]}': a group lists "
                    "alternatives the type may fire in any mix.",
                    "add the alternative munition with the same group, or leave group empty.",
                    severity="warning",
                )
            )
    return problems


PLAN_RULES = [
    donor_red_lines_reachable,
    requirement_items,
    home_country_known,
    munition_groups_have_alternatives,
]
"""The rules of this module, in the order they run (after the rules of ``rules``)."""
