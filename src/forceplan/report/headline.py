"""The brief: the plan's headline in words and the figures behind it.

One :class:`Headline` per run, computed from the run folder's tables (through
:class:`~forceplan.report.data.ReportData`), is what ``report.html`` shows on
its first screen and what the slide deck (``forceplan brief``) puts on its
slides, so the two always say the same thing. The functions return plain text
(no markup) and the figures as numbers, so tests can check each against the
run folder.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from forceplan.report.data import ReportData
from forceplan.report.platforms import is_major_platform
from forceplan.report.text import fmt

BUDGET_FULL = 0.995
"""A funding stream spending at least this share of what it has in a period is at its limit."""

THIN_COVER = 0.25
"""Ammunition whose closing stock covers less than this share of a period's use is thin."""

RISKS_SHOWN = 5
"""Most risks named in the headline."""


@dataclass
class Shift:
    """The Soviet-to-NATO shift, first and last period.

    Attributes
    ----------
    value_first, value_last
        NATO-standard share of combat value in service (all equipment).
    units_first, units_last
        NATO-standard share of major platforms in service, counted in units.
    soviet_units_first, soviet_units_last
        Soviet-standard major platforms in service (units).
    table
        Per period: ``nato_value_share``, ``nato_unit_share`` (major platforms),
        ``soviet_units``, ``nato_units``, ``major_units``.
    """

    value_first: float
    value_last: float
    units_first: float
    units_last: float
    soviet_units_first: float
    soviet_units_last: float
    table: pd.DataFrame


@dataclass
class Headline:
    """The brief of one run: each item a title and one or two sentences.

    Attributes
    ----------
    items
        (key, title, sentence) in the order they are briefed: ``capability``,
        ``shift``, ``interoperability``, ``shortfalls``, ``cost``, ``risks``,
        ``binds``.
    risks
        The top risks, one sentence each.
    binds
        What binds most, one sentence per stage (its own unit).
    remedies
        What closes each shortfall (``plan/remedies.csv``), when the run has it.
    shift
        The figures of the shift.
    capability
        Per role: first and last capability, last floor, worst shortfall and the
        periods short (``role, first, last, floor, shortfall, short_periods``).
    """

    items: list[tuple[str, str, str]] = field(default_factory=list)
    risks: list[str] = field(default_factory=list)
    binds: list[str] = field(default_factory=list)
    remedies: list[str] = field(default_factory=list)
    shift: Shift | None = None
    capability: pd.DataFrame = field(default_factory=pd.DataFrame)

    def text(self, key: str) -> str:
        """The sentence of item *key* ('' when absent)."""
        return next((t for k, _, t in self.items if k == key), "")


def _words(name: str) -> str:
    return name.replace("-", " ").replace("_", " ")


def _pct(x: float) -> str:
    return "n/a" if x is None or not math.isfinite(x) else f"{x:.0%}"


def equipment_frame(data: ReportData) -> pd.DataFrame:
    """The scenario's equipment with ``combat_value`` as a number and ``major`` platform flags."""
    eq = data.scenario["equipment"].copy()
    eq["combat_value"] = pd.to_numeric(eq["combat_value"], errors="coerce").fillna(0.0)
    eq["major"] = is_major_platform(eq).to_numpy() if len(eq) else []
    return eq


def stock_frame(data: ReportData) -> pd.DataFrame:
    """Stock in service joined with family, class, role, combat value and the major flag."""
    eq = equipment_frame(data)[["id", "family", "class", "role", "combat_value", "major", "name"]]
    stock = data.plan["stock"][["period", "equipment", "quantity"]]
    merged = stock.merge(
        eq.rename(columns={"role": "type_role"}), left_on="equipment", right_on="id", how="left"
    )
    merged["family"] = merged["family"].fillna("unknown").replace("", "unknown")
    merged["combat_value"] = merged["combat_value"].fillna(0.0)
    merged["major"] = merged["major"].fillna(False).astype(bool)
    merged["value"] = merged["quantity"].astype(float) * merged["combat_value"]
    return merged


