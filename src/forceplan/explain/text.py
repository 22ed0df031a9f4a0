"""A plan in plain words: what binds, what falls short, how interoperable each formation is.

Every function takes the tables (plan and explanation tables, or an
:class:`~forceplan.explain.iis.IisResult`) and returns lines of text; the
``forceplan explain`` command prints them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forceplan.domain.interop_levels import LEVEL_NAMES
from forceplan.explain.iis import IisResult

BINDING_SHOWN = 24
"""Binding constraints listed in words; the rest are counted."""

PER_FAMILY = 2
"""Binding constraints listed per family (budgets, lines, donations, ...)."""

FORMATIONS_EXPLAINED = 12
"""Formations whose reasons are given in words (lowest level first); the rest are counted."""


def _label(period: object) -> str:
    try:
        f = float(period)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(period)
    return str(int(f)) if f.is_integer() else str(period)


def binding_lines(
    binding: pd.DataFrame, limit: int = BINDING_SHOWN, per_family: int = PER_FAMILY
) -> list[str]:
    """The binding constraints in words: the strongest few of each family, most important first.

    Families (budgets, lines, donations, pipelines, floors, ...) come in the order
    of the most important goal they move (shortfalls, interoperability, cost),
    each with its *per_family* largest values, at most *limit* lines in all.

    Examples
    --------
    >>> import pandas as pd
    >>> b = pd.DataFrame({"constraint": ["budget-limit"], "coordinates": ["stream=eu, period=2028"],
    ...                   "dual": [0.5], "unit": ["points per USD million"],
    ...                   "text": ["the eu budget in 2028 binds: each extra 10 USD million adds 5"],
    ...                   "stage": ["interoperability"]})
    >>> binding_lines(b)
    ['the eu budget in 2028 binds: each extra 10 USD million adds 5']
    """
    if binding is None or binding.empty:
        return ["nothing binds: no budget, line, donation, pipeline or floor limits the plan"]
    order = {"shortfall": 0, "weighted": 0, "interoperability": 1, "cost": 2}
    frame = binding.assign(
        _stage=binding["stage"].map(order).fillna(9) if "stage" in binding else 0,
        _size=-binding["dual"].abs(),
    )
    frame = frame.sort_values(["_stage", "_size"], kind="stable")
    shown = frame.groupby("constraint", sort=False).head(per_family).head(limit)
    lines = [str(t) for t in shown["text"]]
    more = len(binding) - len(shown)
    if more > 0:
        lines.append(f"... and {more} more binding constraint(s) in plan/binding.csv")
    return lines


def shortfall_lines(shortfalls: pd.DataFrame) -> list[str]:
    """The plan's shortfalls in words (``plan/shortfalls.csv``)."""
    if shortfalls is None or shortfalls.empty:
        return ["none: every floor, target, ammunition need and donor minimum is met"]
    return [str(t) for t in shortfalls["text"]]


def remedy_lines(remedies: pd.DataFrame | None) -> list[str]:
    """What closes each shortfall (``plan/remedies.csv``), one sentence per shortfall."""
    if remedies is None or remedies.empty:
        return []
    if "option" in remedies:  # the alternative is in the words of the smallest remedy's rows
        remedies = remedies[remedies["option"].astype(str) != "alternative"]
    return list(dict.fromkeys(str(t) for t in remedies["text"] if str(t).strip()))


def level_lines(
    levels: pd.DataFrame,
    names: dict[str, str] | None = None,
    limit: int = FORMATIONS_EXPLAINED,
) -> list[str]:
    """Formation levels: the count per level each period, then the weakest formations' reasons.

    Parameters
    ----------
    levels
        ``plan/formation_levels.csv``.
    names
        Formation id -> name (defaults to the ids).
    limit
        Formations explained in words (lowest level in the last period first).
    """
    if levels is None or levels.empty:
        return ["no formations in the scenario"]
    names = names or {}
    periods = sorted(levels["period"].unique())
    counts = (
        levels.pivot_table(index="period", columns="level", values="formation", aggfunc="count")
        .reindex(columns=list(LEVEL_NAMES), fill_value=0)
        .fillna(0)
        .astype(int)
    )
    lines = []
    for period in periods:  # a handful of periods
        row = counts.loc[period]
        parts = [f"{int(row[lv])} at level {lv}" for lv in LEVEL_NAMES if int(row[lv])]
        lines.append(f"{_label(period)}: " + ", ".join(parts))
    first, last = periods[0], periods[-1]
    end = levels[levels["period"] == last].sort_values(
        ["level", "score", "formation"], kind="stable"
    )
    start = levels[levels["period"] == first].set_index("formation")
    weak = end[end["level"] < 3]
    for _, row in weak.head(limit).iterrows():
        f = str(row["formation"])
        was = int(start.loc[f, "level"]) if f in start.index else None
        trend = f" (level {was} in {_label(first)})" if was is not None and len(periods) > 1 else ""
        reasons = str(row["reasons"])
        lines.append(
            f"{names.get(f, f)} is level {int(row['level'])} in {_label(last)}{trend}: {reasons}"
        )
    if len(weak) > limit:
        lines.append(
            f"... and {len(weak) - limit} more formation(s) below level 3 in {_label(last)}"
        )
    if weak.empty:
        lines.append(f"every formation is level 3 (integrated) in {_label(last)}")
    return lines


