"""A corpus of deliberately broken scenarios: every problem reported exactly where it is.

Each case starts from the small valid scenario of :mod:`tests.scenarios`, written
as a CSV folder or an Excel workbook, applies one small mutation (edited CSV
text or bytes, an edited ``scenario.yaml``, an edited workbook) and lists every
problem the validator must report, with its rule and location: the file (CSV
cases) or the sheet (Excel cases), the spreadsheet row (header row 1, first data
row 2), the column and, in a workbook, the cell. The validator must report
exactly these problems: a missing one is a defect, and so is an extra one (noise
that hides the real problem).

Every case runs through the Python API (``validate_path`` and ``load_scenario``)
and through ``forceplan validate`` (exit code, no traceback, one line per
problem).
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import openpyxl
import pytest
from typer.testing import CliRunner

from forceplan import load_scenario
from forceplan.cli.app import app
from forceplan.domain.scenario import Scenario
from forceplan.exceptions import ScenarioError
from forceplan.io.csv_folder import write_folder
from forceplan.io.excel import write_workbook
from forceplan.io.load import validate_path
from forceplan.validate.problems import Problem
from tests.scenarios import small_scenario

WORKBOOK = "scenario.xlsx"
"""File name of the workbook cases (problems name it as their file)."""

Mutation = Callable[[Path], None]
"""Edits a copy of the valid scenario in place (a folder or a workbook path)."""


@dataclass(frozen=True)
class Expect:
    """One problem the validator must report.

    Attributes
    ----------
    rule
        The rule broken.
    where
        CSV file name (CSV cases) or sheet name (workbook cases; the workbook's
        file name for problems with the whole workbook).
    row, column
        Spreadsheet row and column name (``None`` when the problem has none).
    cell
        Excel cell (workbook cases).
    severity
        ``error`` or ``warning``.
    hint
        Text the message must contain (e.g. a 'did you mean' suggestion).
    """

    rule: str
    where: str
    row: int | None = None
    column: str | None = None
    cell: str | None = None
    severity: str = "error"
    hint: str | None = None

    def key(self) -> tuple[Any, ...]:
        return (self.severity, self.rule, self.where, self.row, self.column, self.cell)


@dataclass(frozen=True)
class Case:
    """A broken scenario: its format, the mutation and every problem expected."""

    id: str
    kind: Literal["csv", "xlsx"]
    mutate: Mutation
    expected: tuple[Expect, ...]

    @property
    def exit_code(self) -> int:
        return 1 if any(e.severity == "error" for e in self.expected) else 0


def located(p: Problem, kind: str) -> tuple[Any, ...]:
    """The comparable location of a reported problem."""
    where = p.file if kind == "csv" else (p.sheet or p.file)
    return (p.severity, p.rule, where, p.row, p.column, p.cell)


# --------------------------------------------------------------------------------------
# mutations of a CSV folder
# --------------------------------------------------------------------------------------


def _read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8", newline="\n")


def set_cell(table: str, row: int, column: str, value: str) -> Mutation:
    """Set the cell at spreadsheet *row* and *column* of ``<table>.csv`` to *value*."""

    def mutate(folder: Path) -> None:
        path = folder / f"{table}.csv"
        rows = _read_csv(path)
        rows[row - 1][rows[0].index(column)] = value
        _write_csv(path, rows)

    return mutate


def add_row(table: str, values: dict[str, str]) -> Mutation:
    """Append a row to ``<table>.csv`` (columns not given are empty)."""

    def mutate(folder: Path) -> None:
        path = folder / f"{table}.csv"
        rows = _read_csv(path)
        rows.append([values.get(c, "") for c in rows[0]])
        _write_csv(path, rows)

    return mutate


def delete_row(table: str, row: int) -> Mutation:
    """Delete spreadsheet *row* of ``<table>.csv``."""

    def mutate(folder: Path) -> None:
        path = folder / f"{table}.csv"
        rows = _read_csv(path)
        del rows[row - 1]
        _write_csv(path, rows)

    return mutate


def drop_column(table: str, column: str) -> Mutation:
    """Remove *column* from ``<table>.csv``."""

    def mutate(folder: Path) -> None:
        path = folder / f"{table}.csv"
        rows = _read_csv(path)
        j = rows[0].index(column)
        _write_csv(path, [r[:j] + r[j + 1 :] for r in rows])

    return mutate


def add_column(table: str, name: str, value: str) -> Mutation:
    """Add a column *name* with *value* in every data row to ``<table>.csv``."""

    def mutate(folder: Path) -> None:
        path = folder / f"{table}.csv"
        rows = _read_csv(path)
        _write_csv(path, [[*rows[0], name]] + [[*r, value] for r in rows[1:]])

    return mutate


def write_bytes(file: str, data: bytes) -> Mutation:
    """Replace *file* in the folder by raw *data*."""

    def mutate(folder: Path) -> None:
        (folder / file).write_bytes(data)

    return mutate


def replace_bytes(file: str, old: bytes, new: bytes) -> Mutation:
    """Replace *old* (which must occur once) by *new* in the bytes of *file*."""

    def mutate(folder: Path) -> None:
        data = (folder / file).read_bytes()
        assert data.count(old) == 1, f"{old!r} must occur once in {file}"
        (folder / file).write_bytes(data.replace(old, new))

    return mutate


def delete_file(file: str) -> Mutation:
    """Delete *file* from the folder."""

    def mutate(folder: Path) -> None:
        (folder / file).unlink()

    return mutate


HEADER_YAML = """\
name: small test scenario
description: Hand-made scenario touching every table; notional.
notional: true
start_year: 2026
periods: 3
period_length: 1
intensity: [high, medium, low]
objective:
  mode: lexicographic
solver:
  gap: 0.01
"""
"""A hand-written header equal to the base one; header mutations edit its lines.