def shift(data: ReportData) -> Shift | None:
    """The Soviet-to-NATO shift by combat value and among major platforms (None: no stock)."""
    s = stock_frame(data)
    if s.empty:
        return None
    periods = data.periods
    value = s.pivot_table(index="period", columns="family", values="value", aggfunc="sum")
    value = value.reindex(periods).fillna(0.0)
    major = s[s["major"]]
    units = major.pivot_table(index="period", columns="family", values="quantity", aggfunc="sum")
    units = units.reindex(periods).fillna(0.0)

    def col(frame: pd.DataFrame, name: str) -> pd.Series:
        return frame[name] if name in frame else pd.Series(0.0, index=frame.index)

    total_value = value.sum(axis=1)
    total_units = units.sum(axis=1)
    table = pd.DataFrame(
        {
            "nato_value_share": col(value, "nato") / total_value.where(total_value > 0),
            "nato_unit_share": col(units, "nato") / total_units.where(total_units > 0),
            "soviet_units": col(units, "soviet"),
            "nato_units": col(units, "nato"),
            "major_units": total_units,
        }
    )
    ends = table.iloc[[0, -1]].astype(float).to_numpy()
    return Shift(
        value_first=float(ends[0, 0]),
        value_last=float(ends[1, 0]),
        units_first=float(ends[0, 1]),
        units_last=float(ends[1, 1]),
        soviet_units_first=float(ends[0, 2]),
        soviet_units_last=float(ends[1, 2]),
        table=table,
    )


def _years(periods: list[int]) -> str:
    """``2026``, ``2026-2028`` or ``2026, 2029`` (runs of consecutive periods joined)."""
    if not periods:
        return ""
    runs: list[list[int]] = [[periods[0]]]
    for p in periods[1:]:
        if p - runs[-1][-1] <= 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def capability_table(data: ReportData) -> pd.DataFrame:
    """Per role: capability first and last period, floor, worst shortfall, periods short."""
    cap = data.plan["capability"]
    if cap.empty:
        return pd.DataFrame(
            columns=["role", "first", "last", "floor", "shortfall", "short_periods"]
        )
    first, last = data.periods[0], data.periods[-1]
    rows = []
    for role, g in cap.groupby("role", sort=False):
        g = g.set_index("period")
        short = g["shortfall"].fillna(0.0)
        short_periods = [int(p) for p in short.index[short > 1e-6]]
        rows.append(
            {
                "role": str(role),
                "first": float(g["capability"].get(first, math.nan)),
                "last": float(g["capability"].get(last, math.nan)),
                "floor": float(g["floor"].max()) if g["floor"].notna().any() else math.nan,
                "shortfall": float(short.max()) if len(short) else 0.0,
                "short_periods": short_periods,
            }
        )
    return pd.DataFrame(rows)


def capability_sentence(data: ReportData, table: pd.DataFrame) -> str:
    """Capability against the floors in one sentence."""
    if table.empty:
        return "The scenario sets no capability floors."
    unit = "points"
    cap = data.plan["capability"]
    short = cap[cap["shortfall"].fillna(0.0) > 1e-6]
    floored = cap[cap["floor"].fillna(0.0) > 0]
    if short.empty:
        n = len(floored["role"].unique())
        return f"Every role meets its capability floor in every year ({n} role(s) with floors)."
    parts = []
    for role, g in short.groupby("role", sort=False):
        worst = g.sort_values("shortfall", ascending=False, kind="stable").iloc[0]
        parts.append(
            f"{_words(str(role))} in {_years(sorted(int(p) for p in g['period']))} "
            f"(at worst {fmt(float(worst['shortfall']))} {unit} short of its floor of "
            f"{fmt(float(worst['floor']))} in {int(worst['period'])})"
        )
    return "Every role meets its capability floor in every year except " + "; ".join(parts) + "."


def shift_sentence(s: Shift | None, first: int, last: int) -> str:
    """The shift in one sentence: combat value, then major platforms by unit."""
    if s is None:
        return "The plan has no equipment in service."
    return (
        f"NATO-standard equipment holds {_pct(s.value_first)} of the combat value in service in "
        f"{first} and {_pct(s.value_last)} in {last}; among major platforms (drones, radios and "
        f"support vehicles not counted) {_pct(s.units_first)} of units in {first} and "
        f"{_pct(s.units_last)} in {last}, with Soviet-standard platforms going from "
        f"{fmt(s.soviet_units_first, 0)} to {fmt(s.soviet_units_last, 0)}."
    )