def gap_lines(
    gaps: pd.DataFrame, limit: int = 8, skip_roles: set[str] | frozenset[str] | None = None
) -> list[str]:
    """Vehicles short in the formations per period and role (``plan/formation_gaps.csv``).

    Parameters
    ----------
    gaps
        ``plan/formation_gaps.csv``.
    limit
        Largest single gaps (formation, role, period) listed after the totals.
    skip_roles
        Roles filled by consumables or divisible kit (drones, radios by the thousand):
        left out, so that their slots do not swamp the vehicles; named at the end.
    """
    if gaps is None or gaps.empty:
        return []
    skip = set(skip_roles or ())
    left_out = sorted(skip & set(gaps["role"].astype(str)))
    gaps = gaps[~gaps["role"].astype(str).isin(skip)]
    tail = (
        [f"(roles filled by consumables or divisible kit left out: {', '.join(left_out)})"]
        if left_out
        else []
    )
    if gaps.empty:
        return tail
    total = gaps.groupby("period")[["slots", "unfilled"]].sum()
    open_ = total[total["unfilled"] > 0]
    if open_.empty:
        return ["every vehicle slot of the formations is filled in every period", *tail]
    per_role = gaps[gaps["unfilled"] > 0].groupby(["period", "role"])["unfilled"].sum()
    lines = []
    for p, r in open_.iterrows():
        roles = per_role.xs(p, level="period").sort_values(ascending=False, kind="stable")
        parts = ", ".join(f"{str(k).replace('-', ' ')} {v:,.0f}" for k, v in roles.items())
        lines.append(
            f"{_label(p)}: {r['unfilled']:,.0f} vehicles short of {r['slots']:,.0f} slots ({parts})"
        )
    worst = gaps[gaps["unfilled"] > 0].sort_values("unfilled", ascending=False, kind="stable")
    for _, r in worst.head(limit).iterrows():
        lines.append(
            f"  {r['formation']} {str(r['role']).replace('-', ' ')} in {_label(r['period'])}: "
            f"{r['unfilled']:g} of {r['slots']:g} unfilled"
        )
    return lines + tail


def iis_lines(result: IisResult) -> list[str]:
    """An IIS in words: each member with its constraint, scenario rows and period."""
    if result.feasible:
        return [result.message]
    if result.members.empty:
        return [f"no infeasible subset found: {result.message}"]
    lines = [
        "these cannot all hold together (with every shortfall slack removed); drop or relax any "
        "one of them and the rest can:"
    ]
    for _, m in result.members.iterrows():
        where = f"; {m['rows']}" if str(m["rows"]) else ""
        coords = f"[{m['coordinates']}]" if str(m["coordinates"]) else ""
        what = "bound" if m["kind"] == "bound" else "row"
        lines.append(f"- {m['text']} ({m['name']}{coords}, {m['bound']} {what}{where})")
    lines.append(f"(method: {result.method}, {result.seconds:.1f} s)")
    return lines


def headline(levels: pd.DataFrame | None, interoperability: pd.DataFrame | None) -> list[str]:
    """The force-wide index in the first and last period and the mean formation level."""
    lines = []
    if interoperability is not None and len(interoperability):
        io = interoperability.sort_values("period")
        first, last = io.iloc[0], io.iloc[-1]
        lines.append(
            f"force interoperability index {float(first['index']):.2f} in {_label(first['period'])}"
            f" -> {float(last['index']):.2f} in {_label(last['period'])}"
        )
    if levels is not None and len(levels):
        mean = levels.groupby("period")["level"].mean()
        lines.append(
            f"mean formation level {mean.iloc[0]:.1f} in {_label(mean.index[0])} -> "
            f"{mean.iloc[-1]:.1f} in {_label(mean.index[-1])}"
        )
    return lines


def level_matrix(levels: pd.DataFrame) -> pd.DataFrame:
    """Formation x period table of levels (for a compact terminal table)."""
    z = levels.pivot_table(index="formation", columns="period", values="level", aggfunc="first")
    return z.fillna(-1).astype(np.int64)
