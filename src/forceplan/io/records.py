"""Build a scenario from Python records (dicts or DataFrames), through the same validation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from forceplan.domain.header import ScenarioHeader
from forceplan.domain.scenario import Scenario
from forceplan.domain.schema import schemas
from forceplan.exceptions import ScenarioError
from forceplan.io.csv_folder import SourceData, format_cell
from forceplan.io.raw import RawTable

Records = Sequence[Mapping[str, Any]] | pd.DataFrame


def from_records(
    header: ScenarioHeader | Mapping[str, Any],
    tables: Mapping[str, Records],
    validate_rules: bool = True,
) -> Scenario:
    """Build and validate a scenario from records.

    Parameters
    ----------
    header
        A :class:`ScenarioHeader` or the mapping ``scenario.yaml`` would hold.
    tables
        Table name -> list of row dicts or a DataFrame; missing tables are empty,
        missing columns take their defaults.
    validate_rules
        Run the cross-table rules too (default).

    Raises
    ------
    ScenarioError
        When the records break any rule.

    Examples
    --------
    >>> s = from_records(
    ...     {"name": "t", "start_year": 2026, "periods": 2, "intensity": ["high", "low"]}, {}
    ... )
    >>> len(s.equipment)
    0
    """
    from forceplan.io.load import check_source  # local: load imports this package's readers

    data = header.model_dump(mode="json") if isinstance(header, ScenarioHeader) else dict(header)
    raw: dict[str, RawTable] = {}
    for name, schema in schemas().items():
        rows = tables.get(name, [])
        frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
        cols = [c for c in frame.columns]
        unknown = [c for c in cols if not schema.has(c)]
        if unknown:
            raise ValueError(f"table {name}: unknown column(s) {', '.join(map(str, unknown))}")
        header_row = schema.column_names
        types = {c.name: c.type for c in schema.columns}
        body: list[list[str]] = []
        for rec in frame.to_dict("records"):
            body.append([format_cell(rec.get(c), types[c]) if c in rec else "" for c in header_row])
        raw[name] = RawTable(
            name=name,
            file=f"{name}.csv",
            sheet=None,
            header=header_row,
            rows=body,
            row_numbers=list(range(2, len(body) + 2)),
        )
    source = SourceData(data, "scenario.yaml", None, {}, raw, [])
    scenario, problems = check_source(source, rules=validate_rules)
    if scenario is None:
        raise ScenarioError(problems)
    return scenario
