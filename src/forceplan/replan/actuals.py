"""Actuals: the real end of a period given as tables, read into a :class:`State`.

A folder of CSV files (docs/replan.md):

``stock.csv`` (required)
    equipment, quantity: units in service (and in reserve) at the end of the period.
    Types not listed keep the plan's end-of-period stock.
``deliveries.csv`` (optional)
    source, period_ordered, quantity, period_expected: orders of the run's sources (or
    output of its lines);
    received this period when period_expected is empty or not after the period (they
    start a new service life), otherwise still on their way (fixed arrivals then).
``losses.csv`` (optional)
    equipment, quantity: units lost in the period (reported beside the planned losses).
``munitions.csv`` (optional)
    munition, stock: rounds held at the end of the period (default: the plan's closing).

Every problem is reported at once, with file, row and column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from forceplan.domain.scenario import Scenario
from forceplan.exceptions import ScenarioError
from forceplan.replan.state import State
from forceplan.validate.problems import Problem

FILES: dict[str, tuple[list[str], bool]] = {
    "stock.csv": (["equipment", "quantity"], True),
    "deliveries.csv": (["source", "period_ordered", "quantity", "period_expected"], False),
    "losses.csv": (["equipment", "quantity"], False),
    "munitions.csv": (["munition", "stock"], False),
}


def _problem(file: str, row: int | None, column: str | None, message: str, fix: str) -> Problem:
    return Problem(
        severity="error",
        rule="actuals",
        message=message,
        fix=fix,
        file=file,
        row=row,
        column=column,
    )


def read_actuals(folder: Path | str, scenario: Scenario, plan: dict[str, pd.DataFrame]) -> State:
    """The state at the end of the run's first period from the actuals in *folder*.

    Raises
    ------
    ScenarioError
        Every problem of the actuals (missing file or column, unknown id, bad number).
    """
    folder = Path(folder)
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    if not folder.is_dir():
        raise ScenarioError(
            [
                _problem(
                    str(folder),
                    None,
                    None,
                    "the actuals folder does not exist.",
                    "give a folder holding stock.csv (and optionally deliveries.csv, "
                    "losses.csv, munitions.csv).",
                )
            ]
        )
    for name, (cols, required) in FILES.items():
        path = folder / name
        if not path.is_file():
            if required:
                problems.append(
                    _problem(
                        name,
                        None,
                        None,
                        f"{name} is missing.",
                        f"add {name} with the columns {', '.join(cols)}.",
                    )
                )
            continue
        try:
            f = pd.read_csv(path, dtype=str, keep_default_na=False)
        except (OSError, ValueError, pd.errors.ParserError) as exc:
            problems.append(
                _problem(
                    name,
                    None,
                    None,
                    f"{name} cannot be read ({exc}).",
                    "save it as a comma-separated UTF-8 file.",
                )
            )
            continue
        missing = [c for c in cols if c not in f.columns and c != "period_expected"]
        for c in missing:
            problems.append(
                _problem(
                    name,
                    1,
                    c,
                    f"column {c} is missing.",
                    f"add a column {c} (columns: {', '.join(cols)}).",
                )
            )
        if not missing:
            frames[name] = f
    t0 = scenario.periods[0]
    ids = {
        "equipment": set(scenario.equipment["id"]),
        "source": set(scenario.sources["id"]) | set(scenario.lines["id"]),
        "munition": set(scenario.munitions["id"]),
    }
    numbers: dict[str, dict[str, pd.Series]] = {}
    for name, f in frames.items():
        numbers[name] = {}
        for col in f.columns:
            if col in ids:
                bad = ~f[col].isin(ids[col])
                for i in np.flatnonzero(bad.to_numpy()):
                    problems.append(
                        _problem(
                            name,
                            int(i) + 2,
                            col,
                            f"'{f[col].iloc[i]}' is not a known {col} id of the run's scenario.",
                            f"use one of the ids in the scenario's {col} table.",
                        )
                    )
            elif col in ("quantity", "stock", "period_ordered", "period_expected"):
                v = pd.to_numeric(f[col].replace("", np.nan), errors="coerce")
                blank_ok = col == "period_expected"
                bad = (v.isna() & ~(blank_ok & (f[col] == ""))) | (v < 0)
                for i in np.flatnonzero(bad.to_numpy()):
                    problems.append(
                        _problem(
                            name,
                            int(i) + 2,
                            col,
                            f"'{f[col].iloc[i]}' is not a number of at least 0.",
                            "enter a number (periods as years, e.g. 2026).",
                        )
                    )
                numbers[name][col] = v
    if problems:
        raise ScenarioError(problems)
    eq = scenario.equipment["id"]
    planned = plan["stock"][plan["stock"]["period"] == t0].set_index("equipment")["quantity"]
    res = plan.get("reserve")
    if res is not None and len(res):
        held = res[res["period"] == t0].set_index("equipment")["in_reserve"]
        planned = planned.add(held, fill_value=0.0)
    stock = planned.reindex(eq, fill_value=0.0).astype(float)
    s = frames["stock.csv"]
    given = (
        pd.Series(numbers["stock.csv"]["quantity"].to_numpy(), index=s["equipment"])
        .groupby(level=0)
        .sum()
    )
    stock.loc[given.index] = given.to_numpy()
    arrived = pd.Series(0.0, index=eq)
    transit = pd.DataFrame(columns=["item", "origin", "arrival", "quantity"])
    if "deliveries.csv" in frames:
        d = frames["deliveries.csv"]
        q = numbers["deliveries.csv"]["quantity"]
        exp = numbers["deliveries.csv"].get("period_expected", pd.Series(np.nan, index=d.index))
        items = pd.concat(
            [
                scenario.sources.set_index("id")["item"],
                scenario.lines.set_index("id")["product"],
            ]
        )
        item = d["source"].map(items)
        got = exp.isna() | (exp <= t0)
        arr = q[got].groupby(item[got]).sum()
        arrived = arrived.add(arr[arr.index.isin(eq)], fill_value=0.0).reindex(eq, fill_value=0.0)
        transit = pd.DataFrame(
            {
                "item": item[~got],
                "origin": d["source"][~got],
                "arrival": exp[~got].astype(int),
                "quantity": q[~got],
            }
        ).reset_index(drop=True)
    losses = pd.Series(dtype=float)
    if "losses.csv" in frames:
        f = frames["losses.csv"]
        losses = (
            pd.Series(numbers["losses.csv"]["quantity"].to_numpy(), index=f["equipment"])
            .groupby(level=0)
            .sum()
        )
    am = plan["ammunition"]
    mun = am[am["period"] == t0].set_index("munition")["closing"].reindex(scenario.munitions["id"])
    mun = mun.fillna(
        pd.Series(scenario.munitions["stock"].to_numpy(), index=scenario.munitions["id"])
    )
    if "munitions.csv" in frames:
        f = frames["munitions.csv"]
        mun.loc[f["munition"].to_numpy()] = numbers["munitions.csv"]["stock"].to_numpy()
    dn = plan["donors"]
    dn0 = dn[dn["period"] == t0]
    donors = pd.Series(dn0["stock"].astype(float).to_numpy(), index=dn0["donor"].astype(str))
    ln = plan["lines"]
    ordered = ln[(ln["period"] == t0) & (ln["expansions_ordered"] > 0)]
    lead = scenario.lines.set_index("id")["expansion_lead_time"]
    L = scenario.header.period_length
    expansions = pd.DataFrame(
        {
            "line": ordered["line"].to_numpy(),
            "online": (t0 + lead.reindex(ordered["line"]).fillna(1).astype(int) * L).to_numpy(),
            "expansions": ordered["expansions_ordered"].to_numpy(dtype=float),
        }
    )
    return State(
        period=t0,
        stock=stock.astype(float),
        arrived=arrived.clip(upper=stock).astype(float),
        munitions=mun.astype(float),
        donors=donors,
        in_transit=transit,
        expansions=expansions,
        losses=losses,
    )


def replan_from_actuals(run: Path | str, actuals: Path | str, plan_options: dict | None = None):  # type: ignore[no-untyped-def]
    """Re-plan the run's remaining horizon from the actuals: (new plan, churn, rolled scenario)."""
    import forceplan
    from forceplan.io.run_folder import read_run_folder
    from forceplan.replan.roll import roll_forward
    from forceplan.replan.rolling import all_decisions, churn
    from forceplan.replan.state import fixed_ids

    folder = read_run_folder(run)
    scenario = folder.scenario()
    state = read_actuals(actuals, scenario, folder.tables)
    announced = all_decisions(folder.tables, scenario, after=state.period)
    rolled = roll_forward(scenario, state, announced)
    result = forceplan.plan(rolled, **(plan_options or {}))
    c: dict = {}
    if result.has_plan:
        new = all_decisions(result.tables, rolled)
        new = new[~((new["decision"] == "order") & new["id"].isin(fixed_ids(rolled)))]
        c = churn(new, announced, rolled)
    planned_losses = folder.tables["losses"]
    planned_losses = planned_losses[planned_losses["period"] == state.period]
    c["losses_actual"] = float(state.losses.sum()) if len(state.losses) else None
    c["losses_planned"] = float(planned_losses["quantity"].sum())
    return result, c, rolled
