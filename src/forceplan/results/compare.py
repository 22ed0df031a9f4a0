"""Compare runs: what differs in the inputs and in the plans, and a collection of runs.

Two runs are compared as *A* (the reference, "old") and *B* ("new"):

- :func:`diff_inputs`: every difference between the two scenarios as solved
  (``scenario/`` of a run folder): header settings, rows added or removed and
  changed cells, one row per difference with columns ``table, key, column, old,
  new, change``. Rows are matched on the table keys of the schema
  (:func:`forceplan.domain.schema.schemas`).
- :func:`diff_outputs`: key figures per period side by side (stock by family and
  role, capability against floor, interoperability index, spending by stream and
  use, ammunition shortfalls, shortfalls), the decisions that appear in one plan
  only (deliveries, upgrades, line expansions, retirements, ammunition supply) or
  with other quantities, and the summary figures (status, objective parts).
- :class:`PlanCollection`: several runs with the same tables indexed by run.

A run is read from a run folder, a :class:`~forceplan.io.run_folder.RunFolder`, a
solved ``Plan`` or (inputs only) a :class:`~forceplan.domain.scenario.Scenario`.

Examples
--------
>>> pc = PlanCollection(["runs/base", "runs/half-budget"])  # doctest: +SKIP
>>> pc.table("capability").head()  # doctest: +SKIP
>>> pc.diff_inputs("base", "half-budget")  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from forceplan.domain.scenario import Scenario
from forceplan.domain.schema import TableSchema, schemas
from forceplan.exceptions import ForceplanError
from forceplan.io.csv_folder import HEADER_FILE, table_records
from forceplan.io.raw import format_number
from forceplan.results.contract import BUDGET_USES, PLAN_TABLES

log = logging.getLogger(__name__)

INPUT_DIFF_COLUMNS = ["table", "key", "column", "old", "new", "change"]
"""Columns of the inputs diff (``inputs_diff.csv``)."""
FIGURE_COLUMNS = ["figure", "item", "period", "unit", "value"]
"""Columns of one run's key figures (long form)."""
FIGURE_DIFF_COLUMNS = ["figure", "item", "period", "unit", "a", "b", "difference", "differs"]
"""Columns of the key figures side by side (``outputs_diff.csv``)."""
DECISION_COLUMNS = ["decision", "item", "period", "quantity", "unit"]
"""Columns of one run's decisions (long form)."""
DECISION_DIFF_COLUMNS = [
    "decision",
    "item",
    "change",
    "quantity_a",
    "quantity_b",
    "periods_a",
    "periods_b",
    "unit",
]
"""Columns of the decisions diff (``decisions_diff.csv``)."""
SUMMARY_DIFF_COLUMNS = ["field", "a", "b", "same"]
"""Columns of the summary diff (``summary_diff.csv``)."""

HEADER_TABLE = "header"
"""Value of ``table`` in the inputs diff for settings of ``scenario.yaml``."""

TOLERANCE = 1e-4
"""Two figures or quantities count as equal when they differ by at most this share of
the larger (and at most this much below 1): solver noise between two runs is not a
difference."""

RunLike = Any
"""A run folder path, a RunFolder, a Plan, a Scenario or a :class:`RunRecord`."""


class CompareError(ForceplanError):
    """Runs could not be compared (unknown run name, nothing to compare)."""


# --------------------------------------------------------------------------- runs


@dataclass
class RunRecord:
    """One run as the comparison sees it.

    Attributes
    ----------
    name
        Label of the run (the folder name by default).
    summary
        Status, objective parts, gap, scenario facts (as in ``summary.json``).
    tables
        Plan table name -> DataFrame (empty when the run has no plan).
    inputs
        Scenario table name -> DataFrame of canonical cell text (schema columns).
    header
        The scenario header as ``scenario.yaml`` holds it.
    path
        The run folder, when read from one.
    """

    name: str
    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    inputs: dict[str, pd.DataFrame]
    header: dict[str, Any]
    path: Path | None = None

    @property
    def status(self) -> str:
        """Solve status (empty for a scenario without a plan)."""
        return str(self.summary.get("status", ""))

    @property
    def has_plan(self) -> bool:
        """Whether the run holds plan tables."""
        return bool(self.tables)

    @property
    def notional(self) -> bool:
        """Whether the run's scenario is notional."""
        return bool(self.header.get("notional", True))

    @property
    def currency(self) -> str:
        """Unit of money figures."""
        return str(self.header.get("currency", "USD million"))

    @property
    def scenario_name(self) -> str:
        """Name of the run's scenario."""
        return str(self.header.get("name", ""))


