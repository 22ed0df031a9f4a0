"""What a report reads from a run folder: the summary, the plan tables and a few scenario tables.

:func:`load_run` is the one place that reads files; the chart, text and HTML
modules only see the :class:`ReportData` it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from forceplan.domain.schema import schemas, unit_of
from forceplan.io.csv_folder import HEADER_FILE
from forceplan.io.run_folder import PLAN_DIR, SCENARIO_DIR, read_run_folder
from forceplan.results.decisions import RESERVE_TABLE, decision_table

SCENARIO_TABLES = (
    "equipment",
    "munitions",
    "lines",
    "donors",
    "formations",
    "training",
    "sources",
)
"""Scenario tables the report uses (ids, families, names and units)."""

OPTIONAL_TABLES = ("decisions", RESERVE_TABLE, "remedies")
"""Plan tables read when the run folder has them: decisions, reserve moves, remedies."""

MONEY_UNIT = "USD million"
"""Unit of every money figure unless the scenario header says otherwise."""


def strip_per_unit(unit: str) -> str:
    """A per-unit schema unit as the unit of a total, e.g. ``'points/unit'`` -> ``'points'``.

    Examples
    --------
    >>> strip_per_unit("points/unit")
    'points'
    >>> strip_per_unit("crews/period")
    'crews/period'
    """
    return unit.removesuffix("/unit")


@dataclass
class ReportData:
    """Everything a report shows, read from one run folder.

    Attributes
    ----------
    path
        The run folder.
    summary
        Content of ``summary.json``.
    header
        Content of ``scenario/scenario.yaml``.
    plan
        Plan table name -> DataFrame (every table of the contract).
    scenario
        Scenario table name -> DataFrame for :data:`SCENARIO_TABLES` (text as read).
    formation_levels, binding
        The optional explanation tables, ``None`` when the run has none.
    decisions
        One row per decision (``plan/decisions.csv``, or built from the plan tables
        by :func:`forceplan.results.decisions.decision_table` for older run folders).
    remedies
        What closes each shortfall (``plan/remedies.csv``), ``None`` when absent.
    """

    path: Path
    summary: dict[str, Any]
    header: dict[str, Any]
    plan: dict[str, pd.DataFrame]
    scenario: dict[str, pd.DataFrame] = field(default_factory=dict)
    formation_levels: pd.DataFrame | None = None
    binding: pd.DataFrame | None = None
    decisions: pd.DataFrame = field(default_factory=pd.DataFrame)
    remedies: pd.DataFrame | None = None

    @property
    def scenario_info(self) -> dict[str, Any]:
        """The ``scenario`` block of the summary (empty if absent)."""
        info = self.summary.get("scenario", {})
        return info if isinstance(info, dict) else {}

    @property
    def name(self) -> str:
        """Scenario name."""
        return str(self.scenario_info.get("name") or self.header.get("name") or self.path.name)

    @property
    def notional(self) -> bool:
        """Whether the scenario is notional (the summary or the header says so; default yes)."""
        flags = [self.scenario_info.get("notional"), self.header.get("notional")]
        known = [bool(f) for f in flags if f is not None]
        return any(known) if known else True

    @property
    def money_unit(self) -> str:
        """Unit of money figures."""
        return str(self.scenario_info.get("currency") or self.header.get("currency") or MONEY_UNIT)

    @property
    def periods(self) -> list[int]:
        """Period labels of the horizon, in order."""
        labels = self.scenario_info.get("period_labels")
        if labels:
            return [int(p) for p in labels]
        start, n = self.header.get("start_year"), self.header.get("periods")
        if start is not None and n is not None:
            length = int(self.header.get("period_length", 1))
            return [int(start) + i * length for i in range(int(n))]
        return sorted(int(p) for p in self.plan["stock"]["period"].unique())

    def item_units(self) -> pd.Series:
        """Unit of count of every item: equipment in units, munitions in their own unit."""
        eq = self.scenario["equipment"]
        mu = self.scenario["munitions"]
        stock_unit = unit_of("inventory", "quantity")
        return pd.concat(
            [
                pd.Series(stock_unit, index=eq["id"].to_numpy(), dtype=object),
                pd.Series(mu["unit"].to_numpy(), index=mu["id"].to_numpy(), dtype=object),
            ]
        )


def _read_scenario_table(folder: Path, name: str) -> pd.DataFrame:
    """One scenario CSV as text (empty strings for blanks), with the schema's columns."""
    path = folder / f"{name}.csv"
    columns = schemas()[name].column_names
    if not path.is_file():
        return pd.DataFrame(columns=columns, dtype=object)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for c in columns:
        if c not in frame:
            frame[c] = ""
    return frame


def load_run(path: Path | str) -> ReportData:
    """Read what a report needs from a run folder.

    Parameters
    ----------
    path
        A run folder written by ``forceplan plan`` (or :meth:`Plan.save`).

    Returns
    -------
    ReportData

    Raises
    ------
    RunFolderError
        When *path* is not a complete run folder (every missing piece is named).
    """
    run = read_run_folder(path)
    scenario_dir = run.path / SCENARIO_DIR
    header_text = (scenario_dir / HEADER_FILE).read_text(encoding="utf-8")
    loaded = yaml.safe_load(header_text)
    header = loaded if isinstance(loaded, dict) else {}
    scenario = {name: _read_scenario_table(scenario_dir, name) for name in SCENARIO_TABLES}
    # the explanation tables are optional in a run folder; read_run_folder takes them if present
    levels = run.tables.get("formation_levels")
    binding = run.tables.get("binding")
    tables = dict(run.tables)
    for name in OPTIONAL_TABLES:  # tables newer than the contract this reader knows
        if name not in tables:
            extra = _optional_table(run.path / PLAN_DIR / f"{name}.csv")
            if extra is not None:
                tables[name] = extra
    data = ReportData(
        path=run.path,
        summary=run.summary,
        header=header,
        plan=tables,
        scenario=scenario,
        formation_levels=levels,
        binding=binding,
        remedies=tables.get("remedies"),
    )
    decisions = tables.get("decisions")
    if decisions is None:
        decisions = decision_table(tables, scenario, data.money_unit)
    data.decisions = decisions
    return data


def _optional_table(path: Path) -> pd.DataFrame | None:
    """An optional plan CSV (text columns as text), ``None`` when absent or unreadable."""
    if not path.is_file():
        return None
    try:
        frame = pd.read_csv(path, keep_default_na=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError):
        return None
    for c in frame.columns:
        if frame[c].dtype == object:
            frame[c] = frame[c].fillna("").astype(str)
    return frame