def interoperability_sentence(data: ReportData) -> str:
    """The interoperability index and formation levels, first and last period."""
    first, last = data.periods[0], data.periods[-1]
    io = data.plan["interoperability"].set_index("period")
    parts = []
    if first in io.index and last in io.index:
        index = io["index"].astype(float)
        target = io["target"].astype(float)
        text = (
            f"The interoperability index goes from {float(index.loc[first]):.2f} in {first} "
            f"to {float(index.loc[last]):.2f} in {last}"
        )
        set_ = target[target.fillna(0) > 0]
        if len(set_):
            missed = [int(p) for p in set_.index if float(index.loc[p]) < float(set_.loc[p]) - 1e-6]
            text += f" (target {float(set_.iloc[-1]):.2f} by {int(set_.index[-1])}"
            text += f", missed in {_years(missed)})" if missed else ", met)"
        parts.append(text + ".")
    levels = data.formation_levels
    if levels is not None and len(levels):

        def integrated(p: int) -> tuple[int, int]:
            rows = levels[levels["period"] == p]
            return int((rows["level"].astype(int) == 3).sum()), len(rows)

        (a, n), (b, m) = integrated(first), integrated(last)
        parts.append(
            f"Formations at level 3 (integrated): {a} of {n} in {first}, {b} of {m} in {last}."
        )
    return " ".join(parts) or "The plan has no interoperability rows."


def shortfall_sentence(data: ReportData) -> str:
    """The shortfalls in one sentence (the first three in words)."""
    frame = data.plan["shortfalls"]
    if frame.empty:
        return (
            "None: every capability floor, interoperability target, ammunition need and donor "
            "minimum is met."
        )
    texts = [t for t in frame["text"].astype(str) if t.strip()]
    shown = "; ".join(texts[:3])
    more = f"; and {len(frame) - 3} more" if len(frame) > 3 else ""
    return f"{len(frame)} requirement(s) cannot be met in full: {shown}{more}."


def cost_sentence(data: ReportData) -> str:
    """Total cost, the largest funding streams and the largest uses."""
    budgets = data.plan["budgets"]
    money = data.money_unit
    if budgets.empty:
        return "The scenario has no funding streams."
    spent = budgets.groupby("stream")["spent"].sum().sort_values(ascending=False)
    total = float(spent.sum())
    first, last = data.periods[0], data.periods[-1]
    top = ", ".join(f"{s} {fmt(float(v), 0)}" for s, v in spent.head(3).items() if v > 1e-9)
    text = f"{fmt(total, 0)} {money} over {first}-{last}"
    if top:
        text += f", most from {top}"
    from forceplan.results.contract import BUDGET_USES

    uses = {u: float(budgets[u].sum()) for u in BUDGET_USES if u in budgets}
    if total > 0 and uses:
        ranked = sorted(uses.items(), key=lambda kv: -kv[1])[:2]
        text += "; " + " and ".join(f"{u} {v / total:.0%}" for u, v in ranked if v > 0)
    from forceplan.results.costs import cost_totals

    unfunded = cost_totals(data.plan)["unfunded"]
    if unfunded > 0:
        text += (
            f"; a further {fmt(unfunded, 0)} {money} of operating cost is unfunded "
            "(no stream may pay it)"
        )
    return text + "."


def risks(data: ReportData) -> list[str]:
    """The plan's top risks: streams spent to their limit, thin ammunition, lines at capacity."""
    kinds: list[list[tuple[float, str]]] = [[], [], []]  # ammunition, budgets, donors
    money = data.money_unit
    budgets = data.plan["budgets"]
    if len(budgets):
        full = budgets[
            (budgets["available"] > 0) & (budgets["spent"] >= BUDGET_FULL * budgets["available"])
        ]
        for stream, g in full.groupby("stream", sort=False):
            amount = float(g["available"].sum())
            kinds[1].append(
                (
                    amount,
                    f"the {stream} funding stream is fully spent in "
                    f"{_years(sorted(int(p) for p in g['period']))} ({fmt(amount, 0)} {money}): "
                    "any cost growth or cut there removes decisions from the plan.",
                )
            )
    ammo = data.plan["ammunition"]
    if len(ammo):
        mu = data.scenario["munitions"]
        names = dict(zip(mu["id"], mu["name"], strict=True))
        use = ammo[ammo["consumption"].fillna(0) > 0]
        thin = use[use["closing"].fillna(0) < THIN_COVER * use["consumption"]]
        for munition, g in thin.groupby("munition", sort=False):
            consumed = float(g["consumption"].sum())
            label = names.get(str(munition)) or str(munition)
            kinds[0].append(
                (
                    consumed,
                    f"{label} stock ends {_years(sorted(int(p) for p in g['period']))} below a "
                    f"quarter of a year's use: a late delivery means rationing.",
                )
            )
    donors = data.plan["donors"]
    if len(donors) and "minimum" in donors:
        at_min = donors[
            (donors["minimum"].fillna(0) > 0)
            & (donors["stock"] <= donors["minimum"].fillna(0) * 1.001)
            & (donors["donated"].fillna(0) > 0)
        ]
        names = {}
        for table in ("equipment", "munitions"):
            frame = data.scenario[table]
            shown = frame["name"].where(frame["name"] != "", frame["id"])
            names.update(zip(frame["id"], shown, strict=True))
        for donor, g in at_min.groupby("donor", sort=False):
            country, _, item = str(donor).partition(":")
            item = str(g["item"].iloc[0]) if "item" in g else item
            label = f"{country}'s {names.get(item, item)}" if item else str(donor)
            kinds[2].append(
                (
                    float(g["donated"].sum()),
                    f"{label} stockpile is drawn down to its minimum in "
                    f"{_years(sorted(int(p) for p in g['period']))}: no margin for more donations.",
                )
            )
    for found in kinds:
        found.sort(key=lambda kv: -kv[0])
    out: list[str] = []
    depth = 0
    while len(out) < RISKS_SHOWN and any(len(k) > depth for k in kinds):
        out += [k[depth][1] for k in kinds if len(k) > depth]  # the worst of each kind first
        depth += 1
    return [t[0].upper() + t[1:] if t[:1].islower() else t for t in out[:RISKS_SHOWN]]


