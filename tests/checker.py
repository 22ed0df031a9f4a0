"""An independent checker of run folders.

It shares no code with forceplan's model builder, solver layer or result
extraction: it reads the run folder's ``scenario/`` (the inputs exactly as
solved) and ``plan/`` CSV files with pandas and yaml directly, recomputes every
balance from the scenario's own numbers, and lists what does not hold.

Checked:

- the contract: every plan file with its columns; the scenario hash in ``summary.json``;
- stock flow per equipment type and period (opening inventory x serviceable share, losses at
  the period's attrition rate, deliveries arriving, retirements, upgrades out and in),
  non-negative stock and end of service life;
- lead times (``period_delivered - period_ordered`` = the source's lead time) and order
  windows;
- capacities: source quantity per period, line capacity with expansions on line after their
  lead time and the expansion limit, upgrade depot capacity and lead time;
- budgets: available as in the scenario, spent <= available, spending per use equal to the
  cost of that use and only on allowed uses, country-restricted streams paying only their
  countries;
- donors: stock balance, non-negative stock, minimum from the replenish-by period on;
- ammunition balance and consumption (use x stock at the period's intensity);
- capability per role (value x stock) against its floor; interoperability index against its
  target; the crew pipeline (crews started per class within the pipelines, trained whole
  periods ahead, crew pools that balance, units beyond their crews waiting and not counting
  for capability or slots);
- reserve: its balance, units back in service after their reactivation time; no early
  retirement where the scenario does not allow it; end-of-life exits no more than the units
  whose life ends; units in service and in reserve within their service life (an upgrade
  keeps its hull's remaining life unless its path says extends_life yes);
- consumables (drones expended in use): never stock in service, no attrition; stockpile
  balance (opening inventory + deliveries - used); used + shortfall = the demand at the
  period's intensity, every gap listed; the units used count for capability and the
  interoperability index;
- whole units: no fractional quantity of a whole-unit type; deliveries in whole lots; losses
  within half a unit of rate x stock;
- donors: the minimum is a red line (every period without replenish_by, from it with one)
  unless marked soft; never above the maximum (default its opening stock);
- force generation: units in service per role cover the slots of the formations due;
- war reserve: closing munition stock at its floor (stated, or the header's share of
  consumption);
- funding priority: no later-ranked stream pays a use an earlier-ranked one could pay with
  money left;
- every violated requirement (capability below floor, interoperability below target,
  ammunition shortfall, donor below minimum, unfunded operating cost, force slots, war
  reserve) appears in ``plan/shortfalls.csv`` with its amount.

Usage::

    violations = check_run(run_dir)   # [] when the plan is consistent
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

SCENARIO_TABLES = (
    "standards",
    "munitions",
    "equipment",
    "equipment_standards",
    "equipment_munitions",
    "inventory",
    "upgrades",
    "formations",
    "formation_slots",
    "requirements",
    "sources",
    "donors",
    "lines",
    "budgets",
    "budget_uses",
    "training",
    "attrition",
    "uncertainty",
    "commitments",
)
"""Scenario table files, in the order the scenario hash covers them."""
OPTIONAL_TABLES = ("uncertainty", "commitments")
"""Tables a scenario folder may leave out (read as empty)."""
COMMITMENT_COLUMNS = ["decision", "id", "period", "quantity", "fixed"]

PLAN_COLUMNS: dict[str, list[str]] = {
    "stock": ["period", "equipment", "quantity"],
    "crews": ["period", "equipment", "crews_ready", "crews", "waiting", "replacement"],
    "consumables": [
        "period",
        "equipment",
        "opening",
        "supply",
        "demand",
        "used",
        "closing",
        "shortfall",
    ],
    "deliveries": ["period_ordered", "period_delivered", "equipment", "source", "quantity", "cost"],
    "retirements": ["period", "equipment", "quantity"],
    "losses": ["period", "equipment", "quantity"],
    "upgrades": [
        "period_started",
        "period_completed",
        "from_equipment",
        "to_equipment",
        "quantity",
        "cost",
    ],
    "ammunition": [
        "period",
        "munition",
        "opening",
        "supply",
        "consumption",
        "closing",
        "shortfall",
    ],
    "ammunition_supply": ["period", "munition", "supplier", "quantity", "cost"],
    "ammunition_use": ["period", "equipment", "munition", "rounds"],
    "lines": [
        "period",
        "line",
        "capacity",
        "output",
        "expansions_ordered",
        "expansions_online",
        "expansion_cost",
    ],
    "donors": ["period", "donor", "item", "stock", "donated", "replenished", "minimum"],
    "budgets": ["period", "stream", "available", "spent"],
    "capability": ["period", "role", "capability", "floor", "shortfall"],
    "interoperability": ["period", "index", "target", "shortfall"],
    "training": ["period", "pipeline", "capacity", "used"],
    "reserve": ["period", "equipment", "to_reserve", "from_reserve", "in_reserve"],
    "force_generation": ["period", "role", "slots_due", "in_service", "shortfall"],
    "shortfalls": ["constraint", "coordinates", "amount", "unit", "text"],
}
"""The run folder contract, written out again here on purpose (no import from forceplan)."""

TEXT = {
    "equipment",
    "source",
    "from_equipment",
    "to_equipment",
    "munition",
    "supplier",
    "line",
    "donor",
    "item",
    "stream",
    "role",
    "pipeline",
    "constraint",
    "coordinates",
    "unit",
    "text",
}
USES = ("acquisition", "operation", "upgrade", "expansion", "replenishment", "ammunition")

ATOL = 1e-3
"""Absolute tolerance (units, rounds, points, USD million)."""
RTOL = 1e-6
"""Relative tolerance on top of :data:`ATOL`."""


def _tol(scale: Any) -> Any:
    return ATOL + RTOL * np.abs(scale)


def _fmt(x: float) -> str:
    return f"{x:.6g}"


@dataclass
class Data:
    """What the checker reads: the header, scenario tables, plan tables and summary."""

    header: dict[str, Any]
    scenario: dict[str, pd.DataFrame]
    plan: dict[str, pd.DataFrame]
    summary: dict[str, Any]
    labels: list[int] = field(default_factory=list)
    length: int = 1
    intensity: dict[int, str] = field(default_factory=dict)

    @property
    def equipment(self) -> pd.DataFrame:
        return self.scenario["equipment"].set_index("id")


def _read_scenario_csv(path: Path) -> pd.DataFrame:
    """A scenario CSV as text; numbers are converted by the checks that need them."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _num(frame: pd.DataFrame, column: str, default: float = np.nan) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(default, index=frame.index, dtype=float)
    values = pd.to_numeric(frame[column].replace("", np.nan), errors="coerce")
    return values.fillna(default).astype(float)


def _yes(frame: pd.DataFrame, column: str, default: bool) -> pd.Series:
    """A yes/no column as booleans (*default* where missing or empty)."""
    if column not in frame.columns:
        return pd.Series(default, index=frame.index, dtype=bool)
    text = frame[column].astype(str).str.strip().str.lower()
    return pd.Series(np.where(text == "", default, text == "yes"), index=frame.index, dtype=bool)


def _objective_setting(d: Data, key: str, default: float) -> float:
    value = (d.header.get("objective") or {}).get(key)
    return float(default if value is None else value)


def _read_plan_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    text_cols = {c: str for c in columns if c in TEXT}
    frame = pd.read_csv(path, dtype=text_cols)
    for c in text_cols:
        frame[c] = frame[c].fillna("").astype(str)
    for c in columns:
        if c not in TEXT:
            frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    return frame


def scenario_digest(folder: Path) -> str:
    """sha256 over scenario.yaml then each table CSV (name, NUL, bytes, NUL)."""
    digest = hashlib.sha256()
    for name in ["scenario.yaml", *(f"{t}.csv" for t in SCENARIO_TABLES)]:
        p = folder / name
        digest.update(name.encode() + b"\0")
        digest.update(p.read_bytes() if p.is_file() else b"")
        digest.update(b"\0")
    return "sha256:" + digest.hexdigest()


def load(run: Path) -> tuple[Data | None, list[str]]:
    """Read a run folder; the second value lists contract violations."""
    problems: list[str] = []
    sdir = run / "scenario"
    if not (sdir / "scenario.yaml").is_file():
        return None, [f"contract: {sdir / 'scenario.yaml'} is missing"]
    header = yaml.safe_load((sdir / "scenario.yaml").read_text(encoding="utf-8"))
    scenario = {}
    for t in SCENARIO_TABLES:
        if not (sdir / f"{t}.csv").is_file() and t in OPTIONAL_TABLES:
            scenario[t] = pd.DataFrame(
                columns=COMMITMENT_COLUMNS if t == "commitments" else [], dtype=str
            )
            continue
        if not (sdir / f"{t}.csv").is_file():
            problems.append(f"contract: scenario/{t}.csv is missing")
            continue
        scenario[t] = _read_scenario_csv(sdir / f"{t}.csv")
    plan = {}
    for t, cols in PLAN_COLUMNS.items():
        p = run / "plan" / f"{t}.csv"
        if not p.is_file():
            problems.append(f"contract: plan/{t}.csv is missing")
            continue
        head = list(pd.read_csv(p, nrows=0).columns)
        if head[: len(cols)] != cols:
            problems.append(f"contract: plan/{t}.csv starts with {head[: len(cols)]}, not {cols}")
            continue
        plan[t] = _read_plan_csv(p, cols)
    summary: dict[str, Any] = {}
    if not (run / "summary.json").is_file():
        problems.append("contract: summary.json is missing")
    else:
        summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
        for key in ("status", "objective", "gap", "timings", "solver", "forceplan_version"):
            if key not in summary:
                problems.append(f"contract: summary.json lacks {key!r}")
        recorded = summary.get("scenario", {}).get("hash")
        if recorded != scenario_digest(sdir):
            problems.append(
                f"contract: summary.json scenario hash {recorded} does not match scenario/ "
                f"({scenario_digest(sdir)})"
            )
    if not (run / "plan.xlsx").is_file():
        problems.append("contract: plan.xlsx is missing")
    if problems and (len(plan) < len(PLAN_COLUMNS) or len(scenario) < len(SCENARIO_TABLES)):
        return None, problems
    length = int(header.get("period_length", 1))
    labels = [int(header["start_year"]) + i * length for i in range(int(header["periods"]))]
    data = Data(
        header=header,
        scenario=scenario,
        plan=plan,
        summary=summary,
        labels=labels,
        length=length,
        intensity=dict(zip(labels, header["intensity"], strict=True)),
    )
    return data, problems


