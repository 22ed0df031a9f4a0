"""The sweep's summary: robust decisions and the distribution of the outcomes.

A pure function of the finished sample records of samples ``0 .. n-1`` (and the
base plan's), taken in sample order, so an interrupted and resumed sweep gets
exactly the summary of an uninterrupted one with the same seed. Solve times are
not part of it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from forceplan.io.atomic import atomic_file
from forceplan.sweep.samples import BASE

ROBUST_ACTIONS = (
    "order",
    "donate",
    "retire",
    "reserve",
    "reactivate",
    "upgrade",
    "expand",
    "replenish",
)
"""Decisions counted (``receive`` is not: an arrival follows its order)."""
PERCENTILES = (5, 50, 95)
OUTCOMES = ("objective_total", "shortfall", "cost_total", "cost_funded", "cost_unfunded")
"""Per-sample outcome columns whose distribution the summary gives."""
KEY = ["action", "item_id", "from_id"]


def _solved(record: dict[str, Any]) -> bool:
    return record.get("status") in ("optimal", "time_limit") and "decisions" in record


def outcomes_table(records: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per sample: status, outcomes, shortfall count and the factor draws."""
    rows = []
    for r in records:
        obj, cost = r.get("objective") or {}, r.get("cost") or {}
        row: dict[str, Any] = {
            "sample": r["sample"],
            "status": r.get("status", ""),
            "objective_total": obj.get("total", np.nan),
            "shortfall": obj.get("shortfall", np.nan),
            "cost_total": cost.get("total", np.nan),
            "cost_funded": cost.get("funded", np.nan),
            "cost_unfunded": cost.get("unfunded", np.nan),
            "shortfalls": len(r["shortfalls"]) if _solved(r) else np.nan,
        }
        row.update({f"factor_{k}": v for k, v in (r.get("factors") or {}).items()})
        rows.append(row)
    columns = ["sample", "status", *OUTCOMES, "shortfalls"]
    return pd.DataFrame(rows, columns=None if rows else columns)


def _decisions(records: list[dict[str, Any]]) -> pd.DataFrame:
    parts = [
        pd.DataFrame(r["decisions"]).assign(sample=r["sample"])
        for r in records
        if _solved(r) and r["decisions"]
    ]
    cols = ["period", "action", "item", "from", "item_id", "from_id", "unit", "quantity", "cost"]
    if not parts:
        return pd.DataFrame(columns=[*cols, "sample"])
    out = pd.concat(parts, ignore_index=True)
    out = out[out["action"].isin(ROBUST_ACTIONS)].copy()
    out["from_id"] = out["from_id"].fillna("").astype(str)
    out["from"] = out["from"].fillna("").astype(str)
    out["cost"] = pd.to_numeric(out["cost"], errors="coerce")
    return out