def binds(data: ReportData, per_stage: int = 1) -> list[str]:
    """What binds most, ranked within each stage in that stage's own unit (never across)."""
    frame = data.binding
    if frame is None or frame.empty:
        return []
    frame = frame.assign(strength=frame["dual"].astype(float).abs())
    if "verified" in frame:
        verified = frame["verified"].astype(str).str.lower().isin({"true", "1", "yes"})
        frame = frame.assign(_v=verified)
    else:
        frame = frame.assign(_v=True)
    group = "stage" if "stage" in frame else "unit"
    out = []
    for stage, g in frame.groupby(group, sort=False):
        g = g.sort_values(["_v", "strength"], ascending=[False, False], kind="stable")
        for _, row in g.head(per_stage).iterrows():
            text = str(row["text"]).strip() or f"{row['constraint']} [{row['coordinates']}]"
            if not row["_v"]:
                text += " (not verified by re-planning)"
            label = f"{_words(str(stage))}: " if group == "stage" else ""
            out.append(label + text)
    return out


def remedies(data: ReportData) -> list[str]:
    """What closes each shortfall, from ``plan/remedies.csv`` when the run has it."""
    frame = data.remedies
    if frame is None or frame.empty:
        return []
    if "option" in frame:  # the alternative is in the words of the smallest remedy's rows
        frame = frame[frame["option"].astype(str) != "alternative"]
    out: list[str] = []
    for _, row in frame.iterrows():
        text = str(row.get("text", "")).strip()
        if not text:
            text = f"{row.get('remedy', '')}: {row.get('quantity', '')} {row.get('unit', '')}"
        if text not in out:  # one sentence per shortfall (its additions share it)
            out.append(text)
    return out


def headline(data: ReportData) -> Headline:
    """The brief of a run (see :class:`Headline`)."""
    first, last = data.periods[0], data.periods[-1]
    cap = capability_table(data)
    sh = shift(data)
    h = Headline(
        risks=risks(data),
        binds=binds(data),
        remedies=remedies(data),
        shift=sh,
        capability=cap,
    )
    h.items = [
        ("capability", "Capability against floors", capability_sentence(data, cap)),
        ("shift", "Soviet to NATO", shift_sentence(sh, first, last)),
        ("interoperability", "Interoperability", interoperability_sentence(data)),
        ("shortfalls", "Shortfalls", shortfall_sentence(data)),
        ("cost", "Cost", cost_sentence(data)),
    ]
    if h.remedies:
        h.items.append(("remedies", "What closes the gaps", " ".join(h.remedies[:3])))
    h.items.append(
        (
            "risks",
            "Top risks",
            " ".join(h.risks[:3])
            if h.risks
            else "No budget, ammunition or donor stock at its limit.",
        )
    )
    if h.binds:
        h.items.append(("binds", "What binds", " ".join(h.binds[:3])))
    else:
        h.items.append(
            (
                "binds",
                "What binds",
                "Not computed for this run (plan/binding.csv is absent): run forceplan explain.",
            )
        )
    return h