# ---------------------------------------------------------------------------- helpers


def _grid(
    d: Data,
    frame: pd.DataFrame,
    key: str,
    keys: list[str],
    period: str = "period",
    value: str = "quantity",
) -> pd.DataFrame:
    """Sum *value* by (key, period) as a keys x labels frame (0 where absent)."""
    out = pd.DataFrame(0.0, index=pd.Index(keys, name=key), columns=d.labels)
    if len(frame):
        g = frame.groupby([key, period])[value].sum().unstack(period, fill_value=0.0)
        g = g.reindex(index=out.index, columns=d.labels, fill_value=0.0)
        out = out.add(g, fill_value=0.0)
    return out.astype(float)


def _nmap(keys: pd.Series, values: pd.Series) -> pd.Series:
    """*keys* mapped through numeric *values*, as floats (also when *keys* is empty: pandas
    keeps an empty series' text dtype through ``map``)."""
    return pd.to_numeric(keys.map(values), errors="coerce").astype(float)


def _shift(frame: pd.DataFrame, opening: pd.Series) -> pd.DataFrame:
    """Previous period's values; the first period takes *opening*."""
    prev = frame.shift(1, axis=1)
    prev[frame.columns[0]] = opening.reindex(frame.index).fillna(0.0).to_numpy()
    return prev


def _mismatch(name: str, got: pd.DataFrame, want: pd.DataFrame, what: str) -> list[str]:
    diff = (got - want).abs()
    bad = diff > _tol(np.maximum(got.abs(), want.abs()))
    out = []
    for key, period in zip(*np.nonzero(bad.to_numpy()), strict=True):
        k, p = got.index[key], got.columns[period]
        out.append(
            f"{name}: {what} of {k} in {p} is {_fmt(got.iat[key, period])}, "
            f"expected {_fmt(want.iat[key, period])}"
        )
    return out


def _stock(d: Data) -> pd.DataFrame:
    ids = d.scenario["equipment"]["id"].tolist()
    return _grid(d, d.plan["stock"], "equipment", ids)


def _consumable(d: Data) -> np.ndarray:
    """Per equipment row: whether the type is consumable (expended, never in service)."""
    return _yes(d.scenario["equipment"], "consumable", False).to_numpy()


def _used(d: Data) -> pd.DataFrame:
    """Consumable units used per type and period (0 for other types)."""
    ids = d.scenario["equipment"]["id"].tolist()
    return _grid(d, d.plan["consumables"], "equipment", ids, value="used")


def _counted(d: Data) -> pd.DataFrame:
    """What counts for capability: crewed stock in service, plus consumables used."""
    return _stock(d) - _waiting(d) + _used(d)


def check_consumables(d: Data) -> list[str]:
    """Consumables: never in service; stockpile balance; used within demand, the rest short."""
    out: list[str] = []
    eq = d.scenario["equipment"]
    cons = _consumable(d)
    ids = eq["id"].tolist()
    in_service = set(d.plan["stock"]["equipment"]) & set(eq["id"][cons])
    if in_service:
        out.append(f"consumables: {sorted(in_service)} appear as stock in service")
    table = d.plan["consumables"]
    if not cons.any():
        if len(table):
            out.append("consumables: rows for types that are not consumable")
        return out
    inv = d.scenario["inventory"]
    s0 = (
        (_num(inv, "quantity", 0.0) * _num(inv, "serviceable", 1.0))
        .groupby(inv["equipment"].to_numpy())
        .sum()
    )
    closing = _grid(d, table, "equipment", ids, value="closing")
    used = _grid(d, table, "equipment", ids, value="used")
    short = _grid(d, table, "equipment", ids, value="shortfall")
    arrivals = _grid(d, d.plan["deliveries"], "equipment", ids, period="period_delivered")
    keep = eq["id"][cons].tolist()
    prev = _shift(closing, s0)
    out += _mismatch(
        "consumable-balance",
        closing.loc[keep],
        (prev + arrivals - used).loc[keep],
        "closing stockpile",
    )
    levels = {i: f"demand_{i}" for i in ("peace", "low", "medium", "high")}
    demand = pd.DataFrame(
        {p: _num(eq, levels[d.intensity[p]], 0.0).to_numpy() for p in d.labels},
        index=closing.index,
    )
    for name, frame in (("closing", closing), ("used", used), ("shortfall", short)):
        neg = frame.loc[keep] < -_tol(0)
        for k, p in zip(*np.nonzero(neg.to_numpy()), strict=True):
            out.append(f"consumables: {name} of {keep[k]} in {d.labels[p]} is negative")
    out += _mismatch(
        "consumable-demand", (used + short).loc[keep], demand.loc[keep], "used + shortfall"
    )
    for e in keep:
        for p in d.labels:
            gap = float(demand.at[e, p] - used.at[e, p])
            if gap > _tol(demand.at[e, p]):
                out += _require_shortfall(
                    d,
                    "consumable-demand",
                    ("consumable-demand",),
                    [e],
                    p,
                    gap,
                    f"{e} used in {p} below its demand",
                )
    return out


def _source_table(d: Data) -> pd.DataFrame:
    s = d.scenario["sources"].copy()
    s["quantity_n"] = _num(s, "quantity", 0.0)
    s["price_n"] = _num(s, "price", 0.0)
    s["lead_n"] = _num(s, "lead_time", 0.0)
    s["first_n"] = _num(s, "first_period", d.labels[0])
    s["last_n"] = _num(s, "last_period", d.labels[-1])
    return s.set_index("id")


def _line_table(d: Data) -> pd.DataFrame:
    ln = d.scenario["lines"].copy()
    for c, default in (
        ("capacity", 0.0),
        ("unit_cost", 0.0),
        ("expansion_size", 0.0),
        ("expansion_cost", 0.0),
        ("expansion_lead_time", 1.0),
        ("max_expansions", 0.0),
    ):
        ln[c + "_n"] = _num(ln, c, default)
    ln["first_n"] = _num(ln, "first_period", d.labels[0])
    return ln.set_index("id")


def _munition_orders(d: Data) -> pd.DataFrame:
    """Ammunition supplies with the period each was ordered (arrival - lead time)."""
    sup = d.plan["ammunition_supply"].copy()
    src = _source_table(d)
    lead = _nmap(sup["supplier"], src["lead_n"]).fillna(0.0)
    sup["period_ordered"] = sup["period"] - lead * d.length
    return sup


def _orders(d: Data) -> pd.DataFrame:
    """Every order placed at a supply source: (source, period_ordered, quantity, cost, item)."""
    dl = d.plan["deliveries"]
    eq = dl.rename(columns={"source": "supplier", "equipment": "item"})[
        ["supplier", "period_ordered", "quantity", "cost", "item"]
    ]
    mu = _munition_orders(d).rename(columns={"munition": "item"})[
        ["supplier", "period_ordered", "quantity", "cost", "item"]
    ]
    both = pd.concat([eq, mu], ignore_index=True)
    return both[both["supplier"].isin(d.scenario["sources"]["id"])]


def _line_force_output(d: Data) -> pd.DataFrame:
    """Line output delivered to the force: equipment deliveries and ammunition supplies."""
    ids = d.scenario["lines"]["id"].tolist()
    dl = d.plan["deliveries"].rename(columns={"source": "line", "period_delivered": "p"})
    mu = d.plan["ammunition_supply"].rename(columns={"supplier": "line", "period": "p"})
    both = pd.concat([dl[["line", "p", "quantity"]], mu[["line", "p", "quantity"]]])
    both = both[both["line"].isin(ids)]
    return _grid(d, both, "line", ids, period="p")


# ---------------------------------------------------------------------------- checks