def _canonical_text(frame: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """Cells as canonical text (numbers as forceplan writes them), schema columns only."""
    out = frame.reindex(columns=schema.column_names).fillna("").astype(str)
    for col in schema.columns:
        if not col.numeric or out.empty:
            continue
        text = out[col.name].str.strip()
        parsed = pd.to_numeric(text, errors="coerce")
        ok = parsed.notna() & (text != "")
        canon = parsed[ok].map(format_number)
        out[col.name] = text.where(~ok, canon).astype(str)
    return out.reset_index(drop=True)


def _scenario_inputs(scenario: Scenario) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Canonical text tables and header of an in-memory scenario."""
    inputs = {}
    for name, schema in schemas().items():
        frame = scenario.tables.get(name, pd.DataFrame(columns=schema.column_names))
        rows = table_records(frame, schema)
        inputs[name] = _canonical_text(pd.DataFrame(rows, columns=schema.column_names), schema)
    return inputs, scenario.header.model_dump(mode="json")


def _folder_inputs(folder: Path) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Canonical text tables and header of a scenario folder (missing tables are empty)."""
    inputs = {}
    for name, schema in schemas().items():
        path = folder / f"{name}.csv"
        if path.is_file():
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        else:
            frame = pd.DataFrame(columns=schema.column_names)
        inputs[name] = _canonical_text(frame, schema)
    header_path = folder / HEADER_FILE
    header = (
        yaml.safe_load(header_path.read_text(encoding="utf-8")) if header_path.is_file() else {}
    )
    return inputs, header if isinstance(header, dict) else {}


def _read_run_dir(path: Path) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """Summary and plan tables of a run folder (raises RunFolderError when it is not one)."""
    from forceplan.io.run_folder import read_run_folder

    folder = read_run_folder(path)
    return folder.summary, folder.tables


def _plan_summary(plan: Any) -> dict[str, Any]:
    """The summary facts of an in-memory Plan, shaped like ``summary.json``."""
    header = plan.scenario.header
    shortfalls = plan.tables.get("shortfalls")
    return {
        "status": str(plan.status),
        "message": str(getattr(plan, "message", "")),
        "objective": {str(k): float(v) for k, v in dict(plan.objective).items()},
        "gap": None if plan.gap is None else float(plan.gap),
        "scenario": {
            "name": header.name,
            "notional": bool(header.notional),
            "hash": None,
            "period_labels": list(header.period_labels),
            "currency": header.currency,
        },
        "shortfalls": {"count": 0 if shortfalls is None else len(shortfalls)},
    }


def load_run(source: RunLike, name: str | None = None) -> RunRecord:
    """Read one run for comparison.

    Parameters
    ----------
    source
        A run folder path, a :class:`~forceplan.io.run_folder.RunFolder`, a solved
        ``Plan``, a :class:`~forceplan.domain.scenario.Scenario` (inputs only) or a
        :class:`RunRecord` (returned as is, renamed when *name* is given).
    name
        Label of the run; default: the folder name, or the scenario name.

    Raises
    ------
    RunFolderError
        When a path is not a complete run folder.
    """
    from forceplan.io.run_folder import SCENARIO_DIR, RunFolder

    if isinstance(source, RunRecord):
        if name is not None and name != source.name:
            return RunRecord(
                name, source.summary, source.tables, source.inputs, source.header, source.path
            )
        return source
    if isinstance(source, str | Path):
        path = Path(source)
        summary, tables = _read_run_dir(path)
        inputs, header = _folder_inputs(path / SCENARIO_DIR)
        return RunRecord(name or path.resolve().name, summary, tables, inputs, header, path)
    if isinstance(source, RunFolder):
        inputs, header = _folder_inputs(source.scenario_dir)
        return RunRecord(
            name or source.path.resolve().name,
            source.summary,
            dict(source.tables),
            inputs,
            header,
            source.path,
        )
    if isinstance(source, Scenario):
        inputs, header = _scenario_inputs(source)
        return RunRecord(name or source.name, {}, {}, inputs, header)
    if all(hasattr(source, a) for a in ("scenario", "tables", "status", "objective")):
        inputs, header = _scenario_inputs(source.scenario)
        tables = dict(source.tables) if source.tables else {}
        return RunRecord(
            name or source.scenario.name, _plan_summary(source), tables, inputs, header
        )
    raise TypeError(
        f"cannot compare a {type(source).__name__}: pass a run folder path, a RunFolder, "
        "a Plan or a Scenario"
    )


# --------------------------------------------------------------------------- inputs


def _key_text(frame: pd.DataFrame, key: list[str]) -> pd.Series:
    """The row key in words: the value for one key column, ``col=value, ...`` otherwise.

    Empty key parts after the first are left out (``kind=interoperability, period=2027``).
    """
    if len(key) == 1:
        return frame[key[0]].astype(str)
    out = f"{key[0]}=" + frame[key[0]].astype(str)
    for col in key[1:]:
        value = frame[col].astype(str)
        out = out + np.where(value != "", f", {col}=" + value, "")
    return out


def _row_text(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Non-empty cells of each row as ``col=value, ...`` (for rows added or removed)."""
    if frame.empty or not columns:
        return pd.Series("", index=frame.index, dtype=object)
    long = frame[columns].reset_index(names="_row").melt(id_vars="_row", var_name="_col")
    long = long[long["value"].astype(str) != ""]
    order = {c: i for i, c in enumerate(columns)}
    long = long.assign(_pos=long["_col"].map(order)).sort_values(["_row", "_pos"])
    text = (long["_col"] + "=" + long["value"].astype(str)).groupby(long["_row"]).agg(", ".join)
    return text.reindex(frame.index, fill_value="").astype(object)


def _diff_table(
    name: str, schema: TableSchema, old: pd.DataFrame, new: pd.DataFrame
) -> pd.DataFrame:
    """Rows added, removed and cells changed between two versions of one table."""
    key = list(schema.key)
    values = [c for c in schema.column_names if c not in key]
    old = old.assign(_n=old.groupby(key, sort=False).cumcount(), _pos_a=np.arange(len(old)))
    new = new.assign(_n=new.groupby(key, sort=False).cumcount(), _pos_b=np.arange(len(new)))
    merged = old.merge(new, on=[*key, "_n"], how="outer", suffixes=("_a", "_b"), indicator=True)
    merged["_order"] = merged["_pos_a"].fillna(len(old) + merged["_pos_b"])
    merged["_key"] = _key_text(merged, key)
    parts = []
    removed = merged[merged["_merge"] == "left_only"]
    if len(removed):
        side = removed[[f"{c}_a" for c in values]].set_axis(values, axis=1)
        parts.append(
            pd.DataFrame(
                {
                    "key": removed["_key"],
                    "column": "",
                    "old": _row_text(side, values),
                    "new": "",
                    "change": "removed",
                    "_order": removed["_order"],
                    "_col": -1,
                }
            )
        )
    both = merged[merged["_merge"] == "both"]
    for i, col in enumerate(values):
        a, b = both[f"{col}_a"].astype(str), both[f"{col}_b"].astype(str)
        hit = a != b
        if hit.any():
            parts.append(
                pd.DataFrame(
                    {
                        "key": both.loc[hit, "_key"],
                        "column": col,
                        "old": a[hit],
                        "new": b[hit],
                        "change": "changed",
                        "_order": both.loc[hit, "_order"],
                        "_col": i,
                    }
                )
            )
    added = merged[merged["_merge"] == "right_only"]
    if len(added):
        side = added[[f"{c}_b" for c in values]].set_axis(values, axis=1)
        parts.append(
            pd.DataFrame(
                {
                    "key": added["_key"],
                    "column": "",
                    "old": "",
                    "new": _row_text(side, values),
                    "change": "added",
                    "_order": added["_order"],
                    "_col": -1,
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=INPUT_DIFF_COLUMNS)
    out = pd.concat(parts, ignore_index=True).sort_values(["_order", "_col"], kind="stable")
    return out.assign(table=name)[INPUT_DIFF_COLUMNS]


def _setting_text(value: Any) -> str:
    """A header setting as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value) if math.isfinite(float(value)) else str(value)
    if isinstance(value, list | tuple):
        return ", ".join(_setting_text(v) for v in value)
    return str(value)


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Dotted setting name -> text (nested mappings flattened)."""
    out: dict[str, str] = {}
    for k, v in data.items():
        name = f"{prefix}{k}"
        if isinstance(v, Mapping) and v:
            out.update(_flatten(v, name + "."))
        else:
            out[name] = _setting_text(v)
    return out


def _diff_header(old: Mapping[str, Any], new: Mapping[str, Any]) -> pd.DataFrame:
    """Header settings changed, added or removed (``table`` = ``header``)."""
    a, b = _flatten(old), _flatten(new)
    names = list(a) + [k for k in b if k not in a]
    rows = []
    for k in names:
        if k in a and k in b:
            if a[k] != b[k]:
                rows.append((HEADER_TABLE, "", k, a[k], b[k], "changed"))
        elif k in a:
            rows.append((HEADER_TABLE, "", k, a[k], "", "removed"))
        else:
            rows.append((HEADER_TABLE, "", k, "", b[k], "added"))
    return pd.DataFrame(rows, columns=INPUT_DIFF_COLUMNS)


def diff_inputs(a: RunLike, b: RunLike) -> pd.DataFrame:
    """Every difference between the inputs of two runs (A old, B new).

    Parameters
    ----------
    a, b
        Runs (see :func:`load_run`); scenarios work too.

    Returns
    -------
    pandas.DataFrame
        Columns ``table, key, column, old, new, change``: header settings first
        (``table`` = ``header``, ``column`` the dotted setting name), then each
        scenario table in canonical order. ``key`` is the row key in words (the
        id, or ``col=value, ...`` for composite keys). ``change`` is ``changed``
        (one row per cell), ``added`` or ``removed`` (one row per table row, the
        row's other non-empty cells in ``new`` or ``old``). All values are text as
        written in the scenario files.

    Examples
    --------
    >>> from forceplan.io.records import from_records
    >>> h = {"name": "t", "start_year": 2026, "periods": 1, "intensity": ["high"]}
    >>> row = {"stream": "x", "owner": "Ukraine", "period": 2026, "amount": 10}
    >>> s1 = from_records(h, {"budgets": [row]})
    >>> s2 = from_records(h, {"budgets": [{**row, "amount": 5}]})
    >>> diff_inputs(s1, s2).values.tolist()
    [['budgets', 'stream=x, period=2026', 'amount', '10', '5', 'changed']]
    """
    ra, rb = load_run(a), load_run(b)
    parts = [_diff_header(ra.header, rb.header)]
    for name, schema in schemas().items():
        empty = pd.DataFrame(columns=schema.column_names)
        parts.append(
            _diff_table(name, schema, ra.inputs.get(name, empty), rb.inputs.get(name, empty))
        )
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=INPUT_DIFF_COLUMNS, dtype=object)
    return pd.concat(parts, ignore_index=True).astype(object)


def describe_input_diff(diff: pd.DataFrame, limit: int | None = 30) -> list[str]:
    """The inputs diff in words, one line per difference (at most *limit*, then a count).

    Examples
    --------
    >>> d = pd.DataFrame([["budgets", "stream=x, period=2026", "amount", "10", "5", "changed"]],
    ...                  columns=INPUT_DIFF_COLUMNS)
    >>> describe_input_diff(d)
    ['budgets [stream=x, period=2026] amount: 10 -> 5']
    """
    lines = []
    rows = diff if limit is None else diff.head(limit)
    for table, key, column, old, new, change in rows[INPUT_DIFF_COLUMNS].itertuples(
        index=False, name=None
    ):
        where = f"{table} [{key}]" if key else str(table)
        if change == "changed":
            lines.append(f"{where} {column}: {old or '(empty)'} -> {new or '(empty)'}")
        elif change == "added":
            lines.append(f"{where} added" + (f" {column}" if column else "") + f": {new}")
        else:
            lines.append(f"{where} removed" + (f" {column}" if column else "") + f" (was: {old})")
    if limit is not None and len(diff) > limit:
        lines.append(f"... and {len(diff) - limit} more difference(s)")
    return lines


# --------------------------------------------------------------------------- outputs


def _figure(series: pd.Series, figure: str, unit: str | pd.Series) -> pd.DataFrame:
    """A Series indexed by (period, item) or (item,) as long-form figure rows."""
    frame = series.rename("value").reset_index()
    if "period" not in frame:
        frame["period"] = pd.NA
    frame = frame.rename(columns={c: "item" for c in frame.columns if c not in ("period", "value")})
    frame["figure"] = figure
    frame["unit"] = unit if isinstance(unit, str) else unit.reindex(frame["item"]).to_numpy()
    return frame[FIGURE_COLUMNS]


def _item_unit(run: RunRecord) -> pd.Series:
    """Unit of count of every item id (equipment: units; munitions: their unit)."""
    mun = run.inputs.get("munitions", pd.DataFrame(columns=["id", "unit"]))
    eq = run.inputs.get("equipment", pd.DataFrame(columns=["id"]))
    units = pd.concat(
        [
            pd.Series("units", index=eq["id"].to_numpy(), dtype=object),
            pd.Series(mun["unit"].replace("", "units").to_numpy(), index=mun["id"], dtype=object),
        ]
    )
    return units[~units.index.duplicated()]


def _contract_tables(run: RunRecord) -> dict[str, pd.DataFrame]:
    """The plan tables restricted to their contract columns (budgets: and the use columns).

    Extra columns a plan may carry (e.g. ``role`` in ``stock``) are dropped so that
    they never clash with the scenario columns joined in.
    """
    out = {}
    for name, columns in PLAN_TABLES.items():
        frame = run.tables[name]
        keep = (
            columns + [u for u in BUDGET_USES if u in frame.columns]
            if name == "budgets"
            else columns
        )
        out[name] = frame[keep]
    return out


def key_figures(run: RunLike) -> pd.DataFrame:
    """Key figures of one run per period, in long form.

    Figures (``item`` in brackets): ``stock by family`` (family) and ``stock by
    role`` (role) in units; ``capability``, ``capability floor`` and ``capability
    shortfall`` (role) in points; ``interoperability index``, ``interoperability
    target`` and ``interoperability shortfall`` (``force``) as an index (0-1);
    ``spending by stream`` and ``budget available by stream`` (stream), ``spending
    by use`` (use) and ``spending`` (``total``) in the scenario's currency;
    ``ammunition shortfall`` (munition) in the munition's unit; ``shortfall amount``
    (in the shortfall's unit) and ``shortfall count`` per constraint family (no
    period: whole horizon). Only the contract columns of the plan tables are used.

    Returns
    -------
    pandas.DataFrame
        Columns ``figure, item, period, unit, value``; empty when the run has no plan.
    """
    r = load_run(run)
    if not r.has_plan:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    t = _contract_tables(r)
    money = r.currency
    parts = []
    eq = r.inputs["equipment"][["id", "family", "role"]].drop_duplicates("id")
    stock = t["stock"].merge(eq, left_on="equipment", right_on="id", how="left")
    stock[["family", "role"]] = stock[["family", "role"]].fillna("unknown")
    for by in ("family", "role"):
        parts.append(
            _figure(stock.groupby(["period", by])["quantity"].sum(), f"stock by {by}", "units")
        )
    cap = t["capability"].set_index(["period", "role"])
    for col, fig in (
        ("capability", "capability"),
        ("floor", "capability floor"),
        ("shortfall", "capability shortfall"),
    ):
        parts.append(_figure(cap[col], fig, "points"))
    interop = t["interoperability"].assign(item="force").set_index(["period", "item"])
    parts.append(_figure(interop["index"], "interoperability index", "index"))
    parts.append(_figure(interop["target"], "interoperability target", "index"))
    parts.append(_figure(interop["shortfall"], "interoperability shortfall", "index"))
    budgets = t["budgets"]
    by_stream = budgets.groupby(["period", "stream"])
    parts.append(_figure(by_stream["spent"].sum(), "spending by stream", money))
    parts.append(_figure(by_stream["available"].sum(), "budget available by stream", money))
    uses = [u for u in BUDGET_USES if u in budgets.columns]
    if uses:
        by_use = budgets.melt(id_vars="period", value_vars=uses, var_name="use")
        parts.append(
            _figure(by_use.groupby(["period", "use"])["value"].sum(), "spending by use", money)
        )
    total = budgets.assign(item="total").groupby(["period", "item"])["spent"].sum()
    parts.append(_figure(total, "spending", money))
    ammo = t["ammunition"].groupby(["period", "munition"])["shortfall"].sum()
    parts.append(_figure(ammo, "ammunition shortfall", _item_unit(r)))
    short = t["shortfalls"]
    if len(short):
        grouped = short.groupby("constraint")
        parts.append(_figure(grouped["amount"].sum(), "shortfall amount", grouped["unit"].first()))
        parts.append(_figure(grouped["amount"].size().astype(float), "shortfall count", "count"))
    parts = [p for p in parts if len(p)]
    if not parts:  # a plan with nothing in it (e.g. an empty scenario)
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["period"] = out["period"].astype("Int64")
    out["value"] = out["value"].astype(float)
    out[["figure", "item", "unit"]] = out[["figure", "item", "unit"]].fillna("").astype(str)
    return out


ADDITIVE_FIGURES = frozenset(
    {
        "stock by family",
        "stock by role",
        "spending by stream",
        "budget available by stream",
        "spending by use",
        "spending",
        "ammunition shortfall",
        "capability shortfall",
        "interoperability shortfall",
        "shortfall amount",
        "shortfall count",
    }
)
"""Figures that are sums: a missing item in one run means 0 there."""


def _close(a: pd.Series, b: pd.Series) -> pd.Series:
    """Element-wise equality within :data:`TOLERANCE` (NaN equals NaN)."""
    scale = np.maximum(1.0, np.maximum(a.abs().fillna(0), b.abs().fillna(0)))
    return ((a - b).abs() <= TOLERANCE * scale) | (a.isna() & b.isna())


def diff_figures(a: RunLike, b: RunLike) -> pd.DataFrame:
    """Key figures of two runs side by side (see :func:`key_figures`).

    Returns
    -------
    pandas.DataFrame
        Columns ``figure, item, period, unit, a, b, difference, differs`` with
        ``difference`` = b - a; sums missing in one run count as 0 there.
    """
    fa, fb = key_figures(a), key_figures(b)
    on = ["figure", "item", "period"]
    merged = fa.merge(fb, on=on, how="outer", suffixes=("_a", "_b"), sort=False)
    merged["unit"] = merged["unit_a"].fillna(merged["unit_b"])
    additive = merged["figure"].isin(ADDITIVE_FIGURES)
    va, vb = merged["value_a"].astype(float), merged["value_b"].astype(float)
    merged["a"] = va.where(~(additive & va.isna()), 0.0)
    merged["b"] = vb.where(~(additive & vb.isna()), 0.0)
    merged["difference"] = merged["b"] - merged["a"]
    merged["differs"] = ~_close(merged["a"], merged["b"])
    order = {f: i for i, f in enumerate(pd.unique(pd.concat([fa["figure"], fb["figure"]])))}
    merged["_fig"] = merged["figure"].map(order)
    merged = merged.sort_values(["_fig", "item", "period"], kind="stable", na_position="first")
    return merged[FIGURE_DIFF_COLUMNS].reset_index(drop=True)


def decisions(run: RunLike) -> pd.DataFrame:
    """The decisions of one run, in long form (only non-zero quantities).

    ``decision`` is ``delivery`` (item ``equipment from source``, period of
    delivery), ``ammunition supply`` (``munition from supplier``), ``upgrade``
    (``from to to``, period started), ``line expansion`` (line, period ordered) or
    ``retirement`` (equipment).

    Returns
    -------
    pandas.DataFrame
        Columns ``decision, item, period, quantity, unit``.
    """
    r = load_run(run)
    if not r.has_plan:
        return pd.DataFrame(columns=DECISION_COLUMNS)
    t = _contract_tables(r)
    units = _item_unit(r)
    dl = t["deliveries"]
    am = t["ammunition_supply"]
    up = t["upgrades"]
    ln = t["lines"]
    rt = t["retirements"]
    parts = [
        pd.DataFrame(
            {
                "decision": "delivery",
                "item": dl["equipment"] + " from " + dl["source"],
                "period": dl["period_delivered"],
                "quantity": dl["quantity"],
                "unit": dl["equipment"].map(units).fillna("units"),
            }
        ),
        pd.DataFrame(
            {
                "decision": "ammunition supply",
                "item": am["munition"] + " from " + am["supplier"],
                "period": am["period"],
                "quantity": am["quantity"],
                "unit": am["munition"].map(units).fillna("units"),
            }
        ),
        pd.DataFrame(
            {
                "decision": "upgrade",
                "item": up["from_equipment"] + " to " + up["to_equipment"],
                "period": up["period_started"],
                "quantity": up["quantity"],
                "unit": "units",
            }
        ),
        pd.DataFrame(
            {
                "decision": "line expansion",
                "item": ln["line"],
                "period": ln["period"],
                "quantity": ln["expansions_ordered"],
                "unit": "expansions",
            }
        ),
        pd.DataFrame(
            {
                "decision": "retirement",
                "item": rt["equipment"],
                "period": rt["period"],
                "quantity": rt["quantity"],
                "unit": "units",
            }
        ),
    ]
    out = pd.concat([p for p in parts if len(p)] or [parts[0]], ignore_index=True)
    out["quantity"] = out["quantity"].astype(float)
    out = out[out["quantity"].abs() > TOLERANCE]
    out = (
        out.groupby(["decision", "item", "period", "unit"], sort=False)["quantity"]
        .sum()
        .reset_index()
    )
    out["period"] = out["period"].astype("int64")
    return out[DECISION_COLUMNS].reset_index(drop=True)


def _periods_text(periods: pd.Series) -> str:
    return ", ".join(str(p) for p in sorted(set(periods.tolist())))


def diff_decisions(a: RunLike, b: RunLike) -> pd.DataFrame:
    """Decisions that appear in one plan only or with other quantities or periods.

    Returns
    -------
    pandas.DataFrame
        Columns ``decision, item, change, quantity_a, quantity_b, periods_a,
        periods_b, unit``; quantities summed over the horizon, periods listed as
        text. ``change`` is ``removed`` (only in A), ``added`` (only in B) or
        ``changed``; identical decisions are left out.
    """
    da, db = decisions(a), decisions(b)

    def per_item(frame: pd.DataFrame) -> pd.DataFrame:
        g = frame.groupby(["decision", "item"], sort=False)
        return pd.DataFrame(
            {
                "quantity": g["quantity"].sum(),
                "periods": g["period"].agg(_periods_text),
                "unit": g["unit"].first(),
            }
        ).reset_index()

    if da.empty and db.empty:
        return pd.DataFrame(columns=DECISION_DIFF_COLUMNS)
    pa, pb = per_item(da), per_item(db)
    m = pa.merge(pb, on=["decision", "item"], how="outer", suffixes=("_a", "_b"), indicator=True)
    m["unit"] = m["unit_a"].fillna(m["unit_b"])
    m["change"] = m["_merge"].map(
        {"left_only": "removed", "right_only": "added", "both": "changed"}
    )
    m["quantity_a"] = m["quantity_a"].fillna(0.0)
    m["quantity_b"] = m["quantity_b"].fillna(0.0)
    m[["periods_a", "periods_b"]] = m[["periods_a", "periods_b"]].fillna("")
    # the same decision only if every period's quantity matches (a shift in time is a change)
    keys = ["decision", "item", "period"]
    per_period = (
        da.groupby(keys)["quantity"]
        .sum()
        .to_frame("a")
        .join(db.groupby(keys)["quantity"].sum().to_frame("b"), how="outer")
        .fillna(0.0)
    )
    differs = (~_close(per_period["a"], per_period["b"])).groupby(level=["decision", "item"]).any()
    moved = differs.reindex(pd.MultiIndex.from_frame(m[["decision", "item"]])).fillna(False)
    same = (m["change"] == "changed").to_numpy() & ~moved.to_numpy(dtype=bool)
    m = m[~same]
    kinds = ["delivery", "ammunition supply", "upgrade", "line expansion", "retirement"]
    m = m.assign(
        _k=m["decision"].map({k: i for i, k in enumerate(kinds)}),
        _c=m["change"].map({"removed": 0, "added": 1, "changed": 2}),
    ).sort_values(["_c", "_k", "item"], kind="stable")
    return m[DECISION_DIFF_COLUMNS].astype({"change": str}).reset_index(drop=True)


CHANGE_COLUMNS = [
    "action",
    "item",
    "from",
    "value_a",
    "value_b",
    "difference",
    "moved",
    "quantity_a",
    "quantity_b",
    "periods_a",
    "periods_b",
    "unit",
    "reshuffle",
]
"""Columns of :func:`decision_changes` (``decision_changes.csv``)."""


def _valued_decisions(r: RunRecord) -> pd.DataFrame:
    """The run's decisions (:func:`forceplan.results.decisions.decision_table`) with a value.

    ``value`` is the decision's cost where it has one, else its quantity at the
    item's unit cost (a donation is worth what buying it would cost); arrivals
    of earlier orders (``receive``) are left out, they are the orders again.
    """
    from forceplan.results.decisions import decision_table

    d = decision_table(r.tables, r.inputs, r.currency)
    d = d[d["action"] != "receive"]
    prices: dict[str, float] = {}
    for table in ("equipment", "munitions"):
        frame = r.inputs.get(table)
        if frame is not None and "unit_cost" in frame:
            cost = pd.to_numeric(frame["unit_cost"], errors="coerce").fillna(0.0)
            prices.update(zip(frame["id"].astype(str), cost, strict=True))
    unit_value = d["item_id"].map(prices).fillna(0.0) * d["quantity"].astype(float)
    cost = d["cost"].astype(float)
    return d.assign(value=cost.where(cost.fillna(0) > 0, unit_value))


def decision_changes(a: RunLike, b: RunLike) -> pd.DataFrame:
    """Decisions that differ between two plans, largest change in value first.

    A decision is one action on one item from one supplier (``order 155 mm
    shells from the Rheinmetall line``); it differs when its quantity in any
    period differs. Changes that only move an item between interchangeable
    suppliers (the item's total per action and period is the same in both
    plans) are flagged ``reshuffle``: they leave the totals unchanged.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CHANGE_COLUMNS`: values (the scenario's currency) summed
        over the horizon, ``difference`` = B - A, ``moved`` = the sum over periods
        of the absolute change in value (a decision moved in time moves value
        without changing its total); sorted by ``moved``, largest first.
    """
    ra, rb = load_run(a), load_run(b)
    da, db = _valued_decisions(ra), _valued_decisions(rb)
    key = ["action", "item_id", "from_id"]
    if da.empty and db.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    per_period = (
        da.groupby([*key, "period"])[["quantity", "value"]]
        .sum()
        .merge(
            db.groupby([*key, "period"])[["quantity", "value"]].sum(),
            left_index=True,
            right_index=True,
            how="outer",
            suffixes=("_a", "_b"),
        )
        .fillna(0.0)
    )
    differs = ~_close(per_period["quantity_a"], per_period["quantity_b"])
    changed_keys = differs.groupby(level=key).any()
    changed_keys = changed_keys[changed_keys]
    if changed_keys.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    # reshuffles: the item's total per action and period is the same in both plans
    totals = per_period.groupby(level=["action", "item_id", "period"])[
        ["quantity_a", "quantity_b"]
    ].sum()
    same_total = (
        _close(totals["quantity_a"], totals["quantity_b"])
        .groupby(level=["action", "item_id"])
        .all()
    )
    moved = (per_period["value_b"] - per_period["value_a"]).abs().groupby(level=key).sum()
    both = pd.concat([da, db], ignore_index=True).drop_duplicates(key)
    labels = both.set_index(key)[["item", "from", "unit"]]

    def periods(frame: pd.DataFrame) -> pd.Series:
        return frame.groupby(key)["period"].agg(_periods_text)

    out = pd.DataFrame(index=changed_keys.index)
    for side, frame in (("a", da), ("b", db)):
        g = frame.groupby(key)
        out[f"value_{side}"] = g["value"].sum().reindex(out.index).fillna(0.0)
        out[f"quantity_{side}"] = g["quantity"].sum().reindex(out.index).fillna(0.0)
        out[f"periods_{side}"] = periods(frame).reindex(out.index).fillna("")
    out["difference"] = out["value_b"] - out["value_a"]
    out["moved"] = moved.reindex(out.index).fillna(0.0)
    out = out.join(labels)
    pairs = pd.MultiIndex.from_arrays(
        [out.index.get_level_values("action"), out.index.get_level_values("item_id")]
    )
    out["reshuffle"] = same_total.reindex(pairs).fillna(False).to_numpy(dtype=bool)
    out = out.reset_index().sort_values(["moved", "action", "item"], ascending=[False, True, True])
    return out[CHANGE_COLUMNS].reset_index(drop=True)


def describe_decision_changes(
    changes: pd.DataFrame, currency: str, limit: int | None = 10
) -> list[str]:
    """The decisions that changed most by value, in words; reshuffles summarised in one line."""
    real = changes[~changes["reshuffle"].astype(bool)]
    lines = []
    shown = real if limit is None else real.head(limit)
    for rec in shown.to_dict("records"):
        frm = f" from {rec['from']}" if rec["from"] else ""
        qty = f"{_num(rec['quantity_a'])} -> {_num(rec['quantity_b'])} {rec['unit']}"
        pa, pb = str(rec["periods_a"]), str(rec["periods_b"])
        when = f" ({pa or '-'} -> {pb or '-'})" if pa != pb else f" ({pa})"
        lines.append(
            f"{rec['action']} {rec['item']}{frm}: {qty}{when}; value {_num(rec['value_a'])} -> "
            f"{_num(rec['value_b'])} {currency}"
        )
    if limit is not None and len(real) > limit:
        lines.append(
            f"... and {len(real) - limit} more changed decision(s) in decision_changes.csv"
        )
    reshuffled = changes[changes["reshuffle"].astype(bool)]
    if len(reshuffled):
        items = reshuffled.drop_duplicates(["action", "item"])
        sample = ", ".join(f"{a} {i}" for a, i in items[["action", "item"]].head(3).to_numpy())
        lines.append(
            f"{len(reshuffled)} change(s) only move {len(items)} item(s) between interchangeable "
            f"suppliers, totals unchanged ({sample}{', ...' if len(items) > 3 else ''}); not "
            "listed, see decision_changes.csv"
        )
    return lines


def summary_fields(run: RunLike) -> dict[str, Any]:
    """Headline facts of a run: scenario, status, objective parts, gap, shortfalls, index."""
    r = load_run(run)
    s = r.summary
    out: dict[str, Any] = {
        "scenario": r.scenario_name,
        "scenario hash": (s.get("scenario") or {}).get("hash"),
        "status": r.status,
        "gap": s.get("gap"),
    }
    for part, value in (s.get("objective") or {}).items():
        out[f"objective: {part}"] = value
    out["shortfalls"] = (s.get("shortfalls") or {}).get("count")
    if r.has_plan:
        interop = r.tables["interoperability"].sort_values("period")
        if len(interop):
            out["interoperability index, first period"] = float(interop["index"].iloc[0])
            out["interoperability index, last period"] = float(interop["index"].iloc[-1])
        out[f"spending ({r.currency})"] = float(r.tables["budgets"]["spent"].sum())
        from forceplan.results.costs import cost_totals

        out[f"unfunded operating cost ({r.currency})"] = cost_totals(r.tables)["unfunded"]
    return out


def _same(x: Any, y: Any) -> bool:
    if isinstance(x, int | float) and isinstance(y, int | float):
        return bool(abs(x - y) <= TOLERANCE * max(1.0, abs(x), abs(y)))
    return bool(x == y)


def diff_summary(a: RunLike, b: RunLike) -> pd.DataFrame:
    """The summary figures of two runs side by side (columns ``field, a, b, same``)."""
    sa, sb = summary_fields(a), summary_fields(b)
    names = list(sa) + [k for k in sb if k not in sa]
    rows = [(k, sa.get(k), sb.get(k), _same(sa.get(k), sb.get(k))) for k in names]
    return pd.DataFrame(rows, columns=SUMMARY_DIFF_COLUMNS).astype({"a": object, "b": object})


@dataclass
class OutputsDiff:
    """What differs between two plans.

    Attributes
    ----------
    figures
        Key figures side by side (:func:`diff_figures`).
    decisions
        Decisions in one plan only or with other quantities (:func:`diff_decisions`).
    summary
        Status, objective parts and headline figures (:func:`diff_summary`).
    changes
        Decisions that changed, largest change in value first (:func:`decision_changes`).
    """

    figures: pd.DataFrame
    decisions: pd.DataFrame
    summary: pd.DataFrame
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))


def diff_outputs(a: RunLike, b: RunLike) -> OutputsDiff:
    """Compare the plans of two runs: key figures, one-sided decisions, summary.

    Raises
    ------
    CompareError
        When a run holds no plan.
    """
    ra, rb = load_run(a), load_run(b)
    for r in (ra, rb):
        if not r.has_plan:
            raise CompareError(
                f"run {r.name} holds no plan, so there are no outputs to compare. "
                "Fix: compare run folders written by `forceplan plan` (or solved Plans)."
            )
    return OutputsDiff(
        diff_figures(ra, rb), diff_decisions(ra, rb), diff_summary(ra, rb), decision_changes(ra, rb)
    )


def _num(value: Any) -> str:
    """A figure in words: thousands separated, about four significant digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, str) and value.startswith("sha256:"):
        return value[:19] + "..."
    if isinstance(value, int | float | np.floating | np.integer):
        x = float(value)
        if abs(x) < 5e-7:
            return "0"
        if abs(x) >= 1000:
            return f"{x:,.0f}"
        return f"{x:.4g}"
    return str(value)


def describe_summary(diff: pd.DataFrame) -> list[str]:
    """Summary fields that differ, in words (``field: a -> b``)."""
    rows = diff[~diff["same"]]
    return [
        f"{f}: {_num(x)} -> {_num(y)}"
        for f, x, y in rows[["field", "a", "b"]].itertuples(index=False, name=None)
    ]


INPUT_FIGURES = frozenset(
    {"budget available by stream", "capability floor", "interoperability target"}
)
"""Figures that echo inputs (already in the inputs diff): not repeated in words."""


def _change_text(x: Any, y: Any) -> str:
    """``x -> y`` with enough digits to tell the two apart."""
    a, b = _num(x), _num(y)
    if a == b and isinstance(x, float) and isinstance(y, float):
        a, b = f"{x:,.3f}", f"{y:,.3f}"
    return f"{a} -> {b}"


def describe_figures(
    diff: pd.DataFrame, limit: int | None = 30, per_line: int = 6, inputs: bool = False
) -> list[str]:
    """Key figures that differ, one line per figure and item with the periods that differ.

    Figures that echo inputs (:data:`INPUT_FIGURES`) are left out unless *inputs*.
    """
    rows = diff[diff["differs"]]
    if not inputs:
        rows = rows[~rows["figure"].isin(INPUT_FIGURES)]
    lines = []
    for (figure, item, unit), g in rows.groupby(["figure", "item", "unit"], sort=False):
        cells = [
            (f"{p}: " if pd.notna(p) else "") + _change_text(x, y)
            for p, x, y in g[["period", "a", "b"]].itertuples(index=False, name=None)
        ]
        more = f"; ... ({len(cells) - per_line} more periods)" if len(cells) > per_line else ""
        label = f"{figure} {item}" if item not in ("", "force", "total") else str(figure)
        lines.append(f"{label} ({unit}): " + "; ".join(cells[:per_line]) + more)
    if limit is not None and len(lines) > limit:
        return [*lines[:limit], f"... and {len(lines) - limit} more figure(s) differ"]
    return lines


def describe_decisions(
    diff: pd.DataFrame, name_a: str = "A", name_b: str = "B", limit: int | None = 30
) -> list[str]:
    """Decisions in one plan only (and then those with other quantities), in words."""
    lines = []
    for decision, item, change, qa, qb, pa, pb, unit in diff[DECISION_DIFF_COLUMNS].itertuples(
        index=False, name=None
    ):
        if change == "removed":
            lines.append(f"only in {name_a}: {decision} {item}: {_num(qa)} {unit} ({pa})")
        elif change == "added":
            lines.append(f"only in {name_b}: {decision} {item}: {_num(qb)} {unit} ({pb})")
        else:
            lines.append(
                f"in both, different: {decision} {item}: {_num(qa)} {unit} ({pa}) -> "
                f"{_num(qb)} {unit} ({pb})"
            )
    if limit is not None and len(lines) > limit:
        return [*lines[:limit], f"... and {len(lines) - limit} more decision(s) differ"]
    return lines


# --------------------------------------------------------------------------- comparison


@dataclass
class Comparison:
    """Everything that differs between run A and run B.

    Attributes
    ----------
    a, b
        The runs compared (A the reference).
    inputs
        :func:`diff_inputs` of the two.
    outputs
        :func:`diff_outputs` of the two, ``None`` when a run holds no plan.
    """

    a: RunRecord
    b: RunRecord
    inputs: pd.DataFrame
    outputs: OutputsDiff | None = None

    FILES = (
        "inputs_diff.csv",
        "outputs_diff.csv",
        "decisions_diff.csv",
        "summary_diff.csv",
        "decision_changes.csv",
    )
    """Files :meth:`write_tables` writes."""

    def write_tables(self, folder: Path | str) -> list[Path]:
        """Write the diff tables as CSV files into an existing *folder*.

        ``inputs_diff.csv``, ``outputs_diff.csv`` (key figures side by side),
        ``decisions_diff.csv`` and ``summary_diff.csv``; the last three are empty
        (header only) when a run holds no plan.
        """
        folder = Path(folder)
        outputs = self.outputs
        frames = {
            "inputs_diff.csv": self.inputs,
            "outputs_diff.csv": (
                outputs.figures if outputs else pd.DataFrame(columns=FIGURE_DIFF_COLUMNS)
            ),
            "decisions_diff.csv": (
                outputs.decisions if outputs else pd.DataFrame(columns=DECISION_DIFF_COLUMNS)
            ),
            "summary_diff.csv": (
                outputs.summary if outputs else pd.DataFrame(columns=SUMMARY_DIFF_COLUMNS)
            ),
            "decision_changes.csv": (
                outputs.changes if outputs else pd.DataFrame(columns=CHANGE_COLUMNS)
            ),
        }
        paths = []
        for name, frame in frames.items():
            path = folder / name
            frame.to_csv(path, index=False, lineterminator="\n")
            paths.append(path)
        return paths

    def outcome(self) -> list[str]:
        """What changed in the outcome: shortfalls, capability, interoperability, cost."""
        if self.outputs is None:
            return []
        fig = self.outputs.figures
        sa = summary_fields(self.a)
        sb = summary_fields(self.b)
        money = self.a.currency
        lines = []
        na, nb = sa.get("shortfalls") or 0, sb.get("shortfalls") or 0
        amounts = fig[(fig["figure"] == "shortfall amount") & fig["differs"]]
        detail = "; ".join(
            f"{item}: {_num(x)} -> {_num(y)} {unit}"
            for item, x, y, unit in amounts[["item", "a", "b", "unit"]].itertuples(
                index=False, name=None
            )
        )
        lines.append(
            f"shortfalls: {_num(na)} -> {_num(nb)}" + (f" ({detail})" if detail else "")
            if na != nb or detail
            else f"shortfalls: the same ({_num(na)})"
        )
        short = fig[(fig["figure"] == "capability shortfall") & fig["differs"]]
        for (role,), g in short.groupby(["item"], sort=False):
            cells = "; ".join(
                f"{int(p)}: {_num(x)} -> {_num(y)}"
                for p, x, y in g[["period", "a", "b"]].head(6).itertuples(index=False, name=None)
            )
            lines.append(f"capability shortfall {role} (points): {cells}")
        cap = fig[(fig["figure"] == "capability") & fig["differs"]]
        if len(cap):
            worst = cap.assign(d=cap["difference"].abs()).sort_values("d", ascending=False)
            roles = list(dict.fromkeys(worst["item"]))
            top = worst.drop_duplicates("item").head(4)
            cells = "; ".join(
                f"{item} {int(p)}: {_num(x)} -> {_num(y)}"
                for item, p, x, y in top[["item", "period", "a", "b"]].itertuples(
                    index=False, name=None
                )
            )
            lines.append(
                f"capability differs in {len(roles)} role(s) (points; largest change per role): "
                + cells
            )
        else:
            lines.append("capability: the same in every role and period")
        ia0 = sa.get("interoperability index, first period")
        ib0 = sb.get("interoperability index, first period")
        ia1 = sa.get("interoperability index, last period")
        ib1 = sb.get("interoperability index, last period")
        if ia0 is not None and ib0 is not None:
            lines.append(
                f"interoperability index: first period {_num(ia0)} -> {_num(ib0)}, last period "
                f"{_num(ia1)} -> {_num(ib1)}"
            )
        key = f"spending ({money})"
        ca, cb = sa.get(key), sb.get(key)
        if ca is not None and cb is not None:
            diff = float(cb) - float(ca)
            lines.append(
                f"cost ({money}): {_num(ca)} -> {_num(cb)}"
                + (f" ({'+' if diff > 0 else ''}{_num(diff)})" if not _same(ca, cb) else "")
            )
        return lines

    def _figure_lines(self, limit: int) -> list[str]:
        """Key figures that differ; stream reshuffles with unchanged totals summarised."""
        assert self.outputs is not None
        fig = self.outputs.figures
        totals = fig[fig["figure"] == "spending"].set_index("period")["differs"]
        streams = fig["figure"] == "spending by stream"
        reshuffled = streams & fig["differs"] & ~fig["period"].map(totals).fillna(True).astype(bool)
        lines = describe_figures(fig[~reshuffled], limit)
        if reshuffled.any():
            periods = _periods_text(fig.loc[reshuffled, "period"])
            n = fig.loc[reshuffled, "item"].nunique()
            lines.append(
                f"spending moves between {n} funding streams in {periods} with the same totals "
                "(interchangeable streams; not listed, see outputs_diff.csv)"
            )
        return lines

    def describe(self, limit: int = 30) -> list[str]:
        """The comparison in words: outcome first, then decisions by value, then the inputs."""
        a, b = self.a.name, self.b.name
        lines = [f"Comparing {a} (A) with {b} (B)."]
        n = len(self.inputs)
        inputs = [
            f"Inputs: {n} difference(s)." if n else "Inputs: the scenarios are identical.",
            *("  " + s for s in describe_input_diff(self.inputs, limit)),
        ]
        if self.outputs is None:
            lines.append("Outputs: not compared (a run holds no plan).")
            return lines + inputs
        lines.append("Outcome (A -> B):")
        lines += ["  " + s for s in self.outcome()]
        changes = describe_decision_changes(self.outputs.changes, self.a.currency, min(limit, 10))
        lines.append(
            "Decisions that changed most by value (A -> B):"
            if changes
            else "Decisions: the same in both plans."
        )
        lines += ["  " + s for s in changes]
        summary = describe_summary(self.outputs.summary)
        lines.append("Summary (A -> B):" if summary else "Summary: the same.")
        lines += ["  " + s for s in summary]
        figures = self._figure_lines(limit)
        lines.append(
            "Key figures that differ (A -> B, by period):"
            if figures
            else "Key figures: the same in every period."
        )
        lines += ["  " + s for s in figures]
        dec = self.outputs.decisions
        one_sided = dec[dec["change"] != "changed"]
        lines.append(
            f"Decisions in one plan only: {len(one_sided)}."
            if len(one_sided)
            else "Decisions in one plan only: none."
        )
        lines += ["  " + s for s in describe_decisions(one_sided, a, b, limit)]
        changed = len(dec) - len(one_sided)
        if changed:
            lines.append(
                f"Decisions in both plans with other quantities or periods: {changed} "
                "(see decisions_diff.csv)."
            )
        return lines + inputs


def compare(a: RunLike, b: RunLike) -> Comparison:
    """Compare two runs: inputs always, outputs when both hold a plan.

    Run labels are made distinct (``A:``/``B:`` prefixes) when both are the same.
    """
    ra, rb = load_run(a), load_run(b)
    if ra.name == rb.name:
        ra, rb = load_run(ra, f"A:{ra.name}"), load_run(rb, f"B:{rb.name}")
    outputs = diff_outputs(ra, rb) if ra.has_plan and rb.has_plan else None
    return Comparison(ra, rb, diff_inputs(ra, rb), outputs)


# --------------------------------------------------------------------------- collection


class PlanCollection:
    """Several runs with the same tables indexed by run.

    Parameters
    ----------
    runs
        Run folders, RunFolders, Plans or Scenarios (labelled by folder or
        scenario name, made unique with ``-2``, ``-3``, ...), or a mapping
        label -> run.

    Examples
    --------
    >>> pc = PlanCollection({"base": "runs/base", "half": "runs/half"})  # doctest: +SKIP
    >>> pc.runs  # doctest: +SKIP
    ['base', 'half']
    >>> pc.table("capability")  # run, period, role, capability, floor, shortfall  # doctest: +SKIP
    >>> pc.summary()  # doctest: +SKIP
    >>> pc.diff_outputs("base", "half").decisions  # doctest: +SKIP
    """

    def __init__(self, runs: Mapping[str, RunLike] | Iterable[RunLike] = ()):
        self.records: dict[str, RunRecord] = {}
        items = runs.items() if isinstance(runs, Mapping) else ((None, r) for r in runs)
        for name, run in items:
            self.add(run, name)

    def add(self, run: RunLike, name: str | None = None) -> str:
        """Add a run; returns its label (made unique when taken)."""
        record = load_run(run, name)
        label, n = record.name, 1
        while label in self.records:
            n += 1
            label = f"{record.name}-{n}"
        self.records[label] = load_run(record, label)
        return label

    @property
    def runs(self) -> list[str]:
        """Labels of the runs, in the order added."""
        return list(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[str]:
        return iter(self.records)

    def __contains__(self, name: object) -> bool:
        return name in self.records

    def __getitem__(self, name: str) -> RunRecord:
        try:
            return self.records[name]
        except KeyError:
            raise CompareError(
                f"no run called {name!r} in the collection; runs: {', '.join(self.runs)}"
            ) from None

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name in PLAN_TABLES:
            return self.table(name)
        raise AttributeError(name)

    @staticmethod
    def _stack(frames: Mapping[str, pd.DataFrame | None]) -> pd.DataFrame:
        """Frames keyed by run as one frame with a leading ``run`` column."""
        present = {k: v for k, v in frames.items() if v is not None}
        if not present:
            return pd.DataFrame(columns=["run"])
        out = pd.concat(present, names=["run", None]).reset_index(level=0)
        return out.reset_index(drop=True)

    def table(self, name: str) -> pd.DataFrame:
        """One plan table of every run that has a plan, with a leading ``run`` column.

        ``set_index(["run", ...])`` gives a MultiIndex when one is wanted.
        """
        if name not in PLAN_TABLES:
            raise CompareError(
                f"{name!r} is not a plan table; plan tables: {', '.join(PLAN_TABLES)}"
            )
        return self._stack({k: r.tables.get(name) for k, r in self.records.items()})

    def inputs(self, name: str) -> pd.DataFrame:
        """One scenario table (as text) of every run, with a leading ``run`` column."""
        if name not in schemas():
            raise CompareError(f"{name!r} is not a scenario table; tables: {', '.join(schemas())}")
        return self._stack({k: r.inputs.get(name) for k, r in self.records.items()})

    def figures(self) -> pd.DataFrame:
        """Key figures (:func:`key_figures`) of every run, with a leading ``run`` column."""
        return self._stack({k: key_figures(r) for k, r in self.records.items()})

    def decisions(self) -> pd.DataFrame:
        """Decisions (:func:`decisions`) of every run, with a leading ``run`` column."""
        return self._stack({k: decisions(r) for k, r in self.records.items()})

    def summary(self) -> pd.DataFrame:
        """One row per run (index ``run``): scenario, status, objective parts, gap, ..."""
        rows = {k: summary_fields(r) for k, r in self.records.items()}
        return pd.DataFrame.from_dict(rows, orient="index").rename_axis("run")

    def diff_inputs(self, a: str, b: str) -> pd.DataFrame:
        """:func:`diff_inputs` of runs *a* and *b* of the collection."""
        return diff_inputs(self[a], self[b])

    def diff_outputs(self, a: str, b: str) -> OutputsDiff:
        """:func:`diff_outputs` of runs *a* and *b* of the collection."""
        return diff_outputs(self[a], self[b])

    def compare(self, a: str, b: str) -> Comparison:
        """:func:`compare` of runs *a* and *b* of the collection."""
        return compare(self[a], self[b])