Lines: 1 name, 2 description, 3 notional, 4 start_year, 5 periods, 6 period_length,
7 intensity, 8 objective, 9 objective.mode, 10 solver, 11 solver.gap.
"""


def header_yaml(old: str = "", new: str = "") -> Mutation:
    """Write :data:`HEADER_YAML` with the line text *old* replaced by *new*."""

    def mutate(folder: Path) -> None:
        assert not old or HEADER_YAML.count(old) == 1
        text = HEADER_YAML.replace(old, new) if old else HEADER_YAML
        (folder / "scenario.yaml").write_text(text, encoding="utf-8")

    return mutate


def all_of(*mutations: Mutation) -> Mutation:
    """Apply several mutations in turn."""

    def mutate(path: Path) -> None:
        for m in mutations:
            m(path)

    return mutate


# --------------------------------------------------------------------------------------
# mutations of a workbook
# --------------------------------------------------------------------------------------


def workbook(edit: Callable[[openpyxl.Workbook], None]) -> Mutation:
    """Open the workbook, apply *edit*, save it."""

    def mutate(path: Path) -> None:
        wb = openpyxl.load_workbook(path)
        edit(wb)
        wb.save(path)

    return mutate


def _col(ws: Any, column: str) -> int:
    names = [c.value for c in ws[1]]
    return names.index(column) + 1


def xl_set(sheet: str, row: int, column: str, value: Any) -> Mutation:
    """Set the cell of *sheet* at *row* in the column named *column*."""

    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb[sheet]
        ws.cell(row=row, column=_col(ws, column), value=value)

    return workbook(edit)


def xl_add_column(sheet: str, name: str, value: Any) -> Mutation:
    """Add a column *name* after the last one, with *value* in every data row."""

    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb[sheet]
        j = ws.max_column + 1
        ws.cell(row=1, column=j, value=name)
        for r in range(2, ws.max_row + 1):
            ws.cell(row=r, column=j, value=value)

    return workbook(edit)


def xl_header(rows: list[tuple[str, Any]]) -> Mutation:
    """Replace the ``scenario`` sheet by a setting/value sheet holding *rows* (from row 2)."""

    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["scenario"]
        ws.delete_rows(1, ws.max_row)
        ws.append(["setting", "value"])
        for r in rows:
            ws.append(list(r))

    return workbook(edit)


HEADER_ROWS: list[tuple[str, Any]] = [
    ("name", "small test scenario"),  # row 2
    ("notional", True),  # row 3
    ("start_year", 2026),  # row 4
    ("periods", 3),  # row 5
    ("intensity", "high, medium, low"),  # row 6
    ("objective.mode", "lexicographic"),  # row 7
]
"""A header sheet equal to the base header; rows 2 to 7."""


def header_rows(
    replace: dict[str, Any] | None = None, add: tuple[str, Any] | None = None
) -> Mutation:
    """:data:`HEADER_ROWS` with values replaced (``None`` deletes the row) and a row added."""
    replace = replace or {}
    rows = [(k, replace.get(k, v)) for k, v in HEADER_ROWS]
    rows = [(k, v) for k, v in rows if v is not None]
    if add:
        rows.append(add)
    return xl_header(rows)


# --------------------------------------------------------------------------------------
# the corpus
# --------------------------------------------------------------------------------------

E = Expect
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"

CSV_CASES: list[Case] = [
    # --- files that cannot be read -----------------------------------------------------
    Case(
        "binary-not-csv",
        "csv",
        write_bytes("equipment.csv", PNG * 20),
        (E("not-csv", "equipment.csv"),),
    ),
    Case(
        "empty-file",
        "csv",
        write_bytes("munitions.csv", b""),
        (E("empty-file", "munitions.csv", 1),),
    ),
    Case(
        "blank-lines-only",
        "csv",
        write_bytes("training.csv", b"\n  \n\n"),
        (E("empty-file", "training.csv", 1),),
    ),
    Case(
        "latin1-not-utf8",
        "csv",
        replace_bytes("equipment.csv", b"D-20", "Gaubitze D-20 \u00e9".encode("latin-1")),
        (E("encoding", "equipment.csv", 3),),
    ),
    Case(
        "latin1-header-file",
        "csv",
        write_bytes(
            "scenario.yaml", HEADER_YAML.replace("notional.", "notional \u00e9.").encode("latin-1")
        ),
        (E("encoding", "scenario.yaml"),),
    ),
    Case(
        "workbook-saved-as-csv",
        "csv",
        lambda folder: openpyxl.Workbook().save(folder / "lines.csv"),
        (E("not-csv", "lines.csv"),),
    ),
    Case(
        "semicolon-separated",
        "csv",
        write_bytes("formations.csv", b"id;name;type;priority;source\nart-1;A;artillery;1;x\n"),
        (E("not-csv", "formations.csv", 1),),
    ),
    Case(
        "row-with-extra-fields",
        "csv",
        replace_bytes("formations.csv", b"1st Air Defence Regiment", b"1st Air Defence, Regiment"),
        # the shifted values are checked as read: each is reported in the column it landed in
        (
            E("row-length", "formations.csv", 3),
            E("id-format", "formations.csv", 3, "type"),
            E("not-a-number", "formations.csv", 3, "priority"),
            E("period-outside-horizon", "formations.csv", 3, "due_period"),
        ),
    ),
    Case(
        "missing-table-file", "csv", delete_file("donors.csv"), (E("file-missing", "donors.csv"),)
    ),
    Case(
        "missing-header-file",
        "csv",
        delete_file("scenario.yaml"),
        (E("file-missing", "scenario.yaml"),),
    ),
    Case(
        "unknown-extra-file",
        "csv",
        write_bytes("notes.csv", b"a,b\n1,2\n"),
        (E("file-unknown", "notes.csv", severity="warning"),),
    ),
    # --- columns -------------------------------------------------------------------------
    Case(
        "extra-unknown-column",
        "csv",
        add_column("equipment", "colour", "green"),
        (E("column-unknown", "equipment.csv", 1, "colour", severity="warning"),),
    ),
    Case(
        "misspelt-column",
        "csv",
        add_column("sources", "lead_tme", "2"),
        (
            E(
                "column-unknown",
                "sources.csv",
                1,
                "lead_tme",
                severity="warning",
                hint="Did you mean 'lead_time'?",
            ),
        ),
    ),
    Case(
        "missing-required-column",
        "csv",
        drop_column("equipment", "combat_value"),
        (E("column-missing", "equipment.csv", 1, "combat_value"),),
    ),
    Case(
        "missing-optional-column",
        "csv",
        drop_column("equipment", "training_weeks"),
        (),
    ),
    Case(
        "duplicate-column",
        "csv",
        add_column("formations", "priority", "3"),
        (E("column-duplicate", "formations.csv", 1, "priority"),),
    ),
    # --- values ----------------------------------------------------------------------------
    Case(
        "huge-1e300",
        "csv",
        set_cell("sources", 3, "quantity", "1e300"),
        (E("number-too-large", "sources.csv", 3, "quantity"),),
    ),
    Case(
        "huge-20-digits",
        "csv",
        set_cell("inventory", 3, "quantity", "99999999999999999999"),
        (E("number-too-large", "inventory.csv", 3, "quantity"),),
    ),
    Case(
        "abc-in-number-column",
        "csv",
        set_cell("equipment", 3, "combat_value", "abc"),
        (E("not-a-number", "equipment.csv", 3, "combat_value"),),
    ),
    Case(
        "number-with-unit",
        "csv",
        set_cell("budgets", 4, "amount", "500 MUSD"),
        (E("not-a-number", "budgets.csv", 4, "amount"),),
    ),
    Case(
        "fraction-in-int-column",
        "csv",
        set_cell("inventory", 2, "quantity", "2.5"),
        (E("not-whole", "inventory.csv", 2, "quantity"),),
    ),
    Case(
        "negative-quantity",
        "csv",
        set_cell("sources", 2, "quantity", "-5"),
        (E("negative", "sources.csv", 2, "quantity"),),
    ),
    Case(
        "serviceable-above-1",
        "csv",
        set_cell("inventory", 2, "serviceable", "1.5"),
        (E("fraction-range", "inventory.csv", 2, "serviceable"),),
    ),
    Case(
        "attrition-rate-negative",
        "csv",
        set_cell("attrition", 4, "rate", "-0.1"),
        (E("negative", "attrition.csv", 4, "rate"),),
    ),
    Case(
        "required-value-empty",
        "csv",
        set_cell("munitions", 3, "family", ""),
        (E("value-missing", "munitions.csv", 3, "family"),),
    ),
    Case(
        "enum-value-not-allowed",
        "csv",
        set_cell("standards", 4, "domain", "datalnk"),
        (E("value-not-allowed", "standards.csv", 4, "domain", hint="Did you mean 'datalink'?"),),
    ),
    Case(
        "id-with-spaces",
        "csv",
        set_cell("formations", 3, "id", "ad 1"),
        (
            E("id-format", "formations.csv", 3, "id"),
            E("unknown-reference", "formation_slots.csv", 3, "formation"),
            E("unknown-reference", "inventory.csv", 4, "formation"),
        ),
    ),
    Case(
        "period-outside-horizon",
        "csv",
        set_cell("requirements", 3, "period", "2031"),
        (E("period-outside-horizon", "requirements.csv", 3, "period"),),
    ),
    Case(
        "period-before-horizon",
        "csv",
        set_cell("budgets", 5, "period", "2025"),
        (E("period-outside-horizon", "budgets.csv", 5, "period"),),
    ),
    # --- keys and references ------------------------------------------------------------------
    Case(
        "duplicate-id",
        "csv",
        add_row(
            "equipment",
            {
                "id": "m777",
                "class": "towed-artillery",
                "role": "artillery",
                "family": "nato",
                "combat_value": "2",
                "logistics_family": "m777",
            },
        ),
        (E("duplicate-id", "equipment.csv", 5, "id"),),
    ),
    Case(
        "duplicate-composite-key",
        "csv",
        add_row(
            "budgets", {"stream": "ua-mod", "owner": "Ukraine", "period": "2027", "amount": "1"}
        ),
        (E("duplicate-key", "budgets.csv", 6, "period"),),
    ),
    Case(
        "unknown-munition-reference",
        "csv",
        set_cell("equipment_munitions", 2, "munition", "155m"),
        (
            E(
                "unknown-reference",
                "equipment_munitions.csv",
                2,
                "munition",
                hint="Did you mean '155mm'?",
            ),
        ),
    ),
    Case(
        "unknown-formation-reference",
        "csv",
        set_cell("inventory", 2, "formation", "art-2"),
        (E("unknown-reference", "inventory.csv", 2, "formation", hint="Did you mean 'art-1'?"),),
    ),
    Case(
        "unknown-standard-reference",
        "csv",
        set_cell("equipment_standards", 5, "standard", "link-16"),
        (
            E(
                "unknown-reference",
                "equipment_standards.csv",
                5,
                "standard",
                hint="Did you mean 'link16'?",
            ),
        ),
    ),
    Case(
        "item-id-used-twice",
        "csv",
        set_cell("munitions", 2, "id", "m777"),
        (
            E("duplicate-id", "munitions.csv", 2, "id"),
            E("unknown-reference", "equipment_munitions.csv", 2, "munition"),
            E("unknown-reference", "lines.csv", 2, "product"),
        ),
    ),
    # --- cross-table rules -----------------------------------------------------------------------
    Case(
        "lead-time-beyond-horizon",
        "csv",
        set_cell("sources", 2, "lead_time", "3"),
        (E("lead-time-beyond-horizon", "sources.csv", 2, "lead_time"),),
    ),
    Case(
        "expansion-lead-time-beyond-horizon",
        "csv",
        set_cell("lines", 2, "expansion_lead_time", "7"),
        (E("lead-time-beyond-horizon", "lines.csv", 2, "expansion_lead_time"),),
    ),
    Case(
        "first-period-after-last",
        "csv",
        all_of(
            set_cell("training", 2, "first_period", "2028"),
            set_cell("training", 2, "last_period", "2026"),
        ),
        (E("period-order", "training.csv", 2, "last_period"),),
    ),
    Case(
        "munition-supplied-by-nothing",
        "csv",
        delete_row("lines", 2),
        (E("munition-unsupplied", "equipment_munitions.csv", 2, "munition"),),
    ),
    Case(
        "budget-use-not-allowed",
        "csv",
        set_cell("budget_uses", 3, "use", "operations"),
        (E("value-not-allowed", "budget_uses.csv", 3, "use", hint="Did you mean 'operation'?"),),
    ),
    Case(
        "budget-use-stream-not-in-budgets",
        "csv",
        set_cell("budget_uses", 6, "stream", "us-fmf"),
        (E("unknown-reference", "budget_uses.csv", 6, "stream", hint="Did you mean 'us-fms'?"),),
    ),
    Case(
        "budget-stream-without-use",
        "csv",
        all_of(delete_row("budget_uses", 6), delete_row("budget_uses", 5)),
        (E("stream-without-use", "budgets.csv", 5, "stream", severity="warning"),),
    ),
    Case(
        "slot-role-no-equipment-fills",
        "csv",
        set_cell("formation_slots", 3, "role", "air-defense"),
        (
            E(
                "role-unfillable",
                "formation_slots.csv",
                3,
                "role",
                hint="Did you mean 'air-defence'?",
            ),
        ),
    ),
    Case(
        "capability-floor-role-unfillable",
        "csv",
        set_cell("requirements", 2, "role", "armour"),
        (E("role-unfillable", "requirements.csv", 2, "role"),),
    ),
    Case(
        "source-unit-differs-from-item",
        "csv",
        set_cell("sources", 3, "unit", "units"),
        (E("inconsistent-units", "sources.csv", 3, "unit"),),
    ),
    Case(
        "line-unit-differs-from-item",
        "csv",
        set_cell("lines", 2, "unit", "thousand-rounds"),
        (E("inconsistent-units", "lines.csv", 2, "unit"),),
    ),
    Case(
        "donor-unit-differs-from-item",
        "csv",
        set_cell("donors", 2, "unit", "rounds"),
        (E("inconsistent-units", "donors.csv", 2, "unit"),),
    ),
    Case(
        "donation-without-donor-stockpile",
        "csv",
        set_cell("sources", 2, "country", "UK"),
        (E("donor-without-stock", "sources.csv", 2, "country"),),
    ),
    Case(
        "upgrade-to-same-type",
        "csv",
        add_row(
            "upgrades",
            {"id": "d20-fix", "from_equipment": "d20", "to_equipment": "d20", "capacity": "5"},
        ),
        (E("upgrade-same-type", "upgrades.csv", 2, "to_equipment"),),
    ),
    Case(
        "interoperability-target-above-1",
        "csv",
        set_cell("requirements", 4, "minimum", "1.5"),
        (E("fraction-range", "requirements.csv", 4, "minimum"),),
    ),
    Case(
        "interoperability-target-with-role",
        "csv",
        set_cell("requirements", 4, "role", "artillery"),
        (E("role-not-applicable", "requirements.csv", 4, "role"),),
    ),
    # --- the header ------------------------------------------------------------------------
    Case("header-as-written-is-valid", "csv", header_yaml(), ()),
    Case(
        "header-intensity-shorter-than-periods",
        "csv",
        header_yaml("intensity: [high, medium, low]", "intensity: [high, medium]"),
        (E("header", "scenario.yaml", 7, "intensity"),),
    ),
    Case(
        "header-intensity-unknown-value",
        "csv",
        header_yaml("intensity: [high, medium, low]", "intensity: [high, hot, low]"),
        (E("header", "scenario.yaml", 7, "intensity"),),
    ),
    Case(
        "header-unknown-setting",
        "csv",
        header_yaml("start_year: 2026\n", "start_year: 2026\nhorizon_years: 5\n"),
        (E("header", "scenario.yaml", 5, "horizon_years"),),
    ),
    Case(
        "header-unknown-nested-setting",
        "csv",
        header_yaml("  mode: lexicographic\n", "  mode: lexicographic\n  speed: fast\n"),
        (E("header", "scenario.yaml", 10, "objective.speed"),),
    ),
    Case(
        "header-missing-name",
        "csv",
        header_yaml("name: small test scenario\n", ""),
        (E("header", "scenario.yaml", None, "name"),),
    ),
    Case(
        "header-start-year-not-a-number",
        "csv",
        header_yaml("start_year: 2026", "start_year: twenty-six"),
        (E("header", "scenario.yaml", 4, "start_year"),),
    ),
    Case(
        "header-gap-above-1",
        "csv",
        header_yaml("  gap: 0.01", "  gap: 5"),
        (E("header", "scenario.yaml", 11, "solver.gap"),),
    ),
    Case(
        "header-bad-yaml",
        "csv",
        header_yaml("intensity: [high, medium, low]", "intensity: [high, medium, low\nx"),
        # YAML notices the open list on line 9 and names the line it started on
        (E("header-format", "scenario.yaml", 9, hint="starts on line 7"),),
    ),
    Case(
        "header-not-a-mapping",
        "csv",
        write_bytes("scenario.yaml", b"- just\n- a list\n"),
        (E("header-format", "scenario.yaml", 1),),
    ),
    Case(
        "header-shorter-horizon-moves-periods-out",
        "csv",
        all_of(
            header_yaml(
                "periods: 3\nperiod_length: 1\nintensity: [high, medium, low]",
                "periods: 2\nperiod_length: 1\nintensity: [high, medium]",
            ),
            set_cell("sources", 2, "lead_time", "2"),
        ),
        (
            E("period-outside-horizon", "budgets.csv", 4, "period"),
            E("period-outside-horizon", "requirements.csv", 4, "period"),
            E("period-outside-horizon", "donors.csv", 2, "replenish_by"),
            E("lead-time-beyond-horizon", "sources.csv", 2, "lead_time"),
        ),
    ),
    # --- several problems in several files, all reported in one run ------------------------------
    Case(
        "several-problems-in-several-files",
        "csv",
        all_of(
            set_cell("equipment", 2, "combat_value", "abc"),
            set_cell("sources", 3, "quantity", "-1"),
            set_cell("inventory", 3, "equipment", "m77"),
            set_cell("attrition", 2, "rate", "2"),
            add_column("lines", "notes", "x"),
            header_yaml("start_year: 2026\n", "start_year: 2026\ncolour: red\n"),
        ),
        (
            E("not-a-number", "equipment.csv", 2, "combat_value"),
            E("negative", "sources.csv", 3, "quantity"),
            E("unknown-reference", "inventory.csv", 3, "equipment", hint="Did you mean 'm777'?"),
            E("fraction-range", "attrition.csv", 2, "rate"),
            E("column-unknown", "lines.csv", 1, "notes", severity="warning"),
            E("header", "scenario.yaml", 5, "colour"),
        ),
    ),
]

XLSX_CASES: list[Case] = [
    Case(
        "xlsx-formula-cell",
        "xlsx",
        xl_set("equipment", 3, "combat_value", "=1+1"),
        # written by openpyxl, which saves no value with a formula: Excel must calculate it
        (E("formula-cell", "equipment", 3, "combat_value", "F3", hint="no saved value"),),
    ),
    Case(
        "xlsx-formula-in-header-sheet",
        "xlsx",
        header_rows({"periods": "=1+2"}),
        (E("formula-cell", "scenario", 5, "value", "B5", hint="no saved value"),),
    ),
    Case(
        "xlsx-merged-cells",
        "xlsx",
        workbook(lambda wb: wb["equipment"].merge_cells("B2:B3")),
        (E("merged-cells", "equipment", 2, "name", "B2:B3"),),
    ),
    Case(
        "xlsx-missing-sheet",
        "xlsx",
        workbook(lambda wb: wb.remove(wb["donors"])),
        (E("sheet-missing", "donors"),),
    ),
    Case(
        "xlsx-missing-header-sheet",
        "xlsx",
        workbook(lambda wb: wb.remove(wb["scenario"])),
        (E("sheet-missing", "scenario"),),
    ),
    Case(
        "xlsx-unknown-sheet",
        "xlsx",
        workbook(lambda wb: wb.create_sheet("notes")),
        (E("sheet-unknown", "notes", severity="warning"),),
    ),
    Case(
        "xlsx-empty-sheet",
        "xlsx",
        workbook(lambda wb: wb["training"].delete_rows(1, 10)),
        (E("empty-sheet", "training", 1),),
    ),
    Case(
        "xlsx-not-a-workbook",
        "xlsx",
        write_bytes("", b"id,name\nm777,M777\n"),  # the workbook path itself
        (E("not-excel", WORKBOOK),),
    ),
    Case(
        "xlsx-extra-unknown-column",
        "xlsx",
        xl_add_column("equipment", "colour", "green"),
        (E("column-unknown", "equipment", 1, "colour", "Y1", severity="warning"),),
    ),
    Case(
        "xlsx-huge-1e300",
        "xlsx",
        xl_set("sources", 2, "quantity", 1e300),
        (E("number-too-large", "sources", 2, "quantity", "E2"),),
    ),
    Case(
        "xlsx-huge-20-digits-as-text",
        "xlsx",
        xl_set("budgets", 3, "amount", "99999999999999999999"),
        (E("number-too-large", "budgets", 3, "amount", "D3"),),
    ),
    Case(
        "xlsx-abc-in-number-column",
        "xlsx",
        xl_set("equipment", 4, "combat_value", "abc"),
        (E("not-a-number", "equipment", 4, "combat_value", "F4"),),
    ),
    Case(
        "xlsx-fraction-in-int-column",
        "xlsx",
        xl_set("formation_slots", 2, "quantity", 2.5),
        (E("not-whole", "formation_slots", 2, "quantity", "C2"),),
    ),
    Case(
        "xlsx-negative-quantity",
        "xlsx",
        xl_set("inventory", 3, "quantity", -4),
        (E("negative", "inventory", 3, "quantity", "C3"),),
    ),
    Case(
        "xlsx-period-outside-horizon",
        "xlsx",
        xl_set("requirements", 2, "period", 2040),
        (E("period-outside-horizon", "requirements", 2, "period", "D2"),),
    ),
    Case(
        "xlsx-unknown-reference",
        "xlsx",
        xl_set("equipment_munitions", 3, "munition", "152"),
        (
            E(
                "unknown-reference",
                "equipment_munitions",
                3,
                "munition",
                "B3",
                hint="Did you mean '152mm'?",
            ),
        ),
    ),
    Case(
        "xlsx-duplicate-id",
        "xlsx",
        xl_set("formations", 3, "id", "art-1"),
        (
            E("duplicate-id", "formations", 3, "id", "A3"),
            E("unknown-reference", "formation_slots", 3, "formation", "A3"),
            E("unknown-reference", "inventory", 4, "formation", "B4"),
        ),
    ),
    Case(
        "xlsx-fraction-above-1",
        "xlsx",
        xl_set("inventory", 2, "serviceable", 90),
        (E("fraction-range", "inventory", 2, "serviceable", "D2"),),
    ),
    Case(
        "xlsx-unit-inconsistent",
        "xlsx",
        xl_set("sources", 3, "unit", "thousand-rounds"),
        (E("inconsistent-units", "sources", 3, "unit", "J3"),),
    ),
    Case(
        "xlsx-lead-time-beyond-horizon",
        "xlsx",
        xl_set("sources", 3, "lead_time", 4),
        (E("lead-time-beyond-horizon", "sources", 3, "lead_time", "I3"),),
    ),
    Case(
        "xlsx-budget-use-not-allowed",
        "xlsx",
        xl_set("budget_uses", 2, "use", "salaries"),
        (E("value-not-allowed", "budget_uses", 2, "use", "B2"),),
    ),
    Case("xlsx-header-as-written-is-valid", "xlsx", header_rows(), ()),
    Case(
        "xlsx-header-intensity-shorter",
        "xlsx",
        header_rows({"intensity": "high, medium"}),
        (E("header", "scenario", 6, "intensity", "B6"),),
    ),
    Case(
        "xlsx-header-unknown-setting",
        "xlsx",
        header_rows(add=("colour", "red")),
        (E("header", "scenario", 8, "colour", "A8"),),
    ),
    Case(
        "xlsx-header-start-year-not-a-number",
        "xlsx",
        header_rows({"start_year": "2026 AD"}),
        (E("header", "scenario", 4, "start_year", "B4"),),
    ),
    Case(
        "xlsx-header-empty-name",
        "xlsx",
        header_rows({"name": ""}),
        (E("header", "scenario", 2, "name", "B2"),),
    ),
    Case(
        "xlsx-first-period-after-last",
        "xlsx",
        all_of(
            xl_set("sources", 2, "first_period", 2028),
            xl_set("sources", 2, "last_period", 2027),
        ),
        (E("period-order", "sources", 2, "last_period", "G2"),),
    ),
    Case(
        "xlsx-upgrade-to-same-type",
        "xlsx",
        all_of(
            xl_set("upgrades", 2, "id", "m777-plus"),
            xl_set("upgrades", 2, "from_equipment", "m777"),
            xl_set("upgrades", 2, "to_equipment", "m777"),
            xl_set("upgrades", 2, "capacity", 2),
        ),
        (E("upgrade-same-type", "upgrades", 2, "to_equipment", "C2"),),
    ),
    Case(
        "xlsx-slot-role-unfillable",
        "xlsx",
        xl_set("formation_slots", 2, "role", "artilery"),
        (
            E(
                "role-unfillable",
                "formation_slots",
                2,
                "role",
                "B2",
                hint="Did you mean 'artillery'?",
            ),
        ),
    ),
    Case(
        "xlsx-munition-supplied-by-nothing",
        "xlsx",
        workbook(lambda wb: wb["sources"].delete_rows(3)),
        (E("munition-unsupplied", "equipment_munitions", 3, "munition", "B3"),),
    ),
    Case(
        "xlsx-header-missing-name",
        "xlsx",
        header_rows({"name": None}),
        (E("header", "scenario", None, "name"),),
    ),
    Case(
        "xlsx-several-problems-in-several-sheets",
        "xlsx",
        all_of(
            xl_set("munitions", 2, "stock", "lots"),
            xl_set("lines", 3, "capacity", -10),
            xl_set("donors", 2, "item", "m-777"),
            workbook(lambda wb: wb["standards"].merge_cells("E2:E3")),
        ),
        (
            E("not-a-number", "munitions", 2, "stock", "G2"),
            E("negative", "lines", 3, "capacity", "D3"),
            E("unknown-reference", "donors", 2, "item", "B2", hint="Did you mean 'm777'?"),
            E("donor-without-stock", "sources", 2, "country", "C2"),
            E("merged-cells", "standards", 2, "reference", "E2:E3"),
        ),
    ),
]

# --------------------------------------------------------------------------------------
# hostile and careless input (issue 9): no hang, no traceback, no silent loss
# --------------------------------------------------------------------------------------

LAUGHS = "lol0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 9)
)
"""A 1 KB "billion laughs": nine levels, each aliasing the previous one nine times."""

EQUIPMENT_COLUMNS = [
    *("id", "name", "class", "role", "family", "combat_value", "unit_cost", "operating_cost"),
    *("crew", "training_weeks", "service_life", "logistics_family", "source"),
]
M777_ROW = [
    *("m777", "M777", "towed-artillery", "artillery", "nato", "2", "3.7", "0.1", "8", "1"),
    *("30", "m777", "notional"),
]


def _typed(v: str) -> Any:
    """A cell as Excel would hold it: numbers as numbers, empty as None."""
    if v == "":
        return None
    return float(v) if v.replace(".", "").isdigit() else v


def equipment_like_m777(new_id: str) -> Mutation:
    """Append a copy of the m777 equipment row (row 5) with id *new_id*."""
    return add_row(
        "equipment", {**dict(zip(EQUIPMENT_COLUMNS, M777_ROW, strict=True)), "id": new_id}
    )


def xl_stray_cell(value: Any, sheet: str = "equipment") -> Mutation:
    """Put *value* (``None``: formatting only) in the sheet's very last row, column AD."""

    def edit(wb: openpyxl.Workbook) -> None:
        cell = wb[sheet].cell(row=1_048_576, column=30)
        if value is None:
            cell.font = openpyxl.styles.Font(bold=True)
        else:
            cell.value = value

    return workbook(edit)