def check_stock_flow(d: Data) -> list[str]:
    """Closing stock = opening - losses + arrivals - retirements - upgrades out + upgrades in."""
    out: list[str] = []
    eq = d.equipment
    ids = eq.index.tolist()
    inv = d.scenario["inventory"]
    s0 = (
        (_num(inv, "quantity", 0.0) * _num(inv, "serviceable", 1.0))
        .groupby(inv["equipment"].to_numpy())
        .sum()
    )
    stock = _stock(d)
    prev = _shift(stock, s0)
    losses = _grid(d, d.plan["losses"], "equipment", ids)
    arrivals = _grid(d, d.plan["deliveries"], "equipment", ids, period="period_delivered")
    retire = _grid(d, d.plan["retirements"], "equipment", ids)
    up = d.plan["upgrades"]
    up_out = _grid(d, up, "from_equipment", ids, period="period_started")
    up_in = _grid(
        d, up[up["period_completed"].isin(d.labels)], "to_equipment", ids, period="period_completed"
    )
    up_out.index.name = up_in.index.name = "equipment"
    res = d.plan["reserve"]
    stored = _grid(d, res, "equipment", ids, value="to_reserve")
    reactivated = _grid(d, res, "equipment", ids, value="from_reserve")
    expired_res = (
        _grid(d, res, "equipment", ids, value="expired_in_reserve")
        if "expired_in_reserve" in res.columns
        else stored * 0.0
    )
    # units reactivated in t are back in service reactivation_time periods later
    lag = _num(eq.reset_index(), "reactivation_time", 0.0).astype(int).to_numpy()
    back = pd.DataFrame(0.0, index=stock.index, columns=d.labels)
    for k in range(len(ids)):
        vals = reactivated.iloc[k].to_numpy()
        shifted = np.zeros(len(d.labels))
        if lag[k] < len(d.labels):
            shifted[lag[k] :] = vals[: len(d.labels) - lag[k]]
        back.iloc[k] = shifted
    from_service = retire - expired_res  # retirements of units in reserve leave the reserve
    expected = (
        prev
        - losses
        + arrivals
        - from_service
        - up_out.to_numpy()
        + up_in.to_numpy()
        - stored
        + back
    )
    service = ~_consumable(d)  # consumables: check_consumables
    out += _mismatch("stock-flow", stock[service], expected[service], "closing stock")
    held = _grid(d, res, "equipment", ids, value="in_reserve")
    held_prev = _shift(held, pd.Series(0.0, index=stock.index))
    out += _mismatch(
        "reserve-balance", held, held_prev + stored - reactivated - expired_res, "units in reserve"
    )
    for name, frame in (("reserve", held), ("to-reserve", stored), ("from-reserve", reactivated)):
        neg = frame < -_tol(0)
        for k, p in zip(*np.nonzero(neg.to_numpy()), strict=True):
            out.append(f"{name}: {frame.index[k]} in {frame.columns[p]} is negative")
    # early retirement only where the scenario allows it
    allowed = _yes(eq.reset_index(), "early_retirement", False).to_numpy()
    if "early" in d.plan["retirements"].columns:
        early = _grid(d, d.plan["retirements"], "equipment", ids, value="early")
        for k in np.nonzero(~allowed)[0]:
            for p in d.labels:
                if early.at[ids[k], p] > _tol(0):
                    out.append(
                        f"retirement: {ids[k]} retired early in {p} "
                        f"({_fmt(early.at[ids[k], p])}) but early_retirement is not allowed"
                    )
    else:
        early = retire
    # attrition: losses = rate(class, intensity) x previous stock
    att = d.scenario["attrition"]
    rate = pd.Series(
        _num(att, "rate", 0.0).to_numpy(),
        index=pd.MultiIndex.from_arrays([att["class"], att["intensity"]]),
    )
    rates = pd.DataFrame(
        {p: [rate.get((c, d.intensity[p]), 0.0) for c in eq["class"]] for p in d.labels},
        index=stock.index,
    )
    # losses: rate x previous stock, rounded to the nearest whole unit for whole-unit types
    whole = _yes(eq.reset_index(), "whole_units", False).to_numpy()
    expected_loss = rates * prev
    if whole.any():
        w = stock.index[whole]
        off = (losses.loc[w] - expected_loss.loc[w]).abs()
        for k, p in zip(*np.nonzero((off > 0.5 + 1e-6).to_numpy()), strict=True):
            out.append(
                f"attrition: losses of {w[k]} in {d.labels[p]} are {_fmt(losses.loc[w].iat[k, p])}"
                f", more than half a unit from {_fmt(expected_loss.loc[w].iat[k, p])}"
            )
        expected_loss.loc[w] = losses.loc[w]
    expected_loss[_consumable(d)] = 0.0  # a consumable stockpile is not in service: no attrition
    out += _mismatch("attrition", losses, expected_loss, "losses")
    for name, frame in (("stock", stock), ("retirements", retire), ("losses", losses)):
        neg = frame < -_tol(0)
        for k, p in zip(*np.nonzero(neg.to_numpy()), strict=True):
            out.append(
                f"{name}: {frame.index[k]} in {frame.columns[p]} is negative "
                f"({_fmt(frame.iat[k, p])})"
            )
    unknown = set(d.plan["stock"]["equipment"]) - set(ids)
    if unknown:
        out.append(f"stock: unknown equipment {sorted(unknown)}")
    # end of service life: units older than their service life are out of service
    life = _num(eq.reset_index(), "service_life", 30.0).to_numpy()
    rem = _num(inv, "remaining_life", np.nan)
    rem = rem.fillna(inv["equipment"].map(dict(zip(ids, life, strict=True)))).to_numpy()
    qty0 = (_num(inv, "quantity", 0.0) * _num(inv, "serviceable", 1.0)).to_numpy()
    # opening units of each type within their life, per period
    alive_tab = np.array(
        [
            pd.Series(qty0 * (rem > t_idx * d.length))
            .groupby(inv["equipment"].to_numpy())
            .sum()
            .reindex(ids)
            .fillna(0.0)
            .to_numpy()
            for t_idx in range(len(d.labels))
        ]
    ).T
    # upgrades without extends_life yes keep the hull's life: hulls come in proportion from
    # the from-type's opening units still within life when the upgrade starts
    hull_cap, hull_end, kept_in = _kept_hulls(d, ids, alive_tab)
    entered = (arrivals + up_in.to_numpy()).to_numpy() - kept_in
    in_service_or_reserve = stock + held
    for t_idx, p in enumerate(d.labels):
        alive0 = alive_tab[:, t_idx]
        ages = (t_idx - np.arange(t_idx + 1)) * d.length  # age of arrivals in tau <= t
        recent = (entered[:, : t_idx + 1] * (ages[None, :] < life[:, None])).sum(axis=1)
        cap = alive0 + recent + hull_cap[:, t_idx]
        over = in_service_or_reserve[p].to_numpy() - cap > _tol(cap)
        for k in np.nonzero(over)[0]:
            out.append(
                f"service-life: {ids[k]} in {p} has {_fmt(in_service_or_reserve[p].iat[k])} in "
                f"service or reserve but only {_fmt(cap[k])} are within their service life"
            )
        # end-of-life exits: no more than the units whose life ends in the period
        alive_prev = (
            pd.Series(qty0 * (rem > (t_idx - 1) * d.length) if t_idx else qty0)
            .groupby(inv["equipment"].to_numpy())
            .sum()
            .reindex(ids)
            .fillna(0.0)
            .to_numpy()
        )
        ending = alive_prev - alive0 + hull_end[:, t_idx]
        born = t_idx - np.ceil(life / d.length).astype(int)
        for k in range(len(ids)):
            if born[k] >= 0:
                ending[k] += entered[k, born[k]]
        exits = (retire[p] - early[p]).to_numpy()
        for k in np.nonzero(exits > ending + _tol(ending))[0]:
            out.append(
                f"end-of-life: {ids[k]} in {p}: {_fmt(exits[k])} left at the end of their life "
                f"but only {_fmt(ending[k])} reach it"
            )
    return out


