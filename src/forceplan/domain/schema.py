"""Table schemas as data.

The schema of every scenario table lives in ``forceplan/data/schema/<table>.csv``
(one row per column: type, unit, default, required, allowed values, reference,
bounds, description) and ``tables.csv`` (table order, key, description). The same
schemas drive validation, the Excel template, ``docs/scenario-format.md`` and the
units shown in reports.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

COLUMN_TYPES = ("id", "string", "enum", "int", "float", "fraction", "period")
"""Column types a schema may use."""

INTENSITIES = ("peace", "low", "medium", "high")
"""War intensities, weakest first."""


@dataclass(frozen=True)
class Column:
    """One column of a scenario table.

    Attributes
    ----------
    name, type, unit, default, required, allowed, references, minimum, maximum, description
        As in the schema file. ``references`` lists ``table.column`` targets (a
        value must exist in at least one of them); ``allowed`` lists enum values.
    """

    name: str
    type: str
    unit: str
    default: str
    required: bool
    allowed: tuple[str, ...]
    references: tuple[tuple[str, str], ...]
    minimum: float | None
    maximum: float | None
    description: str

    @property
    def numeric(self) -> bool:
        """Whether values are numbers (int, float, fraction, period)."""
        return self.type in ("int", "float", "fraction", "period")

    @property
    def integer(self) -> bool:
        """Whether values are whole numbers (int, period)."""
        return self.type in ("int", "period")


@dataclass(frozen=True)
class TableSchema:
    """The schema of one scenario table."""

    name: str
    key: tuple[str, ...]
    description: str
    columns: tuple[Column, ...] = field(default_factory=tuple)
    optional: bool = False
    """A table a scenario may leave out (``optional`` yes in ``tables.csv``): read as empty."""

    @property
    def column_names(self) -> list[str]:
        """Column names in schema order."""
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        """The column called *name* (``KeyError`` if unknown)."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def has(self, name: str) -> bool:
        """Whether the table has a column called *name*."""
        return any(c.name == name for c in self.columns)


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("forceplan.data.schema").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _opt_float(text: str) -> float | None:
    return float(text) if text.strip() else None


@cache
def schemas() -> dict[str, TableSchema]:
    """Every table schema, in the canonical table order.

    Examples
    --------
    >>> schemas()["equipment"].column("unit_cost").unit
    'MUSD/unit'
    """
    out: dict[str, TableSchema] = {}
    for row in _read_csv("tables.csv"):
        cols = []
        for c in _read_csv(f"{row['table']}.csv"):
            if c["type"] not in COLUMN_TYPES:
                raise ValueError(f"schema {row['table']}.{c['column']}: unknown type {c['type']!r}")
            refs = tuple(
                (r.split(".")[0], r.split(".")[1]) for r in c["reference"].split("|") if r.strip()
            )
            cols.append(
                Column(
                    name=c["column"],
                    type=c["type"],
                    unit=c["unit"],
                    default=c["default"],
                    required=c["required"].strip().lower() == "yes",
                    allowed=tuple(a for a in c["allowed"].split("|") if a),
                    references=refs,
                    minimum=_opt_float(c["min"]),
                    maximum=_opt_float(c["max"]),
                    description=c["description"],
                )
            )
        out[row["table"]] = TableSchema(
            name=row["table"],
            key=tuple(row["key"].split()),
            description=row["description"],
            columns=tuple(cols),
            optional=(row.get("optional") or "").strip().lower() == "yes",
        )
    return out


def table_names() -> list[str]:
    """Names of the scenario tables in canonical order."""
    return list(schemas())


def unit_of(table: str, column: str) -> str:
    """The unit of ``table.column`` as the schema gives it (empty if unitless)."""
    return schemas()[table].column(column).unit