def with_saved_formula_values(values: dict[str, str]) -> Mutation:
    """Store a value with each formula (``formula text -> value``), as Excel does on save."""

    def mutate(path: Path) -> None:
        import zipfile

        tmp = path.with_suffix(".tmp.xlsx")
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename.startswith("xl/worksheets/"):
                    for formula, value in values.items():
                        # an empty value is <v /> or <v></v> (openpyxl with or without lxml)
                        for empty in ("<v />", "<v></v>", "<v/>"):
                            data = data.replace(
                                f"<f>{formula}</f>{empty}".encode(),
                                f"<f>{formula}</f><v>{value}</v>".encode(),
                            )
                dst.writestr(item, data)
        tmp.replace(path)

    return mutate


HOSTILE_CASES: list[Case] = [
    # --- the header: bounded reading, duplicate settings ---------------------------------
    Case(
        "yaml-billion-laughs",
        "csv",
        header_yaml("solver:\n", LAUGHS + "solver:\n"),
        (E("header-format", "scenario.yaml", 13, hint="more than 20 YAML aliases"),),
    ),
    Case(
        "yaml-deep-flow-nesting",
        "csv",
        header_yaml("solver:\n", "deep: " + "[" * 3000 + "]" * 3000 + "\nsolver:\n"),
        (E("header-format", "scenario.yaml", 10, hint="nested more than 20 levels"),),
    ),
    Case(
        "yaml-deep-block-nesting",
        "csv",
        header_yaml("solver:\n", "".join("  " * i + f"k{i}:\n" for i in range(400)) + "solver:\n"),
        (E("header-format", "scenario.yaml", 29, hint="nested more than 20 levels"),),
    ),
    Case(
        "yaml-too-large",
        "csv",
        header_yaml("solver:\n", "# " + "x" * 1_100_000 + "\nsolver:\n"),
        (E("header-format", "scenario.yaml", hint="larger than"),),
    ),
    Case(
        "yaml-duplicate-intensity",
        "csv",
        # a war scenario silently turned into a peace one, before
        header_yaml("  gap: 0.01\n", "  gap: 0.01\nintensity: [peace, peace, peace]\n"),
        (E("duplicate-setting", "scenario.yaml", 12, "intensity", hint="first on line 7"),),
    ),
    Case(
        "yaml-duplicate-start-year",
        "csv",
        # before: 61 follow-on errors (periods outside the horizon) and no word of the duplicate
        header_yaml("  gap: 0.01\n", "  gap: 0.01\nstart_year: 2030\n"),
        (E("duplicate-setting", "scenario.yaml", 12, "start_year", hint="first on line 4"),),
    ),
    Case(
        "yaml-duplicate-nested-setting",
        "csv",
        header_yaml("  gap: 0.01\n", "  gap: 0.01\n  gap: 0.5\n"),
        (E("duplicate-setting", "scenario.yaml", 12, "solver.gap", hint="first on line 11"),),
    ),
    Case(
        "yaml-python-object-tag",
        "csv",
        header_yaml("name: small test scenario\n", "name: !!python/object/apply:os.system [ls]\n"),
        (E("header-format", "scenario.yaml", 1),),
    ),
    # --- CSV quoting, located ----------------------------------------------------------------
    Case(
        "csv-quoted-word-then-text",
        "csv",
        replace_bytes("equipment.csv", b",D-20,", b',"Grad" MLRS,'),
        (E("csv-quote", "equipment.csv", 3, "name", hint="text follows its closing quote"),),
    ),
    Case(
        "csv-unclosed-quote",
        "csv",
        replace_bytes("equipment.csv", b",D-20,", b',"D-20,'),
        (E("csv-quote", "equipment.csv", 3, "name", hint="never closed"),),
    ),
    Case(
        "csv-field-over-the-limit",
        "csv",
        replace_bytes("equipment.csv", b",D-20,", b"," + b"x" * 200_000 + b","),
        (E("field-too-long", "equipment.csv", 3, "name"),),
    ),
    Case(
        "csv-quote-errors-in-two-rows",
        "csv",
        all_of(
            replace_bytes("sources.csv", b"us-m777,", b'"us"-m777,'),
            replace_bytes("formations.csv", b"1st Air Defence Regiment", b'"1st" Air Defence'),
        ),
        (
            E("csv-quote", "sources.csv", 2, "id"),
            E("csv-quote", "formations.csv", 3, "name"),
        ),
    ),
    # --- ids as a planner reads them: case, Unicode form, invisible characters ---------------
    Case(
        "id-duplicate-differing-in-case",
        "csv",
        equipment_like_m777("M777"),  # before: a phantom second type in the plan
        (E("duplicate-id", "equipment.csv", 5, "id", hint="differs only in letter case"),),
    ),
    Case(
        "id-duplicate-differing-in-unicode-form",
        "csv",
        equipment_like_m777("\uff4d777"),  # fullwidth m
        (E("duplicate-id", "equipment.csv", 5, "id"),),
    ),
    Case(
        "reference-differing-in-case",
        "csv",
        set_cell("inventory", 3, "equipment", "M777"),
        (E("unknown-reference", "inventory.csv", 3, "equipment", hint="differs from 'm777'"),),
    ),
    Case(
        "reference-with-zero-width-space",
        "csv",
        set_cell("inventory", 3, "equipment", "m777\u200b"),
        # the invisible character is shown escaped; no second problem at the same cell
        (E("id-format", "inventory.csv", 3, "equipment", hint="'m777\\u200b'"),),
    ),
    Case(
        "id-with-zero-width-space",
        "csv",
        set_cell("equipment", 2, "id", "m777\u200b"),
        # the references to m777 elsewhere follow from this one root cause
        (E("id-format", "equipment.csv", 2, "id", hint="U+200B ZERO WIDTH SPACE"),),
    ),
    Case(
        "id-with-no-break-space",
        "csv",
        set_cell("equipment", 2, "id", "m777\u00a0"),
        (E("id-format", "equipment.csv", 2, "id", hint="'m777\\u00a0'"),),
    ),
    Case(
        "role-differing-in-case",
        "csv",
        set_cell("formation_slots", 2, "role", "Artillery"),
        (E("role-unfillable", "formation_slots.csv", 2, "role", hint="only in letter case"),),
    ),
    Case(
        "markup-and-emoji-codes-printed-as-typed",
        "csv",
        set_cell("inventory", 3, "equipment", ":x:[red]boom[/red]"),
        (E("unknown-reference", "inventory.csv", 3, "equipment", hint="':x:[red]boom[/red]'"),),
    ),
    # --- one root cause, one problem -----------------------------------------------------------
    Case(
        "missing-id-column-alone",
        "csv",
        drop_column("equipment", "id"),  # not also every reference to equipment and duplicates
        (E("column-missing", "equipment.csv", 1, "id"),),
    ),
    # --- workbooks: cost follows the cells, formulas, duplicate settings ------------------------
    Case(
        "xlsx-stray-value-in-the-last-row",
        "xlsx",
        xl_stray_cell("x"),  # cost: benchmarks/bench_hostile.py
        (E("row-length", "equipment", 1_048_576),),
    ),
    Case("xlsx-stray-formatting-in-the-last-row", "xlsx", xl_stray_cell(None), ()),
    Case(
        "xlsx-formula-with-saved-value",
        "xlsx",
        all_of(
            xl_set("equipment", 3, "combat_value", "=1+1"), with_saved_formula_values({"1+1": "2"})
        ),
        (
            E(
                "formula-cell",
                "equipment",
                3,
                "combat_value",
                "F3",
                severity="warning",
                hint="(2) is used",
            ),
        ),
    ),
    Case(
        "xlsx-formula-with-saved-value-in-header-sheet",
        "xlsx",
        all_of(header_rows({"periods": "=1+2"}), with_saved_formula_values({"1+2": "3"})),
        (E("formula-cell", "scenario", 5, "value", "B5", severity="warning", hint="(3) is used"),),
    ),
    Case(
        "xlsx-header-setting-twice",
        "xlsx",
        header_rows(add=("periods", 4)),
        (E("duplicate-setting", "scenario", 8, "setting", "A8", hint="first in row 5"),),
    ),
    Case(
        "xlsx-id-duplicate-differing-in-case",
        "xlsx",
        workbook(
            lambda wb: wb["equipment"].append(
                [
                    _typed(dict(zip(EQUIPMENT_COLUMNS, M777_ROW, strict=True)).get(c, ""))
                    if c != "id"
                    else "M777"
                    for c in [cell.value for cell in wb["equipment"][1]]
                ]
            )
        ),
        (E("duplicate-id", "equipment", 5, "id", "A5"),),
    ),
]