def _order(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    rank = {a: i for i, a in enumerate(ROBUST_ACTIONS)}
    frame = frame.assign(_rank=frame["action"].map(rank))
    frame = frame.sort_values(["share", "_rank", *by], ascending=[False, True, *([True] * len(by))])
    return frame.drop(columns="_rank").reset_index(drop=True)


def decision_frequency(
    records: list[dict[str, Any]], base: dict[str, Any] | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How often each decision appears in the optimal plans of the futures.

    Returns
    -------
    (robust, by_period)
        ``robust``: per action, item and supplier (any period): ``plans`` (futures
        whose plan has it), ``share`` of the solved futures, the quantity over the
        horizon in those plans (mean, min, median, max), the first period's
        median, and ``base_quantity`` (the plan of the scenario as given; 0 when it
        lacks the decision). ``by_period``: the same per period.
    """
    solved = [r for r in records if _solved(r)]
    n = max(len(solved), 1)
    dec = _decisions(solved)
    base_dec = _decisions([base]) if base is not None and _solved(base) else _decisions([])
    names = ["action", "item", "from", "unit"]

    per = (
        dec.groupby([*KEY, "period", "sample"], sort=True)
        .agg(
            quantity=("quantity", "sum"),
            cost=("cost", "sum"),
            **{c: (c, "first") for c in names[1:]},
        )
        .reset_index()
    )
    by_period = (
        per.groupby([*KEY, "period"], sort=True)
        .agg(
            item=("item", "first"),
            **{"from": ("from", "first")},
            unit=("unit", "first"),
            plans=("sample", "nunique"),
            quantity_mean=("quantity", "mean"),
            quantity_min=("quantity", "min"),
            quantity_median=("quantity", "median"),
            quantity_max=("quantity", "max"),
            cost_mean=("cost", "mean"),
        )
        .reset_index()
    )
    by_period["share"] = by_period["plans"] / n
    bq = base_dec.groupby([*KEY, "period"])["quantity"].sum().rename("base_quantity")
    by_period = by_period.join(bq, on=[*KEY, "period"])
    by_period["base_quantity"] = by_period["base_quantity"].fillna(0.0)

    tot = (
        per.groupby([*KEY, "sample"], sort=True)
        .agg(quantity=("quantity", "sum"), first_period=("period", "min"))
        .reset_index()
    )
    robust = (
        tot.groupby(KEY, sort=True)
        .agg(
            plans=("sample", "nunique"),
            quantity_mean=("quantity", "mean"),
            quantity_min=("quantity", "min"),
            quantity_median=("quantity", "median"),
            quantity_max=("quantity", "max"),
            first_period_median=("first_period", "median"),
        )
        .reset_index()
    )
    labels = per.groupby(KEY, sort=True)[["item", "from", "unit"]].first()
    robust = robust.join(labels, on=KEY)
    robust["share"] = robust["plans"] / n
    bt = base_dec.groupby(KEY)["quantity"].sum().rename("base_quantity")
    robust = robust.join(bt, on=KEY)
    robust["base_quantity"] = robust["base_quantity"].fillna(0.0)
    lead = ["action", "item", "from", "unit", "share", "plans"]
    robust = robust[[*lead, *[c for c in robust.columns if c not in lead]]]
    by_period = by_period[
        ["period", *lead, *[c for c in by_period.columns if c not in [*lead, "period"]]]
    ]
    return _order(robust, ["item_id", "from_id"]), _order(by_period, ["period", "item_id"])


def shortfall_frequency(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Per shortfall (constraint and coordinates): in how many futures, and how large."""
    solved = [r for r in records if _solved(r)]
    n = max(len(solved), 1)
    rows = [{**s, "sample": r["sample"]} for r in solved for s in r["shortfalls"]]
    cols = ["constraint", "coordinates", "unit", "plans", "share", "amount_mean", "amount_median"]
    if not rows:
        return pd.DataFrame(columns=[*cols, "amount_p95", "amount_max", "text_example"])
    sf = pd.DataFrame(rows)
    out = (
        sf.groupby(["constraint", "coordinates"], sort=True)
        .agg(
            unit=("unit", "first"),
            plans=("sample", "nunique"),
            amount_mean=("amount", "mean"),
            amount_median=("amount", "median"),
            amount_p95=("amount", lambda a: float(np.percentile(a, 95))),
            amount_max=("amount", "max"),
            text_example=("text", "first"),
        )
        .reset_index()
    )
    out["share"] = out["plans"] / n
    out = out[[*cols, "amount_p95", "amount_max", "text_example"]]
    return out.sort_values(["share", "constraint", "coordinates"], ascending=[False, True, True])


def distribution(values: pd.Series) -> dict[str, float | None]:
    """Mean, standard deviation, min, 5th/50th/95th percentiles and max (None when empty)."""
    v = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    keys = ["mean", "std", "min", *[f"p{p}" for p in PERCENTILES], "max"]
    if len(v) == 0:
        return dict.fromkeys(keys)
    stats = [v.mean(), v.std(ddof=0), v.min(), *np.percentile(v, PERCENTILES), v.max()]
    return {k: round(float(x), 9) for k, x in zip(keys, stats, strict=True)}


def summarise(
    records: dict[int | str, dict[str, Any]], n: int, manifest: dict[str, Any]
) -> dict[str, Any]:
    """The summary of samples ``0 .. n-1`` (and the base plan) as tables and a JSON dict.

    Returns
    -------
    dict
        ``summary`` (JSON-able dict), ``outcomes``, ``robust``, ``by_period``,
        ``shortfalls`` (DataFrames).
    """
    missing = [i for i in range(n) if i not in records]
    ordered = [records[i] for i in range(n) if i in records]
    base = records.get(BASE)
    outcomes = outcomes_table(ordered)
    robust, by_period = decision_frequency(ordered, base)
    shortfalls = shortfall_frequency(ordered)
    solved = [r for r in ordered if _solved(r)]
    statuses: dict[str, int] = {}
    for r in ordered:
        statuses[r.get("status", "")] = statuses.get(r.get("status", ""), 0) + 1
    summary: dict[str, Any] = {
        "scenario": manifest.get("scenario_name"),
        "notional": manifest.get("notional"),
        "scenario_hash": manifest.get("scenario_hash"),
        "seed": manifest.get("seed"),
        "samples": n,
        "finished": len(ordered),
        "missing": missing,
        "solved": len(solved),
        "statuses": dict(sorted(statuses.items())),
        "failed": [
            {"sample": r["sample"], "status": r.get("status"), "message": r.get("message", "")}
            for r in ordered
            if not _solved(r)
        ],
        "with_shortfalls": int(sum(1 for r in solved if r["shortfalls"])),
        "share_with_shortfalls": (
            round(sum(1 for r in solved if r["shortfalls"]) / len(solved), 9) if solved else None
        ),
        "distributions": {
            c: distribution(outcomes[c])
            if len(outcomes)
            else distribution(pd.Series([], dtype=float))
            for c in OUTCOMES
        },
        "base": None
        if base is None
        else {
            "status": base.get("status"),
            "objective_total": (base.get("objective") or {}).get("total"),
            "cost_total": (base.get("cost") or {}).get("total"),
            "shortfalls": len(base.get("shortfalls") or []),
        },
    }
    return {
        "summary": summary,
        "outcomes": outcomes,
        "robust": robust,
        "by_period": by_period,
        "shortfalls": shortfalls,
    }


SUMMARY_FILES = {
    "outcomes": "outcomes.csv",
    "robust": "robust_decisions.csv",
    "by_period": "decision_frequency.csv",
    "shortfalls": "shortfall_frequency.csv",
}


def write_summary(folder: Path, result: dict[str, Any]) -> None:
    """Write ``summary.json`` and the summary tables into *folder* (each file atomically)."""
    folder = Path(folder)
    for key, name in SUMMARY_FILES.items():
        with atomic_file(folder / name) as tmp:
            result[key].to_csv(tmp, index=False, lineterminator="\n", float_format="%.9g")
    with atomic_file(folder / "summary.json") as tmp:
        tmp.write_text(json.dumps(result["summary"], indent=2, ensure_ascii=False) + "\n", "utf-8")