def _kept_hulls(
    d: Data, ids: list[str], alive: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Upgraded units that keep their hull's remaining life, per to-type and period.

    Returns (still within life, reaching the end of life, arrived) arrays (type, period).
    An upgrade row keeps the hull's life unless its path says extends_life yes, and only
    when some of the from-type's opening units are within life in the start period; the
    share still within life in period t is alive[from, t] / alive[from, start]; those past
    their life on return end it in the return period.
    """
    n, T = len(ids), len(d.labels)
    cap, end, arrived = np.zeros((n, T)), np.zeros((n, T)), np.zeros((n, T))
    up = d.plan["upgrades"]
    if not len(up):
        return cap, end, arrived
    paths = d.scenario["upgrades"]
    extends = dict(zip(paths["id"], _yes(paths, "extends_life", False), strict=True))
    pos = {e: i for i, e in enumerate(ids)}
    for row in up.itertuples(index=False):
        if extends.get(row.upgrade, False) or row.period_started not in d.labels:
            continue
        t0, t1 = d.labels.index(row.period_started), d.labels.index(row.period_completed)
        if t1 <= t0 and row.period_completed != row.period_started:
            continue
        f, e = pos[row.from_equipment], pos[row.to_equipment]
        if alive[f, t0] <= 1e-9:
            continue
        share = np.clip(alive[f] / alive[f, t0], 0.0, 1.0)
        share[:t0] = 0.0
        arrived[e, t1] += row.quantity
        cap[e, t1:] += row.quantity * share[t1:]
        before = np.concatenate([[1.0], share[:-1]])
        before[t1] = 1.0
        end[e, t1:] += row.quantity * (before[t1:] - share[t1:])
    return cap, end, arrived


def check_whole_units(d: Data) -> list[str]:
    """Whole-unit types have whole quantities everywhere in the plan, and orders in lots."""
    out: list[str] = []
    eq = d.scenario["equipment"]
    whole = set(eq["id"][_yes(eq, "whole_units", False).to_numpy()])
    if not whole:
        return out
    tables = (
        ("stock", "equipment", ("quantity",)),
        ("deliveries", "equipment", ("quantity",)),
        ("retirements", "equipment", ("quantity",)),
        ("losses", "equipment", ("quantity",)),
        ("reserve", "equipment", ("to_reserve", "from_reserve", "in_reserve")),
        ("upgrades", "from_equipment", ("quantity",)),
    )
    for name, key, columns in tables:
        frame = d.plan[name]
        rows = frame[frame[key].isin(whole)]
        for c in columns:
            frac = (rows[c] - rows[c].round()).abs() > 1e-6
            for _, r in rows[frac].iterrows():
                out.append(f"whole-units: {name}.{c} of {r[key]} is {_fmt(r[c])}, not whole")
    lots = pd.concat(
        [
            d.scenario["sources"][["id"]].assign(lot=_num(d.scenario["sources"], "lot_size", 1.0)),
            d.scenario["lines"][["id"]].assign(lot=_num(d.scenario["lines"], "lot_size", 1.0)),
        ]
    ).set_index("id")["lot"]
    dl = d.plan["deliveries"]
    dl = dl[dl["equipment"].isin(whole)]
    lot = dl["source"].map(lots).fillna(1.0).clip(lower=1.0)
    off = ((dl["quantity"] / lot) - (dl["quantity"] / lot).round()).abs() > 1e-6
    for _, r in dl[off].iterrows():
        out.append(f"lots: {r['source']} delivers {_fmt(r['quantity'])}, not whole lots")
    return out


def check_force_generation(d: Data) -> list[str]:
    """Units in service per role cover the slots of the formations due, or a shortfall says so."""
    out: list[str] = []
    fm = d.scenario["formations"]
    due = _num(fm, "due_period", d.labels[0])
    due_of = dict(zip(fm["id"], due, strict=True))
    slots = d.scenario["formation_slots"]
    stock = _stock(d) - _waiting(d)  # units waiting for crews fill no slot
    role_of = d.equipment["role"]
    units = stock.groupby(role_of.reindex(stock.index).to_numpy()).sum()
    for role in sorted(set(slots["role"])):
        rows = slots[slots["role"] == role]
        for p in d.labels:
            need = float(
                sum(
                    float(q)
                    for f, q in zip(rows["formation"], _num(rows, "quantity", 0.0), strict=True)
                    if due_of.get(f, d.labels[0]) <= p
                )
            )
            have = float(units.at[role, p]) if role in units.index else 0.0
            if need - have > _tol(need):
                out += _require_shortfall(
                    d,
                    "force generation",
                    ("force",),
                    [role],
                    p,
                    need - have,
                    f"{role} slots of the formations due in {p}",
                )
    return out


def check_war_reserve(d: Data) -> list[str]:
    """Every munition consumed ends each period at its war reserve, or a shortfall says so."""
    out: list[str] = []
    a = d.plan["ammunition"]
    share = _objective_setting(d, "munition_reserve", 0.25)
    weight = _objective_setting(d, "munition_reserve_weight", 0.1)
    if weight <= 0:
        return out
    req = d.scenario["requirements"]
    stated = req[req["kind"] == "munition_reserve"]
    floor_of = {
        (m, int(p)): v
        for m, p, v in zip(
            stated.get("item", pd.Series(dtype=str)),
            _num(stated, "period", 0),
            _num(stated, "minimum", 0.0),
            strict=True,
        )
    }
    for _, r in a.iterrows():
        key = (r["munition"], int(r["period"]))
        floor = floor_of.get(key, share * r["consumption"] if r["consumption"] > 0 else 0.0)
        short = floor - r["closing"]
        if short > _tol(floor):
            out += _require_shortfall(
                d,
                "war reserve",
                ("reserve",),
                [r["munition"]],
                int(r["period"]),
                short,
                f"war reserve of {r['munition']} at the end of {int(r['period'])}",
            )
    return out


def check_funding_priority(d: Data) -> list[str]:
    """A stream of a later rank pays a use only when no earlier-ranked stream able to pay it
    for any country (budget_uses country empty, or an uncountried use) has money left."""
    out: list[str] = []
    bud = d.scenario["budgets"]
    rank = _num(bud, "priority", 1.0).groupby(bud["stream"].to_numpy()).min()
    order = {s: i for i, s in enumerate(pd.unique(bud["stream"]))}
    uses = d.scenario["budget_uses"]
    anywhere = {
        (s, u)
        for s, u, c in zip(uses["stream"], uses["use"], uses["country"], strict=True)
        if c == "" or u in ("operation", "upgrade")
    }
    b = d.plan["budgets"]
    for p in d.labels:
        rows = b[b["period"] == p].set_index("stream")
        for use in USES:
            if use not in rows.columns:
                continue
            payers = [s for s in rows.index if rows.at[s, use] > _tol(0)]
            for s in payers:
                for other in rows.index:
                    earlier = (rank.get(other, 1.0), order.get(other, 0)) < (
                        rank.get(s, 1.0),
                        order.get(s, 0),
                    )
                    left = rows.at[other, "available"] - rows.at[other, "spent"]
                    if earlier and (other, use) in anywhere and left > _tol(left) + 1e-3:
                        out.append(
                            f"funding-priority: {s} pays {use} in {p} while {other} (earlier "
                            f"rank) has {_fmt(left)} left and may pay it"
                        )
    return out


def check_lead_times(d: Data) -> list[str]:
    """Deliveries arrive exactly their source's lead time after ordering, within the window."""
    out: list[str] = []
    src = _source_table(d)
    lines = _line_table(d)
    dl = d.plan["deliveries"]
    is_src = dl["source"].isin(src.index)
    is_line = dl["source"].isin(lines.index)
    for _, r in dl[~is_src & ~is_line].iterrows():
        out.append(f"deliveries: {r['equipment']} from unknown source {r['source']!r}")
    s = dl[is_src]
    lead = _nmap(s["source"], src["lead_n"]) * d.length
    bad = (s["period_delivered"] - s["period_ordered"]) != lead
    for (_, r), lt in zip(s[bad].iterrows(), lead[bad], strict=True):
        out.append(
            f"lead-time: {r['quantity']:g} {r['equipment']} from {r['source']} ordered in "
            f"{r['period_ordered']:g} delivered in {r['period_delivered']:g}; lead time is "
            f"{lt:g} year(s)"
        )
    wrong_item = s["equipment"] != s["source"].map(src["item"])
    for _, r in s[wrong_item].iterrows():
        out.append(f"deliveries: source {r['source']} does not supply {r['equipment']}")
    window = (s["period_ordered"] < _nmap(s["source"], src["first_n"])) | (
        s["period_ordered"] > _nmap(s["source"], src["last_n"])
    )
    for _, r in s[window & (s["quantity"] > ATOL)].iterrows():
        out.append(
            f"order-window: {r['source']} ordered in {r['period_ordered']:g}, outside "
            "its first/last period"
        )
    ln = dl[is_line]
    for _, r in ln[ln["period_delivered"] != ln["period_ordered"]].iterrows():
        out.append(
            f"lead-time: line {r['source']} output ordered {r['period_ordered']:g} "
            f"delivered {r['period_delivered']:g}; line output arrives the same period"
        )
    for _, r in ln[ln["equipment"] != ln["source"].map(lines["product"])].iterrows():
        out.append(f"deliveries: line {r['source']} does not produce {r['equipment']}")
    for frame in (dl,):
        late = ~frame["period_delivered"].isin(d.labels) | ~frame["period_ordered"].isin(d.labels)
        for _, r in frame[late].iterrows():
            out.append(
                f"deliveries: {r['equipment']} from {r['source']} has a period outside the horizon"
            )
    # costs of deliveries: price (source) or unit cost (line) x quantity
    price = _nmap(dl["source"], pd.concat([src["price_n"], lines["unit_cost_n"]]))
    bad_cost = (dl["cost"] - price * dl["quantity"]).abs() > _tol(dl["cost"])
    for _, r in dl[bad_cost].iterrows():
        out.append(
            f"deliveries: cost {r['cost']:g} of {r['quantity']:g} {r['equipment']} from "
            f"{r['source']} is not price x quantity"
        )
    sup = d.plan["ammunition_supply"]
    known = sup["supplier"].isin(src.index) | sup["supplier"].isin(lines.index)
    for _, r in sup[~known].iterrows():
        out.append(f"ammunition_supply: unknown supplier {r['supplier']!r}")
    item = sup["supplier"].map(pd.concat([src["item"], lines["product"]]))
    for _, r in sup[known & (item != sup["munition"])].iterrows():
        out.append(f"ammunition_supply: {r['supplier']} does not supply {r['munition']}")
    price = _nmap(sup["supplier"], pd.concat([src["price_n"], lines["unit_cost_n"]]))
    bad_cost = (sup["cost"] - price * sup["quantity"]).abs() > _tol(sup["cost"])
    for _, r in sup[bad_cost].iterrows():
        out.append(
            f"ammunition_supply: cost {r['cost']:g} of {r['quantity']:g} {r['munition']} "
            f"from {r['supplier']} is not price x quantity"
        )
    return out


def check_capacities(d: Data) -> list[str]:
    """Source quantities, line capacities and expansions, upgrade depot capacities."""
    out: list[str] = []
    src = _source_table(d)
    orders = _orders(d)
    ordered = _grid(d, orders, "supplier", src.index.tolist(), period="period_ordered")
    active = pd.DataFrame(
        {p: ((src["first_n"] <= p) & (src["last_n"] >= p)).to_numpy() for p in d.labels},
        index=ordered.index,
    )
    limit = active * src["quantity_n"].to_numpy()[:, None]
    over = ordered - limit > _tol(limit)
    for k, p in zip(*np.nonzero(over.to_numpy()), strict=True):
        out.append(
            f"source-capacity: {ordered.index[k]} ordered {_fmt(ordered.iat[k, p])} in "
            f"{ordered.columns[p]}, more than its {_fmt(limit.iat[k, p])} per period"
        )
    # lines
    lines = _line_table(d)
    ids = lines.index.tolist()
    lp = d.plan["lines"]
    cap = _grid(d, lp, "line", ids, value="capacity")
    output = _grid(d, lp, "line", ids, value="output")
    ordered_x = _grid(d, lp, "line", ids, value="expansions_ordered")
    online = _grid(d, lp, "line", ids, value="expansions_online")
    x_cost = _grid(d, lp, "line", ids, value="expansion_cost")
    cum = ordered_x.cumsum(axis=1).to_numpy()
    lag = lines["expansion_lead_time_n"].astype(int).to_numpy()
    want_online = np.zeros_like(cum)
    for k in range(len(ids)):  # one shift per line (a handful of lines)
        if lag[k] < len(d.labels):
            want_online[k, lag[k] :] = cum[k, : len(d.labels) - lag[k]]
    want_online_df = pd.DataFrame(want_online, index=cap.index, columns=d.labels)
    out += _mismatch("line-expansions", online, want_online_df, "expansions on line")
    started = np.array(d.labels)[None, :] >= lines["first_n"].to_numpy()[:, None]
    want_cap = started * (
        lines["capacity_n"].to_numpy()[:, None]
        + lines["expansion_size_n"].to_numpy()[:, None] * want_online
    )
    out += _mismatch(
        "line-capacity", cap, pd.DataFrame(want_cap, index=cap.index, columns=d.labels), "capacity"
    )
    over = output - cap > _tol(cap)
    for k, p in zip(*np.nonzero(over.to_numpy()), strict=True):
        out.append(
            f"line-capacity: {ids[k]} produced {_fmt(output.iat[k, p])} in "
            f"{d.labels[p]}, above its capacity {_fmt(cap.iat[k, p])}"
        )
    frac = (ordered_x - ordered_x.round()).abs() > 1e-6
    for k, p in zip(*np.nonzero(frac.to_numpy()), strict=True):
        out.append(
            f"line-expansions: {ids[k]} orders a fractional number of expansions "
            f"({_fmt(ordered_x.iat[k, p])}) in {d.labels[p]}"
        )
    total = ordered_x.sum(axis=1)
    for k in np.nonzero((total - lines["max_expansions_n"]).to_numpy() > 1e-6)[0]:
        out.append(
            f"line-max_expansions: {ids[k]} orders {_fmt(total.iat[k])} expansions, "
            f"more than {_fmt(lines['max_expansions_n'].iat[k])}"
        )
    want_cost = ordered_x * lines["expansion_cost_n"].to_numpy()[:, None]
    out += _mismatch("line-expansion_cost", x_cost, want_cost, "expansion cost")
    force = _line_force_output(d)
    over = force - output > _tol(output)
    for k, p in zip(*np.nonzero(over.to_numpy()), strict=True):
        out.append(
            f"line-output: {ids[k]} delivered {_fmt(force.iat[k, p])} to the force in "
            f"{d.labels[p]} but its output is {_fmt(output.iat[k, p])}"
        )
    # upgrades: depot capacity per path and period, lead time, cost
    ups = d.scenario["upgrades"].copy()
    up = d.plan["upgrades"]
    if len(up):
        ups["capacity_n"] = _num(ups, "capacity", 0.0)
        ups["lead_n"] = _num(ups, "lead_time", 1.0)
        ups["cost_n"] = _num(ups, "unit_cost", 0.0)
        pair_cap = ups.groupby(["from_equipment", "to_equipment"])["capacity_n"].sum()
        started_q = up.groupby(["from_equipment", "to_equipment", "period_started"])[
            "quantity"
        ].sum()
        for (fe, te, p), q in started_q.items():
            limit_q = pair_cap.get((fe, te))
            if limit_q is None:
                out.append(f"upgrades: no upgrade path from {fe} to {te}")
            elif q - limit_q > _tol(limit_q):
                out.append(
                    f"upgrade-capacity: {_fmt(q)} {fe} -> {te} started in {p:g}, depot "
                    f"capacity is {_fmt(limit_q)}"
                )
        merged = up.merge(ups, on=["from_equipment", "to_equipment"], how="left")
        lead_ok = (merged["period_completed"] - merged["period_started"]) == merged["lead_n"] * (
            d.length
        )
        ok = lead_ok.groupby(
            [merged["from_equipment"], merged["period_started"], merged["to_equipment"]]
        ).any()
        for (fe, p, te), good in ok.items():
            if not good:
                out.append(
                    f"upgrade-lead_time: {fe} -> {te} started in {p:g} completes at the "
                    "wrong period"
                )
        cost_ok = (merged["cost"] - merged["cost_n"] * merged["quantity"]).abs() <= _tol(
            merged["cost"]
        )
        okc = cost_ok.groupby(
            [merged["from_equipment"], merged["period_started"], merged["to_equipment"]]
        ).any()
        for (fe, p, te), good in okc.items():
            if not good:
                out.append(
                    f"upgrades: cost of {fe} -> {te} started in {p:g} is not unit cost x quantity"
                )
    return out


def _country_of(d: Data) -> pd.Series:
    src = d.scenario["sources"].set_index("id")["country"]
    ln = d.scenario["lines"].set_index("id")["country"]
    return pd.concat([src, ln])


def _replenishment(d: Data) -> pd.DataFrame:
    """Line output that did not go to the force, per line and period (replenishment)."""
    ids = d.scenario["lines"]["id"].tolist()
    output = _grid(d, d.plan["lines"], "line", ids, value="output")
    return (output - _line_force_output(d)).clip(lower=0.0)


def check_budgets(d: Data) -> list[str]:
    """Available as in the scenario; spent <= available; per use = its cost; allowed uses only."""
    out: list[str] = []
    b = d.plan["budgets"]
    sb = d.scenario["budgets"].copy()
    sb["amount_n"] = _num(sb, "amount", 0.0)
    sb["period_n"] = _num(sb, "period", 0.0)
    amount = sb.groupby(["stream", "period_n"])["amount_n"].sum()
    uses = d.scenario["budget_uses"]
    streams = sorted(set(sb["stream"]))
    for s in streams:
        for p in d.labels:
            rows = b[(b["stream"] == s) & (b["period"] == p)]
            want = float(amount.get((s, float(p)), 0.0))
            if len(rows) == 0:
                if want > ATOL:
                    out.append(f"budgets: no row for stream {s} in {p}")
                continue
            got = float(rows["available"].sum())
            if abs(got - want) > _tol(want):
                out.append(
                    f"budgets: {s} has {_fmt(got)} available in {p}, the scenario gives "
                    f"{_fmt(want)}"
                )
    over = b["spent"] - b["available"] > _tol(b["available"])
    for _, r in b[over].iterrows():
        out.append(
            f"budget-limit: {r['stream']} spent {_fmt(r['spent'])} in {r['period']:g}, "
            f"more than the {_fmt(r['available'])} available"
        )
    use_cols = [u for u in USES if u in b.columns]
    missing = [u for u in USES if u not in b.columns]
    if missing:
        out.append(f"budgets: columns {missing} are missing")
    if use_cols:
        total = b[use_cols].fillna(0.0).sum(axis=1)
        bad = (total - b["spent"]).abs() > _tol(b["spent"])
        for _, r in b[bad].iterrows():
            out.append(
                f"budgets: {r['stream']} in {r['period']:g}: spent is not the sum of its uses"
            )
    allowed = set(zip(uses["stream"], uses["use"], strict=True))
    for u in use_cols:
        bad_rows = b[
            (b[u].fillna(0.0) > ATOL)
            & np.array([(s, u) not in allowed for s in b["stream"]], dtype=bool)
        ]
        for _, r in bad_rows.iterrows():
            out.append(
                f"budget-uses: {r['stream']} paid {_fmt(r[u])} for {u} in "
                f"{r['period']:g} but may not pay for {u}"
            )
    # cost of each use per period, recomputed from the plan tables
    country = _country_of(d)
    lines = _line_table(d)
    eq = d.equipment
    dl = d.plan["deliveries"]
    sup = _munition_orders(d)
    rep = _replenishment(d)
    rep_cost = rep * lines["unit_cost_n"].reindex(rep.index).to_numpy()[:, None]
    costs: dict[str, pd.DataFrame] = {}
    costs["acquisition"] = (
        dl.assign(country=dl["source"].map(country))
        .groupby(["country", "period_ordered"])["cost"]
        .sum()
        .unstack(fill_value=0.0)
    )
    costs["ammunition"] = (
        sup.assign(country=sup["supplier"].map(country))
        .groupby(["country", "period_ordered"])["cost"]
        .sum()
        .unstack(fill_value=0.0)
    )
    rc = rep_cost.groupby(lines["country"].reindex(rep.index).to_numpy()).sum()
    costs["replenishment"] = rc
    xc = _grid(d, d.plan["lines"], "line", lines.index.tolist(), value="expansion_cost")
    costs["expansion"] = xc.groupby(lines["country"].reindex(xc.index).to_numpy()).sum()
    up = d.plan["upgrades"]
    costs["upgrade"] = (
        up.groupby("period_started")["cost"].sum().to_frame().T.rename(index={"cost": ""})
        if len(up)
        else pd.DataFrame()
    )
    stock = _stock(d)
    op = _num(eq.reset_index(), "operating_cost", 0.0).to_numpy()
    upkeep = _num(eq.reset_index(), "reserve_cost", np.nan).to_numpy()
    upkeep = np.where(np.isnan(upkeep), 0.25 * op, upkeep)  # empty: a quarter of operation
    ids = eq.index.tolist()
    res = d.plan["reserve"]
    held = _grid(d, res, "equipment", ids, value="in_reserve")
    woken = _grid(d, res, "equipment", ids, value="from_reserve")
    retired = d.plan["retirements"]
    early = (
        _grid(d, retired, "equipment", ids, value="early")
        if "early" in retired.columns
        else held * 0.0
    )
    opcost = (
        (stock * (op * d.length)[:, None]).sum(axis=0)
        + (held * (upkeep * d.length)[:, None]).sum(axis=0)
        + (woken * _num(eq.reset_index(), "reactivation_cost", 0.0).to_numpy()[:, None]).sum(axis=0)
        + (early * _num(eq.reset_index(), "disposal_cost", 0.0).to_numpy()[:, None]).sum(axis=0)
    )
    for u in ("acquisition", "ammunition", "replenishment", "expansion", "upgrade"):
        c = costs[u].reindex(columns=d.labels, fill_value=0.0) if len(costs[u]) else None
        want = c.sum(axis=0) if c is not None else pd.Series(0.0, index=d.labels)
        paid = (
            b.groupby("period")[u].sum().reindex(d.labels, fill_value=0.0)
            if u in b
            else pd.Series(0.0, index=d.labels)
        )
        for p in d.labels:
            if abs(paid[p] - want[p]) > _tol(want[p]):
                out.append(
                    f"budget-cover: {u} in {p} costs {_fmt(want[p])} but the streams paid "
                    f"{_fmt(paid[p])}"
                )
        # streams limited to some countries pay at most what those countries' suppliers cost
        if c is None or u not in b:
            continue
        rows = uses[uses["use"] == u]
        for s, grp in rows.groupby("stream"):
            if (grp["country"] == "").any():
                continue
            limit_c = c.reindex(sorted(set(grp["country"]))).fillna(0.0).sum(axis=0)
            paid_s = b[b["stream"] == s].groupby("period")[u].sum()
            for p, v in paid_s.items():
                if v - limit_c.get(p, 0.0) > _tol(v):
                    out.append(
                        f"budget-uses: {s} paid {_fmt(v)} for {u} in {p:g}, more than "
                        f"the {_fmt(limit_c.get(p, 0.0))} owed to "
                        f"{', '.join(sorted(set(grp['country'])))}"
                    )
    paid_op = (
        b.groupby("period")["operation"].sum().reindex(d.labels, fill_value=0.0)
        if "operation" in b
        else pd.Series(0.0, index=d.labels)
    )
    for p in d.labels:
        gap = opcost[p] - paid_op[p]
        if gap < -_tol(opcost[p]):
            out.append(
                f"budget-cover: operation in {p} costs {_fmt(opcost[p])} but the streams "
                f"paid {_fmt(paid_op[p])}"
            )
        elif gap > _tol(opcost[p]):
            out += _require_shortfall(
                d,
                "operation",
                ("budget", "unfunded", "operat"),
                [],
                p,
                gap,
                f"unfunded operating cost in {p}",
            )
    return out


def check_donors(d: Data) -> list[str]:
    """Donor stock balance, non-negative stock, minimum from the replenish-by period on."""
    out: list[str] = []
    dn = d.scenario["donors"].copy()
    dn["id"] = dn["country"] + ":" + dn["item"]
    dn["stock_n"] = _num(dn, "stock", 0.0)
    dn["min_n"] = _num(dn, "minimum", 0.0)
    dn["by_n"] = _num(dn, "replenish_by", d.labels[0])  # empty: kept in every period
    dn["soft"] = _yes(dn, "soft_minimum", False).to_numpy()
    dn["max_n"] = np.maximum(
        _num(dn, "maximum", np.nan).fillna(_num(dn, "stock", 0.0)),
        np.maximum(_num(dn, "stock", 0.0), _num(dn, "minimum", 0.0)),
    )
    dn = dn.set_index("id")
    ids = dn.index.tolist()
    plan = d.plan["donors"]
    stock = _grid(d, plan, "donor", ids, value="stock")
    donated = _grid(d, plan, "donor", ids, value="donated")
    replenished = _grid(d, plan, "donor", ids, value="replenished")
    prev = _shift(stock, dn["stock_n"])
    out += _mismatch("donor-balance", stock, prev - donated + replenished, "stock")
    src = d.scenario["sources"]
    donor_src = src[src["kind"] == "donor"].assign(donor=lambda x: x["country"] + ":" + x["item"])
    orders = _orders(d)
    orders = orders.assign(donor=orders["supplier"].map(donor_src.set_index("id")["donor"]))
    want_donated = _grid(d, orders.dropna(subset=["donor"]), "donor", ids, period="period_ordered")
    out += _mismatch("donor-donations", donated, want_donated, "donations")
    # replenishment comes from lines making the item
    rep = _replenishment(d)
    item_of_line = d.scenario["lines"].set_index("id")["product"]
    made = rep.groupby(item_of_line.reindex(rep.index).to_numpy()).sum()
    got = replenished.groupby(dn["item"].reindex(replenished.index).to_numpy()).sum()
    made = made.reindex(got.index, fill_value=0.0)
    out += _mismatch("donor-replenishment", got, made, "replenishment by lines")
    neg = stock < -_tol(0)
    for k, p in zip(*np.nonzero(neg.to_numpy()), strict=True):
        out.append(f"donor-stock: {ids[k]} is negative in {d.labels[p]}")
    for donor, r in dn.iterrows():
        for p in d.labels:
            if p < r["by_n"]:
                continue
            if stock.at[donor, p] > r["max_n"] + _tol(r["max_n"]):
                out.append(f"donor-maximum: {donor} holds {_fmt(stock.at[donor, p])} in {p}")
            short = r["min_n"] - stock.at[donor, p]
            if short > _tol(r["min_n"]) and not r["soft"]:
                out.append(f"donor-red-line: {donor} is {_fmt(short)} below its minimum in {p}")
            elif short > _tol(r["min_n"]):
                out += _require_shortfall(
                    d,
                    "donor",
                    ("donor",),
                    [str(donor)],
                    p,
                    short,
                    f"donor {donor} below its minimum in {p}",
                )
    return out


def check_ammunition(d: Data) -> list[str]:
    """Opening + supply - consumption + shortfall = closing >= 0; consumption = use x stock."""
    out: list[str] = []
    mu = d.scenario["munitions"].set_index("id")
    ids = mu.index.tolist()
    a = d.plan["ammunition"]
    cols = {
        c: _grid(d, a, "munition", ids, value=c)
        for c in ("opening", "supply", "consumption", "closing", "shortfall")
    }
    opening0 = _num(mu.reset_index(), "stock", 0.0)
    opening0.index = mu.index
    out += _mismatch(
        "ammo-opening", cols["opening"], _shift(cols["closing"], opening0), "opening stock"
    )
    want_supply = _grid(d, d.plan["ammunition_supply"], "munition", ids)
    out += _mismatch("ammo-supply", cols["supply"], want_supply, "supply")
    em = d.scenario["equipment_munitions"]
    stock = _stock(d)
    group = em["group"] if "group" in em.columns else pd.Series("", index=em.index)
    fired = d.plan["ammunition_use"]
    fired_at = fired.set_index(["equipment", "munition", "period"])["rounds"]
    want_cons = pd.DataFrame(0.0, index=pd.Index(ids, name="munition"), columns=d.labels)
    if len(em):
        for p in d.labels:
            use = _num(em, f"use_{d.intensity[p]}", 0.0)
            per = use.to_numpy() * stock[p].reindex(em["equipment"]).fillna(0.0).to_numpy()
            # alternatives (a group): the rounds fired as the plan chose, covering every unit
            alt = (group != "").to_numpy()
            chosen = np.array(
                [
                    float(fired_at.get((e, m, p), 0.0))
                    for e, m in zip(em["equipment"][alt], em["munition"][alt], strict=True)
                ]
            )
            per[alt] = chosen
            cover = (
                pd.Series(
                    np.divide(
                        chosen,
                        use.to_numpy()[alt],
                        out=np.zeros(len(chosen)),
                        where=use.to_numpy()[alt] > 0,
                    )
                )
                .groupby([em["equipment"][alt].to_numpy(), group[alt].to_numpy()])
                .sum()
            )
            for (e, g), c in cover.items():
                need = float(stock.at[e, p]) if e in stock.index else 0.0
                if (
                    abs(c - need) > _tol(need)
                    and use[(em["equipment"] == e) & (group == g)].max() > 0
                ):
                    out.append(
                        f"ammo-mix: {e} fires enough {g} for {_fmt(c)} units in {p} but has "
                        f"{_fmt(need)} in service"
                    )
            want_cons[p] = (
                pd.Series(per)
                .groupby(em["munition"].to_numpy())
                .sum()
                .reindex(ids)
                .fillna(0.0)
                .to_numpy()
            )
    out += _mismatch("ammo-consumption", cols["consumption"], want_cons, "consumption")
    balance = cols["opening"] + cols["supply"] - cols["consumption"] + cols["shortfall"]
    out += _mismatch("ammo-balance", cols["closing"], balance, "closing stock")
    for name in ("closing", "shortfall", "supply"):
        neg = cols[name] < -_tol(cols["consumption"])
        for k, p in zip(*np.nonzero(neg.to_numpy()), strict=True):
            out.append(f"ammo-{name}: {ids[k]} {name} is negative in {d.labels[p]}")
    # the true uncovered consumption: what the closing stock cannot absorb
    for k, m in enumerate(ids):
        for p in d.labels:
            short = cols["shortfall"].at[m, p]
            if short > _tol(cols["consumption"].at[m, p]):
                out += _require_shortfall(
                    d,
                    "ammunition",
                    ("ammo-balance",),  # not the war reserve (ammo-reserve), checked apart
                    [m],
                    p,
                    short,
                    f"{m} ammunition short in {p}",
                )
        del k
    return out


def _roles(d: Data) -> list[str]:
    return sorted(set(d.scenario["equipment"]["role"]))


def check_capability(d: Data) -> list[str]:
    """Capability = value x stock per role; every floor met or listed as a shortfall."""
    out: list[str] = []
    eq = d.scenario["equipment"]
    value = _num(eq, "combat_value", 0.0).to_numpy()
    stock = _counted(d)  # consumables count by the units used
    cap = (stock * value[:, None]).groupby(eq["role"].to_numpy()).sum()
    table = d.plan["capability"]
    got = _grid(d, table, "role", cap.index.tolist(), value="capability")
    present = set(zip(table["role"], table["period"], strict=True))
    for role in cap.index:
        for p in d.labels:
            if (role, p) in present and abs(got.at[role, p] - cap.at[role, p]) > _tol(
                cap.at[role, p]
            ):
                out.append(
                    f"capability: {role} in {p} is reported as "
                    f"{_fmt(got.at[role, p])}, value x stock gives {_fmt(cap.at[role, p])}"
                )
    req = d.scenario["requirements"]
    req = req[req["kind"] == "capability"]
    floors = pd.Series(
        _num(req, "minimum", 0.0).to_numpy(),
        index=pd.MultiIndex.from_arrays([req["role"], _num(req, "period", 0.0)]),
    )
    floors = floors.groupby(level=[0, 1]).max()
    for (role, p), floor in floors.items():
        p = int(p)
        have = float(cap.at[role, p]) if role in cap.index else 0.0
        short = floor - have
        if short > _tol(floor):
            out += _require_shortfall(
                d,
                "capability",
                ("capability",),
                [role],
                p,
                short,
                f"{role} capability below its floor in {p}",
            )
        rows = table[(table["role"] == role) & (table["period"] == p)]
        if len(rows) == 0:
            out.append(f"capability: no row for role {role} in {p} although it has a floor")
        elif abs(float(rows["floor"].iloc[0]) - floor) > _tol(floor):
            out.append(
                f"capability: floor of {role} in {p} is reported as "
                f"{_fmt(float(rows['floor'].iloc[0]))}, the scenario says {_fmt(floor)}"
            )
    return out


def interop_scores(d: Data) -> pd.Series:
    """Per-type interoperability score in [0, 1], from the standards each type complies with."""
    weights = (d.header.get("interoperability") or {}).get("domain_weights") or {}
    eq = d.scenario["equipment"]
    st = d.scenario["standards"].set_index("id")
    es = d.scenario["equipment_standards"]
    es = es.assign(
        domain=es["standard"].map(st["domain"]), nato=es["standard"].map(st["family"]) == "nato"
    )
    es = es[es["domain"].isin(list(weights))]
    per_domain = es.groupby(["equipment", "domain"])["nato"].any().reset_index()
    per_domain["w"] = per_domain["domain"].map(weights).astype(float)
    applicable = per_domain.groupby("equipment")["w"].sum()
    met = (per_domain["w"] * per_domain["nato"]).groupby(per_domain["equipment"]).sum()
    score = (met / applicable.where(applicable > 0)).reindex(eq["id"])
    fallback = pd.Series((eq["family"] == "nato").astype(float).to_numpy(), index=eq["id"])
    return score.fillna(fallback).astype(float)


def check_interoperability(d: Data) -> list[str]:
    """Index = sum(score x value x stock) / sum(value x stock); target met or listed."""
    out: list[str] = []
    eq = d.scenario["equipment"]
    value = _num(eq, "combat_value", 0.0).to_numpy()
    score = interop_scores(d).to_numpy()
    stock = _stock(d) + _used(d)  # units waiting for crews still count in the index
    weighted = stock * value[:, None]
    total = weighted.sum(axis=0)
    index = (weighted * score[:, None]).sum(axis=0) / total.where(total > 0)
    table = d.plan["interoperability"].set_index("period")
    req = d.scenario["requirements"]
    req = req[req["kind"] == "interoperability"]
    targets = pd.Series(
        _num(req, "minimum", 0.0).to_numpy(), index=_num(req, "period", 0.0).astype(int).to_numpy()
    )
    targets = targets.groupby(level=0).max()
    for p in d.labels:
        if p not in table.index:
            out.append(f"interoperability: no row for {p}")
            continue
        got = float(table.at[p, "index"])
        want = float(index[p]) if pd.notna(index[p]) else 0.0
        if abs(got - want) > 1e-5 and not (pd.isna(index[p]) and abs(got) < 1e-5):
            out.append(
                f"interoperability: index in {p} is reported as {got:.6f}, the stock "
                f"gives {want:.6f}"
            )
        if p in targets.index:
            target = float(targets[p])
            short_points = float(((target - score) * value * stock[p].to_numpy()).sum())
            if short_points > _tol(total[p]):
                out += _require_shortfall(
                    d,
                    "interoperability",
                    ("interop",),
                    [],
                    p,
                    short_points / float(total[p]),  # in index points: target - index
                    f"interoperability below its target in {p}",
                )
    return out


def _training_types(d: Data) -> pd.Series:
    """Per equipment id: whether its units need crews from a pipeline (class has one, and
    training_weeks > 0)."""
    eq = d.scenario["equipment"]
    classes = set(d.scenario["training"]["class"])
    weeks = _num(eq, "training_weeks", 0.0).to_numpy()
    return pd.Series((weeks > 0) & eq["class"].isin(classes).to_numpy(), index=eq["id"])


def _waiting(d: Data) -> pd.DataFrame:
    """Units in service without a crew, per type and period (0 for other types)."""
    ids = d.scenario["equipment"]["id"].tolist()
    return _grid(d, d.plan["crews"], "equipment", ids, value="waiting")


def check_training(d: Data) -> list[str]:
    """Crew pipeline: crews started per class <= the pipelines; crew pools balance (opening
    units' crews + trained - crews of lost units + crews coming with upgraded units - those
    leaving with them); units in service beyond the crews wait (and do not count)."""
    out: list[str] = []
    eq = d.scenario["equipment"].set_index("id")
    tr = d.scenario["training"].copy()
    if len(tr) == 0:
        return out
    tr["capacity_n"] = _num(tr, "capacity", 0.0)
    tr["first_n"] = _num(tr, "first_period", d.labels[0])
    tr["last_n"] = _num(tr, "last_period", d.labels[-1])
    needs = _training_types(d)
    ids = eq.index.tolist()
    crews_t = d.plan["crews"]
    unknown = set(crews_t["equipment"]) - set(needs.index[needs])
    if unknown:
        out.append(f"crews: rows for types that need no pipeline crews: {sorted(unknown)}")
    ready = _grid(d, crews_t, "equipment", ids, value="crews_ready")
    pool = _grid(d, crews_t, "equipment", ids, value="crews")
    waiting = _waiting(d)
    weeks = _num(eq.reset_index(), "training_weeks", 0.0).to_numpy()
    lead = np.floor(weeks / (52.0 * d.length) + 1e-9).astype(int)
    # capacity: a crew ready in t occupies its class's pipeline from t - lead
    T = len(d.labels)
    for cls in sorted(set(tr["class"])):
        rows = [k for k, e in enumerate(ids) if needs.get(e, False) and eq.at[e, "class"] == cls]
        for t_idx, p in enumerate(d.labels):
            started = 0.0
            for k in rows:
                if t_idx + lead[k] < T:
                    started += float(ready.iat[k, t_idx + lead[k]])
            pipes = tr[tr["class"] == cls]
            cap = float(
                pipes.loc[(pipes["first_n"] <= p) & (pipes["last_n"] >= p), "capacity_n"].sum()
            )
            if started - cap > _tol(cap):
                out.append(
                    f"training-capacity: {_fmt(started)} {cls} crews start training in {p}, "
                    f"the pipelines train {_fmt(cap)}"
                )
        for k in rows:
            for t_idx in range(min(lead[k], T)):
                if ready.iat[k, t_idx] > _tol(0):
                    out.append(
                        f"training-lead: {ids[k]} has crews ready in {d.labels[t_idx]}, "
                        f"before their {lead[k]} period(s) of training could end"
                    )
    # the crew pools
    inv = d.scenario["inventory"]
    s0 = (
        (_num(inv, "quantity", 0.0) * _num(inv, "serviceable", 1.0))
        .groupby(inv["equipment"].to_numpy())
        .sum()
    )
    losses = _grid(d, d.plan["losses"], "equipment", ids)
    up = d.plan["upgrades"]
    paths = d.scenario["upgrades"]
    converts = dict(zip(paths["id"], _yes(paths, "crew_conversion", False), strict=True))
    up_out = _grid(d, up, "from_equipment", ids, period="period_started")
    kept = up[~up["upgrade"].map(converts).fillna(False).astype(bool)] if len(up) else up
    up_in = _grid(
        d,
        kept[kept["period_completed"].isin(d.labels)],
        "to_equipment",
        ids,
        period="period_completed",
    )
    up_out.index.name = up_in.index.name = "equipment"
    expected = _shift(pool, s0) + ready - losses + up_in.to_numpy() - up_out.to_numpy()
    sel = needs.reindex(ids).fillna(False).to_numpy()
    out += _mismatch("crew-pool", pool[sel], expected[sel], "crews")
    stock = _stock(d)
    over = (stock - waiting - pool)[sel]
    for k, t_idx in zip(
        *np.nonzero((over > 1e-5 + 1e-6 * stock[sel].abs()).to_numpy()), strict=True
    ):
        out.append(
            f"crews: {over.index[k]} has {_fmt(stock[sel].iat[k, t_idx])} units in service in "
            f"{d.labels[t_idx]} but only {_fmt(pool[sel].iat[k, t_idx])} crews and "
            f"{_fmt(waiting[sel].iat[k, t_idx])} reported waiting"
        )
    for name, frame in (("crews", pool), ("crews_ready", ready), ("waiting", waiting)):
        neg = frame[sel] < -_tol(0)
        for k, t_idx in zip(*np.nonzero(neg.to_numpy()), strict=True):
            out.append(f"crews: {name} of {frame[sel].index[k]} in {d.labels[t_idx]} is negative")
    t = d.plan["training"]
    over_p = t["used"] - t["capacity"] > _tol(t["capacity"])
    for _, r in t[over_p].iterrows():
        out.append(
            f"training: pipeline {r['pipeline']} used {_fmt(r['used'])} in "
            f"{r['period']:g}, above its capacity {_fmt(r['capacity'])}"
        )
    return out


def _require_shortfall(
    d: Data,
    kind: str,
    prefixes: tuple[str, ...],
    ids: list[str],
    period: int,
    amount: float | None,
    what: str,
) -> list[str]:
    """A violated requirement must appear in shortfalls.csv (and with its amount if given)."""
    sf = d.plan["shortfalls"]
    cons = sf["constraint"].str.lower()
    coords = sf["coordinates"].astype(str)
    # astype(bool): an empty map keeps the text dtype (pyarrow strings refuse "&" with bools)
    hit = cons.map(lambda c: any(p in c for p in prefixes)).astype(bool) & coords.str.contains(
        str(period), regex=False
    ).astype(bool)
    for i in ids:
        hit &= coords.str.contains(i, regex=False)
    rows = sf[hit]
    if len(rows) == 0:
        shown = "" if amount is None else f" by {_fmt(amount)}"
        return [f"shortfalls: {what}{shown} is not listed in shortfalls.csv ({kind})"]
    if amount is not None:
        listed = float(rows["amount"].sum())
        if abs(listed - amount) > max(_tol(amount), 1e-4 * abs(amount)):
            return [f"shortfalls: {what} is {_fmt(amount)} but shortfalls.csv lists {_fmt(listed)}"]
    if (rows["text"].str.strip() == "").any():
        return [f"shortfalls: {what} has no text in words"]
    return []


def check_commitments(d: Data) -> list[str]:
    """Fixed commitments are kept exactly: each fixed row's decision in the plan tables equals
    its quantity (orders from deliveries/ammunition supply by period ordered, line output to the
    force, expansions ordered, upgrades started, early retirements, units stored in reserve)."""
    c = d.scenario.get("commitments")
    if c is None or not len(c):
        return []
    c = c[_yes(c, "fixed", False)]
    out: list[str] = []
    orders = _orders(d).groupby(["supplier", "period_ordered"])["quantity"].sum()
    force = _line_force_output(d)
    lines = d.plan["lines"].set_index(["line", "period"])["expansions_ordered"]
    up = (
        d.plan["upgrades"]
        .groupby(["from_equipment", "to_equipment", "period_started"])["quantity"]
        .sum()
    )
    paths = d.scenario["upgrades"].set_index("id")[["from_equipment", "to_equipment"]]
    ret = d.plan["retirements"]
    early = (
        _num(ret, "early", 0.0).groupby([ret["equipment"], ret["period"]]).sum()
        if len(ret)
        else pd.Series(dtype=float)
    )
    res = d.plan.get("reserve")
    stored = (
        res.set_index(["equipment", "period"])["to_reserve"]
        if res is not None and len(res)
        else pd.Series(dtype=float)
    )
    for r in c.itertuples(index=False):
        period, want = int(float(r.period)), float(r.quantity)
        key = (r.id, period)
        if r.decision == "order":
            got = float(orders.get(key, 0.0))
        elif r.decision == "output":
            got = float(force.loc[r.id, period]) if r.id in force.index else 0.0
        elif r.decision == "expand":
            got = float(lines.get(key, 0.0))
        elif r.decision == "upgrade":
            f, t = paths.loc[r.id]
            got = float(up.get((f, t, period), 0.0))
        elif r.decision == "retire":
            got = float(early.get(key, 0.0))
        elif r.decision == "reserve":
            got = float(stored.get(key, 0.0))
        else:
            continue  # reactivate: checked through the reserve balance of check_stock_flow
        if abs(got - want) > _tol(want):
            out.append(
                f"commitments: fixed {r.decision} of {r.id} in {period} is {_fmt(want)}, "
                f"the plan has {_fmt(got)}"
            )
    return out


CHECKS = (
    check_stock_flow,
    check_lead_times,
    check_capacities,
    check_budgets,
    check_donors,
    check_ammunition,
    check_capability,
    check_interoperability,
    check_training,
    check_whole_units,
    check_force_generation,
    check_war_reserve,
    check_funding_priority,
    check_consumables,
    check_commitments,
)


def check_run(run: Path | str) -> list[str]:
    """Check a run folder; return every violation found (empty: the plan is consistent).

    Parameters
    ----------
    run
        A run folder written by ``forceplan plan`` / ``Plan.save``.
    """
    data, out = load(Path(run))
    if data is None:
        return out
    sf = data.plan["shortfalls"]
    count = data.summary.get("shortfalls", {}).get("count")
    if count is not None and count != len(sf):
        out.append(f"summary: {count} shortfalls recorded, shortfalls.csv has {len(sf)}")
    for check in CHECKS:
        out += check(data)
    out += check_remedies(Path(run), data)
    return out


REMEDY_HEAD = ["shortfall", "remedy", "quantity", "unit", "cost", "text"]


def check_remedies(run: Path, d: Data) -> list[str]:
    """``plan/remedies.csv`` (when present): every shortfall has a remedy row, every remedy row
    belongs to a shortfall, additions are positive and name a source, line, training class or
    funding stream of the scenario, and the cost of a shortfall's additions sums to its total."""
    path = run / "plan" / "remedies.csv"
    if not path.is_file():
        return []
    r = pd.read_csv(path, keep_default_na=False, na_values=[""])
    out: list[str] = []
    if list(r.columns[: len(REMEDY_HEAD)]) != REMEDY_HEAD:
        return [f"contract: plan/remedies.csv starts with {list(r.columns[:6])}"]
    sf = d.plan["shortfalls"]
    keys = {f"{c}[{k}]" for c, k in zip(sf["constraint"], sf["coordinates"], strict=True)}
    got = set(r["shortfall"].astype(str))
    for k in sorted(keys - got):
        out.append(f"remedies: shortfall {k} has no row in remedies.csv")
    for k in sorted(got - keys):
        out.append(f"remedies: {k} is not a shortfall of the plan")
    if "kind" not in r:
        return out
    known = {
        "budget": set(d.scenario["budgets"]["stream"].astype(str)),
        "supply": set(d.scenario["sources"]["id"].astype(str)),
        "line": set(d.scenario["lines"]["id"].astype(str)),
        "training": set(d.scenario["equipment"]["class"].astype(str)),
    }
    for _, row in r.iterrows():
        kind = str(row["kind"])
        if kind == "none":
            continue
        if kind not in known:
            out.append(f"remedies: unknown kind {kind!r} for {row['shortfall']}")
            continue
        if str(row["target"]) not in known[kind]:
            out.append(f"remedies: {kind} {row['target']!r} is not in the scenario")
        if not float(row["quantity"]) > 0:
            out.append(f"remedies: {row['shortfall']} adds {row['quantity']} of {row['target']}")
    priced = r[r["kind"].astype(str) != "none"]
    # a shortfall's smallest remedy and its alternative (option column) are priced apart
    option = (
        priced["option"].fillna("smallest").astype(str)
        if "option" in priced
        else pd.Series("smallest", index=priced.index)
    )
    for (key, opt), g in priced.groupby([priced["shortfall"].astype(str), option]):
        total = float(g["total_cost"].iloc[0])
        if abs(float(g["cost"].sum()) - total) > 1e-4 * max(1.0, abs(total)):
            out.append(
                f"remedies: the costs of {key} ({opt}) sum to {g['cost'].sum()}, not {total}"
            )
    if "option" in r:
        smallest = set(r.loc[r["option"].astype(str) == "smallest", "shortfall"].astype(str))
        for k in sorted(
            set(r.loc[r["option"].astype(str) == "alternative", "shortfall"]) - smallest
        ):
            out.append(f"remedies: {k} has an alternative but no smallest remedy")
    return out
