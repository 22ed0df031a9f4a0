"""The report's sections in words: overview, shortfalls and binding constraints.

These functions return plain sentences (no markup); :mod:`forceplan.report.html`
escapes and lays them out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from forceplan.report.data import ReportData

FAMILY_TITLES: dict[str, str] = {
    "capability": "Capability floors",
    "interop": "Interoperability target",
    "ammo": "Ammunition coverage",
    "donor": "Donor stockpiles",
    "budget": "Budgets",
    "training": "Training pipelines",
    "line": "Production lines",
    "supply": "Supply sources",
    "upgrade": "Upgrades",
    "stock": "Stock",
    "diversity": "Equipment diversity",
}
"""Heading of each constraint family (the part of a constraint name before ``-``)."""

BINDING_SHOWN = 25
"""Most binding constraints listed by name; the rest are counted."""


@dataclass
class Section:
    """A group of sentences under one heading."""

    title: str
    lines: list[str] = field(default_factory=list)


def family_of(constraint: str) -> str:
    """The constraint family of a model name, e.g. ``'capability-floor'`` -> ``'capability'``."""
    return constraint.split("-", 1)[0]


def family_title(family: str) -> str:
    """Heading of a constraint family (the family name, capitalised, when unknown)."""
    return FAMILY_TITLES.get(family, family.replace("_", " ").capitalize())


def fmt(value: float, digits: int = 1) -> str:
    """A number for prose: thousands separators, *digits* decimals, trailing zeros dropped.

    Examples
    --------
    >>> fmt(12345.678)
    '12,345.7'
    >>> fmt(14.0)
    '14'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _fallback_shortfall(row: pd.Series) -> str:
    return (
        f"{row['constraint']}[{row['coordinates']}] is short by {fmt(float(row['amount']))} "
        f"{row['unit']}".rstrip()
    )


def shortfall_sections(data: ReportData) -> list[Section]:
    """Shortfalls in words, grouped by constraint family (empty list when there are none)."""
    frame = data.plan["shortfalls"]
    if frame.empty:
        return []
    frame = frame.assign(
        family=frame["constraint"].map(family_of),
        sentence=frame["text"].where(frame["text"].str.strip() != "", None),
    )
    missing = frame["sentence"].isna()
    if missing.any():
        frame.loc[missing, "sentence"] = frame.loc[missing].apply(_fallback_shortfall, axis=1)
    closing = remedy_texts(data)
    if closing:
        key = frame["constraint"].astype(str) + "[" + frame["coordinates"].astype(str) + "]"
        found = key.map(closing)
        frame["sentence"] = frame["sentence"].astype(str) + np.where(
            found.notna(), ". What closes it: " + found.fillna("").astype(str), ""
        )
    order = list(dict.fromkeys(frame["family"]))
    return [
        Section(family_title(f), frame.loc[frame["family"] == f, "sentence"].astype(str).tolist())
        for f in order
    ]


def remedy_texts(data: ReportData) -> dict[str, str]:
    """Shortfall key (``constraint[coordinates]``) -> what closes it, from ``plan/remedies.csv``."""
    frame = data.remedies
    if frame is None or frame.empty or "shortfall" not in frame:
        return {}
    if "option" in frame:  # the alternative is in the words of the smallest remedy's rows
        frame = frame[frame["option"].astype(str) != "alternative"]
    column = "remedy_text" if "remedy_text" in frame else "text"
    texts = frame[column].fillna("").astype(str)
    texts = texts.where(texts.str.strip() != "", frame["text"].fillna("").astype(str))
    return dict(zip(frame["shortfall"].astype(str), texts, strict=True))


def _fallback_binding(row: pd.Series) -> str:
    return (
        f"{row['constraint']}[{row['coordinates']}] binds: one more unit is worth "
        f"{fmt(float(row['dual']), 3)} {row['unit']}".rstrip()
    )


STAGE_RANK: dict[str, int] = {"shortfall": 0, "weighted": 0, "interoperability": 1, "cost": 2}
"""Order of the solver stages (the most important goal first)."""

STAGE_TITLES: dict[str, str] = {
    "shortfall": "Shortfall stage (in requirement-periods of shortfall avoided)",
    "interoperability": "Interoperability stage (in interoperable capability points)",
    "cost": "Cost stage (in money saved)",
    "weighted": "Weighted objective (in objective units)",
}
"""Heading of each solver stage's binding constraints."""

BINDING_PER_STAGE = 10
"""Binding constraints listed per stage; the rest are counted."""