CASES = CSV_CASES + XLSX_CASES + HOSTILE_CASES


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The valid small scenario, written once as a CSV folder and as a workbook."""
    root = tmp_path_factory.mktemp("base")
    s = small_scenario()
    return {
        "csv": write_folder(s.header, s.tables, root / "folder"),
        "xlsx": write_workbook(s.header, s.tables, root / WORKBOOK),
    }


def make_case(case: Case, bases: dict[str, Path], tmp_path: Path) -> Path:
    """A copy of the valid scenario in *case*'s format, with *case*'s mutation applied."""
    if case.kind == "csv":
        path = Path(shutil.copytree(bases["csv"], tmp_path / "scenario"))
    else:
        path = Path(shutil.copy(bases["xlsx"], tmp_path / WORKBOOK))
    case.mutate(path)
    return path


def test_bases_are_valid(bases: dict[str, Path]) -> None:
    for path in bases.values():
        scenario, problems = validate_path(path)
        assert problems == []
        assert isinstance(scenario, Scenario)


def test_corpus_is_large_and_ids_are_unique() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)
    broken = [c for c in CASES if c.expected]
    assert len(broken) >= 40


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_every_problem_is_reported_where_it_is(
    case: Case, bases: dict[str, Path], tmp_path: Path
) -> None:
    path = make_case(case, bases, tmp_path)
    scenario, problems = validate_path(path)

    got = sorted((located(p, case.kind) for p in problems), key=repr)
    want = sorted((e.key() for e in case.expected), key=repr)
    assert got == want, "\n".join(p.describe() for p in problems)
    for e in case.expected:
        if e.hint:
            (match,) = [p for p in problems if located(p, case.kind) == e.key()]
            assert e.hint in match.message
    for p in problems:
        assert p.message and p.fix, p
        if case.kind == "csv":
            assert p.sheet is None and p.cell is None
        else:
            assert p.file == WORKBOOK

    if case.exit_code:
        assert scenario is None
    else:
        assert scenario is not None
        assert scenario.warnings == [p for p in problems if p.severity == "warning"]

    result = CliRunner().invoke(app, ["validate", str(path)])
    if case.exit_code:
        assert isinstance(result.exception, SystemExit), result.exception
    else:
        assert result.exception is None, result.exception
    assert result.exit_code == case.exit_code, result.output
    assert "Traceback" not in result.output
    for p in problems:
        assert f"{p.severity}: [{p.rule}] {p.describe()}" in result.output


AGREEING = [
    "several-problems-in-several-files",
    "xlsx-several-problems-in-several-sheets",
    "extra-unknown-column",
    "missing-header-file",
]


@pytest.mark.parametrize("case", [c for c in CASES if c.id in AGREEING], ids=lambda c: c.id)
def test_load_scenario_raises_with_the_same_problems(
    case: Case, bases: dict[str, Path], tmp_path: Path
) -> None:
    path = make_case(case, bases, tmp_path)
    _, problems = validate_path(path)
    if case.exit_code:
        with pytest.raises(ScenarioError) as info:
            load_scenario(path)
        assert info.value.problems == problems
        assert len(info.value.errors) == sum(e.severity == "error" for e in case.expected)
        assert problems[0].describe() in str(info.value)  # errors come first
    else:
        assert load_scenario(path).warnings == problems


@pytest.mark.parametrize("case", [c for c in HOSTILE_CASES if c.exit_code], ids=lambda c: c.id)
def test_plan_refuses_the_case_and_writes_nothing(
    case: Case, bases: dict[str, Path], tmp_path: Path
) -> None:
    path = make_case(case, bases, tmp_path)
    out = tmp_path / "runs" / "run"
    before = sorted(p.name for p in tmp_path.iterdir())
    result = CliRunner().invoke(app, ["plan", str(path), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert not out.exists() and not out.parent.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    _, problems = validate_path(path)
    for p in problems:
        assert f"{p.severity}: [{p.rule}] {p.describe()}" in result.output