def _ranked(frame: pd.DataFrame) -> pd.DataFrame:
    """*frame* in briefing order: stage by stage, then within each stage verified figures first,
    largest shown figure (the re-solved effect where verified, else the dual) first.

    Figures of different stages are in different units and are never ranked against each other.
    """
    if "verified" in frame:
        verified = frame["verified"].astype(str).str.lower().isin({"true", "1", "yes"})
    else:
        verified = pd.Series(True, index=frame.index)
    shown = frame["dual"].astype(float)
    if "replanned_effect" in frame:
        effect = pd.to_numeric(frame["replanned_effect"], errors="coerce")
        shown = effect.where(verified & effect.notna(), shown)
    stage = (
        frame["stage"].astype(str).map(STAGE_RANK).fillna(9)
        if "stage" in frame
        else pd.Series(0, index=frame.index)
    )
    return (
        frame.assign(_st=stage, _v=~verified, _a=-shown.abs(), verified_=verified)
        .sort_values(["_st", "_v", "_a"], kind="stable")
        .drop(columns=["_st", "_v", "_a"])
    )


def _binding_sentence(row: pd.Series) -> str:
    text = str(row["text"])
    line = text if text.strip() else _fallback_binding(row)
    if not bool(row["verified_"]) and "not verified" not in line:
        line += " (not verified by re-planning)"
    return line


def binding_lines(data: ReportData) -> tuple[list[str], int] | None:
    """The binding constraints in words, stage by stage, strongest first within each stage.

    Returns
    -------
    tuple of (list of str, int) or None
        The sentences of at most :data:`BINDING_SHOWN` constraints and how many more
        there are; ``None`` when the run has no ``plan/binding.csv``.
    """
    frame = data.binding
    if frame is None:
        return None
    shown = _ranked(frame).head(BINDING_SHOWN)
    sentences = [_binding_sentence(row) for _, row in shown.iterrows()]
    return sentences, len(frame) - len(shown)


def binding_sections(data: ReportData) -> list[Section] | None:
    """The binding constraints in words, one section per solver stage, strongest first.

    Shadow prices of different stages are in different units (shortfall avoided,
    money), so they are ranked within each stage, never across, and each section is
    headed by its stage and unit. Without a ``stage`` column the constraints are
    grouped by unit. Figures marked unverified (a ``verified`` column that is false)
    are said so and come after the verified ones of their stage.

    Returns
    -------
    list of Section or None
        ``None`` when the run has no ``plan/binding.csv``.
    """
    frame = data.binding
    if frame is None:
        return None
    group = "stage" if "stage" in frame else "unit"
    ranked = _ranked(frame)
    out = []
    for key, g in ranked.groupby(group, sort=False):
        shown = g.head(BINDING_PER_STAGE)
        lines = [_binding_sentence(row) for _, row in shown.iterrows()]
        if len(g) > len(shown):
            lines.append(f"... and {len(g) - len(shown)} more in plan/binding.csv")
        title = STAGE_TITLES.get(str(key), str(key)) if group == "stage" else f"In {key}"
        out.append(Section(title, lines))
    return out


def _status_sentence(summary: dict[str, Any]) -> str:
    status = str(summary.get("status", "unknown"))
    solver = summary.get("solver", {}) or {}
    who = f"{solver.get('name', 'the solver')} {solver.get('version', '')}".strip()
    gap = summary.get("gap")
    if status == "optimal":
        return f"{who} found an optimal plan."
    if status == "time_limit":
        within = f" (relative gap {gap:.2%})" if isinstance(gap, int | float) else ""
        return f"{who} stopped at its time limit; this is the best plan found{within}."
    return f"Solve status: {status}."


def overview_lines(data: ReportData) -> list[str]:
    """Key figures of the plan in a few sentences."""
    lines = [_status_sentence(data.summary)]
    periods = data.periods
    first, last = periods[0], periods[-1]
    io = data.plan["interoperability"].set_index("period")
    index = io["index"].astype(float)
    targets = io["target"].astype(float)
    if first in index.index and last in index.index:
        target = float(targets.loc[last])
        tail = f" (target {fmt(target, 2)})" if math.isfinite(target) and target > 0 else ""
        lines.append(
            f"The interoperability index goes from {fmt(float(index.loc[first]), 2)} in "
            f"{first} to {fmt(float(index.loc[last]), 2)} in {last}{tail}."
        )
    from forceplan.report.charts import stock_by_family

    fam = stock_by_family(data)
    totals = fam.sum(axis=1)
    if "nato" in fam.columns and totals.loc[first] > 0 and totals.loc[last] > 0:
        share0 = fam.loc[first, "nato"] / totals.loc[first]
        share1 = fam.loc[last, "nato"] / totals.loc[last]
        lines.append(
            f"NATO-standard equipment makes up {share0:.0%} of the units in service in {first} "
            f"and {share1:.0%} in {last}."
        )
    budgets = data.plan["budgets"]
    if not budgets.empty:
        spent = budgets.groupby("stream")["spent"].sum().sort_values(ascending=False)
        parts = ", ".join(f"{s} {fmt(float(v))}" for s, v in spent.items() if v > 1e-9)
        lines.append(
            f"Total spending over the horizon: {fmt(float(spent.sum()))} {data.money_unit}"
            + (f" ({parts})." if parts else ".")
        )
    n = len(data.plan["shortfalls"])
    lines.append(
        "Every floor, target and coverage requirement is met."
        if n == 0
        else f"{n} requirement(s) cannot be met in full: see the shortfalls below."
    )
    return lines
